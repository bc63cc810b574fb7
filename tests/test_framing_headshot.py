"""Headshot framing: unit and property tests on factory faces."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import FramingError
from core.framing import frame_headshot, suggest_all, suggestion_for
from core.framing.rotation import box_inside
from core.geometry import Box
from tests.framing_factory import make_analysis, make_face

ASPECTS = [(4, 5), (2, 3), (1, 1), (3, 2), (16, 9), (9, 16), (5, 7)]


def eye_from_top(s_box: Box, eye_y: float) -> float:
    return (eye_y - s_box.top) / s_box.h


def test_standard_4x5_on_roomy_photo_follows_the_rules() -> None:
    a = make_analysis(3000, 4000, make_face(1500, 1400, 500))
    s = suggestion_for(a, genre="headshot", framing="standard", aspect=(4, 5))
    assert s.id == "headshot-standard-4x5-s0"
    assert s.warnings == ()
    f = a.faces[0]
    assert s.box.h == pytest.approx(500 / 0.48, abs=2)
    assert 0.30 <= eye_from_top(s.box, f.eye_line_y) <= 0.42
    assert abs(s.box.cx - f.center_x) <= 1
    headroom = (f.crown_y - s.box.top) / s.box.h
    assert 0.10 <= headroom <= 0.12
    # Bottom edge between the shoulders and mid-chest: well past the neck (1.2 H from the crown).
    assert (s.box.bottom - f.crown_y) / f.head_height > 1.5


def test_variants_head_shares_and_order() -> None:
    a = make_analysis(3000, 4000, make_face(1500, 1400, 400))
    f = a.faces[0]
    shares = {}
    for name in ("tight", "standard", "loose"):
        s = suggestion_for(a, genre="headshot", framing=name, aspect=(2, 3))
        shares[name] = f.head_height / s.box.h
    assert shares["tight"] == pytest.approx(0.60, abs=0.01)
    assert shares["standard"] == pytest.approx(0.48, abs=0.01)
    assert shares["loose"] == pytest.approx(0.38, abs=0.01)


def test_face_near_top_edge_degrades_headroom_first_then_tighter() -> None:
    # Crown 30 px under the top edge: no room for 11% headroom.
    a = make_analysis(2000, 3000, make_face(1000, 280, 500))
    s = suggestion_for(a, genre="headshot", framing="standard", aspect=(4, 5))
    codes = {w.code for w in s.warnings}
    assert "less-headroom" in codes
    assert s.box.top >= 0
    assert box_inside(s.box, 2000, 3000)
    assert abs(s.box.w / s.box.h - 0.8) * s.box.h <= 1


def test_face_at_the_edge_warns_and_stays_inside() -> None:
    a = make_analysis(1200, 1600, make_face(150, 600, 300))
    s = suggestion_for(a, genre="headshot", framing="loose", aspect=(4, 5))
    codes = {w.code for w in s.warnings}
    assert codes & {"tighter-crop", "subject-shifted"}
    assert box_inside(s.box, 1200, 1600)


def test_rolled_face_gets_levelling_angle_and_crop_inside_rotated_photo() -> None:
    a = make_analysis(2000, 2600, make_face(1000, 1000, 400, roll_deg=6.0))
    s = suggestion_for(a, genre="headshot", framing="standard", aspect=(4, 5))
    assert s.angle_deg == pytest.approx(6.0)
    assert box_inside(s.box, 2000, 2600, s.angle_deg, tol=1e-6)
    assert "roll-not-corrected" not in {w.code for w in s.warnings}


def test_small_roll_is_left_alone() -> None:
    a = make_analysis(2000, 2600, make_face(1000, 1000, 400, roll_deg=1.0))
    s = suggestion_for(a, genre="headshot", framing="standard", aspect=(4, 5))
    assert s.angle_deg == 0.0


def test_turned_face_warns_not_facing_camera() -> None:
    a = make_analysis(2000, 2600, make_face(1000, 1000, 400, yaw=0.35))
    s = suggestion_for(a, genre="headshot", framing="standard", aspect=(4, 5))
    assert "not-facing-camera" in {w.code for w in s.warnings}


def test_other_face_in_headshot_warns_several_faces() -> None:
    a = make_analysis(3000, 2000, make_face(1400, 800, 400), make_face(1750, 850, 380))
    s = suggestion_for(a, genre="headshot", framing="loose", aspect=(1, 1), subject=0)
    assert "several-faces" in {w.code for w in s.warnings}


def test_upscale_needed_against_output_sizes() -> None:
    a = make_analysis(800, 1000, make_face(400, 400, 150))
    s = suggestion_for(
        a,
        genre="headshot",
        framing="standard",
        aspect=(4, 5),
        output_sizes=[(1080, 1350), (100, 125)],
    )
    ups = [w for w in s.warnings if w.code == "upscale-needed"]
    assert len(ups) == 1 and "1080x1350" in ups[0].message


def test_frame_headshot_explicit_numbers() -> None:
    a = make_analysis(3000, 4000, make_face(1500, 1500, 400))
    s = frame_headshot(a, 0, (4, 5), head_share=0.5, eye_from_top=0.38)
    f = a.faces[0]
    assert f.head_height / s.box.h == pytest.approx(0.5, abs=0.01)
    assert eye_from_top(s.box, f.eye_line_y) == pytest.approx(0.38, abs=0.01)
    assert s.warnings == ()


def test_no_face() -> None:
    a = make_analysis(800, 600, path="empty.jpg")
    assert suggest_all(a) == []
    with pytest.raises(FramingError, match=r"no face found in empty\.jpg"):
        suggestion_for(a, genre="headshot", framing="standard", aspect=(4, 5))


def test_bad_subject_and_variant() -> None:
    a = make_analysis(800, 600, make_face(400, 300, 100))
    with pytest.raises(FramingError, match="subject 3"):
        suggestion_for(a, genre="headshot", framing="standard", aspect=(4, 5), subject=3)
    with pytest.raises(FramingError, match="unknown headshot variant"):
        suggestion_for(a, genre="headshot", framing="huge", aspect=(4, 5))


@st.composite
def photo_and_face(draw: st.DrawFn) -> tuple[int, int, float, float, float, float, float]:
    w = draw(st.integers(120, 5000))
    h = draw(st.integers(120, 5000))
    head = draw(st.floats(0.05, 0.6)) * min(w, h)
    cx = draw(st.floats(0.0, 1.0)) * w
    eye = draw(st.floats(0.0, 1.0)) * h
    roll = draw(st.sampled_from([0.0, 0.0, 2.5, -4.0, 9.0]))
    yaw = draw(st.floats(-0.5, 0.5))
    return w, h, cx, eye, head, roll, yaw


def face_fits(w: int, h: int, cx: float, eye: float, head: float) -> bool:
    """The head (crown to chin, ears) is inside the photo with a little room."""
    return head * 0.45 <= cx <= w - head * 0.45 and head * 0.55 <= eye <= h - head * 0.55


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(photo_and_face(), st.sampled_from(ASPECTS), st.sampled_from(["tight", "standard", "loose"]))
def test_headshot_properties(
    params: tuple[int, int, float, float, float, float, float],
    aspect: tuple[int, int],
    variant: str,
) -> None:
    w, h, cx, eye, head, roll, yaw = params
    a = make_analysis(w, h, make_face(cx, eye, head, roll_deg=roll, yaw=yaw))
    s = suggestion_for(a, genre="headshot", framing=variant, aspect=aspect)
    b = s.box
    assert box_inside(b, w, h, s.angle_deg, tol=1e-6)
    assert abs(b.w / b.h - aspect[0] / aspect[1]) * b.h <= 1.0
    assert float(b.x).is_integer() and float(b.h).is_integer()
    codes = {c.code for c in s.warnings}
    if face_fits(w, h, cx, eye, head) and abs(roll) < 5:
        # A whole face in the photo: the eyes are never cut and the face box is whole.
        assert "eyes-cut" not in codes
        from core.framing.subject import frame_face

        ff = frame_face(a, 0, s.angle_deg)
        if b.h * min(1.0, aspect[0] / aspect[1]) >= head * 1.3:
            assert b.contains_box(ff.face_box, tol=1.0), (b, ff.face_box, codes)


def test_headshot_made_tighter_at_the_side_keeps_its_headroom() -> None:
    # The face 300 px from the left edge: a standard 4:5 crop (833 px wide) does not fit centred,
    # so it is made tighter (600 x 750). It used to keep the eye line asked for the full size,
    # which pushed the crown to 2 % under the top edge (photoprism_1: the hair at the edge).
    a = make_analysis(2000, 3000, make_face(300, 1400, 500))
    s = suggestion_for(a, genre="headshot", framing="standard", aspect=(4, 5))
    f = a.faces[0]
    assert "tighter-crop" in {w.code for w in s.warnings}
    assert s.box.h < 500 / 0.48 * 0.99
    assert abs(s.box.cx - f.center_x) <= 1
    # Head at 0.67 of the height with the eyes mid-head: the eye band's lower edge (0.42) leaves
    # the crown 0.087 of the height under the top, as close to the asked 0.11 as the band allows.
    headroom = (f.crown_y - s.box.top) / s.box.h
    assert headroom >= 0.08
    assert 0.30 <= eye_from_top(s.box, f.eye_line_y) <= 0.42


def test_photo_ending_at_the_neck_says_no_crop_shows_the_shoulders() -> None:
    # A face filling the frame: the photo's bottom edge is 0.29 head heights under the chin (the
    # neck). Every headshot ends there; none can show shoulders, and none said so (the body
    # "ended" at the photo's edge, so nothing counted as cut): u2net_img_1585/1588, newmayor.
    a = make_analysis(1000, 1000, make_face(500, 450, 700))
    for variant in ("tight", "standard", "loose"):
        s = suggestion_for(a, genre="headshot", framing=variant, aspect=(4, 5))
        assert s.box.bottom == pytest.approx(1000, abs=1)
        necks = [w for w in s.warnings if w.code == "cut-at-neck"]
        assert necks and "photo ends at the neck" in necks[0].message, variant
    # With room under the chin the headshot shows the shoulders and says nothing of the kind.
    roomy = make_analysis(1000, 2000, make_face(500, 450, 700))
    s = suggestion_for(roomy, genre="headshot", framing="tight", aspect=(4, 5))
    assert "cut-at-neck" not in {w.code for w in s.warnings}
