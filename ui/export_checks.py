"""The export dialog's checks: per ticked preset before writing, per written file after.

Everything shown comes from core (``core.framing.plan.checks_by_preset`` before, the batch's
per-file checks after): the same list the Checks panel shows for the crop on screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
    """Per ticked preset, the checks of the crop it will get from the photo on screen."""

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

    def show_checks(
        self, presets: Sequence[Preset], checks: Mapping[str, Sequence[CheckWarning]]
    ) -> None:
        self.clear()
        self._shown = {p.id: tuple(checks.get(p.id, ())) for p in presets}
        for preset in presets:
            found = self._shown[preset.id]
            row = QTreeWidgetItem(self, [preset.name, summary_text(found)])
            row.setData(0, Qt.ItemDataRole.UserRole, preset.id)
            row.setIcon(1, icon(_worst_icon(found)))
            add_check_items(row, found, 0, span=True)
        self._wrap_messages()

    def _wrap_messages(self) -> None:
        # A message row spans the view; Qt would cut it with "...", so it is wrapped to the width.
        icon_side = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        room = self.viewport().width() - 2 * self.indentation() - icon_side - 16
        metrics = self.fontMetrics()
        for g in range(self.topLevelItemCount()):
            row = self.topLevelItem(g)
            if row is None:
                continue
            for c in range(row.childCount()):
                child = row.child(c)
                message = child.data(0, _MESSAGE_ROLE) if child is not None else None
                if child is not None and isinstance(message, str):
                    child.setText(0, wrap_to_width(message, metrics, max(80, room)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._wrap_messages()

    def show_note(self, text: str) -> None:
        self.clear()
        self._shown = {}
        QTreeWidgetItem(self, ["", text])

    def shown_checks(self) -> dict[str, tuple[CheckWarning, ...]]:
        """Per preset id, what the view lists (tests and screenshots)."""
        return dict(self._shown)


def _worst_icon(checks: Sequence[CheckWarning]) -> str:
    for severity in ("problem", "warning", "info"):
        if any(c.severity == severity for c in checks):
            return f"severity-{severity}"
    return "check-ok"
