"""Small faces are workable: a group member's headshot applied at fit zoom is zoomed to (a group
crop brings the whole photo back), and a crop shown small keeps its handles outside the frame so
the face inside is free to press and drag. Real window, real analysis of a made group photo, real
mouse and key events (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from pytestqt.qtbot import QtBot

from core.suggestion import Suggestion
from tests import test_ui_app
from tests.photo_samples import make_group_photo
from tests.test_ui_app import click_suggestion, drag_on, send_move
from tests.test_ui_canvas import grab_array
from tests.test_ui_keys import opened, press
from ui import crop_overlay
from ui.main_window import MainWindow

analyzer, window = test_ui_app.analyzer, test_ui_app.window


@pytest.fixture
def group_photo(tmp_path: Path, astronaut_path: Path, grace_hopper_path: Path) -> Path:
    """Four people in a row on a wide canvas: each one's headshot is a small box at fit zoom."""
    people = [astronaut_path, grace_hopper_path] * 2
    folder = tmp_path / "photos"
    folder.mkdir()
    return make_group_photo(people, portrait_height=600, stagger=60).save(folder / "group.png")


def fit_size(window: MainWindow, s: Suggestion) -> float:
    """The shorter side, in screen px, of ``s``'s crop at fit zoom."""
    return min(s.box.w, s.box.h) * window.canvas._fit_scale()


def member_row(window: MainWindow, subject_now: int | None) -> tuple[int, Suggestion]:
    """A headshot thumbnail of someone other than the person the crop is on now."""
    shots = window.suggestions.suggestions("headshot")
    return next((i, s) for i, s in enumerate(shots) if s.subject not in (None, subject_now))


def test_a_group_members_headshot_is_zoomed_to_and_a_group_crop_shows_the_whole_photo(
    qtbot: QtBot, window: MainWindow, group_photo: Path
) -> None:
    session = opened(qtbot, window, group_photo)
    canvas = window.canvas
    fit = canvas.zoom
    # A photo opens at fit, with everyone in view, whatever crop it opens on.
    assert fit == pytest.approx(canvas._fit_scale())

    row, member = member_row(window, session.state.subject)
    assert fit_size(window, member) < crop_overlay.SMALL_CROP_PX  # a real small-face case
    chosen = click_suggestion(qtbot, window, "headshot", row)
    assert session.state.suggestion_id == chosen.id
    # Before: the headshot stayed a ~55 px box at fit zoom, handles over the neighbours.
    crop = canvas.crop_rect_in_view()
    view = QRectF(canvas.viewport().rect())
    assert crop is not None and canvas.zoom > 2 * fit
    assert crop.height() == pytest.approx(0.8 * view.height(), rel=0.05) or crop.width() == (
        pytest.approx(0.8 * view.width(), rel=0.05)
    )
    assert view.contains(crop)
    assert crop.center().x() == pytest.approx(view.center().x(), abs=3)
    assert "zoomed to the crop (0: whole photo)" in window.status.text()

    # A group crop, picked by its number key on the group tab, is shown whole again.
    window.suggestions.set_current_genre("group")
    canvas.setFocus()
    press(qtbot, Qt.Key.Key_1)
    assert session.state.suggestion_id == window.suggestions.suggestions("group")[0].id
    assert canvas.zoom == pytest.approx(fit)
    crop = canvas.crop_rect_in_view()
    assert crop is not None and view.contains(crop)


def test_a_small_crops_handles_sit_outside_it_and_its_inside_moves_it(
    qtbot: QtBot, window: MainWindow, group_photo: Path
) -> None:
    session = opened(qtbot, window, group_photo)
    canvas = window.canvas
    row, _member = member_row(window, session.state.subject)
    click_suggestion(qtbot, window, "headshot", row)
    press(qtbot, Qt.Key.Key_0)  # back to fit: the crop is a small box among the others
    vp = canvas.viewport()
    crop = canvas.crop_rect_in_view()
    assert crop is not None and min(crop.width(), crop.height()) < crop_overlay.SMALL_CROP_PX

    # Nothing of the handles is drawn inside the frame: the face is the photo's alone.
    with_handles = grab_array(canvas)
    canvas.set_straighten_tool(True)  # the straighten tool draws the frame without handles
    without = grab_array(canvas)
    canvas.set_straighten_tool(False)
    inner = crop.toRect().adjusted(2, 2, -2, -2)
    inside = (slice(inner.top(), inner.bottom()), slice(inner.left(), inner.right()))
    ratio = with_handles.shape[1] / vp.width()  # grab_array may be at the device pixel ratio
    inside = tuple(slice(round(s.start * ratio), round(s.stop * ratio)) for s in inside)
    assert np.array_equal(with_handles[inside], without[inside])
    assert not np.array_equal(with_handles, without)  # they are drawn, outside

    # A press on the face 5 px in from the left edge moves the crop (before: it grabbed the
    # left handle and resized it over the neighbour).
    before = session.state.box
    start = QPoint(round(crop.left() + 5), round(crop.center().y()))
    send_move(vp, start)  # hovering there shows the move cursor
    qtbot.mouseMove(vp, start)
    assert vp.cursor().shape() == Qt.CursorShape.SizeAllCursor
    drag_on(qtbot, vp, start, start + QPoint(12, 0))
    moved = session.state.box
    assert moved.w == pytest.approx(before.w, abs=1.0)
    assert moved.h == pytest.approx(before.h, abs=1.0)
    assert moved.x > before.x

    # The handle drawn outside the left edge resizes from there.
    crop = canvas.crop_rect_in_view()
    assert crop is not None
    handle = crop_overlay.drawn_handle_points(crop)["w"]
    assert handle.x() < crop.left() - crop_overlay.HANDLE_HALF  # wholly outside the frame
    assert crop_overlay.hit_handle(crop, QPointF(handle)) == "w"
    grab = handle.toPoint()
    drag_on(qtbot, vp, grab, grab - QPoint(10, 0))
    resized = session.state.box
    assert resized.w > moved.w
    assert resized.right == pytest.approx(moved.right, abs=1.0)
