"""File names that are not valid UTF-8 (bytes a camera, an old share or another OS wrote) are
handled end to end: export names them safely, sidecars are kept next to them, and in the app every
such photo opens, is reachable with Next, and is named with U+FFFD where its odd bytes are."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from core.export.naming import output_name
from core.framing.plan import CropChoice
from core.geometry import Box
from core.sidecar import fallback_path, read_sidecar, write_sidecar
from tests import test_ui_app
from tests.reliability.cli import files_in, run_cli, temp_files
from tests.test_ui_app import open_and_wait
from ui.main_window import MainWindow

pytestmark = pytest.mark.skipif(
    sys.platform == "darwin" or os.name == "nt", reason="the filesystem must accept any bytes"
)

analyzer, window = test_ui_app.analyzer, test_ui_app.window
ODD = os.fsdecode(b"caf\xe9 \xff.jpg")  # Latin-1 e-acute and a byte no encoding uses


@pytest.fixture
def odd_folder(tmp_path: Path, grace_hopper_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("a.jpg", ODD, "z.jpg"):
        shutil.copyfile(grace_hopper_path, folder / name)
    return folder


def test_export_of_a_folder_with_a_non_utf8_name(odd_folder: Path, tmp_path: Path) -> None:
    """Before: a traceback in naming stopped the whole folder."""
    out = tmp_path / "out"
    before = files_in(odd_folder)
    run = run_cli(["export", odd_folder, "--preset", "x-profile", "--out", out])
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    names = sorted(os.listdir(out))
    assert names == ["a_x-profile.jpg", "caf\ufffd \ufffd_x-profile.jpg", "z_x-profile.jpg"]
    for name in names:
        name.encode("utf-8")  # every output name is valid UTF-8
        with Image.open(out / name) as image:
            assert image.size == (400, 400)
    assert files_in(odd_folder) == before and temp_files(out) == []
    for command in ("detect", "suggest"):
        run = run_cli([command, odd_folder / ODD])
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr


def test_sidecar_of_a_non_utf8_name(odd_folder: Path) -> None:
    photo = odd_folder / ODD
    choice = CropChoice(Box(100, 50, 300, 300))
    where = write_sidecar(photo, choice, (512, 600))
    assert where.name == ODD + ".headroom.json"
    again = read_sidecar(photo, (512, 600))
    assert again is not None and again.box == choice.box
    assert fallback_path(photo).name.endswith(ODD + ".headroom.json")


def test_long_stems_are_shortened_predictably() -> None:
    long_stem = "portrait " * 40
    name = output_name("{stem}_{preset}.{ext}", stem=long_stem, preset="x-profile", width=1,
                       height=1, ext="jpg", index=1)  # fmt: skip
    assert len(name.encode()) <= 255 and name.endswith("_x-profile.jpg")
    assert name == output_name("{stem}_{preset}.{ext}", stem=long_stem, preset="x-profile",
                               width=1, height=1, ext="jpg", index=1)  # fmt: skip
    other = output_name("{stem}_{preset}.{ext}", stem=long_stem + "2", preset="x-profile",
                        width=1, height=1, ext="jpg", index=1)  # fmt: skip
    assert other != name  # the hash of the whole stem tells them apart


@pytest.mark.parametrize("length", [233, 240, 255])
def test_a_name_near_the_limit_is_written(
    length: int, grace_hopper_path: Path, tmp_path: Path
) -> None:
    """Before: 233-255 byte names passed the check and failed at write time (the temporary name
    added 23 bytes)."""
    folder = tmp_path / "photos"
    folder.mkdir()
    stem = "s" * (length - len("_x-profile.jpg"))
    photo = folder / (stem[: 255 - 4] + ".jpg")
    shutil.copyfile(grace_hopper_path, photo)
    out = tmp_path / "out"
    run = run_cli(["export", photo, "--preset", "x-profile", "--out", out, "--name",
                   "{stem}_{preset}.{ext}"])  # fmt: skip
    assert run.returncode == 0, run.stderr
    (written,) = os.listdir(out)
    assert len(written.encode()) <= 255 and written.endswith("_x-profile.jpg")
    assert temp_files(out) == []


def test_app_opens_and_steps_through_a_non_utf8_name(
    qtbot: QtBot, window: MainWindow, odd_folder: Path
) -> None:
    """Before: "the file does not exist", a background sidecar error in a banner, and Next looping
    back to the first photo."""
    first, odd, last = (odd_folder / n for n in ("a.jpg", ODD, "z.jpg"))
    window.open_paths([odd_folder])
    qtbot.waitUntil(lambda: window.analysed_path == first, timeout=60000)
    shown = [window.filmstrip.item(i).text() for i in range(window.filmstrip.count())]
    assert shown == ["a.jpg", "caf\ufffd \ufffd.jpg", "z.jpg"]
    for expected in (odd, last):
        window.next_photo()
        qtbot.waitUntil(lambda e=expected: window.analysed_path == e, timeout=60000)
        qtbot.waitUntil(window.is_settled, timeout=60000)
        assert not window.banner.isVisible(), window.banner.text()
        assert window.shown_path() == expected
    window.filmstrip.set_current_path(odd)
    window.open_paths([odd])
    open_and_wait(qtbot, window, odd)
    assert "caf\ufffd \ufffd.jpg" in window.windowTitle()
    assert not window.banner.isVisible()
