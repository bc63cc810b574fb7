"""Colour management: every output is sRGB with the sRGB profile embedded."""

from __future__ import annotations

import functools
import io
import struct

from PIL import Image, ImageCms


@functools.lru_cache(maxsize=1)
def srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


#: The ICC header's creation date and time (bytes 24-35, six big-endian uint16). lcms stamps the
#: moment the profile was built, so every process (a batch worker, a cluster worker) embedded a
#: different one and the same export differed byte for byte from run to run.
_ICC_DATE = slice(24, 36)
_FIXED_ICC_DATE = struct.pack(">6H", 2024, 1, 1, 0, 0, 0)


@functools.lru_cache(maxsize=1)
def srgb_profile_bytes() -> bytes:
    """The sRGB profile embedded in every output, the same bytes in every process and run."""
    data = bytearray(srgb_profile().tobytes())
    data[_ICC_DATE] = _FIXED_ICC_DATE
    return bytes(data)


def is_srgb(icc: bytes | None) -> bool:
    """True for no profile (assumed sRGB) or an sRGB profile (by its description)."""
    if not icc:
        return True
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        description = ImageCms.getProfileDescription(profile) or ""
    except (OSError, ImageCms.PyCMSError):
        return True  # unreadable profile: nothing to convert from, treat as sRGB
    return "srgb" in description.lower().replace(" ", "")


@functools.lru_cache(maxsize=8)
def _transform_from(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        return None
    if source.profile.xcolor_space.strip() != "RGB":
        return None  # a grey/CMYK profile does not describe RGB pixels; nothing sound to do
    try:
        return ImageCms.buildTransform(
            source, srgb_profile(), mode, mode, renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except ImageCms.PyCMSError:
        return None


def to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """``image`` (RGB or RGBA pixels described by ``icc``) converted to sRGB; alpha is untouched.

    Done on the small rendered output rather than the full source: converting after resampling gives
    the same result within rounding and costs a fraction of the time.
    """
    if is_srgb(icc):
        return image
    assert icc is not None
    if image.mode == "RGBA":
        rgb = to_srgb(image.convert("RGB"), icc)
        rgb.putalpha(image.getchannel("A"))
        return rgb
    transform = _transform_from(icc, image.mode)
    if transform is None:
        return image
    result = ImageCms.applyTransform(image, transform)
    assert result is not None
    return result
