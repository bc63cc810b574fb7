"""Where a crop box may sit when the image is rotated about its centre (pure geometry).

Angle convention as ``core.geometry``: the image is rotated counter-clockwise by ``angle_deg`` about
its centre with the canvas size kept (Pillow ``Image.rotate(angle)``); a crop box lives in that
rotated frame. The *valid area* is the part of the canvas the rotated photo still covers (no empty
corners). It is convex and centrally symmetric, written here as half-planes ``nx*x + ny*y <= d``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from core.geometry import Box, Point, rotate_point

#: Angles below this are treated as zero (the valid area is then the canvas itself).
ANGLE_EPS = 1e-9


@dataclass(frozen=True)
class HalfPlane:
    nx: float
    ny: float
    d: float

    def slack(self, x: float, y: float) -> float:
        """How far inside (>= 0) or outside (< 0) the point is, in the normal's units."""
        return self.d - (self.nx * x + self.ny * y)


@lru_cache(maxsize=64)
def valid_area(width: float, height: float, angle_deg: float = 0.0) -> tuple[HalfPlane, ...]:
    """Half-planes of the valid area: the canvas, intersected (when angled) with the rotated photo.
    Normals are unit vectors, so slacks are distances in pixels."""
    planes = [
        HalfPlane(-1.0, 0.0, 0.0),
        HalfPlane(1.0, 0.0, float(width)),
        HalfPlane(0.0, -1.0, 0.0),
        HalfPlane(0.0, 1.0, float(height)),
    ]
    if abs(angle_deg) > ANGLE_EPS:
        # A frame point p came from the original point q = c + R(p - c) (the inverse rotation):
        # q.x = cx + cos*(x-cx) - sin*(y-cy), q.y = cy + sin*(x-cx) + cos*(y-cy). Keep 0<=q<=size.
        t = math.radians(angle_deg)
        cos_t, sin_t = math.cos(t), math.sin(t)
        cx, cy = width / 2.0, height / 2.0
        for (ax, ay), half in (((cos_t, -sin_t), cx), ((sin_t, cos_t), cy)):
            base = ax * cx + ay * cy
            planes.append(HalfPlane(ax, ay, half + base))
            planes.append(HalfPlane(-ax, -ay, half - base))
    return tuple(planes)


def _corners(box: Box) -> tuple[tuple[float, float], ...]:
    return (
        (box.left, box.top),
        (box.right, box.top),
        (box.left, box.bottom),
        (box.right, box.bottom),
    )


def box_inside(
    box: Box, width: float, height: float, angle_deg: float = 0.0, tol: float = 1e-6
) -> bool:
    """Is ``box`` (in the frame rotated by ``angle_deg``) inside the valid area of the photo?"""
    if box.w < 0 or box.h < 0:
        return False
    planes = valid_area(width, height, angle_deg)
    return all(p.slack(x, y) >= -tol for p in planes for x, y in _corners(box))


def point_inside(
    p: Point, width: float, height: float, angle_deg: float = 0.0, tol: float = 1e-6
) -> bool:
    return all(h.slack(p.x, p.y) >= -tol for h in valid_area(width, height, angle_deg))


def max_scale_about(
    anchor: Point, offsets: Sequence[tuple[float, float]], planes: Sequence[HalfPlane]
) -> float:
    """Largest ``s >= 0`` with every ``anchor + s * offset`` inside the half-planes (``inf`` when
    nothing limits it, 0 when the anchor itself is outside). The valid area is convex, so every
    smaller scale fits too."""
    best = math.inf
    for plane in planes:
        room = plane.slack(anchor.x, anchor.y)
        if room < 0:
            return 0.0
        for ox, oy in offsets:
            reach = plane.nx * ox + plane.ny * oy
            if reach > 1e-12:
                best = min(best, room / reach)
    return best


def box_offsets(aspect: float, x_frac: float, y_frac: float) -> tuple[tuple[float, float], ...]:
    """Corners of a box of height 1 and width ``aspect`` relative to the point that sits at
    (``x_frac``, ``y_frac``) of its width and height."""
    left, right = -x_frac * aspect, (1.0 - x_frac) * aspect
    top, bottom = -y_frac, 1.0 - y_frac
    return ((left, top), (right, top), (left, bottom), (right, bottom))


def box_at(anchor: Point, height: float, aspect: float, x_frac: float, y_frac: float) -> Box:
    """Box of ``height`` and ``aspect`` whose point at (x_frac, y_frac) of it is ``anchor``."""
    w = height * aspect
    return Box(anchor.x - x_frac * w, anchor.y - y_frac * height, w, height)


def largest_box(
    aspect: float, width: float, height: float, angle_deg: float = 0.0, center: Point | None = None
) -> Box:
    """Largest box of ``aspect`` centred on ``center`` (default: the image centre, where the largest
    box of the whole valid area sits, by its central symmetry) inside the valid area. A centre
    outside the valid area gives an empty box there."""
    c = center or Point(width / 2.0, height / 2.0)
    planes = valid_area(width, height, angle_deg)
    s = max_scale_about(c, box_offsets(aspect, 0.5, 0.5), planes)
    return box_at(c, s, aspect, 0.5, 0.5)


def _center_planes(w: float, h: float, planes: Sequence[HalfPlane]) -> list[HalfPlane]:
    """Where the centre of a ``w`` x ``h`` box may go so that the whole box stays inside."""
    return [HalfPlane(p.nx, p.ny, p.d - abs(p.nx) * w / 2.0 - abs(p.ny) * h / 2.0) for p in planes]


def _nearest_feasible(p: Point, planes: Sequence[HalfPlane], tol: float = 1e-7) -> Point | None:
    """Projection of ``p`` on the convex polygon the half-planes bound (None when empty)."""

    def feasible(x: float, y: float) -> bool:
        return all(h.slack(x, y) >= -tol for h in planes)

    if feasible(p.x, p.y):
        return p
    candidates: list[tuple[float, float]] = []
    for h in planes:
        n2 = h.nx * h.nx + h.ny * h.ny
        k = -h.slack(p.x, p.y) / n2
        candidates.append((p.x - k * h.nx, p.y - k * h.ny))
    for i, a in enumerate(planes):
        for b in planes[i + 1 :]:
            det = a.nx * b.ny - a.ny * b.nx
            if abs(det) < 1e-12:
                continue
            candidates.append(((a.d * b.ny - a.ny * b.d) / det, (a.nx * b.d - a.d * b.nx) / det))
    best: tuple[float, float] | None = None
    best_d = math.inf
    for x, y in candidates:
        if feasible(x, y):
            dist = (x - p.x) ** 2 + (y - p.y) ** 2
            if dist < best_d:
                best, best_d = (x, y), dist
    return Point(*best) if best else None


def clamp_box(box: Box, width: float, height: float, angle_deg: float = 0.0) -> Box:
    """``box`` moved the shortest distance that puts it inside the valid area, keeping its size;
    a box too big to fit anywhere is first shrunk about its centre (aspect kept) to the largest
    size that fits."""
    planes = valid_area(width, height, angle_deg)
    w, h = box.w, box.h
    if h <= 0 or w <= 0:
        return box
    biggest = largest_box(w / h, width, height, angle_deg)
    if biggest.h < h:
        w, h = biggest.w * (1 - 1e-9), biggest.h * (1 - 1e-9)
    centre = _nearest_feasible(box.center, _center_planes(w, h, planes))
    if centre is None:  # numerically empty: only the image centre remains
        centre = Point(width / 2.0, height / 2.0)
    return Box.from_center(centre.x, centre.y, w, h)


def snap_to_pixels(
    box: Box, aspect: float | None, width: int, height: int, angle_deg: float = 0.0
) -> Box:
    """Integer box (whole pixels) close to ``box``: for a fixed ``aspect`` the width is the height
    times the aspect rounded (error under half a pixel), and the result stays inside the valid area
    (shrinking by a pixel at a time when rounding would poke out of a rotated photo)."""
    for shrink in range(0, 8):
        h = max(1, math.floor(box.h + 1e-6) - shrink)
        if aspect is not None:
            w = max(1, round(h * aspect))
            if w > width:
                continue
        else:
            w = max(1, math.floor(box.w + 1e-6) - shrink)
        x0 = box.cx - w / 2.0
        y0 = box.cy - h / 2.0
        options = sorted(
            (
                (fx, fy)
                for fx in (math.floor(x0), math.ceil(x0))
                for fy in (math.floor(y0), math.ceil(y0))
            ),
            key=lambda o: (o[0] - x0) ** 2 + (o[1] - y0) ** 2,
        )
        for x, y in options:
            x = min(max(x, 0), max(0, width - w))
            y = min(max(y, 0), max(0, height - h))
            candidate = Box(float(x), float(y), float(w), float(h))
            if box_inside(candidate, width, height, angle_deg):
                return candidate
    # Should not happen for a box that was inside; fall back to the clamped float box.
    return clamp_box(box, width, height, angle_deg)


def rotate_box_bounds(box: Box, width: float, height: float, angle_deg: float) -> Box:
    """Axis-aligned bounds, in the frame rotated by ``angle_deg``, of an upright-frame box."""
    if abs(angle_deg) <= ANGLE_EPS:
        return box
    c = Point(width / 2.0, height / 2.0)
    pts = [rotate_point(Point(x, y), c, angle_deg) for x, y in _corners(box)]
    return Box.from_edges(
        min(p.x for p in pts), min(p.y for p in pts), max(p.x for p in pts), max(p.y for p in pts)
    )


def to_frame(p: Point, width: float, height: float, angle_deg: float) -> Point:
    """Where an upright-frame point lands in the frame rotated by ``angle_deg``."""
    if abs(angle_deg) <= ANGLE_EPS:
        return p
    return rotate_point(p, Point(width / 2.0, height / 2.0), angle_deg)


def from_frame(p: Point, width: float, height: float, angle_deg: float) -> Point:
    """Inverse of :func:`to_frame`."""
    if abs(angle_deg) <= ANGLE_EPS:
        return p
    return rotate_point(p, Point(width / 2.0, height / 2.0), -angle_deg)
