"""What ``--cluster`` needs before Dask is imported: reading the address, and for ``local:N`` the
process its workers are forked from.

Dask starts each worker of a LocalCluster as a fresh interpreter ("spawn"), which imports Dask,
Headroom and MediaPipe's tasks again (about a second of CPU each) and at the end runs the whole
interpreter shutdown. ``start_fork_server`` starts Python's fork server instead, with those modules
imported once: each worker is then a fork of it, ready at once, and leaves without the shutdown.
It is started before this process imports Dask, so the two imports overlap. No MediaPipe task (and
so none of its threads) exists in the fork server: each worker builds its own analyzer.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os

from core.errors import ExportError

LOCAL_PREFIX = "local"
#: Imported once in the fork server, so that every local worker starts with them.
WORKER_MODULES = (
    "distributed",
    "core.batch",
    "core.cluster",
    "core.detection",
    "core.export",
    "core.framing.plan",
    "core.mediapipe_tasks",
)


def parse_cluster(address: str) -> int | None:
    """The worker count of ``local:N`` (``local`` alone: one per CPU), None for a scheduler address.
    ExportError for a malformed ``local:`` value."""
    text = address.strip()
    if text == LOCAL_PREFIX:
        return max(1, os.cpu_count() or 1)
    if not text.startswith(LOCAL_PREFIX + ":"):
        if not text:
            raise ExportError("--cluster needs a Dask scheduler address or local:N")
        return None
    count = text[len(LOCAL_PREFIX) + 1 :]
    if not count.isdigit() or int(count) < 1:
        raise ExportError(f"--cluster {address}: use local:N with N worker processes, e.g. local:2")
    return int(count)


def start_fork_server() -> bool:
    """Start the fork server local workers come from (once per process; it stops with this
    process). False where there is none (Windows): the workers are then spawned."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(list(WORKER_MODULES))
    forkserver.ensure_running()
    return True


def prepare(address: str) -> None:
    """Before Dask is imported: for ``local:N``, start the fork server now (ExportError for a
    malformed address, before any work)."""
    if parse_cluster(address) is not None and importlib.util.find_spec("distributed") is not None:
        start_fork_server()
