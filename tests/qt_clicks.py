"""Real mouse clicks on widgets whose targets need a little geometry (shared by the UI tests)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QTreeWidget, QTreeWidgetItem


def preset_item(picker: QTreeWidget, preset_id: str) -> QTreeWidgetItem:
    for g in range(picker.topLevelItemCount()):
        group = picker.topLevelItem(g)
        for c in range(group.childCount()):
            if group.child(c).data(0, Qt.ItemDataRole.UserRole) == preset_id:
                return group.child(c)
    raise KeyError(preset_id)


def click_preset_box(qtbot: Any, picker: QTreeWidget, preset_id: str) -> None:
    """Click a preset's check box in a PresetPicker, as a user does."""
    item = preset_item(picker, preset_id)
    if item.parent() is not None:
        item.parent().setExpanded(True)
    picker.scrollToItem(item)
    option = QStyleOptionViewItem()
    option.rect = picker.visualItemRect(item)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = picker.style().subElementRect(
        QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, picker
    )
    qtbot.mouseClick(picker.viewport(), Qt.MouseButton.LeftButton, pos=box.center())
