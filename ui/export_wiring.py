"""File > Export from the main window: what the export dialog is given (the photo on screen with its
crop, plus the film strip's other photos, whose saved or suggested crops are core's to find) and
what the window says when it is done.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from core.batch import ChosenCrop
from ui.export_dialog import ExportDialog
from ui.export_job import ExportRunResult
from ui.window_part import WindowPart

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class ExportWiring(WindowPart):
    """Opens the export dialog (non-modal; the last one opened is ``dialog`` while it lives)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        #: The export dialog while it is open.
        self.dialog: ExportDialog | None = None

    def sources(self) -> list[tuple[Path, ChosenCrop | None]]:
        """The current photo with its crop, plus the film strip's other photos (their saved or
        suggested crops are core's to find)."""
        window = self._window
        current = window.chosen_crop()
        shown = window.shown_path()
        if window.filmstrip.isVisible() and window.filmstrip.paths():
            return [(p, current if p == shown else None) for p in window.filmstrip.paths()]
        return [(shown, current)] if shown is not None else []

    def open_dialog(self) -> ExportDialog | None:
        window = self._window
        sources = self.sources()
        if not sources:
            window.status.say("Open a photo first")
            return None
        window.sidecar.flush()
        dialog = ExportDialog(
            window,
            window.runner,
            window.presets,
            sources,
            window.qsettings,
            analyzer=window.analyzer,
        )
        dialog.set_presets(window.preview.selected_presets())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.exportFinished.connect(self._on_finished)
        window.modelsReady.connect(dialog.refresh_checks)
        self.dialog = dialog
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        dialog.show()
        return dialog

    def _on_finished(self, result: ExportRunResult) -> None:
        n = len(result.written)
        self._window.status.say(f"Exported {n} file{'s' if n != 1 else ''}")
