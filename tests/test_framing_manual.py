"""Manual crop rules (the GUI's drag handles): constrain_crop, fit_aspect, manual_suggestion."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.framing import CropConstraints, constrain_crop, fit_aspect, manual_suggestion
from core.framing.rotation import box_inside, largest_box
from core.geometry import Box
from tests.framing_factory import make_analysis, make_face

HANDLES = ["move", "n", "s", "e", "w", "ne", "nw", "se", "sw"]


def test_move_slides_back_inside_without_resizing() -> None:
    c = CropConstraints(1000, 800, 1.0)
    out = constrain_crop(Box(900, -50, 200, 200), c, handle="move")
    assert (out.w, out.h) == (200, 200)
    assert (out.x, out.y) == (800, 0)


def test_corner_drag_keeps_opposite_corner() -> None:
    c = CropConstraints(1000, 800, 0.8)
    out = constrain_crop(Box(100, 100, 300, 300), c, handle="se")
    assert (out.x, out.y) == (100, 100)
    assert out.w / out.h == pytest.approx(0.8)
    out = constrain_crop(Box(100, 100, 300, 300), c, handle="nw")
    assert (out.right, out.bottom) == pytest.approx((400, 400))


def test_edge_drag_keeps_opposite_edge_and_clamps_at_photo_edge() -> None:
    c = CropConstraints(1000, 800, 1.0)
    out = constrain_crop(Box(600, 100, 700, 200), c, handle="e")  # dragged far past the right edge
    assert out.x == pytest.approx(600)
    assert out.right <= 1000 + 1e-6
    assert out.w == pytest.approx(out.h)


def test_from_center_keeps_centre() -> None:
    c = CropConstraints(1000, 800, 1.5)
    out = constrain_crop(Box(300, 300, 400, 200), c, handle="se", from_center=True)
    assert out.cx == pytest.approx(500) and out.cy == pytest.approx(400)


def test_min_size() -> None:
    c = CropConstraints(1000, 800, None, min_size=32)
    out = constrain_crop(Box(100, 100, 3, 5), c, handle="se")
    assert out.w >= 32 - 1e-9 and out.h >= 32 - 1e-9


def test_rotated_move_stays_in_valid_area() -> None:
    c = CropConstraints(1000, 800, 0.8, angle_deg=7.0)
    out = constrain_crop(Box(-20, -20, 300, 375), c, handle="move")
    assert box_inside(out, 1000, 800, 7.0)
    assert out.w == pytest.approx(300)


def test_fit_aspect_largest_and_keep_area() -> None:
    c = CropConstraints(1200, 800, None)
    out = fit_aspect(Box(100, 100, 400, 300), 1.0, c)
    assert out.w == pytest.approx(800) and out.h == pytest.approx(800)
    swapped = fit_aspect(Box(100, 100, 400, 300), 3 / 4, c, keep_area=True)
    assert swapped.w * swapped.h == pytest.approx(120000)
    assert swapped.cx == pytest.approx(300) and swapped.cy == pytest.approx(250)


def test_manual_suggestion_runs_the_checks() -> None:
    a = make_analysis(2000, 2000, make_face(1000, 800, 400, roll_deg=4.0))
    f = a.faces[0]
    # Bottom edge right at the neck, eyes inside.
    box = Box(700, f.crown_y - 50, 600, f.chin_y + 0.15 * 400 - (f.crown_y - 50))
    s = manual_suggestion(a, box, aspect=None, angle_deg=0.0, subject=None)
    codes = {w.code for w in s.warnings}
    assert s.subject == 0 and s.genre == "manual"
    assert "cut-at-neck" in codes and "roll-not-corrected" in codes
    assert s.box == box  # a hand-made crop is reported as drawn


@st.composite
def proposals(draw: st.DrawFn) -> tuple[CropConstraints, Box, str, bool]:
    w = draw(st.integers(40, 4000))
    h = draw(st.integers(40, 4000))
    aspect = draw(st.sampled_from([None, 1.0, 0.8, 2 / 3, 1.5, 16 / 9]))
    angle = draw(st.sampled_from([0.0, 0.0, 3.0, -12.5, 30.0]))
    c = CropConstraints(w, h, aspect, angle_deg=angle, min_size=16.0)
    x = draw(st.floats(-0.5, 1.5)) * w
    y = draw(st.floats(-0.5, 1.5)) * h
    bw = draw(st.floats(-0.5, 1.5)) * w
    bh = draw(st.floats(-0.5, 1.5)) * h
    return c, Box(x, y, bw, bh), draw(st.sampled_from(HANDLES)), draw(st.booleans())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(proposals())
def test_constrain_crop_properties(p: tuple[CropConstraints, Box, str, bool]) -> None:
    c, proposed, handle, from_center = p
    out = constrain_crop(proposed, c, handle=handle, from_center=from_center)  # type: ignore[arg-type]
    assert out.w > 0 and out.h > 0
    assert box_inside(out, c.image_width, c.image_height, c.angle_deg, tol=1e-6)
    if c.aspect is not None:
        assert abs(out.w / out.h - c.aspect) * out.h <= 1e-6 * max(1.0, out.w)
        biggest = largest_box(c.aspect, c.image_width, c.image_height, c.angle_deg)
        # At least min_size on the short side, unless the photo cannot hold that much.
        assert min(out.w, out.h) >= min(c.min_size, min(biggest.w, biggest.h)) - 1e-6
    if handle == "move" and c.aspect is None:
        biggest_area = c.image_width * c.image_height
        if (
            abs(proposed.w * proposed.h) < biggest_area * 0.01
            and abs(proposed.w) >= 16
            and abs(proposed.h) >= 16
        ):
            assert out.w == pytest.approx(abs(proposed.w), rel=1e-6) or c.angle_deg != 0.0


@settings(max_examples=150, deadline=None)
@given(proposals(), st.sampled_from([1.0, 0.8, 1.5, 9 / 16]))
def test_fit_aspect_properties(p: tuple[CropConstraints, Box, str, bool], aspect: float) -> None:
    c, proposed, _, _ = p
    out = fit_aspect(proposed, aspect, c)
    assert box_inside(out, c.image_width, c.image_height, c.angle_deg, tol=1e-6)
    assert abs(out.w / out.h - aspect) * out.h <= 1e-6 * max(1.0, out.w)


def test_manual_id_crop_is_measured_against_its_rule() -> None:
    a = make_analysis(2400, 3200, make_face(1200, 1200, 700))
    f = a.faces[0]
    # Head 50% of the height: far from ICAO's 70-80%.
    h = f.head_height / 0.5
    box = Box(1200 - h * 7 / 18, f.eye_line_y - 0.45 * h, h * 7 / 9, h)
    s = manual_suggestion(
        a, box, aspect=(7, 9), angle_deg=0.0, subject=0, genre="id", framing="icao"
    )
    codes = {w.code for w in s.warnings}
    assert "id-head-height" in codes and s.genre == "id"
    # The same crop as a plain manual crop has no ID rule to miss.
    plain = manual_suggestion(a, box, aspect=(7, 9), angle_deg=0.0, subject=0)
    assert not {c for c in {w.code for w in plain.warnings} if c.startswith("id-")}
