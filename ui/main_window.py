"""Headroom's main window: composes its parts and owns the photo on screen with its crop session.

It shows a photo as it arrives (``show_photo``, then ``show_analysis``), routes crop edits to the
session, keeps the checks, previews and suggestion tiles in step with the crop, switches between
the canvas and Compare, and reports problems inline. Its parts, each named for what it does:

- ``ui.window_panes``: the panes and their layout (splitters saved and restored);
- ``ui.window_actions``: the actions, menus and tool bar, built from this window's callbacks;
- ``ui.photo_opening``: which photos to open (dialogs, the sample, folders into the film strip);
- ``ui.photo_loading``: face detection's models, each photo's preview and analysis, in the
  TaskRunner (worker-side steps in ``ui.photo_jobs``);
- ``ui.suggestion_apply``: the analysis result and which suggestion the crop follows;
- ``ui.window_guides``: the guides over the photo;
- ``ui.export_wiring``: File > Export;
- ``ui.sidecar_autosave``: the crop saved next to its photo; ``ui.house_style``: one framing for
  the whole film strip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow

from core.batch import ChosenCrop
from core.crop_session import CropSession, CropState
from core.errors import HeadroomError
from core.models import ModelStore
from core.paths import display_text, user_cache_dir
from core.presets import Preset, PresetBook, load_presets
from core.suggestion import Suggestion
from ui.export_dialog import ExportDialog
from ui.export_wiring import ExportWiring
from ui.house_style import HouseStyleController
from ui.keymap import CropKeyRouter
from ui.live_checks import LiveChecks
from ui.photo_jobs import DisplayPhoto, PhotoAnalysis
from ui.photo_loading import FOREGROUND, PhotoLoading
from ui.photo_opening import PhotoOpening
from ui.settings import AppSettings
from ui.shortcut_sheet import ShortcutSheet
from ui.sidecar_autosave import SidecarAutosave, SidecarCrop
from ui.suggestion_apply import SuggestionApply
from ui.tasks import TaskRunner
from ui.theme import icon
from ui.window_actions import ActionSlots, WindowActions
from ui.window_guides import WindowGuides
from ui.window_pages import WindowPages
from ui.window_panes import PAGE_CANVAS, PAGE_COMPARE, PAGE_WELCOME, WindowPanes

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer
    from core.guides import GuideSettings

__all__ = ["PAGE_CANVAS", "PAGE_COMPARE", "PAGE_WELCOME", "MainWindow"]

STRAIGHTEN_HINT = "Straighten: drag along a line that should be level (or upright)"


class MainWindow(QMainWindow):
    photoShown = Signal(Path)  # the preview is on the canvas
    analysisShown = Signal(Path)  # faces and suggestions are in
    modelsReady = Signal()
    sidecarWritten = Signal(Path)
    window_actions: WindowActions  # built in _build_actions; lambdas before it refer to it

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

        self._shown: DisplayPhoto | None = None  # the photo on the canvas
        self._session: CropSession | None = None
        #: The photo whose analysis (or its failure) was last delivered.
        self.analysed_path: Path | None = None
        self.loading = PhotoLoading(self, analyzer, model_store)
        self.opening = PhotoOpening(self)
        self.suggestion_apply = SuggestionApply(self)
        self.guides = WindowGuides(self)
        self.export_wiring = ExportWiring(self)
        self.live_checks = LiveChecks(self)
        self.pages = WindowPages(self)
        self.sidecar = SidecarAutosave(
            self.runner, self._sidecar_crop, priority=FOREGROUND, parent=self
        )
        self.sidecar.written.connect(self._on_sidecar_written)
        self.sidecar.failed.connect(self.show_error)
        self._shortcut_sheet: ShortcutSheet | None = None
        #: Save the crop next to the photo after each edit (off for --screenshot).
        self.autosave = True
        #: Where the sample photo is copied before opening (ui.photo_opening).
        self.sample_dir = user_cache_dir() / "sample"

        self._build_panes()
        self._build_actions()
        #: Crop > Use this framing for all photos (ui/house_style.py).
        self.house_style = HouseStyleController(self)
        self._layout_restored = self.panes.restore(self, from_settings=restore_layout)
        self._update_actions()
        if preset_problem is not None:
            self.show_error(preset_problem)
        if self.loading.analyzer is None:
            self.loading.start_models()
        else:
            self.status.say("Ready")

    # == construction ==

    def _build_panes(self) -> None:
        self.panes = p = WindowPanes(self.runner, self.presets, self.app_settings)
        self.banner, self.welcome, self.stack, self.status = p.banner, p.welcome, p.stack, p.status
        self.canvas, self.crop_bar, self.compare = p.canvas, p.crop_bar, p.compare
        self.suggestions, self.preview, self.checks = p.suggestions, p.preview, p.checks
        self.filmstrip = p.filmstrip
        self.main_split, self.right_split, self.outer_split = (
            p.main_split, p.right_split, p.outer_split)  # fmt: skip
        self.setCentralWidget(p.root)
        self.setStatusBar(p.status)

        self.welcome.sampleRequested.connect(self.opening.open_sample)
        self.welcome.openRequested.connect(self.opening.choose_photos)
        self.canvas.subjectClicked.connect(self.suggestion_apply.choose_subject)
        self.canvas.resetRequested.connect(self.reset_crop)
        self.canvas.set_guide_settings(self.guides.settings)
        self.canvas.straightenFinished.connect(
            lambda: self.window_actions.straighten.setChecked(False)
        )
        self.crop_bar.straightenToggled.connect(self._on_straighten_toggled)
        self.compare.suggestionChosen.connect(self.suggestion_apply.apply_from_compare)
        self.compare.closeRequested.connect(lambda: self.show_compare(False))
        self.suggestions.suggestionChosen.connect(self.apply_suggestion)
        self.suggestions.compareRequested.connect(lambda: self.show_compare(True))
        self.preview.selectedPresetsChanged.connect(self._on_presets_changed)
        self.filmstrip.photoActivated.connect(self.open_photo)

    def _build_actions(self) -> None:
        guides = self.guides
        self.window_actions = WindowActions(
            self,
            ActionSlots(
                choose_photos=self.opening.choose_photos,
                choose_folder=self.opening.choose_folder,
                open_sample=self.opening.open_sample,
                open_paths=self.open_paths,
                export=self.open_export_dialog,
                quit=self.close,
                undo=lambda: self.edit(CropSession.undo),
                redo=lambda: self.edit(CropSession.redo),
                reset_crop=self.reset_crop,
                toggle_aspect_lock=lambda: self.edit(CropSession.toggle_aspect_lock),
                swap_orientation=lambda: self.edit(CropSession.swap_orientation),
                set_aspect=lambda value: self.edit(lambda s: s.set_aspect(value)),
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
                nudge=lambda dx, dy: self.edit(lambda s: s.nudge(dx, dy)),
                confirm=self.pages.confirm,
                escape=self.pages.escape,
                zoom_crop=self.canvas.zoom_to_crop,
                show_shortcuts=self.show_shortcuts,
                guide_settings=self.guide_settings,
                set_guides=guides.set,
                toggle_guide=guides.toggle,
                cycle_guides=guides.cycle,
                next_guide_orientation=guides.next_orientation,
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

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._layout_restored:
            self._layout_restored = True
            self.panes.first_show_sizes()

    def layout_was_restored(self) -> bool:
        """Whether the splitters came back from the settings (else first-run sizes apply)."""
        return self._layout_restored

    def save_settings(self) -> None:
        self.panes.save(self)
        self.app_settings.set_guide_settings(self.guides.settings)
        self.app_settings.sync()

    # == the photo on screen ==

    def shown_path(self) -> Path | None:
        return self._shown.path if self._shown is not None else None

    def shown_photo(self) -> DisplayPhoto | None:
        return self._shown

    def analyzer(self) -> FaceAnalyzer | None:
        return self.loading.analyzer

    def session(self) -> CropSession | None:
        return self._session

    def open_paths(self, paths: Sequence[Path]) -> None:
        self.opening.open_paths(paths)

    def open_photo(self, path: Path) -> None:
        """Show ``path``: preview first (worker), then faces and suggestions (worker)."""
        self.loading.open_photo(path)

    def show_photo(self, photo: DisplayPhoto) -> None:
        """The preview of the photo being opened is in: show it with a new crop session."""
        if self._session is not None:
            self._session.changing.disconnect(self._on_crop_changing)
            self._session.changed.disconnect(self._on_crop_changed)
        self._shown = photo
        self.suggestion_apply.forget()
        width, height = photo.original_size
        initial = CropState.from_choice(photo.saved) if photo.saved is not None else None
        self._session = CropSession(width, height, analysis=None, initial=initial)
        self._session.changing.connect(self._on_crop_changing)
        self._session.changed.connect(self._on_crop_changed)
        self.canvas.set_photo(photo.qimage, photo.original_size)
        self.canvas.set_faces((), None)
        # A photo without a saved crop gets its crop with its faces: until then the canvas shows
        # the photo alone, not a full-frame crop that "passes every check" for a second.
        models_error = self.loading.models_error
        first_crop_known = photo.saved is not None or models_error is not None
        self.attach_session(self._session if first_crop_known else None)
        self.window_actions.straighten.setChecked(False)
        self.suggestions.set_source(photo.preview, photo.original_size)
        self.suggestions.clear(
            "Finding faces…"
            if models_error is None
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
        self.live_checks.schedule()
        self._update_actions()
        self.photoShown.emit(photo.path)

    def show_analysis(self, result: PhotoAnalysis) -> None:
        """The faces and suggestions of the photo on screen are in."""
        session, shown = self._session, self._shown
        assert session is not None and shown is not None  # PhotoLoading drops stale results
        self.suggestion_apply.result = result
        self.analysed_path = result.path
        session.analysis = result.analysis
        faces = result.analysis.faces
        subject = session.state.subject
        self.canvas.set_faces(faces, subject if subject is not None else (0 if faces else None))
        self.crop_bar.update_level_enabled()
        self.suggestions.set_suggestions(result.suggestions, result.checks)
        if shown.saved is None and not session.can_undo:
            self.suggestion_apply.start_at_first(session, result)
        # A new photo's suggestions: the tab of the crop it opened on, not the last photo's tab.
        self.suggestion_apply.show_tab_of_crop(shown.saved.genre if shown.saved else None)
        if self.awaiting_first_crop():
            self.attach_session(session)
        self.suggestions.set_active(session.state.suggestion_id)
        self.preview.set_crop(session.state, session.analysis)  # ID previews frame by rule now
        n = len(faces)
        restored = " · crop restored from its sidecar" if shown.saved is not None else ""
        self.status.say(
            f"{result.path.name} · {n} face{'s' if n != 1 else ''} · "
            f"{len(result.suggestions)} suggestions{restored}"
        )
        self.live_checks.schedule()
        self._update_actions()
        if self.pages.comparing():
            self.pages.refresh_compare()
        self.analysisShown.emit(result.path)

    def attach_session(self, session: CropSession | None) -> None:
        """Show ``session``'s crop on the canvas and the crop bar (None: the photo alone)."""
        self.canvas.set_session(session)
        self.crop_bar.set_session(session)

    def awaiting_first_crop(self) -> bool:
        return self._session is not None and self.canvas.session is not self._session

    def chosen_crop(self) -> ChosenCrop | None:
        """The crop on screen as export takes it, with the photo size the session knows."""
        if self._session is None or self._shown is None:
            return None
        choice = self._session.state.to_choice(self.suggestion_apply.suggestions())
        return ChosenCrop(choice, self._shown.original_size, self._session.analysis)

    # == crop edits ==

    def edit(self, edit: Callable[[CropSession], object]) -> None:
        """Run one crop edit; an edit core refuses is said in the status bar."""
        if self._session is None:
            return
        try:
            edit(self._session)
        except (ValueError, IndexError, HeadroomError) as exc:
            self.status.say(str(exc))

    def apply_suggestion(self, suggestion: Suggestion) -> None:
        self.suggestion_apply.apply(suggestion)

    def reset_crop(self) -> None:
        self.suggestion_apply.reset_crop()

    def level_eyes(self) -> None:
        if self._session is not None and (
            self._session.analysis is None or not self._session.analysis.faces
        ):
            self.status.say("No face to level")
            return
        self.edit(CropSession.level_eyes)

    def level_lines(self) -> None:
        if self._session is not None and self._session.lines_level_angle is None:
            self.status.say("No straight lines in the background to level by")
            return
        self.edit(CropSession.level_lines)

    def _on_straighten_toggled(self, on: bool) -> None:
        self.canvas.set_straighten_tool(on)
        if on:
            self.status.say(STRAIGHTEN_HINT)
        elif self.status.text() == STRAIGHTEN_HINT:
            self.status.say("Straighten off")  # the hint must not outlive the tool

    def _on_crop_changing(self, _state: CropState) -> None:
        self.live_checks.schedule()

    def _on_crop_changed(self, state: CropState) -> None:
        self.live_checks.schedule()
        self.preview.set_crop(state, self._session.analysis if self._session else None)
        self.suggestions.set_active(state.suggestion_id)
        self._update_actions()
        if self.autosave and not self.suggestion_apply.auto_applying:
            self.sidecar.schedule()

    # == checks ==

    def selected_presets(self) -> list[Preset]:
        """The presets ticked under the previews: the ones checks, suggestions and export use."""
        found = (self.presets.get(pid) for pid in self.preview.selected_presets())
        return [p for p in found if p is not None]

    def _on_presets_changed(self, ids: list[str]) -> None:
        self.app_settings.set_selected_presets(ids)
        self.live_checks.schedule()
        self.suggestion_apply.recheck()

    # == guides ==

    def guide_settings(self) -> GuideSettings:
        return self.guides.settings

    def set_guides(self, kinds: Iterable[str]) -> None:
        self.guides.show_only(kinds)

    # == views and navigation ==

    def show_compare(self, on: bool | None = None) -> None:
        self.pages.show_compare(on)

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

    # == export and sidecar ==

    def export_sources(self) -> list[tuple[Path, ChosenCrop | None]]:
        return self.export_wiring.sources()

    def open_export_dialog(self) -> ExportDialog | None:
        return self.export_wiring.open_dialog()

    def _sidecar_crop(self) -> SidecarCrop | None:
        """The crop on screen as the sidecar records it (None when no photo is shown)."""
        chosen = self.chosen_crop()
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
        loading = self.loading
        return (
            self.runner.pending() == 0
            and (not loading.analysis_pending or loading.models_error is not None)
            and self.suggestions.thumbnails_done()
            and not self.preview.is_rendering()
            and not self.compare.is_rendering()
        )

    # == window events ==

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.opening.drag_enter(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.opening.drop(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.loading.stop()
        self.sidecar.finish()
        self.save_settings()
        self.runner.shutdown()
        self.loading.close_analyzer()
        super().closeEvent(event)
