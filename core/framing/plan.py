"""Crop planning: which crop each output preset gets, from one photo's analysis, and its checks.

One crop record (``CropChoice``: what a person or a suggestion chose for a photo, also the sidecar
payload) and one function, ``plan_crops``, from (analysis, presets, and a suggestion, a suggestion
id, a saved crop, or nothing) to a ``PlannedCrops``: per preset id the box and angle to render,
and the presets the photo cannot be framed for with the reason. Export only writes what this
decides. An ID preset is always framed by its ID rule (its head size and eye line are the law),
never by re-fitting another crop.

``plan_checks`` gives each planned crop its checks (the ones the export dialog shows before and
after writing); ``crop_checks`` is the Checks panel's list for a crop on screen and a set of
presets: the crop's own checks, then what each preset's crop adds (upscaling, ID rules).

Boxes are in upright original pixels; a box with an angle lives in the frame of the photo rotated
counter-clockwise by that angle about its centre (``core.geometry``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import FramingError
from core.faces import Analysis
from core.framing.manual import manual_suggestion, subject_in_crop
from core.framing.rotation import box_at, clamp_box, largest_box
from core.framing.suggest import suggest_all, suggestion_for
from core.geometry import Box, Point
from core.presets import Preset
from core.suggestion import CheckWarning, Suggestion

#: The check code of a preset the photo cannot be framed for (Checks panel).
PRESET_UNFRAMED = "preset-unframed"

#: Per preset id: the crop box (upright original px; rotated frame when angle != 0) and angle.
CropPlan = dict[str, tuple[Box, float]]


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
    def of_crop(
        cls,
        box: Box,
        angle_deg: float,
        aspect: tuple[int, int] | None,
        subject: int | None,
        suggestion_id: str | None,
        source: Suggestion | None,
    ) -> CropChoice:
        """A crop with the genre and framing of the suggestion it still is (``source``); without
        one, a manual crop."""
        return cls(
            box=box,
            angle_deg=angle_deg,
            aspect=aspect,
            suggestion_id=suggestion_id,
            subject=subject,
            genre=source.genre if source is not None else "manual",
            framing=source.framing if source is not None else None,
        )

    @classmethod
    def from_suggestion(cls, s: Suggestion) -> CropChoice:
        return cls.of_crop(s.box, s.angle_deg, s.aspect, s.subject, s.id, s)

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


@dataclass(frozen=True)
class PlannedCrops:
    """``crops``: per preset id the (box, angle) to render; ``unframed``: per preset id the reason
    the photo cannot be framed for it (those presets are left out of ``crops``)."""

    crops: CropPlan
    unframed: dict[str, str] = field(default_factory=dict)

    def require_all(self) -> CropPlan:
        """``crops`` when every preset was framed; FramingError (the first reason) otherwise."""
        if self.unframed:
            raise FramingError(next(iter(self.unframed.values())))
        return self.crops


#: Where a photo's crops come from: the framing engine per preset (None), one of the photo's
#: suggestions (the object or its id) or a chosen crop (a person's or a sidecar's).
CropSource = CropChoice | Suggestion | str | None


def plan_crops(
    analysis: Analysis, presets: Sequence[Preset], source: CropSource = None
) -> PlannedCrops:
    """The crop for each preset.

    - ``None``: the framing engine's suggestion for the preset's own genre, framing and aspect;
    - a suggestion (or its id): that crop re-fitted to each preset's aspect;
    - a ``CropChoice`` (a person's crop or a sidecar): re-fitted to each preset's aspect (kept
      exactly where the aspect already matches).
    A preset the photo cannot be framed for (a cover from a tight portrait) is left out with its
    reason. FramingError when the photo has no face and no crop was given, or no such suggestion.
    """
    choice = _as_choice(analysis, source)
    if choice is None and not analysis.faces:
        raise FramingError(f"{_name(analysis)}: no face found; nothing to frame")
    crops: CropPlan = {}
    unframed: dict[str, str] = {}
    for preset in presets:
        if choice is not None and not is_id_preset(preset):
            crops[preset.id] = (
                refit(choice, preset.aspect, analysis.width, analysis.height),
                choice.angle_deg,
            )
            continue
        try:
            suggestion = suggestion_for_preset(analysis, preset, _subject(analysis, choice))
        except FramingError as exc:
            unframed[preset.id] = str(exc)
            continue
        crops[preset.id] = (suggestion.box, suggestion.angle_deg)
    return PlannedCrops(crops, unframed)


def _as_choice(analysis: Analysis, source: CropSource) -> CropChoice | None:
    if source is None or isinstance(source, CropChoice):
        return source
    if isinstance(source, Suggestion):
        return CropChoice.from_suggestion(source)
    suggestions = suggest_all(analysis)
    match = next((s for s in suggestions if s.id == source), None)
    if match is None:
        known = ", ".join(s.id for s in suggestions) or "none"
        raise FramingError(f"{_name(analysis)}: no suggestion {source!r} (this photo has: {known})")
    return CropChoice.from_suggestion(match)


def is_id_preset(preset: Preset) -> bool:
    """An ID photo preset: framed by its ID rule whatever crop was chosen."""
    return preset.genre == "id"


def _subject(analysis: Analysis, choice: CropChoice | None) -> int | None:
    """The person a chosen crop is of: its own subject, else the largest face whose eyes are in
    it, else (a crop of no face) the largest face. None without a choice (the engine decides)."""
    if choice is None or not analysis.faces:
        return None
    if choice.subject is not None and 0 <= choice.subject < len(analysis.faces):
        return choice.subject
    inside = subject_in_crop(analysis, choice.box, choice.angle_deg)
    return inside if inside is not None else 0


def suggestion_for_preset(
    analysis: Analysis, preset: Preset, subject: int | None = None
) -> Suggestion:
    """The framing engine's crop for ``preset`` (of face ``subject``; None: the engine's pick):
    its own framing, else the first of its fallbacks the photo can give. FramingError (the
    preset's own reason) when none works."""
    first: FramingError | None = None
    for genre, framing in preset.framings:
        try:
            return suggestion_for(
                analysis,
                genre=genre,
                framing=framing,
                aspect=preset.aspect,
                subject=subject,
                output_sizes=((preset.width, preset.height),),
            )
        except FramingError as exc:
            if not analysis.faces:
                raise
            first = first or exc
    assert first is not None
    raise FramingError(f"{preset.id}: {first}") from first


def plan_checks(
    analysis: Analysis,
    presets: Sequence[Preset],
    planned: PlannedCrops,
    source: CropSource = None,
) -> dict[str, tuple[CheckWarning, ...]]:
    """Per planned preset, core's checks of the crop it gets at its output size: the subject
    checks of the crop's genre (the ID rule's for an ID preset) and its upscaling."""
    choice = source if isinstance(source, CropChoice) else None
    if isinstance(source, Suggestion):
        choice = CropChoice.from_suggestion(source)
    subject = _subject(analysis, choice)
    found: dict[str, tuple[CheckWarning, ...]] = {}
    for preset in presets:
        if preset.id not in planned.crops:
            continue
        box, angle = planned.crops[preset.id]
        if is_id_preset(preset) or choice is None or choice.genre in (None, "manual"):
            genre, framing = preset.genre, preset.framing
        else:
            genre, framing = choice.genre, choice.framing or "manual"
        found[preset.id] = manual_suggestion(
            analysis,
            box,
            aspect=preset.aspect,
            angle_deg=angle,
            subject=subject,
            genre=genre,
            framing=framing,
            output_sizes=((preset.width, preset.height),),
        ).warnings
    return found


def blank_analysis(width: int, height: int, path: Path | None = None) -> Analysis:
    """A photo nobody looked for faces in: plans by re-fitting, checks only the sizes."""
    return Analysis(path, width, height, (), None)


def checks_by_preset(
    analysis: Analysis, presets: Sequence[Preset], source: CropSource = None
) -> dict[str, tuple[CheckWarning, ...]]:
    """Per preset, the checks of the crop it will get (``plan_crops`` then ``plan_checks``); a
    preset the photo cannot be framed for gets one problem with the reason."""
    planned = plan_crops(analysis, presets, source)
    found = plan_checks(analysis, presets, planned, source)
    for pid, why in planned.unframed.items():
        found[pid] = (CheckWarning(PRESET_UNFRAMED, f"cannot be framed: {why}", "problem"),)
    return {p.id: found.get(p.id, ()) for p in presets}


def crop_checks(
    analysis: Analysis, choice: CropChoice, presets: Sequence[Preset] = ()
) -> tuple[CheckWarning, ...]:
    """The checks of ``choice`` as the photographer sees them for the ``presets`` they export to:
    the crop's own checks, then each preset's that its planned crop adds, named for the preset
    (an upscaled print, an ID photo's head size), and the presets the photo cannot give."""
    own = manual_suggestion(
        analysis,
        choice.box,
        aspect=choice.aspect,
        angle_deg=choice.angle_deg,
        subject=_subject(analysis, choice),
        genre=choice.genre or "manual",
        framing=choice.framing or "manual",
    ).warnings
    found = list(own)
    seen = {(w.code, w.message) for w in own}
    try:
        planned = plan_crops(analysis, presets, choice)
    except FramingError as exc:
        return (*found, CheckWarning(PRESET_UNFRAMED, str(exc), "problem"))
    per_preset = plan_checks(analysis, presets, planned, choice)
    for preset in presets:
        if preset.id in planned.unframed:
            found.append(
                CheckWarning(
                    PRESET_UNFRAMED,
                    f"{preset.name}: cannot be framed: {planned.unframed[preset.id]}",
                    "problem",
                )
            )
            continue
        for w in per_preset.get(preset.id, ()):
            if (w.code, w.message) not in seen:
                seen.add((w.code, w.message))
                found.append(CheckWarning(w.code, f"{preset.name}: {w.message}", w.severity))
    return tuple(found)


def refit_to_presets(
    choice: CropChoice, presets: Sequence[Preset], width: int, height: int
) -> CropPlan:
    """One chosen crop re-fitted (``refit``) to each preset's aspect, keeping its angle."""
    return {p.id: (refit(choice, p.aspect, width, height), choice.angle_deg) for p in presets}


def refit(choice: CropChoice, aspect: tuple[int, int], width: int, height: int) -> Box:
    """``choice.box`` re-fitted to ``aspect`` inside the (rotated) photo of ``width`` x ``height``.

    The smallest box of the new aspect that contains the whole chosen crop, horizontally centred on
    it, with its upper third line on the chosen crop's upper third line (where a portrait's eyes
    sit), then moved inside the photo; when the photo is too small for that, the largest box of the
    aspect the photo allows, anchored the same way. Kept exactly when the aspect already matches.
    """
    old = choice.box
    if choice.aspect is not None and _same_ratio(choice.aspect, aspect):
        return old
    ratio = aspect[0] / aspect[1]
    if abs(old.w / old.h - ratio) < 1e-9:
        return old
    angle = choice.angle_deg
    h = old.h if ratio >= old.w / old.h else old.w / ratio
    anchor = Point(old.cx, old.top + old.h / 3.0)
    biggest = largest_box(ratio, width, height, angle)
    if biggest.h > 0:
        h = min(h, biggest.h)
    fitted: Box = clamp_box(box_at(anchor, h, ratio, 0.5, 1.0 / 3.0), width, height, angle)
    return fitted


def _same_ratio(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] * b[1] == a[1] * b[0]


def _name(analysis: Analysis) -> str:
    return analysis.path.name if analysis.path is not None else "photo"
