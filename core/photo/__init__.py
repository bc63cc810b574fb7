"""Loading photos: upright (EXIF-oriented) pixels for analysis, display and export.

Contract (shared by detection, framing, export and the GUI):
- ``width``/``height`` are the *upright original* size: the stored size with EXIF orientation
  applied.
- ``analysis_rgb`` is a reduced RGB uint8 copy, never upscaled, decoded fast (JPEG draft mode /
  reduced decoding) so analysis never needs the full-resolution decode. Its long side is
  ``ANALYSIS_MAX_SIDE`` (or the original's, when smaller), except that a JPEG/HEIC reduced decode
  landing up to ``DRAFT_SLACK`` below it is kept as decoded: a 6000 x 4000 JPEG gives
  1500 x 1000. ``analysis_scale`` = original pixels per analysis pixel (from the widths).
- ``icc_profile`` describes the upright RGB pixels this package hands out (``analysis_rgb``,
  :func:`load_preview`, :func:`open_upright`): the file's own profile for RGB files, sRGB after a
  CMYK or grey-profile conversion, ``None`` when the file has no usable profile.
- ``exif`` is the file's EXIF block, untouched except that it always starts with ``Exif\\0\\0``
  (the form Pillow's JPEG, PNG, WebP and TIFF writers all accept). Its Orientation tag still says
  how the *stored* pixels were turned: whoever writes upright pixels with it must drop that tag.
- The original file is only ever opened for reading.

Documented behaviours:
- Pixel limit: Pillow's hard limit, twice ``Image.MAX_IMAGE_PIXELS`` (about 179 MP by default), is
  Headroom's limit: 100 and 150 MP medium-format files open. Anything larger is refused with
  :class:`PhotoLoadError` stating the pixel count and the limit. Because Headroom enforces its own
  limit, Pillow's ``DecompressionBombWarning`` for the range below it is silenced once, at import.
- Truncated files are refused (``ImageFile.LOAD_TRUNCATED_IMAGES`` stays off).
- Alpha is composited on :data:`ANALYSIS_BACKGROUND` for analysis and previews; :func:`open_upright`
  keeps it (mode ``"RGBA"``).
- High bit depth is scaled to 8 bits (16-bit: value / 257), never clipped at 255. 32-bit integer
  images whose values fit 0..65535 are read as 16-bit; other ranges, and float images, are stretched
  from their own minimum..maximum (floats already in 0..1 are read as 0..1).
- Multi-frame files (animated WebP, multi-page TIFF) use their first frame.

Everything here is a pure function of its arguments: safe to call from several worker threads.

Modules (each name below is re-exported here; import from ``core.photo``):
- :mod:`core.photo.folders`: folder scans (:func:`is_photo_file`, :func:`list_photos`).
- :mod:`core.photo.opening`: opening files safely, the pixel limit, EXIF/ICC/orientation reading;
  importing it registers the HEIF opener and silences Pillow's ``DecompressionBombWarning``.
- :mod:`core.photo.normalise`: any mode to 8-bit RGB(A), colour profiles, alpha compositing.
- :mod:`core.photo.decode`: reduced (draft) decoding, resizing and turning pixels upright.
- :mod:`core.photo.api`: :class:`LoadedPhoto` and the loaders.
- :mod:`core.photo.raw`: camera raw files through LibRaw (embedded preview or half-size demosaic
  for analysis and previews, the full develop for export; ``format`` and ``mode`` are "RAW").
"""

from __future__ import annotations

# api imports core.photo.opening, whose import registers the HEIF opener and sets the warning
# filter: both are in place as soon as core.photo is imported, before any file is opened.
from core.photo.api import (
    ANALYSIS_MAX_SIDE,
    LoadedPhoto,
    load_photo,
    load_photo_and_preview,
    load_preview,
    open_upright,
    read_image_geometry,
    read_image_size,
)
from core.photo.decode import DRAFT_SLACK
from core.photo.folders import SUPPORTED_SUFFIXES, is_photo_file, list_photos
from core.photo.normalise import ANALYSIS_BACKGROUND, srgb_profile_bytes
from core.photo.raw import RAW_SUFFIXES, develop_raw, is_raw_file, read_raw_geometry

__all__ = [
    "ANALYSIS_BACKGROUND",
    "ANALYSIS_MAX_SIDE",
    "DRAFT_SLACK",
    "RAW_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "LoadedPhoto",
    "develop_raw",
    "is_photo_file",
    "is_raw_file",
    "list_photos",
    "load_photo",
    "load_photo_and_preview",
    "load_preview",
    "open_upright",
    "read_image_geometry",
    "read_image_size",
    "read_raw_geometry",
    "srgb_profile_bytes",
]
