"""Reduced decoding: JPEG/HEIC draft mode, cheap resizing, EXIF transposing and :func:`_decode`,
which turns a file into upright 8-bit pixels of about the size asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, JpegImagePlugin
from pillow_heif.as_plugin import HeifImageFile

from core.photo.normalise import _to_8bit, _UnsupportedModeError, srgb_profile_bytes
from core.photo.opening import (
    _DECODE_ERRORS,
    _decode_failure,
    _exif_bytes,
    _fail,
    _header_geometry,
    _icc_bytes,
    _opened,
    _orientation,
    _transpose,
)
from core.photo.raw import develop_raw_image, is_raw_file, load_raw_preview, read_raw_geometry


def _reduced_size(stored: tuple[int, int], max_side: int) -> tuple[int, int]:
    """Size whose long side is ``max_side`` (never larger than ``stored``), aspect kept, the short
    side rounded half up (the same size whichever way round ``stored`` is given)."""
    width, height = stored
    long_side = max(width, height)
    if long_side <= max_side:
        return width, height
    if width >= height:
        return max_side, max(1, math.floor(height * max_side / long_side + 0.5))
    return max(1, math.floor(width * max_side / long_side + 0.5)), max_side


#: A JPEG decoded at DCT scale may come out up to this fraction below the requested long side.
#: A 6000 px camera JPEG decodes at 1/4 (1500 px, ~30 ms for a baseline JPEG) instead of 1/2
#: (3000 px, ~65 ms plus a bigger resize) for 1600 px. ``load_photo`` keeps such a decode as it is
#: (upscaling would cost ~20 ms, add no detail, and give the tiled face pass more pixels to cover);
#: previews are resized up the few percent to the exact size asked for.
DRAFT_SLACK = 0.9


def _request_draft(image: Image.Image, target: tuple[int, int]) -> None:
    """Ask for a reduced decode about the size of ``target``.

    JPEG (and MPO, a JPEG subclass) decodes at DCT scale 1/2, 1/4 or 1/8. HEIC decodes an embedded
    thumbnail instead when one is big enough (phones store one of ~320 px: filmstrip thumbnails
    then skip the full HEVC decode); libheif turns it upright like the main image.
    ``target`` keeps the photo's aspect, so the draft is sized by the long side; asking for a square
    would make the short side decide and pick a needlessly large scale.
    """
    if not isinstance(image, (JpegImagePlugin.JpegImageFile, HeifImageFile)):
        return
    if target[0] >= image.width and target[1] >= image.height:
        return
    request = (
        max(1, math.ceil(target[0] * DRAFT_SLACK)),
        max(1, math.ceil(target[1] * DRAFT_SLACK)),
    )
    # The mode only matters for YCbCr->RGB/L; keeping the file's mode leaves colour handling to us.
    image.draft(image.mode, request)


def _resize_cheap(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image
    if size[0] > image.width or size[1] > image.height:
        # Only after a slack draft: a few percent up.
        return image.resize(size, Image.Resampling.BILINEAR)
    # reduce() by the integer part first (a cheap box average), then a box filter for the rest:
    # measured ~27 ms for 3000x2000 -> 1600 versus ~45 ms for BILINEAR, fine for detection.
    return image.resize(size, Image.Resampling.BOX, reducing_gap=1.0)


#: Modes that resize well as they are: reduce first, then convert the fewer pixels.
_RESIZE_BEFORE_CONVERT = frozenset({"RGB", "RGBA", "L", "LA", "CMYK"})


@dataclass(frozen=True)
class _Decoded:
    image: Image.Image  # upright, "RGB" or "RGBA"
    icc_profile: bytes | None
    upright_size: tuple[int, int]  # of the original, whatever reduction was decoded
    orientation: int  # the file's orientation value, whoever applied it
    format: str
    mode: str
    exif: bytes | None


def _within_slack(decoded: tuple[int, int], target: tuple[int, int]) -> bool:
    """True when a reduced decode of size ``decoded`` is at most ``target`` and no more than
    ``DRAFT_SLACK`` below it (long sides compared)."""
    long_side, wanted = max(decoded), max(target)
    return math.ceil(wanted * DRAFT_SLACK) <= long_side <= wanted


def _decode(path: Path, max_side: int | None, *, keep_slack_draft: bool = False) -> _Decoded:
    """Decode upright 8-bit pixels, reduced so the long side is ``max_side`` (None: full size).

    With ``keep_slack_draft`` a reduced (JPEG/HEIC draft) decode that came out within
    ``DRAFT_SLACK`` below ``max_side`` is kept at its own size instead of being upscaled.
    """
    path = Path(path)
    if is_raw_file(path):
        return _decode_raw(path, max_side)
    with _opened(path) as image:
        file_format = image.format or "unknown"
        file_mode = image.mode
        icc = _icc_bytes(image)
        try:
            upright, orientation = _header_geometry(image)
            tag_before_load = _orientation(image)
            exif = _exif_bytes(image)
            stored_long_side = max(image.size)
            if max_side is not None:
                # Only JPEG and HEIC draft. JPEG never turns pixels itself and HEIC thumbnails are
                # turned like the image, so image.size is the size of the pixels load() gives.
                _request_draft(image, _reduced_size(image.size, max_side))
            image.load()
            # A decoder that turned the pixels itself (Pillow 11+ TIFF) drops the tag on load.
            pending = tag_before_load if _orientation(image) == tag_before_load else 1
            target = _reduced_size(upright, max_side) if max_side is not None else upright
            if pending in (5, 6, 7, 8):
                target = (target[1], target[0])  # the loaded pixels are still stored sideways
            reduced = max(image.size) < stored_long_side
            if keep_slack_draft and reduced and _within_slack(image.size, target):
                target = image.size
            pixels: Image.Image = image
            if pixels.mode in _RESIZE_BEFORE_CONVERT:
                pixels = _resize_cheap(pixels, target)
                pixels, icc = _to_8bit(pixels, icc)
            else:
                # Palette/1-bit resize falls back to nearest neighbour and high-bit modes need
                # scaling on the whole range: widen to 8-bit RGB(A) first.
                pixels, icc = _to_8bit(pixels, icc)
                pixels = _resize_cheap(pixels, target)
            pixels = _transpose(pixels, pending)
        except _UnsupportedModeError as exc:
            raise _fail(
                path, f"its colour mode {exc.mode!r} is not supported; save it as 8-bit RGB."
            ) from exc
        except _DECODE_ERRORS as exc:
            raise _decode_failure(path, exc) from exc
    return _Decoded(
        image=pixels,
        icc_profile=icc,
        upright_size=upright,
        orientation=orientation,
        format=file_format,
        mode=file_mode,
        exif=exif,
    )


def _decode_raw(path: Path, max_side: int | None) -> _Decoded:
    """A camera raw: the embedded preview or a half-size demosaic when reduced, the full LibRaw
    develop at full size (both upright sRGB, see :mod:`core.photo.raw`)."""
    if max_side is None:
        image = develop_raw_image(path)
        orientation = read_raw_geometry(path).orientation
        upright = image.size
    else:
        preview = load_raw_preview(path, max_side)
        image = preview.image
        orientation = preview.geometry.orientation
        upright = preview.geometry.upright_size
    return _Decoded(
        image=image,
        icc_profile=srgb_profile_bytes(),
        upright_size=upright,
        orientation=orientation,
        format="RAW",
        mode="RAW",
        exif=None,
    )
