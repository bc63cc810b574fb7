"""Faults for the cluster tests, sent to the Dask workers by value (cloudpickle): the workers run
the real per-photo function except for the photos these break."""

from __future__ import annotations

import os
from typing import Any


def render_or_die(job: Any, local: Any = None) -> Any:
    """``core.batch.render_job``, but the worker process dies (as if killed or out of memory)
    whenever it gets a photo whose name starts with ``crash``."""
    from core import batch

    if job.source.name.startswith("crash"):
        os._exit(13)
    return batch.render_job(job, local)
