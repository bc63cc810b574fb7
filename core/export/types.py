"""Result and option types of the export package (frozen dataclasses, shared with the GUI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.geometry import Box

if TYPE_CHECKING:
    from core.suggestion import Suggestion

#: Default output file name; fields: stem, preset, width, height, ext, index.
DEFAULT_NAME_TEMPLATE = "{stem}_{preset}.{ext}"
DEFAULT_QUALITY = 92


@dataclass(frozen=True)
class ExportOptions:
    format: str | None = None  # jpeg | png | webp; None = each preset's own format
    quality: int = (
        DEFAULT_QUALITY  # JPEG/WebP quality 1..100 (upper bound when a size limit applies)
    )
    keep_metadata: bool = (
        False  # True keeps GPS, serial numbers, XMP (orientation still normalised)
    )
    overwrite: bool = False  # False: an existing output file is an ExportError, nothing is written
    name_template: str = DEFAULT_NAME_TEMPLATE


@dataclass(frozen=True)
class CropChoice:
    """The crop a person (or a suggestion) chose for one photo: also the sidecar payload.

    ``box`` is in upright original pixels; with ``angle_deg != 0`` it lives in the frame of the
    image rotated counter-clockwise by ``angle_deg`` about its centre (core.geometry convention).
    ``aspect`` is the (w, h) ratio the box was made for, ``None`` for a free crop.
    """

    box: Box
    angle_deg: float = 0.0
    aspect: tuple[int, int] | None = None
    suggestion_id: str | None = None
    subject: int | None = None
    genre: str | None = None
    framing: str | None = None
    preset: str | None = None

    @classmethod
    def from_suggestion(cls, suggestion: Suggestion) -> CropChoice:
        return cls(
            box=suggestion.box,
            angle_deg=suggestion.angle_deg,
            aspect=suggestion.aspect,
            suggestion_id=suggestion.id,
            subject=suggestion.subject,
            genre=suggestion.genre,
            framing=suggestion.framing,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "box": [round(v, 3) for v in (self.box.x, self.box.y, self.box.w, self.box.h)],
            "angle_deg": round(self.angle_deg, 4),
            "aspect": list(self.aspect) if self.aspect else None,
            "suggestion_id": self.suggestion_id,
            "subject": self.subject,
            "genre": self.genre,
            "framing": self.framing,
            "preset": self.preset,
        }


#: Per preset id: the crop box (upright original px; rotated frame when angle != 0) and angle.
CropPlan = dict[str, tuple[Box, float]]


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
