"""A sidecar is checked as a whole before any of it is used; a bad one is ignored with one warning
naming the file, in export, the crop bar and the canvas. Before: Infinity, 1e308, 1e999, a
400-digit integer, an out-of-range subject or 200k-deep nesting raised OverflowError,
RecursionError or IndexError (in export, in the crop bar, and on every canvas paint)."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from core.sidecar import read_sidecar, sidecar_path
from tests import test_ui_app
from tests.reliability.cli import run_cli
from tests.test_ui_app import open_and_wait
from ui.main_window import MainWindow

analyzer, window = test_ui_app.analyzer, test_ui_app.window
SIZE = (512, 600)  # grace_hopper.jpg


def _good() -> dict[str, Any]:
    return {
        "version": 1,
        "photo": {"name": "p.jpg", "width": SIZE[0], "height": SIZE[1]},
        "crop": {"box": [100, 40, 300, 375], "angle_deg": 0.0, "aspect": [4, 5], "subject": 0},
    }


def _with(path: tuple[str, ...], value: Any) -> str:
    data = _good()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(data)


HOSTILE: dict[str, str] = {
    "infinity": _with(("crop", "box"), [100, 40, 300, 375]).replace("300", "Infinity"),
    "nan": _with(("crop", "angle_deg"), 0.0).replace("0.0", "NaN"),
    "1e308-box": _with(("crop", "box"), [1e308, 40, 300, 375]),
    "1e999": _with(("crop", "box"), [100, 40, 300, 375]).replace("375", "1e999"),
    "400-digit-integer": _with(("crop", "box"), [100, 40, 300, 375]).replace("375", "9" * 400),
    "negative-subject": _with(("crop", "subject"), -1),
    "huge-subject": _with(("crop", "subject"), 10**9),
    "deep-nesting": "[" * 200_000 + "]" * 200_000,
    "deep-in-object": _with(("crop", "genre"), None).replace("null", "[" * 50_000 + "]" * 50_000),
    "version-2": _with(("version",), 2),
    "not-an-object": "[1, 2, 3]",
    "box-outside": _with(("crop", "box"), [400, 500, 300, 375]),
    "angle-1e308": _with(("crop", "angle_deg"), 1e308),
    "angle-90": _with(("crop", "angle_deg"), 90),
    "zero-aspect": _with(("crop", "aspect"), [0, 5]),
    "bool-number": _with(("crop", "box"), [True, 40, 300, 375]),
    "text-number": _with(("crop", "box"), ["100", 40, 300, 375]),
    "huge-file": _with(("crop", "genre"), "x" * 100_000),
    "not-json": "{ this is not json",
    "not-utf8": '{"version": 1, "x": "\udcff"}',
    "photo-size-text": _with(("photo", "width"), "512"),
}


@pytest.fixture
def photo(tmp_path: Path, grace_hopper_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    return Path(shutil.copyfile(grace_hopper_path, folder / "p.jpg"))


def _plant(photo: Path, text: str) -> Path:
    path = sidecar_path(photo)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return path


def test_a_good_sidecar_is_read(photo: Path) -> None:
    _plant(photo, json.dumps(_good()))
    choice = read_sidecar(photo, SIZE)
    assert choice is not None and choice.subject == 0 and choice.aspect == (4, 5)


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_bad_sidecar_is_ignored_with_one_warning(
    kind: str, photo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _plant(photo, HOSTILE[kind])
    with caplog.at_level(logging.WARNING, logger="core.sidecar"):
        for _ in range(3):  # a canvas reads it again and again: still one warning
            assert read_sidecar(photo, SIZE) is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert str(path) in warnings[0].getMessage()


def test_export_ignores_a_bad_sidecar(photo: Path, tmp_path: Path) -> None:
    path = _plant(photo, HOSTILE["400-digit-integer"])
    run = run_cli(["export", photo, "--preset", "x-profile", "--out", tmp_path / "out", "--json"])
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.count(path.name) == 1, run.stderr
    written = json.loads(run.stdout)["written"]
    assert len(written) == 1 and (tmp_path / "out" / "p_x-profile.jpg").is_file()


@pytest.mark.parametrize("kind", ["1e308-box", "400-digit-integer", "deep-nesting"])
def test_the_app_opens_a_photo_with_a_bad_sidecar(
    kind: str, qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    _plant(photo, HOSTILE[kind])
    open_and_wait(qtbot, window, photo)
    window.grab()  # the canvas and the crop bar paint
    assert not window.banner.isVisible(), window.banner.text()
    session = window.session()
    assert session is not None and session.state.box.w < 1e6


def test_a_subject_beyond_the_faces_found_is_harmless(
    qtbot: QtBot, window: MainWindow, photo: Path
) -> None:
    """A valid sidecar whose subject is person 7 of a photo where one face is found now."""
    _plant(photo, _with(("crop", "subject"), 7))
    open_and_wait(qtbot, window, photo)
    session = window.session()
    assert session is not None
    session.level_eyes()  # before: IndexError
    window.grab()
    assert not window.banner.isVisible(), window.banner.text()
