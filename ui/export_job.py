"""What the export dialog runs in the background, and the checks it makes before starting.

No Qt here: ``run_export`` executes in a pool thread with plain inputs (an ``ExportJob`` snapshot)
and drives core's batch loop (``core.batch.run_batch``), the one the CLI drives: every decision
(which crop, skipped or failed, names, encoding, atomic writes) is core's. A source that comes with
a chosen crop is exported with that crop re-fitted to each preset's aspect; a source without one
gets its saved sidecar crop, else core's framing (detection and suggestions).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.batch import (
    AnalysisMemo,
    BatchProgress,
    BatchResult,
    ChosenCrop,
    check_batch,
    run_batch,
)
from core.export import (
    ExportOptions,
    WrittenFile,
    check_template,
    plan_batch_outputs,
    plan_outputs,
    prepare_out_dir,
)
from core.framing import blank_analysis, checks_by_preset
from core.presets import Preset, PresetBook
from core.suggestion import CheckWarning

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer

#: progress(done, total, message) — called from the export thread.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ExportJob:
    """A snapshot of the dialog's fields, safe to hand to a worker."""

    sources: tuple[tuple[Path, ChosenCrop | None], ...]  # a photo and the crop chosen for it
    preset_ids: tuple[str, ...]
    out_dir: Path
    format: str | None
    quality: int
    keep_metadata: bool
    name_template: str
    overwrite: bool
    consistent: bool
    write_xmp: bool = False  # each photo's crop into its XMP sidecar for Lightroom
    tiff_colour: str = "srgb"  # colour space of 16-bit TIFF outputs

    def photos(self) -> list[Path]:
        return [source for source, _crop in self.sources]

    def chosen_crops(self) -> dict[Path, ChosenCrop]:
        """The photos given a crop (the one on screen): the others get theirs from core."""
        return {source: crop for source, crop in self.sources if crop is not None}

    def options(self) -> ExportOptions:
        return ExportOptions(
            format=self.format,
            quality=self.quality,
            keep_metadata=self.keep_metadata,
            overwrite=self.overwrite,
            name_template=self.name_template,
            tiff_colour=self.tiff_colour,
        )


@dataclass(frozen=True)
class ExportRunResult:
    """What one run of the dialog did. ``failed``/``skipped`` hold (source or None, reason)."""

    written: tuple[WrittenFile, ...]
    failed: tuple[tuple[Path | None, str], ...]
    skipped: tuple[tuple[Path, str], ...]
    cancelled: bool
    xmp: tuple[tuple[Path, str], ...] = ()  # (photo, what happened to its XMP sidecar)
    #: Per written file (its path): core's checks of the crop it got.
    checks: dict[Path, tuple[CheckWarning, ...]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.cancelled


def job_presets(job: ExportJob, book: PresetBook) -> list[Preset]:
    return [book.require(pid) for pid in job.preset_ids]


def name_example(template: str, source: Path, preset: Preset, fmt: str | None) -> str:
    """The first output's file name for ``template``; ExportError when the template is unusable
    (bad field, separator, a name that would leave the folder)."""
    check_template(template)
    options = ExportOptions(format=fmt, name_template=template)
    planned = plan_outputs(source, [preset], Path("."), options, index=1)
    return planned[0].path.name


def check_output_folder(folder: Path) -> Path:
    """Core's own check (creates the folder when only it is missing); ExportError otherwise."""
    return prepare_out_dir(folder)


def find_clashes(job: ExportJob, book: PresetBook) -> list[Path]:
    """Existing files the job would replace. ExportError when two outputs of the job itself would
    get the same name (a template without {stem}/{index} in a batch)."""
    sources = job.photos()
    planned = plan_batch_outputs(sources, job_presets(job, book), job.out_dir, job.options())
    return [path for path in planned if path.exists()]


def run_export(
    job: ExportJob,
    book: PresetBook,
    cancel: threading.Event,
    progress: Progress | None = None,
    *,
    analyzer: FaceAnalyzer | None = None,
    memo: AnalysisMemo | None = None,
) -> ExportRunResult:
    """Export every source of ``job`` (worker thread) with core's batch loop: a photo with a
    chosen crop gets it re-fitted to each preset, the others their sidecar crop or core's framing.
    Stops between files once ``cancel`` is set; a failing photo is reported and the others still
    export. With ``consistent`` (a batch), core frames every photo itself with one shared framing
    so the set lines up; hand-made crops are not used then."""
    result = run_batch(
        job.photos(),
        job_presets(job, book),
        job.out_dir,
        job.options(),
        consistent=job.consistent and len(job.sources) > 1,
        cancel=cancel,
        analyzer=analyzer,
        chosen=job.chosen_crops(),
        file_progress=progress,
        write_xmp=job.write_xmp,
        memo=memo,
    )
    return ExportRunResult(
        written=tuple(result.written),
        failed=tuple((i.source, i.reason or "failed") for i in result.failed),
        skipped=tuple((i.source, i.reason or "skipped") for i in result.skipped)
        + tuple((source, f"{pid}: {why}") for source, pid, why in result.unframed),
        cancelled=result.cancelled,
        xmp=tuple((i.source, i.xmp) for i in result.items if i.xmp is not None),
        checks={w.path: i.checks_of(w) for i in result.items for w in i.written},
    )


def check_export(
    job: ExportJob,
    book: PresetBook,
    cancel: threading.Event,
    progress: BatchProgress | None = None,
    *,
    analyzer: FaceAnalyzer | None = None,
    memo: AnalysisMemo | None = None,
) -> BatchResult:
    """What ``run_export`` of ``job`` would make of each photo, before anything is written: core's
    ``check_batch`` (per photo, each preset's checks, or why it will not be exported). Give
    ``run_export`` the same ``memo`` and it analyses no photo again."""
    return check_batch(
        job.photos(),
        job_presets(job, book),
        job.out_dir,
        job.options(),
        chosen=job.chosen_crops(),
        analyzer=analyzer,
        cancel=cancel,
        progress=progress,
        memo=memo,
    )


def checks_before_export(
    crop: ChosenCrop, presets: Sequence[Preset]
) -> dict[str, tuple[CheckWarning, ...]]:
    """Per preset, the checks of the crop export will write from ``crop`` (the photo on screen),
    planned exactly as the export plans it."""
    analysis = crop.analysis or blank_analysis(*crop.image_size)
    return checks_by_preset(analysis, presets, crop.choice)


__all__ = [
    "ExportJob",
    "ExportRunResult",
    "check_export",
    "check_output_folder",
    "checks_before_export",
    "find_clashes",
    "name_example",
    "run_export",
]
