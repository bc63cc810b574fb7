"""Headroom's crop <-> Camera Raw's crop settings (``crs:CropLeft/Top/Right/Bottom/Angle``).

The conventions, as Adobe's readers and writers use them (checked against RawTherapee's and
darktable's Lightroom importers, which place these rectangles the same way):

- The four values are fractions (0..1) of the image **as stored** in the file: before its EXIF /
  raw orientation is applied (a portrait raw stored 6000 x 4000 is normalised to 6000 x 4000).
- They are not the edges of an axis-aligned box but two opposite corners of the crop, the one
  shown top-left and the one shown bottom-right, carried back through the straighten rotation
  into the unrotated image; ``left``/``right`` are the smaller/larger x of those two points and
  ``top``/``bottom`` the smaller/larger y (after orientation the pair may be the other diagonal).
- ``CropAngle`` turns the photo about its centre, in the orientation it is shown in, positive
  counter-clockwise on screen: the same sense as Headroom's ``angle_deg`` (a point right of the
  centre moves up). So ``CropAngle = angle_deg``.

Headroom keeps the crop box in the rotated frame of the *upright* photo, with the canvas size
unchanged (``core.geometry``); the functions here convert between the two exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.geometry import Box, Point, rotate_point

#: Values written with this many decimals (Lightroom writes 6).
DECIMALS = 6
#: Corners this far outside 0..1 (float error of the rotation) are clamped, not refused.
_EDGE_TOLERANCE = 1e-4


@dataclass(frozen=True)
class CrsCrop:
    """Camera Raw's crop settings: normalised corner fractions and the angle in degrees."""

    left: float
    top: float
    right: float
    bottom: float
    angle: float

    def rounded(self) -> CrsCrop:
        return CrsCrop(
            left=round(self.left, DECIMALS),
            top=round(self.top, DECIMALS),
            right=round(self.right, DECIMALS),
            bottom=round(self.bottom, DECIMALS),
            angle=round(self.angle, 4),
        )

    def close_to(self, other: CrsCrop, tolerance: float = 5e-4) -> bool:
        edges = (self.left, self.top, self.right, self.bottom)
        others = (other.left, other.top, other.right, other.bottom)
        return (
            all(abs(a - b) <= tolerance for a, b in zip(edges, others, strict=True))
            and abs(self.angle - other.angle) <= 0.02
        )


def _to_upright(u: float, v: float, orientation: int) -> tuple[float, float]:
    """Stored fractions -> upright fractions (the EXIF orientation's turn)."""
    table = {
        1: (u, v),
        2: (1 - u, v),
        3: (1 - u, 1 - v),
        4: (u, 1 - v),
        5: (v, u),
        6: (1 - v, u),
        7: (1 - v, 1 - u),
        8: (v, 1 - u),
    }
    return table.get(orientation, (u, v))


#: The orientation whose turn undoes each one's: 6 and 8 undo each other, every other undoes itself.
_INVERSE = {6: 8, 8: 6}


def _to_stored(u: float, v: float, orientation: int) -> tuple[float, float]:
    """Upright fractions -> stored fractions (the EXIF orientation's turn undone)."""
    return _to_upright(u, v, _INVERSE.get(orientation, orientation))


#: Orientations whose turn maps the stored image's top-left/bottom-right diagonal onto the upright
#: image's other diagonal (a mirror or an odd number of quarter turns, not both).
_OTHER_DIAGONAL = frozenset({2, 4, 6, 8})


def crop_to_crs(
    box: Box, angle_deg: float, upright_size: tuple[int, int], orientation: int
) -> CrsCrop:
    """Camera Raw's values for Headroom's crop ``box`` (rotated frame of the upright photo of
    ``upright_size``) turned by ``angle_deg``, for a file stored with EXIF ``orientation``."""
    width, height = upright_size
    centre = Point(width / 2.0, height / 2.0)
    # The two corners Camera Raw records are the stored image's top-left and bottom-right ones.
    if orientation in _OTHER_DIAGONAL:
        shown = [Point(box.right, box.top), Point(box.left, box.bottom)]
    else:
        shown = [Point(box.left, box.top), Point(box.right, box.bottom)]
    corners = [rotate_point(p, centre, -angle_deg) for p in shown]
    stored = [_to_stored(p.x / width, p.y / height, orientation) for p in corners]
    xs = [s[0] for s in stored]
    ys = [s[1] for s in stored]
    values = [min(xs), min(ys), max(xs), max(ys)]
    for value in values:
        if not -_EDGE_TOLERANCE <= value <= 1 + _EDGE_TOLERANCE:
            raise ValueError(f"the crop reaches outside the photo ({value:.4f} of its side)")
    left, top, right, bottom = (min(1.0, max(0.0, v)) for v in values)
    return CrsCrop(left, top, right, bottom, angle_deg).rounded()


def crs_to_crop(crs: CrsCrop, upright_size: tuple[int, int], orientation: int) -> tuple[Box, float]:
    """Headroom's ``(box, angle_deg)`` for Camera Raw's values (inverse of :func:`crop_to_crs`).

    Raises ValueError for values that are not a crop (outside 0..1, empty, angle beyond 45).
    """
    values = (crs.left, crs.top, crs.right, crs.bottom, crs.angle)
    if not all(math.isfinite(v) for v in values):
        raise ValueError("crop values must be numbers")
    if not all(0.0 <= v <= 1.0 for v in values[:4]):
        raise ValueError("crop edges must lie between 0 and 1")
    if crs.right <= crs.left or crs.bottom <= crs.top:
        raise ValueError("the crop is empty")
    if abs(crs.angle) > 45.0:
        raise ValueError(f"crop angle {crs.angle} is beyond 45 degrees")
    width, height = upright_size
    centre = Point(width / 2.0, height / 2.0)
    corners = []
    for u, v in ((crs.left, crs.top), (crs.right, crs.bottom)):
        x, y = _to_upright(u, v, orientation)
        corners.append(rotate_point(Point(x * width, y * height), centre, crs.angle))
    left, right = sorted(p.x for p in corners)
    top, bottom = sorted(p.y for p in corners)
    if right - left <= 0 or bottom - top <= 0:
        raise ValueError("the crop corners do not make a rectangle at this angle")
    return Box.from_edges(left, top, right, bottom), crs.angle
