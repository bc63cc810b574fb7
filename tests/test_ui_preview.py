"""PreviewPanel: exact preset outputs rendered in the background from a real photo."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from core.crop_session import CropState
from core.geometry import Box
from core.paths import resource_path
from core.presets import load_presets
from ui.preview_panel import PreviewPanel
from ui.tasks import TaskRunner

SCREENSHOTS = Path(__file__).resolve().parent.parent / "out" / "screenshots"


@pytest.fixture(scope="module")
def presets():
    return load_presets(None)


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def astronaut(tmp_path: Path, astronaut_path: Path) -> Path:
    path = tmp_path / "astronaut.png"
    shutil.copy(astronaut_path, path)
    return path


def _digest(image: QImage) -> str:
    return hashlib.sha256(bytes(image.constBits())[: image.sizeInBytes()]).hexdigest()


def _wait_rendered(qtbot, panel: PreviewPanel) -> None:
    qtbot.waitUntil(lambda: not panel.is_rendering(), timeout=30000)


def _screenshot(widget, name: str) -> None:
    qss = resource_path("style.qss")
    if qss.is_file():
        widget.setStyleSheet(qss.read_text(encoding="utf-8"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    widget.show()
    assert widget.grab().save(str(SCREENSHOTS / name))


def test_exact_round_previews_follow_the_crop(qtbot, runner, presets, astronaut: Path) -> None:
    panel = PreviewPanel(runner, presets)
    qtbot.addWidget(panel)
    panel.resize(420, 900)
    changes: list[list[str]] = []
    panel.selectedPresetsChanged.connect(changes.append)

    panel.set_photo(astronaut)
    panel.set_crop(CropState(box=Box(140, 10, 240, 240), aspect=(1, 1)))
    panel.set_selected_presets(["linkedin-profile", "instagram-portrait"])
    assert panel.selected_presets() == ["linkedin-profile", "instagram-portrait"]
    panel.set_true_size(True)
    _wait_rendered(qtbot, panel)

    linkedin = panel.preview_image("linkedin-profile")
    portrait = panel.preview_image("instagram-portrait")
    assert linkedin is not None and portrait is not None
    assert (linkedin.width(), linkedin.height()) == (400, 400)
    assert (portrait.width(), portrait.height()) == (1080, 1350)
    # Round avatar: clear corners, opaque centre. The 4:5 post is a plain rectangle.
    assert linkedin.hasAlphaChannel()
    for x, y in ((0, 0), (399, 0), (0, 399), (399, 399), (30, 30)):
        assert linkedin.pixelColor(x, y).alpha() == 0
    assert linkedin.pixelColor(200, 200).alpha() == 255
    assert linkedin.pixelColor(200, 3).alpha() == 255  # the circle touches the edge
    assert not portrait.hasAlphaChannel() or portrait.pixelColor(0, 0).alpha() == 255
    # 240 px of photo into 400 / 1080 px of output: both are enlarged and say so.
    assert panel.tile("linkedin-profile").upscaled
    assert not panel.tile("linkedin-profile").badge.isHidden()
    assert panel.tile("instagram-portrait").name_label.text() == "Instagram post, portrait 4:5"
    assert "1080 × 1350 px" in panel.tile("instagram-portrait").size_label.text()
    # True size: a loupe, one output pixel per screen pixel, no wider than the panel.
    tile = panel.tile("instagram-portrait")
    loupe = tile.loupe_rect()
    shown = tile.image_label.pixmap().toImage()
    assert loupe is not None and (shown.width(), shown.height()) == (loupe.width(), loupe.height())
    assert shown.width() <= panel.scroll_area.viewport().width()
    assert shown.pixel(0, 0) == portrait.pixel(loupe.x(), loupe.y())
    before = (_digest(linkedin), _digest(portrait))

    # A committed crop change re-renders both, from the cached full-resolution decode.
    panel.set_crop(CropState(box=Box(0, 0, 512, 512), aspect=(1, 1)))
    _wait_rendered(qtbot, panel)
    linkedin2 = panel.preview_image("linkedin-profile")
    portrait2 = panel.preview_image("instagram-portrait")
    assert (linkedin2.width(), linkedin2.height()) == (400, 400)
    assert (portrait2.width(), portrait2.height()) == (1080, 1350)
    assert (_digest(linkedin2), _digest(portrait2)) != before
    assert not panel.tile("linkedin-profile").upscaled  # 512 px crop into 400 px
    assert panel.tile("linkedin-profile").badge.isHidden()
    assert panel._cache.decodes == 1

    # A levelled (rotated) crop renders through core's rotate-and-crop, same output sizes.
    panel.set_crop(CropState(box=Box(60, 60, 390, 390), aspect=(1, 1), angle_deg=8.0))
    _wait_rendered(qtbot, panel)
    rotated = panel.preview_image("instagram-portrait")
    assert (rotated.width(), rotated.height()) == (1080, 1350)
    assert _digest(rotated) != _digest(portrait2)
    assert panel._cache.decodes == 1

    # Fit mode scales a reduced copy for display only; the exact image is kept.
    panel.set_true_size(False)
    shown = panel.tile("instagram-portrait").image_label.pixmap()
    assert shown.width() < 1080
    display = panel.tile("instagram-portrait").rendered.display
    assert (display.width(), display.height()) == (819, 1024)
    assert panel.preview_image("instagram-portrait").width() == 1080
    _screenshot(panel, "preview_panel.png")

    # Ticking a preset in the list (as a click does) adds its tile and reports the selection.
    item = panel.picker._items["x-profile"]
    item.setCheckState(0, Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: bool(changes), timeout=5000)
    assert changes[-1] == ["linkedin-profile", "instagram-portrait", "x-profile"]
    _wait_rendered(qtbot, panel)
    x_image = panel.preview_image("x-profile")
    assert x_image is not None and (x_image.width(), x_image.height()) == (400, 400)
    panel.set_selected_presets(["instagram-portrait"])
    assert changes[-1] == ["instagram-portrait"]
    assert panel.tile("linkedin-profile") is None


def test_no_photo_and_unreadable_photo(
    qtbot, runner, presets, tmp_path: Path, astronaut_path: Path
) -> None:
    panel = PreviewPanel(runner, presets)
    qtbot.addWidget(panel)
    panel.set_selected_presets(["x-profile"])
    panel.set_photo(None)
    _wait_rendered(qtbot, panel)
    assert panel.preview_image("x-profile") is None
    assert "Open a photo" in panel.status_label.text()

    # A new photo clears the old outputs at once, before its own render arrives.
    shutil.copy(astronaut_path, tmp_path / "first.png")
    panel.set_photo(tmp_path / "first.png")
    _wait_rendered(qtbot, panel)
    assert panel.preview_image("x-profile") is not None

    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    panel.set_photo(broken)
    assert panel.preview_image("x-profile") is None
    _wait_rendered(qtbot, panel)
    assert panel.preview_image("x-profile") is None
    assert "Preview failed" in panel.status_label.text()
    assert "broken.jpg" in panel.status_label.text()


def test_preset_picker_groups_and_group_checkbox(qtbot, presets) -> None:
    from ui.preset_picker import PresetPicker

    picker = PresetPicker(presets)
    qtbot.addWidget(picker)
    titles = [picker.topLevelItem(i).text(0) for i in range(picker.topLevelItemCount())]
    assert titles == ["Social", "Print", "ID / passport"]
    assert picker.topLevelItem(1).childCount() == len(presets.by_group()["print"])
    prints = [picker.topLevelItem(1).child(i) for i in range(picker.topLevelItem(1).childCount())]
    assert ("1200 × 1800", "1200 × 1800 px · 4 x 6 in at 300 ppi") in [
        (item.text(1), item.toolTip(1)) for item in prints
    ]
    with qtbot.waitSignal(picker.checkedChanged, timeout=5000) as blocker:
        picker.topLevelItem(1).setCheckState(0, Qt.CheckState.Checked)  # the whole Print group
    assert blocker.args[0] == [p.id for p in presets.by_group()["print"]]
    assert picker.checked_ids() == blocker.args[0]
    picker.set_checked_ids(["id-us", "no-such-preset"])
    assert picker.checked_ids() == ["id-us"]
    assert picker.topLevelItem(1).checkState(0) == Qt.CheckState.Unchecked
    assert picker.topLevelItem(2).checkState(0) == Qt.CheckState.PartiallyChecked
