"""Decoding the source once for all of a photo's outputs, reduced when that loses nothing.

A JPEG decodes 2x/4x/8x faster at reduced DCT scale (Pillow "draft" mode). When every output needs
at most half the source's resolution for its crop, decoding at a reduced scale that still gives at
least twice each output's pixels over its crop is visually identical after the Lanczos resize, so
export uses it. Everything else (PNG, TIFF, HEIF, CMYK or 16-bit files, and any output that needs
more than half the resolution) goes through ``core.photo.open_upright`` at full size.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from core.errors import PhotoLoadError
from core.photo import open_upright

#: Decode at no less than this many source pixels per output pixel along the crop.
MIN_OVERSAMPLING = 2.0

_TRANSPOSES: dict[int, tuple[Image.Transpose, ...]] = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}


def open_for_export(path: Path, needed_scale: float) -> tuple[Image.Image, float]:
    """Upright RGB/RGBA pixels and their scale (decoded px per upright original px, <= 1).

    ``needed_scale`` is the largest output-px-per-source-px ratio over all crops; the decode keeps
    at least ``MIN_OVERSAMPLING`` times that. ``info["icc_profile"]`` describes the pixels.
    """
    target = min(1.0, needed_scale * MIN_OVERSAMPLING)
    if target <= 0.5:
        reduced = _open_jpeg_reduced(Path(path), target)
        if reduced is not None:
            return reduced
    image = open_upright(Path(path))
    return image, 1.0


def _open_jpeg_reduced(path: Path, target: float) -> tuple[Image.Image, float] | None:
    try:
        with Image.open(path) as image:
            if image.format != "JPEG" or image.mode != "RGB":
                return None
            stored_w, stored_h = image.size
            orientation = int(image.getexif().get(0x0112, 1) or 1)
            icc = image.info.get("icc_profile")
            request = (math.ceil(stored_w * target), math.ceil(stored_h * target))
            image.draft("RGB", request)
            image.load()
            pixels = image.copy() if image.mode == "RGB" else image.convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as exc:
        # Let the full decoder produce the one proper error message for a broken file.
        if isinstance(exc, FileNotFoundError):
            raise PhotoLoadError(f"{path}: file not found") from None
        return None
    scale = pixels.width / stored_w
    for step in _TRANSPOSES.get(orientation, ()):
        pixels = pixels.transpose(step)
    pixels.info = {"icc_profile": icc} if icc else {}
    return pixels, scale
