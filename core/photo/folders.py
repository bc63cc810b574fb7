"""Folder scans: which files count as photos, and listing a folder's photos in natural order.

Only names are looked at here; nothing is opened or decoded.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.errors import PhotoLoadError
from core.photo.raw import RAW_SUFFIXES, is_raw_file

#: File suffixes (lower case, with the dot) that folder scans treat as photos: the formats Pillow
#: decodes and every camera raw LibRaw reads.
SUPPORTED_SUFFIXES: frozenset[str] = (
    frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp", ".heic", ".heif"})
    | RAW_SUFFIXES
)


def is_photo_file(path: Path) -> bool:
    """True when ``path`` has a photo suffix Headroom reads (by name only; nothing is opened)."""
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES


def _natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    # IMG_2 before IMG_10, case-insensitive: the order a file browser shows.
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", name)
        if part
    )


def list_photos(folder: Path) -> list[Path]:
    """Photo files directly inside ``folder`` (not recursive), hidden files skipped, a raw + JPEG
    pair listed once (as the raw).

    Sorted in natural order of the file name (``IMG_2`` before ``IMG_10``, case-insensitive).
    """
    folder = Path(folder)
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise PhotoLoadError(f"Cannot list photos in {folder}: it {what}.")
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise PhotoLoadError(f"Cannot list photos in {folder}: {exc.strerror or exc}.") from exc
    photos = [
        entry
        for entry in entries
        if not entry.name.startswith(".") and is_photo_file(entry) and entry.is_file()
    ]
    return sorted(_without_raw_twins(photos), key=lambda p: (_natural_key(p.name), p.name))


def _without_raw_twins(photos: list[Path]) -> list[Path]:
    """Drop the camera JPEG/HEIC/TIFF of a raw + JPEG pair (IMG_1.CR3 and IMG_1.JPG): the pair
    is one photo, and the raw is its master (more pixels and bits to export, and the file
    Lightroom's XMP sidecar belongs to)."""
    raw_stems = {p.stem.casefold() for p in photos if is_raw_file(p)}
    return [p for p in photos if is_raw_file(p) or p.stem.casefold() not in raw_stems]
