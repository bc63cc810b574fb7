"""Crop + rotation + resize from the full-resolution upright image, in one high-quality pass.

Box semantics (core.geometry): upright original pixels; with ``angle_deg != 0`` the box lives in the
frame of the image rotated counter-clockwise by ``angle_deg`` about its centre, canvas size kept,
exactly like ``Image.rotate(angle_deg)`` followed by ``crop(box)``. Only the region under the box is
ever transformed, never the whole photo.
"""

from __future__ import annotations

import math

from PIL import Image

from core.geometry import Box, Point, rotate_point

_EDGE_TOLERANCE = 0.5  # px a float box may poke past the edge (rounding in the framing maths)


def fill_for(mode: str) -> tuple[int, ...]:
    """Colour for any area the crop takes from outside the photo: white, or transparent."""
    return (255, 255, 255, 0) if mode == "RGBA" else (255, 255, 255)


def render_crop(
    image: Image.Image, box: Box, angle_deg: float, size: tuple[int, int], *, scale: float = 1.0
) -> Image.Image:
    """The crop ``box``/``angle_deg`` of ``image`` resampled to ``size`` (w, h).

    ``scale`` is image pixels per original pixel (< 1 when the source was decoded reduced): the box
    and the rotation centre are given in original pixels and scaled here.
    """
    if box.w <= 0 or box.h <= 0:
        raise ValueError(f"empty crop box {box}")
    if scale != 1.0:
        box = box.scaled(scale)
    width, height = image.size
    if abs(angle_deg) < 1e-6:
        inside = (
            box.left >= -_EDGE_TOLERANCE
            and box.top >= -_EDGE_TOLERANCE
            and box.right <= width + _EDGE_TOLERANCE
            and box.bottom <= height + _EDGE_TOLERANCE
        )
        if inside:
            edges = (
                max(0.0, box.left),
                max(0.0, box.top),
                min(float(width), box.right),
                min(float(height), box.bottom),
            )
            return image.resize(size, Image.Resampling.LANCZOS, box=edges)
    return _render_transformed(image, box, angle_deg, size)


def _render_transformed(
    image: Image.Image, box: Box, angle_deg: float, size: tuple[int, int]
) -> Image.Image:
    width, height = image.size
    centre = Point(width / 2.0, height / 2.0)
    corners = [
        rotate_point(Point(x, y), centre, -angle_deg)
        for x, y in (
            (box.left, box.top),
            (box.right, box.top),
            (box.left, box.bottom),
            (box.right, box.bottom),
        )
    ]
    margin = 3  # bicubic support
    left = max(0, math.floor(min(p.x for p in corners)) - margin)
    top = max(0, math.floor(min(p.y for p in corners)) - margin)
    right = min(width, math.ceil(max(p.x for p in corners)) + margin)
    bottom = min(height, math.ceil(max(p.y for p in corners)) + margin)
    fill = fill_for(image.mode)
    if right <= left or bottom <= top:
        return Image.new(image.mode, size, fill)
    region = image.crop((left, top, right, bottom))

    # A box many times larger than the output is first averaged down by an integer factor (box
    # filter: no aliasing), so the rotation works on at most ~2x the output's pixels.
    reduce = max(1, int(min(box.w / size[0], box.h / size[1]) / 2.0))
    if reduce > 1:
        region = region.reduce(reduce)
    inv = 1.0 / reduce

    # Intermediate image: the box itself at (about) its own resolution in the reduced region.
    inter_w = max(1, round(box.w * inv))
    inter_h = max(1, round(box.h * inv))
    sx, sy = box.w / inter_w, box.h / inter_h
    a = math.radians(angle_deg)
    cos_a, sin_a = math.cos(a), math.sin(a)
    dx0, dy0 = box.x - centre.x, box.y - centre.y
    # Output pixel (u, v) -> rotated-frame point q = box.origin + (u*sx, v*sy) -> original point
    # p = centre + R(-angle)(q - centre) -> region pixel (p - region origin) / reduce.
    coeffs = (
        sx * cos_a * inv,
        -sy * sin_a * inv,
        (centre.x + dx0 * cos_a - dy0 * sin_a - left) * inv,
        sx * sin_a * inv,
        sy * cos_a * inv,
        (centre.y + dx0 * sin_a + dy0 * cos_a - top) * inv,
    )
    inter = region.transform(
        (inter_w, inter_h),
        Image.Transform.AFFINE,
        coeffs,
        resample=Image.Resampling.BICUBIC,
        fillcolor=fill,
    )
    if inter.size == size:
        return inter
    return inter.resize(size, Image.Resampling.LANCZOS)
