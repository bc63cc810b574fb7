"""The crop a photo starts from when the photographer already chose one: Headroom's own sidecar
(``PHOTO.headroom.json``), else a Lightroom / Camera Raw crop in its XMP (``core.lightroom``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from core.errors import PhotoLoadError
from core.framing.plan import CropChoice
from core.lightroom import read_xmp_crop
from core.sidecar import read_sidecar

log = logging.getLogger(__name__)

SavedFrom = Literal["sidecar", "xmp"]


def saved_crop(
    photo: Path, upright_size: tuple[int, int], orientation: int | None = None
) -> tuple[CropChoice, SavedFrom] | None:
    """The photo's saved crop and where it came from, or None. ``orientation`` is the file's EXIF
    orientation (read from its header when not given; the XMP crop is relative to it)."""
    photo = Path(photo)
    choice = read_sidecar(photo, upright_size)
    if choice is not None:
        return choice, "sidecar"
    if orientation is None:
        from core.photo import read_image_geometry

        try:
            orientation = read_image_geometry(photo)[1]
        except PhotoLoadError as exc:
            log.warning("cannot read the orientation of %s: %s", photo, exc)
            return None
    xmp = read_xmp_crop(photo, upright_size, orientation)
    return (xmp, "xmp") if xmp is not None else None
