"""Which page the window's centre shows: the welcome page, the photo on the canvas, or Compare
(the two best suggestions side by side); and what Esc and Enter do, in order, to the drag, the
page, the straighten tool and the message banner.
"""

from __future__ import annotations

from core.framing import compare_pair
from ui.window_panes import PAGE_CANVAS, PAGE_COMPARE, PAGE_WELCOME
from ui.window_part import WindowPart


class WindowPages(WindowPart):
    """Switches the window's centre stack; Compare shows the suggestions panel's best pair."""

    def comparing(self) -> bool:
        return self._window.stack.currentIndex() == PAGE_COMPARE

    def show_compare(self, on: bool | None = None) -> None:
        """Compare on (True), off (False) or toggled (None); it needs a photo on screen."""
        window = self._window
        shown = window.shown_photo()
        if on is None:
            on = not self.comparing()
        if not on:
            window.stack.setCurrentIndex(PAGE_CANVAS if shown is not None else PAGE_WELCOME)
            return
        if shown is None:
            return
        self.refresh_compare()
        window.stack.setCurrentIndex(PAGE_COMPARE)

    def refresh_compare(self) -> None:
        shown = self._window.shown_photo()
        if shown is None:
            return
        self._window.compare.show_pair(
            shown.preview,
            shown.original_size,
            *compare_pair(self._window.suggestions.suggestions()),
        )

    def escape(self) -> None:
        """Esc: cancel the drag under way, else leave Compare, else put the straighten tool away,
        else dismiss the message."""
        window = self._window
        if window.canvas.cancel_drag():
            window.status.say("Drag cancelled")
        elif self.comparing():
            self.show_compare(False)
        elif window.window_actions.straighten.isChecked():
            window.window_actions.straighten.setChecked(False)
        elif window.banner.isVisible():
            window.banner.dismiss()

    def confirm(self) -> None:
        """Enter: keep the drag under way, else leave Compare, else put the straighten tool away."""
        window = self._window
        if window.canvas.finish_drag():
            return
        if self.comparing():
            self.show_compare(False)
        elif window.window_actions.straighten.isChecked():
            window.window_actions.straighten.setChecked(False)
