"""The photo's XMP sidecar: where it lives, writing Headroom's crop into it, reading a crop back.

Where: next to a camera raw as ``STEM.xmp`` (``IMG_1.CR3`` -> ``IMG_1.xmp``), the name Lightroom
Classic and Camera Raw read and write. Lightroom keeps the settings of a JPEG, TIFF, PNG, HEIC or
DNG *inside* that file, but Headroom never writes an input, so for those it writes a sidecar too,
named ``NAME.EXT.xmp`` (``IMG_1.JPG.xmp``: it cannot collide with the sidecar of a raw of the same
name); ``exiftool -tagsfromfile IMG_1.JPG.xmp -xmp:all IMG_1.JPG`` puts it into a copy Lightroom
reads. Reading looks at that sidecar, then at the XMP embedded in a non-raw photo (what Lightroom
writes on "Save Metadata to File").

Writing merges into an existing sidecar (only the crop properties change, every other byte is
kept), atomically, and never touches the photo. A sidecar that already holds a different crop is
left alone unless ``overwrite`` is given; a sidecar that is not XML is never rewritten; a sidecar
whose ``tiff:Orientation`` differs from the photo's (the photo was turned in Lightroom) is left
alone, because its crop fractions refer to that turn.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from core.export.atomic import ClashError, create_atomically, replace_atomically
from core.framing.plan import CropChoice
from core.lightroom.crop import crop_to_crs, crs_to_crop
from core.lightroom.xmp import XmpFormatError, merge_crop, new_packet, read_crop
from core.photo import is_raw_file

log = logging.getLogger(__name__)

Outcome = Literal["written", "unchanged", "kept"]

_TIFF_ORIENTATION = re.compile(
    r"tiff:Orientation\s*=\s*[\"'](\d)[\"']|<tiff:Orientation>\s*(\d)\s*</tiff:Orientation>"
)


def xmp_path(photo: Path) -> Path:
    """Where ``photo``'s XMP sidecar lives (module docstring)."""
    photo = Path(photo)
    if is_raw_file(photo):
        return photo.with_suffix(".xmp")
    return photo.with_name(photo.name + ".xmp")


@dataclass(frozen=True)
class XmpWrite:
    """What happened to one sidecar: ``written``, ``unchanged`` (it already held this crop) or
    ``kept`` (left as it was, ``reason`` says why)."""

    photo: Path
    path: Path
    outcome: Outcome
    reason: str | None = None


def _orientation_in(text: str) -> int | None:
    match = _TIFF_ORIENTATION.search(text)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def write_xmp_crop(
    photo: Path,
    choice: CropChoice,
    upright_size: tuple[int, int],
    orientation: int,
    *,
    overwrite: bool = False,
) -> XmpWrite:
    """Write ``choice`` as Camera Raw crop settings into ``photo``'s sidecar (module docstring).

    Problems with the sidecar come back as a ``kept`` result with the reason (the export goes
    on); OSError from the write itself (a read-only folder) is raised as is, after which the old
    sidecar is still whole.
    """
    photo = Path(photo)
    target = xmp_path(photo)
    crop = crop_to_crs(choice.box, choice.angle_deg, upright_size, orientation)
    if not target.exists():
        try:
            # Kernel-checked: a sidecar Lightroom writes meanwhile is not replaced.
            create_atomically(target, new_packet(crop, choice.aspect))
        except ClashError:
            return XmpWrite(photo, target, "kept", f"{target.name} appeared meanwhile; kept it")
        return XmpWrite(photo, target, "written")
    try:
        data = target.read_bytes()
        existing = read_crop(data)
    except XmpFormatError as exc:
        return XmpWrite(photo, target, "kept", f"{target.name} was left unchanged: {exc}")
    except ValueError as exc:
        existing = None
        if not overwrite:
            return XmpWrite(photo, target, "kept", f"{target.name} was left unchanged: {exc}")
    recorded = _orientation_in(data.decode("utf-8"))
    if recorded is not None and recorded != orientation:
        return XmpWrite(
            photo,
            target,
            "kept",
            f"{target.name} was left unchanged: it turns the photo (tiff:Orientation "
            f"{recorded}, the file says {orientation}), so its crop means another frame",
        )
    if existing is not None and existing.crop is not None:
        if existing.crop.close_to(crop) and existing.aspect == choice.aspect:
            return XmpWrite(photo, target, "unchanged")
        if not existing.crop.close_to(crop) and not overwrite:
            return XmpWrite(
                photo,
                target,
                "kept",
                f"{target.name} already holds a different crop; it was left unchanged "
                "(allow overwriting to replace it)",
            )
    try:
        merged = merge_crop(data, crop, choice.aspect)
    except XmpFormatError as exc:
        return XmpWrite(photo, target, "kept", f"{target.name} was left unchanged: {exc}")
    replace_atomically(target, merged)
    return XmpWrite(photo, target, "written")


def read_xmp_crop(
    photo: Path, upright_size: tuple[int, int], orientation: int
) -> CropChoice | None:
    """The crop Lightroom / Camera Raw (or Headroom) left for ``photo``: its sidecar's, else the
    XMP embedded in a non-raw photo. None (with a logged warning when something was there but
    could not be used) when there is none."""
    photo = Path(photo)
    for where, data in _xmp_sources(photo):
        try:
            found = read_crop(data)
        except ValueError as exc:  # XmpFormatError too
            log.warning("ignoring the XMP crop in %s: %s", where, exc)
            continue
        if found.crop is None:
            continue
        recorded = _orientation_in(data.decode("utf-8", "replace"))
        if recorded is not None and recorded != orientation:
            log.warning(
                "ignoring the XMP crop in %s: it was made with the photo turned "
                "(tiff:Orientation %d, the file says %d)",
                where,
                recorded,
                orientation,
            )
            continue
        try:
            box, angle = crs_to_crop(found.crop, upright_size, orientation)
        except ValueError as exc:
            log.warning("ignoring the XMP crop in %s: %s", where, exc)
            continue
        # Lightroom records no aspect constraint: the crop is free unless Headroom wrote one.
        return CropChoice(box=box, angle_deg=angle, aspect=found.aspect, genre="manual")
    return None


def _xmp_sources(photo: Path) -> list[tuple[str, bytes]]:
    sources: list[tuple[str, bytes]] = []
    sidecar = xmp_path(photo)
    try:
        sources.append((str(sidecar), sidecar.read_bytes()))
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("cannot read %s: %s", sidecar, exc.strerror or exc)
    if not is_raw_file(photo):
        embedded = _embedded_xmp(photo)
        if embedded is not None:
            sources.append((f"{photo} (embedded)", embedded))
    return sources


def _embedded_xmp(photo: Path) -> bytes | None:
    from core.export.metadata import read_source_metadata

    return read_source_metadata(photo)[1]
