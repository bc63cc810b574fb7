"""Exporting one photo to several presets from a single decode (the crops come planned, from
``core.framing.plan``)."""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from core.errors import ExportError, HeadroomError
from core.export.atomic import prepare_out_dir, write_atomic
from core.export.colour import srgb_profile_bytes, to_srgb
from core.export.encode import EncodeSettings, encode_within
from core.export.inputs import InputGuard
from core.export.metadata import output_exif, output_xmp, read_source_metadata
from core.export.naming import check_template, output_name, output_path
from core.export.render import CropRenderer
from core.export.source import open_for_export
from core.export.tiff16 import (
    COLOUR_SPACES,
    ColourSpace,
    Pixels16,
    encode_tiff,
    open_16bit,
    profile_for,
    render_16,
)
from core.export.types import ExportOptions, ProgressCallback, WrittenFile
from core.geometry import Box, upscale_factor
from core.presets import FORMAT_EXTENSIONS, FORMATS, Preset


class ExportCancelled(ExportError):
    """The export was cancelled; ``written`` lists the (complete) files written before that."""

    def __init__(self, written: list[WrittenFile]) -> None:
        super().__init__(f"export cancelled after {len(written)} file(s)")
        self.written = written


class PhotoExportFailed(ExportError):
    """One of a photo's outputs failed after others were written: ``written`` lists those. They are
    complete files, so they are kept and reported (the summary is what is on the disk)."""

    def __init__(self, message: str, written: list[WrittenFile]) -> None:
        super().__init__(message)
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
    if options.tiff_colour not in COLOUR_SPACES:
        raise ExportError(
            f"unknown TIFF colour space {options.tiff_colour!r}; use {' or '.join(COLOUR_SPACES)}"
        )
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


def refuse_inputs(paths: Sequence[Path], inputs: InputGuard) -> None:
    """ExportError when any output path is (or leads to) an input of the run: refused whatever
    ``overwrite`` says, before anything is written."""
    for path in paths:
        inputs.refuse(path)


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
    inputs: Sequence[Path] = (),
) -> list[WrittenFile]:
    """Render ``source`` once per preset with ``crops[preset.id]`` (box in upright original px,
    angle in degrees) and write each file atomically into ``out_dir``.

    All names are checked before any file is written; the original is only read, and no output
    ever replaces it or another of the run's ``inputs`` (by path or by inode), even with
    ``overwrite``. When a file fails after others were written, PhotoExportFailed lists those.
    Safe to call from a worker thread (no shared state); ``cancel`` is checked between outputs.
    """
    source = Path(source)
    planned = _checked_plan(source, presets, out_dir, options, crops, index, make_dir=True)
    guard = _guard_outputs([p.path for p in planned], [source, *inputs], options.overwrite)
    written: list[WrittenFile] = []
    total = len(planned)
    with _reporting_written(written):
        for rendered in render_outputs(
            source, planned, options, crops, cancel=cancel, done=written
        ):
            write_atomic(
                rendered.file.path, rendered.data, overwrite=options.overwrite, inputs=guard
            )
            written.append(rendered.file)
            if progress is not None:
                progress(len(written), total, f"{source.name} -> {rendered.file.path.name}")
    return written


@contextlib.contextmanager
def _reporting_written(written: list[WrittenFile]) -> Iterator[None]:
    """A failure after some of a photo's files were written becomes PhotoExportFailed carrying
    them (they are complete: kept, and reported so the summary matches the disk)."""
    try:
        yield
    except (ExportCancelled, PhotoExportFailed):
        raise
    except Exception as exc:
        if not written:
            raise
        reason = str(exc) if isinstance(exc, HeadroomError) else f"{type(exc).__name__}: {exc}"
        raise PhotoExportFailed(reason, list(written)) from exc


def render_photo(
    source: Path,
    presets: Sequence[Preset],
    out_dir: Path,
    options: ExportOptions,
    crops: Mapping[str, tuple[Box, float]],
    *,
    index: int = 1,
) -> list[RenderedFile]:
    """``export_photo`` without the writing: every output of ``source`` rendered and encoded in
    memory, with the path it is meant for in ``out_dir`` (not looked at; see ``write_rendered``).
    For a machine that cannot see the output folder (a cluster worker)."""
    source = Path(source)
    planned = _checked_plan(source, presets, out_dir, options, crops, index, make_dir=False)
    return list(render_outputs(source, planned, options, crops))


def _checked_plan(
    source: Path,
    presets: Sequence[Preset],
    out_dir: Path,
    options: ExportOptions,
    crops: Mapping[str, tuple[Box, float]],
    index: int,
    *,
    make_dir: bool,
) -> list[PlannedOutput]:
    """What every export of one photo starts with: the options and crops checked, then (with
    ``make_dir``) the output folder made ready, then each output's path and format planned."""
    check_options(options)
    _check_crops(source, presets, crops)
    if make_dir:  # only for a request known to be good: a bad one leaves no new folder
        out_dir = prepare_out_dir(out_dir)
    return plan_outputs(source, presets, out_dir, options, index=index)


def _guard_outputs(paths: Sequence[Path], inputs: Sequence[Path], overwrite: bool) -> InputGuard:
    """Refuse, before the first file is written, outputs that are inputs of the run or (unless
    ``overwrite``) exist; the guard then keeps each write off the inputs."""
    guard = InputGuard(inputs)
    refuse_inputs(paths, guard)
    refuse_existing(paths, overwrite)
    return guard


def _check_crops(
    source: Path, presets: Sequence[Preset], crops: Mapping[str, tuple[Box, float]]
) -> None:
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


@dataclass(frozen=True)
class RenderedFile:
    """One encoded output, not yet written: ``file`` says where it goes and what it is."""

    file: WrittenFile
    data: bytes


def render_outputs(
    source: Path,
    planned: Sequence[PlannedOutput],
    options: ExportOptions,
    crops: Mapping[str, tuple[Box, float]],
    *,
    cancel: threading.Event | None = None,
    done: Sequence[WrittenFile] = (),
) -> Iterator[RenderedFile]:
    """Render and encode each planned output of ``source`` from one decode, one at a time (only
    one encoded file is held). Writes nothing: ``export_photo`` writes each file as it comes; a
    cluster worker sends them to the machine that writes. ``cancel`` is checked between outputs
    (ExportCancelled carries ``done``, the files written so far)."""
    source = Path(source)
    presets = [p.preset for p in planned]
    needed = max(upscale_factor(crops[p.id][0], (p.width, p.height)) for p in presets)
    exif, xmp = read_source_metadata(source)
    # Each kind of source is decoded once, when the first output needing it comes.
    eight_bit: tuple[CropRenderer, bytes | None] | None = None
    sixteen_bit: Pixels16 | None = None
    tiff_colour = cast(ColourSpace, options.tiff_colour)

    for plan in planned:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(list(done))
        preset = plan.preset
        box, angle = crops[preset.id]
        size = (preset.width, preset.height)
        label = f"{source.name} -> {preset.id}"
        if plan.format == "tiff":
            if sixteen_bit is None:
                sixteen_bit = open_16bit(source, tiff_colour)
            data = encode_tiff(
                render_16(sixteen_bit, box, angle, size),
                ppi=preset.ppi,
                icc_profile=profile_for(tiff_colour),
            )
            if preset.max_bytes is not None and len(data) > preset.max_bytes:
                raise ExportError(
                    f"{label}: the TIFF is {len(data)} bytes, over the {preset.max_bytes}-byte "
                    "limit; export as JPEG or WebP so quality can be lowered to fit"
                )
            file = WrittenFile(source, preset.id, plan.path, *size, bytes=len(data), quality=None)
            yield RenderedFile(file, data)
            continue
        if eight_bit is None:
            image, scale = open_for_export(source, needed)
            requests = [(crops[p.id][0], crops[p.id][1], (p.width, p.height)) for p in presets]
            eight_bit = (CropRenderer(image, requests, scale=scale), image.info.get("icc_profile"))
        renderer, icc = eight_bit
        rendered = to_srgb(renderer.render(box, angle, size), icc)
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
        encoded = encode_within(rendered, settings, preset.max_bytes, label=label)
        result = RenderedFile(
            WrittenFile(
                source=source,
                preset=preset.id,
                path=plan.path,
                width=preset.width,
                height=preset.height,
                bytes=len(encoded.data),
                quality=encoded.quality,
            ),
            encoded.data,
        )
        # A print-sized output is 100+ MB: let it go before the next one is rendered.
        del rendered, encoded
        yield result


def write_rendered(
    files: Sequence[RenderedFile], overwrite: bool, inputs: Sequence[Path] = ()
) -> list[WrittenFile]:
    """Write one photo's rendered outputs with ``export_photo``'s rules: every name is checked
    before the first is written, none is an input of the run (its source or ``inputs``), each
    file is written atomically and never replaces one unless ``overwrite``."""
    sources = {f.file.source for f in files}
    guard = _guard_outputs([f.file.path for f in files], [*sources, *inputs], overwrite)
    written: list[WrittenFile] = []
    with _reporting_written(written):
        for rendered in files:
            write_atomic(rendered.file.path, rendered.data, overwrite=overwrite, inputs=guard)
            written.append(rendered.file)
    return written
