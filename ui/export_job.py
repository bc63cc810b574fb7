"""What the export dialog runs in the background, and the checks it makes before starting.

No Qt here: ``run_export`` executes in a pool thread with plain inputs (an ``ExportJob`` snapshot),
and every decision (crop re-fitting, names, encoding, atomic writes) is made by ``core.export``.
A source that comes with a committed crop is exported with that crop re-fitted to each preset's
aspect; a source without one gets its saved sidecar crop, else core's framing (detection and
suggestions), the way the CLI does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.batch import BatchItem, plan_photo_crops_partial, run_batch
from core.crop_session import CropState
from core.errors import FramingError, HeadroomError
from core.export import (
    ExportCancelled,
    ExportOptions,
    WrittenFile,
    export_photo,
    plan_batch_outputs,
    plan_outputs,
)
from core.export.atomic import prepare_out_dir
from core.export.naming import check_template
from core.framing.plan import CropPlan, refit_to_presets
from core.photo import read_image_size
from core.presets import Preset, PresetBook

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer

#: progress(done, total, message) — called from the export thread.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ExportJob:
    """A snapshot of the dialog's fields, safe to hand to a worker."""

    sources: tuple[tuple[Path, CropState | None], ...]
    preset_ids: tuple[str, ...]
    out_dir: Path
    format: str | None
    quality: int
    keep_metadata: bool
    name_template: str
    overwrite: bool
    consistent: bool

    def options(self) -> ExportOptions:
        return ExportOptions(
            format=self.format,
            quality=self.quality,
            keep_metadata=self.keep_metadata,
            overwrite=self.overwrite,
            name_template=self.name_template,
        )


@dataclass(frozen=True)
class ExportRunResult:
    """What one run of the dialog did. ``failed``/``skipped`` hold (source or None, reason)."""

    written: tuple[WrittenFile, ...]
    failed: tuple[tuple[Path | None, str], ...]
    skipped: tuple[tuple[Path, str], ...]
    cancelled: bool

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
    sources = [source for source, _crop in job.sources]
    planned = plan_batch_outputs(sources, job_presets(job, book), job.out_dir, job.options())
    return [path for path in planned if path.exists()]


def crops_from_state(source: Path, crop: CropState, presets: Sequence[Preset]) -> CropPlan:
    """The committed crop re-fitted (by core) to each preset's aspect."""
    width, height = read_image_size(source)
    return refit_to_presets(crop.to_choice(), presets, width, height)


def run_export(
    job: ExportJob,
    book: PresetBook,
    cancel: threading.Event,
    progress: Progress | None = None,
    *,
    analyzer: FaceAnalyzer | None = None,
) -> ExportRunResult:
    """Export every source of ``job`` (worker thread). Stops between files once ``cancel`` is set;
    a failing photo is reported and the others still export.

    With ``consistent`` (a batch), core frames every photo itself with one shared framing so the
    set lines up (``core.batch.run_batch``); hand-made crops are not used then."""
    if job.consistent and len(job.sources) > 1:
        return _run_consistent_batch(job, book, cancel, progress, analyzer)
    presets = job_presets(job, book)
    options = job.options()
    total = len(job.sources) * len(presets)
    written: list[WrittenFile] = []
    failed: list[tuple[Path | None, str]] = []
    skipped: list[tuple[Path, str]] = []
    cancelled = False
    done_before = 0

    for index, (source, crop) in enumerate(job.sources, start=1):
        if cancel.is_set():
            cancelled = True
            skipped.extend((s, "cancelled") for s, _c in job.sources[index - 1 :])
            break
        base = done_before

        def report(done: int, _of: int, message: str, base: int = base) -> None:
            if progress is not None:
                progress(base + done, total, message)

        try:
            if crop is None:
                # A preset this photo cannot be framed for (a 4:1 cover from a tight portrait) is
                # skipped alone; the photo's other presets are still written.
                crops, unframed = plan_photo_crops_partial(
                    source, presets, analyzer=analyzer, use_sidecar=True
                )
                skipped.extend((source, f"{pid}: {why}") for pid, why in unframed.items())
                if not crops:
                    raise FramingError(next(iter(unframed.values()), "nothing to frame"))
            else:
                crops = crops_from_state(source, crop, presets)
            framed = [p for p in presets if p.id in crops]
            written.extend(
                export_photo(
                    source,
                    framed,
                    job.out_dir,
                    options,
                    crops,
                    index=index,
                    cancel=cancel,
                    progress=report,
                )
            )
        except ExportCancelled as exc:
            written.extend(exc.written)
            cancelled = True
            skipped.extend((s, "cancelled") for s, _c in job.sources[index:])
            break
        except FramingError as exc:  # no usable face: nothing to frame, not an error of the file
            skipped.append((source, str(exc)))
        except HeadroomError as exc:
            failed.append((source, str(exc)))
        done_before += len(presets)
        if progress is not None:
            progress(done_before, total, f"{source.name} done")
    return ExportRunResult(tuple(written), tuple(failed), tuple(skipped), cancelled)


def _run_consistent_batch(
    job: ExportJob,
    book: PresetBook,
    cancel: threading.Event,
    progress: Progress | None,
    analyzer: FaceAnalyzer | None,
) -> ExportRunResult:
    def report(done: int, total: int, item: BatchItem) -> None:
        if progress is not None:
            progress(done, total, f"{item.source.name}: {item.status}")

    result = run_batch(
        [source for source, _crop in job.sources],
        job_presets(job, book),
        job.out_dir,
        job.options(),
        consistent=True,
        progress=report,
        cancel=cancel,
        analyzer=analyzer,
    )
    # Photos the cancel stopped come back as "cancelled" (skipped, or failed at the analysis step).
    stopped = [i for i in result.items if i.status != "done" and i.reason == "cancelled"]
    return ExportRunResult(
        written=tuple(result.written),
        failed=tuple((i.source, i.reason or "failed") for i in result.failed if i not in stopped),
        skipped=tuple(
            (i.source, i.reason or "skipped")
            for i in result.items
            if i in stopped or i.status == "skipped"
        ),
        cancelled=cancel.is_set() and bool(stopped),
    )


__all__ = [
    "ExportJob",
    "ExportRunResult",
    "check_output_folder",
    "crops_from_state",
    "find_clashes",
    "name_example",
    "run_export",
]
