"""Camera raw files made in the tests: a photo mosaicked into an RGGB Bayer pattern and written as
a DNG (pidng), so raw tests need no camera files.

The DNG says the sensor is linear sRGB (its ColorMatrix1 is XYZ -> linear sRGB under D65) with a
neutral as-shot white balance, so LibRaw's develop gives back roughly the photo (LibRaw's own tone
curve and auto-brightening make it a little darker; shapes and positions are exact).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.photo_samples import stored_pixels

#: XYZ (D65) -> linear sRGB: the sensor of these DNGs "sees" linear sRGB.
_XYZ_TO_SRGB = (3.2406, -1.5372, -0.4986, -0.9689, 1.8758, 0.0415, 0.0557, -0.2040, 1.0570)
WHITE_LEVEL = 4095


def bayer_mosaic(rgb: np.ndarray) -> np.ndarray:
    """RGGB mosaic (uint16, 12-bit linear) of an 8-bit sRGB image with even width and height."""
    linear = (rgb.astype(np.float64) / 255.0) ** 2.2
    mosaic = np.empty(rgb.shape[:2], np.uint16)

    def quantise(values: np.ndarray) -> np.ndarray:
        return np.clip(values * WHITE_LEVEL + 0.5, 0, WHITE_LEVEL).astype(np.uint16)

    mosaic[0::2, 0::2] = quantise(linear[0::2, 0::2, 0])
    mosaic[0::2, 1::2] = quantise(linear[0::2, 1::2, 1])
    mosaic[1::2, 0::2] = quantise(linear[1::2, 0::2, 1])
    mosaic[1::2, 1::2] = quantise(linear[1::2, 1::2, 2])
    return mosaic


def write_dng(upright: Image.Image, path: Path, orientation: int = 1) -> Path:
    """Write ``upright`` (cropped to even sides) as a DNG at ``path`` whose Orientation tag is
    ``orientation``: the stored sensor data is turned so that a reader shows ``upright``."""
    pidng_core = pytest.importorskip("pidng.core")
    from pidng.defs import (
        CalibrationIlluminant,
        CFAPattern,
        DNGVersion,
        PhotometricInterpretation,
    )

    rgb = upright.convert("RGB")
    rgb = rgb.crop((0, 0, rgb.width - rgb.width % 2, rgb.height - rgb.height % 2))
    stored = stored_pixels(rgb, orientation)
    mosaic = bayer_mosaic(np.asarray(stored))
    height, width = mosaic.shape
    tag = pidng_core.Tag
    tags = pidng_core.DNGTags()
    tags.set(tag.ImageWidth, width)
    tags.set(tag.ImageLength, height)
    tags.set(tag.TileWidth, width)
    tags.set(tag.TileLength, height)
    tags.set(tag.Orientation, orientation)
    tags.set(tag.PhotometricInterpretation, PhotometricInterpretation.Color_Filter_Array)
    tags.set(tag.SamplesPerPixel, 1)
    tags.set(tag.BitsPerSample, 16)
    tags.set(tag.CFARepeatPatternDim, [2, 2])
    tags.set(tag.CFAPattern, CFAPattern.RGGB)
    tags.set(tag.BlackLevel, 0)
    tags.set(tag.WhiteLevel, WHITE_LEVEL)
    tags.set(tag.ColorMatrix1, [[round(v * 10000), 10000] for v in _XYZ_TO_SRGB])
    tags.set(tag.CalibrationIlluminant1, CalibrationIlluminant.D65)
    tags.set(tag.AsShotNeutral, [[1, 1], [1, 1], [1, 1]])
    tags.set(tag.BaselineExposure, [[0, 1]])
    tags.set(tag.Make, "Headroom")
    tags.set(tag.Model, "Test Bayer")
    tags.set(tag.UniqueCameraModel, "Headroom Test Bayer")
    tags.set(tag.DNGVersion, DNGVersion.V1_4)
    tags.set(tag.DNGBackwardVersion, DNGVersion.V1_2)
    writer = pidng_core.RAW2DNG()
    writer.options(tags, path="", compress=False)
    data = writer.convert(mosaic)
    path = Path(path)
    path.write_bytes(bytes(data))
    return path


def upright_even(photo: Image.Image) -> Image.Image:
    """The picture a DNG written by :func:`write_dng` holds (even width and height)."""
    rgb = photo.convert("RGB")
    return rgb.crop((0, 0, rgb.width - rgb.width % 2, rgb.height - rgb.height % 2))
