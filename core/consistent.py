"""Consistent framing for a set of photos (a team page): the same eye-line height and the same head
size in every headshot.

The shared values per preset come from what the framing engine picks for each photo on its own (its
default headshot for the preset's framing and aspect): of those and their medians, the one that the
most photos of the set can meet. Each photo is then framed with those values; a photo whose framing
has to deviate (the head too near an edge to reach the shared position) is reported, not exported
off-line.
Only headshot presets are made consistent: ID presets already follow one fixed rule, and portrait
lengths depend on each photo's body.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import FramingError
from core.faces import Analysis
from core.framing.plan import CropPlan, suggestion_for_preset
from core.framing.rules import load_framing_rules
from core.framing.suggest import frame_headshot, suggestion_for
from core.geometry import Box, Point, rotate_point
from core.presets import Preset

#: How far (share of the crop height) a photo's eye line may sit from the shared one.
EYE_TOLERANCE = 0.01
#: How far (relative) its head size may differ from the shared one.
HEAD_TOLERANCE = 0.03


@dataclass(frozen=True)
class SharedFraming:
    preset: str
    head_share: float  # head height (crown to chin) / crop height
    eye_from_top: float  # eye line distance from the crop top / crop height
    photos: int  # how many photos the medians came from

    def to_json(self) -> dict[str, Any]:
        return {
            "preset": self.preset,
            "head_share": round(self.head_share, 4),
            "eye_from_top": round(self.eye_from_top, 4),
            "photos": self.photos,
        }


def measure(analysis: Analysis, subject: int, box: Box, angle_deg: float) -> tuple[float, float]:
    """(head_share, eye_from_top) of face ``subject`` in crop ``box`` (rotated frame at
    ``angle_deg``)."""
    face = analysis.faces[subject]
    centre = Point(analysis.width / 2.0, analysis.height / 2.0)
    eye = rotate_point(face.eye_center, centre, angle_deg)
    return face.head_height / box.h, (eye.y - box.top) / box.h


def off_centre(analysis: Analysis, subject: int, box: Box, angle_deg: float) -> float:
    """How far face ``subject`` sits from the crop's vertical centre line (share of its width)."""
    face = analysis.faces[subject]
    centre = Point(analysis.width / 2.0, analysis.height / 2.0)
    eye = rotate_point(face.eye_center, centre, angle_deg)
    return abs(eye.x - box.cx) / box.w


def _within(
    analysis: Analysis, subject: int, box: Box, angle_deg: float, target: tuple[float, float]
) -> bool:
    share, eye = measure(analysis, subject, box, angle_deg)
    return (
        abs(eye - target[1]) <= EYE_TOLERANCE
        and abs(share / target[0] - 1.0) <= HEAD_TOLERANCE
        and off_centre(analysis, subject, box, angle_deg)
        <= load_framing_rules().headshot.centre_tolerance
    )


def is_consistent_preset(preset: Preset) -> bool:
    return preset.genre == "headshot"


def shared_framing(analyses: Sequence[Analysis], preset: Preset) -> SharedFraming | None:
    """The set's shared framing for ``preset`` (None for presets that are not made consistent or
    when no photo can be framed).

    Candidates are what the framing engine picks for each photo on its own, plus their medians;
    the candidate that the most photos can meet wins (ties: the one nearest the medians), so one
    tightly cropped photo cannot push the whole set off its framing.
    """
    if not is_consistent_preset(preset):
        return None
    framed: list[tuple[Analysis, int]] = []
    candidates: list[tuple[float, float]] = []
    for analysis in analyses:
        try:
            s = suggestion_for(
                analysis, genre="headshot", framing=preset.framing, aspect=preset.aspect
            )
        except FramingError:
            continue
        subject = s.subject if s.subject is not None else 0
        framed.append((analysis, subject))
        candidates.append(measure(analysis, subject, s.box, s.angle_deg))
    if not candidates:
        return None
    median = (
        statistics.median(c[0] for c in candidates),
        statistics.median(c[1] for c in candidates),
    )
    options = _spread([median, *candidates], MAX_CANDIDATES)

    def rank(candidate: tuple[float, float]) -> tuple[int, float]:
        meets = sum(
            1 for analysis, subject in framed if _meets(analysis, subject, preset, candidate)
        )
        distance = abs(candidate[0] / median[0] - 1.0) + abs(candidate[1] - median[1])
        return (-meets, distance)

    best = min(options, key=rank)
    return SharedFraming(preset.id, best[0], best[1], photos=len(framed))


#: Candidates tried per preset (each costs one framing per photo).
MAX_CANDIDATES = 12


def _spread(values: list[tuple[float, float]], limit: int) -> list[tuple[float, float]]:
    """At most ``limit`` candidates: the first (the medians) and an even spread of the rest by
    head share."""
    if len(values) <= limit:
        return values
    rest = sorted(values[1:])
    step = (len(rest) - 1) / (limit - 2)
    return [values[0], *(rest[round(i * step)] for i in range(limit - 1))]


def _meets(analysis: Analysis, subject: int, preset: Preset, target: tuple[float, float]) -> bool:
    try:
        s = frame_headshot(
            analysis, subject, preset.aspect, head_share=target[0], eye_from_top=target[1]
        )
    except FramingError:
        return False
    return _within(analysis, subject, s.box, s.angle_deg, target)


def frame_consistently(
    analysis: Analysis, presets: Sequence[Preset], shared: dict[str, SharedFraming | None]
) -> tuple[CropPlan, dict[str, str]]:
    """Crops for one photo: the shared framing for headshot presets, the normal suggestion for the
    rest, as ``(plan, {preset id: reason})``: a preset this photo cannot meet is left out with the
    reason. FramingError when the photo has no face."""
    name = analysis.path.name if analysis.path is not None else "photo"
    if not analysis.faces:
        raise FramingError(f"{name}: no face found")
    plan: CropPlan = {}
    unframed: dict[str, str] = {}
    for preset in presets:
        target = shared.get(preset.id)
        try:
            if target is None:
                s = suggestion_for_preset(analysis, preset)
            else:
                s = frame_headshot(
                    analysis,
                    0,
                    preset.aspect,
                    head_share=target.head_share,
                    eye_from_top=target.eye_from_top,
                    output_sizes=((preset.width, preset.height),),
                )
        except FramingError as exc:
            unframed[preset.id] = str(exc)
            continue
        if target is not None and not _within(
            analysis, 0, s.box, s.angle_deg, (target.head_share, target.eye_from_top)
        ):
            share, eye = measure(analysis, 0, s.box, s.angle_deg)
            shift = off_centre(analysis, 0, s.box, s.angle_deg)
            unframed[preset.id] = (
                f"{name}: cannot match the set's {preset.id} framing (eye line at "
                f"{eye:.0%} of the height, head {share:.0%}, {shift:.0%} off centre; the set uses "
                f"{target.eye_from_top:.0%} and {target.head_share:.0%}, centred): the head is "
                "too close to the photo's edge"
            )
            continue
        plan[preset.id] = (s.box, s.angle_deg)
    return plan, unframed
