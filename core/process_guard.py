"""Worker processes stop when the process that started them goes away, whatever stopped it.

A batch's worker processes must never outlive the export that started them (a killed export whose
workers go on writing files nobody will be told about). Each worker, in its pool initializer:

- on Linux asks the kernel for SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``), which
  works even when the parent was SIGKILLed;
- everywhere, watches its parent from a thread (the parent's process sentinel, and on POSIX the
  parent pid changing when the worker is re-parented) as the portable fallback;
- on SIGTERM removes the temporary file it is writing and exits at once: no new file is started.

Ctrl-C is the parent's to handle (it stops handing out photos and waits for the running ones), so
workers ignore SIGINT.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from core.export.atomic import remove_live_temps

#: The exit status of a worker stopped because its parent went away (128 + SIGTERM).
STOPPED_EXIT = 143
_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 0.5


def stop_with_parent(parent_pid: int) -> None:
    """Make this (worker) process stop when ``parent_pid`` goes away. Call first thing in the
    worker, from its main thread."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _ask_kernel_for_parent_death_signal()
    if _parent_gone(parent_pid, None):  # the parent died before the request above took effect
        stop_now()
    threading.Thread(
        target=_watch_parent, args=(parent_pid,), name="headroom-parent-watch", daemon=True
    ).start()


def stop_now() -> None:
    """Remove the temporary file being written and exit immediately (no cleanup handlers: the
    parent is gone and nothing may be written any more)."""
    remove_live_temps()
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    os._exit(STOPPED_EXIT)


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    stop_now()


def _ask_kernel_for_parent_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return False
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return bool(prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) == 0)


def _parent_gone(parent_pid: int, sentinel: int | None) -> bool:
    if os.name == "posix" and os.getppid() != parent_pid:
        return True
    if sentinel is not None:
        with contextlib.suppress(OSError, ValueError):
            return bool(multiprocessing.connection.wait([sentinel], timeout=0))
    return False


def _watch_parent(parent_pid: int) -> None:
    parent = multiprocessing.parent_process()
    sentinel = parent.sentinel if parent is not None else None
    while True:
        if sentinel is not None:
            # Wakes as soon as the parent's end closes (spawned workers); a timeout otherwise.
            with contextlib.suppress(OSError, ValueError):
                multiprocessing.connection.wait([sentinel], timeout=_WATCH_SECONDS)
        else:
            threading.Event().wait(_WATCH_SECONDS)
        if _parent_gone(parent_pid, sentinel):
            stop_now()


class StopRequests:
    """Ctrl-C and SIGTERM in a command that writes files, as one thing: the first asks for a clean
    stop (``cancel`` is set: no new photo starts, the running ones finish and are reported); a
    second one stops hard (KeyboardInterrupt; temporary files are still removed). Use as a context
    manager in the main thread; ``signal`` is the first signal received, if any."""

    def __init__(self, cancel: threading.Event, on_first: Callable[[int], None] | None = None):
        self.cancel = cancel
        self.signal: int | None = None
        self._on_first = on_first
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopRequests:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    @property
    def exit_code(self) -> int:
        """The conventional exit status for the signal received (130 Ctrl-C, 143 SIGTERM)."""
        return 128 + int(self.signal) if self.signal is not None else 0

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.signal is not None:
            raise KeyboardInterrupt
        self.signal = signum
        self.cancel.set()
        if self._on_first is not None:
            self._on_first(signum)
