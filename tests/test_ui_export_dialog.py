"""ExportDialog: real exports of real photos through the dialog, into tmp folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from core.batch import ChosenCrop
from core.framing.plan import CropChoice
from core.geometry import Box
from core.paths import resource_path
from core.presets import load_presets
from tests.analyzer_spy import count_analyses
from tests.qt_clicks import click_preset_box
from ui.export_dialog import ExportDialog
from ui.export_job import ExportRunResult
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
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def astronaut(tmp_path: Path, astronaut_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir(exist_ok=True)
    path = folder / "astronaut.png"
    shutil.copy(astronaut_path, path)
    return path


SQUARE = ChosenCrop(CropChoice(box=Box(100, 0, 360, 360), aspect=(1, 1)), (512, 512))


def _dialog(qtbot, runner, presets, sources, settings) -> ExportDialog:
    dialog = ExportDialog(None, runner, presets, sources, settings)
    qtbot.addWidget(dialog)
    return dialog


def _click_export(qtbot, dialog: ExportDialog) -> ExportRunResult:
    with qtbot.waitSignal(dialog.exportFinished, timeout=60000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def _screenshot(widget, name: str) -> None:
    qss = resource_path("style.qss")
    if qss.is_file():
        widget.setStyleSheet(qss.read_text(encoding="utf-8"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    widget.show()
    assert widget.grab().save(str(SCREENSHOTS / name))


def test_export_two_presets_then_replace_question(
    qtbot, runner, presets, settings, astronaut: Path, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "exports"
    dialog = _dialog(qtbot, runner, presets, [(astronaut, SQUARE)], settings)
    dialog.set_presets(["linkedin-profile", "instagram-portrait"])
    dialog.set_output_folder(out)
    dialog.set_format(None)
    dialog.set_quality(90)
    assert "astronaut_linkedin-profile.jpg" in dialog.example_label.text()
    assert dialog.consistent_box.isHidden()  # one photo: nothing to keep consistent

    result = _click_export(qtbot, dialog)
    assert result.ok and not result.failed
    files = {w.preset: w.path for w in result.written}
    assert set(files) == {"linkedin-profile", "instagram-portrait"}
    with Image.open(files["linkedin-profile"]) as img:
        assert img.size == (400, 400) and img.format == "JPEG"
    with Image.open(files["instagram-portrait"]) as img:
        assert img.size == (1080, 1350)
    assert dialog.results_tree.topLevelItemCount() == 2
    assert not dialog.show_folder_button.isHidden()
    assert "2 file(s) written" in dialog.status_label.text()
    _screenshot(dialog, "export_dialog_done.png")

    # Same folder again: the dialog asks; "No" writes nothing and leaves the files as they were.
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files.values()}
    asked: list[str] = []

    def answer(choice):
        def exec_(box: QMessageBox) -> int:
            asked.append(box.text())
            assert box.button(QMessageBox.StandardButton.Yes).text() == "Replace"
            return choice

        return exec_

    monkeypatch.setattr(QMessageBox, "exec", answer(QMessageBox.StandardButton.No))
    finished: list[object] = []
    dialog.exportFinished.connect(finished.append)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    assert "astronaut_linkedin-profile.jpg" in asked[0]
    assert "astronaut_instagram-portrait.jpg" in asked[0]
    assert not dialog.is_running() and finished == []
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files.values()} == before

    # "Yes" replaces them (atomically: a new file takes the old one's place).
    inodes = {p: p.stat().st_ino for p in files.values()}
    monkeypatch.setattr(QMessageBox, "exec", answer(QMessageBox.StandardButton.Yes))
    result = _click_export(qtbot, dialog)
    assert len(asked) == 2 and result.ok and len(result.written) == 2
    assert all(p.stat().st_ino != inodes[p] for p in files.values())
    with Image.open(files["linkedin-profile"]) as img:
        assert img.size == (400, 400)

    # The choices are remembered for the next dialog.
    again = _dialog(qtbot, runner, presets, [(astronaut, SQUARE)], settings)
    assert again.selected_presets() == ["linkedin-profile", "instagram-portrait"]
    assert again.output_folder() == out
    assert again.output_format() is None
    assert again.quality_spin.value() == 90


def test_cancel_stops_a_batch_between_files(
    qtbot, runner, presets, settings, tmp_path: Path, astronaut_path: Path, coffee_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    sources = []
    for i in range(8):
        src = astronaut_path if i % 2 == 0 else coffee_path
        path = folder / f"photo_{i:02d}.png"
        shutil.copy(src, path)
        with Image.open(path) as img:
            sources.append((path, ChosenCrop(SQUARE.choice, img.size)))
    out = tmp_path / "out"
    dialog = _dialog(qtbot, runner, presets, sources, settings)
    dialog.set_presets(["instagram-square", "instagram-portrait"])
    dialog.set_output_folder(out)
    assert not dialog.consistent_box.isHidden()  # batch only
    dialog.set_consistent(False)  # the hand-made crops are used

    # Press Cancel as soon as the first file is reported written.
    def cancel_on_first_file(done: int, _total: int, _message: str) -> None:
        if done >= 1 and dialog.cancel_button.isEnabled():
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    dialog._relay.progress.connect(cancel_on_first_file)
    with qtbot.waitSignal(dialog.exportFinished, timeout=60000) as blocker:
        assert dialog.start_export()
        assert dialog.is_running()
        assert dialog.cancel_button.text() == "Cancel"
    result: ExportRunResult = blocker.args[0]
    assert result.cancelled
    assert 1 <= len(result.written) < 16
    written = {w.path for w in result.written}
    on_disk = set(out.iterdir())
    assert on_disk == written  # no partial or temporary files left behind
    assert {s for s, _r in result.skipped}  # the rest are listed as skipped
    exported_sources = {w.source for w in result.written}
    assert all(s not in exported_sources for s, _r in result.skipped)
    assert "cancelled" in dialog.status_label.text()
    assert dialog.cancel_button.text() == "Close"

    # Closing the window while exporting cancels, then closes once the current file is complete.
    dialog.show()
    with (
        qtbot.waitSignal(dialog.exportFinished, timeout=60000) as blocker,
        qtbot.waitSignal(dialog.finished, timeout=60000),
    ):
        dialog.set_name_template("second_{stem}_{preset}.{ext}")
        assert dialog.start_export()
        dialog.close()
        assert dialog.is_running()  # still finishing the file in hand
    assert blocker.args[0].cancelled
    assert dialog.isHidden()


def test_unusable_folder_and_template_are_refused_before_any_work(
    qtbot, runner, presets, settings, astronaut: Path, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, runner, presets, [(astronaut, SQUARE)], settings)
    dialog.set_presets(["x-profile"])
    a_file = tmp_path / "not_a_folder.txt"
    a_file.write_text("x")
    finished: list[object] = []
    dialog.exportFinished.connect(finished.append)

    dialog.set_output_folder(a_file)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "is a file" in dialog.error_text()
    assert not dialog.is_running() and runner.pending() == 0

    missing = tmp_path / "no" / "such" / "folder"
    dialog.set_output_folder(missing)
    assert not dialog.start_export()
    assert "does not exist" in dialog.error_text()
    assert not missing.parent.exists()

    dialog.set_output_folder(tmp_path / "fine")
    dialog.set_name_template("../{stem}_{preset}.{ext}")
    assert "separator" in dialog.error_text() or "outside" in dialog.error_text()
    assert not dialog.export_button.isEnabled()
    dialog.set_name_template("{stem}_{nope}.{ext}")
    assert "unknown field" in dialog.error_text()
    dialog.set_name_template("{stem}-{width}x{height}.{ext}")
    assert dialog.error_text() == ""
    assert "astronaut-400x400.jpg" in dialog.example_label.text()
    assert dialog.export_button.isEnabled()
    assert finished == []
    _screenshot(dialog, "export_dialog.png")


def test_batch_without_crops_is_framed_by_core(
    qtbot,
    runner,
    presets,
    settings,
    model_store,
    tmp_path: Path,
    astronaut_path: Path,
    coffee_path: Path,
) -> None:
    folder = tmp_path / "shoot"
    folder.mkdir()
    astronaut = folder / "astronaut.png"
    shutil.copy(astronaut_path, astronaut)
    coffee = folder / "coffee.png"  # no face: skipped, with the reason
    shutil.copy(coffee_path, coffee)
    broken = folder / "broken.jpg"  # unreadable: failed, with the reason
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"garbage" * 50)
    sources = [(astronaut, None), (coffee, None), (broken, None)]
    dialog = _dialog(qtbot, runner, presets, sources, settings)
    dialog.set_presets(["linkedin-profile"])
    dialog.set_output_folder(tmp_path / "out")
    dialog.set_consistent(False)

    result = _click_export(qtbot, dialog)
    assert [w.path.name for w in result.written] == ["astronaut_linkedin-profile.jpg"]
    with Image.open(result.written[0].path) as img:
        assert img.size == (400, 400)
    assert [s for s, _r in result.skipped] == [coffee]
    assert "no face" in result.skipped[0][1]
    assert [s for s, _r in result.failed] == [broken]
    assert dialog.results_tree.topLevelItemCount() == 3
    assert "1 failed" in dialog.status_label.text() and "1 skipped" in dialog.status_label.text()
    _screenshot(dialog, "export_dialog_batch.png")

    # Consistent framing: core frames the set together (one shared head size per preset). Two
    # versions of the portrait with room around the head, at different sizes and places.
    portrait = Image.open(astronaut).convert("RGB")
    team = []
    for name, side, offset in (("anna.png", 600, (150, 120)), ("ben.png", 480, (260, 240))):
        canvas = Image.new("RGB", (900, 900), (96, 96, 96))
        canvas.paste(portrait.resize((side, side)), offset)
        canvas.save(folder / name)
        team.append((folder / name, None))
    dialog2 = _dialog(qtbot, runner, presets, team, settings)
    dialog2.set_presets(["linkedin-profile"])
    dialog2.set_output_folder(tmp_path / "team")
    dialog2.set_consistent(True)
    result2 = _click_export(qtbot, dialog2)
    assert not result2.failed and not result2.skipped and not result2.cancelled
    assert sorted(w.path.name for w in result2.written) == [
        "anna_linkedin-profile.jpg",
        "ben_linkedin-profile.jpg",
    ]


def test_photos_without_a_crop_are_framed_with_the_windows_analyzer(
    qtbot,
    runner,
    presets,
    settings,
    model_store,
    tmp_path: Path,
    astronaut: Path,
    monkeypatch,
) -> None:
    from core.detection import FaceAnalyzer

    with FaceAnalyzer(model_store) as window_analyzer:
        built: list[object] = []
        real_init = FaceAnalyzer.__init__

        def counting_init(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            built.append(self)
            real_init(self, *args, **kwargs)

        # Any second set of MediaPipe models built from here on would show up in ``built``.
        monkeypatch.setattr(FaceAnalyzer, "__init__", counting_init)
        calls = count_analyses(window_analyzer, monkeypatch)
        dialog = ExportDialog(
            None, runner, presets, [(astronaut, None)], settings, analyzer=lambda: window_analyzer
        )
        qtbot.addWidget(dialog)
        dialog.set_presets(["linkedin-profile"])
        dialog.set_output_folder(tmp_path / "out")
        result = _click_export(qtbot, dialog)
        assert [w.path.name for w in result.written] == ["astronaut_linkedin-profile.jpg"]
        assert calls == [astronaut]
        assert built == []


def test_preset_a_photo_cannot_be_framed_for_is_skipped_alone(
    qtbot, runner, presets, settings, model_store, tmp_path: Path, grace_hopper_path: Path
) -> None:
    # A tight headshot holds no context for a 4:1 LinkedIn cover: that preset is skipped with
    # the framing engine's reason, the profile picture of the same photo is still written.
    photo = tmp_path / "grace.jpg"
    shutil.copy(grace_hopper_path, photo)
    dialog = _dialog(qtbot, runner, presets, [(photo, None)], settings)
    dialog.set_presets(["linkedin-profile", "linkedin-cover"])
    dialog.set_output_folder(tmp_path / "out")
    result = _click_export(qtbot, dialog)
    assert [w.path.name for w in result.written] == ["grace_linkedin-profile.jpg"]
    assert not result.failed
    assert [(s, r.split(":")[0]) for s, r in result.skipped] == [(photo, "linkedin-cover")]
    assert not (tmp_path / "out" / "grace_linkedin-cover.jpg").exists()


def test_no_sources_cannot_export(qtbot, runner, presets, settings) -> None:
    dialog = _dialog(qtbot, runner, presets, [], settings)
    dialog.set_presets(["linkedin-profile"])
    assert "No photo" in dialog.sources_label.text()
    assert not dialog.export_button.isEnabled()
    assert not dialog.start_export()


def test_lightroom_checkbox_writes_the_chosen_crop_into_the_xmp_sidecar(
    qtbot, runner, presets, settings, astronaut: Path, tmp_path: Path
) -> None:
    from core.lightroom import read_xmp_crop

    dialog = _dialog(qtbot, runner, presets, [(astronaut, SQUARE)], settings)
    assert not dialog.xmp_box.isChecked()  # off unless asked for, every time
    dialog.set_presets(["linkedin-profile"])
    dialog.set_output_folder(tmp_path / "exports")
    qtbot.mouseClick(dialog.xmp_box, Qt.MouseButton.LeftButton)
    assert dialog.xmp_box.isChecked()
    before = astronaut.read_bytes()
    result = _click_export(qtbot, dialog)
    sidecar = astronaut.with_name("astronaut.png.xmp")
    assert result.ok and result.xmp == ((astronaut, f"wrote {sidecar}"),)
    assert astronaut.read_bytes() == before
    back = read_xmp_crop(astronaut, (512, 512), 1)
    assert back is not None
    assert (back.box.x, back.box.y, back.box.w, back.box.h) == pytest.approx(
        (100, 0, 360, 360), abs=0.01
    )
    rows = [dialog.results_tree.topLevelItem(i).text(1) for i in range(2)]
    assert rows == ["400 × 400", "XMP"]
    again = _dialog(qtbot, runner, presets, [(astronaut, SQUARE)], settings)
    assert not again.xmp_box.isChecked()


def test_tiff_choices_set_format_and_colour_space(
    qtbot, runner, presets, settings, astronaut: Path, tmp_path: Path
) -> None:
    import numpy as np
    import tifffile

    from core.export.icc import adobe_rgb_profile_bytes

    dialog = _dialog(qtbot, runner, presets, [(astronaut, SQUARE)], settings)
    dialog.set_presets(["linkedin-profile"])
    dialog.set_output_folder(tmp_path / "exports")
    dialog.set_format("tiff/adobe-rgb")
    assert dialog.output_format() == "tiff" and dialog.tiff_colour() == "adobe-rgb"
    assert not dialog.quality_spin.isEnabled()  # lossless
    assert "astronaut_linkedin-profile.tif" in dialog.example_label.text()
    result = _click_export(qtbot, dialog)
    assert result.ok
    with tifffile.TiffFile(result.written[0].path) as tif:
        page = tif.pages.first
        assert page.dtype == np.uint16 and page.shape == (400, 400, 3)
        assert page.tags[34675].value == adobe_rgb_profile_bytes()


def test_id_preset_follows_its_rule_and_the_dialog_shows_each_presets_checks(
    qtbot, runner, presets, settings, model_store, tmp_path: Path, grace_hopper_path: Path
) -> None:
    # #10 item 3: from a 2:3 headshot the US passport file came out with the eyes and head size
    # outside the US rule and an 8x10 print was an 11x upscale, and the result only said
    # "quality 92". The dialog checks the presets ticked in it before writing, the ID file is
    # framed by its rule, and the result lists every warning per file.
    from core.detection import FaceAnalyzer
    from core.framing.checks import ID_EYE_LINE, ID_HEAD_HEIGHT, UPSCALE_NEEDED
    from core.framing.plan import checks_by_preset
    from core.framing.suggest import suggestion_for

    photo = tmp_path / "grace.jpg"
    shutil.copy(grace_hopper_path, photo)
    with FaceAnalyzer(model_store) as analyzer:
        analysis = analyzer.analyze_path(photo)[1]
    headshot = suggestion_for(analysis, genre="headshot", framing="standard", aspect=(2, 3))
    crop = ChosenCrop(
        CropChoice.from_suggestion(headshot), (analysis.width, analysis.height), analysis
    )
    dialog = _dialog(qtbot, runner, presets, [(photo, crop)], settings)
    dialog.set_presets([])
    dialog.set_output_folder(tmp_path / "out")
    dialog.show()
    for preset_id in ("id-us", "print-8x10"):
        click_preset_box(qtbot, dialog.picker, preset_id)
        qtbot.waitUntil(lambda p=preset_id: p in dialog.picker.checked_ids(), timeout=2000)
    chosen = [presets.require("id-us"), presets.require("print-8x10")]
    expected = checks_by_preset(analysis, chosen, crop.choice)
    qtbot.waitUntil(lambda: dialog.preset_checks.shown_checks() == expected, timeout=2000)
    assert not {w.code for w in expected["id-us"]} & {ID_EYE_LINE, ID_HEAD_HEIGHT}
    assert UPSCALE_NEEDED in {w.code for w in expected["print-8x10"]}
    _screenshot(dialog, "export_dialog_checks.png")

    result = _click_export(qtbot, dialog)
    assert {w.preset for w in result.written} == {"id-us", "print-8x10"}
    tree = dialog.results_tree
    for row in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(row)
        written = next(w for w in result.written if w.path.name == item.text(0))
        listed = [item.child(c).text(3) for c in range(item.childCount())]
        assert listed == [w.message for w in expected[written.preset]]
        assert result.checks[written.path] == expected[written.preset]
    assert "with warnings" in dialog.status_label.text()


def test_a_batch_is_checked_per_photo_and_preset_before_writing(
    qtbot, runner, presets, settings, analyzer, tmp_path: Path, grace_hopper_path: Path,
    astronaut_path: Path, coffee_path: Path,
) -> None:  # fmt: skip
    # Issue #12 item 3: with several photos the dialog listed the checks of the photo on screen
    # only (or nothing at all when it had no crop), under "Checks of each output". Now each photo
    # has its row, with what each ticked preset will get, as core will plan it at export.
    from core.batch import check_batch

    folder = tmp_path / "day"
    folder.mkdir()
    hopper, astronaut, coffee = folder / "a.jpg", folder / "b.png", folder / "c.png"
    for src, dst in (
        (grace_hopper_path, hopper),
        (astronaut_path, astronaut),
        (coffee_path, coffee),
    ):
        shutil.copy(src, dst)
    on_screen = ChosenCrop(
        CropChoice(box=Box(150.0, 60.0, 220.0, 275.0), aspect=(4, 5)), (512, 600)
    )
    sources = [(hopper, on_screen), (astronaut, None), (coffee, None)]
    dialog = ExportDialog(None, runner, presets, sources, settings, analyzer=lambda: analyzer)
    qtbot.addWidget(dialog)
    dialog.set_output_folder(tmp_path / "out")
    dialog.set_consistent(False)
    dialog.set_presets(["linkedin-profile", "linkedin-cover"])
    view = dialog.preset_checks
    qtbot.waitUntil(lambda: len(view.shown_photos()) == 3, timeout=60000)
    assert dialog.checks_title.text() == "Checks of each photo's outputs, before writing"
    chosen = [presets.require("linkedin-profile"), presets.require("linkedin-cover")]
    expected = check_batch(
        [hopper, astronaut, coffee], chosen, tmp_path / "out", chosen={hopper: on_screen},
        analyzer=analyzer,
    )  # fmt: skip
    assert list(view.shown_photos().values()) == list(expected.items)
    assert not (tmp_path / "out").exists()  # checking writes nothing, makes no folder
    rows = [view.topLevelItem(i) for i in range(view.topLevelItemCount())]
    assert [r.text(0) for r in rows] == ["a.jpg", "b.png", "c.png"]  # no "Checking…" row left
    assert rows[2].text(1) == "Not exported" and "no face" in rows[2].child(0).text(0)
    for row, item in zip(rows[:2], expected.items[:2], strict=True):
        assert [row.child(c).text(0) for c in range(row.childCount())] == [p.name for p in chosen]
        unframed = dict(item.unframed)
        for c, preset in enumerate(chosen):
            if preset.id in unframed:
                assert row.child(c).text(1) == "Not exported"
                shown = row.child(c).child(0).data(0, Qt.ItemDataRole.ToolTipRole)
                assert unframed[preset.id].endswith(shown)
            else:
                found = dict(item.checks)[preset.id]
                assert row.child(c).childCount() == len(found)
    _screenshot(dialog, "export_dialog_batch_checks.png")

    # Consistent framing decides the crops across the set at export: the list says so.
    dialog.set_consistent(True)
    assert view.shown_photos() == {}
    assert "together as they are exported" in view.topLevelItem(0).text(1)
    dialog.set_consistent(False)
    qtbot.waitUntil(lambda: len(view.shown_photos()) == 3, timeout=60000)
