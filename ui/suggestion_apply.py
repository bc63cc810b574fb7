"""Which suggestion the crop follows: applying one (from the list, from Compare, or the first when a
photo opens without a saved crop), going back to it (R / right-click), suggesting again for a
clicked subject, and the suggestions' check counts for the ticked presets. It holds the photo's
analysis result (faces, suggestions and their checks) and the suggestion applied last.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from core.crop_session import CropSession, CropState
from core.framing import first_suggestion
from core.geometry import Box
from core.suggestion import CheckWarning, Suggestion
from ui.photo_jobs import PhotoAnalysis, suggest_for, suggestion_checks
from ui.photo_loading import FOREGROUND
from ui.suggestions_panel import GENRES
from ui.window_part import WindowPart

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class SuggestionApply(WindowPart):
    """The window's suggestion commands; it edits the window's crop session, never replaces it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        #: The analysis of the photo on screen (None until it arrives).
        self.result: PhotoAnalysis | None = None
        self._last_applied: Suggestion | None = None
        #: A suggestion is being applied as where the photo starts, not as the photographer's
        #: choice: no sidecar for it.
        self.auto_applying = False

    def forget(self) -> None:
        """Another photo is on screen: nothing analysed or applied yet."""
        self.result = None
        self._last_applied = None

    def suggestions(self) -> tuple[Suggestion, ...]:
        return self.result.suggestions if self.result is not None else ()

    def apply(self, suggestion: Suggestion) -> None:
        window = self._window
        session = window.session()
        if session is None:
            return
        session.apply_suggestion(suggestion)
        self._last_applied = suggestion
        if suggestion.genre == "id" and suggestion.framing in window.window_actions.id_rules:
            window.guides.show_id_bands(suggestion.framing)
        if suggestion.subject is not None and self.result is not None:
            window.canvas.set_faces(self.result.analysis.faces, suggestion.subject)
        zoomed = window.canvas.zoomed_to_suggestion(suggestion.id)
        # Say why the view moved: a small crop is zoomed to, and how to see the whole photo.
        hint = " · zoomed to the crop (0: whole photo)" if zoomed else ""
        window.status.say(f"Applied {suggestion.genre} · {suggestion.label}{hint}")

    def apply_from_compare(self, suggestion: Suggestion) -> None:
        self.apply(suggestion)
        self._window.show_compare(False)

    def start_at_first(self, session: CropSession, result: PhotoAnalysis) -> None:
        """A photo without a saved crop starts at its first suggestion (none: as it is)."""
        first = first_suggestion(result.analysis, result.suggestions)
        if first is None:
            return
        self.auto_applying = True
        self._last_applied = first
        try:
            session.start_at(first)
        finally:
            self.auto_applying = False

    def show_tab_of_crop(self, saved_genre: str | None = None) -> None:
        """The suggestions panel shows the tab of the crop on screen: the genre of the suggestion
        it is (suggestion 1 when the photo opened without a saved crop), else ``saved_genre`` (its
        saved crop's), else the genre of suggestion 1; never a tab with no suggestions while
        another has some. The tab the previous photo was left on means nothing for this one."""
        result, panel = self.result, self._window.suggestions
        session = self._window.session()
        if result is None or session is None:
            return
        crop_id = session.state.suggestion_id
        first = first_suggestion(result.analysis, result.suggestions)
        candidates = (
            next((s.genre for s in result.suggestions if s.id == crop_id), None),
            saved_genre,
            first.genre if first is not None else None,
            *(genre for genre, _ in GENRES),
        )
        genre = next((g for g in candidates if g is not None and panel.suggestions(g)), None)
        if genre is not None:
            panel.set_current_genre(genre)

    def reset_crop(self) -> None:
        """R / right-click: back to the suggestion applied last (else the first suggestion, else
        the whole image)."""
        session = self._window.session()
        if session is None:
            return
        first = self._last_applied
        if first is None and self.result is not None:
            first = first_suggestion(self.result.analysis, self.result.suggestions)
        if first is not None:
            session.apply_suggestion(first)
        else:
            whole = Box(0.0, 0.0, float(session.image_width), float(session.image_height))
            session.reset_to(CropState(whole, None))

    def choose_subject(self, index: int) -> None:
        """A face clicked on the canvas becomes the subject; suggestions follow it."""
        window = self._window
        if window.session() is None or self.result is None:
            return
        window.edit(lambda s: s.set_subject(index))
        window.canvas.set_faces(self.result.analysis.faces, index)
        window.status.say(f"Subject: face {index + 1}")
        result, presets = self.result, window.selected_presets()
        window.runner.submit(
            lambda: suggest_for(result.path, result.analysis, index, presets),
            self._on_resuggested,
            key="suggest",
            priority=FOREGROUND,
        )

    def _on_resuggested(self, result: PhotoAnalysis) -> None:
        window = self._window
        shown = window.shown_photo()
        if shown is None or result.path != shown.path:
            return
        self.result = result
        window.suggestions.set_suggestions(result.suggestions, result.checks)
        if not window.suggestions.suggestions(window.suggestions.current_genre()):
            # The tab the photographer is on stays, unless this subject has nothing in it.
            self.show_tab_of_crop()
        session = window.session()
        if session is not None:
            window.suggestions.set_active(session.state.suggestion_id)
        if window.pages.comparing():
            window.pages.refresh_compare()

    def recheck(self) -> None:
        """The ticked presets changed: the tiles count the checks for them (their order does not
        change)."""
        result = self.result
        if result is None:
            return
        presets = self._window.selected_presets()
        self._window.runner.submit(
            lambda: suggestion_checks(result.analysis, result.suggestions, presets),
            lambda checks: self._on_checks(result, checks),
            key="suggestion-checks",
            priority=FOREGROUND,
        )

    def _on_checks(
        self, result: PhotoAnalysis, checks: dict[str, tuple[CheckWarning, ...]]
    ) -> None:
        if result is self.result:
            self.result = replace(result, checks=checks)
            self._window.suggestions.set_checks(checks)
