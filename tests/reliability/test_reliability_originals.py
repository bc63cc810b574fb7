"""No option, template or folder ever writes over a file that is an input of the run: not by its
name, not through a symlink or a hard link to it, not with --overwrite. (README: "What Headroom
promises".)"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from core.errors import ExportError
from core.export import ExportOptions, export_photo
from core.export.atomic import write_atomic
from core.export.inputs import InputGuard
from core.geometry import Box
from core.presets import load_presets
from tests.reliability.cli import files_in, run_cli, temp_files

PRESET = load_presets().require("linkedin-profile")
CROP = {PRESET.id: (Box(100, 40, 300, 300), 0.0)}


@pytest.fixture
def photo(grace_hopper_path: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    return Path(shutil.copyfile(grace_hopper_path, folder / "photo.jpg"))


def test_cli_overwrite_never_replaces_the_original(photo: Path) -> None:
    """The reported case: --name '{stem}.{ext}' --overwrite --out <the photo's folder>."""
    before = files_in(photo.parent)
    run = run_cli(
        ["export", photo, "--preset", PRESET.id, "--name", "{stem}.{ext}", "--overwrite",
         "--out", photo.parent]
    )  # fmt: skip
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "photo.jpg" in errors[0], run.stderr
    assert "Traceback" not in run.stderr
    assert files_in(photo.parent) == before


def test_batch_never_writes_over_another_photo_of_the_run(
    photo: Path, grace_hopper_path: Path
) -> None:
    """Photo b's output name is photo a's own name: refused before anything is written."""
    other = photo.parent / "photo_linkedin-profile.jpg"
    shutil.copyfile(grace_hopper_path, other)
    before = files_in(photo.parent)
    run = run_cli(["export", photo, other, "--preset", PRESET.id, "--overwrite", "--out",
                   photo.parent])  # fmt: skip
    assert run.returncode == 1
    assert "photo_linkedin-profile.jpg" in run.stderr and "Traceback" not in run.stderr
    assert files_in(photo.parent) == before


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_another_name_for_the_original_is_refused(photo: Path, tmp_path: Path, link: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "photo_linkedin-profile.jpg"
    if link == "symlink":
        target.symlink_to(photo)
    else:
        os.link(photo, target)
    original = photo.read_bytes()
    with pytest.raises(ExportError, match=r"never writes over|outside"):
        export_photo(photo, [PRESET], out, ExportOptions(overwrite=True), CROP)
    assert photo.read_bytes() == original
    assert temp_files(out) == []


def test_sidecar_of_an_input_is_an_input(photo: Path) -> None:
    guard = InputGuard([photo])
    sidecar = photo.with_name(photo.name + ".headroom.json")
    assert guard.input_at(sidecar) == photo
    assert guard.input_at(photo.parent / "elsewhere.jpg") is None


def test_last_moment_check_catches_a_link_made_after_planning(photo: Path, tmp_path: Path) -> None:
    """The name was free when the export was planned, then became a hard link to the original."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "photo_linkedin-profile.jpg"
    os.link(photo, target)
    original = photo.read_bytes()
    with pytest.raises(ExportError, match="never writes over"):
        write_atomic(target, b"not a photo", overwrite=True, inputs=InputGuard([photo]))
    assert photo.read_bytes() == original
