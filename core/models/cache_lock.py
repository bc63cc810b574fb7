"""Cross-process lock on the model cache folder.

A lock file in the folder (``.lock``), held with ``flock`` (``msvcrt.locking`` on Windows), so
several processes (batch export workers) and threads can fill the same cache at once.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def cache_lock(cache_dir: Path) -> Iterator[None]:
    """Exclusive lock shared by every process and thread using this cache folder."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with (cache_dir / ".lock").open("a+b") as fh:
        _lock_file(fh)
        try:
            yield
        finally:
            _unlock_file(fh)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt
    import time

    def _lock_file(fh: IO[bytes]) -> None:
        while True:
            try:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError:  # LK_LOCK gives up after ~10 s; a pip download can take longer
                time.sleep(0.5)

    def _unlock_file(fh: IO[bytes]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_file(fh: IO[bytes]) -> None:
        # flock locks belong to the open file description, so two threads of one process that each
        # open the file exclude each other too.
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)

    def _unlock_file(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
