"""The base of the main window's parts (``ui.photo_loading``, ``ui.suggestion_apply``, ...): each
is a Qt child of the window, lives as long as it, and goes through the window's public methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class WindowPart(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
