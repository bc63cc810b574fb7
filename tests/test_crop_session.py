"""CropSession: the evented, undoable crop model the canvas and the numeric fields drive."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from core.crop_session import CropSession, CropState, straighten_angle
from core.events import Event
from core.framing.rotation import box_inside
from core.framing.rules import load_framing_rules
from core.geometry import Box, Point, rotate_point
from core.scene_lines import SceneLines
from core.suggestion import Suggestion
from tests.framing_factory import make_analysis, make_face

W, H = 1200, 900


class Recorder:
    def __init__(self, session: CropSession) -> None:
        self.changing: list[CropState] = []
        self.changed: list[CropState] = []
        session.changing.connect(self.changing.append)
        session.changed.connect(self.changed.append)


def locked_session(aspect: tuple[int, int] = (4, 5)) -> CropSession:
    box = Box(300, 100, 400, 500)
    return CropSession(W, H, initial=CropState(box, aspect))


def test_event_connect_emit_disconnect_and_block() -> None:
    seen: list[int] = []
    ev: Event[int] = Event()
    ev.connect(seen.append)
    ev.connect(seen.append)  # idempotent
    ev.emit(1)
    with ev.blocked():
        ev.emit(2)
    ev.disconnect(seen.append)
    ev.emit(3)
    assert seen == [1]
    assert len(ev) == 0


def test_drag_emits_changing_only_then_finish_is_one_undo_step() -> None:
    s = locked_session()
    rec = Recorder(s)
    start = s.state
    for k in range(1, 11):
        s.drag_to(Box(300, 100, 400 + 10 * k, 500 + 10 * k), "se")
    assert len(rec.changing) == 10 and rec.changed == []
    assert not s.can_undo
    assert s.is_live
    s.finish_drag()
    assert len(rec.changed) == 1 and rec.changed[0] == s.state
    assert s.can_undo and not s.is_live
    # The whole drag is one step back.
    s.undo()
    assert s.state == start
    assert not s.can_undo and s.can_redo
    s.redo()
    assert s.state == rec.changed[0]


def test_resize_keeps_the_locked_ratio_exactly_and_anchors_the_opposite_corner() -> None:
    s = locked_session((4, 5))
    state = s.drag_to(Box(300, 100, 523, 611), "se")
    s.finish_drag()
    assert state.box.w / state.box.h == pytest.approx(0.8, abs=1e-9)
    assert (state.box.x, state.box.y) == pytest.approx((300, 100))


def test_shift_keeps_the_box_ratio_while_free() -> None:
    s = CropSession(W, H, initial=CropState(Box(100, 100, 300, 200), None))
    state = s.drag_to(Box(100, 100, 450, 260), "se", keep_ratio=True)
    assert state.box.w / state.box.h == pytest.approx(1.5)
    state = s.drag_to(Box(100, 100, 450, 260), "se")
    assert (state.box.w, state.box.h) == pytest.approx((450, 260))


def test_drag_past_the_edge_is_clamped() -> None:
    s = locked_session()
    state = s.drag_to(Box(300, 100, 4000, 5000), "se")
    assert box_inside(state.box, W, H)
    assert state.box.bottom == pytest.approx(H)
    state = s.drag_to(Box(1000, 600, 400, 500), "move")
    assert box_inside(state.box, W, H)
    assert (state.box.w, state.box.h) == pytest.approx((400, 500))


def test_cancel_drag_restores_and_records_nothing() -> None:
    s = locked_session()
    start = s.state
    s.drag_to(Box(350, 150, 400, 500), "move")
    s.cancel_drag()
    assert s.state == start and not s.can_undo


def test_nudge_moves_and_stops_at_the_edges() -> None:
    s = locked_session()
    s.nudge(10, 0)
    assert s.state.box.x == pytest.approx(310)
    for _ in range(100):
        s.nudge(0, -10)
    assert s.state.box.y == pytest.approx(0)
    s.nudge(10_000, 10_000)
    assert s.state.box.right == pytest.approx(W) and s.state.box.bottom == pytest.approx(H)
    assert (s.state.box.w, s.state.box.h) == pytest.approx((400, 500))
    # Every nudge that moved is its own step; the ones stopped by the edge add nothing.
    steps = 0
    while s.can_undo:
        s.undo()
        steps += 1
    assert steps == 1 + 10 + 1  # y reached 0 after 10 of the 100 nudges
    assert s.state.box == Box(300, 100, 400, 500)


def test_set_angle_keeps_the_box_inside_the_rotated_image() -> None:
    s = CropSession(W, H, initial=CropState(Box(0, 0, W, H), None))
    s.set_angle(12.0)
    assert s.state.angle_deg == pytest.approx(12.0)
    assert box_inside(s.state.box, W, H, 12.0)
    # Every crop corner, carried back to the unrotated photo, lands on the photo.
    c = Point(W / 2, H / 2)
    b = s.state.box
    for corner in (Point(b.left, b.top), Point(b.right, b.top), Point(b.left, b.bottom)):
        q = rotate_point(corner, c, -12.0)
        assert -1e-6 <= q.x <= W + 1e-6 and -1e-6 <= q.y <= H + 1e-6
    s.undo()
    assert s.state.angle_deg == 0.0 and s.state.box == Box(0, 0, W, H)


def test_live_angle_is_one_step_and_does_not_shrink_cumulatively() -> None:
    s = locked_session()
    start = s.state
    rec = Recorder(s)
    for a in (5, 10, 20, 10, 0.5):
        s.set_angle(a, live=True)
        assert box_inside(s.state.box, W, H, a)
    assert rec.changed == [] and len(rec.changing) == 5
    s.finish_drag()
    assert len(rec.changed) == 1
    # Back near level the box is the one the slider drag started with (not shrunk by the 20°).
    assert s.state.box.w == pytest.approx(start.box.w)
    s.undo()
    assert s.state == start


def test_level_eyes_uses_the_subject_roll() -> None:
    tilted = make_face(600, 400, 200, roll_deg=7.5)
    other = make_face(250, 300, 120, roll_deg=-3.0)
    analysis = make_analysis(W, H, tilted, other)
    s = CropSession(W, H, analysis)
    assert s.state.subject == 0
    s.level_eyes()
    assert s.state.angle_deg == pytest.approx(7.5)
    # After the rotation the subject's eyes are level in the crop's frame.
    k = analysis.faces[0].keypoints
    c = Point(W / 2, H / 2)
    r, left = rotate_point(k.right_eye, c, 7.5), rotate_point(k.left_eye, c, 7.5)
    assert r.y == pytest.approx(left.y, abs=1e-6)
    s.set_subject(1)
    s.level_eyes()
    assert s.state.angle_deg == pytest.approx(-3.0)
    with pytest.raises(IndexError):
        s.set_subject(5)


def test_level_lines_turns_by_the_background_not_the_eyes() -> None:
    rules = load_framing_rules()
    tilted = make_analysis(W, H, make_face(600, 400, 200, roll_deg=7.5))
    with_lines = replace(tilted, scene_lines=SceneLines(-2.5, rules.lines_min_strength + 0.5))
    s = CropSession(W, H, with_lines)
    assert s.lines_level_angle == pytest.approx(-2.5)
    s.level_lines()
    assert s.state.angle_deg == pytest.approx(-2.5)
    assert box_inside(s.state.box, W, H, -2.5)
    s.undo()
    assert s.state.angle_deg == 0.0
    # Too weak a direction (a leafy park, a plain backdrop): nothing to go by.
    weak = replace(tilted, scene_lines=SceneLines(-2.5, rules.lines_min_strength - 0.5))
    for analysis in (weak, tilted, None):
        session = CropSession(W, H, analysis)
        assert session.lines_level_angle is None
        with pytest.raises(ValueError, match="no straight lines"):
            session.level_lines()


def test_level_eyes_without_faces_says_so() -> None:
    with pytest.raises(ValueError, match="no face"):
        CropSession(W, H).level_eyes()


@pytest.mark.parametrize(
    ("p2", "expected"),
    [((100, 10), math.degrees(math.atan(0.1))), ((100, -20), math.degrees(math.atan(-0.2)))],
)
def test_straighten_by_line_levels_the_drawn_horizon(
    p2: tuple[float, float], expected: float
) -> None:
    s = CropSession(W, H)
    p1 = Point(200, 400)
    end = Point(p1.x + p2[0], p1.y + p2[1])
    s.straighten_by_line(p1, end)
    assert s.state.angle_deg == pytest.approx(expected)
    c = Point(W / 2, H / 2)
    a, b = rotate_point(p1, c, s.state.angle_deg), rotate_point(end, c, s.state.angle_deg)
    assert a.y == pytest.approx(b.y)


def test_straighten_by_a_near_vertical_line_makes_it_vertical() -> None:
    p1, p2 = Point(500, 100), Point(530, 700)  # a leaning wall
    angle = straighten_angle(p1, p2)
    c = Point(W / 2, H / 2)
    a, b = rotate_point(p1, c, angle), rotate_point(p2, c, angle)
    assert a.x == pytest.approx(b.x)
    assert abs(angle) < 45
    with pytest.raises(ValueError):
        straighten_angle(p1, p1)


def test_aspect_lock_toggle_and_swap_orientation() -> None:
    s = locked_session((4, 5))
    s.toggle_aspect_lock()
    assert s.state.aspect is None
    s.drag_to(Box(300, 100, 500, 300), "se")
    s.finish_drag()
    s.toggle_aspect_lock()  # back to the last locked ratio
    assert s.state.aspect == (4, 5)
    assert s.state.box.w / s.state.box.h == pytest.approx(0.8)
    before = s.state.box
    s.swap_orientation()
    assert s.state.aspect == (5, 4)
    assert s.state.box.w / s.state.box.h == pytest.approx(1.25)
    assert (s.state.box.cx, s.state.box.cy) == pytest.approx((before.cx, before.cy), abs=1.0)
    assert s.state.box.area == pytest.approx(before.area, rel=1e-6)


def test_aspect_lock_from_scratch_uses_the_box_ratio() -> None:
    s = CropSession(W, H, initial=CropState(Box(0, 0, 600, 400), None))
    s.toggle_aspect_lock()
    assert s.state.aspect == (3, 2)


def test_numeric_fields_keep_the_value_typed() -> None:
    s = locked_session((4, 5))  # 400 x 500 at (300, 100)
    s.set_box(Box(300, 100, 320, 500))  # width typed
    assert (s.state.box.w, s.state.box.h) == pytest.approx((320, 400))
    s.set_box(Box(300, 100, 320, 600))  # height typed
    assert (s.state.box.w, s.state.box.h) == pytest.approx((480, 600))
    s.set_box(Box(250, 120, 480, 600))  # position typed
    assert s.state.box == Box(250, 120, 480, 600)


def test_set_box_is_constrained_and_undoable() -> None:
    s = locked_session((1, 1))
    s.set_box(Box(-50, 10, 300, 200))
    b = s.state.box
    assert b.w == pytest.approx(b.h) and box_inside(b, W, H)
    s.undo()
    assert s.state.box == Box(300, 100, 400, 500)


def test_apply_suggestion_and_checks() -> None:
    face = make_face(600, 380, 220)
    analysis = make_analysis(W, H, face)
    s = CropSession(W, H, analysis)
    suggestion = Suggestion(
        id="headshot-standard-4x5-s0",
        genre="headshot",
        framing="standard",
        aspect=(4, 5),
        box=Box(400, 210, 400, 500),
        angle_deg=0.0,
        subject=0,
        score=0.9,
    )
    rec = Recorder(s)
    s.apply_suggestion(suggestion)
    assert s.state == CropState(suggestion.box, (4, 5), 0.0, 0, suggestion.id)
    assert len(rec.changed) == 1
    s.nudge(5, 0)
    assert s.state.suggestion_id is None  # edited: no longer the suggestion
    # Cutting the chin off must be reported by core's checks.
    s.set_box(Box(400, 100, 400, 500))
    s.nudge(0, -100)
    codes = {w.code for w in s.checks()}
    assert codes, "a crop through the face should raise a check"
    assert all(isinstance(w.message, str) and w.message for w in s.checks())


def test_undo_history_is_bounded_and_redo_clears_on_new_edit() -> None:
    s = locked_session()
    s.nudge(1, 0)
    s.nudge(1, 0)
    s.undo()
    assert s.can_redo
    s.nudge(0, 1)
    assert not s.can_redo


def test_a_box_off_the_photo_is_brought_back_and_one_on_it_is_kept() -> None:
    stale = CropState(Box(900, 700, 400, 500), (4, 5))  # e.g. a sidecar from a bigger photo
    s = CropSession(W, H, initial=stale)
    assert box_inside(s.state.box, W, H)
    assert s.state.box.w / s.state.box.h == pytest.approx(0.8)
    good = CropState(Box(400.5, 200.25, 400, 500), (4, 5), 370.0)
    s.reset_to(good)
    assert s.state.box == good.box and s.state.angle_deg == pytest.approx(10.0)


def test_a_nudge_moves_exactly_and_keeps_the_size() -> None:
    # A suggestion's whole-pixel box is a hair off its ratio (1362 x 1703 for 4:5): the arrow keys
    # move it by exactly the step without re-snapping it (it moved 1.1 px and changed size).
    s = CropSession(6000, 4000, initial=CropState(Box(2363, 604, 1362, 1703), (4, 5)))
    s.nudge(-1, 0)
    s.nudge(0, 10)
    assert s.state.box == Box(2362, 614, 1362, 1703)
    s.nudge(-5000, 0)  # off the photo: stops at its edge
    assert s.state.box.x == 0 and s.state.box.w == pytest.approx(1362, abs=2)
