"""Camera raw files through LibRaw (rawpy): a fast upright preview for the canvas and the face
analysis, and a full develop for export.

- Preview: the JPEG the camera embedded in the raw when it is large enough and has the photo's
  shape (turned by the raw's orientation unless it carries its own); otherwise a half-size
  demosaic. Either costs about what opening a camera JPEG does.
- Develop: LibRaw's full demosaic with the camera's white balance, into sRGB (or Adobe RGB),
  8 or 16 bits per channel, turned upright by LibRaw with the raw's own flip.
- Size: the upright size is the size of the full develop (LibRaw's visible area, turned), read
  from the header without demosaicing. Every coordinate Headroom keeps for a raw is in those
  pixels, as for any other photo.

The raw file is only ever opened for reading (LibRaw reads it into memory).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import rawpy
from PIL import Image, UnidentifiedImageError

from core.errors import PhotoLoadError
from core.photo.opening import _transpose

#: Raw suffixes (lower case, with the dot): the formats LibRaw reads that cameras write today.
RAW_SUFFIXES: frozenset[str] = frozenset(
    {
        ".dng", ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".raf",
        ".orf", ".rw2", ".rwl", ".pef", ".srw", ".x3f", ".3fr", ".fff", ".iiq", ".erf",
        ".kdc", ".dcr", ".mos", ".mef", ".mrw", ".raw",
    }
)  # fmt: skip

#: LibRaw's ``flip`` value -> the EXIF orientation that means the same turn (LibRaw reads a
#: TIFF/DNG orientation o as flip "50132467"[o & 7]; this is its inverse).
_FLIP_TO_ORIENTATION = {0: 1, 1: 2, 2: 4, 3: 3, 4: 5, 5: 8, 6: 6, 7: 7}

#: An embedded preview counts as the same picture when its aspect is within this of the develop's
#: (cameras frame their JPEG a few pixels differently from LibRaw's visible area).
PREVIEW_ASPECT_TOLERANCE = 0.03

RawColourSpace = Literal["srgb", "adobe-rgb"]

_COLOUR_SPACES: dict[str, Any] = {
    "srgb": rawpy.ColorSpace.sRGB,
    "adobe-rgb": rawpy.ColorSpace.Adobe,
}

_EXIF_ORIENTATION_TAG = 0x0112


def is_raw_file(path: Path) -> bool:
    """True when ``path`` has a camera raw suffix (by name only)."""
    return Path(path).suffix.lower() in RAW_SUFFIXES


def _fail(path: Path, problem: str) -> PhotoLoadError:
    return PhotoLoadError(f"Cannot load photo {path}: {problem}")


@contextmanager
def _opened_raw(path: Path) -> Iterator[Any]:
    """``rawpy.imread`` with every LibRaw failure turned into one PhotoLoadError line."""
    path = Path(path)
    if not path.exists():
        raise _fail(path, "the file does not exist.")
    if path.is_dir():
        raise _fail(path, "it is a folder, not a photo file.")
    try:
        if path.stat().st_size == 0:
            raise _fail(path, "the file is empty (0 bytes).")
        raw = rawpy.imread(str(path))
    except PhotoLoadError:
        raise
    except PermissionError as exc:
        raise _fail(path, "permission denied.") from exc
    except rawpy.LibRawFileUnsupportedError as exc:
        raise _fail(
            path,
            "LibRaw does not recognise it as a camera raw file; it may be damaged, misnamed or "
            "from a camera newer than this LibRaw "
            f"({'.'.join(str(v) for v in rawpy.libraw_version)}).",
        ) from exc
    except (rawpy.LibRawError, OSError, ValueError, MemoryError) as exc:
        raise _fail(path, f"the raw file is damaged or unreadable ({_describe(exc)}).") from exc
    try:
        yield raw
    except PhotoLoadError:
        raise
    except (rawpy.LibRawError, OSError, ValueError, MemoryError) as exc:
        raise _fail(path, f"the raw data is damaged ({_describe(exc)}).") from exc
    finally:
        raw.close()


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    # rawpy passes LibRaw's C message on as bytes: show b'Input/output error' as its text.
    bytes_repr = re.fullmatch(r"b(['\"])(.*)\1", text)
    if bytes_repr:
        text = bytes_repr.group(2)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass(frozen=True)
class RawGeometry:
    """Sizes of a raw's full develop: ``stored_size`` before LibRaw turns it, ``orientation``
    the EXIF value of that turn, ``upright_size`` after it."""

    stored_size: tuple[int, int]
    orientation: int

    @property
    def upright_size(self) -> tuple[int, int]:
        w, h = self.stored_size
        return (h, w) if self.orientation in (5, 6, 7, 8) else (w, h)


def _geometry(raw: Any) -> RawGeometry:
    sizes = raw.sizes
    width, height = int(sizes.width), int(sizes.height)
    # LibRaw stretches non-square pixels on output (a few old Nikon and Fuji bodies).
    aspect = float(sizes.pixel_aspect or 1.0)
    if aspect > 1.0:
        width = round(width * aspect)
    elif 0.0 < aspect < 1.0:
        height = round(height / aspect)
    if width <= 0 or height <= 0:
        raise ValueError(f"empty raw image {width}x{height}")
    return RawGeometry((width, height), _FLIP_TO_ORIENTATION.get(int(sizes.flip), 1))


def read_raw_geometry(path: Path) -> RawGeometry:
    """The develop's geometry from the raw header (nothing is demosaiced)."""
    with _opened_raw(path) as raw:
        return _geometry(raw)


@dataclass(frozen=True)
class RawPreview:
    image: Image.Image  # upright 8-bit RGB, long side at most the size asked for
    geometry: RawGeometry
    source: str  # "embedded" or "half-size demosaic": which path made it (logs, tests)


def _reduced(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    width, height = size
    long_side = max(width, height)
    if long_side <= max_side:
        return width, height
    scale = max_side / long_side
    return max(1, math.floor(width * scale + 0.5)), max(1, math.floor(height * scale + 0.5))


def fit_embedded_preview(jpeg: bytes, geometry: RawGeometry, max_side: int) -> Image.Image | None:
    """The embedded preview as upright RGB at the develop's shape, or None when it cannot stand
    in for the develop (too small for ``max_side``, another shape, unreadable)."""
    upright = geometry.upright_size
    wanted = _reduced(upright, max_side)
    try:
        with Image.open(io.BytesIO(jpeg)) as preview:
            own_orientation = int(preview.getexif().get(_EXIF_ORIENTATION_TAG, 1) or 1)
            stored_long = max(preview.size)
            scale = max(wanted) / stored_long
            if preview.format == "JPEG" and scale < 0.5:
                # Decode no larger than needed (DCT scaling), sized in the preview's own frame.
                width, height = preview.size
                preview.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
            preview.load()
            pixels = preview.convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        return None
    # A camera stores its preview as the sensor saw it and lets the raw's flip turn it; a few
    # (and converters) write an upright preview with its own EXIF orientation instead.
    orientation = own_orientation if own_orientation != 1 else geometry.orientation
    pixels = _transpose(pixels, orientation)
    if abs(pixels.width / pixels.height - upright[0] / upright[1]) > PREVIEW_ASPECT_TOLERANCE * (
        upright[0] / upright[1]
    ):
        return None
    if stored_long < 0.9 * max(wanted):
        return None  # a thumbnail only: analysis needs more pixels than it has
    return pixels.resize(wanted, Image.Resampling.BOX, reducing_gap=1.0)


def load_raw_preview(path: Path, max_side: int) -> RawPreview:
    """Upright 8-bit sRGB preview whose long side is ``max_side`` (or the develop's, if smaller)."""
    path = Path(path)
    with _opened_raw(path) as raw:
        geometry = _geometry(raw)
        fitted: Image.Image | None = None
        try:
            thumb = raw.extract_thumb()
        except (rawpy.LibRawError, OSError, ValueError):
            thumb = None  # no preview (many DNG converters, some bodies): demosaic instead
        if thumb is not None and thumb.format == rawpy.ThumbFormat.JPEG:
            fitted = fit_embedded_preview(bytes(thumb.data), geometry, max_side)
        if fitted is not None:
            return RawPreview(fitted, geometry, "embedded")
        rgb = raw.postprocess(**_develop_options(half_size=True, bits=8, colour="srgb"))
    half = Image.fromarray(np.ascontiguousarray(rgb), "RGB")
    wanted = _reduced(geometry.upright_size, max_side)
    if half.size != wanted:
        half = half.resize(wanted, Image.Resampling.BOX if max(wanted) < max(half.size) else
                           Image.Resampling.BILINEAR)  # fmt: skip
    return RawPreview(half, geometry, "half-size demosaic")


def _develop_options(*, half_size: bool, bits: int, colour: str) -> dict[str, Any]:
    return {
        "use_camera_wb": True,
        "output_color": _COLOUR_SPACES[colour],
        "output_bps": bits,
        "half_size": half_size,
        "user_flip": None,  # LibRaw turns the pixels by the raw's own flip
    }


def develop_raw(
    path: Path, *, bits: Literal[8, 16] = 8, colour: RawColourSpace = "srgb"
) -> npt.NDArray[np.uint8] | npt.NDArray[np.uint16]:
    """Full LibRaw develop: H x W x 3, upright, camera white balance, ``colour`` primaries with
    its standard tone curve, ``bits`` per channel. Its size is :func:`read_raw_geometry`'s
    upright size."""
    path = Path(path)
    if bits not in (8, 16):
        raise ValueError(f"bits must be 8 or 16, got {bits}")
    with _opened_raw(path) as raw:
        geometry = _geometry(raw)
        pixels = raw.postprocess(**_develop_options(half_size=False, bits=bits, colour=colour))
    height, width = pixels.shape[:2]
    if (width, height) != geometry.upright_size:
        raise _fail(
            path,
            f"LibRaw developed {width}x{height} px where its header promised "
            f"{geometry.upright_size[0]}x{geometry.upright_size[1]}.",
        )
    result: npt.NDArray[np.uint8] | npt.NDArray[np.uint16] = np.ascontiguousarray(pixels)
    return result


def develop_raw_image(path: Path) -> Image.Image:
    """:func:`develop_raw` at 8 bits as a Pillow RGB image (export's common path)."""
    return Image.fromarray(develop_raw(path, bits=8), "RGB")


def develop_raw_half(path: Path) -> tuple[Image.Image, float]:
    """LibRaw's half-size develop (each 2 x 2 Bayer cell one pixel: no demosaic, about a tenth of
    the full develop's time) as 8-bit sRGB, and its scale (developed px per upright px). For
    exports whose outputs need at most half the raw's resolution."""
    path = Path(path)
    with _opened_raw(path) as raw:
        geometry = _geometry(raw)
        pixels = raw.postprocess(**_develop_options(half_size=True, bits=8, colour="srgb"))
    image = Image.fromarray(np.ascontiguousarray(pixels), "RGB")
    return image, image.width / geometry.upright_size[0]
