"""Framing checks for the current crop, a severity icon each; refreshed live while dragging."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from core.suggestion import CheckWarning
from ui.theme import icon

_SEVERITY_ORDER = {"problem": 0, "warning": 1, "info": 2}
_SEVERITY_WORDS = {
    "problem": ("problem", "problems"),
    "warning": ("warning", "warnings"),
    "info": ("note", "notes"),
}


def summary_text(checks: Sequence[CheckWarning]) -> str:
    """'All checks pass' or e.g. '1 problem · 2 warnings'."""
    if not checks:
        return "All checks pass"
    parts = []
    for severity in ("problem", "warning", "info"):
        n = sum(1 for c in checks if c.severity == severity)
        if n:
            one, many = _SEVERITY_WORDS[severity]
            parts.append(f"{n} {one if n == 1 else many}")
    return " · ".join(parts)


class ChecksPanel(QWidget):
    """Shows ``CheckWarning``s ordered by severity. ``set_checks`` is cheap when nothing changed, so
    it can be called on every drag step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checksPanel")
        title = QLabel("Checks")
        title.setObjectName("panelTitle")
        self._summary = QLabel()
        self._summary.setContentsMargins(8, 0, 8, 4)
        self._list = QListWidget()
        self._list.setObjectName("checksList")
        self._list.setIconSize(QSize(16, 16))
        self._list.setWordWrap(True)
        self._list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self._list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(title)
        layout.addWidget(self._summary)
        layout.addWidget(self._list, 1)
        self._shown: tuple[CheckWarning, ...] | None = None
        self.clear()

    def summary_text(self) -> str:
        return self._summary.text()

    def clear(self, message: str = "No crop yet") -> None:
        self._shown = None
        self._list.clear()
        self._summary.setText(message)
        self._summary.setProperty("state", "empty")

    def set_checks(self, checks: Sequence[CheckWarning]) -> None:
        ordered = tuple(sorted(checks, key=lambda c: _SEVERITY_ORDER.get(c.severity, 3)))
        if ordered == self._shown:
            return
        self._shown = ordered
        self._list.clear()
        self._summary.setText(summary_text(ordered))
        if not ordered:
            item = QListWidgetItem(icon("check-ok"), "Nothing to fix for the selected outputs.")
            self._list.addItem(item)
            return
        for check in ordered:
            item = QListWidgetItem(icon(f"severity-{check.severity}"), check.message)
            item.setToolTip(f"{check.severity}: {check.code}")
            item.setData(Qt.ItemDataRole.UserRole, check.code)
            self._list.addItem(item)

    def shown_checks(self) -> tuple[CheckWarning, ...]:
        """What the list shows now (tests and screenshots)."""
        return self._shown or ()
