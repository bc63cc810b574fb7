"""Colour and mode normalisation: any Pillow mode to 8-bit RGB or RGBA, with the ICC profile that
describes the result.

16-bit and 32-bit grey are scaled (never clipped), CMYK and grey-profile images are converted to
sRGB through their embedded ICC profile, palette and other modes are widened, and alpha is kept
here; :func:`_composite_on_background` lays it on :data:`ANALYSIS_BACKGROUND` for analysis and
previews.
"""

from __future__ import annotations

import io
import struct
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageCms

#: Neutral grey that transparent pixels are laid on for analysis and previews: a face detector sees
#: a plain mid-tone backdrop instead of the arbitrary colour stored under alpha = 0.
ANALYSIS_BACKGROUND: tuple[int, int, int] = (128, 128, 128)


@lru_cache(maxsize=1)
def srgb_profile() -> ImageCms.ImageCmsProfile:
    """The sRGB profile (LittleCMS built-in): what decoded photos are converted to and every
    output embeds."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


#: The ICC header's creation date and time (bytes 24-35, six big-endian uint16). lcms stamps the
#: moment the profile was built, so every process (a batch worker, a cluster worker) embedded a
#: different one and the same export differed byte for byte from run to run.
_ICC_DATE = slice(24, 36)
_FIXED_ICC_DATE = struct.pack(">6H", 2024, 1, 1, 0, 0, 0)


@lru_cache(maxsize=1)
def srgb_profile_bytes() -> bytes:
    """``srgb_profile`` as ICC bytes for pixels converted to sRGB (decoded photos, every output):
    the same bytes in every process and run."""
    data = bytearray(srgb_profile().tobytes())
    data[_ICC_DATE] = _FIXED_ICC_DATE
    return bytes(data)


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
        converted = ImageCms.profileToProfile(
            image,
            source,
            srgb_profile(),
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
            outputMode=output_mode,
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    return converted


def _scale_to_uint8(
    values: npt.NDArray[np.generic], *, is_float: bool, wide_int: bool = False
) -> npt.NDArray[np.uint8]:
    data = values.astype(np.float64, copy=False)
    finite = data[np.isfinite(data)]
    if finite.size == 0:
        return np.zeros(values.shape, dtype=np.uint8)
    low, high = float(finite.min()), float(finite.max())
    if is_float and low >= 0.0 and high <= 1.0:
        low, high = 0.0, 1.0
    elif wide_int and low >= 0 and high <= 255:
        # A 32-bit integer file holding 8-bit values (some scanners and converters write them):
        # read as 16-bit it came out nearly black.
        low, high = 0.0, 255.0
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
    scaled = _scale_to_uint8(array, is_float=image.mode == "F", wide_int=image.mode == "I")
    return Image.fromarray(scaled, mode="L")


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
