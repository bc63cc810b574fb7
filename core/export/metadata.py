"""What EXIF an exported file carries.

Default policy: orientation normalised (the pixels are upright, so the tag goes), GPS and device
serial numbers and the maker note (which often holds serials) removed, the embedded thumbnail (it
shows the uncropped original) dropped; copyright, artist, capture dates and camera settings kept.
``keep_metadata=True`` keeps everything except the orientation tag and the stale thumbnail.
Pixel-dimension and resolution tags are rewritten to match the output.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from core.photo.raw import is_raw_file

ORIENTATION = 0x0112
X_RESOLUTION = 0x011A
Y_RESOLUTION = 0x011B
RESOLUTION_UNIT = 0x0128
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
INTEROP_IFD = 0xA005
PIXEL_X_DIMENSION = 0xA002
PIXEL_Y_DIMENSION = 0xA003
MAKER_NOTE = 0x927C
BODY_SERIAL = 0xA431
LENS_SERIAL = 0xA435
IMAGE_UNIQUE_ID = 0xA420
CAMERA_SERIAL = 0xC62F  # DNG CameraSerialNumber, IFD0
COPYRIGHT = 0x8298
ARTIST = 0x013B
DATE_TIME = 0x0132
DATE_TIME_ORIGINAL = 0x9003

#: Removed from the Exif IFD by default: they identify the camera body/lens owner or the file.
PRIVATE_EXIF_TAGS = (BODY_SERIAL, LENS_SERIAL, IMAGE_UNIQUE_ID, MAKER_NOTE)
PRIVATE_IFD0_TAGS = (CAMERA_SERIAL,)
_XMP_ORIENTATION = re.compile(
    rb'\s*tiff:Orientation\s*=\s*"\d"|<tiff:Orientation>\d</tiff:Orientation>'
)


#: What a camera raw's first directory holds that describes the photo rather than the raw data
#: (its other tags are strip offsets, CFA layout, colour matrices... of the sensor data).
RAW_DESCRIPTIVE_IFD0_TAGS = (
    0x010F,  # Make
    0x0110,  # Model
    0x0131,  # Software
    DATE_TIME,
    ARTIST,
    COPYRIGHT,
    0x010E,  # ImageDescription
)


def read_source_metadata(path: Path) -> tuple[Image.Exif | None, bytes | None]:
    """The original's EXIF and XMP, read from the header only (no pixel decode)."""
    if is_raw_file(path):
        return _raw_metadata(path), None
    try:
        with Image.open(path) as image:
            exif = image.getexif()
            # Load the sub-IFDs now: Exif.tobytes() writes only those that were read.
            for ifd in (EXIF_IFD, GPS_IFD, INTEROP_IFD):
                if ifd in exif:
                    exif.get_ifd(ifd)
            xmp = image.info.get("xmp")
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        return None, None
    xmp_bytes = xmp.encode("utf-8") if isinstance(xmp, str) else xmp
    return (exif if len(exif) else None), (xmp_bytes if isinstance(xmp_bytes, bytes) else None)


def _raw_metadata(path: Path) -> Image.Exif | None:
    """The descriptive EXIF of a TIFF-based raw (DNG, CR2, NEF, ARW, PEF...): camera, dates,
    author and the Exif/GPS directories; None for raws Pillow cannot parse (CR3, RAF...)."""
    try:
        with Image.open(path) as image:
            exif = image.getexif()
            for ifd in (EXIF_IFD, GPS_IFD):
                if ifd in exif:
                    exif.get_ifd(ifd)  # loaded while the file is open (see read_source_metadata)
            for tag in list(exif):
                if tag not in RAW_DESCRIPTIVE_IFD0_TAGS and tag not in (EXIF_IFD, GPS_IFD):
                    del exif[tag]
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, KeyError, TypeError):
        return None
    return exif if len(exif) else None


def output_exif(
    source: Image.Exif | None,
    *,
    width: int,
    height: int,
    ppi: int | None,
    keep_metadata: bool,
) -> bytes | None:
    """EXIF bytes for one output (None when there is nothing worth writing)."""
    if source is None and ppi is None:
        return None
    exif = Image.Exif()
    if source is not None:
        for tag, value in source.items():
            if tag in (EXIF_IFD, GPS_IFD, INTEROP_IFD):
                continue
            exif[tag] = value
        exif_ifd = dict(source.get_ifd(EXIF_IFD)) if EXIF_IFD in source else {}
        gps_ifd = dict(source.get_ifd(GPS_IFD)) if GPS_IFD in source else {}
        if not keep_metadata:
            for tag in PRIVATE_EXIF_TAGS:
                exif_ifd.pop(tag, None)
            for tag in PRIVATE_IFD0_TAGS:
                exif.pop(tag, None)
            gps_ifd = {}
        exif_ifd.pop(INTEROP_IFD, None)
        if exif_ifd:
            exif_ifd[PIXEL_X_DIMENSION] = width
            exif_ifd[PIXEL_Y_DIMENSION] = height
            exif.get_ifd(EXIF_IFD).update(exif_ifd)
        if gps_ifd:
            exif.get_ifd(GPS_IFD).update(gps_ifd)
    exif.pop(ORIENTATION, None)
    if ppi is not None:
        exif[X_RESOLUTION] = float(ppi)
        exif[Y_RESOLUTION] = float(ppi)
        exif[RESOLUTION_UNIT] = 2  # inches
    if not len(exif):
        return None
    try:
        return bytes(exif.tobytes())
    except Exception:
        # A camera wrote a value Pillow cannot serialise again: keep the credits and dates rather
        # than fail the export.
        return _essential_exif(exif, ppi)


def _essential_exif(exif: Image.Exif, ppi: int | None) -> bytes | None:
    minimal = Image.Exif()
    for tag in (COPYRIGHT, ARTIST, DATE_TIME):
        value = exif.get(tag)
        if isinstance(value, str):
            minimal[tag] = value
    original = exif.get_ifd(EXIF_IFD).get(DATE_TIME_ORIGINAL) if EXIF_IFD in exif else None
    if isinstance(original, str):
        minimal.get_ifd(EXIF_IFD)[DATE_TIME_ORIGINAL] = original
    if ppi is not None:
        minimal[X_RESOLUTION] = float(ppi)
        minimal[Y_RESOLUTION] = float(ppi)
        minimal[RESOLUTION_UNIT] = 2
    return bytes(minimal.tobytes()) if len(minimal) else None


def output_xmp(source_xmp: bytes | None, *, keep_metadata: bool) -> bytes | None:
    """XMP is carried only with keep_metadata (it can hold GPS and serials); orientation removed."""
    if not keep_metadata or not source_xmp:
        return None
    return _XMP_ORIENTATION.sub(b"", source_xmp)
