"""The one place where Pillow images become Qt images and back, plus crop thumbnails for display.

Everything here is safe in a worker thread: QImage (unlike QPixmap) may be built off the GUI thread.
"""

from __future__ import annotations

import math

from PIL import Image
from PySide6.QtGui import QImage

from core.geometry import Box


def pil_to_qimage(image: Image.Image) -> QImage:
    """A deep-copied QImage of ``image`` (RGB or RGBA; other modes are converted to RGB)."""
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    fmt = QImage.Format.Format_RGBA8888 if image.mode == "RGBA" else QImage.Format.Format_RGB888
    channels = 4 if image.mode == "RGBA" else 3
    data = image.tobytes()
    qimage = QImage(data, image.width, image.height, image.width * channels, fmt)
    return qimage.copy()  # detach from ``data``, which Python frees


def qimage_to_pil(qimage: QImage) -> Image.Image:
    """An RGB (or RGBA when the QImage has alpha) Pillow copy of ``qimage``."""
    has_alpha = qimage.hasAlphaChannel()
    target = QImage.Format.Format_RGBA8888 if has_alpha else QImage.Format.Format_RGB888
    converted = qimage.convertToFormat(target)
    width, height = converted.width(), converted.height()
    stride = converted.bytesPerLine()
    raw = bytes(converted.constBits())[: stride * height]
    mode = "RGBA" if has_alpha else "RGB"
    return Image.frombuffer(mode, (width, height), raw, "raw", mode, stride, 1).copy()


def crop_thumbnail(
    preview: Image.Image,
    original_size: tuple[int, int],
    box: Box,
    angle_deg: float,
    max_side: int,
) -> Image.Image:
    """What the crop ``box`` (upright original pixels, in the frame of the image rotated
    counter-clockwise by ``angle_deg`` about its centre, see core.geometry) shows, rendered from a
    reduced ``preview`` of the photo into an image whose long side is ``max_side``.

    Display only: export renders from the full-resolution original in core."""
    ow, oh = original_size
    scale = preview.width / ow  # preview px per original px
    k = max_side / max(box.w, box.h)  # thumbnail px per original px
    out_w, out_h = max(1, round(box.w * k)), max(1, round(box.h * k))
    # An affine resample only looks at ~2x2 source pixels: shrink the source first so the step
    # between samples stays near one pixel and the thumbnail does not alias.
    factor = max(1, int(scale / k / 1.5))
    if factor > 1:
        preview = preview.reduce(factor)
        scale = preview.width / ow
    cx, cy = ow / 2.0, oh / 2.0
    cos_a, sin_a = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    # Output pixel (u, v) shows rotated-frame point q = box.topleft + (u, v) / k, which comes from
    # the upright point rotate_point(q, centre, -angle); then scaled into preview pixels.
    bx, by = box.x - cx, box.y - cy
    coeffs = (
        scale * cos_a / k,
        -scale * sin_a / k,
        scale * (cx + bx * cos_a - by * sin_a),
        scale * sin_a / k,
        scale * cos_a / k,
        scale * (cy + bx * sin_a + by * cos_a),
    )
    if preview.mode not in ("RGB", "RGBA"):
        preview = preview.convert("RGB")
    return preview.transform(
        (out_w, out_h),
        Image.Transform.AFFINE,
        coeffs,
        resample=Image.Resampling.BILINEAR,
        fillcolor=(40, 40, 40),
    )
