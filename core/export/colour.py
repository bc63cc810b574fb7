"""Colour management: every output is sRGB with the sRGB profile embedded."""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageCms

from core.photo.normalise import srgb_profile, srgb_profile_bytes

__all__ = ["is_srgb", "srgb_profile", "srgb_profile_bytes", "to_srgb"]


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
