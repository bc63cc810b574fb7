"""The public loading API: :class:`LoadedPhoto`, :func:`load_photo`, :func:`load_preview`,
:func:`load_photo_and_preview`, :func:`open_upright` and :func:`read_image_size` (the contract is
in the ``core.photo`` docstring).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from core.photo.decode import _decode, _Decoded, _reduced_size, _resize_cheap
from core.photo.normalise import _composite_on_background
from core.photo.opening import _header_geometry, _opened
from core.photo.raw import is_raw_file, read_raw_geometry

#: Long side of the analysis image. Large enough for the tiled full-range face pass to find faces
#: of ~30 px in a 1280 px group photo; small enough to decode a 24 MP JPEG at 1/4 scale.
ANALYSIS_MAX_SIDE = 1600


@dataclass(frozen=True, eq=False)
class LoadedPhoto:
    """A photo ready for analysis (the ``core.photo`` docstring has the contract of each field)."""

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


def _positive_side(value: int, name: str) -> int:
    if int(value) < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def load_photo(path: Path, analysis_max_side: int = ANALYSIS_MAX_SIDE) -> LoadedPhoto:
    """Load a photo for analysis: upright original size, metadata and a reduced RGB uint8 copy.

    Raises PhotoLoadError (one line naming the file) for anything that is not a readable photo.
    """
    path = Path(path)
    decoded = _decode(
        path, _positive_side(analysis_max_side, "analysis_max_side"), keep_slack_draft=True
    )
    return _loaded(path, decoded, _composite_on_background(decoded.image))


def load_photo_and_preview(
    path: Path, preview_max_side: int, analysis_max_side: int = ANALYSIS_MAX_SIDE
) -> tuple[LoadedPhoto, Image.Image]:
    """:func:`load_photo` and :func:`load_preview` from one decode (the GUI shows a photo, then
    analyses it: a HEIC, PNG or TIFF is then decoded once, not twice).

    The analysis image is ``analysis_max_side`` on its long side (a standalone ``load_photo`` may
    keep a JPEG's DCT-scaled decode a few percent smaller). PhotoLoadError as ``load_photo``.
    """
    path = Path(path)
    preview_side = _positive_side(preview_max_side, "preview_max_side")
    analysis_side = _positive_side(analysis_max_side, "analysis_max_side")
    decoded = _decode(path, max(preview_side, analysis_side))
    pixels = _composite_on_background(decoded.image)
    preview = _resize_cheap(pixels, _reduced_size(pixels.size, preview_side))
    preview.info = {"icc_profile": decoded.icc_profile} if decoded.icc_profile else {}
    analysis = _resize_cheap(pixels, _reduced_size(pixels.size, analysis_side))
    return _loaded(path, decoded, analysis), preview


def _loaded(path: Path, decoded: _Decoded, analysis_image: Image.Image) -> LoadedPhoto:
    width, height = decoded.upright_size
    analysis = np.asarray(analysis_image, dtype=np.uint8)
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


def read_image_geometry(path: Path) -> tuple[tuple[int, int], int]:
    """Upright size and the file's EXIF orientation value (1 when none), from the header."""
    path = Path(path)
    if is_raw_file(path):
        geometry = read_raw_geometry(path)
        return geometry.upright_size, geometry.orientation
    with _opened(path) as image:
        return _header_geometry(image)


def read_image_size(path: Path) -> tuple[int, int]:
    """Upright (EXIF-oriented) width and height from the file header, without decoding pixels."""
    path = Path(path)
    if is_raw_file(path):
        return read_raw_geometry(path).upright_size
    with _opened(path) as image:
        return _header_geometry(image)[0]
