"""Turning a placed box into a ``Suggestion``: snap to whole pixels, run the checks, score."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from core.faces import Analysis
from core.framing.checks import CheckSpec, score, subject_checks, upscale_checks
from core.framing.rotation import snap_to_pixels
from core.framing.rules import Aspect, FramingRules
from core.framing.subject import frame_face
from core.geometry import Box
from core.suggestion import CheckWarning, Genre, Suggestion


def aspect_label(aspect: Aspect) -> str:
    return f"{aspect[0]}x{aspect[1]}"


def ratio(aspect: Aspect) -> float:
    w, h = aspect
    if w <= 0 or h <= 0:
        from core.errors import FramingError

        raise FramingError(f"aspect must be two positive numbers, got {w}:{h}")
    return w / h


def reduced(w: int, h: int) -> Aspect:
    g = math.gcd(w, h) or 1
    return (w // g, h // g)


def finish(
    analysis: Analysis,
    *,
    suggestion_id: str,
    genre: Genre,
    framing: str,
    aspect: Aspect | None,
    box: Box,
    angle_deg: float,
    subject: int | None,
    base_score: float,
    spec: CheckSpec | None,
    rules: FramingRules,
    output_sizes: Sequence[tuple[int, int]] = (),
    extra: Sequence[CheckWarning] = (),
    snap: bool = True,
) -> Suggestion:
    if snap:
        box = snap_to_pixels(
            box, ratio(aspect) if aspect else None, analysis.width, analysis.height, angle_deg
        )
    warnings: list[CheckWarning] = list(extra)
    if subject is not None and spec is not None:
        ff = frame_face(analysis, subject, angle_deg)
        warnings.extend(subject_checks(analysis, ff, box, spec, rules))
    warnings.extend(upscale_checks(box, output_sizes))
    if aspect is None:
        bw, bh = box.rounded()[2:]
        aspect = reduced(max(bw, 1), max(bh, 1))
    return Suggestion(
        id=suggestion_id,
        genre=genre,
        framing=framing,
        aspect=aspect,
        box=box,
        angle_deg=angle_deg,
        subject=subject,
        score=score(base_score, warnings, rules),
        warnings=tuple(warnings),
    )


#: Warnings that mean the photo could not hold the framing even degraded.
_DEGRADED = frozenset({"subject-shifted"})


def best_of_levelled(build: Callable[[float], Suggestion], angle: float) -> Suggestion:
    """``build(angle)``; when the levelled photo could not hold the framing (a problem fired or
    the subject had to slide off centre), also ``build(0.0)`` and keep the higher score
    (levelling wins ties)."""
    levelled = build(angle)
    if angle == 0.0:
        return levelled
    if not any(w.code in _DEGRADED or w.severity == "problem" for w in levelled.warnings):
        return levelled
    upright = build(0.0)
    return upright if upright.score > levelled.score else levelled
