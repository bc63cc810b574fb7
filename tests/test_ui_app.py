"""The desktop app end to end: real photos, real MediaPipe models, real Qt (offscreen), real mouse
and key events on the canvas viewport, real files written (sidecars, exports, screenshots).

Settings live in an INI file under tmp_path so no test reads or changes a real user's settings.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.batch import ChosenCrop
from core.framing import plan_crops
from core.framing.checks import EYES_CUT
from core.geometry import Box
from core.sidecar import read_sidecar, sidecar_path
from tests.photo_samples import make_group_photo, posed_photo
from tests.qt_clicks import click_preset_box
from ui.main_window import PAGE_CANVAS, PAGE_COMPARE, PAGE_WELCOME, MainWindow
from ui.settings import settings_at

LEFT = Qt.MouseButton.LeftButton
NO_MODS = Qt.KeyboardModifier.NoModifier
ANALYSIS_TIMEOUT_MS = 60000


@pytest.fixture(scope="session")
def analyzer(model_store):
    from core.detection import FaceAnalyzer

    shared = FaceAnalyzer(model_store)
    shared.load_models()
    yield shared
    shared.close()


@pytest.fixture
def photo(tmp_path: Path, astronaut_path: Path) -> Path:
    """The astronaut copied into tmp_path, so its sidecar lands there."""
    target = tmp_path / "photos" / "astronaut.png"
    target.parent.mkdir()
    shutil.copyfile(astronaut_path, target)
    return target


def make_window(qtbot: QtBot, settings_file: Path, analyzer, tmp_path: Path) -> MainWindow:
    window = MainWindow(settings_at(settings_file), analyzer=analyzer, restore_layout=False)
    window.sample_dir = tmp_path / "sample"
    qtbot.addWidget(window)
    window.resize(1500, 950)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, analyzer) -> Iterator[MainWindow]:
    w = make_window(qtbot, tmp_path / "settings.ini", analyzer, tmp_path)
    yield w
    w.close()


def open_and_wait(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.analysed_path == path, timeout=ANALYSIS_TIMEOUT_MS)
    qtbot.waitUntil(window.is_settled, timeout=ANALYSIS_TIMEOUT_MS)


def focus_canvas(qtbot: QtBot, window: MainWindow) -> None:
    """Window shortcuts only fire in the active window: make sure it is, with the canvas focused
    (other tests' top-level windows may have taken activation)."""
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.canvas.setFocus()


def send_move(widget, pos: QPoint) -> None:
    # QTest's mouseMove carries no pressed buttons; a drag needs them.
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        Qt.MouseButton.NoButton,
        LEFT,
        NO_MODS,
    )
    QApplication.sendEvent(widget, event)


def drag_on(qtbot: QtBot, widget, start: QPoint, end: QPoint, release: bool = True) -> None:
    qtbot.mousePress(widget, LEFT, NO_MODS, start)
    steps = 6
    for i in range(1, steps + 1):
        send_move(
            widget,
            QPoint(
                round(start.x() + (end.x() - start.x()) * i / steps),
                round(start.y() + (end.y() - start.y()) * i / steps),
            ),
        )
    if release:
        qtbot.mouseRelease(widget, LEFT, NO_MODS, end)


def click_suggestion(qtbot: QtBot, window: MainWindow, genre: str, row: int):
    window.suggestions.set_current_genre(genre)
    grid = window.suggestions.grid(genre)
    item = grid.item(row)
    grid.scrollToItem(item)
    rect = grid.visualItemRect(item)
    qtbot.mouseClick(grid.viewport(), LEFT, NO_MODS, rect.center())
    return item.data(Qt.ItemDataRole.UserRole)


def same_box(a: Box, b: Box, tol: float = 0.01) -> bool:
    """Equal up to the sidecar's rounding (3 decimals)."""
    pairs = ((a.x, b.x), (a.y, b.y), (a.w, b.w), (a.h, b.h))
    return all(abs(u - v) <= tol for u, v in pairs)


def corner_in_view(window: MainWindow) -> QPoint:
    rect = window.canvas.crop_rect_in_view()
    assert rect is not None
    return rect.bottomRight().toPoint()


# -- the main path ------------------------------------------------------------------------------


def test_open_apply_drag_undo_guides_export_and_sidecar(
    qtbot: QtBot, window: MainWindow, photo: Path, tmp_path: Path
) -> None:
    open_and_wait(qtbot, window, photo)
    assert window.stack.currentIndex() == PAGE_CANVAS
    session = window.session()
    assert session is not None
    # No sidecar yet: it starts from the standard 4:5 headshot, which is not a choice to save.
    assert session.state.suggestion_id is not None
    assert session.state.suggestion_id.startswith("headshot-standard-4x5")
    assert window.suggestions.suggestions("headshot")
    assert set(window.checks.shown_checks()) == set(
        session.checks(window.selected_presets(), window.suggestions.suggestions())
    )

    # Click a thumbnail: the crop becomes that suggestion (an undoable edit).
    chosen = click_suggestion(qtbot, window, "headshot", 1)  # 0 is the one it opened on
    assert session.state.suggestion_id == chosen.id
    assert session.state.box == chosen.box
    assert window.window_actions.undo.isEnabled()

    # Drag the bottom-right handle inwards with real mouse events on the canvas viewport.
    vp = window.canvas.viewport()
    start = corner_in_view(window)
    drag_on(qtbot, vp, start, start - QPoint(60, 40))
    dragged = session.state.box
    assert dragged != chosen.box
    assert dragged.w < chosen.box.w
    assert session.state.suggestion_id is None

    # Ctrl+Z restores the suggestion's box.
    focus_canvas(qtbot, window)
    qtbot.keyClick(vp, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.state.box == chosen.box
    qtbot.keyClick(vp, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert session.state.box == dragged

    # O cycles the guides; the window, its menu and the settings follow the canvas.
    before = window.guide_settings()
    qtbot.keyClick(vp, Qt.Key.Key_O)
    after = window.guide_settings()
    assert after.enabled != before.enabled
    assert window.canvas.guide_settings == after
    toggles = window.window_actions.guide_toggles
    assert {k for k, a in toggles.items() if a.isChecked()} == set(after.enabled)
    assert window.app_settings.guide_settings(list(toggles)) == after

    # The edit is saved next to the photo (debounced, in a worker).
    qtbot.waitUntil(lambda: sidecar_path(photo).exists(), timeout=5000)
    qtbot.waitUntil(lambda: window.runner.pending() == 0, timeout=5000)
    saved = read_sidecar(photo)
    assert saved is not None and same_box(saved.box, dragged)

    # Export two presets through the export dialog (H6c) with the current crop.
    dialog = window.open_export_dialog()
    assert dialog is not None
    out = tmp_path / "exports"
    out.mkdir()
    dialog.set_presets(["linkedin-profile", "instagram-portrait"])
    dialog.set_output_folder(out)
    with qtbot.waitSignal(dialog.exportFinished, timeout=60000):
        assert dialog.start_export()
    sizes = sorted(Image.open(p).size for p in out.iterdir())
    assert sizes == [(400, 400), (1080, 1350)]
    dialog.close()


def test_sidecar_is_reused_when_the_photo_is_opened_again(
    qtbot: QtBot, tmp_path: Path, analyzer, photo: Path
) -> None:
    first = make_window(qtbot, tmp_path / "a.ini", analyzer, tmp_path)
    open_and_wait(qtbot, first, photo)
    session = first.session()
    assert session is not None
    session.set_box(Box(100, 80, 240, 300))
    wanted = session.state
    first.close()  # closing writes the pending crop at once
    assert sidecar_path(photo).exists()

    second = make_window(qtbot, tmp_path / "b.ini", analyzer, tmp_path)
    open_and_wait(qtbot, second, photo)
    restored = second.session()
    assert restored is not None
    assert same_box(restored.state.box, wanted.box)
    assert restored.state.aspect == wanted.aspect
    assert not restored.can_undo  # the saved crop is where it starts, not an edit
    assert "sidecar" in second.status.text()
    second.close()


def test_checks_update_live_while_dragging(qtbot: QtBot, window: MainWindow, photo: Path) -> None:
    open_and_wait(qtbot, window, photo)
    session = window.session()
    assert session is not None and session.analysis is not None
    face = session.analysis.faces[0]
    assert EYES_CUT not in {c.code for c in window.checks.shown_checks()}
    rect = window.canvas.crop_rect_in_view()
    assert rect is not None
    top_mid = QPoint(round(rect.center().x()), round(rect.top()))
    eyes = window.canvas.mapFromScene(QPointF(face.eye_center.x, face.eye_center.y + 2))
    vp = window.canvas.viewport()
    drag_on(qtbot, vp, top_mid, QPoint(top_mid.x(), eyes.y()), release=False)
    qtbot.waitUntil(
        lambda: EYES_CUT in {c.code for c in window.checks.shown_checks()}, timeout=2000
    )
    assert session.is_live  # still dragging: the panel followed the drag, not the release
    qtbot.mouseRelease(vp, LEFT, NO_MODS, QPoint(top_mid.x(), eyes.y()))
    assert not session.is_live


def test_number_keys_and_compare_view(qtbot: QtBot, window: MainWindow, photo: Path) -> None:
    open_and_wait(qtbot, window, photo)
    session = window.session()
    assert session is not None
    window.suggestions.set_current_genre("portrait")
    portraits = window.suggestions.suggestions("portrait")
    assert portraits
    focus_canvas(qtbot, window)
    qtbot.keyClick(window.canvas.viewport(), Qt.Key.Key_1)
    assert session.state.suggestion_id == portraits[0].id

    window.show_compare(True)
    assert window.stack.currentIndex() == PAGE_COMPARE
    qtbot.waitUntil(lambda: not window.compare.is_rendering(), timeout=10000)
    assert window.compare.headshot.view.image() is not None
    assert window.compare.portrait.view.image() is not None
    qtbot.mouseClick(window.compare.headshot.use_button, LEFT)
    assert window.stack.currentIndex() == PAGE_CANVAS
    assert session.state.suggestion_id == window.compare.headshot.suggestion.id


# -- resilience and the empty start -----------------------------------------------------------


def test_corrupt_file_shows_a_banner_and_the_app_keeps_working(
    qtbot: QtBot, window: MainWindow, photo: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "photos" / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG")
    window.open_paths([broken])
    qtbot.waitUntil(window.banner.isVisible, timeout=10000)
    assert "broken.jpg" in window.banner.text()
    assert "broken.jpg" in window.status.text()
    assert window.stack.currentIndex() == PAGE_WELCOME  # nothing was open before
    assert window.isVisible()

    open_and_wait(qtbot, window, photo)
    assert not window.banner.isVisible()
    assert window.shown_path() == photo

    # A bad file while a photo is open keeps that photo on screen.
    window.open_photo(broken)
    qtbot.waitUntil(window.banner.isVisible, timeout=10000)
    assert window.shown_path() == photo
    assert window.stack.currentIndex() == PAGE_CANVAS


def test_folder_opens_in_the_filmstrip_and_page_down_moves_on(
    qtbot: QtBot, window: MainWindow, photo: Path, grace_hopper_path: Path
) -> None:
    folder = photo.parent
    shutil.copyfile(grace_hopper_path, folder / "grace_hopper.jpg")
    window.open_paths([folder])
    assert window.filmstrip.isVisible()
    first = window.filmstrip.paths()[0]
    qtbot.waitUntil(lambda: window.shown_path() == first, timeout=10000)
    focus_canvas(qtbot, window)
    qtbot.keyClick(window.canvas.viewport(), Qt.Key.Key_PageDown)
    second = window.filmstrip.paths()[1]
    qtbot.waitUntil(lambda: window.shown_path() == second, timeout=10000)
    qtbot.keyClick(window.canvas.viewport(), Qt.Key.Key_BracketLeft)
    qtbot.waitUntil(lambda: window.shown_path() == first, timeout=10000)
    sources = window.export_sources()
    assert [p for p, _ in sources] == window.filmstrip.paths()
    assert sum(1 for _, crop in sources if isinstance(crop, ChosenCrop)) == 1
    qtbot.waitUntil(window.is_settled, timeout=ANALYSIS_TIMEOUT_MS)


def test_no_photo_start_offers_the_sample(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    assert window.stack.currentIndex() == PAGE_WELCOME
    assert window.welcome.sample_button.isEnabled()
    qtbot.mouseClick(window.welcome.sample_button, LEFT)
    copy = tmp_path / "sample" / "grace_hopper.jpg"
    qtbot.waitUntil(lambda: window.analysed_path == copy, timeout=ANALYSIS_TIMEOUT_MS)
    assert window.stack.currentIndex() == PAGE_CANVAS
    session = window.session()
    assert session is not None and session.analysis is not None
    assert len(session.analysis.faces) == 1
    assert (session.image_width, session.image_height) == (512, 600)


def test_layout_guides_and_presets_are_remembered(qtbot: QtBot, tmp_path: Path, analyzer) -> None:
    ini = tmp_path / "remember.ini"
    first = make_window(qtbot, ini, analyzer, tmp_path)
    first.set_guides({"phi", "headshot"})
    first.window_actions.guide_modes["dragging"].trigger()
    first.preview.set_selected_presets(["x-profile", "print-8x10"])
    first.suggestions.set_current_genre("portrait")
    first.main_split.setSizes([420, 700, 300])
    split_sizes = first.main_split.sizes()
    first.close()

    second = make_window(qtbot, ini, analyzer, tmp_path)
    assert second.guide_settings().enabled == frozenset({"phi", "headshot"})
    assert second.guide_settings().mode == "dragging"
    assert second.canvas.guide_settings == second.guide_settings()
    assert second.preview.selected_presets() == ["x-profile", "print-8x10"]
    assert second.suggestions.current_genre() == "portrait"
    second.close()
    # The layout comes back when the window restores it (make_window skips that). The offscreen
    # screen is 800x600, which clamps the window's size, so only the restore itself is checked.
    restored = MainWindow(settings_at(ini), analyzer=analyzer)
    qtbot.addWidget(restored)
    assert restored.layout_was_restored()
    assert restored.app_settings.layout_bytes("main_splitter") is not None
    assert split_sizes[0] > split_sizes[2]
    restored.close()


def test_screenshot_mode_writes_the_window_png(tmp_path: Path, photo: Path, qapp) -> None:
    from ui.launch import launch_gui

    out = tmp_path / "shot.png"
    assert launch_gui(["--screenshot", str(out), "--size", "1280x800", str(photo)]) == 0
    with Image.open(out) as image:
        assert image.size == (1280, 800)
        # Not a blank grab: the photo and panels put many different colours on screen.
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 2000
    assert not sidecar_path(photo).exists()  # looking is not editing


# -- subject, straighten, level, reset ----------------------------------------------------------


@pytest.fixture
def two_people(tmp_path: Path, astronaut_path: Path, grace_hopper_path: Path) -> Path:
    """A photo the test makes: the astronaut and Grace Hopper side by side."""
    with Image.open(astronaut_path) as a, Image.open(grace_hopper_path) as g:
        canvas = Image.new("RGB", (a.width + g.width + 60, max(a.height, g.height)), (90, 90, 90))
        canvas.paste(a.convert("RGB"), (0, canvas.height - a.height))
        canvas.paste(g.convert("RGB"), (a.width + 60, 0))
    path = tmp_path / "two.jpg"
    canvas.save(path, quality=92)
    return path


def main_subject(window: MainWindow) -> int | None:
    """The face most headshot suggestions are for (every other face gets one standard crop)."""
    found = Counter(s.subject for s in window.suggestions.suggestions("headshot"))
    return found.most_common(1)[0][0] if found else None


def test_clicking_another_face_makes_it_the_subject(
    qtbot: QtBot, window: MainWindow, two_people: Path
) -> None:
    open_and_wait(qtbot, window, two_people)
    session = window.session()
    assert session is not None and session.analysis is not None
    faces = session.analysis.faces
    assert len(faces) == 2
    assert main_subject(window) == 0
    window.set_guides(set())  # nothing drawn over the face marker
    centre = faces[1].box.center
    pos = window.canvas.mapFromScene(QPointF(centre.x, centre.y))
    # Outside the crop, so the click is not the start of a move.
    rect = window.canvas.crop_rect_in_view()
    assert rect is not None and not rect.contains(QPointF(pos))
    qtbot.mouseClick(window.canvas.viewport(), LEFT, NO_MODS, pos)
    assert session.state.subject == 1
    qtbot.waitUntil(lambda: main_subject(window) == 1, timeout=10000)
    chosen = click_suggestion(qtbot, window, "headshot", 1)  # 0 is the one it opened on
    assert chosen.subject == 1 and session.state.box == chosen.box
    assert window.suggestions.suggestions("group")  # two faces: group framings too


def test_straighten_tool_level_eyes_and_reset(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    open_and_wait(qtbot, window, photo)
    session = window.session()
    assert session is not None and session.analysis is not None
    first = session.state
    # Straighten: the crop bar's button arms the canvas tool; a drawn line levels the photo.
    qtbot.mouseClick(window.crop_bar.straighten_button, LEFT)
    assert window.canvas.straighten_tool and window.window_actions.straighten.isChecked()
    vp = window.canvas.viewport()
    a = window.canvas.mapFromScene(QPointF(100, 300))
    b = window.canvas.mapFromScene(QPointF(400, 330))  # ~5.7° off level
    drag_on(qtbot, vp, a, b)
    # The line is drawn on the photo as shown (already turned by the first crop's angle).
    assert session.state.angle_deg == pytest.approx(first.angle_deg + 5.71, abs=0.3)
    assert not window.canvas.straighten_tool
    assert not window.window_actions.straighten.isChecked()
    assert not window.crop_bar.straighten_button.isChecked()
    assert window.crop_bar.angle_spin.value() == pytest.approx(session.state.angle_deg, abs=0.05)

    qtbot.mouseClick(window.crop_bar.level_button, LEFT)
    assert session.state.angle_deg == pytest.approx(session.analysis.faces[0].roll_deg, abs=0.01)

    focus_canvas(qtbot, window)
    qtbot.keyClick(vp, Qt.Key.Key_R)  # back to the suggestion it started from
    assert session.state == first


def test_a_group_photo_opens_on_its_group_framing(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    astronaut_path: Path,
    grace_hopper_path: Path,
) -> None:
    group = make_group_photo(
        [astronaut_path, grace_hopper_path, astronaut_path], portrait_height=400, stagger=200
    )
    path = group.save(tmp_path / "team.png")
    open_and_wait(qtbot, window, path)
    session = window.session()
    assert session is not None and session.analysis is not None
    assert len(session.analysis.faces) == 3
    chosen = session.state.suggestion_id
    assert chosen is not None and chosen.startswith("group")
    assert all(session.state.box.contains_box(f.box) for f in session.analysis.faces)
    assert session.state.angle_deg == 0.0  # one person's head tilt does not turn the group
    assert window.suggestions.current_genre() == "group"
    selected = window.suggestions.grid("group").selectedItems()
    assert len(selected) == 1

    # Every headshot thumbnail says whose it is; a small face's crop can be zoomed to (Z).
    grid = window.suggestions.grid("headshot")
    texts = [grid.item(i).text() for i in range(grid.count())]
    assert texts and all(t.startswith("P") for t in texts)
    assert {t.split("\u00a0")[0] for t in texts} == {"P1", "P2", "P3"}
    other = next(i for i, t in enumerate(texts) if not t.startswith("P1"))
    chosen = click_suggestion(qtbot, window, "headshot", other)
    assert session.state.suggestion_id == chosen.id and chosen.subject != 0
    # Applied, it is zoomed to (tests/test_ui_small_crops.py); 0 shows the whole photo, Z zooms
    # back to the crop.
    zoomed = window.canvas.crop_rect_in_view()
    focus_canvas(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_0)
    fit_crop = window.canvas.crop_rect_in_view()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z)
    crop = window.canvas.crop_rect_in_view()
    assert zoomed is not None and crop is not None
    assert crop.height() == pytest.approx(zoomed.height(), abs=1)
    assert fit_crop is not None and crop is not None and crop.height() > 1.5 * fit_crop.height()
    vp = window.canvas.viewport().rect()
    assert max(crop.width() / vp.width(), crop.height() / vp.height()) == pytest.approx(
        0.8, abs=0.02
    )


def test_level_lines_levels_the_wall_behind_a_posed_head(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, astronaut_path: Path
) -> None:
    path = posed_photo(tmp_path / "posed.jpg", astronaut_path)
    open_and_wait(qtbot, window, path)
    session = window.session()
    assert session is not None and session.analysis is not None
    lines = session.analysis.scene_lines
    assert lines is not None
    # The first suggestion keeps the posed tilt: the wall is level, so nothing is turned.
    assert session.state.angle_deg == 0.0
    button = window.crop_bar.level_lines_button
    assert button.isEnabled() and window.window_actions.level_lines.isEnabled()
    qtbot.mouseClick(button, LEFT)
    assert session.state.angle_deg == pytest.approx(lines.level_angle_deg, abs=0.01)
    qtbot.mouseClick(window.crop_bar.level_button, LEFT)  # L: the eyes after all
    assert session.state.angle_deg == pytest.approx(session.analysis.faces[0].roll_deg, abs=0.01)
    focus_canvas(qtbot, window)
    qtbot.keyClick(window.canvas.viewport(), Qt.Key.Key_L, Qt.KeyboardModifier.ShiftModifier)
    assert session.state.angle_deg == pytest.approx(lines.level_angle_deg, abs=0.01)


def test_level_lines_is_off_without_straight_lines(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    import skimage.data

    # Grass: texture in every direction, no line to level by (and no face).
    path = tmp_path / "grass.png"
    Image.fromarray(skimage.data.grass()).convert("RGB").save(path)
    open_and_wait(qtbot, window, path)
    assert not window.crop_bar.level_lines_button.isEnabled()
    assert not window.window_actions.level_lines.isEnabled()
    window.level_lines()
    assert "No straight lines" in window.status.text()


def test_an_id_suggestion_turns_on_its_rule_bands(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    open_and_wait(qtbot, window, photo)
    ids = window.suggestions.suggestions("id")
    assert ids
    chosen = click_suggestion(qtbot, window, "id", 0)
    guides = window.guide_settings()
    assert guides.id_rule == chosen.framing
    assert "id_bands" in guides.enabled
    assert window.window_actions.id_rules[chosen.framing].isChecked()
    assert window.canvas.guide_settings == guides


def test_use_this_framing_for_all_photos(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    grace_hopper_path: Path,
    astronaut_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from core.framing.plan import CropChoice
    from core.sidecar import write_sidecar
    from core.styles import load_style

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    day = tmp_path / "day"
    day.mkdir()
    example = day / "a_hopper.jpg"
    shutil.copyfile(grace_hopper_path, example)
    example_crop = CropChoice(box=Box(96.0, 20.0, 352.0, 440.0), aspect=(4, 5), genre="manual")
    write_sidecar(example, example_crop, (512, 600))
    shutil.copyfile(astronaut_path, day / "b_astronaut.png")
    with Image.open(grace_hopper_path) as opened:  # the sitter at the photo's left edge
        opened.crop((150, 0, 512, 600)).save(day / "c_edge.png")
    window.open_paths([day])
    qtbot.waitUntil(lambda: window.analysed_path == example, timeout=ANALYSIS_TIMEOUT_MS)
    qtbot.waitUntil(window.is_settled, timeout=ANALYSIS_TIMEOUT_MS)
    controller = window.house_style
    assert controller.action in window.findChildren(type(controller.action))
    controller._ask_name = lambda style: "Team page"
    with qtbot.waitSignal(controller.finished, timeout=ANALYSIS_TIMEOUT_MS) as blocker:
        controller.action.trigger()
    run = blocker.args[0]
    assert run.framed == (day / "b_astronaut.png",)
    assert [p for p, _ in run.review] == [day / "c_edge.png"]
    assert "at the photo's edge" in run.review[0][1]
    saved = read_sidecar(day / "b_astronaut.png", (512, 512))
    assert saved is not None and saved.framing == "style:Team page" and saved.aspect == (4, 5)
    assert read_sidecar(day / "c_edge.png") is None  # nothing written for a photo to review
    strip = window.filmstrip
    assert strip.review_flag(day / "c_edge.png") == run.review[0][1]
    assert strip.review_flag(day / "b_astronaut.png") is None
    assert strip.is_marked(day / "b_astronaut.png")
    review = controller.review_list
    assert review is not None and review.isVisible() and review.list.count() == 1
    assert load_style("Team page").aspect == (4, 5)
    shots = Path(__file__).resolve().parent.parent / "out" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    assert strip.grab().save(str(shots / "house_style_filmstrip.png"))
    assert review.grab().save(str(shots / "house_style_review.png"))
    # Double-clicking the listed photo opens it for review.
    item = review.list.item(0)
    review.list.itemDoubleClicked.emit(item)
    qtbot.waitUntil(lambda: window.shown_path() == day / "c_edge.png", timeout=10000)
    qtbot.waitUntil(window.is_settled, timeout=ANALYSIS_TIMEOUT_MS)
    review.close()


def test_one_upscale_figure_and_one_warning_count(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    # #10 item 4: the preview badge and the Checks list give the same upscale factor for one
    # output, and a thumbnail's warning count is what Checks lists once it is applied.
    open_and_wait(qtbot, window, photo)
    for preset_id in ("print-8x10", "id-us"):
        click_preset_box(qtbot, window.preview.picker, preset_id)
        qtbot.waitUntil(lambda p=preset_id: p in window.preview.selected_presets(), timeout=2000)
    qtbot.waitUntil(lambda: window.preview.tile("id-us") is not None, timeout=5000)
    qtbot.waitUntil(window.is_settled, timeout=ANALYSIS_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.preview.is_rendering(), timeout=ANALYSIS_TIMEOUT_MS)
    for row in range(window.suggestions.grid("headshot").count()):
        chosen = click_suggestion(qtbot, window, "headshot", row)
        qtbot.waitUntil(lambda: not window.preview.is_rendering(), timeout=ANALYSIS_TIMEOUT_MS)
        qtbot.waitUntil(lambda: window.checks.shown_checks() != (), timeout=5000)
        shown = window.checks.shown_checks()
        severe = sum(1 for w in shown if w.severity != "info")
        tile_text = window.suggestions.grid("headshot").item(row).text().splitlines()[-1]
        if severe:
            assert tile_text == f"⚠ {severe} warning{'s' if severe != 1 else ''}", chosen.id
        tile = window.preview.tile("print-8x10")
        assert tile is not None, window.preview.selected_presets()
        badge = tile.badge
        assert not badge.isHidden()
        factor = badge.text().removeprefix("upscaled ×")
        print_checks = [w.message for w in shown if w.message.startswith("Print 8 x 10")]
        assert any(f"needs {factor}x upscaling" in m for m in print_checks), (factor, shown)
        # The ID preview is the crop export writes: framed by the US rule, not a re-fit.
        session = window.session()
        assert session is not None and session.analysis is not None
        id_us = window.presets.require("id-us")
        planned = plan_crops(session.analysis, [id_us], session.state.to_choice())
        box = planned.crops["id-us"][0]
        rendered = window.preview.tile("id-us").rendered
        assert rendered is not None and rendered.crop_size == (round(box.w), round(box.h))
