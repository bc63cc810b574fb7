"""The editor shows one truth: the circle mask is the avatar export's circle, X keeps the head, the
suggestion numbers stay put and Compare tells headshot from portrait. Real window, real analysis,
real key and mouse events (pytest-qt)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStyle
from pytestqt.qtbot import QtBot

from core.crop_session import CropSession
from core.framing.subject import frame_face
from tests import test_ui_app
from tests.test_ui_app import LEFT, NO_MODS, focus_canvas, send_move
from tests.test_ui_canvas import grab_array
from tests.test_ui_keys import opened, press
from ui.main_window import PAGE_COMPARE, MainWindow
from ui.preview_render import preview_crops

analyzer, photo, window = test_ui_app.analyzer, test_ui_app.photo, test_ui_app.window
ROOT = Path(__file__).resolve().parent.parent


def choose_ratio(window: MainWindow, aspect: tuple[int, int]) -> None:
    """Crop > Ratio > aspect, as a menu click does."""
    action = next(a for value, a in window.window_actions.aspects if value == aspect)
    action.trigger()


def test_circle_mask_is_the_circle_the_avatar_export_makes(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    session = opened(qtbot, window, photo)
    window.set_guides(())
    choose_ratio(window, (2, 3))
    assert session.state.aspect == (2, 3)
    canvas = window.canvas
    off = grab_array(canvas)
    press(qtbot, Qt.Key.Key_M)
    assert canvas.circle_mask
    on = grab_array(canvas)
    crop = canvas.crop_rect_in_view()
    assert crop is not None
    # The top of the hair (top centre of the crop) is inside the avatar circle: not dimmed.
    x, top = round(crop.center().x()) + 20, round(crop.top()) + 14  # clear of the handle
    assert abs(on[top, x].astype(int) - off[top, x].astype(int)).max() <= 2
    # The crop's bottom corners are outside it: dimmed.
    bottom, left = round(crop.bottom()) - 14, round(crop.left()) + 14  # clear of the handle
    assert on[bottom, left].sum() < off[bottom, left].sum() - 20

    # The square the mask is drawn from is the LinkedIn avatar's crop, as the preview plans it.
    linkedin = window.presets.get("linkedin-profile")
    assert linkedin is not None and linkedin.circle
    size = (session.image_width, session.image_height)
    planned_box, _angle = preview_crops(size, session.state, [linkedin])["linkedin-profile"]
    assert planned_box == session.avatar_box()


def head_in_frame(session: CropSession) -> tuple[float, float]:
    """(share of the head inside the crop, eye line as a share of the crop height)."""
    assert session.analysis is not None
    s = session.state
    head = frame_face(session.analysis, s.subject or 0, s.angle_deg)
    box = s.box
    inside = min(head.chin_y, box.bottom) - max(head.crown_y, box.top)
    return inside / head.head_height, (head.eye.y - box.top) / box.h


def test_swap_orientation_keeps_the_head_and_the_eye_line(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    session = opened(qtbot, window, photo)
    assert session.state.aspect == (4, 5)  # the standard headshot it opens on
    head_before, eyes_before = head_in_frame(session)
    assert head_before == pytest.approx(1.0)
    press(qtbot, Qt.Key.Key_X)  # before: turned about the centre, cutting the top of the head
    assert session.state.aspect == (5, 4)
    head_after, eyes_after = head_in_frame(session)
    assert head_after == pytest.approx(1.0)
    # The eyes stay in the headshot eye band (0.30-0.42 of the height, framing.md); a shorter
    # frame keeps the crown in, so they sit a little lower than the tall frame had them.
    assert 0.30 <= eyes_after <= 0.42 and eyes_after == pytest.approx(eyes_before, abs=0.08)
    press(qtbot, Qt.Key.Key_X)
    assert session.state.aspect == (4, 5)
    assert head_in_frame(session)[0] == pytest.approx(1.0)


def test_the_opened_crop_is_number_1_and_numbers_do_not_move_with_the_ticked_presets(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    session = opened(qtbot, window, photo)
    panel = window.suggestions
    assert session.state.suggestion_id == panel.suggestions("headshot")[0].id
    before = [(s.id, s.score) for s in panel.suggestions()]

    # Tick a whole preset group with a real click on its box (prints, some much larger than
    # the photo): the thumbnails' order and scores stay; "1" is still the same crop.
    picker = window.preview.picker
    group = next(
        picker.topLevelItem(i)
        for i in range(picker.topLevelItemCount())
        if picker.topLevelItem(i).text(0).lower().startswith("print")
    )
    picker.scrollToItem(group)
    rect = picker.visualItemRect(group)
    ticked = window.preview.selected_presets()
    # The tick box sits at the start of the row, after the branch arrow.
    box = QPoint(
        rect.left() + picker.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) // 2 + 2,
        rect.center().y(),
    )
    qtbot.mouseClick(picker.viewport(), LEFT, NO_MODS, box)
    qtbot.waitUntil(lambda: window.preview.selected_presets() != ticked, timeout=3000)
    qtbot.waitUntil(window.is_settled, timeout=60000)
    assert [(s.id, s.score) for s in panel.suggestions()] == before
    press(qtbot, Qt.Key.Key_1)
    assert session.state.suggestion_id == before[0][0]

    # The scores are the CLI's (app.py suggest rounds to two decimals).
    cli = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "suggest", str(photo), "--json"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    cli_scores = {s["id"]: s["score"] for s in json.loads(cli.stdout)["suggestions"]}
    assert {i: round(score, 2) for i, score in before} == cli_scores


def test_compare_shows_a_headshot_and_a_portrait_that_differ(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    opened(qtbot, window, photo)
    press(qtbot, Qt.Key.Key_C)
    assert window.stack.currentIndex() == PAGE_COMPARE
    headshot = window.compare.headshot.suggestion
    portrait = window.compare.portrait.suggestion
    assert headshot is not None and portrait is not None
    assert headshot.genre == "headshot" and portrait.genre == "portrait"
    # Not two near-identical crops (the standard 1:1 headshot next to a 1:1 head-and-shoulders
    # portrait overlapped by 80 % or more before): the pair that differs most, of good ones.
    overlap = headshot.box.iou(portrait.box)
    best_h = window.suggestions.best("headshot")
    best_p = window.suggestions.best("portrait")
    assert best_h is not None and best_p is not None
    # "Good" as compare_pair says: within 0.1 of the genre's best score.
    for h in window.suggestions.suggestions("headshot"):
        for p in window.suggestions.suggestions("portrait"):
            if min(h.score - best_h.score, p.score - best_p.score) < -0.1:
                continue
            assert overlap <= h.box.iou(p.box) + 1e-9
    assert overlap < 0.6
    assert headshot.score >= best_h.score - 0.1 and portrait.score >= best_p.score - 0.1


def test_rotation_slider_turns_a_tenth_of_a_degree_per_pixel(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    session = opened(qtbot, window, photo)
    slider = window.crop_bar.angle_slider
    start_angle = session.state.angle_deg
    y = slider.height() // 2
    start = QPoint(slider.width() // 2, y)
    qtbot.mousePress(slider, LEFT, NO_MODS, start)
    for dx in range(10, 61, 10):  # 60 px to the right, as a hand drags
        send_move(slider, start + QPoint(dx, 0))
    assert session.is_live
    qtbot.mouseRelease(slider, LEFT, NO_MODS, start + QPoint(60, 0))
    # Before: 14.7° for these 60 px. Now 0.1° a pixel (the session keeps tenths of a degree).
    assert session.state.angle_deg - start_angle == pytest.approx(6.0, abs=0.15)
    assert not session.is_live
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.state.angle_deg == pytest.approx(start_angle)  # one drag, one undo step

    # The straighten hint goes with the tool.
    press(qtbot, Qt.Key.Key_S)
    assert "Straighten" in window.status.text()
    press(qtbot, Qt.Key.Key_Escape)
    assert not window.canvas.straighten_tool
    assert "drag along a line" not in window.status.text()


class _HeldAnalyzer:
    """The real analyzer, held until the test lets it go: the first second, made to last."""

    def __init__(self, real) -> None:
        self.real = real
        self.go = threading.Event()

    def analyze(self, photo):
        self.go.wait(30)
        return self.real.analyze(photo)

    def close(self) -> None:
        pass


def test_until_its_faces_are_found_a_photo_shows_no_crop_and_no_verdict(
    qtbot: QtBot, tmp_path: Path, analyzer, photo: Path
) -> None:
    held = _HeldAnalyzer(analyzer)
    window = test_ui_app.make_window(qtbot, tmp_path / "held.ini", held, tmp_path)
    try:
        window.open_paths([photo])
        qtbot.waitUntil(lambda: window.shown_path() == photo, timeout=10000)
        qtbot.wait(100)  # the checks would have run by now
        assert window.canvas.session is None  # the photo alone, no full-frame crop
        assert window.checks.summary_text() == "Finding faces…"
        held.go.set()
        qtbot.waitUntil(lambda: window.analysed_path == photo, timeout=60000)
        session = window.session()
        assert session is not None and window.canvas.session is session
        qtbot.waitUntil(lambda: window.checks.summary_text() != "Finding faces…", timeout=5000)
        # Where it opened is not an edit: Ctrl+Z does not go back to a full frame.
        assert not session.can_undo
        focus_canvas(qtbot, window)
        opened_on = session.state
        press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert session.state == opened_on
    finally:
        held.go.set()
        window.close()


def test_guide_labels_say_each_thing_once_and_guides_none_is_the_photo_alone(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    session = opened(qtbot, window, photo)
    canvas = window.canvas
    window.set_guides({"headshot"})
    grab_array(canvas)
    labels = canvas.guide_labels
    # Before: headroom, eyes, crown, eyes, chin, loose, standard, tight.
    assert labels and len(labels) == len(set(labels)) and len(labels) <= 5
    assert sum(word in ("loose", "standard", "tight") for word in labels) == 1

    window.suggestions.set_current_genre("id")
    press(qtbot, Qt.Key.Key_1)  # an ID crop turns its rule's bands on
    assert window.guide_settings().id_rule is not None
    grab_array(canvas)
    assert canvas.guide_labels.count("crown") <= 1 and canvas.guide_labels.count("chin") <= 1

    # Zoomed out far, the crop is small on screen: lines, no words over the face.
    for _ in range(4):
        press(qtbot, Qt.Key.Key_Minus)
    grab_array(canvas)
    crop = canvas.crop_rect_in_view()
    assert crop is not None and crop.height() < 260
    assert canvas.guide_labels == []
    press(qtbot, Qt.Key.Key_0)

    # Guides: none is the photo and the crop alone, without the face oval.
    window.set_guides(())
    with_faces = grab_array(canvas)
    assert session.analysis is not None
    canvas.set_faces((), None)
    assert (grab_array(canvas) == with_faces).all()


def test_the_right_panel_has_room_for_the_preset_names(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    opened(qtbot, window, photo)  # a first run at 1500 px: the splitters take first-run sizes
    picker = window.preview.picker
    social = picker.topLevelItem(0)
    style = picker.style()
    indicator = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
    room = picker.header().sectionSize(0) - picker.indentation() - indicator - 12
    metrics = picker.fontMetrics()
    names = [social.child(i).text(0) for i in range(social.childCount())]
    # Before: "Instagram post, po..." in a 320 px panel.
    cut = [n for n in names if metrics.horizontalAdvance(n) > room]
    assert not cut, (cut, room)
    assert window.canvas.width() >= window.width() // 2 - 40  # the photo keeps its room
