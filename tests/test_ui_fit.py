"""The right panel and the export dialog fit the window a photographer has: the app's default
size and a small laptop's 1280x800. Preset names are whole, previews and their badges stay inside
the panel (also at actual pixels, a loupe the user drags), and every ID preset is on view in the
export dialog without a hidden scroll. Real window (with the app's style sheet), real photo, real
mouse and key events (pytest-qt)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QTreeWidget, QTreeWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from tests import test_ui_app, test_ui_small_crops
from tests.qt_clicks import click_preset_box, preset_item
from tests.test_ui_app import LEFT, NO_MODS, drag_on
from tests.test_ui_keys import opened, press
from ui.main_window import MainWindow
from ui.preview_panel import PreviewPanel, PreviewTile
from ui.settings import settings_at
from ui.theme import stylesheet

analyzer, photo = test_ui_app.analyzer, test_ui_app.photo
group_photo = test_ui_small_crops.group_photo

#: The app's first-run size (MainWindow._restore) and a small laptop's screen.
SIZES = [(1500, 940), (1280, 800)]
#: Presets whose captions are the longest: a print (size, inches and ppi) and an ID photo, both
#: enlarged from the astronaut's crop, so their tiles carry the "upscaled" badge.
WIDE_CAPTIONS = ("print-8x10", "id-us")


@pytest.fixture(params=SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def sized_window(
    request: pytest.FixtureRequest, qtbot: QtBot, tmp_path: Path, analyzer
) -> Iterator[MainWindow]:
    window = MainWindow(settings_at(tmp_path / "s.ini"), analyzer=analyzer, restore_layout=False)
    window.sample_dir = tmp_path / "sample"
    window.setStyleSheet(stylesheet())  # the paddings a user sees (not set app-wide in tests)
    qtbot.addWidget(window)
    window.resize(*request.param)  # before the first show: the splitters take first-run sizes
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    yield window
    window.close()


def text_room(tree: QTreeWidget, item: QTreeWidgetItem) -> int:
    """Pixels the view gives ``item``'s name (its cell less the check box and margins)."""
    option = QStyleOptionViewItem()
    tree.initViewItemOption(option)
    option.rect = tree.visualItemRect(item)
    option.text = item.text(0)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
    rect = tree.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, tree)
    margin = tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1
    return rect.width() - 2 * margin


def cut_names(tree: QTreeWidget) -> list[str]:
    """Preset names the view would draw with "..." (every group opened to measure them)."""
    tree.expandAll()
    metrics = tree.fontMetrics()
    cut = []
    for g in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(g)
        for c in range(group.childCount()):
            item = group.child(c)
            if metrics.horizontalAdvance(item.text(0)) > text_room(tree, item):
                cut.append(item.text(0))
    return cut


def inside(widget: QWidget, area: QWidget) -> bool:
    """Whether ``widget`` lies wholly within ``area``'s rectangle."""
    top_left = widget.mapTo(area, QPoint(0, 0))
    return area.rect().contains(QRect(top_left, widget.size()))


def assert_tiles_fit(panel: PreviewPanel) -> None:
    viewport = panel.scroll_area.viewport()
    host = panel.scroll_area.widget()
    assert host.width() <= viewport.width(), "the previews are wider than the panel"
    assert panel.scroll_area.horizontalScrollBar().maximum() == 0
    for pid in panel.selected_presets():
        tile = panel.tile(pid)
        assert tile is not None
        left = tile.mapTo(viewport, QPoint(0, 0)).x()
        assert left >= 0 and left + tile.width() <= viewport.width(), pid
        for label in (tile.image_label, tile.name_label, tile.size_label, tile.badge):
            if label.isVisible():
                assert inside(label, tile), (pid, label.objectName())
        if pid in WIDE_CAPTIONS:
            assert tile.badge.isVisible(), pid
            # The badge shows its whole text ("upscaled ×5.02"), not a clipped part of it.
            assert tile.badge.width() >= tile.badge.sizeHint().width(), pid


def rendered(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.preview
    qtbot.waitUntil(window.is_settled, timeout=60000)
    qtbot.waitUntil(
        lambda: (
            not panel.is_rendering()
            and all(panel.preview_image(pid) is not None for pid in panel.selected_presets())
        ),
        timeout=60000,
    )
    qtbot.wait(50)  # the tiles' new pixmaps are laid out on the next turn


def test_the_right_panel_fits_names_previews_badges_and_actual_pixels(
    qtbot: QtBot, sized_window: MainWindow, photo: Path
) -> None:
    window = sized_window
    opened(qtbot, window, photo)
    panel = window.preview
    for pid in WIDE_CAPTIONS:
        click_preset_box(qtbot, panel.picker, pid)
        qtbot.waitUntil(lambda p=pid: p in panel.selected_presets(), timeout=3000)
    rendered(qtbot, window)
    assert window.canvas.width() >= window.width() // 2 - 40  # the photo keeps its room

    # Before: "Instagram post, po..." at 1280 px, and prints' captions pushed every tile (and
    # the badges) out past the panel's right edge.
    assert cut_names(panel.picker) == []
    assert_tiles_fit(panel)

    # Actual pixels, by a click on its box: a 100 % loupe the panel's width, on the eyes.
    qtbot.mouseClick(panel.true_size_box, LEFT, NO_MODS, panel.true_size_box.rect().center())
    assert panel.true_size()
    rendered(qtbot, window)
    assert_tiles_fit(panel)
    tile = panel.tile("instagram-portrait")
    assert isinstance(tile, PreviewTile) and tile.rendered is not None
    loupe = tile.loupe_rect()
    assert loupe is not None and loupe.width() < 1080
    shown = tile.image_label.pixmap().toImage()
    assert (shown.width(), shown.height()) == (loupe.width(), loupe.height())
    exact = tile.rendered.image
    for x, y in ((0, 0), (loupe.width() - 1, loupe.height() // 2), (7, loupe.height() - 1)):
        # One pixel of the output per pixel on screen: the loupe is the file, not a scaled copy.
        assert shown.pixel(x, y) == exact.pixel(loupe.x() + x, loupe.y() + y)
    fx, fy = tile.rendered.focus
    assert loupe.contains(QPoint(round(fx * exact.width()), round(fy * exact.height())))

    # Dragging the loupe moves the photo with the hand: left and up shows more right and below.
    image_label = tile.image_label
    panel.scroll_area.ensureWidgetVisible(image_label)
    centre = image_label.rect().center()
    drag_on(qtbot, image_label, centre, centre - QPoint(60, 40))
    moved = tile.loupe_rect()
    assert moved is not None
    assert (moved.x() - loupe.x(), moved.y() - loupe.y()) == (60, 40)
    shown = tile.image_label.pixmap().toImage()
    assert shown.pixel(0, 0) == exact.pixel(moved.x(), moved.y())


def test_the_export_dialog_shows_every_preset_whole_without_scrolling(
    qtbot: QtBot, sized_window: MainWindow, photo: Path, tmp_path: Path
) -> None:
    window = sized_window
    opened(qtbot, window, photo)
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.export_wiring.dialog is not None, timeout=3000)
    dialog = window.export_wiring.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    # It fits a 1280x800 laptop screen, title bar and panel included.
    assert dialog.width() <= 1280 and dialog.height() <= 740, dialog.size()

    picker = dialog.picker
    viewport = picker.viewport()
    # Before: the ID group sat closed below the fold, its presets behind a scroll.
    assert picker.verticalScrollBar().maximum() == 0
    for pid in picker.preset_ids():
        rect = picker.visualItemRect(preset_item(picker, pid))
        assert not rect.isEmpty() and viewport.rect().contains(rect), pid
    assert cut_names(picker) == []
    assert not picker.isColumnHidden(1)  # the dialog has room for the pixel sizes too

    # A real click on an ID preset's box, where it is (no scrolling first), ticks it, and its
    # checks are listed whole: a long message wraps instead of ending in "...".
    item = preset_item(picker, "id-us")
    option = QStyleOptionViewItem()
    option.rect = picker.visualItemRect(item)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = picker.style().subElementRect(
        QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, picker
    )
    qtbot.mouseClick(viewport, LEFT, NO_MODS, box.center())
    qtbot.waitUntil(lambda: "id-us" in picker.checked_ids(), timeout=3000)
    view = dialog.preset_checks
    qtbot.waitUntil(lambda: "id-us" in view.shown_checks(), timeout=30000)
    assert view.shown_checks()["id-us"], "the astronaut's crop is too small for a US passport"
    metrics = view.fontMetrics()
    room = view.viewport().width()
    for g in range(view.topLevelItemCount()):
        row = view.topLevelItem(g)
        for c in range(row.childCount()):
            child = row.child(c)
            lines = child.text(0).split("\n")
            widest = max(metrics.horizontalAdvance(line) for line in lines)
            indent = view.visualItemRect(child).left()
            assert indent + widest <= room, child.text(0)

    # Exported (a click on Export), the written files get rows of their own on the same screen:
    # before, the list of every preset kept its height and the results got one row.
    dialog.set_output_folder(tmp_path / "exports")
    qtbot.mouseClick(dialog.export_button, LEFT, NO_MODS)
    qtbot.waitUntil(
        lambda: dialog.last_result() is not None and not dialog.is_running(), timeout=60000
    )
    results = dialog.results_tree
    assert results.isVisible() and results.topLevelItemCount() >= 2
    rows = results.sizeHintForRow(0)
    assert results.viewport().height() >= 6 * rows, (results.viewport().height(), rows)
    screen = dialog.screen().availableGeometry()
    assert dialog.frameGeometry().height() <= max(screen.height(), 740)
    dialog.close()


def test_the_suggestion_tabs_show_every_genre_and_count_whole(
    qtbot: QtBot, sized_window: MainWindow, group_photo: Path
) -> None:
    window = sized_window
    opened(qtbot, window, group_photo)
    bar = window.suggestions.tabs.tabBar()
    texts = [bar.tabText(i) for i in range(bar.count())]
    assert any(t.split()[-1].isdigit() and int(t.split()[-1]) >= 10 for t in texts), texts
    # Before: "Headshot 36 | Portrait 12 | Group 4 | I" and scroll arrows in a 296 px panel.
    for i in range(bar.count()):
        assert bar.tabRect(i).width() >= bar.tabSizeHint(i).width(), texts[i]
    assert bar.tabRect(bar.count() - 1).right() < bar.width()
    assert window.canvas.width() >= window.width() // 2 - 40  # the photo keeps its room
