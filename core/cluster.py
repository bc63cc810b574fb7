"""Batch export on a Dask cluster: the batch's per-photo functions run on Dask workers.

``ClusterRunner`` is a ``core.batch.JobRunner``: ``run_batch(..., cluster=ADDRESS)`` keeps its own
logic (name checks before any work, the consistent map / reduce / map, the report) and only hands
the per-photo work to Dask. ``ADDRESS`` is a running ``dask scheduler`` ("tcp://host:8786") or
``local:N``, a LocalCluster of N single-threaded worker processes on this machine (127.0.0.1 only),
started and stopped here. Dask is imported only by this module, and only ``run_batch`` with
``cluster`` imports it (the extra: ``pip install -e '.[cluster]'``).

Where the work and the bytes go:
- workers open each photo by its path (every worker must see the photos at the same path, e.g. a
  shared mount) and keep one face analyzer per worker process (``FaceAnalyzerPlugin``);
- a worker renders and encodes a photo's outputs in memory and returns them; this process, which
  alone sees the output folder, writes them with the local batch's rules (``write_rendered_job``):
  atomic, never replacing a file without overwrite, names checked before any work. A worker that
  dies mid-photo therefore leaves nothing on disk; Dask runs its photos again elsewhere.
- at most ``2 x worker threads`` photos are in flight, so this process holds at most that many
  photos' encoded outputs (a few MB each) however long the batch.

A photo is tried at most twice: a task that raises is retried once (``retries=1``), and a worker
that dies while running it counts as a failure (``local:N`` sets the scheduler's
``allowed-failures`` to 1 and ``worker-saturation`` to 1.0, see ``start_local_cluster``; a scheduler
of your own applies its own settings, Dask's defaults are 3 and 1.1). After that the photo is
reported failed with the reason and the batch goes on.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from core import batch
from core.cluster_start import parse_cluster, start_fork_server
from core.errors import ExportError

try:
    import dask
    import distributed
except ImportError as exc:  # the optional extra is missing: one clear error, before any work
    raise ExportError(
        f"--cluster needs Dask's distributed scheduler ({exc}); install the extra: "
        "pip install -e '.[cluster]'"
    ) from None

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

#: A batch's per-photo function: (job, in-process extras or None) -> result.
BatchFn = Callable[[batch._Job, batch._InProcess | None], Any]

#: How long to wait for a remote scheduler to answer, and for its first worker.
CONNECT_TIMEOUT_S = 10.0
WORKER_TIMEOUT_S = 60.0
#: Photos in flight per worker thread: enough that no worker waits for the next photo, few enough
#: that cancelling stops soon and this process holds few rendered photos.
IN_FLIGHT_PER_THREAD = 2
#: How often the wait for results looks at the cancel flag.
POLL_S = 0.25
#: How often the worker threads are counted again (an RPC to the scheduler).
THREADS_REFRESH_S = 2.0


class FaceAnalyzerPlugin(distributed.WorkerPlugin):  # type: ignore[misc]
    """Builds a worker process's face analyzer once, when the worker starts (or when the plugin is
    registered), and closes it when the worker stops: every photo the worker gets reuses it
    (``core.batch`` finds it as the process's analyzer)."""

    name = "headroom-face-analyzer"
    idempotent = True

    def __init__(self, strip_threads: int | None = None) -> None:
        # local:N knows how many worker processes share this machine's cores; workers of a
        # cluster of your own keep the default (see core.export.strips).
        self.strip_threads = strip_threads

    def setup(self, worker: Any) -> None:
        batch.start_worker_analyzer(self.strip_threads)

    def teardown(self, worker: Any) -> None:
        batch.stop_worker_analyzer()


def start_local_cluster(workers: int) -> LocalCluster:
    """A LocalCluster of ``workers`` single-threaded worker processes, reachable from this machine
    only; the caller closes it. Its scheduler (in this process) gives each worker only the photo
    it runs (``worker-saturation`` 1.0: the rest wait at the scheduler) and fails a photo on the
    second worker that dies running it (``allowed-failures`` 1): a worker that dies takes only its
    own photo with it, and that photo runs again elsewhere."""
    # Workers forked from a server that has Dask, Headroom and MediaPipe's tasks imported
    # (``core.cluster_start``): each is ready at once instead of importing them all again.
    # Set for the whole process, not just below: a nanny reads it again when it restarts a
    # worker that died.
    method = "forkserver" if start_fork_server() else "spawn"
    dask.config.set({"distributed.worker.multiprocessing-method": method})
    with dask.config.set(
        {
            "distributed.scheduler.allowed-failures": 1,
            "distributed.scheduler.worker-saturation": 1.0,
            # Workers as lean as the local pool's processes. Dask's sampling profiler walks every
            # thread's stack 100 times a second, and its MALLOC_TRIM_THRESHOLD_ (set before the
            # worker starts) turns off glibc's adaptive mmap threshold, so every large image
            # buffer is mapped and zeroed afresh: together about 1.5x the CPU of a photo.
            "distributed.worker.profile.enabled": False,
            "distributed.nanny.pre-spawn-environ": {},
            # Dask's housekeeping, tuned for minutes-long batches of equal tasks: an event-loop
            # tick every 20 ms, system and memory polls, work stealing every 100 ms cost about
            # 5% of a core in each process, idle or not; these settings bring it under 2%.
            "distributed.admin.tick.interval": "200ms",
            "distributed.admin.system-monitor.interval": "2s",
            "distributed.worker.memory.monitor-interval": "1s",
            "distributed.scheduler.work-stealing": False,
        }
    ):
        return distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # its HTTP endpoints: loopback, any free port
            silence_logs=logging.CRITICAL,
        )


class ClusterRunner:
    """A ``core.batch.JobRunner`` on a Dask cluster (see the module docstring)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.local_workers = parse_cluster(address)
        self._cluster: LocalCluster | None = None
        self._client: Client | None = None
        self._run_id = uuid.uuid4().hex[:8]

    # -- lifetime ----------------------------------------------------------------------------

    def __enter__(self) -> ClusterRunner:
        try:
            self._client = self._connect()
            local = self.local_workers
            threads = None if local is None else batch.strip_threads_per_worker(local)
            self._client.register_plugin(FaceAnalyzerPlugin(threads))
        except BaseException:
            self.__exit__()
            raise
        return self

    def _connect(self) -> Client:
        if self.local_workers is not None:
            self._cluster = start_local_cluster(self.local_workers)
            return distributed.Client(self._cluster, set_as_default=False)
        try:
            client = distributed.Client(
                self.address, timeout=CONNECT_TIMEOUT_S, set_as_default=False
            )
        except (OSError, TimeoutError) as exc:
            raise ExportError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT_S)
        except (OSError, TimeoutError):
            client.close()
            raise ExportError(
                f"the Dask scheduler at {self.address} has no workers "
                f"(waited {WORKER_TIMEOUT_S:.0f} s); start some with: dask worker {self.address}"
            ) from None
        return client

    def __exit__(self, *exc: object) -> None:
        client, self._client = self._client, None
        cluster, self._cluster = self._cluster, None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    # -- running jobs ------------------------------------------------------------------------

    def run(
        self,
        fn: BatchFn,
        jobs: Sequence[batch._Job],
        progress: batch.BatchProgress | None,
        cancel: threading.Event | None,
        total: int,
    ) -> list[Any]:
        """``fn`` on every job, results in job order. An export is rendered on the workers and
        written here (``batch.render_job`` / ``batch.write_rendered_job``)."""
        client = self._client
        if client is None:
            raise RuntimeError("ClusterRunner.run outside its with-block")
        exporting = fn is batch._export_job
        remote: BatchFn = batch.render_job if exporting else fn
        results: dict[int, Any] = {}
        pending: dict[Future[Any], int] = {}
        # Futures call back from Dask's thread when they finish (or fail); this thread waits here.
        finished: queue.Queue[Future[Any]] = queue.Queue()
        todo = iter(enumerate(jobs))
        exhausted = False
        done = 0
        limit, counted = 0, -THREADS_REFRESH_S
        while pending or not exhausted:
            if time.monotonic() - counted >= THREADS_REFRESH_S:  # workers come and go
                limit = IN_FLIGHT_PER_THREAD * max(1, sum(client.nthreads().values()))
                counted = time.monotonic()
            while not exhausted and len(pending) < limit:
                nxt = None if cancel is not None and cancel.is_set() else next(todo, None)
                if nxt is None:
                    exhausted = True
                    break
                position, job = nxt
                key = f"headroom-{remote.__name__}-{self._run_id}-{position}"
                future = client.submit(remote, job, None, key=key, pure=False, retries=1)
                pending[future] = position
                future.add_done_callback(finished.put)
            if not pending:
                break
            try:
                future = finished.get(timeout=POLL_S)
            except queue.Empty:
                continue
            else:
                position = pending.pop(future)
                job = jobs[position]
                result = _outcome(future, fn, job)
                if exporting and isinstance(result, tuple):
                    result = batch.write_rendered_job(job, result)
                results[position] = result
                done += 1
                if progress is not None and isinstance(result, batch.BatchItem):
                    progress(done, total, result)
        return [
            results[i] if i in results else batch._cancelled(fn, job) for i, job in enumerate(jobs)
        ]


def _outcome(future: Future[Any], fn: BatchFn, job: batch._Job) -> Any:
    """The task's result, or ``fn``'s failure result with the reason; the future is released
    (the worker forgets the rendered bytes)."""
    try:
        if future.status == "finished":
            return future.result()
        error = future.exception() if future.status == "error" else None
    except Exception as exc:  # the result could not be fetched (the worker holding it is gone)
        error = exc
    finally:
        future.release()
    if isinstance(error, distributed.KilledWorker):
        reason = (
            "worker failed twice: the Dask worker running it died each time "
            "(a crash, or out of memory)"
        )
    elif error is not None:
        reason = f"worker failed twice: {type(error).__name__}: {error}"
    else:
        reason = f"the cluster dropped it ({future.status})"
    return batch._failure(fn, job, reason)
