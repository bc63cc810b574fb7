"""A proposed crop and the checks that came with it.

The one result type framing hands to the CLI, export and the GUI. Boxes are in upright original
pixels; for ``angle_deg != 0`` the box lives in the frame of the image rotated counter-clockwise by
``angle_deg`` about its centre (canvas size kept, see ``core.geometry``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from core.geometry import Box

Genre = Literal["headshot", "portrait", "group", "id", "manual"]
Severity = Literal["info", "warning", "problem"]


@dataclass(frozen=True)
class CheckWarning:
    """One composition check that fired. ``code`` is stable (tests, GUI icons); ``message`` is for
    people."""

    code: str
    message: str
    severity: Severity = "warning"

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "severity": self.severity}


@dataclass(frozen=True)
class Suggestion:
    id: str  # stable within one photo, e.g. "headshot-standard-4x5-s0"
    genre: Genre
    framing: str  # tight/standard/loose, close-up ... environmental, group, or an ID preset id
    aspect: tuple[int, int]  # (w, h) ratio, e.g. (4, 5)
    box: Box
    angle_deg: float
    subject: int | None  # index into Analysis.faces; None for group framings
    score: float  # 0..1, higher is better; used to order suggestions
    warnings: tuple[CheckWarning, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.framing} {self.aspect[0]}:{self.aspect[1]}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "genre": self.genre,
            "framing": self.framing,
            "aspect": list(self.aspect),
            "box": self.box.as_list(),
            "angle_deg": round(self.angle_deg, 2),
            "subject": self.subject,
            "score": round(self.score, 4),
            "warnings": [w.message for w in self.warnings],
            "checks": [w.to_json() for w in self.warnings],
        }
