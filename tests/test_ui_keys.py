"""The crop keys under a photographer's hand: real key and mouse events (pytest-qt) sent to whatever
widget has focus after a real click, as a window system would deliver them.

Before the key table (ui/keymap.py) Esc during a drag recursed until the process died, and the
keys went to the widget clicked last (arrows turned the rotation slider, Space ticked presets).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget
from pytestqt.qtbot import QtBot

from core.crop_session import CropSession
from tests import test_ui_app
from tests.test_ui_app import LEFT, NO_MODS, corner_in_view, drag_on, focus_canvas, open_and_wait
from ui.main_window import PAGE_CANVAS, PAGE_COMPARE, MainWindow

SHIFT = Qt.KeyboardModifier.ShiftModifier

# The app tests' fixtures: a real window with the real face analyzer, a photo in tmp_path.
analyzer, photo, window = test_ui_app.analyzer, test_ui_app.photo, test_ui_app.window


def press(qtbot: QtBot, key: Qt.Key, mods: Qt.KeyboardModifier = NO_MODS) -> None:
    """A key click delivered to the focus widget (where the window system sends it)."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, mods)


def click_away(qtbot: QtBot, widget: QWidget, pos: QPoint | None = None) -> None:
    """A real click on ``widget``, which takes the keyboard focus as it would under a mouse."""
    qtbot.mouseClick(widget, LEFT, NO_MODS, pos if pos is not None else widget.rect().center())
    # A scroll area's viewport gives its focus to the view around it.
    area = widget.parentWidget()
    owner = area if isinstance(area, QAbstractScrollArea) and area.viewport() is widget else widget
    owner.setFocus(Qt.FocusReason.MouseFocusReason)  # offscreen windows may not pass focus on
    qtbot.waitUntil(lambda: QApplication.focusWidget() is owner, timeout=2000)


def opened(qtbot: QtBot, window: MainWindow, photo: Path) -> CropSession:
    open_and_wait(qtbot, window, photo)
    focus_canvas(qtbot, window)
    session = window.session()
    assert session is not None
    return session


def test_escape_during_a_crop_drag_cancels_the_drag(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    session = opened(qtbot, window, photo)
    before = session.state
    vp = window.canvas.viewport()
    start = corner_in_view(window)
    drag_on(qtbot, vp, start, start - QPoint(60, 40), release=False)
    assert session.is_live and session.state != before
    press(qtbot, Qt.Key.Key_Escape)  # before the fix: recursion until the process died
    assert not session.is_live
    assert session.state == before and not session.can_undo
    qtbot.mouseRelease(vp, LEFT, NO_MODS, start - QPoint(60, 40))
    assert session.state == before and not session.can_undo
    assert window.stack.currentIndex() == PAGE_CANVAS

    # Enter keeps a drag where it is, as one undo step.
    drag_on(qtbot, vp, start, start - QPoint(30, 20), release=False)
    dragged = session.state.box
    press(qtbot, Qt.Key.Key_Return)
    assert not session.is_live and session.state.box == dragged and session.can_undo
    qtbot.mouseRelease(vp, LEFT, NO_MODS, start - QPoint(30, 20))
    assert session.state.box == dragged


def crop_keys_act_on_the_crop(qtbot: QtBot, window: MainWindow, session: CropSession) -> None:
    """Every crop key once, to whatever widget has focus now; each must do its crop thing."""
    focus = QApplication.focusWidget()
    box, angle = session.state.box, session.state.angle_deg
    # A turned crop may meet the photo's edge a fraction of a pixel early.
    press(qtbot, Qt.Key.Key_Left)
    assert session.state.box.x == pytest.approx(box.x - 1, abs=0.1), focus
    press(qtbot, Qt.Key.Key_Down, SHIFT)
    assert session.state.box.y == pytest.approx(box.y + 10, abs=0.1), focus
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Up, SHIFT)
    assert session.state.box.x == pytest.approx(box.x, abs=0.1), focus
    assert session.state.box.y == pytest.approx(box.y, abs=0.1), focus
    assert session.state.angle_deg == angle, focus  # the slider did not turn the photo

    aspect = session.state.aspect
    press(qtbot, Qt.Key.Key_A)
    assert session.state.aspect is None, focus
    press(qtbot, Qt.Key.Key_A)
    assert session.state.aspect == aspect, focus
    press(qtbot, Qt.Key.Key_X)
    assert aspect is not None and session.state.aspect == (aspect[1], aspect[0]), focus
    press(qtbot, Qt.Key.Key_R)  # back to the suggestion applied last
    assert session.state.aspect == aspect and session.state.box == box, focus

    guides = window.guide_settings()
    press(qtbot, Qt.Key.Key_O)
    assert window.guide_settings().enabled != guides.enabled, focus
    press(qtbot, Qt.Key.Key_O, SHIFT)
    assert window.guide_settings().orientation != guides.orientation, focus
    assert window.canvas.guide_settings == window.guide_settings()

    press(qtbot, Qt.Key.Key_M)
    assert window.canvas.circle_mask and window.window_actions.circle_mask.isChecked(), focus
    press(qtbot, Qt.Key.Key_M)
    assert not window.canvas.circle_mask, focus

    with qtbot.waitSignal(window.window_actions.level.triggered, timeout=1000):
        press(qtbot, Qt.Key.Key_L)
    assert session.state.angle_deg == pytest.approx(session.analysis.faces[0].roll_deg), focus
    press(qtbot, Qt.Key.Key_R)
    assert session.state.angle_deg == angle, focus

    portraits = window.suggestions.suggestions(window.suggestions.current_genre())
    press(qtbot, Qt.Key.Key_2)
    assert session.state.suggestion_id == portraits[1].id, focus
    press(qtbot, Qt.Key.Key_1)
    assert session.state.suggestion_id == portraits[0].id, focus

    press(qtbot, Qt.Key.Key_C)
    assert window.stack.currentIndex() == PAGE_COMPARE, focus
    press(qtbot, Qt.Key.Key_Escape)
    assert window.stack.currentIndex() == PAGE_CANVAS, focus

    # Space held + a drag on the photo pans; the crop and the ticked presets stay.
    presets = window.preview.selected_presets()
    before = session.state
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyPress(target, Qt.Key.Key_Space)
    vp = window.canvas.viewport()
    inside = window.canvas.crop_rect_in_view()
    assert inside is not None
    start = inside.center().toPoint()
    scroll = window.canvas.horizontalScrollBar().value()
    drag_on(qtbot, vp, start, start + QPoint(80, 0))
    qtbot.keyRelease(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert session.state == before, focus
    assert window.canvas.horizontalScrollBar().value() != scroll, focus
    assert window.preview.selected_presets() == presets, focus


def test_crop_keys_work_whichever_widget_was_clicked_last(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    session = opened(qtbot, window, photo)
    window.suggestions.set_current_genre("headshot")
    press(qtbot, Qt.Key.Key_1)
    first_box = session.state.box

    picker = window.preview.picker
    group_item = picker.topLevelItem(0)
    slider = window.crop_bar.angle_slider
    grid = window.suggestions.grid("headshot")
    places: list[tuple[str, QWidget, QPoint | None]] = [
        ("canvas", window.canvas.viewport(), None),
        ("rotation slider", slider, None),
        ("preset list", picker.viewport(), picker.visualItemRect(group_item).center()),
        ("suggestion grid", grid.viewport(), grid.visualItemRect(grid.item(0)).center()),
        ("ratio box", window.crop_bar.aspect_box, None),
        ("actual-pixels box", window.preview.true_size_box, None),
    ]
    for name, widget, pos in places:
        click_away(qtbot, widget, pos)
        if name == "ratio box":
            # The click opened its list (a popup window of its own): Esc closes it, as by hand.
            popup = QApplication.activePopupWidget()
            if popup is not None:
                qtbot.keyClick(popup, Qt.Key.Key_Escape)
            widget.setFocus()
        if name == "actual-pixels box":
            ticked = window.preview.true_size_box.isChecked()
            press(qtbot, Qt.Key.Key_Space)  # Space is the pan key, not "tick this box"
            assert window.preview.true_size_box.isChecked() == ticked
        press(qtbot, Qt.Key.Key_1)
        assert session.state.box == first_box, name
        crop_keys_act_on_the_crop(qtbot, window, session)


def test_typing_in_a_number_field_keeps_its_keys(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    session = opened(qtbot, window, photo)
    spin = window.crop_bar.w_spin
    click_away(qtbot, spin)
    before = session.state
    guides = window.guide_settings()
    press(qtbot, Qt.Key.Key_Up)  # steps the field (and so the width), does not nudge the crop
    assert session.state.box.x == before.box.x and session.state.box.y == before.box.y
    assert spin.value() != before.box.rounded()[2] or session.state.box.w != before.box.w
    for key in (Qt.Key.Key_R, Qt.Key.Key_O, Qt.Key.Key_A, Qt.Key.Key_X, Qt.Key.Key_1):
        press(qtbot, key)
    assert window.guide_settings() == guides
    assert session.state.aspect == before.aspect
    assert QApplication.focusWidget() is spin


def test_the_shortcut_sheet_lists_every_key_the_table_binds(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ui import keymap

    focus_canvas(qtbot, window)
    press(qtbot, Qt.Key.Key_F1)
    sheet = window._shortcut_sheet
    assert sheet is not None and sheet.isVisible()
    text = sheet.text()
    for binding in keymap.ALL:
        for sequence in binding.sequences:
            assert keymap.key_text(sequence) in text, binding
        assert binding.does in text
    # Every plain key of the table is routed, and every routed key is in the table.
    table = {s[0] for b in keymap.ALL for s in b.crop_keys}
    assert set(window.crop_keys.routed_keys()) == table
    # Menus show the crop keys the router delivers (R, the arrows and Space can be found).
    menu_texts = [a.text() for a in window.findChildren(type(window.window_actions.reset))]
    for needle in ("Reset &crop\tR", "Nudge left\tLeft", "Pan\tSpace", "Suggestion &1\t1"):
        assert needle in menu_texts
