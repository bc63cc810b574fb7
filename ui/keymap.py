"""Every keyboard shortcut of the main window, in one table: the actions are built from it, the
crop keys are routed by it and Help > Keyboard shortcuts is printed from it.

A key with Ctrl, Alt or Meta is an ordinary Qt shortcut. A plain key (R, A, X, arrows, 1-9,
Space, Enter, Esc...) is a crop key, as in Lightroom's crop mode: it acts on the crop whatever
widget of the window was clicked last (the rotation slider, a preset tick box, a thumbnail),
except while the photographer types in a text or number field. Qt's own shortcut map cannot
promise that (a focused slider or check box takes arrows and Space first), so
:class:`CropKeyRouter` delivers those keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QKeySequenceEdit,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


@dataclass(frozen=True)
class Binding:
    """One command's keys. ``does`` is the sheet's line; bindings with the same ``does`` share a
    line (the four arrows, the nine digits)."""

    title: str  # the menu text (with its & mnemonic)
    keys: tuple[str, ...]  # QKeySequence portable text; the first is the one menus show
    does: str
    section: str

    @property
    def sequences(self) -> tuple[QKeySequence, ...]:
        return tuple(QKeySequence(k) for k in self.keys)

    @property
    def crop_keys(self) -> tuple[QKeySequence, ...]:
        """The plain keys (no Ctrl/Alt/Meta): routed by CropKeyRouter, not by Qt's shortcuts."""
        return tuple(s for s in self.sequences if not _is_command(s))

    @property
    def command_keys(self) -> tuple[QKeySequence, ...]:
        """The keys with Ctrl/Alt/Meta: ordinary Qt shortcuts."""
        return tuple(s for s in self.sequences if _is_command(s))


def first_key(sequence: QKeySequence) -> QKeyCombination:
    """The first key combination of ``sequence`` (a QKeySequence is indexable; PySide6's stubs do
    not say so)."""
    return cast("Sequence[QKeyCombination]", sequence)[0]


def _is_command(sequence: QKeySequence) -> bool:
    return bool(first_key(sequence).keyboardModifiers() & COMMAND_MODIFIERS)


FILE, EDIT, CROP, VIEW, GO, HELP = "File", "Edit", "Crop", "View", "Go", "Help"

OPEN = Binding("&Open…", ("Ctrl+O",), "open photos", FILE)
OPEN_FOLDER = Binding("Open &folder…", ("Ctrl+Shift+O",), "open a folder", FILE)
EXPORT = Binding("&Export…", ("Ctrl+E",), "export the ticked presets", FILE)
QUIT = Binding("&Quit", ("Ctrl+Q",), "quit", FILE)
UNDO = Binding("&Undo", ("Ctrl+Z",), "undo (every drag, click or typed value is one step)", EDIT)
REDO = Binding("&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "redo", EDIT)
RESET = Binding("Reset &crop", ("R",), "back to the suggestion applied last", EDIT)

NUDGE_LEFT = Binding("Nudge left", ("Left",), "nudge the crop 1 px", CROP)
NUDGE_RIGHT = Binding("Nudge right", ("Right",), "nudge the crop 1 px", CROP)
NUDGE_UP = Binding("Nudge up", ("Up",), "nudge the crop 1 px", CROP)
NUDGE_DOWN = Binding("Nudge down", ("Down",), "nudge the crop 1 px", CROP)
NUDGE_LEFT_10 = Binding("Nudge left 10 px", ("Shift+Left",), "nudge the crop 10 px", CROP)
NUDGE_RIGHT_10 = Binding("Nudge right 10 px", ("Shift+Right",), "nudge the crop 10 px", CROP)
NUDGE_UP_10 = Binding("Nudge up 10 px", ("Shift+Up",), "nudge the crop 10 px", CROP)
NUDGE_DOWN_10 = Binding("Nudge down 10 px", ("Shift+Down",), "nudge the crop 10 px", CROP)
#: (binding, dx, dy) in original pixels.
NUDGES: tuple[tuple[Binding, float, float], ...] = (
    (NUDGE_LEFT, -1.0, 0.0),
    (NUDGE_RIGHT, 1.0, 0.0),
    (NUDGE_UP, 0.0, -1.0),
    (NUDGE_DOWN, 0.0, 1.0),
    (NUDGE_LEFT_10, -10.0, 0.0),
    (NUDGE_RIGHT_10, 10.0, 0.0),
    (NUDGE_UP_10, 0.0, -10.0),
    (NUDGE_DOWN_10, 0.0, 10.0),
)
ASPECT_LOCK = Binding("Toggle ratio &lock", ("A",), "ratio lock on / off", CROP)
SWAP = Binding("S&wap orientation", ("X",), "swap portrait and landscape", CROP)
LEVEL_EYES = Binding("&Level eyes", ("L",), "level the eyes", CROP)
LEVEL_LINES = Binding(
    "Level &background lines", ("Shift+L",), "level the background's straight lines", CROP
)
STRAIGHTEN = Binding(
    "&Straighten tool", ("S",), "straighten tool: drag along a line that should be level", CROP
)
CONFIRM = Binding(
    "&Done", ("Return", "Enter"), "finish the drag under way; leave Compare or Straighten", CROP
)
CANCEL = Binding(
    "Cancel",
    ("Esc",),
    "cancel the drag under way; else leave Compare or Straighten, or dismiss the message",
    CROP,
)
#: Space held: a left drag on the photo pans. Routed as press / release, so it has no action.
PAN = Binding("Pan", ("Space",), "hold and drag the photo to pan", VIEW)

CYCLE_GUIDES = Binding("&Cycle guides", ("O",), "next guide set", VIEW)
GUIDE_ORIENTATION = Binding(
    "Guide &orientation", ("Shift+O",), "next spiral / triangle orientation", VIEW
)
CIRCLE_MASK = Binding("Circle avatar &mask", ("M",), "circle avatar mask", VIEW)
COMPARE = Binding("&Compare headshot / portrait", ("C",), "compare headshot and portrait", VIEW)
ZOOM_FIT = Binding("Zoom to &fit", ("Ctrl+0", "0"), "zoom to fit", VIEW)
ZOOM_CROP = Binding("Zoom to c&rop", ("Z",), "zoom to the crop", VIEW)
ZOOM_IN = Binding("Zoom &in", ("Ctrl++", "+", "="), "zoom in", VIEW)
ZOOM_OUT = Binding("Zoom &out", ("Ctrl+-", "-"), "zoom out", VIEW)

NEXT_PHOTO = Binding("&Next photo", ("PgDown", "]"), "next photo in the filmstrip", GO)
PREVIOUS_PHOTO = Binding("&Previous photo", ("PgUp", "["), "previous photo in the filmstrip", GO)
PICK_SUGGESTION = tuple(
    Binding(f"Suggestion &{n}", (str(n),), "apply that suggestion of the current tab", GO)
    for n in range(1, 10)
)

SHORTCUTS = Binding("&Keyboard shortcuts", ("F1", "?"), "this sheet", HELP)

ALL: tuple[Binding, ...] = (
    OPEN,
    OPEN_FOLDER,
    EXPORT,
    QUIT,
    UNDO,
    REDO,
    RESET,
    *(b for b, _, _ in NUDGES),
    ASPECT_LOCK,
    SWAP,
    LEVEL_EYES,
    LEVEL_LINES,
    STRAIGHTEN,
    CONFIRM,
    CANCEL,
    PAN,
    CYCLE_GUIDES,
    GUIDE_ORIENTATION,
    CIRCLE_MASK,
    COMPARE,
    ZOOM_FIT,
    ZOOM_CROP,
    ZOOM_IN,
    ZOOM_OUT,
    NEXT_PHOTO,
    PREVIOUS_PHOTO,
    *PICK_SUGGESTION,
    SHORTCUTS,
)
SECTIONS = (FILE, EDIT, CROP, VIEW, GO, HELP)


def key_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def sheet_rows(bindings: Iterable[Binding] = ALL) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section, [(keys, does)]) in table order; bindings sharing ``does`` share one row."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for section in SECTIONS:
        rows: dict[str, list[str]] = {}
        for b in bindings:
            if b.section == section:
                rows.setdefault(b.does, []).extend(key_text(s) for s in b.sequences)
        if rows:
            out.append((section, [(" ".join(keys), does) for does, keys in rows.items()]))
    return out


def menu_text(binding: Binding) -> str:
    """An action's text with its crop key after a tab: Qt menus show that as the shortcut column
    (a plain key cannot be a real QAction shortcut, see the module doc)."""
    keys = binding.crop_keys
    if binding.command_keys or not keys:
        return binding.title
    return f"{binding.title}\t{key_text(keys[0])}"


def is_typing_field(widget: QWidget | None) -> bool:
    """A text or number field, where plain keys are text and arrows move the caret or step."""
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return isinstance(
        widget, (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QKeySequenceEdit)
    )


def _combination(event: QKeyEvent) -> QKeyCombination:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return QKeyCombination(mods, Qt.Key(event.key()))


class CropKeyRouter(QObject):
    """Delivers the crop keys of ``root``'s window to their actions, whichever of its widgets has
    focus, except a typing field. ``hold_pan(True / False)`` follows the Space key."""

    def __init__(
        self,
        root: QWidget,
        actions: Mapping[QKeyCombination, QAction],
        hold_pan: Callable[[bool], object],
    ) -> None:
        super().__init__(root)
        self._root = root
        self._actions = dict(actions)
        self._hold_pan = hold_pan
        self._pan = first_key(QKeySequence(PAN.keys[0]))
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        root.destroyed.connect(lambda *_: app.removeEventFilter(self))

    def routed_keys(self) -> list[QKeyCombination]:
        return [*self._actions, self._pan]

    def _lookup(self, event: QKeyEvent) -> QKeyCombination | None:
        combo = _combination(event)
        if combo in self._actions or combo == self._pan:
            return combo
        # "+" arrives with Shift on most layouts; a binding names the character alone.
        bare = QKeyCombination(
            combo.keyboardModifiers() & ~Qt.KeyboardModifier.ShiftModifier, combo.key()
        )
        key = combo.key()
        printable = key < Qt.Key.Key_Escape and not Qt.Key.Key_A <= key <= Qt.Key.Key_Z
        return bare if printable and bare in self._actions else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._root:
            return False
        if not isinstance(event, QKeyEvent) or is_typing_field(watched):
            return False
        combo = self._lookup(event)
        if combo is None:
            return False
        event.accept()
        if kind == QEvent.Type.ShortcutOverride:
            return True  # "this key is the widget's": Qt's shortcuts pass, the KeyPress comes here
        if combo == self._pan:
            if not event.isAutoRepeat():
                self._hold_pan(kind == QEvent.Type.KeyPress)
            return True
        if kind == QEvent.Type.KeyPress:
            action = self._actions[combo]
            if action.isEnabled():
                action.trigger()
        return True
