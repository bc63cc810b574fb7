"""Crop + rotation + resize from the full-resolution upright image, in one high-quality pass.

Box semantics (core.geometry): upright original pixels; with ``angle_deg != 0`` the box lives in the
frame of the image rotated counter-clockwise by ``angle_deg`` about its centre, canvas size kept,
exactly like ``Image.rotate(angle_deg)`` followed by ``crop(box)``. Only the region under the box is
ever transformed, never the whole photo.
"""

from __future__ import annotations

import math

from PIL import Image

from core.export import strips
from core.geometry import Box, Point, rotate_point

_EDGE_TOLERANCE = 0.5  # px a float box may poke past the edge (rounding in the framing maths)


def fill_for(mode: str) -> tuple[int, ...] | float:
    """Colour for any area the crop takes from outside the photo: white, or transparent (a 16-bit
    channel rendered as a float plane: white is 65535)."""
    if mode == "F":
        return 65535.0
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
            return strips.resize(image, size, edges)
    return _render_transformed(image, box, angle_deg, size)


def _reduce_for(box: Box, size: tuple[int, int]) -> float:
    """How far the source region may be scaled down (antialiased) before it is rotated: the
    rotation then works on about 2x the output's pixels per side, never on the full resolution of a
    crop much larger than the output."""
    return max(1.0, min(box.w / size[0], box.h / size[1]) / 2.0)


#: Up to this many source pixels per output pixel, a rotated crop is resampled straight to the
#: output size (bicubic, one pass): upscaling, or downscaling so mild that bicubic does not alias
#: visibly (measured on a 24 MP photo at 1.3-1.9x: mean difference 0.5 levels, 99th percentile 3,
#: against rotating at full size and then resizing with Lanczos).
DIRECT_MAX_RATIO = 2.0


def _render_transformed(
    image: Image.Image, box: Box, angle_deg: float, size: tuple[int, int]
) -> Image.Image:
    ratio = max(box.w / size[0], box.h / size[1])
    if ratio < 1.0:
        # Upscaling (a print from a small crop): turn the photo at its own resolution, fewer
        # pixels than the output, then enlarge with Lanczos. Half the time of a bicubic turn
        # straight to the output size (2400 x 3000 print from a 1700 px crop: ~0.17 s, not ~0.37 s)
        # and a sharper enlargement.
        turned = straightened(image, box, angle_deg, 1.0)
        return strips.resize(turned, size, (0.0, 0.0, float(turned.width), float(turned.height)))
    if ratio <= DIRECT_MAX_RATIO:
        return straightened(image, box, angle_deg, 1.0, size=size)
    inter = straightened(image, box, angle_deg, _reduce_for(box, size))
    if inter.size == size:
        return inter
    return strips.resize(inter, size, (0.0, 0.0, float(inter.width), float(inter.height)))


def straightened(
    image: Image.Image,
    box: Box,
    angle_deg: float,
    reduce: float,
    *,
    size: tuple[int, int] | None = None,
) -> Image.Image:
    """The pixels under ``box`` (rotated frame at ``angle_deg``), upright, at 1/``reduce`` of the
    source resolution (the region is first scaled down with Lanczos), or resampled straight to
    ``size``. Only the source region under the box is read."""
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
    margin = math.ceil(3 * reduce)  # bicubic support, in source pixels
    left = max(0, math.floor(min(p.x for p in corners)) - margin)
    top = max(0, math.floor(min(p.y for p in corners)) - margin)
    right = min(width, math.ceil(max(p.x for p in corners)) + margin)
    bottom = min(height, math.ceil(max(p.y for p in corners)) + margin)
    fill = fill_for(image.mode)
    inter_w, inter_h = size or (max(1, round(box.w / reduce)), max(1, round(box.h / reduce)))
    if right <= left or bottom <= top:
        return Image.new(image.mode, (inter_w, inter_h), fill)
    # No crop() copy of the region: at full resolution it is most of the photo (200 MB of a 69 MP
    # one). The transform maps into the whole image; the reduction reads the region as its box.
    region, fx, fy = image, 1.0, 1.0
    if reduce > 1.0:
        small = (max(1, round((right - left) / reduce)), max(1, round((bottom - top) / reduce)))
        fx, fy = (right - left) / small[0], (bottom - top) / small[1]
        region = image.resize(
            small, Image.Resampling.LANCZOS, box=(left, top, right, bottom), reducing_gap=3.0
        )
    else:
        left = top = 0

    sx, sy = box.w / inter_w, box.h / inter_h
    a = math.radians(angle_deg)
    cos_a, sin_a = math.cos(a), math.sin(a)
    dx0, dy0 = box.x - centre.x, box.y - centre.y
    # Output pixel (u, v) -> rotated-frame point q = box.origin + (u*sx, v*sy) -> original point
    # p = centre + R(-angle)(q - centre) -> region pixel (p - region origin) / (fx, fy).
    coeffs = (
        sx * cos_a / fx,
        -sy * sin_a / fx,
        (centre.x + dx0 * cos_a - dy0 * sin_a - left) / fx,
        sx * sin_a / fy,
        sy * cos_a / fy,
        (centre.y + dx0 * sin_a + dy0 * cos_a - top) / fy,
    )
    return strips.affine(region, (inter_w, inter_h), coeffs, Image.Resampling.BICUBIC, fill)


class CropRenderer:
    """Renders several crops of one decoded image. Crops that share an angle (a photo's presets
    are usually all levelled by the same roll) are straightened once, over their union, when that
    is cheaper than straightening each; each output is then one Lanczos resize."""

    def __init__(
        self,
        image: Image.Image,
        requests: list[tuple[Box, float, tuple[int, int]]],
        *,
        scale: float = 1.0,
    ) -> None:
        self.image = image
        self.scale = scale
        self._shared: dict[float, tuple[Box, Image.Image]] = {}
        groups: dict[float, list[tuple[Box, tuple[int, int]]]] = {}
        for box, angle, size in requests:
            scaled = box.scaled(scale)
            direct = max(scaled.w / size[0], scaled.h / size[1]) <= DIRECT_MAX_RATIO
            if abs(angle) >= 1e-6 and not direct:
                groups.setdefault(round(angle, 6), []).append((scaled, size))
        self._plans = {angle: members for angle, members in groups.items() if len(members) > 1}

    def _shared_for(self, angle: float) -> tuple[Box, Image.Image] | None:
        key = round(angle, 6)
        if key in self._shared:
            return self._shared[key]
        members = self._plans.pop(key, None)
        if members is None:
            return None
        union = members[0][0]
        for box, _size in members[1:]:
            union = union.union(box)
        reduce = min(_reduce_for(box, size) for box, size in members)
        alone = sum(box.area / _reduce_for(box, size) ** 2 for box, size in members)
        if union.area / reduce**2 > alone:
            return None
        shared = (union, straightened(self.image, union, angle, reduce))
        self._shared[key] = shared
        return shared

    def render(self, box: Box, angle_deg: float, size: tuple[int, int]) -> Image.Image:
        scaled = box.scaled(self.scale)
        direct = max(scaled.w / size[0], scaled.h / size[1]) <= DIRECT_MAX_RATIO
        if abs(angle_deg) >= 1e-6 and not direct:
            shared = self._shared_for(angle_deg)
            if shared is not None:
                union, inter = shared
                fx, fy = inter.width / union.w, inter.height / union.h
                edges = (
                    max(0.0, (scaled.left - union.left) * fx),
                    max(0.0, (scaled.top - union.top) * fy),
                    min(float(inter.width), (scaled.right - union.left) * fx),
                    min(float(inter.height), (scaled.bottom - union.top) * fy),
                )
                return strips.resize(inter, size, edges)
        return render_crop(self.image, box, angle_deg, size, scale=self.scale)
