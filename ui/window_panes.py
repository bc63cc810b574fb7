"""The main window's panes and how they sit: an inline message banner over the photo pages
(welcome / canvas + crop bar / compare), the suggestions on the left, output previews over checks
on the right, the film strip below when a folder is open, and the status bar. The splitters' sizes
and the window's geometry are saved and restored here too.

The panes are built with what they show from the settings (ticked presets, suggestion tab); the
window connects their signals to what it does.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from core.presets import PresetBook
from ui.canvas import PhotoCanvas
from ui.checks_panel import ChecksPanel
from ui.compare_view import CompareView
from ui.crop_bar import CropBar
from ui.filmstrip import FilmStrip
from ui.preview_panel import PreviewPanel
from ui.settings import AppSettings
from ui.status import AppStatusBar, MessageBanner
from ui.suggestions_panel import SuggestionsPanel
from ui.tasks import TaskRunner
from ui.welcome_view import WelcomeView

#: The photo pages of the centre stack.
PAGE_WELCOME, PAGE_CANVAS, PAGE_COMPARE = 0, 1, 2
#: The window's size when no saved geometry fits.
DEFAULT_SIZE = (1500, 940)


def _column(*parts: tuple[QWidget, int]) -> QWidget:
    """``parts`` (widget, stretch factor) stacked top to bottom without margins."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    for widget, stretch in parts:
        layout.addWidget(widget, stretch)
    return page


class WindowPanes:
    """Every pane of the main window, laid out; ``root`` is the window's central widget."""

    def __init__(self, runner: TaskRunner, presets: PresetBook, settings: AppSettings) -> None:
        self._settings = settings
        self.banner = MessageBanner()
        self.welcome = WelcomeView()
        self.canvas = PhotoCanvas()
        self.crop_bar = CropBar()
        self.compare = CompareView(runner)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(_column((self.canvas, 1), (self.crop_bar, 0)))
        self.stack.addWidget(self.compare)
        self.stack.setCurrentIndex(PAGE_WELCOME)
        centre = _column((self.banner, 0), (self.stack, 1))

        self.suggestions = SuggestionsPanel(runner)
        self.suggestions.currentGenreChanged.connect(settings.set_suggestion_tab)
        self.suggestions.set_current_genre(settings.suggestion_tab())
        self.preview = PreviewPanel(runner, presets)
        stored = settings.selected_presets()
        if stored is not None:
            self.preview.set_selected_presets(stored)
        self.checks = ChecksPanel()

        self.right_split = self._splitter(
            "rightSplitter", Qt.Orientation.Vertical, (self.preview, 3), (self.checks, 1)
        )
        self.main_split = self._splitter(
            "mainSplitter",
            Qt.Orientation.Horizontal,
            (self.suggestions, 0),
            (centre, 1),
            (self.right_split, 0),
        )
        self.suggestions.setMinimumWidth(296)
        self.right_split.setMinimumWidth(280)

        self.filmstrip = FilmStrip(runner)
        self.filmstrip.hide()
        self.outer_split = self._splitter(
            "outerSplitter", Qt.Orientation.Vertical, (self.main_split, 1), (self.filmstrip, 0)
        )
        self.root: QWidget = self.outer_split
        self.status = AppStatusBar()

    @staticmethod
    def _splitter(name: str, orientation: Qt.Orientation, *parts: tuple[QWidget, int]) -> QSplitter:
        """A splitter of ``parts`` (widget, stretch factor) whose parts never collapse."""
        splitter = QSplitter(orientation)
        splitter.setObjectName(name)
        for i, (widget, stretch) in enumerate(parts):
            splitter.addWidget(widget)
            splitter.setStretchFactor(i, stretch)
        splitter.setChildrenCollapsible(False)
        return splitter

    def _named_splitters(self) -> tuple[tuple[str, QSplitter], ...]:
        return (
            ("main_splitter", self.main_split),
            ("right_splitter", self.right_split),
            ("outer_splitter", self.outer_split),
        )

    def restore(self, window: QMainWindow, *, from_settings: bool) -> bool:
        """Put back the window's geometry and state and the splitters' sizes from the settings
        (unless not ``from_settings``); True when a splitter came back (else ``first_show_sizes``
        applies)."""
        s = self._settings
        if not from_settings:
            window.resize(*DEFAULT_SIZE)
            return False
        geometry = s.layout_bytes("geometry")
        if geometry is None or not window.restoreGeometry(geometry):
            window.resize(*DEFAULT_SIZE)
        state = s.layout_bytes("state")
        if state is not None:
            window.restoreState(state)
        restored = False
        for name, splitter in self._named_splitters():
            data = s.layout_bytes(name)
            if data is not None:
                restored = splitter.restoreState(data) or restored
        return restored

    def save(self, window: QMainWindow) -> None:
        """Remember the layout and what the panes show (ticked presets, suggestion tab)."""
        s = self._settings
        s.set_layout_bytes("geometry", window.saveGeometry())
        s.set_layout_bytes("state", window.saveState())
        for name, splitter in self._named_splitters():
            s.set_layout_bytes(name, splitter.saveState())
        s.set_selected_presets(self.preview.selected_presets())
        s.set_suggestion_tab(self.suggestions.current_genre())

    def first_show_sizes(self) -> None:
        """First run: split by the real window width (sizes set before showing are rescaled).
        The right panel is the wider: preset names ("Instagram post, portrait 4:5") and previews
        with their badges need the room; the photo keeps at least half the window."""
        total = self.main_split.width()
        left = max(280, min(360, total // 5))
        right = max(280, min(440, total // 4))
        if total - left - right < total // 2:
            right = max(280, total - left - total // 2)
        self.main_split.setSizes([left, max(400, total - left - right), right])
