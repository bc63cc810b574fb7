"""Headroom's main window: composes the canvas, crop controls, suggestion/compare views, preview,
checks and film strip; owns the photo on screen with its crop session, analysis and guides; and
runs every slow step (decode, models, detection, thumbnails, sidecar writes) in the TaskRunner.

Layout: menu bar and tool bar; an inline message banner; then a horizontal splitter with the
suggestions on the left, the photo (welcome view / canvas + crop bar / compare view) in the middle
and output previews over checks on the right; the film strip below when a folder is open. The
splitters' sizes and the window's geometry are saved and restored here too.

Elsewhere: the actions, menus and tool bar are built by ``ui.window_actions`` from this window's
callbacks; the crop is saved to the photo's sidecar by ``ui.sidecar_autosave``; the worker-side
steps of opening a photo are ``ui.photo_jobs``.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.batch import ChosenCrop
from core.crop_session import CropSession, CropState
from core.errors import HeadroomError
from core.framing import compare_pair, first_suggestion
from core.geometry import Box
from core.guides import (
    GUIDE_KINDS,
    GuideSettings,
    guide_config,
    next_guide_cycle,
    next_orientation,
)
from core.models import ModelProgress, ModelStore, default_store
from core.paths import display_text, user_cache_dir
from core.photo import list_photos
from core.presets import Preset, PresetBook, load_presets
from core.suggestion import CheckWarning, Suggestion
from ui.canvas import PhotoCanvas
from ui.checks_panel import ChecksPanel
from ui.compare_view import CompareView
from ui.crop_bar import CropBar
from ui.export_dialog import ExportDialog
from ui.filmstrip import FilmStrip
from ui.house_style import HouseStyleController
from ui.keymap import CropKeyRouter
from ui.photo_jobs import (
    DisplayPhoto,
    PhotoAnalysis,
    analyze_photo,
    load_display_photo,
    suggest_for,
    suggestion_checks,
)
from ui.preview_panel import PreviewPanel
from ui.settings import AppSettings
from ui.shortcut_sheet import ShortcutSheet
from ui.sidecar_autosave import SidecarAutosave, SidecarCrop
from ui.status import AppStatusBar, MessageBanner
from ui.suggestions_panel import SuggestionsPanel
from ui.tasks import TaskRunner, describe_error
from ui.theme import icon
from ui.welcome_view import WelcomeView, sample_photo_path
from ui.window_actions import ActionSlots, WindowActions, id_rule_names

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer

log = logging.getLogger(__name__)

PREVIEW_MIN_SIDE, PREVIEW_MAX_SIDE = 1600, 3200
#: Pool priority of the work for the photo on screen: ahead of film-strip thumbnails.
FOREGROUND = 10

PAGE_WELCOME, PAGE_CANVAS, PAGE_COMPARE = 0, 1, 2
STRAIGHTEN_HINT = "Straighten: drag along a line that should be level (or upright)"


class _ProgressRelay(QObject):
    """Lives on the GUI thread; a worker emits on it and Qt queues the call to the GUI thread."""

    progress = Signal(object)


def _expand(paths: Iterable[Path]) -> tuple[list[Path], Path | None]:
    """Photos to show for the given files/folders, and the folder when exactly one was given."""
    paths = [Path(p) for p in paths]
    if len(paths) == 1 and paths[0].is_dir():
        return list_photos(paths[0]), paths[0]
    out: list[Path] = []
    for p in paths:
        out.extend(list_photos(p) if p.is_dir() else [p])
    return out, None


class MainWindow(QMainWindow):
    photoShown = Signal(Path)  # the preview is on the canvas
    analysisShown = Signal(Path)  # faces and suggestions are in
    modelsReady = Signal()
    sidecarWritten = Signal(Path)
    # Built in _build_widgets; declared here because lambdas there refer to them first.
    status: AppStatusBar
    window_actions: WindowActions

    def __init__(
        self,
        settings: QSettings,
        *,
        runner: TaskRunner | None = None,
        analyzer: FaceAnalyzer | None = None,
        presets: PresetBook | None = None,
        model_store: ModelStore | None = None,
        restore_layout: bool = True,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Headroom")
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)
        self.qsettings = settings
        self.app_settings = AppSettings(settings)
        self.runner = runner if runner is not None else TaskRunner(self, max_threads=3)
        self.runner.taskFailed.connect(self._on_task_failed)
        preset_problem: str | None = None
        if presets is None:
            try:
                presets = load_presets()
            except HeadroomError as exc:
                # A broken user preset file must not keep the app from starting.
                preset_problem = f"{exc} Using the built-in presets only."
                presets = load_presets(None)
        self.presets = presets

        self._analyzer: FaceAnalyzer | None = analyzer
        self._owns_analyzer = analyzer is None
        self._model_store = model_store
        self._models_error: str | None = None
        self._closing = threading.Event()  # tells the model loader the window is gone

        self._path: Path | None = None  # the photo being opened or shown
        self._shown: DisplayPhoto | None = None  # the photo on the canvas
        self._session: CropSession | None = None
        self._result: PhotoAnalysis | None = None
        self._last_applied: Suggestion | None = None
        self._analysis_pending = False
        self._checks_pending = False
        #: The photo whose analysis (or its failure) was last delivered.
        self.analysed_path: Path | None = None
        self._sidecar = SidecarAutosave(
            self.runner, self._sidecar_crop, priority=FOREGROUND, parent=self
        )
        self._sidecar.written.connect(self._on_sidecar_written)
        self._sidecar.failed.connect(self.show_error)
        self._export_dialog: ExportDialog | None = None
        self._shortcut_sheet: ShortcutSheet | None = None
        #: Save the crop next to the photo after each edit (off for --screenshot).
        self.autosave = True
        self._auto_applying = False
        #: Where the sample photo is copied before opening, so its sidecar never lands in
        #: matplotlib's installed data folder.
        self.sample_dir = user_cache_dir() / "sample"

        self._guides = self.app_settings.guide_settings(GUIDE_KINDS)
        if self._guides.id_rule not in {None, *(rule_id for rule_id, _ in id_rule_names())}:
            self._guides = replace(self._guides, id_rule=None)  # a rule since removed
        self._build_widgets()
        self._build_actions()
        #: Crop > Use this framing for all photos (ui/house_style.py).
        self.house_style = HouseStyleController(self)
        self._restore(restore_layout)
        self._update_actions()
        if preset_problem is not None:
            self.show_error(preset_problem)
        if self._analyzer is None:
            self._start_models()
        else:
            self.status.say("Ready")

    # == construction ==

    def _build_widgets(self) -> None:
        self.banner = MessageBanner()
        self.welcome = WelcomeView()
        self.welcome.sampleRequested.connect(self.open_sample)
        self.welcome.openRequested.connect(self.choose_photos)

        self.canvas = PhotoCanvas()
        self.canvas.subjectClicked.connect(self._on_subject_clicked)
        self.canvas.resetRequested.connect(self.reset_crop)
        self.canvas.set_guide_settings(self._guides)
        self.canvas.straightenFinished.connect(
            lambda: self.window_actions.straighten.setChecked(False)
        )
        self.crop_bar = CropBar()
        self.crop_bar.straightenToggled.connect(self._on_straighten_toggled)
        canvas_page = QWidget()
        canvas_layout = QVBoxLayout(canvas_page)
        canvas_layout.setContentsMargins(0, 0, 0, 0)
        canvas_layout.setSpacing(0)
        canvas_layout.addWidget(self.canvas, 1)
        canvas_layout.addWidget(self.crop_bar)

        self.compare = CompareView(self.runner)
        self.compare.suggestionChosen.connect(self._apply_from_compare)
        self.compare.closeRequested.connect(lambda: self.show_compare(False))

        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(canvas_page)
        self.stack.addWidget(self.compare)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.banner)
        centre_layout.addWidget(self.stack, 1)

        self.suggestions = SuggestionsPanel(self.runner)
        self.suggestions.suggestionChosen.connect(self.apply_suggestion)
        self.suggestions.compareRequested.connect(lambda: self.show_compare(True))
        self.suggestions.currentGenreChanged.connect(self.app_settings.set_suggestion_tab)
        self.suggestions.set_current_genre(self.app_settings.suggestion_tab())

        self.preview = PreviewPanel(self.runner, self.presets)
        stored = self.app_settings.selected_presets()
        if stored is not None:
            self.preview.set_selected_presets(stored)
        self.preview.selectedPresetsChanged.connect(self._on_presets_changed)
        self.checks = ChecksPanel()

        self.right_split = QSplitter(Qt.Orientation.Vertical)
        self.right_split.setObjectName("rightSplitter")
        self.right_split.addWidget(self.preview)
        self.right_split.addWidget(self.checks)
        self.right_split.setStretchFactor(0, 3)
        self.right_split.setStretchFactor(1, 1)
        self.right_split.setChildrenCollapsible(False)

        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.setObjectName("mainSplitter")
        self.main_split.addWidget(self.suggestions)
        self.main_split.addWidget(centre)
        self.main_split.addWidget(self.right_split)
        self.main_split.setStretchFactor(0, 0)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setStretchFactor(2, 0)
        self.suggestions.setMinimumWidth(296)
        self.right_split.setMinimumWidth(280)
        self.main_split.setChildrenCollapsible(False)

        self.filmstrip = FilmStrip(self.runner)
        self.filmstrip.photoActivated.connect(self.open_photo)
        self.filmstrip.hide()
        self.outer_split = QSplitter(Qt.Orientation.Vertical)
        self.outer_split.setObjectName("outerSplitter")
        self.outer_split.addWidget(self.main_split)
        self.outer_split.addWidget(self.filmstrip)
        self.outer_split.setStretchFactor(0, 1)
        self.outer_split.setStretchFactor(1, 0)
        self.outer_split.setChildrenCollapsible(False)
        self.setCentralWidget(self.outer_split)

        self.status = AppStatusBar()
        self.setStatusBar(self.status)
        self.stack.setCurrentIndex(PAGE_WELCOME)

    def _build_actions(self) -> None:
        self.window_actions = WindowActions(
            self,
            ActionSlots(
                choose_photos=self.choose_photos,
                choose_folder=self.choose_folder,
                open_sample=self.open_sample,
                open_paths=self.open_paths,
                export=self.open_export_dialog,
                quit=self.close,
                undo=self.undo,
                redo=self.redo,
                reset_crop=self.reset_crop,
                toggle_aspect_lock=lambda: self._edit(CropSession.toggle_aspect_lock),
                swap_orientation=lambda: self._edit(CropSession.swap_orientation),
                set_aspect=lambda value: self._edit(lambda s: s.set_aspect(value)),
                level_eyes=self.level_eyes,
                level_lines=self.level_lines,
                zoom_fit=self.canvas.zoom_fit,
                zoom_in=self.canvas.zoom_in,
                zoom_out=self.canvas.zoom_out,
                set_circle_mask=self.canvas.set_circle_mask,
                show_compare=self.show_compare,
                next_photo=self.next_photo,
                previous_photo=self.previous_photo,
                pick_suggestion=self.suggestions.pick,
                nudge=lambda dx, dy: self._edit(lambda s: s.nudge(dx, dy)),
                confirm=self._on_confirm,
                escape=self._on_escape,
                zoom_crop=self.canvas.zoom_to_crop,
                show_shortcuts=self.show_shortcuts,
                guide_settings=self.guide_settings,
                set_guides=self._set_guides,
                toggle_guide=self._toggle_guide,
                cycle_guides=self.cycle_guides,
                next_guide_orientation=self.next_guide_orientation,
            ),
            self.app_settings,
        )
        # The S key and the crop bar's button are one tool: each follows the other.
        straighten = self.window_actions.straighten
        straighten.toggled.connect(self.crop_bar.straighten_button.setChecked)
        self.crop_bar.straighten_button.toggled.connect(straighten.setChecked)
        self.crop_keys = CropKeyRouter(
            self, self.window_actions.crop_key_actions, self.canvas.hold_pan
        )

    # == settings ==

    def _restore(self, restore_layout: bool) -> None:
        s = self.app_settings
        self._layout_restored = False
        if not restore_layout:
            self.resize(1500, 940)
            return
        geometry = s.layout_bytes("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1500, 940)
        state = s.layout_bytes("state")
        if state is not None:
            self.restoreState(state)
        for name, splitter in (
            ("main_splitter", self.main_split),
            ("right_splitter", self.right_split),
            ("outer_splitter", self.outer_split),
        ):
            data = s.layout_bytes(name)
            if data is not None:
                self._layout_restored = splitter.restoreState(data) or self._layout_restored

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._layout_restored:
            # First run: split by the real window width (sizes set before showing are rescaled).
            # The right panel is the wider: preset names ("Instagram post, portrait 4:5") and
            # previews with their badges need the room; the photo keeps at least half the window.
            self._layout_restored = True
            total = self.main_split.width()
            left = max(280, min(360, total // 5))
            right = max(280, min(440, total // 4))
            if total - left - right < total // 2:
                right = max(280, total - left - total // 2)
            self.main_split.setSizes([left, max(400, total - left - right), right])

    def layout_was_restored(self) -> bool:
        """Whether the splitters came back from the settings (else first-run sizes apply)."""
        return self._layout_restored

    def save_settings(self) -> None:
        s = self.app_settings
        s.set_layout_bytes("geometry", self.saveGeometry())
        s.set_layout_bytes("state", self.saveState())
        s.set_layout_bytes("main_splitter", self.main_split.saveState())
        s.set_layout_bytes("right_splitter", self.right_split.saveState())
        s.set_layout_bytes("outer_splitter", self.outer_split.saveState())
        s.set_guide_settings(self._guides)
        s.set_selected_presets(self.preview.selected_presets())
        s.set_suggestion_tab(self.suggestions.current_genre())
        s.sync()

    # == models ==

    def _start_models(self) -> None:
        relay = _ProgressRelay(self)
        relay.progress.connect(self._on_model_progress)
        store = self._model_store
        closing = self._closing
        self.status.say("Loading face detection…")

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

        self.runner.submit(
            load, self._on_models_ready, self._on_models_failed, key="models", priority=FOREGROUND
        )

    def _on_model_progress(self, p: ModelProgress) -> None:
        self.status.show_model_progress(p)

    def _on_models_ready(self, analyzer: FaceAnalyzer | None) -> None:
        self._analyzer = analyzer
        self.status.progress.hide()
        if self._path is None and not self.banner.isVisible():
            self.status.say("Face detection ready")
        self.modelsReady.emit()
        if self._analysis_pending and self._shown is not None:
            self._start_analysis()

    def _on_models_failed(self, exc: BaseException) -> None:
        self._models_error = describe_error(exc)
        self.status.progress.hide()
        self.status.say("Face detection unavailable")
        self.banner.show_message(
            f"Face detection is unavailable: {self._models_error} "
            "You can still crop by hand and export.",
        )
        if self._shown is not None:
            self._attach_session(self._session)
            self.suggestions.clear("No suggestions: face detection is unavailable.")

    def shown_path(self) -> Path | None:
        return self._shown.path if self._shown is not None else None

    def analyzer(self) -> FaceAnalyzer | None:
        return self._analyzer

    # == opening photos ==

    def choose_photos(self) -> None:
        start = self.app_settings.last_folder() or Path.home()
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Open photos",
            str(start),
            "Photos (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.heic *.heif *.bmp);;All files (*)",
        )
        if files:
            self.open_paths([Path(f) for f in files])

    def choose_folder(self) -> None:
        start = self.app_settings.last_folder() or Path.home()
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of photos", str(start))
        if folder:
            self.open_paths([Path(folder)])

    def open_sample(self) -> None:
        sample = sample_photo_path()
        if sample is None:
            self.show_error(
                "The sample photo is missing: matplotlib's sample data is not installed."
            )
            return
        copy = self.sample_dir / sample.name
        try:
            if not copy.is_file() or copy.stat().st_size != sample.stat().st_size:
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(sample, copy)
        except OSError as exc:
            log.warning("opening the sample in place, could not copy it: %s", exc)
            copy = sample
        self.open_paths([copy])

    def open_paths(self, paths: Sequence[Path]) -> None:
        """Open photos and folders (command line, menu, drop). One folder or several photos fill the
        film strip; the first photo opens."""
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            self.show_error(f"Not found: {', '.join(str(p) for p in missing)}")
        paths = [Path(p) for p in paths if Path(p).exists()]
        if not paths:
            return
        try:
            photos, folder = _expand(paths)
        except (HeadroomError, OSError) as exc:
            self.show_error(describe_error(exc))
            return
        if folder is not None:
            self.app_settings.add_recent(folder)
            self.app_settings.set_last_folder(folder)
        if not photos:
            self.show_error(f"No photos found in {', '.join(p.name or str(p) for p in paths)}.")
            return
        if len(photos) > 1 or folder is not None:
            if folder is not None:
                self.filmstrip.set_folder(folder)
            else:
                self.filmstrip.set_paths(photos)
            self.filmstrip.show()
        else:
            self.filmstrip.hide()
        self.open_photo(photos[0])

    def open_photo(self, path: Path) -> None:
        """Show ``path``: preview first (worker), then faces and suggestions (worker)."""
        path = Path(path)
        if self._path == path and self._shown is not None and self._shown.path == path:
            return
        self._sidecar.flush()
        self._path = path
        self.banner.hide()
        self.status.say(f"Opening {path.name}…")
        if self.filmstrip.isVisible():
            self.filmstrip.set_current_path(path)
        max_side = self._preview_side()
        self.runner.submit(
            lambda: load_display_photo(path, max_side),
            self._on_photo_loaded,
            lambda exc: self._on_photo_failed(path, exc),
            key="open-photo",
            priority=FOREGROUND,
        )

    def _preview_side(self) -> int:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return PREVIEW_MIN_SIDE
        size = screen.availableGeometry().size() * screen.devicePixelRatio()
        return max(PREVIEW_MIN_SIDE, min(PREVIEW_MAX_SIDE, max(size.width(), size.height())))

    def _on_photo_failed(self, path: Path, exc: BaseException) -> None:
        if path != self._path:
            return
        message = describe_error(exc)
        self.show_error(
            f"Could not open {path.name}: {message}" if path.name not in message else message
        )
        # Keep showing the last good photo; the next one is a click (or PgDn) away.
        self._path = self._shown.path if self._shown is not None else None
        if self._shown is None:
            self.stack.setCurrentIndex(PAGE_WELCOME)

    def _on_photo_loaded(self, photo: DisplayPhoto) -> None:
        if photo.path != self._path:
            return
        if self._session is not None:
            self._disconnect_session(self._session)
        self._shown = photo
        self._result = None
        self._last_applied = None
        width, height = photo.original_size
        initial = CropState.from_choice(photo.saved) if photo.saved is not None else None
        self._session = CropSession(width, height, analysis=None, initial=initial)
        self._session.changing.connect(self._on_crop_changing)
        self._session.changed.connect(self._on_crop_changed)
        self.canvas.set_photo(photo.qimage, photo.original_size)
        self.canvas.set_faces((), None)
        # A photo without a saved crop gets its crop with its faces: until then the canvas shows
        # the photo alone, not a full-frame crop that "passes every check" for a second.
        first_crop_known = photo.saved is not None or self._models_error is not None
        self._attach_session(self._session if first_crop_known else None)
        self.window_actions.straighten.setChecked(False)
        self.suggestions.set_source(photo.preview, photo.original_size)
        self.suggestions.clear(
            "Finding faces…"
            if self._models_error is None
            else "No suggestions: face detection is unavailable."
        )
        self.preview.set_photo(photo.path)
        self.preview.set_crop(self._session.state)
        self.stack.setCurrentIndex(PAGE_CANVAS)
        self.canvas.zoom_fit()
        if not self.filmstrip.isVisible():
            # Photos browsed in a folder are not "recent" one by one: the folder is.
            self.app_settings.add_recent(photo.path)
        self.setWindowTitle(display_text(f"{photo.path.name} — Headroom"))
        self.status.photo_info.setText(f"{width} × {height} px")
        saved = " · crop restored from its sidecar" if photo.saved is not None else ""
        self.status.say(f"{photo.path.name}{saved}")
        self._schedule_checks()
        self._update_actions()
        self.photoShown.emit(photo.path)
        self._analysis_pending = True
        if self._analyzer is not None:
            self._start_analysis()
        elif self._models_error is None:
            self.status.say(f"{photo.path.name} · waiting for face detection to load…")

    def _attach_session(self, session: CropSession | None) -> None:
        """Show ``session``'s crop on the canvas and the crop bar (None: the photo alone)."""
        self.canvas.set_session(session)
        self.crop_bar.set_session(session)

    def _awaiting_first_crop(self) -> bool:
        return self._session is not None and self.canvas.session is not self._session

    def _start_analysis(self) -> None:
        photo, analyzer = self._shown, self._analyzer
        if photo is None or analyzer is None:
            return
        self._analysis_pending = False
        presets = self.selected_presets()
        self.status.say(f"{photo.path.name} · finding faces…")
        self.status.show_busy(True)
        self.runner.submit(
            # Suggestions are scored as the CLI scores them, whatever presets are ticked; their
            # checks are for the ticked presets (what the Checks panel lists once one is applied).
            lambda: analyze_photo(analyzer, photo.loaded, presets),
            self._on_analysis,
            lambda exc: self._on_analysis_failed(photo.path, exc),
            key="analysis",
            priority=FOREGROUND,
        )

    def _on_analysis_failed(self, path: Path, exc: BaseException) -> None:
        if self._shown is None or path != self._shown.path:
            return
        self.status.show_busy(False)
        self.analysed_path = path
        self._attach_session(self._session)
        self.suggestions.clear("No suggestions for this photo.")
        self.show_error(f"Could not analyse {path.name}: {describe_error(exc)}")

    def _on_analysis(self, result: PhotoAnalysis) -> None:
        if self._shown is None or result.path != self._shown.path or self._session is None:
            return
        self.status.show_busy(False)
        self._result = result
        self.analysed_path = result.path
        session = self._session
        session.analysis = result.analysis
        faces = result.analysis.faces
        subject = session.state.subject
        self.canvas.set_faces(faces, subject if subject is not None else (0 if faces else None))
        self.crop_bar.update_level_enabled()
        self.suggestions.set_suggestions(result.suggestions, result.checks)
        if self._shown.saved is None and not session.can_undo:
            first = first_suggestion(result.analysis, result.suggestions)
            if first is not None:
                # Where the photo starts, not a choice the photographer made: no sidecar for it.
                self._auto_applying = True
                self._last_applied = first
                try:
                    session.start_at(first)
                finally:
                    self._auto_applying = False
                if first.genre == "group":
                    # A group photo opens on the group: show where that crop came from (other
                    # photos leave the tab the photographer chose).
                    self.suggestions.set_current_genre("group")
        if self._awaiting_first_crop():
            self._attach_session(session)
        self.suggestions.set_active(session.state.suggestion_id)
        self.preview.set_crop(session.state, session.analysis)  # ID previews frame by rule now
        n = len(faces)
        restored = " · crop restored from its sidecar" if self._shown.saved is not None else ""
        self.status.say(
            f"{result.path.name} · {n} face{'s' if n != 1 else ''} · "
            f"{len(result.suggestions)} suggestions{restored}"
        )
        self._schedule_checks()
        self._update_actions()
        if self.stack.currentIndex() == PAGE_COMPARE:
            self._refresh_compare()
        self.analysisShown.emit(result.path)

    def _resuggest(self, subject: int | None) -> None:
        result = self._result
        if result is None:
            return
        presets = self.selected_presets()
        self.runner.submit(
            lambda: suggest_for(result.path, result.analysis, subject, presets),
            self._on_resuggested,
            key="suggest",
            priority=FOREGROUND,
        )

    def _on_resuggested(self, result: PhotoAnalysis) -> None:
        if self._shown is None or result.path != self._shown.path:
            return
        self._result = result
        self.suggestions.set_suggestions(result.suggestions, result.checks)
        if self._session is not None:
            self.suggestions.set_active(self._session.state.suggestion_id)
        if self.stack.currentIndex() == PAGE_COMPARE:
            self._refresh_compare()

    # == crop edits ==

    def session(self) -> CropSession | None:
        return self._session

    def _edit(self, edit: Callable[[CropSession], object]) -> None:
        """Run one crop edit; an edit core refuses is said in the status bar."""
        if self._session is None:
            return
        try:
            edit(self._session)
        except (ValueError, IndexError, HeadroomError) as exc:
            self.status.say(str(exc))

    def apply_suggestion(self, suggestion: Suggestion) -> None:
        if self._session is None:
            return
        self._session.apply_suggestion(suggestion)
        self._last_applied = suggestion
        if suggestion.genre == "id" and suggestion.framing in self.window_actions.id_rules:
            # An ID crop is judged against its rule's bands: show them.
            self._set_guides(
                replace(
                    self._guides,
                    id_rule=suggestion.framing,
                    enabled=self._guides.enabled | {"id_bands"},
                )
            )
        if suggestion.subject is not None and self._result is not None:
            self.canvas.set_faces(self._result.analysis.faces, suggestion.subject)
        self.status.say(f"Applied {suggestion.genre} · {suggestion.label}")

    def _apply_from_compare(self, suggestion: Suggestion) -> None:
        self.apply_suggestion(suggestion)
        self.show_compare(False)

    def undo(self) -> None:
        self._edit(CropSession.undo)

    def redo(self) -> None:
        self._edit(CropSession.redo)

    def level_eyes(self) -> None:
        if self._session is not None and (
            self._session.analysis is None or not self._session.analysis.faces
        ):
            self.status.say("No face to level")
            return
        self._edit(CropSession.level_eyes)

    def level_lines(self) -> None:
        if self._session is not None and self._session.lines_level_angle is None:
            self.status.say("No straight lines in the background to level by")
            return
        self._edit(CropSession.level_lines)

    def reset_crop(self) -> None:
        """R / right-click: back to the suggestion applied last (else the first suggestion, else
        the whole image)."""
        if self._session is None:
            return
        first = self._last_applied
        if first is None and self._result is not None:
            first = first_suggestion(self._result.analysis, self._result.suggestions)
        if first is not None:
            self._session.apply_suggestion(first)
        else:
            s = self._session
            self._session.reset_to(
                CropState(Box(0.0, 0.0, float(s.image_width), float(s.image_height)), None)
            )

    def _on_subject_clicked(self, index: int) -> None:
        if self._session is None or self._result is None:
            return
        self._edit(lambda s: s.set_subject(index))
        self.canvas.set_faces(self._result.analysis.faces, index)
        self.status.say(f"Subject: face {index + 1}")
        self._resuggest(index)

    def _on_straighten_toggled(self, on: bool) -> None:
        self.canvas.set_straighten_tool(on)
        if on:
            self.status.say(STRAIGHTEN_HINT)
        elif self.status.text() == STRAIGHTEN_HINT:
            self.status.say("Straighten off")  # the hint must not outlive the tool

    def _on_crop_changing(self, _state: CropState) -> None:
        self._schedule_checks()

    def _on_crop_changed(self, state: CropState) -> None:
        self._schedule_checks()
        self.preview.set_crop(state, self._session.analysis if self._session else None)
        self.suggestions.set_active(state.suggestion_id)
        self._update_actions()
        if self.autosave and not self._auto_applying:
            self._sidecar.schedule()

    def _disconnect_session(self, session: CropSession) -> None:
        session.changing.disconnect(self._on_crop_changing)
        session.changed.disconnect(self._on_crop_changed)

    # == checks ==

    def selected_presets(self) -> list[Preset]:
        """The presets ticked under the previews: the ones checks, suggestions and export use."""
        found = (self.presets.get(pid) for pid in self.preview.selected_presets())
        return [p for p in found if p is not None]

    def _schedule_checks(self) -> None:
        # Several edits in one event-loop turn (a fast drag) run the checks once.
        if not self._checks_pending:
            self._checks_pending = True
            QTimer.singleShot(0, self._run_checks)

    def _run_checks(self) -> None:
        self._checks_pending = False
        if self._session is None:
            self.checks.clear()
            return
        if self._awaiting_first_crop():
            self.checks.clear("Finding faces…")
            return
        try:
            suggestions = self._result.suggestions if self._result is not None else ()
            found: Sequence[CheckWarning] = self._session.checks(
                self.selected_presets(), suggestions
            )
        except Exception as exc:  # a check bug must not break cropping
            log.exception("checks failed")
            self.checks.clear(f"Checks unavailable: {describe_error(exc)}")
            return
        self.checks.set_checks(found)

    def _on_presets_changed(self, ids: list[str]) -> None:
        self.app_settings.set_selected_presets(ids)
        self._schedule_checks()
        result = self._result
        if result is not None:
            # The tiles count the checks for the ticked presets; their order does not change.
            presets = self.selected_presets()
            self.runner.submit(
                lambda: suggestion_checks(result.analysis, result.suggestions, presets),
                lambda checks: self._on_suggestion_checks(result, checks),
                key="suggestion-checks",
                priority=FOREGROUND,
            )

    def _on_suggestion_checks(
        self, result: PhotoAnalysis, checks: dict[str, tuple[CheckWarning, ...]]
    ) -> None:
        if result is self._result:
            self._result = replace(result, checks=checks)
            self.suggestions.set_checks(checks)

    # == guides ==

    def guide_settings(self) -> GuideSettings:
        return self._guides

    def _set_guides(self, settings: GuideSettings) -> None:
        self.canvas.set_guide_settings(settings)
        self._guides = settings
        self.app_settings.set_guide_settings(settings)
        self.window_actions.sync_guides(settings)
        titles = guide_config()
        on = ", ".join(titles.title(k) for k in GUIDE_KINDS if k in settings.enabled)
        self.status.say(f"Guides: {on or 'none'}")

    def _toggle_guide(self, kind: str, on: bool) -> None:
        if (kind in self._guides.enabled) != on:
            self._set_guides(self._guides.toggled(kind))

    def cycle_guides(self) -> None:
        self._set_guides(next_guide_cycle(self._guides))

    def next_guide_orientation(self) -> None:
        self._set_guides(next_orientation(self._guides))

    def set_guides(self, kinds: Iterable[str]) -> None:
        self._set_guides(replace(self._guides, enabled=frozenset(kinds)))

    # == views and navigation ==

    def show_compare(self, on: bool | None = None) -> None:
        if on is None:
            on = self.stack.currentIndex() != PAGE_COMPARE
        if not on:
            self.stack.setCurrentIndex(PAGE_CANVAS if self._shown is not None else PAGE_WELCOME)
            return
        if self._shown is None:
            return
        self._refresh_compare()
        self.stack.setCurrentIndex(PAGE_COMPARE)

    def _refresh_compare(self) -> None:
        if self._shown is None:
            return
        self.compare.show_pair(
            self._shown.preview,
            self._shown.original_size,
            *compare_pair(self.suggestions.suggestions()),
        )

    def _on_escape(self) -> None:
        """Esc: cancel the drag under way, else leave Compare, else put the straighten tool away,
        else dismiss the message."""
        if self.canvas.cancel_drag():
            self.status.say("Drag cancelled")
        elif self.stack.currentIndex() == PAGE_COMPARE:
            self.show_compare(False)
        elif self.window_actions.straighten.isChecked():
            self.window_actions.straighten.setChecked(False)
        elif self.banner.isVisible():
            self.banner.dismiss()

    def _on_confirm(self) -> None:
        """Enter: keep the drag under way, else leave Compare, else put the straighten tool away."""
        if self.canvas.finish_drag():
            return
        if self.stack.currentIndex() == PAGE_COMPARE:
            self.show_compare(False)
        elif self.window_actions.straighten.isChecked():
            self.window_actions.straighten.setChecked(False)

    def show_shortcuts(self) -> ShortcutSheet:
        """Help > Keyboard shortcuts: the sheet printed from ui.keymap's table."""
        if self._shortcut_sheet is None:
            self._shortcut_sheet = ShortcutSheet(self)
        self._shortcut_sheet.show()
        self._shortcut_sheet.raise_()
        return self._shortcut_sheet

    def next_photo(self) -> None:
        if self.filmstrip.isVisible():
            self.filmstrip.select_next()

    def previous_photo(self) -> None:
        if self.filmstrip.isVisible():
            self.filmstrip.select_previous()

    # == export ==

    def export_sources(self) -> list[tuple[Path, ChosenCrop | None]]:
        """The current photo with its crop, plus the film strip's other photos (their saved or
        suggested crops are core's to find)."""
        current = self._chosen_crop()
        shown = self._shown.path if self._shown is not None else None
        if self.filmstrip.isVisible() and self.filmstrip.paths():
            return [(p, current if p == shown else None) for p in self.filmstrip.paths()]
        return [(shown, current)] if shown is not None else []

    def _chosen_crop(self) -> ChosenCrop | None:
        """The crop on screen as export takes it, with the photo size the session knows."""
        if self._session is None or self._shown is None:
            return None
        suggestions = self._result.suggestions if self._result is not None else ()
        choice = self._session.state.to_choice(suggestions)
        return ChosenCrop(choice, self._shown.original_size, self._session.analysis)

    def open_export_dialog(self) -> ExportDialog | None:
        sources = self.export_sources()
        if not sources:
            self.status.say("Open a photo first")
            return None
        self._sidecar.flush()
        dialog = ExportDialog(
            self,
            self.runner,
            self.presets,
            sources,
            self.qsettings,
            analyzer=self.analyzer,
        )
        dialog.set_presets(self.preview.selected_presets())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.exportFinished.connect(self._on_export_finished)
        self._export_dialog = dialog
        dialog.destroyed.connect(lambda *_: setattr(self, "_export_dialog", None))
        dialog.show()
        return dialog

    def _on_export_finished(self, result: object) -> None:
        written = getattr(result, "written", None)
        if written is not None:
            self.status.say(f"Exported {len(written)} file{'s' if len(written) != 1 else ''}")

    # == sidecar ==

    def _sidecar_crop(self) -> SidecarCrop | None:
        """The crop on screen as the sidecar records it (None when no photo is shown)."""
        chosen = self._chosen_crop()
        if chosen is None or self._shown is None:
            return None
        return SidecarCrop(self._shown.path, chosen.choice, chosen.image_size)

    def _on_sidecar_written(self, path: Path) -> None:
        if self.filmstrip.isVisible():
            self.filmstrip.refresh_marks([path])
        self.sidecarWritten.emit(path)

    # == feedback ==

    def show_error(self, message: str) -> None:
        """Inline, never modal: batch work goes on."""
        self.banner.show_message(message, "error")
        self.status.say(message)

    def _on_task_failed(self, message: str) -> None:
        self.show_error(f"Something went wrong in the background: {message}")

    def _update_actions(self) -> None:
        self.window_actions.sync_session(
            self._session,
            can_compare=self.suggestions.best("headshot") is not None
            or self.suggestions.best("portrait") is not None,
        )

    def is_settled(self) -> bool:
        """Nothing left to compute or show (tests and --screenshot)."""
        return (
            self.runner.pending() == 0
            and (not self._analysis_pending or self._models_error is not None)
            and self.suggestions.thumbnails_done()
            and not self.preview.is_rendering()
            and not self.compare.is_rendering()
        )

    # == window events ==

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if any(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing.set()
        self._sidecar.finish()
        self.save_settings()
        self.runner.shutdown()
        if self._owns_analyzer and self._analyzer is not None:
            self._analyzer.close()
        super().closeEvent(event)
