"""Plain geometry in upright original-image pixels (origin top-left, y down).

Boxes are floats so that framing maths does not accumulate rounding; ``Box.rounded()`` gives the
integer box that export and JSON use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    x: float
    y: float

    def as_list(self) -> list[float]:
        return [round(self.x, 2), round(self.y, 2)]


@dataclass(frozen=True)
class Size:
    width: int
    height: int

    @property
    def aspect(self) -> float:
        return self.width / self.height


@dataclass(frozen=True)
class Box:
    """Axis-aligned rectangle: left ``x``, top ``y``, width ``w``, height ``h``."""

    x: float
    y: float
    w: float
    h: float

    @classmethod
    def from_edges(cls, left: float, top: float, right: float, bottom: float) -> Box:
        return cls(left, top, right - left, bottom - top)

    @classmethod
    def from_center(cls, cx: float, cy: float, w: float, h: float) -> Box:
        return cls(cx - w / 2.0, cy - h / 2.0, w, h)

    @property
    def left(self) -> float:
        return self.x

    @property
    def top(self) -> float:
        return self.y

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2.0

    @property
    def cy(self) -> float:
        return self.y + self.h / 2.0

    @property
    def center(self) -> Point:
        return Point(self.cx, self.cy)

    @property
    def area(self) -> float:
        return max(0.0, self.w) * max(0.0, self.h)

    @property
    def aspect(self) -> float:
        return self.w / self.h if self.h else math.inf

    def translated(self, dx: float, dy: float) -> Box:
        return Box(self.x + dx, self.y + dy, self.w, self.h)

    def scaled(self, factor: float) -> Box:
        """Every coordinate multiplied by ``factor`` (for changing pixel spaces)."""
        return Box(self.x * factor, self.y * factor, self.w * factor, self.h * factor)

    def contains_point(self, p: Point, tol: float = 0.0) -> bool:
        return (
            self.left - tol <= p.x <= self.right + tol
            and self.top - tol <= p.y <= self.bottom + tol
        )

    def contains_box(self, other: Box, tol: float = 1e-6) -> bool:
        return (
            other.left >= self.left - tol
            and other.top >= self.top - tol
            and other.right <= self.right + tol
            and other.bottom <= self.bottom + tol
        )

    def intersection(self, other: Box) -> Box | None:
        left, top = max(self.left, other.left), max(self.top, other.top)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        if right <= left or bottom <= top:
            return None
        return Box.from_edges(left, top, right, bottom)

    def iou(self, other: Box) -> float:
        inter = self.intersection(other)
        if inter is None:
            return 0.0
        return inter.area / (self.area + other.area - inter.area)

    def union(self, other: Box) -> Box:
        return Box.from_edges(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )

    def rounded(self) -> tuple[int, int, int, int]:
        """Integer ``(x, y, w, h)`` with edges rounded independently (no drift of the far edge)."""
        left, top = round(self.left), round(self.top)
        return (left, top, round(self.right) - left, round(self.bottom) - top)

    def as_list(self) -> list[int]:
        return list(self.rounded())


# Angle convention used everywhere (suggestions, manual crops, export, the canvas): ``angle_deg`` is
# a counter-clockwise rotation of the image about its centre, as Pillow's ``Image.rotate(angle)``
# does, with the canvas size unchanged. A crop box given with an angle lives in that rotated frame.
def rotate_point(p: Point, center: Point, angle_deg: float) -> Point:
    """Where ``p`` lands when the image is rotated counter-clockwise by ``angle_deg`` about
    ``center`` (y axis down, so counter-clockwise on screen)."""
    a = math.radians(angle_deg)
    dx, dy = p.x - center.x, p.y - center.y
    cos_a, sin_a = math.cos(a), math.sin(a)
    return Point(center.x + dx * cos_a + dy * sin_a, center.y - dx * sin_a + dy * cos_a)


def upscale_factor(box: Box, size: tuple[int, int]) -> float:
    """Output pixels per crop pixel when ``box`` is rendered at ``size`` (w, h): above 1 the output
    is enlarged. The one figure the preview badges, the checks and export use."""
    return max(size[0] / max(box.w, 1e-9), size[1] / max(box.h, 1e-9))
