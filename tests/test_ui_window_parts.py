"""The main window's parts on their own: image conversion and crop thumbnails, the crop bar's
two-way binding, settings, sidecar conversions and autosave, the checks panel, status feedback,
model loading in the background and drag and drop."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.crop_session import CropSession, CropState
from core.framing.plan import CropChoice
from core.framing.suggest import first_headshot
from core.geometry import Box
from core.guides import GuideSettings
from core.models import ModelName, ModelProgress
from core.sidecar import read_sidecar
from core.suggestion import CheckWarning, Suggestion
from ui.checks_panel import ChecksPanel, summary_text
from ui.crop_bar import CropBar
from ui.main_window import MainWindow
from ui.photo_jobs import load_display_photo
from ui.qt_images import crop_thumbnail, pil_to_qimage, qimage_to_pil
from ui.settings import AppSettings, settings_at
from ui.sidecar_autosave import SidecarAutosave, SidecarCrop
from ui.status import AppStatusBar, MessageBanner
from ui.suggestions_panel import item_text
from ui.tasks import TaskRunner

NO_MODS = Qt.KeyboardModifier.NoModifier


def _suggestion(genre: str, framing: str, aspect=(4, 5), score=0.5, warnings=()) -> Suggestion:
    return Suggestion(
        id=f"{genre}-{framing}-{aspect[0]}x{aspect[1]}",
        genre=genre,  # type: ignore[arg-type]
        framing=framing,
        aspect=aspect,
        box=Box(10, 20, 40, 50),
        angle_deg=0.0,
        subject=0,
        score=score,
        warnings=tuple(warnings),
    )


# -- images --------------------------------------------------------------------------------------


def test_pil_qimage_round_trip_is_lossless(astronaut_path: Path) -> None:
    with Image.open(astronaut_path) as image:
        rgb = image.convert("RGB")
    back = qimage_to_pil(pil_to_qimage(rgb))
    assert back.size == rgb.size and back.mode == "RGB"
    assert np.array_equal(np.asarray(back), np.asarray(rgb))
    rgba = rgb.convert("RGBA")
    rgba.putpixel((0, 0), (1, 2, 3, 4))
    assert qimage_to_pil(pil_to_qimage(rgba)).getpixel((0, 0)) == (1, 2, 3, 4)


@pytest.mark.parametrize("angle", [0.0, 12.0, -7.5])
def test_crop_thumbnail_matches_pillow_rotate_then_crop(astronaut_path: Path, angle: float) -> None:
    with Image.open(astronaut_path) as image:
        full = image.convert("RGB")
    box = Box(100, 50, 200, 250)
    expected = full.rotate(angle, resample=Image.Resampling.BICUBIC).crop((100, 50, 300, 300))
    # From a half-size preview, as the GUI does: same picture, within resampling noise.
    preview = full.resize((256, 256), Image.Resampling.LANCZOS)
    thumb = crop_thumbnail(preview, full.size, box, angle, 250)
    assert thumb.size == (200, 250)
    diff = np.abs(np.asarray(thumb, float) - np.asarray(expected, float)).mean()
    assert diff < 10.0
    shifted = crop_thumbnail(preview, full.size, box.translated(60, 0), angle, 250)
    assert np.abs(np.asarray(shifted, float) - np.asarray(expected, float)).mean() > 2 * diff


# -- crop bar ------------------------------------------------------------------------------------


def test_crop_bar_is_two_way_bound_to_the_session(qtbot: QtBot) -> None:
    session = CropSession(1000, 800)
    bar = CropBar()
    qtbot.addWidget(bar)
    bar.set_session(session)
    assert (bar.w_spin.value(), bar.h_spin.value()) == (1000, 800)

    # Typing a value commits a constrained box (one undo step)...
    bar.w_spin.setValue(500)
    assert session.state.box.w == 500 and session.can_undo
    bar.x_spin.setValue(100)
    assert session.state.box.x == 100 and session.state.box.w == 500
    # ...and session changes come back to the fields and the ratio box.
    session.set_aspect((1, 1))
    assert bar.w_spin.value() == bar.h_spin.value()
    assert bar.aspect_box.currentData() == (1, 1)
    session.set_angle(2.5)
    assert bar.angle_spin.value() == pytest.approx(2.5)
    assert bar.angle_slider.value() == 25

    # Choosing a ratio in the box locks the session to it.
    count = bar.aspect_box.count()
    index = bar.aspect_index((4, 5))
    assert index >= 0
    bar.aspect_box.setCurrentIndex(index)
    bar.aspect_box.activated.emit(index)
    assert session.state.aspect == (4, 5)
    assert bar.aspect_box.count() == count  # known ratios are found, not added again

    # A slider drag is live (no undo steps) until it is released: one step.
    steps_before = len(session._undo)
    bar.angle_slider.setSliderDown(True)
    for value in (30, 40, 50):
        bar.angle_slider.setValue(value)
    assert session.is_live and len(session._undo) == steps_before
    bar.angle_slider.setSliderDown(False)
    bar.angle_slider.sliderReleased.emit()
    assert not session.is_live and len(session._undo) == steps_before + 1
    assert session.state.angle_deg == pytest.approx(5.0)

    bar.set_session(None)
    assert not bar.x_spin.isEnabled()
    session.set_angle(0.0)  # no longer connected: nothing to update, nothing raised


def test_crop_bar_stacks_its_rows_when_narrow(qtbot: QtBot) -> None:
    bar = CropBar()
    qtbot.addWidget(bar)
    bar.set_session(CropSession(6000, 4000))
    bar.resize(1400, 40)
    bar.show()
    qtbot.waitUntil(lambda: not bar.is_stacked())
    bar.resize(bar.minimumWidth(), 80)
    qtbot.waitUntil(bar.is_stacked)


# -- settings and conversions --------------------------------------------------------------------


def test_settings_round_trip(tmp_path: Path) -> None:
    settings = AppSettings(settings_at(tmp_path / "s.ini"))
    kinds = ("thirds", "phi", "headshot")
    assert settings.guide_settings(kinds).enabled  # defaults from resources/guides.toml
    chosen = GuideSettings(frozenset({"phi"}), orientation=3, mode="never", grid_divisions=6)
    settings.set_guide_settings(chosen)
    settings.set_selected_presets(["x-profile"])
    for name in ("a.jpg", "b.jpg", "a.jpg"):
        settings.add_recent(tmp_path / name)
    settings.sync()

    again = AppSettings(settings_at(tmp_path / "s.ini"))
    assert again.guide_settings(kinds) == chosen
    assert again.selected_presets() == ["x-profile"]
    assert again.recent_paths() == [tmp_path / "a.jpg", tmp_path / "b.jpg"]
    again.set_guide_settings(GuideSettings(frozenset()))
    assert again.guide_settings(kinds).enabled == frozenset()  # "none" is not "never set"
    again.set_selected_presets([])
    assert again.selected_presets() == []


def test_state_choice_round_trip_and_first_headshot() -> None:
    headshot = _suggestion("headshot", "standard", (4, 5))
    state = CropState(Box(1.5, 2.5, 300, 375), (4, 5), 3.25, 0, headshot.id)
    choice = state.to_choice([headshot])
    assert (choice.genre, choice.framing) == ("headshot", "standard")
    assert CropState.from_choice(choice) == state
    edited = CropState(Box(0, 0, 10, 10), None).to_choice([headshot])
    assert edited.genre == "manual" and edited.framing is None

    tight = _suggestion("headshot", "tight", (4, 5), 0.9)
    square = _suggestion("headshot", "standard", (1, 1), 0.8)
    portrait = _suggestion("portrait", "close-up", (2, 3), 0.95)
    assert first_headshot([portrait, tight, square, headshot]) == headshot
    assert first_headshot([portrait, tight, square]) == tight
    assert first_headshot([portrait]) is None


def test_sidecar_autosave_writes_once_after_a_burst_and_at_once_on_flush_or_finish(
    qtbot: QtBot, tmp_path: Path
) -> None:
    runner = TaskRunner(max_threads=1)
    photo = tmp_path / "a.jpg"
    crop: list[SidecarCrop | None] = [None]
    saver = SidecarAutosave(runner, lambda: crop[0], priority=0)
    written: list[Path] = []
    saver.written.connect(written.append)
    try:
        saver.schedule()
        saver.flush()  # nothing to save: no photo
        assert runner.wait_idle(5000) and not written

        crop[0] = SidecarCrop(photo, CropChoice(Box(1, 2, 30, 40)), (100, 120))
        saver.schedule()
        crop[0] = SidecarCrop(photo, CropChoice(Box(5, 6, 30, 40)), (100, 120))
        saver.schedule()  # a burst of edits saves once, the last crop
        qtbot.waitUntil(lambda: written == [photo], timeout=5000)
        assert runner.wait_idle(5000) and written == [photo]
        assert read_sidecar(photo, (100, 120)) == crop[0].choice  # type: ignore[union-attr]

        crop[0] = SidecarCrop(photo, CropChoice(Box(7, 8, 30, 40)), (100, 120))
        saver.schedule()
        saver.flush()  # switching photo: saved now, not after the delay
        assert runner.wait_idle(5000) and written == [photo, photo]
        assert read_sidecar(photo, (100, 120)) == crop[0].choice  # type: ignore[union-attr]

        crop[0] = SidecarCrop(photo, CropChoice(Box(9, 9, 30, 40)), (100, 120))
        saver.schedule()
        saver.finish()  # closing: written before finish returns
        assert read_sidecar(photo, (100, 120)) == crop[0].choice  # type: ignore[union-attr]
        saver.flush()  # nothing pending any more
        assert runner.wait_idle(5000) and written == [photo, photo]
    finally:
        runner.shutdown()


def test_load_display_photo_is_upright_with_the_original_size(tmp_path: Path) -> None:
    photo = tmp_path / "rotated.jpg"
    Image.new("RGB", (300, 200), (200, 30, 30)).save(photo, exif=_orientation_exif(6))
    shown = load_display_photo(photo, 100)
    assert shown.original_size == (200, 300)  # EXIF 6: stored landscape, shown portrait
    assert shown.preview.size[1] == 100 and shown.qimage.height() == 100
    assert shown.saved is None
    # The analysis copy came from the same decode: upright too, for the face pass to start from.
    assert (shown.loaded.width, shown.loaded.height) == (200, 300)
    assert shown.loaded.analysis_rgb.shape == (300, 200, 3)


def _orientation_exif(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


# -- panels and feedback -------------------------------------------------------------------------


def test_checks_panel_orders_by_severity_and_summarises(qtbot: QtBot) -> None:
    panel = ChecksPanel()
    qtbot.addWidget(panel)
    checks = [
        CheckWarning("upscale-needed", "needs upscaling", "info"),
        CheckWarning("eyes-cut", "the crop cuts through the eyes", "problem"),
        CheckWarning("off-centre", "off centre", "warning"),
    ]
    panel.set_checks(checks)
    assert [c.severity for c in panel.shown_checks()] == ["problem", "warning", "info"]
    assert summary_text(checks) == "1 problem · 1 warning · 1 note"
    panel.set_checks([])
    assert summary_text([]) == "All checks pass"
    assert panel._list.count() == 1


def test_suggestion_tile_text_is_short() -> None:
    s = _suggestion("portrait", "head-and-shoulders", (2, 3), 0.74, [CheckWarning("x", "y")] * 3)
    nbsp = "\u00a0"
    assert item_text(1, s) == f"head{nbsp}&{nbsp}shoulders\n1 · 2:3 · 74%\n⚠ 3 warnings"
    assert item_text(12, s) == f"head{nbsp}&{nbsp}shoulders\n2:3 · 74%\n⚠ 3 warnings"
    note = CheckWarning("roll-not-corrected", "eyes tilted +4.4° (head tilt kept)", "info")
    noted = _suggestion("headshot", "standard", (4, 5), 0.91, [note])
    assert item_text(1, noted).endswith("\n1 note")  # a note is not a warning
    mixed = _suggestion("headshot", "tight", (4, 5), 0.8, [note, CheckWarning("x", "y")])
    assert item_text(1, mixed).endswith("\n⚠ 1 warning")
    assert item_text(1, _suggestion("headshot", "loose", (1, 1), 0.9, [])).endswith("no warnings")


def test_banner_and_model_progress(qtbot: QtBot) -> None:
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.show_message("x.jpg is not a photo")
    assert banner.isVisible() and banner.text() == "x.jpg is not a photo"
    banner.dismiss()
    assert banner.text() == ""

    bar = AppStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.show_model_progress(ModelProgress(ModelName.FACE_FULL, "download", 25_000, 100_000, ""))
    assert bar.progress.isVisible() and bar.progress.value() == 250  # of 1000
    assert bar.text() == "Getting the face detector (small faces): 25 of 100 KB"
    bar.show_model_progress(ModelProgress(ModelName.FACE_FULL, "done", 1000, 1000, "ready"))
    assert not bar.progress.isVisible() and bar.text() == "ready"


def test_models_load_in_the_background_on_a_window_that_is_already_up(
    qtbot: QtBot, tmp_path: Path, model_store
) -> None:
    window = MainWindow(settings_at(tmp_path / "s.ini"), model_store=model_store)
    qtbot.addWidget(window)
    window.show()
    assert window.analyzer() is None  # the window is up before the models
    with qtbot.waitSignal(window.modelsReady, timeout=60000):
        pass
    assert window.analyzer() is not None
    window.close()  # closes the analyzer it created


def test_dropping_a_photo_opens_it(
    qtbot: QtBot, tmp_path: Path, astronaut_path: Path, model_store
) -> None:
    from core.detection import FaceAnalyzer

    photo = tmp_path / "dropped.png"
    shutil.copyfile(astronaut_path, photo)
    with FaceAnalyzer(model_store) as analyzer:
        window = MainWindow(settings_at(tmp_path / "s.ini"), analyzer=analyzer)
        qtbot.addWidget(window)
        window.show()
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(photo))])
        # As a real drop arrives: enter, then drop, on the widget under the pointer.
        target, pos = window.welcome, QPoint(200, 200)
        enter = QDragEnterEvent(
            pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, NO_MODS
        )
        QApplication.sendEvent(target, enter)
        assert enter.isAccepted()
        drop = QDropEvent(
            QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, NO_MODS
        )
        QApplication.sendEvent(target, drop)
        qtbot.waitUntil(lambda: window.shown_path() == photo, timeout=10000)
        assert window.app_settings.recent_paths()[0] == photo
        window.close()


class _StoreWithoutModels:
    """A model store on a machine where no source can provide the models."""

    def ensure_all(self, progress=None):
        from core.errors import ModelUnavailableError

        raise ModelUnavailableError("no copy of face_short_range could be found or downloaded")


def test_without_models_photos_still_open_for_manual_cropping(
    qtbot: QtBot, tmp_path: Path, astronaut_path: Path
) -> None:
    photo = tmp_path / "a.png"
    shutil.copyfile(astronaut_path, photo)
    window = MainWindow(settings_at(tmp_path / "s.ini"), model_store=_StoreWithoutModels())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.banner.isVisible, timeout=10000)
    assert "Face detection is unavailable" in window.banner.text()
    assert "face_short_range" in window.banner.text()
    window.open_paths([photo])
    qtbot.waitUntil(lambda: window.shown_path() == photo, timeout=10000)
    qtbot.waitUntil(window.is_settled, timeout=10000)
    session = window.session()
    assert session is not None and session.analysis is None
    session.set_aspect((1, 1))  # cropping by hand still works
    assert session.state.aspect == (1, 1)
    assert not window.suggestions.suggestions()
    assert not window.window_actions.level.isEnabled()
    window.close()


def test_typed_width_leads_under_a_locked_ratio(qtbot: QtBot) -> None:
    session = CropSession(1000, 800)
    session.set_aspect((4, 5))
    session.set_box(Box(10.4, 20.6, 400.3, 500.375))
    bar = CropBar()
    qtbot.addWidget(bar)
    bar.set_session(session)
    bar.w_spin.setValue(320)
    box = session.state.box
    assert box.w == pytest.approx(320) and box.h == pytest.approx(400)
    assert (box.x, box.y) == (pytest.approx(10.4), pytest.approx(20.6))  # untouched, unrounded
    bar.h_spin.setValue(500)
    assert session.state.box.w == pytest.approx(400)
