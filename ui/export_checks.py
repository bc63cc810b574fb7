"""The export dialog's checks: per ticked preset before writing (for several photos, per photo
and preset), per written file after.

Everything shown comes from core (``core.framing.plan.checks_by_preset`` for the photo on screen,
``core.batch.check_batch`` for a batch, the batch's per-file checks after): the same list the
Checks panel shows for the crop on screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from core.batch import CANCELLED, BatchItem
from core.presets import Preset
from core.suggestion import CheckWarning
from ui.checks_panel import summary_text
from ui.theme import icon

#: Where a check row keeps its message as written (its text may carry line breaks to fit).
_MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 1


def wrap_to_width(text: str, metrics: QFontMetrics, width: int) -> str:
    """``text`` with line breaks between words so no line is wider than ``width`` pixels (a word
    longer than that keeps a line of its own)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and metrics.horizontalAdvance(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return "\n".join(lines)


def add_check_items(
    parent: QTreeWidgetItem, checks: Sequence[CheckWarning], column: int, *, span: bool = False
) -> None:
    """One child row per check under ``parent``, its message in ``column`` (with ``span``, in the
    first column across the whole row: long messages need the room)."""
    for check in checks:
        child = QTreeWidgetItem(parent)
        child.setIcon(column, icon(f"severity-{check.severity}"))
        child.setText(column, check.message)
        child.setToolTip(column, f"{check.severity}: {check.code}\n{check.message}")
        child.setData(column, Qt.ItemDataRole.UserRole, check.code)
        child.setData(column, _MESSAGE_ROLE, check.message)
        if span:
            child.setFirstColumnSpanned(True)
    parent.setExpanded(bool(checks))


class PresetChecksView(QTreeWidget):
    """Per ticked preset, the checks of the crop it will get from the photo on screen; for several
    photos, a row per photo (as core checks them) with its presets under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportChecks")
        self.setHeaderLabels(["Preset", "Checks"])
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(True)
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._shown: dict[str, tuple[CheckWarning, ...]] = {}
        self._photos: dict[Path, BatchItem] = {}
        self._pending: QTreeWidgetItem | None = None

    def show_checks(
        self, presets: Sequence[Preset], checks: Mapping[str, Sequence[CheckWarning]]
    ) -> None:
        self._reset(["Preset", "Checks"])
        self._shown = {p.id: tuple(checks.get(p.id, ())) for p in presets}
        for preset in presets:
            found = self._shown[preset.id]
            row = QTreeWidgetItem(self, [preset.name, summary_text(found)])
            row.setData(0, Qt.ItemDataRole.UserRole, preset.id)
            row.setIcon(1, icon(_worst_icon(found)))
            add_check_items(row, found, 0, span=True)
        self._wrap_messages()

    def start_photos(self, total: int) -> None:
        """A list per photo begins; ``add_photo`` adds each as core checks it."""
        self._reset(["Photo / preset", "Checks"])
        self._pending = QTreeWidgetItem(self, ["", f"Checking {total} photos…"])

    def add_photo(self, presets: Sequence[Preset], item: BatchItem, done: int, total: int) -> None:
        """``item`` (``core.batch.check_batch``'s word on one photo) as a row: per preset the
        checks of the crop it will get, or why the photo or the preset will not be exported."""
        self._photos[item.source] = item
        row = QTreeWidgetItem([item.source.name, ""])
        row.setToolTip(0, str(item.source))
        self.insertTopLevelItem(len(self._photos) - 1, row)
        if item.status != "done":
            cancelled = item.reason == CANCELLED
            row.setText(1, "Not checked" if cancelled else "Not exported")
            row.setIcon(1, icon("severity-info" if cancelled else "severity-problem"))
            if not cancelled:
                _add_reason(row, (item.reason or "").removeprefix(f"{item.source.name}: "))
        else:
            checks, unframed = dict(item.checks), dict(item.unframed)
            everything: list[CheckWarning] = []
            for preset in presets:
                reason = unframed.get(preset.id)
                found = checks.get(preset.id, ())
                text = "Not exported" if reason else summary_text(found)
                child = QTreeWidgetItem(row, [preset.name, text])
                child.setData(0, Qt.ItemDataRole.UserRole, preset.id)
                child.setIcon(1, icon("severity-problem" if reason else _worst_icon(found)))
                if reason:
                    _add_reason(child, reason.removeprefix(f"{preset.id}: "))
                add_check_items(child, found, 0, span=True)
                child.setExpanded(bool(reason))
                everything.extend(found)
            left_out = f" · {len(unframed)} preset(s) not exported" if unframed else ""
            row.setText(1, summary_text(everything) + left_out)
            row.setIcon(1, icon("severity-problem" if unframed else _worst_icon(everything)))
            row.setExpanded(any(c.severity != "info" for c in everything) or bool(unframed))
        if self._pending is not None:
            if done >= total:
                self.takeTopLevelItem(self.indexOfTopLevelItem(self._pending))
                self._pending = None
            else:
                self._pending.setText(1, f"Checked {done} of {total} photos…")
        # Only the new row's messages: the others are wrapped already (to the width, rewrapped on
        # resize), and rewrapping the whole list per photo was quadratic in the photos.
        self._wrap_messages([row])

    def stop_photos(self, note: str) -> None:
        """No more photos come: the row that said how far the check got says ``note``."""
        if self._pending is not None:
            self._pending.setText(1, note)
            self._pending = None

    def _reset(self, headers: list[str]) -> None:
        self.clear()
        self.setHeaderLabels(headers)
        self._shown, self._photos, self._pending = {}, {}, None

    def _wrap_messages(self, tops: Sequence[QTreeWidgetItem | None] | None = None) -> None:
        # A message row spans the view; Qt would cut it with "...", so it is wrapped to the width
        # left at its depth. ``tops``: the top-level rows to wrap under (all when None).
        icon_side = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        metrics = self.fontMetrics()
        if tops is None:
            tops = [self.topLevelItem(g) for g in range(self.topLevelItemCount())]
        rows: list[tuple[QTreeWidgetItem | None, int]] = [(top, 1) for top in tops]
        while rows:
            row, depth = rows.pop()
            if row is None:
                continue
            message = row.data(0, _MESSAGE_ROLE)
            if isinstance(message, str):
                room = self.viewport().width() - depth * self.indentation() - icon_side - 16
                row.setText(0, wrap_to_width(message, metrics, max(80, room)))
            rows.extend((row.child(c), depth + 1) for c in range(row.childCount()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._wrap_messages()

    def show_note(self, text: str) -> None:
        self._reset(["Preset", "Checks"])
        QTreeWidgetItem(self, ["", text])

    def shown_checks(self) -> dict[str, tuple[CheckWarning, ...]]:
        """Per preset id, what the view lists for one photo (tests and screenshots)."""
        return dict(self._shown)

    def shown_photos(self) -> dict[Path, BatchItem]:
        """Per photo, core's word the view lists (tests and screenshots)."""
        return dict(self._photos)


def _add_reason(parent: QTreeWidgetItem, reason: str) -> None:
    """Why ``parent`` (a photo or a preset) will not be exported, as a message row under it."""
    child = QTreeWidgetItem(parent)
    child.setIcon(0, icon("severity-problem"))
    child.setText(0, reason)
    child.setToolTip(0, reason)
    child.setData(0, _MESSAGE_ROLE, reason)
    child.setFirstColumnSpanned(True)
    parent.setExpanded(True)


def _worst_icon(checks: Sequence[CheckWarning]) -> str:
    for severity in ("problem", "warning", "info"):
        if any(c.severity == severity for c in checks):
            return f"severity-{severity}"
    return "check-ok"
