"""The Checks panel kept in step with the crop: several edits in one event-loop turn (a fast drag)
run the checks once; until a photo's first crop is known the panel says faces are being found;
a check that fails is shown as unavailable, never allowed to break cropping.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from core.suggestion import CheckWarning
from ui.tasks import describe_error
from ui.window_part import WindowPart

if TYPE_CHECKING:
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)


class LiveChecks(WindowPart):
    """Runs the checks of the window's crop for the ticked presets on the GUI thread."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._pending = False

    def schedule(self) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self._run)

    def _run(self) -> None:
        self._pending = False
        window = self._window
        session, panel = window.session(), window.checks
        if session is None:
            panel.clear()
            return
        if window.awaiting_first_crop():
            panel.clear("Finding faces…")
            return
        try:
            found: Sequence[CheckWarning] = session.checks(
                window.selected_presets(), window.suggestion_apply.suggestions()
            )
        except Exception as exc:  # a check bug must not break cropping
            log.exception("checks failed")
            panel.clear(f"Checks unavailable: {describe_error(exc)}")
            return
        panel.set_checks(found)
