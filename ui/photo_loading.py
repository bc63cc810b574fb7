"""Loading the photo to show, off the GUI thread: face detection's models at start-up, then for each
photo its screen preview (decoded with its saved crop) and, once the models are in, its faces and
suggestions. A result for a photo the window has since left is dropped; the window shows what
arrives (``MainWindow.show_photo`` / ``MainWindow.show_analysis``). The worker-side steps are
``ui.photo_jobs``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from core.models import ModelProgress, ModelStore, default_store
from ui.photo_jobs import DisplayPhoto, PhotoAnalysis, analyze_photo, load_display_photo
from ui.tasks import describe_error
from ui.window_panes import PAGE_WELCOME
from ui.window_part import WindowPart

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer
    from ui.main_window import MainWindow

#: The screen preview's long side: the screen's, within these bounds.
PREVIEW_MIN_SIDE, PREVIEW_MAX_SIDE = 1600, 3200
#: Pool priority of the work for the photo on screen: ahead of film-strip thumbnails.
FOREGROUND = 10


class _ProgressRelay(QObject):
    """Lives on the GUI thread; a worker emits on it and Qt queues the call to the GUI thread."""

    progress = Signal(object)


class PhotoLoading(WindowPart):
    """Owns the face analyzer (built here unless one is handed in) and the photo being opened."""

    def __init__(
        self,
        window: MainWindow,
        analyzer: FaceAnalyzer | None,
        model_store: ModelStore | None,
    ) -> None:
        super().__init__(window)
        self.analyzer: FaceAnalyzer | None = analyzer
        self._owns_analyzer = analyzer is None
        self._model_store = model_store
        #: Why face detection is unavailable (None: it is, or is still loading).
        self.models_error: str | None = None
        #: The photo being opened or shown.
        self.path: Path | None = None
        #: The photo on screen still waits for its analysis (the models are not in yet).
        self.analysis_pending = False
        self._closing = threading.Event()  # tells the model loader the window is gone

    # == models ==

    def start_models(self) -> None:
        relay = _ProgressRelay(self)
        relay.progress.connect(self._on_model_progress)
        store = self._model_store
        closing = self._closing
        self._window.status.say("Loading face detection…")

        def load() -> FaceAnalyzer | None:
            # Imported here: MediaPipe loads in the worker, not while the window opens.
            from core.detection import FaceAnalyzer

            chosen = store if store is not None else default_store()
            chosen.ensure_all(relay.progress.emit)
            analyzer = FaceAnalyzer(chosen)
            analyzer.load_models()
            if closing.is_set():
                # The window closed while this loaded: nobody will take it, so free it here
                # (MediaPipe's own clean-up at interpreter exit is noisy).
                analyzer.close()
                return None
            return analyzer

        self._window.runner.submit(
            load, self._on_models_ready, self._on_models_failed, key="models", priority=FOREGROUND
        )

    def _on_model_progress(self, p: ModelProgress) -> None:
        self._window.status.show_model_progress(p)

    def _on_models_ready(self, analyzer: FaceAnalyzer | None) -> None:
        window = self._window
        self.analyzer = analyzer
        window.status.progress.hide()
        if self.path is None and not window.banner.isVisible():
            window.status.say("Face detection ready")
        window.modelsReady.emit()
        if self.analysis_pending and window.shown_photo() is not None:
            self.start_analysis()

    def _on_models_failed(self, exc: BaseException) -> None:
        window = self._window
        self.models_error = describe_error(exc)
        window.status.progress.hide()
        window.status.say("Face detection unavailable")
        window.banner.show_message(
            f"Face detection is unavailable: {self.models_error} "
            "You can still crop by hand and export.",
        )
        if window.shown_photo() is not None:
            window.attach_session(window.session())
            window.suggestions.clear("No suggestions: face detection is unavailable.")

    def stop(self) -> None:
        """The window is closing: a model load under way frees what it built."""
        self._closing.set()

    def close_analyzer(self) -> None:
        """Free the analyzer built here (one handed in is its owner's to close)."""
        if self._owns_analyzer and self.analyzer is not None:
            self.analyzer.close()

    # == the photo ==

    def open_photo(self, path: Path) -> None:
        """Show ``path``: preview first (worker), then faces and suggestions (worker)."""
        window = self._window
        path = Path(path)
        shown = window.shown_photo()
        if self.path == path and shown is not None and shown.path == path:
            return
        window.sidecar.flush()
        self.path = path
        window.banner.hide()
        window.status.say(f"Opening {path.name}…")
        if window.filmstrip.isVisible():
            window.filmstrip.set_current_path(path)
        max_side = self._preview_side()
        window.runner.submit(
            lambda: load_display_photo(path, max_side),
            self._on_photo_loaded,
            lambda exc: self._on_photo_failed(path, exc),
            key="open-photo",
            priority=FOREGROUND,
        )

    def _preview_side(self) -> int:
        screen = self._window.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return PREVIEW_MIN_SIDE
        size = screen.availableGeometry().size() * screen.devicePixelRatio()
        return max(PREVIEW_MIN_SIDE, min(PREVIEW_MAX_SIDE, max(size.width(), size.height())))

    def _on_photo_failed(self, path: Path, exc: BaseException) -> None:
        if path != self.path:
            return
        window = self._window
        message = describe_error(exc)
        window.show_error(
            f"Could not open {path.name}: {message}" if path.name not in message else message
        )
        # Keep showing the last good photo; the next one is a click (or PgDn) away.
        shown = window.shown_photo()
        self.path = shown.path if shown is not None else None
        if shown is None:
            window.stack.setCurrentIndex(PAGE_WELCOME)

    def _on_photo_loaded(self, photo: DisplayPhoto) -> None:
        if photo.path != self.path:
            return
        self._window.show_photo(photo)
        self.analysis_pending = True
        if self.analyzer is not None:
            self.start_analysis()
        elif self.models_error is None:
            self._window.status.say(f"{photo.path.name} · waiting for face detection to load…")

    def start_analysis(self) -> None:
        window = self._window
        photo, analyzer = window.shown_photo(), self.analyzer
        if photo is None or analyzer is None:
            return
        self.analysis_pending = False
        presets = window.selected_presets()
        window.status.say(f"{photo.path.name} · finding faces…")
        window.status.show_busy(True)
        window.runner.submit(
            # Suggestions are scored as the CLI scores them, whatever presets are ticked; their
            # checks are for the ticked presets (what the Checks panel lists once one is applied).
            lambda: analyze_photo(analyzer, photo.loaded, presets),
            self._on_analysis,
            lambda exc: self._on_analysis_failed(photo.path, exc),
            key="analysis",
            priority=FOREGROUND,
        )

    def _on_analysis_failed(self, path: Path, exc: BaseException) -> None:
        window = self._window
        shown = window.shown_photo()
        if shown is None or path != shown.path:
            return
        window.status.show_busy(False)
        window.analysed_path = path
        window.attach_session(window.session())
        window.suggestions.clear("No suggestions for this photo.")
        window.show_error(f"Could not analyse {path.name}: {describe_error(exc)}")

    def _on_analysis(self, result: PhotoAnalysis) -> None:
        window = self._window
        shown = window.shown_photo()
        if shown is None or result.path != shown.path or window.session() is None:
            return
        window.status.show_busy(False)
        window.show_analysis(result)
