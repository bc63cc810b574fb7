"""Export test helpers: an RGB ICC profile far from sRGB, camera EXIF with private tags."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PIL import Image

from core.export.icc import rgb_matrix_profile

# sRGB primaries adapted to D50 (the PCS white): the columns of sRGB's RGB -> XYZ(D50) matrix.
_SRGB_RED = (0.4360747, 0.2225045, 0.0139322)
_SRGB_GREEN = (0.3850649, 0.7168786, 0.0971045)
_SRGB_BLUE = (0.1430804, 0.0606169, 0.7141733)


def swapped_primaries_profile(description: str = "Headroom swapped RB test RGB") -> bytes:
    """A valid ICC v2 RGB matrix/TRC display profile whose red primary is sRGB's blue and whose blue
    primary is sRGB's red (gamma 2.2). Pixels (255, 0, 0) described by it are sRGB blue: a correct
    conversion to sRGB swaps the red and blue channels (up to the tone curve difference)."""
    primaries = (_SRGB_BLUE, _SRGB_GREEN, _SRGB_RED)
    return rgb_matrix_profile(description, "No copyright, test profile", primaries, 0x0233)  # 2.2


GPS_IFD = 0x8825
EXIF_IFD = 0x8769


def private_exif(orientation: int = 1) -> Image.Exif:
    """EXIF like a camera writes: GPS position, body/lens serials, copyright, artist, dates."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Headroom Camera Co"
    exif[0x0110] = "HC-1"
    exif[0x8298] = "(c) 2026 Test Photographer"
    exif[0x013B] = "Test Photographer"
    exif[0x0132] = "2026:01:02 03:04:05"
    exif[0xC62F] = "CAMSERIAL-9"
    sub = exif.get_ifd(EXIF_IFD)
    sub[0x9003] = "2026:01:02 03:04:05"
    sub[0xA431] = "BODY-12345"
    sub[0xA435] = "LENS-67890"
    sub[0xA420] = "UNIQUE-ID-1"
    sub[0x829A] = (1.0, 125.0)  # exposure time
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 0.0)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 0.0)
    return exif


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def icc_description(image: Image.Image) -> str:
    import io

    from PIL import ImageCms

    icc = image.info.get("icc_profile")
    assert icc, "no ICC profile embedded"
    return str(ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))))
