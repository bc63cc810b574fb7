"""Batch export: many photos, each with its own detection and crops, to several presets.

Work runs in worker processes (one ``FaceAnalyzer`` per process, created by the pool initializer);
``workers=1`` runs in this process. Photos without a usable face are skipped with the reason, never
guessed; unreadable photos fail with the reason; the rest are exported. Every output name of the
whole batch is checked (clashes between photos, existing files) before any file is written.

The CLI and the GUI both drive ``run_batch``: the GUI passes the crops its photographer chose per
photo (``chosen``), its own face analyzer, and a per-file progress callback and a cancel event.

``consistent=True`` frames every photo's headshot with the set's shared eye-line height and head
size (see ``core.consistent``) so a team page lines up.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from core.errors import ExportError, FramingError, HeadroomError
from core.export import (
    ExportCancelled,
    ExportOptions,
    PhotoExportFailed,
    ProgressCallback,
    RenderedFile,
    WrittenFile,
    check_options,
    export_photo,
    plan_batch_outputs,
    refuse_existing,
    refuse_inputs,
    render_photo,
    write_rendered,
)
from core.export.atomic import prepare_out_dir
from core.export.inputs import InputGuard
from core.export.source import look_ahead_fits
from core.framing.plan import (
    CropChoice,
    CropPlan,
    CropSource,
    PlannedCrops,
    blank_analysis,
    is_id_preset,
    plan_checks,
    plan_crops,
)
from core.presets import Preset
from core.suggestion import CheckWarning

if TYPE_CHECKING:
    from core.consistent import SharedFraming
    from core.detection import FaceAnalyzer
    from core.faces import Analysis
    from core.framing.house_style import HouseStyle

Status = Literal["done", "skipped", "failed"]


@dataclass(frozen=True)
class BatchItem:
    """What happened to one photo. ``crop_from`` says where its crops came from: "suggestion",
    "suggestion:<id>", "sidecar", "chosen" (given by the caller) or "consistent". A photo the
    cancel stopped is "skipped" with the reason "cancelled", or "done" with that reason when some
    of its files were already written."""

    source: Path
    status: Status
    written: tuple[WrittenFile, ...] = ()
    reason: str | None = None
    crop_from: str | None = None
    #: Presets this photo could not be framed for, with the reason (the others were exported).
    unframed: tuple[tuple[str, str], ...] = ()
    #: With ``write_xmp``: what happened to the photo's XMP sidecar ("wrote ...", "XMP not
    #: written: reason"); None when no XMP was asked for.
    xmp: str | None = None
    #: Per written preset, core's checks of the crop it got (what the export dialog lists);
    #: from ``check_batch``, per preset it would write.
    checks: tuple[tuple[str, tuple[CheckWarning, ...]], ...] = ()

    def checks_of(self, written: WrittenFile) -> tuple[CheckWarning, ...]:
        return dict(self.checks).get(written.preset, ())

    def to_json(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "status": self.status,
            "reason": self.reason,
            "crop_from": self.crop_from,
            "written": [w.to_json() for w in self.written],
            "unframed": [{"preset": p, "reason": r} for p, r in self.unframed],
            "xmp": self.xmp,
            "checks": {p: [w.to_json() for w in found] for p, found in self.checks},
        }


@dataclass(frozen=True)
class BatchResult:
    items: tuple[BatchItem, ...]
    shared: dict[str, SharedFraming] = field(default_factory=dict)  # consistent mode, per preset

    @property
    def done(self) -> list[BatchItem]:
        return [i for i in self.items if i.status == "done"]

    @property
    def skipped(self) -> list[BatchItem]:
        return [i for i in self.items if i.status == "skipped"]

    @property
    def failed(self) -> list[BatchItem]:
        return [i for i in self.items if i.status == "failed"]

    @property
    def written(self) -> list[WrittenFile]:
        return [w for i in self.items for w in i.written]

    @property
    def cancelled(self) -> bool:
        """Whether a cancel stopped some photo (its files, or all of them, were not written)."""
        return any(i.reason == CANCELLED for i in self.items)

    @property
    def unframed(self) -> list[tuple[Path, str, str]]:
        """(source, preset id, reason) of each preset a done photo could not be framed for."""
        return [(i.source, pid, why) for i in self.done for pid, why in i.unframed]

    def to_json(self) -> dict[str, Any]:
        return {
            "written": [
                {k: v for k, v in w.to_json().items() if k != "quality"}
                | {"checks": [c.to_json() for c in i.checks_of(w)]}
                for i in self.items
                for w in i.written
            ],
            "skipped": [
                {"source": str(i.source), "preset": None, "reason": i.reason} for i in self.skipped
            ]
            + [
                {"source": str(i.source), "preset": preset, "reason": reason}
                for i in self.done
                for preset, reason in i.unframed
            ],
            "failed": [{"source": str(i.source), "error": i.reason} for i in self.failed],
            "summary": {
                "done": len(self.done),
                "skipped": len(self.skipped),
                "failed": len(self.failed),
                "files": len(self.written),
            },
            "consistent": {pid: s.to_json() for pid, s in self.shared.items()},
        }


#: progress(photos finished, photos in total, the photo's result), called in the calling thread.
BatchProgress = Callable[[int, int, BatchItem], None]

#: The reason given to the photos a cancel stopped.
CANCELLED = "cancelled"


@dataclass(frozen=True)
class ChosenCrop:
    """A crop the caller chose for one photo (the GUI's committed crop), with the size of the
    upright original it was made on and, when known, the photo's analysis: it is re-fitted to each
    preset (an ID preset is framed by its rule) without a new detection when the analysis comes
    with it or no ID preset needs faces."""

    choice: CropChoice
    image_size: tuple[int, int]
    analysis: Analysis | None = None


@dataclass(frozen=True)
class _Job:
    index: int  # 1-based position in the batch (the {index} name field)
    source: Path
    presets: tuple[Preset, ...]
    out_dir: Path
    options: ExportOptions
    suggestion_id: str | None = None
    use_sidecar: bool = True
    crops: CropPlan | None = None  # precomputed (consistent mode): skip detection
    unframed: tuple[tuple[str, str], ...] = ()  # with ``crops``: presets left out, and why
    checks: tuple[tuple[str, tuple[CheckWarning, ...]], ...] = ()  # with ``crops``: their checks
    chosen: ChosenCrop | None = None  # the caller's crop for this photo
    inputs: tuple[Path, ...] = ()  # the batch's photos: no write ever replaces one
    write_xmp: bool = False  # also write the crop into the photo's XMP sidecar (Lightroom)
    style: HouseStyle | None = None  # frame the photo in this house style


@dataclass(frozen=True)
class _InProcess:
    """What only an in-process run can use (not picklable): the cancel event, checked between
    output files too, and the per-file progress."""

    cancel: threading.Event | None = None
    on_file: Callable[[int, str], None] | None = None  # (files this photo wrote, message)
    after_photo: Callable[[_Job, BatchItem], None] | None = None
    ahead: _AnalysisAhead | None = None  # the next photo's analysis, started early
    #: Analyses photos in place of this process's own analyzer (``check_batch``'s caller's).
    analyzer: FaceAnalyzer | None = None
    #: Analyses kept across runs over the same photos (``AnalysisMemo``).
    memo: AnalysisMemo | None = None

    def analysis(self, source: Path) -> Analysis:
        if self.ahead is not None:
            return self.ahead.analysis(source)
        return _analyze(source, self.analyzer, self.memo)


class AnalysisMemo:
    """The analyses of a batch's photos, kept for a later run over the same photos in this
    process (the export dialog checks a batch, then exports it): each photo is analysed once
    while its file is unchanged, and a second run asking for a photo being analysed waits for
    that analysis rather than starting its own. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[Path, tuple[tuple[int, int], Future[Analysis]]] = {}

    def get(self, source: Path, analyze: Callable[[Path], Analysis]) -> Analysis:
        try:
            stat = source.stat()
        except OSError:
            return analyze(source)  # it raises the clear error for a missing photo
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            entry = self._found.get(source)
            mine = entry is None or entry[0] != key
            if mine:
                entry = (key, Future())
                self._found[source] = entry
        assert entry is not None
        future = entry[1]
        if mine:
            try:
                future.set_result(analyze(source))
            except BaseException as exc:
                future.set_exception(exc)
                with self._lock:  # a failure is not kept: the next run tries again
                    if self._found.get(source) is entry:
                        del self._found[source]
        return future.result()


def run_batch(
    sources: Sequence[Path],
    presets: Sequence[Preset],
    out_dir: Path,
    options: ExportOptions | None = None,
    *,
    workers: int = 1,
    consistent: bool = False,
    suggestion_id: str | None = None,
    use_sidecars: bool = True,
    progress: BatchProgress | None = None,
    cancel: threading.Event | None = None,
    analyzer: FaceAnalyzer | None = None,
    chosen: Mapping[Path, ChosenCrop] | None = None,
    file_progress: ProgressCallback | None = None,
    cluster: str | None = None,
    write_xmp: bool = False,
    style: HouseStyle | None = None,
    memo: AnalysisMemo | None = None,
) -> BatchResult:
    """Export every photo in ``sources`` to every preset in ``presets`` into ``out_dir``.

    Crops per photo: the caller's ``chosen`` crop for it if any, else ``suggestion_id`` if given
    (skipped when the photo has no such suggestion), else a saved sidecar crop (``use_sidecars``),
    else the framing engine's suggestion per preset; ``consistent`` frames every photo itself.
    ``analyzer`` is reused for in-process work (``workers=1``); worker processes make their own.
    ``file_progress(files done, files planned, message)`` reports each written file of an
    in-process run, which also checks ``cancel`` between files (a pool run between photos).
    ``cluster`` (a Dask scheduler address, or ``local:N``) runs the photos on a Dask cluster
    instead of local processes (``core.cluster``; ``workers`` is then ignored): same report.
    ``write_xmp`` also writes each photo's crop into its XMP sidecar for Lightroom / Camera Raw
    (``core.lightroom``; the photographer's crop, else the first preset's), never into the photo;
    each item's ``xmp`` says what happened. Not with ``cluster``.
    ``style`` frames every photo in that house style (``core.framing.house_style``; it wins over
    saved crops); a photo that cannot meet it is skipped with the reason.
    ``memo`` keeps the analyses of an in-process run (and uses those of an earlier one, e.g.
    ``check_batch``'s) so a photo is not analysed twice.
    Raises ExportError before any work when the folder or the names are unusable.
    """
    options = options or ExportOptions()
    if write_xmp and cluster is not None:
        raise ExportError("--xmp is written on this machine only; leave out --cluster to use it")
    sources = [Path(s) for s in sources]
    presets = tuple(presets)
    if not sources:
        raise ExportError("no photos to export")
    if not presets:
        raise ExportError("no presets chosen for export")
    check_options(options)
    out_dir = prepare_out_dir(out_dir)
    _preflight_names(sources, presets, out_dir, options)

    given = {} if consistent or chosen is None else {Path(k): v for k, v in chosen.items()}
    # Without overwrite nothing existing can be replaced; with it, each write checks again at the
    # last moment that its name is none of the batch's photos.
    inputs = tuple(sources) if options.overwrite else ()
    jobs = [
        _Job(
            i + 1,
            src,
            presets,
            out_dir,
            options,
            suggestion_id,
            use_sidecars and not consistent,
            chosen=given.get(src),
            inputs=inputs,
            write_xmp=write_xmp,
            style=None if consistent else style,
        )
        for i, src in enumerate(sources)
    ]
    workers = max(1, min(int(workers), len(jobs)))
    runner: JobRunner
    if cluster is not None:
        from core import cluster_start

        cluster_start.prepare(cluster)  # local:N's worker process, importing while Dask does
        from core.cluster import ClusterRunner  # Dask is imported only for a cluster run

        runner = ClusterRunner(cluster)
    else:
        reporter = _files_reporter(file_progress, len(jobs) * len(presets), cancel, memo)
        runner = _Runner(workers, analyzer, reporter)
    with runner:
        if not consistent:
            items = runner.run(_export_job, jobs, progress, cancel, len(jobs))
            return BatchResult(tuple(items))
        return _run_consistent(runner, jobs, progress, cancel)


def check_batch(
    sources: Sequence[Path],
    presets: Sequence[Preset],
    out_dir: Path,
    options: ExportOptions | None = None,
    *,
    suggestion_id: str | None = None,
    use_sidecars: bool = True,
    chosen: Mapping[Path, ChosenCrop] | None = None,
    analyzer: FaceAnalyzer | None = None,
    cancel: threading.Event | None = None,
    progress: BatchProgress | None = None,
    style: HouseStyle | None = None,
    memo: AnalysisMemo | None = None,
) -> BatchResult:
    """What ``run_batch`` with the same arguments (without ``consistent``) would make of each
    photo, before anything is rendered or written: "done" when it would be exported (``checks``
    then holds each planned preset's checks, ``unframed`` the presets left out, and ``written``
    is empty), else "skipped" or "failed" with the reason; each photo is planned exactly as the
    export plans it. Runs in this thread, one photo after another, analysing with ``analyzer``
    (else this process's own); stops between photos once ``cancel`` is set (the photos not
    reached are "skipped", "cancelled"). Looks at neither ``out_dir`` nor the names."""
    options = options or ExportOptions()
    given = {Path(k): v for k, v in (chosen or {}).items()}
    local = _InProcess(cancel=cancel, analyzer=analyzer, memo=memo)
    items: list[BatchItem] = []
    sources = [Path(s) for s in sources]
    for i, src in enumerate(sources):
        if cancel is not None and cancel.is_set():
            item = BatchItem(src, "skipped", reason=CANCELLED)
        else:
            job = _Job(
                i + 1,
                src,
                tuple(presets),
                Path(out_dir),
                options,
                suggestion_id,
                use_sidecars,
                chosen=given.get(src),
                style=style,
            )
            item = _photo_job(job, local, mode="plan")[0]
        items.append(item)
        if progress is not None:
            progress(i + 1, len(sources), item)
    return BatchResult(tuple(items))


def _preflight_names(
    sources: Sequence[Path], presets: Sequence[Preset], out_dir: Path, options: ExportOptions
) -> None:
    planned = plan_batch_outputs(sources, presets, out_dir, options)
    refuse_inputs(planned, InputGuard(sources))
    refuse_existing(planned, options.overwrite)


# -- the work on one photo (runs in a worker process or in-process) ---------------------------

_WORKER_ANALYZER: FaceAnalyzer | None = None
_ANALYZER_LOCK = threading.Lock()


def _init_worker(parent_pid: int | None = None, strip_threads: int | None = None) -> None:
    """Pool initializer: stop when the parent ``parent_pid`` goes away (``core.process_guard``);
    one analyzer per process, single-threaded (the processes are the parallelism), and at most
    ``strip_threads`` threads for one output (``core.export.strips``; None: its default)."""
    if parent_pid is not None:
        from core.process_guard import stop_with_parent

        stop_with_parent(parent_pid)
    if strip_threads is not None:
        from core.export import strips

        strips.set_thread_budget(strip_threads)
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from core.detection import FaceAnalyzer

    global _WORKER_ANALYZER
    _WORKER_ANALYZER = FaceAnalyzer(tile_workers=1)
    atexit.register(_close_analyzer, _WORKER_ANALYZER)


def start_worker_analyzer(strip_threads: int | None = None) -> None:
    """Give this worker process its analyzer now (a Dask worker's plugin; see ``_init_worker``)."""
    with _ANALYZER_LOCK:
        ready = _WORKER_ANALYZER is not None
    if not ready:
        _init_worker(strip_threads=strip_threads)


def strip_threads_per_worker(processes: int) -> int:
    """Threads one output may use in each of ``processes`` worker processes on this machine: the
    cores they leave over (one each when they fill the machine)."""
    return max(1, (os.cpu_count() or 1) // max(1, processes))


def stop_worker_analyzer() -> None:
    """Close this worker process's analyzer (the worker is stopping)."""
    global _WORKER_ANALYZER
    with _ANALYZER_LOCK:
        analyzer, _WORKER_ANALYZER = _WORKER_ANALYZER, None
    if analyzer is not None:
        _close_analyzer(analyzer)


def _analyzer() -> FaceAnalyzer:
    """This process's analyzer, created on first use and kept (FaceAnalyzer is thread-safe)."""
    global _WORKER_ANALYZER
    with _ANALYZER_LOCK:
        if _WORKER_ANALYZER is None:
            from core.detection import FaceAnalyzer

            _WORKER_ANALYZER = FaceAnalyzer()
            # Close MediaPipe before the interpreter tears its modules down (its finalisers
            # otherwise fail noisily at exit).
            atexit.register(_close_analyzer, _WORKER_ANALYZER)
        return _WORKER_ANALYZER


def _close_analyzer(analyzer: FaceAnalyzer) -> None:
    with contextlib.suppress(Exception):  # exiting anyway; nothing useful to report
        analyzer.close()


def _analyze(
    source: Path, analyzer: FaceAnalyzer | None = None, memo: AnalysisMemo | None = None
) -> Analysis:
    """``source``'s analysis by ``analyzer`` (else this process's own), kept in ``memo``."""

    def analyze(path: Path) -> Analysis:
        return (analyzer or _analyzer()).analyze_path(path)[1]

    return memo.get(source, analyze) if memo is not None else analyze(source)


def _needs_analysis(job: _Job) -> bool:
    """Whether ``_plan`` analyses the photo (see there)."""
    if job.crops is not None:
        return False
    if job.chosen is None:
        return True
    return job.chosen.analysis is None and any(is_id_preset(p) for p in job.presets)


class _AnalysisAhead:
    """In-process runs: the next photo's analysis (its reduced decode and MediaPipe's passes,
    which let go of the GIL) runs on a second thread while this photo is rendered and written, so
    one process keeps a second core busy. Nothing else changes: the same analyzer analyses the
    same file, and an error comes out where the photo's own analysis would raise it. A photo
    whose analysis would decode it at full size (not JPEG/HEIC) and that is large
    (``look_ahead_fits``) is analysed in its turn instead, so that two full-size decodes are never
    in memory at once."""

    def __init__(
        self, analyzer: FaceAnalyzer | None = None, memo: AnalysisMemo | None = None
    ) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="headroom-ahead")
        self._pending: dict[Path, Future[Analysis]] = {}
        self._lock = threading.Lock()
        self._analyzer, self._memo = analyzer, memo

    def start(self, job: _Job) -> None:
        if not _needs_analysis(job) or not look_ahead_fits(job.source):
            return
        with self._lock:
            if job.source not in self._pending:
                self._pending[job.source] = self._pool.submit(
                    _analyze, job.source, self._analyzer, self._memo
                )

    def analysis(self, source: Path) -> Analysis:
        with self._lock:
            future = self._pending.pop(source, None)
        if future is not None:
            return future.result()
        return _analyze(source, self._analyzer, self._memo)

    def close(self) -> None:
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
        for future in pending:
            future.cancel()
        self._pool.shutdown(wait=True)


def _files_reporter(
    progress: ProgressCallback | None,
    total: int,
    cancel: threading.Event | None,
    memo: AnalysisMemo | None,
) -> _InProcess:
    """Turns each photo's file count into the batch's running count of files."""
    if progress is None:
        return _InProcess(cancel, memo=memo)
    done_before = [0]  # files planned for the photos finished so far

    def on_file(done_in_photo: int, message: str) -> None:
        progress(done_before[0] + done_in_photo, total, message)

    def after_photo(job: _Job, item: BatchItem) -> None:
        done_before[0] += len(job.presets)
        progress(done_before[0], total, f"{job.source.name}: {item.status}")

    return _InProcess(cancel, on_file, after_photo, memo=memo)


def _export_job(job: _Job, local: _InProcess | None = None) -> BatchItem:
    """Plan and write one photo's files. ``local`` is given in-process only (see ``_InProcess``)."""
    return _photo_job(job, local or _InProcess(), mode="write")[0]


#: One photo rendered by a machine that does not write (a cluster worker): its report, and the
#: encoded files that ``write_rendered_job`` writes on the machine that owns the output folder.
RenderedJob = tuple[BatchItem, tuple[RenderedFile, ...]]


def render_job(job: _Job, _local: _InProcess | None = None) -> RenderedJob:
    """``_export_job`` without writing: crops planned and every output encoded in memory (on a
    cluster worker: no cancel or per-file progress inside a photo)."""
    return _photo_job(job, _InProcess(), mode="render")


def write_rendered_job(job: _Job, rendered: RenderedJob) -> BatchItem:
    """Write what ``render_job`` made, with the same rules and the same report as ``_export_job``
    writing it itself (a write that fails makes the photo failed, with the reason)."""
    item, files = rendered
    if item.status != "done":
        return item
    try:
        write_rendered(files, job.options.overwrite, job.inputs)
    except PhotoExportFailed as exc:  # the files written before the failure are kept: reported
        return BatchItem(job.source, "failed", tuple(exc.written), reason=str(exc))
    except HeadroomError as exc:
        return BatchItem(job.source, "failed", reason=str(exc))
    except OSError as exc:
        return BatchItem(job.source, "failed", reason=f"{type(exc).__name__}: {exc}")
    return item


#: What ``_photo_job`` does once the crops are planned: write the files, render them in memory
#: (a cluster worker), or nothing (``check_batch``).
_Mode = Literal["write", "render", "plan"]


def _photo_job(job: _Job, local: _InProcess, *, mode: _Mode) -> RenderedJob:
    files: tuple[RenderedFile, ...] = ()
    saved: CropChoice | None = None
    write = mode == "write"
    try:
        planned, checks, crop_from, saved = _plan(job, local.analysis)
        crops, unframed = planned.crops, planned.unframed
        presets = [p for p in job.presets if p.id in crops]
        if not presets:
            reasons = "; ".join(f"{pid}: {why}" for pid, why in unframed.items())
            return BatchItem(job.source, "skipped", reason=reasons or "nothing to export"), ()
        if mode == "plan":
            planned_checks = tuple((p.id, checks.get(p.id, ())) for p in presets)
            item = BatchItem(
                job.source,
                "done",
                crop_from=crop_from,
                unframed=tuple(unframed.items()),
                checks=planned_checks,
            )
            return item, ()
        if not write:
            files = tuple(
                render_photo(job.source, presets, job.out_dir, job.options, crops, index=job.index)
            )
        on_file = local.on_file

        def report(done: int, _total: int, message: str) -> None:
            if on_file is not None:
                on_file(done, message)

        written = (
            [f.file for f in files]
            if not write
            else export_photo(
                job.source,
                presets,
                job.out_dir,
                job.options,
                crops,
                index=job.index,
                cancel=local.cancel,
                progress=report,
                inputs=job.inputs,
            )
        )
    except ExportCancelled as exc:
        status: Status = "done" if exc.written else "skipped"
        cancelled = BatchItem(
            job.source, status, tuple(exc.written), reason=CANCELLED, crop_from=None
        )
        return cancelled, ()
    except PhotoExportFailed as exc:  # the files written before the failure are kept: reported
        return BatchItem(job.source, "failed", tuple(exc.written), reason=str(exc)), ()
    except FramingError as exc:
        return BatchItem(job.source, "skipped", reason=str(exc)), ()
    except HeadroomError as exc:
        return BatchItem(job.source, "failed", reason=str(exc)), ()
    except Exception as exc:  # a bug or an unexpected library error: report it, keep the batch
        return BatchItem(job.source, "failed", reason=f"{type(exc).__name__}: {exc}"), ()
    xmp: str | None = None
    if job.write_xmp and write:
        lightroom = _lightroom_crop(job, crops, saved)
        xmp = _write_xmp(job, lightroom) if lightroom is not None else None
    item = BatchItem(
        job.source,
        "done",
        tuple(written),
        crop_from=crop_from,
        unframed=tuple(unframed.items()),
        xmp=xmp,
        checks=tuple((w.preset, checks.get(w.preset, ())) for w in written),
    )
    return item, files


def _plan(
    job: _Job, analyze: Callable[[Path], Analysis] | None = None
) -> tuple[PlannedCrops, dict[str, tuple[CheckWarning, ...]], str, CropChoice | None]:
    """The crops for the presets this photo can be framed for (with the reasons for the others),
    each crop's checks, where the crops came from, and the saved crop they were fitted from (if
    any). ``analyze`` gives a photo's analysis (``_needs_analysis`` says when it is asked;
    default ``_analyze``)."""
    analyze = analyze or _analyze
    if job.crops is not None:
        return PlannedCrops(job.crops, dict(job.unframed)), dict(job.checks), "consistent", None
    source: CropSource = None
    saved: CropChoice | None = None
    if job.chosen is not None:
        analysis = job.chosen.analysis
        if analysis is None:
            if any(is_id_preset(p) for p in job.presets):
                analysis = analyze(job.source)  # the ID rules need the face
            else:
                analysis = blank_analysis(*job.chosen.image_size, job.source)
        source, crop_from = job.chosen.choice, "chosen"
    else:
        analysis = analyze(job.source)
        crop_from = "suggestion"
        if job.style is not None:
            from core.framing.house_style import frame_in_style

            styled = frame_in_style(analysis, job.style)
            if styled.problem is not None:
                raise FramingError(f"{styled.problem} (house style {job.style.name!r})")
            saved, crop_from = styled.choice, f"style:{job.style.name}"
            source = saved
        elif job.suggestion_id is not None:
            source, crop_from = job.suggestion_id, f"suggestion:{job.suggestion_id}"
        elif job.use_sidecar:
            from core.starting_crop import saved_crop

            found = saved_crop(job.source, (analysis.width, analysis.height))
            if found is not None:
                saved, crop_from = found
                source = saved
    planned = plan_crops(analysis, job.presets, source)
    return planned, plan_checks(analysis, job.presets, planned, source), crop_from, saved


def _lightroom_crop(job: _Job, crops: CropPlan, saved: CropChoice | None) -> CropChoice | None:
    """The one crop that goes into the photo's XMP: the photographer's (chosen or saved), else
    the first exported preset's, with that preset's aspect."""
    if job.chosen is not None:
        return job.chosen.choice
    if saved is not None:
        return saved
    for preset in job.presets:
        if preset.id in crops:
            box, angle = crops[preset.id]
            return CropChoice(box=box, angle_deg=angle, aspect=preset.aspect, preset=preset.id)
    return None


def _write_xmp(job: _Job, choice: CropChoice) -> str:
    """Write ``choice`` into the photo's XMP sidecar; the line the report shows (never raises:
    the exported files stand whatever happens to the sidecar)."""
    from core.lightroom import write_xmp_crop, xmp_path
    from core.photo import read_image_geometry

    try:
        size, orientation = read_image_geometry(job.source)
        result = write_xmp_crop(
            job.source, choice, size, orientation, overwrite=job.options.overwrite
        )
    except HeadroomError as exc:
        return f"XMP not written: {exc}"
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return f"XMP not written: cannot write {xmp_path(job.source)} ({reason})"
    if result.outcome == "written":
        return f"wrote {result.path}"
    if result.outcome == "unchanged":
        return f"{result.path} already holds this crop"
    return f"XMP not written: {result.reason}"


@dataclass(frozen=True)
class _Analysed:
    job: _Job
    analysis: Analysis | None
    error: str | None


def _analyse_job(job: _Job, local: _InProcess | None = None) -> _Analysed:
    try:
        analysis = local.analysis(job.source) if local is not None else _analyze(job.source)
        return _Analysed(job, analysis, None)
    except HeadroomError as exc:
        return _Analysed(job, None, str(exc))
    except Exception as exc:
        return _Analysed(job, None, f"{type(exc).__name__}: {exc}")


def _run_consistent(
    runner: JobRunner,
    jobs: list[_Job],
    progress: BatchProgress | None,
    cancel: threading.Event | None,
) -> BatchResult:
    from core.consistent import frame_consistently, shared_framing

    analysed = runner.run(_analyse_job, jobs, None, cancel, len(jobs))
    presets = jobs[0].presets
    finished: dict[int, BatchItem] = {}
    usable: list[tuple[_Job, Analysis]] = []
    for result in analysed:
        if result.analysis is None:
            status: Status = "skipped" if result.error == CANCELLED else "failed"
            finished[result.job.index] = BatchItem(result.job.source, status, reason=result.error)
        elif not result.analysis.faces:
            finished[result.job.index] = BatchItem(
                result.job.source, "skipped", reason=f"{result.job.source.name}: no face found"
            )
        else:
            usable.append((result.job, result.analysis))

    shared = {p.id: shared_framing([a for _, a in usable], p) for p in presets}
    export_jobs: list[_Job] = []
    for job, analysis in usable:
        try:
            crops, unframed = frame_consistently(analysis, presets, shared)
        except FramingError as exc:
            finished[job.index] = BatchItem(job.source, "skipped", reason=str(exc))
            continue
        checks = plan_checks(analysis, presets, PlannedCrops(crops, unframed))
        export_jobs.append(
            _Job(
                job.index,
                job.source,
                job.presets,
                job.out_dir,
                job.options,
                crops=crops,
                unframed=tuple(unframed.items()),
                inputs=job.inputs,
                write_xmp=job.write_xmp,
                checks=tuple(checks.items()),
            )
        )
    done_before = len(finished)
    if progress is not None:
        for n, item in enumerate(finished.values(), start=1):
            progress(n, len(jobs), item)

    def shifted(done: int, total: int, item: BatchItem) -> None:
        if progress is not None:
            progress(done_before + done, len(jobs), item)

    exported = runner.run(_export_job, export_jobs, shifted, cancel, len(export_jobs))
    for job, item in zip(export_jobs, exported, strict=True):
        finished[job.index] = item
    ordered = tuple(finished[j.index] for j in jobs if j.index in finished)
    return BatchResult(ordered, {pid: s for pid, s in shared.items() if s is not None})


def _pool_context() -> multiprocessing.context.BaseContext:
    """ "fork" starts workers faster (the imports are inherited), but forking a process that already
    runs MediaPipe or Qt threads can deadlock: then "spawn"."""
    threaded = any(name in sys.modules for name in ("mediapipe", "PySide6"))
    if sys.platform.startswith("linux") and not threaded and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class JobRunner(Protocol):
    """Where a batch's per-photo functions run: ``_Runner`` (this machine) or
    ``core.cluster.ClusterRunner`` (a Dask cluster). ``run`` returns one result per job, in
    order; a job that could not run gets ``_failure``'s result, a cancelled one ``_cancelled``'s."""

    def __enter__(self) -> JobRunner: ...

    def __exit__(self, *exc: object) -> None: ...

    def run(
        self,
        fn: Callable[[_Job, _InProcess | None], Any],
        jobs: Sequence[_Job],
        progress: BatchProgress | None,
        cancel: threading.Event | None,
        total: int,
    ) -> list[Any]: ...


class _Runner:
    """Runs job functions in-process or on a process pool, in input order, with progress and
    cancellation between photos."""

    def __init__(
        self, workers: int, analyzer: FaceAnalyzer | None, local: _InProcess | None = None
    ) -> None:
        self.workers = workers
        self._local = local or _InProcess()
        self._pool: ProcessPoolExecutor | None = None
        self._given_analyzer = analyzer
        self._previous: FaceAnalyzer | None = None

    def __enter__(self) -> _Runner:
        global _WORKER_ANALYZER
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=_pool_context(),
                initializer=_init_worker,
                initargs=(os.getpid(), strip_threads_per_worker(self.workers)),
            )
        else:
            if self._given_analyzer is not None:
                with _ANALYZER_LOCK:
                    self._previous, _WORKER_ANALYZER = _WORKER_ANALYZER, self._given_analyzer
            ahead = _AnalysisAhead(self._local.analyzer, self._local.memo)
            self._local = dataclasses.replace(self._local, ahead=ahead)
        return self

    def __exit__(self, *exc: object) -> None:
        global _WORKER_ANALYZER
        if self._pool is not None:
            if exc and exc[0] is not None:
                # Stopped hard (a second Ctrl-C, an error here): stop the workers now; each removes
                # the temporary file it is writing on SIGTERM (core.process_guard).
                for process in list(getattr(self._pool, "_processes", {}).values()):
                    with contextlib.suppress(Exception):
                        process.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)
            return
        if self._local.ahead is not None:
            self._local.ahead.close()  # before the given analyzer is handed back
            self._local = dataclasses.replace(self._local, ahead=None)
        if self._given_analyzer is not None:
            with _ANALYZER_LOCK:
                _WORKER_ANALYZER = self._previous

    def run(
        self,
        fn: Callable[[_Job, _InProcess | None], Any],
        jobs: Sequence[_Job],
        progress: BatchProgress | None,
        cancel: threading.Event | None,
        total: int,
    ) -> list[Any]:
        results: dict[int, Any] = {}
        for done, (position, result) in enumerate(self._results(fn, jobs, cancel), start=1):
            results[position] = result
            if progress is not None and isinstance(result, BatchItem):
                progress(done, total, result)
        return [results[i] if i in results else _cancelled(fn, job) for i, job in enumerate(jobs)]

    def _results(
        self,
        fn: Callable[[_Job, _InProcess | None], Any],
        jobs: Sequence[_Job],
        cancel: threading.Event | None,
    ) -> Iterator[tuple[int, Any]]:
        if self._pool is None:
            ahead = self._local.ahead if fn in (_export_job, _analyse_job) else None
            for position, job in enumerate(jobs):
                if cancel is not None and cancel.is_set():
                    return
                if ahead is not None and position + 1 < len(jobs):
                    ahead.start(jobs[position + 1])
                result = fn(job, self._local)
                if isinstance(result, BatchItem) and self._local.after_photo is not None:
                    self._local.after_photo(job, result)
                yield position, result
            return
        pending: dict[Future[Any], int] = {}
        # Keep at most 2 jobs per worker queued so cancelling stops soon.
        limit = self.workers * 2
        queue_iter: Iterator[tuple[int, _Job]] = iter(enumerate(jobs))
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < limit:
                if cancel is not None and cancel.is_set():
                    exhausted = True
                    break
                nxt = next(queue_iter, None)
                if nxt is None:
                    exhausted = True
                    break
                try:
                    pending[self._pool.submit(fn, nxt[1], None)] = nxt[0]
                except BrokenProcessPool as exc:
                    # A worker died and took the pool with it: the rest cannot run.
                    reason = f"worker processes stopped ({exc})"
                    for position, job in (nxt, *queue_iter):
                        yield position, _failure(fn, job, reason)
                    exhausted = True
            if not pending:
                break
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            if cancel is not None and cancel.is_set():
                # Photos queued but not started are dropped (reported as cancelled).
                for future in list(pending):
                    if future not in finished and future.cancel():
                        del pending[future]
            for future in finished:
                position = pending.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # the worker process died (out of memory, crash)
                    reason = f"worker failed: {type(exc).__name__}: {exc}"
                    result = _failure(fn, jobs[position], reason)
                yield position, result


def _failure(fn: Callable[[_Job, _InProcess | None], Any], job: _Job, reason: str) -> Any:
    if fn is _export_job:
        return BatchItem(job.source, "failed", reason=reason)
    return _Analysed(job, None, reason)


def _cancelled(fn: Callable[[_Job, _InProcess | None], Any], job: _Job) -> Any:
    """The result of a job that never ran because the batch was cancelled."""
    if fn is _export_job:
        return BatchItem(job.source, "skipped", reason=CANCELLED)
    return _Analysed(job, None, CANCELLED)
