"""Which suggestions tab a photo shows: the tab of the crop it opened on (suggestion 1, or its saved
crop), never an empty tab; a tab picked by hand stays while the photographer stays on that photo.

Regression: after the Solvay conference photo (29 faces, opens on its group framing) the Group tab
stayed selected for the next, single-face photo, which has no group framing: the panel showed
"No group framing" instead of the headshot the photo opened on.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.framing.plan import CropChoice
from core.geometry import Box
from core.sidecar import read_sidecar, write_sidecar
from tests import test_ui_app
from tests.qt_clicks import click_preset_box
from tests.shared_photos import shared_photo
from tests.test_ui_app import ANALYSIS_TIMEOUT_MS, LEFT, NO_MODS, open_and_wait
from ui.main_window import MainWindow
from ui.suggestions_panel import GENRES

# The app tests' fixtures: a real window with the real face analyzer.
analyzer, window = test_ui_app.analyzer, test_ui_app.window

GROUP_PHOTO = "immich_solvay.jpg"  # 29 faces: opens on a group framing
SINGLE_PHOTO = "matplotlib_grace_hopper.jpg"  # one face, no group framing
_SUGGESTION = Qt.ItemDataRole.UserRole  # a thumbnail's Suggestion


@pytest.fixture
def shoot(tmp_path: Path) -> tuple[Path, Path]:
    """A folder (in tmp_path, so sidecars land there): the group photo, then one single face."""
    folder = tmp_path / "shoot"
    folder.mkdir()
    group, single = folder / "a_solvay.jpg", folder / "b_hopper.jpg"
    shutil.copyfile(shared_photo(GROUP_PHOTO), group)
    shutil.copyfile(shared_photo(SINGLE_PHOTO), single)
    return group, single


def visible_genre(window: MainWindow) -> str:
    """The genre of the tab on screen (read from the tab widget, not the panel's bookkeeping)."""
    return GENRES[window.suggestions.tabs.currentIndex()][0]


def shown_ids(window: MainWindow) -> list[str]:
    """The suggestion ids of the thumbnails in the tab on screen (none when it shows its hint)."""
    genre = visible_genre(window)
    grid = window.suggestions.grid(genre)
    if window.suggestions.tabs.currentWidget().currentWidget() is not grid:
        return []  # the tab shows its "no suggestions" hint
    return [grid.item(row).data(_SUGGESTION).id for row in range(grid.count())]


def assert_shows_applied_crop(window: MainWindow, genre: str) -> None:
    """The tab on screen is ``genre`` and its thumbnails include the crop on the canvas, which is
    the one highlighted."""
    session = window.session()
    assert session is not None
    applied = session.state.suggestion_id
    assert visible_genre(window) == genre
    assert applied is not None and applied in shown_ids(window)
    selected = window.suggestions.grid(genre).selectedItems()
    assert [item.data(_SUGGESTION).id for item in selected] == [applied]


def click_filmstrip(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    """A real click on ``path``'s film-strip thumbnail; waits until its suggestions are in."""
    strip = window.filmstrip
    item = strip.item(strip.paths().index(path))
    strip.scrollToItem(item)
    qtbot.mouseClick(strip.viewport(), LEFT, NO_MODS, strip.visualItemRect(item).center())
    qtbot.waitUntil(lambda: window.analysed_path == path, timeout=ANALYSIS_TIMEOUT_MS)
    qtbot.waitUntil(window.is_settled, timeout=ANALYSIS_TIMEOUT_MS)


def click_tab(qtbot: QtBot, window: MainWindow, genre: str) -> None:
    bar = window.suggestions.tabs.tabBar()
    index = [g for g, _ in GENRES].index(genre)
    qtbot.mouseClick(bar, LEFT, NO_MODS, bar.tabRect(index).center())
    assert visible_genre(window) == genre


def click_thumbnail(qtbot: QtBot, window: MainWindow, genre: str, row: int) -> str:
    grid = window.suggestions.grid(genre)
    item = grid.item(row)
    grid.scrollToItem(item)
    qtbot.mouseClick(grid.viewport(), LEFT, NO_MODS, grid.visualItemRect(item).center())
    suggestion_id: str = item.data(_SUGGESTION).id
    return suggestion_id


def test_a_single_face_photo_after_a_group_photo_shows_its_headshots(
    qtbot: QtBot, window: MainWindow, shoot: tuple[Path, Path]
) -> None:
    group, single = shoot
    window.open_paths([group.parent])  # File > Open folder: the film strip, its first photo
    qtbot.waitUntil(lambda: window.analysed_path == group, timeout=ANALYSIS_TIMEOUT_MS)
    qtbot.waitUntil(window.is_settled, timeout=ANALYSIS_TIMEOUT_MS)
    assert window.filmstrip.isVisible()
    assert_shows_applied_crop(window, "group")
    # The crop a photo opens on is suggestion 1 of its tab (issue 10, item 6).
    assert shown_ids(window)[0] == window.session().state.suggestion_id

    click_filmstrip(qtbot, window, single)
    assert not window.suggestions.suggestions("group")  # one face: the Group tab is empty
    assert_shows_applied_crop(window, "headshot")
    assert shown_ids(window)[0] == window.session().state.suggestion_id

    # Back and forth: each photo shows its own opening crop's tab.
    click_filmstrip(qtbot, window, group)
    assert_shows_applied_crop(window, "group")
    click_filmstrip(qtbot, window, single)
    assert_shows_applied_crop(window, "headshot")

    # A tab picked by hand stays while the photographer stays on the photo, also when the
    # suggestions' checks are redone for a newly ticked preset; the next photo chooses again.
    click_filmstrip(qtbot, window, group)
    click_tab(qtbot, window, "portrait")
    click_preset_box(qtbot, window.preview.picker, "print-8x10")
    qtbot.waitUntil(lambda: "print-8x10" in window.preview.selected_presets(), timeout=2000)
    qtbot.waitUntil(window.is_settled, timeout=ANALYSIS_TIMEOUT_MS)
    assert visible_genre(window) == "portrait"
    click_filmstrip(qtbot, window, single)
    assert_shows_applied_crop(window, "headshot")

    # A crop chosen by hand is saved with the photo: reopening it shows that crop's tab.
    click_tab(qtbot, window, "portrait")
    chosen = click_thumbnail(qtbot, window, "portrait", 1)
    assert window.session().state.suggestion_id == chosen
    with qtbot.waitSignal(window.sidecarWritten, timeout=10000):
        window.sidecar.flush()
    saved = read_sidecar(single)
    assert saved is not None and saved.suggestion_id == chosen
    click_filmstrip(qtbot, window, group)
    assert_shows_applied_crop(window, "group")
    click_filmstrip(qtbot, window, single)
    assert window.session().state.suggestion_id == chosen  # restored from its sidecar
    assert_shows_applied_crop(window, "portrait")


def test_file_open_of_a_single_face_photo_after_a_group_photo(
    qtbot: QtBot, window: MainWindow, shoot: tuple[Path, Path]
) -> None:
    group, single = shoot
    open_and_wait(qtbot, window, group)  # File > Open passes the chosen files here
    assert not window.filmstrip.isVisible()
    assert_shows_applied_crop(window, "group")
    open_and_wait(qtbot, window, single)
    assert_shows_applied_crop(window, "headshot")
    open_and_wait(qtbot, window, group)
    assert_shows_applied_crop(window, "group")


@pytest.mark.parametrize(
    ("genre", "suggestion_id", "expected"),
    [
        ("manual", None, "headshot"),  # a crop edited by hand: the tab of suggestion 1
        ("portrait", "portrait-from-an-older-version", "portrait"),  # the id is gone, its genre not
    ],
)
def test_a_saved_crop_that_is_no_suggestion_shows_a_tab_with_suggestions(
    qtbot: QtBot,
    window: MainWindow,
    shoot: tuple[Path, Path],
    genre: str,
    suggestion_id: str | None,
    expected: str,
) -> None:
    group, single = shoot
    with Image.open(single) as image:
        size = image.size
    saved = CropChoice(
        box=Box(40, 20, 400, 500), aspect=(4, 5), suggestion_id=suggestion_id, genre=genre
    )
    write_sidecar(single, saved, size)
    open_and_wait(qtbot, window, group)
    assert_shows_applied_crop(window, "group")
    open_and_wait(qtbot, window, single)
    session = window.session()
    assert session is not None and session.state.box == saved.box  # the saved crop, kept
    assert visible_genre(window) == expected
    assert shown_ids(window)  # thumbnails, not the tab's "no suggestions" hint
