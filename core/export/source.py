"""Decoding the source once for all of a photo's outputs, reduced when that loses nothing.

Plain 8-bit YCbCr JPEGs (nearly every camera file) are decoded here directly. A JPEG decodes
2x/4x/8x faster at reduced DCT scale (Pillow "draft" mode): when every output needs at most half
the source's resolution over its crop, decoding at a reduced scale that still gives at least twice
each output's pixels over its crop is visually identical after the Lanczos resize, so export uses
it. A camera raw whose outputs all need at most half its resolution is developed at half size
(LibRaw's half-size mode: no demosaic, about a tenth of the time). Everything else (PNG, TIFF,
HEIF, CMYK, grey or 16-bit files, raws for large prints) goes through ``core.photo.open_upright``
at full size.
"""

from __future__ import annotations

import ctypes
import math
import sys
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from core.errors import HeadroomError, PhotoLoadError
from core.photo import is_raw_file, open_upright, read_image_size, srgb_profile_bytes
from core.photo.raw import develop_raw_half

#: Decode at no less than this many source pixels per output pixel along the crop.
MIN_OVERSAMPLING = 2.0
#: Before a full-size decode of at least this many pixels, the heap the analysis freed goes back
#: to the system (``release_free_heap``). Below it the decode reuses that heap instead: returning
#: it cost ~40 ms a photo in page faults (a 24 MP decode took 89 ms against 48 ms, measured in a
#: batch), a tenth of a print set's time, to lower a peak set by the process's fixed ~250 MB.
RELEASE_HEAP_MIN_PIXELS = 40_000_000
#: A one-process batch analyses the next photo on a second thread while this one is decoded at full
#: size for export. Only JPEG and HEIC analyses decode reduced (draft); any other photo's analysis
#: decodes it at full size too, so the look-ahead starts for such a photo only below this many
#: pixels: the same bound as above, where a full-size decode is big enough that keeping one fewer
#: in memory matters (a 16-bit 100 MP TIFF: 0.6 GB rather than 1.2 GB at once).
LOOK_AHEAD_MAX_FULL_PIXELS = RELEASE_HEAP_MIN_PIXELS
#: Formats whose analysis decode is reduced (``core.photo.decode._request_draft``).
_DRAFT_FORMATS = frozenset({"JPEG", "MPO", "HEIF"})

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
    if is_raw_file(path) and target <= 0.5:
        # The raw's half-size develop still gives each output twice its pixels: ~10x faster.
        image, scale = develop_raw_half(Path(path))
        image.info = {"icc_profile": srgb_profile_bytes()}
        return image, scale
    if target > 0.5 and _full_pixels(Path(path)) >= RELEASE_HEAP_MIN_PIXELS:
        release_free_heap()
    plain = _open_plain_jpeg(Path(path), target)
    if plain is not None:
        return plain
    image = open_upright(Path(path))
    return image, 1.0


def look_ahead_fits(path: Path) -> bool:
    """Whether analysing ``path`` alongside another photo's full-size export decode keeps memory
    in bounds: its analysis decode is reduced (JPEG/HEIC draft), or its full size is below
    ``LOOK_AHEAD_MAX_FULL_PIXELS``. Camera raws count by their full size (not every raw has a
    preview)."""
    path = Path(path)
    if not is_raw_file(path):
        try:
            with Image.open(path) as image:
                if image.format in _DRAFT_FORMATS:
                    return True
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            return True  # unreadable: its analysis fails at once, before any large decode
    return _full_pixels(path) < LOOK_AHEAD_MAX_FULL_PIXELS


def _full_pixels(path: Path) -> int:
    """Pixels of the file's full-size decode, from its header (0 when it cannot be read: the
    decode that follows gives the error)."""
    try:
        width, height = read_image_size(path)
    except (HeadroomError, OSError, ValueError):
        return 0
    return width * height


def release_free_heap() -> None:
    """Give the memory freed since the last call back to the operating system (glibc only).

    The face analysis before an export frees tens of megabytes that glibc keeps in its heaps (33
    MB after a 69 MP photo). A full-size decode and a print-sized output come next: without this,
    they stack on top, and the export's peak memory exceeds a bare Pillow script's.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # musl and others: no malloc_trim, nothing to do
        return
    trim(0)


def _open_plain_jpeg(path: Path, target: float) -> tuple[Image.Image, float] | None:
    """The common case (8-bit YCbCr JPEG) decoded directly: reduced when ``target`` <= 0.5, and
    without the extra full-size copy the general loader makes."""
    try:
        with Image.open(path) as image:
            if image.format != "JPEG" or image.mode != "RGB":
                return None
            stored_w, stored_h = image.size
            orientation = int(image.getexif().get(0x0112, 1) or 1)
            icc = image.info.get("icc_profile")
            if target <= 0.5:
                request = (math.ceil(stored_w * target), math.ceil(stored_h * target))
                image.draft("RGB", request)
            image.load()
            pixels: Image.Image = image if image.mode == "RGB" else image.convert("RGB")
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
