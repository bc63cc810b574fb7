"""The guides drawn over the photo, as the window's commands change them: one GuideSettings that
the canvas draws, the View menu's choices follow, the status bar names and the settings remember.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from core.guides import GUIDE_KINDS, GuideSettings, guide_config, next_guide_cycle, next_orientation
from ui.window_actions import id_rule_names
from ui.window_part import WindowPart

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class WindowGuides(WindowPart):
    """Holds the window's GuideSettings (from the settings, minus an ID rule since removed)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        settings = window.app_settings.guide_settings(GUIDE_KINDS)
        if settings.id_rule not in {None, *(rule_id for rule_id, _ in id_rule_names())}:
            settings = replace(settings, id_rule=None)  # a rule since removed
        self.settings = settings

    def set(self, settings: GuideSettings) -> None:
        window = self._window
        window.canvas.set_guide_settings(settings)
        self.settings = settings
        window.app_settings.set_guide_settings(settings)
        window.window_actions.sync_guides(settings)
        titles = guide_config()
        on = ", ".join(titles.title(k) for k in GUIDE_KINDS if k in settings.enabled)
        window.status.say(f"Guides: {on or 'none'}")

    def toggle(self, kind: str, on: bool) -> None:
        if (kind in self.settings.enabled) != on:
            self.set(self.settings.toggled(kind))

    def cycle(self) -> None:
        self.set(next_guide_cycle(self.settings))

    def next_orientation(self) -> None:
        self.set(next_orientation(self.settings))

    def show_only(self, kinds: Iterable[str]) -> None:
        self.set(replace(self.settings, enabled=frozenset(kinds)))

    def show_id_bands(self, rule_id: str) -> None:
        """An ID crop is judged against its rule's bands: show them."""
        self.set(
            replace(self.settings, id_rule=rule_id, enabled=self.settings.enabled | {"id_bands"})
        )
