"""FilmStrip: a real folder of photos and one corrupt file; thumbnails decode in the background."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.framing.plan import CropChoice
from core.geometry import Box
from core.paths import resource_path
from core.sidecar import write_sidecar
from ui.filmstrip import THUMB_SIDE, FilmStrip, ThumbState
from ui.tasks import TaskRunner

SCREENSHOTS = Path(__file__).resolve().parent.parent / "out" / "screenshots"


@pytest.fixture
def photo_folder(
    tmp_path: Path, astronaut_path: Path, camera_path: Path, grace_hopper_path: Path
) -> Path:
    folder = tmp_path / "shoot"
    folder.mkdir()
    shutil.copy(astronaut_path, folder / "a_astronaut.png")
    shutil.copy(camera_path, folder / "b_camera.png")
    shutil.copy(grace_hopper_path, folder / "c_hopper.jpg")
    # Starts like a JPEG, then garbage: passes the extension check, fails to decode.
    (folder / "d_corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 40)
    (folder / "notes.txt").write_text("not a photo")
    return folder


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def _wait_loaded(qtbot, strip: FilmStrip) -> None:
    qtbot.waitUntil(lambda: not strip.is_loading(), timeout=30000)


def test_folder_thumbnails_broken_icon_and_navigation(qtbot, runner, photo_folder: Path) -> None:
    photos = sorted(p for p in photo_folder.iterdir() if p.suffix != ".txt")
    write_sidecar(photos[1], CropChoice(box=Box(10, 10, 200, 200), aspect=(1, 1)), (512, 512))

    strip = FilmStrip(runner)
    qtbot.addWidget(strip)
    strip.resize(760, strip.height())
    strip.set_folder(photo_folder)

    assert strip.paths() == photos  # the text file is not listed, the corrupt .jpg is
    assert strip.count() == 4
    assert strip.current_path() is None
    assert all(strip.thumbnail_state(p) is ThumbState.LOADING for p in photos)
    _wait_loaded(qtbot, strip)

    for good in photos[:3]:
        assert strip.thumbnail_state(good) is ThumbState.READY
        image = strip.thumbnail_image(good)
        assert image is not None
        assert max(image.width(), image.height()) == THUMB_SIDE
    corrupt = photos[3]
    assert strip.thumbnail_state(corrupt) is ThumbState.BROKEN
    assert strip.thumbnail_image(corrupt) is None
    assert "Cannot show this file" in strip.item(3).toolTip()
    assert strip.is_marked(photos[1]) and not strip.is_marked(photos[0])

    activated: list[Path] = []
    strip.photoActivated.connect(activated.append)
    strip.select_next()  # nothing selected yet: the first photo
    strip.select_next()
    strip.select_previous()
    assert activated == [photos[0], photos[1], photos[0]]
    strip.select_previous()  # already first: stays, emits nothing
    assert activated == [photos[0], photos[1], photos[0]]
    assert strip.current_path() == photos[0]

    strip.setFocus()
    qtbot.keyClick(strip, Qt.Key.Key_Right)
    qtbot.keyClick(strip, Qt.Key.Key_PageDown)
    qtbot.keyClick(strip, Qt.Key.Key_PageUp)
    assert activated[3:] == [photos[1], photos[2], photos[1]]

    strip.set_current_path(photos[3])  # silent: the caller already shows that photo
    assert strip.current_path() == photos[3]
    assert len(activated) == 6

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    strip.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))
    strip.show()
    assert strip.grab().save(str(SCREENSHOTS / "filmstrip.png"))


def test_refill_drops_stale_thumbnails(qtbot, runner, photo_folder: Path) -> None:
    photos = sorted(p for p in photo_folder.iterdir() if p.suffix != ".txt")
    strip = FilmStrip(runner)
    qtbot.addWidget(strip)
    strip.set_paths(photos)
    strip.set_paths(photos[:2])  # refilled before the first loads finished
    assert strip.paths() == photos[:2]
    _wait_loaded(qtbot, strip)
    runner.wait_idle(30000)
    assert [strip.thumbnail_state(p) for p in photos[:2]] == [ThumbState.READY] * 2
    assert strip.count() == 2
