"""Opening a photo file safely and reading its header: path checks, the pixel limit, decode
failures turned into one-line :class:`PhotoLoadError`, and EXIF / ICC / orientation metadata.

Importing this module registers the HEIF opener with Pillow and silences Pillow's
``DecompressionBombWarning`` (Headroom enforces its own pixel limit, see :func:`_pixel_limit`).
"""

from __future__ import annotations

import io
import re
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pillow_heif
from PIL import Image, PngImagePlugin, TiffImagePlugin, UnidentifiedImageError

from core.errors import PhotoLoadError

# HEIC/HEIF files open through Pillow like every other format once the plugin is registered.
pillow_heif.register_heif_opener()

# Headroom checks the pixel count itself (_pixel_limit); the warning would only repeat it.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
# Pillow warns about damaged EXIF blocks ("Corrupt EXIF data", "Tag data larger than file") with
# its own file path; Headroom reads what is readable and a photographer has nothing to do about it.
warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.(TiffImagePlugin|Image)")

_ORIENTATION_TAG = 0x0112

#: Pillow/decoder failures that mean "this file's data is bad". Decoders on untrusted bytes raise a
#: zoo of types; none of them is a bug in Headroom when it comes out of ``open``/``load``.
_DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    RuntimeError,
    ZeroDivisionError,
    MemoryError,
)


def _fail(path: Path, problem: str) -> PhotoLoadError:
    return PhotoLoadError(f"Cannot load photo {path}: {problem}")


def _too_large(path: Path, pixels: int, limit: int) -> PhotoLoadError:
    return _fail(
        path,
        f"it has {pixels:,} pixels, over the safety limit of {limit:,} pixels "
        "(Pillow MAX_IMAGE_PIXELS); reduce it in an image editor first.",
    )


def _check_path(path: Path) -> None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise _fail(path, "the file does not exist.") from None
    except OSError as exc:
        raise _fail(path, f"the file cannot be read ({exc.strerror or exc}).") from exc
    if path.is_dir():
        raise _fail(path, "it is a folder, not a photo file.")
    if stat.st_size == 0:
        raise _fail(path, "the file is empty (0 bytes).")


def _pixel_limit() -> int | None:
    # Read at call time so a caller (or a test) that changes Pillow's limit is obeyed. Pillow itself
    # refuses above twice its MAX_IMAGE_PIXELS and only warns below; medium-format cameras (100-150
    # MP) live in that warning range, so the hard threshold is the one that protects memory.
    limit = Image.MAX_IMAGE_PIXELS
    return None if limit is None else 2 * limit


def _pixels_from_pillow_message(message: str) -> int | None:
    match = re.search(r"\((\d+) pixels\)", message)
    return int(match.group(1)) if match else None


@contextmanager
def _opened(path: Path) -> Iterator[Image.Image]:
    """Open ``path`` read-only with every failure turned into a one-line PhotoLoadError.

    The file is closed on exit but the image is not: pixels loaded inside stay usable afterwards
    without a copy (a 24 MP copy costs about as much as decoding it).
    """
    _check_path(path)
    try:
        # Read-only: the original is never written. Closed by the ``with stream`` below.
        stream = open(path, "rb")  # noqa: SIM115
    except PermissionError as exc:
        raise _fail(path, "permission denied.") from exc
    except OSError as exc:
        raise _fail(path, f"the file cannot be read ({exc.strerror or exc}).") from exc
    with stream:
        try:
            image = Image.open(stream)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            # The Warning arrives as an exception only when warning filters say "error".
            pixels = _pixels_from_pillow_message(str(exc))
            limit = _pixel_limit()
            if pixels is None or limit is None:
                raise _fail(path, f"it is too large to open safely ({exc}).") from exc
            raise _too_large(path, pixels, limit) from exc
        except UnidentifiedImageError as exc:
            raise _fail(
                path,
                "it is not an image Headroom can read (JPEG, PNG, TIFF, WebP, BMP or HEIC, in "
                "a variant Pillow supports); it may be damaged, misnamed or e.g. a 32-bit float "
                "TIFF.",
            ) from exc
        except _DECODE_ERRORS as exc:
            raise _fail(path, f"the file is damaged ({_describe(exc)}).") from exc
        # Opened from a stream Pillow leaves ``filename`` empty; the PNG EXIF scan reads it.
        image.filename = str(path)
        pixel_limit = _pixel_limit()
        pixel_count = image.width * image.height
        if pixel_limit is not None and pixel_count > pixel_limit:
            raise _too_large(path, pixel_count, pixel_limit)
        if image.width <= 0 or image.height <= 0:
            raise _fail(path, f"it has an empty size {image.width}x{image.height}.")
        yield image


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _decode_failure(path: Path, exc: BaseException) -> PhotoLoadError:
    if isinstance(exc, MemoryError):
        return _fail(path, "there is not enough memory to decode it; close other programs.")
    detail = _describe(exc)
    if "truncat" in detail.lower():
        return _fail(
            path, f"the file is truncated (cut short, {detail}); copy it again from the source."
        )
    return _fail(path, f"the image data is damaged ({detail}).")


def _png_exif_chunk(image: Image.Image) -> bytes | None:
    """The eXIf chunk of a PNG, found by hopping over chunk headers (nothing is decompressed).

    Pillow only sees EXIF that comes before the pixel data without decoding the whole image;
    this finds it anywhere, so header-only size reads stay header-only.
    """
    filename = getattr(image, "filename", None)
    if not filename:
        return None
    try:
        with open(filename, "rb") as stream:
            if stream.read(8) != b"\x89PNG\r\n\x1a\n":
                return None
            for _ in range(100_000):  # a bound, not a real limit: PNGs have few chunks
                header = stream.read(8)
                if len(header) < 8:
                    return None
                length, kind = struct.unpack(">I4s", header)
                if kind == b"eXIf":
                    data = stream.read(length)
                    return data if len(data) == length else None
                if kind == b"IEND":
                    return None
                stream.seek(length + 4, io.SEEK_CUR)  # data and CRC
    except (OSError, struct.error):
        return None
    return None


def _raw_exif(image: Image.Image) -> bytes | None:
    """The file's EXIF block as the container holds it (None for TIFF, whose tags are the IFD)."""
    raw = image.info.get("exif")
    if isinstance(raw, bytes) and raw:
        return raw
    if isinstance(image, PngImagePlugin.PngImageFile):
        return _png_exif_chunk(image)
    return None


def _exif_of(image: Image.Image) -> Image.Exif | None:
    """Parsed EXIF without decoding pixels; None when absent or malformed (bad metadata must not
    make an otherwise good photo unreadable)."""
    raw = _raw_exif(image)
    try:
        if raw is not None:
            exif = Image.Exif()
            exif.load(raw)
            return exif
        if isinstance(image, PngImagePlugin.PngImageFile):
            return None  # Pillow's PNG getexif() would decode the whole image to look again
        return image.getexif()
    except _DECODE_ERRORS:
        return None


def _orientation(image: Image.Image) -> int:
    """EXIF orientation 1..8 of the stored pixels; 1 when absent or invalid."""
    exif = _exif_of(image)
    value = exif.get(_ORIENTATION_TAG, 1) if exif is not None else 1
    if isinstance(value, (tuple, list)):
        value = value[0] if value else 1
    try:
        orientation = int(value)
    except (TypeError, ValueError):
        return 1
    return orientation if 1 <= orientation <= 8 else 1


def _orientation_applied_by_decoder(image: Image.Image) -> int:
    """Orientation the decoder already applied itself (libheif turns HEIC pixels upright and
    pillow-heif resets the EXIF tag to 1, keeping the old value as ``original_orientation``)."""
    value = image.info.get("original_orientation")
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _upright_size(stored: tuple[int, int], orientation: int) -> tuple[int, int]:
    width, height = stored
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


_EXIF_HEADER = b"Exif\x00\x00"


def _exif_bytes(image: Image.Image) -> bytes | None:
    """The file's EXIF block in the form every Pillow writer accepts (``Exif\\0\\0`` + TIFF data).

    Pillow hands it out with the header for JPEG, PNG and HEIC but without it for WebP; TIFF keeps
    its tags in the image file directory rather than a separate block.
    """
    raw = _raw_exif(image)
    if raw is not None:
        return raw if raw.startswith(_EXIF_HEADER) else _EXIF_HEADER + raw
    exif = _exif_of(image)
    return bytes(exif.tobytes()) if exif is not None and len(exif) else None


def _icc_bytes(image: Image.Image) -> bytes | None:
    raw = image.info.get("icc_profile")
    return raw if isinstance(raw, bytes) and raw else None


def _header_geometry(image: Image.Image) -> tuple[tuple[int, int], int]:
    """Upright original size and the file's orientation value, from the header alone.

    Decoders differ: JPEG/PNG/WebP report the stored size and leave the turn to us; Pillow 11+
    TIFF already reports the upright size (it turns the pixels on load); libheif turns HEIC pixels
    itself and pillow-heif resets the tag, keeping the old value as ``original_orientation``. For
    TIFF the stored size is read from the directory tags, so every Pillow version agrees.
    """
    orientation = _orientation(image)
    if orientation == 1:
        return image.size, _orientation_applied_by_decoder(image)
    stored = image.size
    if isinstance(image, TiffImagePlugin.TiffImageFile):
        width = image.tag_v2.get(TiffImagePlugin.IMAGEWIDTH)
        height = image.tag_v2.get(TiffImagePlugin.IMAGELENGTH)
        if isinstance(width, int) and isinstance(height, int):
            stored = (width, height)
    return _upright_size(stored, orientation), orientation


#: EXIF orientation -> the Pillow transpose that makes the stored pixels upright
#: (the same table as ``ImageOps.exif_transpose``).
_UPRIGHT_TRANSPOSE: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _transpose(image: Image.Image, orientation: int) -> Image.Image:
    method = _UPRIGHT_TRANSPOSE.get(orientation)
    return image.transpose(method) if method is not None else image
