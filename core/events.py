"""A tiny Qt-free event: core objects announce changes without knowing who listens.

Modelled on napari's events: ``changed = Event[CropState]()``; ``changed.connect(cb)``;
``changed.emit(state)``. Callbacks run synchronously in connection order, on the emitting thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")

Callback = Callable[[T], Any]


class Event(Generic[T]):
    """A list of callbacks called with one value on :meth:`emit`."""

    __slots__ = ("_blocked", "_callbacks")

    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], Any]] = []
        self._blocked = 0

    def connect(self, callback: Callable[[T], Any]) -> Callable[[T], Any]:
        """Call ``callback(value)`` on every emit; returns it, so it works as a decorator.
        Connecting the same callback twice is a no-op."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[T], Any] | None = None) -> None:
        """Forget ``callback`` (all callbacks when ``None``); unknown callbacks are ignored."""
        if callback is None:
            self._callbacks.clear()
        elif callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, value: T) -> None:
        if self._blocked:
            return
        # A callback may disconnect itself (or others) while we iterate.
        for callback in tuple(self._callbacks):
            callback(value)

    @contextmanager
    def blocked(self) -> Iterator[None]:
        """Suppress emits inside the ``with`` block."""
        self._blocked += 1
        try:
            yield
        finally:
            self._blocked -= 1

    def __len__(self) -> int:
        return len(self._callbacks)
