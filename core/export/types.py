"""Result and option types of the export package (frozen dataclasses, shared with the GUI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Default output file name; fields: stem, preset, width, height, ext, index.
DEFAULT_NAME_TEMPLATE = "{stem}_{preset}.{ext}"
DEFAULT_QUALITY = 92


@dataclass(frozen=True)
class ExportOptions:
    format: str | None = None  # jpeg | png | webp | tiff; None = each preset's own format
    quality: int = (
        DEFAULT_QUALITY  # JPEG/WebP quality 1..100 (upper bound when a size limit applies)
    )
    keep_metadata: bool = (
        False  # True keeps GPS, serial numbers, XMP (orientation still normalised)
    )
    overwrite: bool = False  # False: an existing output file is an ExportError, nothing is written
    name_template: str = DEFAULT_NAME_TEMPLATE
    #: Colour space of 16-bit TIFF outputs: "srgb" or "adobe-rgb" (JPEG/PNG/WebP are always sRGB).
    tiff_colour: str = "srgb"


@dataclass(frozen=True)
class WrittenFile:
    source: Path
    preset: str
    path: Path
    width: int
    height: int
    bytes: int
    quality: int | None = None  # the JPEG/WebP quality used (lowered when a size limit applied)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "preset": self.preset,
            "path": str(self.path),
            "width": self.width,
            "height": self.height,
            "bytes": self.bytes,
            "quality": self.quality,
        }


#: progress(done, total, message): called after each output file (from the exporting thread).
ProgressCallback = Callable[[int, int, str], None]
