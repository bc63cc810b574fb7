"""The main window's commands: its QActions with their shortcuts and tool tips, the guide, grid,
ID-rule and ratio choices, and the menus and tool bar that show them.

The window hands in callbacks (``ActionSlots``) rather than itself, so this module knows what the
commands do only by name; it keeps the checkable choices in step with the window's GuideSettings
and crop session when told to.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QToolButton

from core.crop_session import CropSession
from core.errors import HeadroomError
from core.framing import load_id_rules
from core.guides import GUIDE_KINDS, GuideSettings, guide_config
from ui import keymap
from ui.crop_bar import ASPECT_CHOICES
from ui.keymap import Binding, key_text, menu_text
from ui.settings import AppSettings
from ui.theme import icon

log = logging.getLogger(__name__)


def id_rule_names() -> list[tuple[str, str]]:
    """(id, name) of the ID photo rules in resources/id_photos.toml (none if it is unreadable)."""
    try:
        return [(r.id, r.name) for r in load_id_rules().rules]
    except HeadroomError as exc:
        log.warning("no ID rules for the guides: %s", exc)
        return []


@dataclass(frozen=True)
class ActionSlots:
    """What the window's commands call; each is called with no arguments unless typed otherwise."""

    choose_photos: Callable[[], object]
    choose_folder: Callable[[], object]
    open_sample: Callable[[], object]
    open_paths: Callable[[Sequence[Path]], object]
    export: Callable[[], object]
    quit: Callable[[], object]
    undo: Callable[[], object]
    redo: Callable[[], object]
    reset_crop: Callable[[], object]
    toggle_aspect_lock: Callable[[], object]
    swap_orientation: Callable[[], object]
    set_aspect: Callable[[tuple[int, int] | None], object]
    level_eyes: Callable[[], object]
    level_lines: Callable[[], object]
    zoom_fit: Callable[[], object]
    zoom_in: Callable[[], object]
    zoom_out: Callable[[], object]
    set_circle_mask: Callable[[bool], object]
    show_compare: Callable[[], object]
    next_photo: Callable[[], object]
    previous_photo: Callable[[], object]
    pick_suggestion: Callable[[int], object]  # 0-based row of the current tab
    nudge: Callable[[float, float], object]  # dx, dy in original pixels
    confirm: Callable[[], object]
    escape: Callable[[], object]
    zoom_crop: Callable[[], object]
    show_shortcuts: Callable[[], object]
    guide_settings: Callable[[], GuideSettings]
    set_guides: Callable[[GuideSettings], object]
    toggle_guide: Callable[[str, bool], object]
    cycle_guides: Callable[[], object]
    next_guide_orientation: Callable[[], object]


class WindowActions:
    """Builds the window's actions, menus and tool bar. Every Qt object is parented to the window,
    which owns them; this object only keeps them by name."""

    def __init__(self, window: QMainWindow, slots: ActionSlots, settings: AppSettings) -> None:
        self._window = window
        self._slots = slots
        self._settings = settings
        #: The plain keys and their actions, for the CropKeyRouter.
        self.crop_key_actions: dict[QKeyCombination, QAction] = {}
        self._build_actions()
        self._build_menus_and_toolbar()

    def _action(
        self,
        binding: Binding,
        slot: Callable[[], object],
        icon_name: str | None = None,
        tip: str | None = None,
    ) -> QAction:
        """An action for ``binding``: its Ctrl keys become Qt shortcuts, its plain keys go to the
        crop-key router (``crop_key_actions``)."""
        action = QAction(menu_text(binding), self._window)
        if icon_name:
            action.setIcon(icon(icon_name))
        action.setShortcuts(list(binding.command_keys))
        if binding.sequences:
            tip = tip or binding.title.replace("…", "").replace("&", "")
            action.setToolTip(f"{tip} ({key_text(binding.sequences[0])})")
        elif tip:
            action.setToolTip(tip)
        for sequence in binding.crop_keys:
            self.crop_key_actions[keymap.first_key(sequence)] = action
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)  # shortcuts work while the menu bar is hidden, too
        return action

    def _build_actions(self) -> None:
        a, s, window = self._action, self._slots, self._window
        self.open = a(keymap.OPEN, s.choose_photos, "open")
        self.open_folder = a(keymap.OPEN_FOLDER, s.choose_folder)
        self.open_sample = QAction("Open &sample photo", window)
        self.open_sample.setIcon(icon("photo"))
        self.open_sample.triggered.connect(lambda _=False: s.open_sample())
        self.export = a(keymap.EXPORT, s.export, "export")
        self.quit = a(keymap.QUIT, s.quit)
        self.undo = a(keymap.UNDO, s.undo, "undo")
        self.redo = a(keymap.REDO, s.redo, "redo")
        self.reset = a(keymap.RESET, s.reset_crop, None, "Back to the suggestion applied last")
        self.nudges = [
            a(binding, functools.partial(s.nudge, dx, dy)) for binding, dx, dy in keymap.NUDGES
        ]
        self.aspect_lock = a(keymap.ASPECT_LOCK, s.toggle_aspect_lock)
        self.swap = a(keymap.SWAP, s.swap_orientation, "swap")
        self.level = a(keymap.LEVEL_EYES, s.level_eyes, "level-eyes")
        self.level_lines = a(keymap.LEVEL_LINES, s.level_lines, "level-lines", "Level lines")
        # The tool is armed through ``toggled`` (the window mirrors it on the crop bar's button).
        self.straighten = a(keymap.STRAIGHTEN, lambda: None, "straighten")
        self.straighten.setCheckable(True)
        self.confirm = a(keymap.CONFIRM, s.confirm)
        self.cancel = a(keymap.CANCEL, s.escape)
        self.cycle_guides = a(keymap.CYCLE_GUIDES, s.cycle_guides)
        self.guide_orientation = a(keymap.GUIDE_ORIENTATION, s.next_guide_orientation)
        self.zoom_fit = a(keymap.ZOOM_FIT, s.zoom_fit, "zoom-fit")
        self.zoom_crop = a(keymap.ZOOM_CROP, s.zoom_crop)
        self.zoom_in = a(keymap.ZOOM_IN, s.zoom_in, "zoom-in")
        self.zoom_out = a(keymap.ZOOM_OUT, s.zoom_out, "zoom-out")
        self.circle_mask = a(keymap.CIRCLE_MASK, lambda: None)
        self.circle_mask.setCheckable(True)
        self.circle_mask.toggled.connect(s.set_circle_mask)
        self.compare = a(keymap.COMPARE, s.show_compare, "compare")
        self.compare.setIconText("Compare")
        self.next_photo = a(keymap.NEXT_PHOTO, s.next_photo)
        self.previous_photo = a(keymap.PREVIOUS_PHOTO, s.previous_photo)
        self.pick_suggestion = [
            a(binding, functools.partial(s.pick_suggestion, row))
            for row, binding in enumerate(keymap.PICK_SUGGESTION)
        ]
        self.shortcuts = a(keymap.SHORTCUTS, s.show_shortcuts)

        self.guide_toggles: dict[str, QAction] = {}
        for kind in GUIDE_KINDS:
            action = QAction(guide_config().title(kind), window)
            action.setCheckable(True)
            action.toggled.connect(lambda on, kind=kind: s.toggle_guide(kind, on))
            self.guide_toggles[kind] = action
        self.guide_mode_group = QActionGroup(window)
        self.guide_modes: dict[str, QAction] = {}
        for mode, text in (
            ("always", "Always"),
            ("dragging", "While dragging"),
            ("never", "Never"),
        ):
            action = QAction(f"Show guides: {text}", self.guide_mode_group)
            action.setCheckable(True)
            action.triggered.connect(
                lambda _=False, mode=mode: s.set_guides(replace(s.guide_settings(), mode=mode))
            )
            self.guide_modes[mode] = action
        self.grid_group = QActionGroup(window)
        self.grid_sizes: dict[int, QAction] = {}
        low, high = guide_config().grid_range
        for n in range(low, high + 1):
            action = QAction(f"{n} × {n}", self.grid_group)
            action.setCheckable(True)
            action.triggered.connect(
                lambda _=False, n=n: s.set_guides(replace(s.guide_settings(), grid_divisions=n))
            )
            self.grid_sizes[n] = action
        self.id_rule_group = QActionGroup(window)
        self.id_rules: dict[str | None, QAction] = {}
        for rule_id, name in [(None, "No ID rule"), *id_rule_names()]:
            action = QAction(name, self.id_rule_group)
            action.setCheckable(True)
            action.triggered.connect(
                lambda _=False, rule_id=rule_id: s.set_guides(
                    replace(s.guide_settings(), id_rule=rule_id)
                )
            )
            self.id_rules[rule_id] = action
        self.aspect_group = QActionGroup(window)
        self.aspects: list[tuple[tuple[int, int] | None, QAction]] = []
        for label, value in ASPECT_CHOICES:
            action = QAction(label, self.aspect_group)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, value=value: s.set_aspect(value))
            self.aspects.append((value, action))
        self.sync_guides(s.guide_settings())

    def _build_menus_and_toolbar(self) -> None:
        window = self._window
        bar = window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.open, self.open_folder, self.open_sample])
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.export)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo, self.redo, self.reset])

        crop_menu = bar.addMenu("&Crop")
        aspect_menu = crop_menu.addMenu(icon("aspect"), "&Ratio")
        aspect_menu.addActions([action for _, action in self.aspects])
        crop_menu.addActions([self.aspect_lock, self.swap])
        nudge_menu = crop_menu.addMenu("&Nudge")
        nudge_menu.addActions(self.nudges)
        crop_menu.addSeparator()
        crop_menu.addActions([self.level, self.level_lines, self.straighten])
        crop_menu.addSeparator()
        crop_menu.addActions([self.confirm, self.cancel])

        view_menu = bar.addMenu("&View")
        self.guides_menu = QMenu("&Guides", window)
        self.guides_menu.setIcon(icon("guides"))
        self.guides_menu.addActions(list(self.guide_toggles.values()))
        self.guides_menu.addSeparator()
        self.guides_menu.addActions([self.cycle_guides, self.guide_orientation])
        self.guides_menu.addSeparator()
        self.guides_menu.addActions(list(self.guide_modes.values()))
        grid_menu = self.guides_menu.addMenu("Grid &divisions")
        grid_menu.addActions(list(self.grid_sizes.values()))
        id_menu = self.guides_menu.addMenu("&ID photo rule")
        id_menu.addActions(list(self.id_rules.values()))
        view_menu.addMenu(self.guides_menu)
        view_menu.addAction(self.circle_mask)
        view_menu.addSeparator()
        view_menu.addActions([self.zoom_fit, self.zoom_crop, self.zoom_in, self.zoom_out])
        pan = QAction(keymap.menu_text(keymap.PAN), window)
        pan.setEnabled(False)  # a key held while dragging, listed so it can be found
        view_menu.addAction(pan)
        view_menu.addSeparator()
        view_menu.addAction(self.compare)

        go_menu = bar.addMenu("&Go")
        go_menu.addActions([self.next_photo, self.previous_photo])
        go_menu.addSeparator()
        go_menu.addActions(self.pick_suggestion)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.shortcuts)

        tools = QToolBar("Main")
        tools.setObjectName("mainToolBar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.addActions([self.open, self.export])
        tools.addSeparator()
        tools.addActions([self.undo, self.redo])
        tools.addSeparator()
        guides_button = QToolButton()
        guides_button.setObjectName("guidesButton")
        guides_button.setText("Guides")
        guides_button.setIcon(icon("guides"))
        guides_button.setToolTip("Crop guides (O cycles, Shift+O turns the spiral)")
        guides_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        guides_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        guides_button.setMenu(self.guides_menu)
        tools.addWidget(guides_button)
        tools.addAction(self.compare)
        tools.addSeparator()
        tools.addActions([self.zoom_fit])
        window.addToolBar(tools)
        self.toolbar = tools

    def _fill_recent_menu(self) -> None:
        # Filled on opening so a path deleted since it was added is left out.
        self.recent_menu.clear()
        recent = [p for p in self._settings.recent_paths() if p.exists()]
        for path in recent:
            action = self.recent_menu.addAction(path.name or str(path))
            action.setToolTip(str(path))
            action.triggered.connect(lambda _=False, path=path: self._slots.open_paths([path]))
        if not recent:
            self.recent_menu.addAction("No recent photos").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self._settings.clear_recent)

    def sync_guides(self, guides: GuideSettings) -> None:
        """Tick the guide, mode, grid and ID-rule choices that ``guides`` holds."""
        for kind, action in self.guide_toggles.items():
            # Ticking must not read as the photographer toggling that guide.
            action.blockSignals(True)
            action.setChecked(kind in guides.enabled)
            action.blockSignals(False)
        for mode, action in self.guide_modes.items():
            action.setChecked(mode == guides.mode)
        for n, action in self.grid_sizes.items():
            action.setChecked(n == guides.grid_divisions)
        for rule_id, action in self.id_rules.items():
            action.setChecked(rule_id == guides.id_rule)

    def sync_session(self, session: CropSession | None, *, can_compare: bool) -> None:
        """Enable what the crop session (None: no photo) allows and tick its ratio; ``can_compare``
        is whether there is a headshot or portrait suggestion to compare."""
        s = session
        has = s is not None
        self.undo.setEnabled(s is not None and s.can_undo)
        self.redo.setEnabled(s is not None and s.can_redo)
        for action in (
            self.export,
            self.reset,
            *self.nudges,
            self.zoom_crop,
            self.aspect_lock,
            self.swap,
            self.straighten,
            self.zoom_fit,
            self.zoom_in,
            self.zoom_out,
            self.circle_mask,
        ):
            action.setEnabled(has)
        faces = s is not None and s.analysis is not None and bool(s.analysis.faces)
        self.level.setEnabled(faces)
        self.level_lines.setEnabled(s is not None and s.lines_level_angle is not None)
        self.compare.setEnabled(can_compare)
        for value, action in self.aspects:
            action.setEnabled(has)
            if s is not None:
                action.setChecked(value == s.state.aspect)
