"""Exporting one photo to several presets from a single decode, and planning the crops for them."""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ExportError, FramingError
from core.export.atomic import prepare_out_dir, write_atomic
from core.export.colour import srgb_profile_bytes, to_srgb
from core.export.encode import EncodeSettings, encode_within
from core.export.metadata import output_exif, output_xmp, read_source_metadata
from core.export.naming import check_template, output_name, output_path
from core.export.render import CropRenderer
from core.export.source import open_for_export
from core.export.types import CropChoice, CropPlan, ExportOptions, ProgressCallback, WrittenFile
from core.geometry import Box, Point
from core.presets import FORMAT_EXTENSIONS, FORMATS, Preset

if TYPE_CHECKING:
    from core.faces import Analysis
    from core.suggestion import Suggestion


class ExportCancelled(ExportError):
    """The export was cancelled; ``written`` lists the (complete) files written before that."""

    def __init__(self, written: list[WrittenFile]) -> None:
        super().__init__(f"export cancelled after {len(written)} file(s)")
        self.written = written


@dataclass(frozen=True)
class PlannedOutput:
    preset: Preset
    path: Path
    format: str


def check_options(options: ExportOptions) -> None:
    if options.format is not None and options.format not in FORMATS:
        raise ExportError(f"unknown format {options.format!r}; use one of {', '.join(FORMATS)}")
    if not 1 <= options.quality <= 100:
        raise ExportError(f"quality must be 1..100, got {options.quality}")
    check_template(options.name_template)


def plan_outputs(
    source: Path,
    presets: Sequence[Preset],
    out_dir: Path,
    options: ExportOptions,
    *,
    index: int = 1,
) -> list[PlannedOutput]:
    """Every output path for ``source``; ExportError if two presets give the same name. Does not
    look at the disk (see ``refuse_existing``)."""
    planned: list[PlannedOutput] = []
    seen: dict[Path, str] = {}
    for preset in presets:
        fmt = options.format or preset.format
        name = output_name(
            options.name_template,
            stem=Path(source).stem,
            preset=preset.id,
            width=preset.width,
            height=preset.height,
            ext=FORMAT_EXTENSIONS[fmt],
            index=index,
        )
        path = output_path(out_dir, name)
        if path in seen:
            raise ExportError(
                f"presets {seen[path]} and {preset.id} would both be written to {path}; "
                "put {preset} in the file name template"
            )
        seen[path] = preset.id
        planned.append(PlannedOutput(preset, path, fmt))
    return planned


def plan_batch_outputs(
    sources: Sequence[Path], presets: Sequence[Preset], out_dir: Path, options: ExportOptions
) -> list[Path]:
    """Every output path of a batch, the sources numbered from 1 for ``{index}``. ExportError
    when two outputs would get the same name (a template without ``{stem}`` or ``{index}``).
    Does not look at the disk."""
    owners: dict[Path, Path] = {}
    for index, source in enumerate(sources, start=1):
        for planned in plan_outputs(source, presets, out_dir, options, index=index):
            other = owners.get(planned.path)
            if other is not None:
                raise ExportError(
                    f"{other.name} and {Path(source).name} would both be written to "
                    f"{planned.path}; put {{stem}} or {{index}} in the file name template"
                )
            owners[planned.path] = Path(source)
    return list(owners)


def refuse_existing(paths: Sequence[Path], overwrite: bool) -> None:
    """ExportError naming the existing files, unless overwriting is allowed."""
    if overwrite:
        return
    existing = [p for p in paths if p.exists()]
    if existing:
        shown = ", ".join(str(p) for p in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise ExportError(
            f"{shown}{more} already exist(s); nothing was written (use overwrite to replace)"
        )


def export_photo(
    source: Path,
    presets: Sequence[Preset],
    out_dir: Path,
    options: ExportOptions,
    crops: Mapping[str, tuple[Box, float]],
    *,
    index: int = 1,
    cancel: threading.Event | None = None,
    progress: ProgressCallback | None = None,
) -> list[WrittenFile]:
    """Render ``source`` once per preset with ``crops[preset.id]`` (box in upright original px,
    angle in degrees) and write each file atomically into ``out_dir``.

    All names are checked before any file is written; the original is only read. Safe to call from a
    worker thread (no shared state); ``cancel`` is checked between outputs.
    """
    source = Path(source)
    check_options(options)
    if not presets:
        raise ExportError("no presets chosen for export")
    missing = [p.id for p in presets if p.id not in crops]
    if missing:
        raise ExportError(f"{source.name}: no crop for preset(s) {', '.join(missing)}")
    for preset in presets:
        box, angle = crops[preset.id]
        values = (box.x, box.y, box.w, box.h, angle)
        if not all(math.isfinite(v) for v in values) or box.w < 1 or box.h < 1:
            raise ExportError(f"{source.name}: the crop for {preset.id} is not usable ({box})")
    out_dir = prepare_out_dir(out_dir)
    planned = plan_outputs(source, presets, out_dir, options, index=index)
    refuse_existing([p.path for p in planned], options.overwrite)

    needed = max(max(p.width / crops[p.id][0].w, p.height / crops[p.id][0].h) for p in presets)
    image, scale = open_for_export(source, needed)
    icc = image.info.get("icc_profile")
    exif, xmp = read_source_metadata(source)

    renderer = CropRenderer(
        image,
        [(crops[p.id][0], crops[p.id][1], (p.width, p.height)) for p in presets],
        scale=scale,
    )
    written: list[WrittenFile] = []
    total = len(planned)
    for done, plan in enumerate(planned):
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(written)
        preset = plan.preset
        box, angle = crops[preset.id]
        rendered = renderer.render(box, angle, (preset.width, preset.height))
        rendered = to_srgb(rendered, icc)
        settings = EncodeSettings(
            format=plan.format,
            quality=options.quality,
            ppi=preset.ppi,
            icc_profile=srgb_profile_bytes(),
            exif=output_exif(
                exif,
                width=preset.width,
                height=preset.height,
                ppi=preset.ppi,
                keep_metadata=options.keep_metadata,
            ),
            xmp=output_xmp(xmp, keep_metadata=options.keep_metadata),
        )
        encoded = encode_within(
            rendered, settings, preset.max_bytes, label=f"{source.name} -> {preset.id}"
        )
        write_atomic(plan.path, encoded.data, overwrite=options.overwrite)
        written.append(
            WrittenFile(
                source=source,
                preset=preset.id,
                path=plan.path,
                width=preset.width,
                height=preset.height,
                bytes=len(encoded.data),
                quality=encoded.quality,
            )
        )
        if progress is not None:
            progress(done + 1, total, f"{source.name} -> {plan.path.name}")
    return written


def plan_crops(
    analysis: Analysis,
    presets: Sequence[Preset],
    choice: CropChoice | None = None,
    suggestion_id: str | None = None,
) -> CropPlan:
    """The crop for each preset, as ``{preset id: (box, angle_deg)}``.

    - default: the framing engine's suggestion for the preset's own genre, framing and aspect;
    - ``suggestion_id``: that suggestion of this photo, re-fitted to each preset's aspect;
    - ``choice`` (a user's crop or a sidecar): the same crop re-fitted to each preset's aspect
      (kept exactly where the aspect already matches).
    FramingError when the photo has no usable face for a framing that needs one.
    """
    if suggestion_id is not None:
        choice = _choice_from_suggestion(analysis, suggestion_id)
    plan, unframed = _plan_each(analysis, presets, choice)
    if unframed:
        raise next(iter(unframed.values()))
    return plan


def plan_crops_partial(
    analysis: Analysis,
    presets: Sequence[Preset],
    choice: CropChoice | None = None,
    suggestion_id: str | None = None,
) -> tuple[CropPlan, dict[str, str]]:
    """Like ``plan_crops``, but a preset the photo cannot be framed for (a cover from a tight
    portrait) is left out with its reason instead of failing the photo: ``(plan, {preset id:
    reason})``. FramingError still when the photo has no face or no such suggestion."""
    if suggestion_id is not None:
        choice = _choice_from_suggestion(analysis, suggestion_id)
    if choice is None and not analysis.faces:
        raise FramingError(f"{_name(analysis)}: no face found; nothing to frame")
    plan, unframed = _plan_each(analysis, presets, choice)
    return plan, {pid: str(exc) for pid, exc in unframed.items()}


def _plan_each(
    analysis: Analysis, presets: Sequence[Preset], choice: CropChoice | None
) -> tuple[CropPlan, dict[str, FramingError]]:
    plan: CropPlan = {}
    unframed: dict[str, FramingError] = {}
    for preset in presets:
        if choice is not None:
            plan[preset.id] = (
                refit(choice, preset.aspect, analysis.width, analysis.height),
                choice.angle_deg,
            )
            continue
        try:
            suggestion = suggestion_for_preset(analysis, preset)
        except FramingError as exc:
            unframed[preset.id] = exc
            continue
        plan[preset.id] = (suggestion.box, suggestion.angle_deg)
    return plan, unframed


def _choice_from_suggestion(analysis: Analysis, suggestion_id: str) -> CropChoice:
    from core.framing.suggest import suggest_all

    suggestions = suggest_all(analysis)
    match = next((s for s in suggestions if s.id == suggestion_id), None)
    if match is None:
        known = ", ".join(s.id for s in suggestions) or "none"
        raise FramingError(
            f"{_name(analysis)}: no suggestion {suggestion_id!r} (this photo has: {known})"
        )
    return CropChoice.from_suggestion(match)


def suggestion_for_preset(analysis: Analysis, preset: Preset) -> Suggestion:
    """The framing engine's crop for ``preset``: its own framing, else the first of its fallbacks
    the photo can give. FramingError (the preset's own reason) when none works."""
    from core.framing.suggest import suggestion_for

    first: FramingError | None = None
    for genre, framing in preset.framings:
        try:
            return suggestion_for(
                analysis,
                genre=genre,
                framing=framing,
                aspect=preset.aspect,
                output_sizes=((preset.width, preset.height),),
            )
        except FramingError as exc:
            if not analysis.faces:
                raise
            first = first or exc
    assert first is not None
    raise FramingError(f"{preset.id}: {first}") from first


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
    from core.framing.rotation import box_at, clamp_box, largest_box

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
