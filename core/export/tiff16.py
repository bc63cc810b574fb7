"""16-bit TIFF outputs for the retoucher: a 16-bit source, the crop rendered at 16 bits, sRGB or
Adobe RGB (1998) with its profile embedded, the ppi written.

The 16-bit source is a raw's LibRaw develop at 16 bits (in the colour space asked for), or a
16-bit RGB TIFF read as it is (tifffile, EXIF orientation applied, taken as sRGB); any other photo
is its 8-bit upright decode widened (x 257: the TIFF then holds the photo's own 8-bit values).
Sources in sRGB become Adobe RGB by exact arithmetic (sRGB curve off, 3 x 3 matrix, Adobe's
563/256 gamma on), not through an 8-bit lookup.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
from PIL import Image

from core.errors import PhotoLoadError
from core.export.colour import is_srgb, srgb_profile_bytes, to_srgb
from core.export.icc import adobe_rgb_profile_bytes
from core.export.render import render_crop
from core.geometry import Box

ColourSpace = Literal["srgb", "adobe-rgb"]
COLOUR_SPACES: tuple[ColourSpace, ...] = ("srgb", "adobe-rgb")

Pixels16 = npt.NDArray[np.uint16]

#: Linear sRGB -> linear Adobe RGB (1998), both D65 (sRGB -> XYZ, then XYZ -> Adobe RGB).
_SRGB_TO_ADOBE = np.array(
    [
        [0.7151627, 0.2848373, 0.0000000],
        [0.0000000, 1.0000000, 0.0000000],
        [0.0000000, 0.0411705, 0.9588295],
    ]
)
_ADOBE_GAMMA = 563.0 / 256.0


def profile_for(colour: ColourSpace) -> bytes:
    return adobe_rgb_profile_bytes() if colour == "adobe-rgb" else srgb_profile_bytes()


def open_16bit(path: Path, colour: ColourSpace) -> Pixels16:
    """Upright H x W x 3 uint16 pixels of ``path`` in ``colour`` (module docstring)."""
    from core.photo import develop_raw, is_raw_file, open_upright

    path = Path(path)
    if is_raw_file(path):
        return np.asarray(develop_raw(path, bits=16, colour=colour), dtype=np.uint16)
    pixels = _tiff_16bit(path)
    if pixels is None:
        image = open_upright(path)
        image = to_srgb(_flattened(image), image.info.get("icc_profile"))
        pixels = np.asarray(image, dtype=np.uint16) * np.uint16(257)
    return srgb_to_adobe(pixels) if colour == "adobe-rgb" else pixels


def _flattened(image: Image.Image) -> Image.Image:
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        flat.info = image.info
        return flat
    return image


_ORIENT = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1, :],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: a.transpose(1, 0, 2)[:, ::-1],
    7: lambda a: a.transpose(1, 0, 2)[::-1, ::-1],
    8: lambda a: a.transpose(1, 0, 2)[::-1, :],
}


def _tiff_16bit(path: Path) -> Pixels16 | None:
    """A 16-bit RGB(A) TIFF's own pixels, upright; None for anything else (read 8-bit then)."""
    if path.suffix.lower() not in (".tif", ".tiff"):
        return None
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages.first
            if page.dtype != np.uint16 or page.samplesperpixel not in (3, 4):
                return None
            if page.photometric != tifffile.PHOTOMETRIC.RGB:
                return None
            icc = page.tags.get(34675)
            if icc is not None and not is_srgb(bytes(icc.value)):
                return None  # another colour space: the 8-bit path converts it to sRGB
            orientation = page.tags.get(274)
            pixels = page.asarray()
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise PhotoLoadError(f"Cannot load photo {path}: the TIFF is damaged ({exc}).") from exc
    if pixels.ndim != 3:
        return None
    if pixels.shape[2] == 4:  # alpha over white, like the 8-bit outputs
        alpha = pixels[..., 3:4].astype(np.float64) / 65535.0
        pixels = np.round(pixels[..., :3] * alpha + 65535.0 * (1.0 - alpha)).astype(np.uint16)
    turn = _ORIENT.get(int(orientation.value) if orientation is not None else 1)
    if turn is not None:
        pixels = turn(pixels)
    upright: Pixels16 = np.ascontiguousarray(pixels, dtype=np.uint16)
    return upright


def srgb_to_adobe(pixels: Pixels16) -> Pixels16:
    """16-bit sRGB -> 16-bit Adobe RGB (1998), by the colour spaces' own formulas."""
    v = pixels.astype(np.float64) / 65535.0
    linear = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    adobe = np.clip(linear @ _SRGB_TO_ADOBE.T, 0.0, 1.0) ** (1.0 / _ADOBE_GAMMA)
    result: Pixels16 = np.round(adobe * 65535.0).astype(np.uint16)
    return result


def render_16(pixels: Pixels16, box: Box, angle_deg: float, size: tuple[int, int]) -> Pixels16:
    """The crop of 16-bit ``pixels`` at ``size``: the same geometry and resampling as the 8-bit
    outputs (``core.export.render``), channel by channel in floating point."""
    channels = []
    for c in range(3):
        plane = Image.fromarray(np.ascontiguousarray(pixels[..., c], dtype=np.float32), "F")
        rendered = render_crop(plane, box, angle_deg, size)
        channels.append(np.asarray(rendered, dtype=np.float32))
    stacked = np.stack(channels, axis=-1)
    return np.clip(np.round(stacked), 0, 65535).astype(np.uint16)


def encode_tiff(pixels: Pixels16, *, ppi: int | None, icc_profile: bytes) -> bytes:
    """A 16-bit RGB TIFF (Deflate), the profile embedded, the ppi written (72 when none)."""
    import tifffile

    buffer = io.BytesIO()
    resolution = float(ppi or 72)
    tifffile.imwrite(
        buffer,
        pixels,
        photometric="rgb",
        compression="zlib",
        resolution=(resolution, resolution),
        resolutionunit="INCH",
        software="Headroom",
        metadata=None,
        extratags=[(34675, "B", len(icc_profile), icc_profile, True)],
    )
    return buffer.getvalue()
