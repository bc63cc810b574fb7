"""Saving the crop next to its photo as the photographer edits: a moment after the last edit, in
the TaskRunner; at once before the window shows another photo or exports; and waited for when the
window closes (the runner stops taking work then).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from core.errors import HeadroomError
from core.framing import CropChoice
from core.sidecar import write_sidecar
from ui.tasks import TaskRunner, describe_error

log = logging.getLogger(__name__)

#: Wait this long after the last committed edit before saving the sidecar (a burst of nudges
#: writes once).
SIDECAR_DELAY_MS = 400


@dataclass(frozen=True)
class SidecarCrop:
    """What to save: the crop for ``path``, whose upright original is ``size`` pixels."""

    path: Path
    choice: CropChoice
    size: tuple[int, int]


class SidecarAutosave(QObject):
    """Writes ``current()`` (None: nothing to save) when the delay after ``schedule()`` ends."""

    written = Signal(Path)
    failed = Signal(str)  # a message for the photographer

    def __init__(
        self,
        runner: TaskRunner,
        current: Callable[[], SidecarCrop | None],
        *,
        priority: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._current = current
        self._priority = priority
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SIDECAR_DELAY_MS)
        self._timer.timeout.connect(self._write)

    def schedule(self) -> None:
        """Save after the delay; another edit before then restarts it."""
        self._timer.start()

    def flush(self) -> None:
        """Save a pending crop now (before switching photo or exporting)."""
        if self._timer.isActive():
            self._timer.stop()
            self._write()

    def finish(self) -> None:
        """Save a pending crop and wait for it (closing)."""
        if self._timer.isActive():
            self._timer.stop()
            self._write(wait=True)

    def _write(self, *, wait: bool = False) -> None:
        crop = self._current()
        if crop is None:
            return
        path, choice, size = crop.path, crop.choice, crop.size
        if wait:
            try:
                write_sidecar(path, choice, size)
            except (HeadroomError, OSError) as exc:
                log.warning("could not save the crop for %s: %s", path, exc)
            return
        self._runner.submit(
            lambda: write_sidecar(path, choice, size),
            lambda _where: self.written.emit(path),
            lambda exc: self.failed.emit(
                f"Could not save the crop for {path.name}: {describe_error(exc)}"
            ),
            key=f"sidecar:{path}",
            priority=self._priority,
        )
