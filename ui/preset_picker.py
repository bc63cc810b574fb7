"""A checkable list of export presets grouped by preset group (social, print, ID, custom).

Shared by the preview panel and the export dialog so both show the same choice the same way.
Preset names are never cut: when the list is too narrow for a name and its pixel size side by
side, the pixel column steps aside (the size stays in each row's tooltip and under its preview).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

#: Order and titles of the preset groups; unknown groups follow under their own name.
GROUP_TITLES: dict[str, str] = {
    "social": "Social",
    "print": "Print",
    "id": "ID / passport",
    "custom": "Custom",
}

_PRESET_ID_ROLE = Qt.ItemDataRole.UserRole
#: Indentation per tree level (Qt's 20 px default spends 40 px of a 300 px panel on two levels).
_INDENT = 14
_PIXELS_COLUMN = 1


def preset_size_text(preset: Any) -> str:
    """'400 × 400 px', or '1200 × 1800 px · 4 x 6 in at 300 ppi' for print and ID presets."""
    text = f"{preset.width} × {preset.height} px"
    ppi = getattr(preset, "ppi", None)
    physical = getattr(preset, "physical", None)
    if ppi and physical:
        text += f" · {physical} at {ppi} ppi"
    elif ppi:
        text += f" · {ppi} ppi"
    return text


def group_presets(presets: Iterable[Any]) -> list[tuple[str, list[Any]]]:
    """Presets per ``preset.group``: known groups first in GROUP_TITLES order, file order within."""
    groups: dict[str, list[Any]] = {}
    for preset in presets:
        groups.setdefault(preset.group, []).append(preset)
    known = [g for g in GROUP_TITLES if g in groups]
    others = [g for g in groups if g not in GROUP_TITLES]
    return [(g, groups[g]) for g in known + others]


class PresetPicker(QTreeWidget):
    """Group headers with checkable presets under them. Checking a header checks its whole group."""

    checkedChanged = Signal(list)  # list[str] of preset ids, in display order

    def __init__(self, presets: Iterable[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presetPicker")
        self.setColumnCount(2)
        self.setHeaderLabels(["Preset", "Pixels"])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        self.setIndentation(_INDENT)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._groups: list[QTreeWidgetItem] = []
        self._updating = False
        self._emit_pending = False
        self._last_emitted: list[str] = []
        for group, members in group_presets(presets):
            header = QTreeWidgetItem(self, [GROUP_TITLES.get(group, group.title()), ""])
            header.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsAutoTristate
            )
            header.setCheckState(0, Qt.CheckState.Unchecked)
            self._groups.append(header)
            for preset in members:
                # Pixels only in the narrow column; print size and ppi in the tooltip.
                pixels = f"{preset.width} × {preset.height}"
                item = QTreeWidgetItem(header, [preset.name, pixels])
                item.setToolTip(1, preset_size_text(preset))
                item.setData(0, _PRESET_ID_ROLE, preset.id)
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsUserCheckable
                    | Qt.ItemFlag.ItemIsSelectable
                )
                item.setCheckState(0, Qt.CheckState.Unchecked)
                item.setToolTip(0, f"{preset.name}: {preset_size_text(preset)} ({preset.id})")
                self._items[preset.id] = item
            header.setExpanded(group == "social")
        header_view = self.header()
        header_view.setStretchLastSection(False)
        header_view.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header_view.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.itemChanged.connect(self._on_item_changed)

    # -- fitting its room -------------------------------------------------------------------------

    def _column_need(self, column: int) -> int:
        """Width the widest row needs in ``column``, expanded or not (Qt's sizeHintForColumn
        counts only the rows on screen, and a collapsed group's names must fit too)."""
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        delegate = self.itemDelegate()
        need = self.header().sectionSizeHint(column)
        for item in self._items.values():
            width = delegate.sizeHint(option, self.indexFromItem(item, column)).width()
            if column == 0:
                width += self.indentation() * (2 if self.rootIsDecorated() else 1)
            need = max(need, width)
        return need

    def names_need(self) -> int:
        """Width of the name column that shows every preset name whole."""
        return self._column_need(0)

    def _fit_columns(self) -> None:
        room = self.viewport().width()
        pixels = self._column_need(_PIXELS_COLUMN)
        self.setColumnHidden(_PIXELS_COLUMN, room < self.names_need() + pixels)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_columns()

    def show_every_group(self) -> None:
        """Every group open and no hidden scrolling: the list asks for the height and width of
        all its rows (the export dialog, where an ID preset must be a glance away)."""
        self.expandAll()
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setMinimumSize(self.full_size_hint())

    def full_size_hint(self) -> QSize:
        """The size that shows every row (open or not) and both columns without scrolling."""
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        delegate = self.itemDelegate()
        # Every row is one line (uniform heights): rows not laid out yet report the same height.
        height = self.header().sizeHint().height()
        for row in [*self._groups, *self._items.values()]:
            height += delegate.sizeHint(option, self.indexFromItem(row, 0)).height()
        frame = 2 * self.frameWidth()
        width = self.names_need() + self._column_need(_PIXELS_COLUMN) + frame
        return QSize(width, height + frame + 2)  # + the last row's grid line

    def preset_ids(self) -> list[str]:
        return list(self._items)

    def checked_ids(self) -> list[str]:
        return [
            pid for pid, item in self._items.items() if item.checkState(0) == Qt.CheckState.Checked
        ]

    def set_checked_ids(self, ids: Sequence[str]) -> None:
        """Check exactly ``ids`` (unknown ids ignored); emits checkedChanged once if it changed."""
        before = self.checked_ids()
        wanted = set(ids)
        self._updating = True
        try:
            for pid, item in self._items.items():
                state = Qt.CheckState.Checked if pid in wanted else Qt.CheckState.Unchecked
                item.setCheckState(0, state)
                parent = item.parent()
                if pid in wanted and parent is not None:
                    parent.setExpanded(True)
        finally:
            self._updating = False
        after = self.checked_ids()
        self._last_emitted = after
        if after != before:
            self.checkedChanged.emit(after)

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._updating or column != 0:
            return
        # Checking a tristate header changes every child, one itemChanged each: report once, after.
        if not self._emit_pending:
            self._emit_pending = True
            QTimer.singleShot(0, self._emit_if_changed)

    def _emit_if_changed(self) -> None:
        self._emit_pending = False
        checked = self.checked_ids()
        if checked != self._last_emitted:
            self._last_emitted = checked
            self.checkedChanged.emit(checked)
