"""Background work for the GUI: snapshot on the main thread, compute in a pool, deliver on the main
thread.

``TaskRunner.submit(fn, on_done, on_error, key=...)`` runs ``fn`` (a plain callable that must not
touch widgets) in a ``QThreadPool`` and calls ``on_done(result)`` or ``on_error(exc)`` later on the
GUI thread through a queued signal. Tasks that share a ``key`` supersede each other: when a newer
task with the same key has been submitted, the older one is skipped if it has not started yet and
its result is dropped if it has. That is what "load the photo the user clicked last" needs.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal, Slot

T = TypeVar("T")

log = logging.getLogger(__name__)

_SKIPPED = object()  # a superseded task that never ran


class _Job(QRunnable):
    """One submitted callable. Runs in a pool thread; reports through the runner's signal only."""

    def __init__(
        self,
        runner: TaskRunner,
        ticket: int,
        key: str | None,
        generation: int,
        fn: Callable[[], Any],
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner
        self._ticket = ticket
        self._key = key
        self._generation = generation
        self._fn = fn

    def run(self) -> None:  # pool thread
        if not self._runner._is_current(self._key, self._generation):
            self._report(_SKIPPED, None)
            return
        try:
            result = self._fn()
        except BaseException as exc:  # every failure is delivered (its __traceback__ with it)
            self._report(None, exc)
            return
        self._report(result, None)

    def _report(self, result: object, error: BaseException | None) -> None:
        try:
            self._runner._finished.emit(self._ticket, result, error)
        except RuntimeError:
            # The runner (and its window) was deleted while this ran: nobody is waiting.
            log.debug("dropped the result of a task whose runner is gone")


class TaskRunner(QObject):
    """Runs callables off the GUI thread and hands their results back on it.

    Signals:
    - ``taskFailed(str)``: a task raised and no ``on_error`` was given, or a callback itself raised.
      The main window shows it in the status bar; the app carries on.
    - ``busyChanged(bool)``: True when the first task starts waiting, False when none is left.
    """

    taskFailed = Signal(str)
    busyChanged = Signal(bool)
    # (ticket, result, exception) from a pool thread; queued to this object's (the GUI) thread.
    _finished = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None, max_threads: int | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        if max_threads is not None:
            self._pool.setMaxThreadCount(max(1, max_threads))
        self._lock = threading.Lock()
        self._generations: dict[str, int] = {}
        self._callbacks: dict[
            int,
            tuple[str | None, int, Callable[[Any], None], Callable[[BaseException], None] | None],
        ] = {}
        self._next_ticket = 0
        self._closed = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # -- public API -------------------------------------------------------------------------------

    def submit(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        key: str | None = None,
        priority: int = 0,
    ) -> None:
        """Run ``fn`` in the pool; call ``on_done``/``on_error`` on the GUI thread afterwards.

        With ``key``, any earlier task with the same key is superseded (skipped or its result
        dropped). Queued tasks with a higher ``priority`` start first (the photo the user is
        looking at before a folder's thumbnails). Must be called from the GUI thread."""
        if self._closed:
            return
        with self._lock:
            generation = 0
            if key is not None:
                generation = self._generations.get(key, 0) + 1
                self._generations[key] = generation
            ticket = self._next_ticket
            self._next_ticket += 1
            was_idle = not self._callbacks
            self._callbacks[ticket] = (key, generation, on_done, on_error)
        if was_idle:
            self.busyChanged.emit(True)
        self._pool.start(_Job(self, ticket, key, generation, fn), priority)

    def cancel(self, key: str) -> None:
        """Drop the pending result of the task with ``key`` (a running task still finishes)."""
        with self._lock:
            self._generations[key] = self._generations.get(key, 0) + 1

    def pending(self) -> int:
        """Tasks submitted whose callbacks have not been delivered (or dropped) yet."""
        with self._lock:
            return len(self._callbacks)

    def is_busy(self, key: str | None = None) -> bool:
        with self._lock:
            if key is None:
                return bool(self._callbacks)
            return any(k == key for k, *_ in self._callbacks.values())

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Process events until every task (including ones submitted by callbacks) has been
        delivered. For tests and shutdown; returns False on timeout."""
        deadline = time.monotonic() + timeout_ms / 1000.0
        app = QCoreApplication.instance()
        while True:
            if app is not None:
                app.processEvents()
            if self.pending() == 0:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._pool.waitForDone(int(min(remaining, 0.02) * 1000) or 1)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop accepting work, drop queued tasks, wait for running ones. Results are discarded."""
        self._closed = True
        self._pool.clear()
        with self._lock:
            for key in list(self._generations):
                self._generations[key] += 1
            self._callbacks.clear()
        return bool(self._pool.waitForDone(timeout_ms))

    # -- internals --------------------------------------------------------------------------------

    def _is_current(self, key: str | None, generation: int) -> bool:
        if key is None:
            return not self._closed
        with self._lock:
            return self._generations.get(key, 0) == generation and not self._closed

    @Slot(int, object, object)
    def _deliver(self, ticket: int, result: object, error: object) -> None:  # GUI thread
        with self._lock:
            entry = self._callbacks.pop(ticket, None)
        if entry is None:
            return
        key, generation, on_done, on_error = entry
        if result is not _SKIPPED and self._is_current(key, generation):
            self._call(on_done, on_error, result, error)
        # Checked after the callback: it may have submitted follow-up work.
        if self.pending() == 0:
            self.busyChanged.emit(False)

    def _call(
        self,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None,
        result: object,
        error: object,
    ) -> None:
        try:
            if isinstance(error, BaseException):
                if on_error is not None:
                    on_error(error)
                else:
                    self._report(error)
            else:
                on_done(result)
        except Exception as exc:  # a callback bug must not take the app down
            self._report(exc)

    def _report(self, exc: BaseException) -> None:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("background task failed: %s", text)
        self.taskFailed.emit(describe_error(exc))


def describe_error(exc: BaseException) -> str:
    """One line for people: a HeadroomError's own message, else the type and text."""
    from core.errors import HeadroomError

    if isinstance(exc, HeadroomError):
        return str(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
