"""Loading photos: upright (EXIF-oriented) pixels for analysis, display and export.

Contract (shared by detection, framing, export and the GUI):
- ``width``/``height`` are the *upright original* size: the stored size with EXIF orientation
  applied.
- ``analysis_rgb`` is a reduced RGB uint8 copy, never upscaled, decoded fast (JPEG draft mode /
  reduced decoding) so analysis never needs the full-resolution decode. Its long side is
  ``ANALYSIS_MAX_SIDE`` (or the original's, when smaller), except that a JPEG/HEIC reduced decode
  landing up to ``DRAFT_SLACK`` below it is kept as decoded: a 6000 x 4000 JPEG gives
  1500 x 1000. ``analysis_scale`` = original pixels per analysis pixel (from the widths).
- ``icc_profile`` describes the upright RGB pixels this module hands out (``analysis_rgb``,
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
"""

from __future__ import annotations

import io
import math
import re
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pillow_heif
from PIL import (
    Image,
    ImageCms,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    UnidentifiedImageError,
)
from pillow_heif.as_plugin import HeifImageFile

from core.errors import PhotoLoadError

pillow_heif.register_heif_opener()

#: Long side of the analysis image. Large enough for the tiled full-range face pass to find faces
#: of ~30 px in a 1280 px group photo; small enough to decode a 24 MP JPEG at 1/4 scale.
ANALYSIS_MAX_SIDE = 1600

#: File suffixes (lower case, with the dot) that folder scans treat as photos.
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp", ".heic", ".heif"}
)

#: Neutral grey that transparent pixels are laid on for analysis and previews: a face detector sees
#: a plain mid-tone backdrop instead of the arbitrary colour stored under alpha = 0.
ANALYSIS_BACKGROUND: tuple[int, int, int] = (128, 128, 128)

_ORIENTATION_TAG = 0x0112

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


@dataclass(frozen=True, eq=False)
class LoadedPhoto:
    """A photo ready for analysis (see the module docstring for the contract of each field)."""

    path: Path
    width: int  # upright original pixels
    height: int
    format: str  # Pillow's format name: "JPEG", "PNG", "HEIF"...
    mode: str  # the file's own mode before normalisation: "RGB", "CMYK", "I;16", "P", "RGBA"...
    # EXIF orientation tag value that was applied (1 when none). For HEIC the decoder applies it
    # itself; this still reports the file's original value.
    orientation: int
    icc_profile: bytes | None  # describes analysis_rgb / previews / open_upright pixels
    # EXIF block of the original, b"Exif\0\0"-prefixed (for export's metadata policy)
    exif: bytes | None
    analysis_rgb: npt.NDArray[np.uint8]  # H x W x 3, upright
    analysis_scale: float  # original px per analysis px


# --------------------------------------------------------------------------------------------
# Folder scans


def is_photo_file(path: Path) -> bool:
    """True when ``path`` has a photo suffix Headroom reads (by name only; nothing is opened)."""
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES


def _natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    # IMG_2 before IMG_10, case-insensitive: the order a file browser shows.
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", name)
        if part
    )


def list_photos(folder: Path) -> list[Path]:
    """Photo files directly inside ``folder`` (not recursive), hidden files skipped.

    Sorted in natural order of the file name (``IMG_2`` before ``IMG_10``, case-insensitive).
    """
    folder = Path(folder)
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise PhotoLoadError(f"Cannot list photos in {folder}: it {what}.")
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise PhotoLoadError(f"Cannot list photos in {folder}: {exc.strerror or exc}.") from exc
    photos = [
        entry
        for entry in entries
        if not entry.name.startswith(".") and is_photo_file(entry) and entry.is_file()
    ]
    return sorted(photos, key=lambda p: (_natural_key(p.name), p.name))


# Headroom checks the pixel count itself (_pixel_limit); the warning would only repeat it.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

# --------------------------------------------------------------------------------------------
# Opening and checking


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


# --------------------------------------------------------------------------------------------
# Colour and mode normalisation


@lru_cache(maxsize=1)
def srgb_profile_bytes() -> bytes:
    """An sRGB ICC profile (LittleCMS built-in), for pixels this module converted to sRGB."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes())


def _icc_colour_space(icc: bytes) -> str | None:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    space = getattr(profile.profile, "xcolor_space", None)
    return str(space).strip() if space else None


def _icc_to_srgb(image: Image.Image, icc: bytes, output_mode: str) -> Image.Image | None:
    """Convert through the embedded profile to sRGB; None when the profile cannot be used."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        converted = ImageCms.profileToProfile(
            image,
            source,
            target,
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
            outputMode=output_mode,
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    return converted


def _scale_to_uint8(values: npt.NDArray[np.generic], *, is_float: bool) -> npt.NDArray[np.uint8]:
    data = values.astype(np.float64, copy=False)
    finite = data[np.isfinite(data)]
    if finite.size == 0:
        return np.zeros(values.shape, dtype=np.uint8)
    low, high = float(finite.min()), float(finite.max())
    if is_float and low >= 0.0 and high <= 1.0:
        low, high = 0.0, 1.0
    elif not is_float and low >= 0 and high <= 65535:
        low, high = 0.0, 65535.0
    span = high - low if high > low else 1.0
    scaled = (np.nan_to_num(data, nan=low) - low) * (255.0 / span)
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def _high_bit_grey_to_l(image: Image.Image) -> Image.Image:
    # 16-bit grey keeps its full range by dividing (0..65535 -> 0..255), never by clipping at 255.
    try:
        array = np.asarray(image)
    except (TypeError, ValueError):
        array = np.asarray(image.convert("I"))
    return Image.fromarray(_scale_to_uint8(array, is_float=image.mode == "F"), mode="L")


def _to_8bit(image: Image.Image, icc: bytes | None) -> tuple[Image.Image, bytes | None]:
    """Normalise any Pillow mode to 8-bit "RGB" or "RGBA" (alpha kept).

    Returns the image and the ICC profile that describes its pixels afterwards.
    """
    mode = image.mode
    if mode in ("RGB", "RGBA"):
        return image, _matching_icc(icc, "RGB")
    if mode == "CMYK":
        if icc is not None and _icc_colour_space(icc) == "CMYK":
            converted = _icc_to_srgb(image, icc, "RGB")
            if converted is not None:
                return converted, srgb_profile_bytes()
        return image.convert("RGB"), None
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        image = _high_bit_grey_to_l(image)
        mode = "L"
    if mode == "1":
        image = image.convert("L")
        mode = "L"
    if mode == "La":
        return image.convert("RGBA"), None
    if mode in ("L", "LA"):
        alpha = image.getchannel("A") if mode == "LA" else None
        grey = image.getchannel("L") if mode == "LA" else image
        rgb_icc = None
        rgb: Image.Image | None = None
        if icc is not None and _icc_colour_space(icc) == "GRAY":
            rgb = _icc_to_srgb(grey, icc, "RGB")
            if rgb is not None:
                rgb_icc = srgb_profile_bytes()
        if rgb is None:
            rgb = grey.convert("RGB")
        if alpha is not None:
            rgb.putalpha(alpha)
        return rgb, rgb_icc
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in image.info
        if not has_alpha and image.palette is not None and image.palette.mode == "RGBA":
            has_alpha = True
        converted = image.convert("RGBA" if has_alpha else "RGB")
        return converted, _matching_icc(icc, "RGB")
    if mode in ("RGBa", "RGBX", "YCbCr", "HSV"):
        return image.convert("RGBA" if mode == "RGBa" else "RGB"), _matching_icc(icc, "RGB")
    if mode == "LAB":
        lab = ImageCms.createProfile("LAB")
        srgb = ImageCms.createProfile("sRGB")
        try:
            converted = ImageCms.profileToProfile(image, lab, srgb, outputMode="RGB")
        except ImageCms.PyCMSError:
            converted = None
        if converted is not None:
            return converted, srgb_profile_bytes()
    raise _UnsupportedModeError(mode)


def _matching_icc(icc: bytes | None, space: str) -> bytes | None:
    """The profile, when it describes pixels of colour space ``space`` ("RGB" or "GRAY")."""
    if icc is None:
        return None
    found = _icc_colour_space(icc)
    # An unreadable profile is passed on as is: export decides what to do with it.
    return icc if found is None or found == space else None


class _UnsupportedModeError(Exception):
    def __init__(self, mode: str) -> None:
        super().__init__(mode)
        self.mode = mode


def _composite_on_background(image: Image.Image) -> Image.Image:
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, ANALYSIS_BACKGROUND)
    background.paste(image, mask=image.getchannel("A"))
    return background


# --------------------------------------------------------------------------------------------
# Reduced decoding


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


def _transpose(image: Image.Image, orientation: int) -> Image.Image:
    method = _UPRIGHT_TRANSPOSE.get(orientation)
    return image.transpose(method) if method is not None else image


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


def _positive_side(value: int, name: str) -> int:
    if int(value) < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


# --------------------------------------------------------------------------------------------
# Public API


def load_photo(path: Path, analysis_max_side: int = ANALYSIS_MAX_SIDE) -> LoadedPhoto:
    """Load a photo for analysis: upright original size, metadata and a reduced RGB uint8 copy.

    Raises PhotoLoadError (one line naming the file) for anything that is not a readable photo.
    """
    path = Path(path)
    decoded = _decode(
        path, _positive_side(analysis_max_side, "analysis_max_side"), keep_slack_draft=True
    )
    width, height = decoded.upright_size
    analysis = np.asarray(_composite_on_background(decoded.image), dtype=np.uint8)
    if not analysis.flags.writeable:
        analysis = analysis.copy()
    analysis.flags.writeable = False  # shared between threads: nobody may change it in place
    return LoadedPhoto(
        path=path,
        width=width,
        height=height,
        format=decoded.format,
        mode=decoded.mode,
        orientation=decoded.orientation,
        icc_profile=decoded.icc_profile,
        exif=decoded.exif,
        analysis_rgb=analysis,
        analysis_scale=width / analysis.shape[1],
    )


def load_preview(path: Path, max_side: int) -> Image.Image:
    """Upright 8-bit RGB preview, long side ``max_side`` at most, decoded the fast way.

    For the GUI canvas and thumbnails. ``info["icc_profile"]`` is set as in :func:`open_upright`.
    """
    path = Path(path)
    decoded = _decode(path, _positive_side(max_side, "max_side"))
    preview = _composite_on_background(decoded.image)
    preview.info = {"icc_profile": decoded.icc_profile} if decoded.icc_profile else {}
    return preview


def open_upright(path: Path) -> Image.Image:
    """Full-resolution upright pixels for export: mode "RGB" or "RGBA", 8 bits per channel.

    ``image.info["icc_profile"]`` is the profile that describes these pixels (absent when none);
    no other metadata is carried (take EXIF from :func:`load_photo` and set Orientation to 1).
    """
    decoded = _decode(Path(path), None)
    image = decoded.image
    image.info = {"icc_profile": decoded.icc_profile} if decoded.icc_profile else {}
    return image


def read_image_size(path: Path) -> tuple[int, int]:
    """Upright (EXIF-oriented) width and height from the file header, without decoding pixels."""
    path = Path(path)
    with _opened(path) as image:
        return _header_geometry(image)[0]


__all__ = [
    "ANALYSIS_BACKGROUND",
    "ANALYSIS_MAX_SIDE",
    "DRAFT_SLACK",
    "SUPPORTED_SUFFIXES",
    "LoadedPhoto",
    "is_photo_file",
    "list_photos",
    "load_photo",
    "load_preview",
    "open_upright",
    "read_image_size",
    "srgb_profile_bytes",
]
