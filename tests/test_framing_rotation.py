"""Valid-area geometry of a photo rotated about its centre (core/framing/rotation.py)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.framing.rotation import (
    box_inside,
    clamp_box,
    from_frame,
    largest_box,
    snap_to_pixels,
    to_frame,
)
from core.geometry import Box, Point

sizes = st.integers(20, 4000)
angles = st.floats(-45.0, 45.0, allow_nan=False)
aspects = st.sampled_from([1.0, 0.8, 2 / 3, 1.5, 16 / 9, 0.25, 4.0])


def corners_map_inside(box: Box, w: int, h: int, angle: float, tol: float = 1e-6) -> bool:
    pts = [
        (box.left, box.top),
        (box.right, box.top),
        (box.left, box.bottom),
        (box.right, box.bottom),
    ]
    for x, y in pts:
        q = from_frame(Point(x, y), w, h, angle)
        if not (-tol <= q.x <= w + tol and -tol <= q.y <= h + tol):
            return False
        if not (-tol <= x <= w + tol and -tol <= y <= h + tol):
            return False
    return True


def test_no_rotation_is_the_canvas() -> None:
    assert largest_box(1.5, 600, 400) == Box(0, 0, 600, 400)
    assert box_inside(Box(0, 0, 600, 400), 600, 400)
    assert not box_inside(Box(0, 0, 600.5, 400), 600, 400)


def test_square_rotated_45_keeps_the_inscribed_square() -> None:
    b = largest_box(1.0, 100, 100, 45.0)
    # A square rotated 45 degrees holds an axis-aligned square of side 100 / sqrt(2) ... centred.
    assert b.w == pytest.approx(100 / math.sqrt(2), rel=1e-6)
    assert b.cx == pytest.approx(50) and b.cy == pytest.approx(50)


def test_to_and_from_frame_round_trip() -> None:
    p = Point(123.0, 45.0)
    q = to_frame(p, 640, 480, 17.0)
    back = from_frame(q, 640, 480, 17.0)
    assert (back.x, back.y) == pytest.approx((p.x, p.y))


@settings(max_examples=200, deadline=None)
@given(sizes, sizes, angles, aspects)
def test_largest_box_is_inside_and_maximal(w: int, h: int, angle: float, aspect: float) -> None:
    b = largest_box(aspect, w, h, angle)
    assert corners_map_inside(b, w, h, angle)
    assert b.w / b.h == pytest.approx(aspect)
    grown = Box.from_center(b.cx, b.cy, b.w * 1.001 + 0.01, b.h * 1.001 + 0.01)
    assert not box_inside(grown, w, h, angle)


@settings(max_examples=200, deadline=None)
@given(
    sizes,
    sizes,
    angles,
    st.floats(-1.0, 2.0),
    st.floats(-1.0, 2.0),
    st.floats(0.01, 1.5),
    aspects,
)
def test_clamp_box_moves_inside_keeping_size_when_possible(
    w: int, h: int, angle: float, fx: float, fy: float, scale: float, aspect: float
) -> None:
    biggest = largest_box(aspect, w, h, angle)
    bh = biggest.h * scale
    box = Box.from_center(fx * w, fy * h, bh * aspect, bh)
    out = clamp_box(box, w, h, angle)
    assert corners_map_inside(out, w, h, angle, tol=1e-5)
    if scale <= 1.0:
        assert out.h == pytest.approx(bh)
    else:
        assert out.h == pytest.approx(biggest.h, rel=1e-6)
    if box_inside(box, w, h, angle):
        assert out == box


@settings(max_examples=200, deadline=None)
@given(sizes, sizes, angles, st.floats(0.05, 1.0), aspects)
def test_snap_to_pixels_stays_inside(
    w: int, h: int, angle: float, scale: float, aspect: float
) -> None:
    b = largest_box(aspect, w, h, angle)
    b = Box.from_center(b.cx, b.cy, b.w * scale, b.h * scale)
    if b.h < 2 or b.w < 2:
        return
    s = snap_to_pixels(b, aspect, w, h, angle)
    assert all(float(v).is_integer() for v in (s.x, s.y, s.w, s.h))
    assert box_inside(s, w, h, angle)
    assert abs(s.w - s.h * aspect) <= 0.5 + 1e-9 or s.w == 1
