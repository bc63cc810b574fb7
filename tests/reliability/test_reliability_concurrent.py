"""Nothing is replaced without --overwrite, even by a second export writing the same names at the
same moment: the kernel refuses the replace in the same step as the move, the run that lost
reports a clash, and each run's summary is what it put on the disk. (README: "What Headroom
promises".)"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import core.export.atomic as atomic
from core.export import ExportOptions, PhotoExportFailed, export_photo
from core.export.atomic import ClashError, create_atomically, write_atomic
from core.geometry import Box
from core.presets import load_presets
from tests.reliability.cli import (
    assert_decodable,
    copy_photos,
    files_in,
    reported_writes,
    start_cli,
    temp_files,
)

BOOK = load_presets()


def test_a_file_that_appears_during_the_write_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program creates the name between the up-front check and the final move."""
    target = tmp_path / "out.jpg"
    real_temp_file = atomic._temp_file

    def other_program_writes_first(path: Path, data: bytes):  # type: ignore[no-untyped-def]
        target.write_bytes(b"the other run's pixels")
        return real_temp_file(path, data)

    monkeypatch.setattr(atomic, "_temp_file", other_program_writes_first)
    with pytest.raises(ClashError):
        write_atomic(target, b"ours", overwrite=False)
    assert target.read_bytes() == b"the other run's pixels"
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("way", ["renameat2", "link", "check-then-rename"])
def test_every_no_replace_way_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, way: str
) -> None:
    if way != "renameat2":
        monkeypatch.setattr(atomic, "_RENAME_FN", False)
    if way == "check-then-rename":

        def no_links(src: object, dst: object) -> None:
            raise OSError(1, "Operation not permitted")

        monkeypatch.setattr(atomic.os, "link", no_links)
    target = tmp_path / "a.jpg"
    create_atomically(target, b"first")
    with pytest.raises(ClashError):
        create_atomically(target, b"second")
    assert target.read_bytes() == b"first"
    assert sorted(os.listdir(tmp_path)) == ["a.jpg"]


def test_clash_after_some_files_reports_them(
    grace_hopper_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photo that clashes on its second preset: the first file is complete, kept and reported."""
    presets = [BOOK.require("linkedin-profile"), BOOK.require("x-profile")]
    crops = {p.id: (Box(100, 40, 300, 300), 0.0) for p in presets}
    out = tmp_path / "out"
    out.mkdir()
    real_temp_file = atomic._temp_file

    def second_name_taken(path: Path, data: bytes):  # type: ignore[no-untyped-def]
        if "x-profile" in path.name:
            path.write_bytes(b"someone else's")
        return real_temp_file(path, data)

    monkeypatch.setattr(atomic, "_temp_file", second_name_taken)
    with pytest.raises(PhotoExportFailed) as info:
        export_photo(grace_hopper_path, presets, out, ExportOptions(), crops)
    assert [w.path.name for w in info.value.written] == ["grace_hopper_linkedin-profile.jpg"]
    assert (out / "grace_hopper_x-profile.jpg").read_bytes() == b"someone else's"


def test_two_exports_at_once_never_replace_each_other(
    face_photos: list[Path], tmp_path: Path, full_run: bool
) -> None:
    """Two real runs into one folder with the same names and different quality (so their files
    differ): every file is claimed by exactly one run and holds that run's bytes."""
    photos = tmp_path / "photos"
    copy_photos(face_photos, photos, copies=2)
    out = tmp_path / "out"
    out.mkdir()
    for trial in range(4 if full_run else 1):
        for name in os.listdir(out):
            os.unlink(out / name)
        runs = [
            start_cli(["export", photos, "--out", out, "--preset", "linkedin-profile",
                       "--preset", "x-profile", "--workers", "1", "--quality", quality])
            for quality in ("90", "60")
        ]  # fmt: skip
        results = [run.communicate(timeout=240) for run in runs]
        claims: dict[str, int] = {}
        for (stdout, stderr), run in zip(results, runs, strict=True):
            assert "Traceback" not in stderr
            errors = [line for line in stderr.splitlines() if line.startswith("error:")]
            failed = int(stdout.strip().splitlines()[-1].split(" failed")[0].split()[-1])
            assert len(errors) == failed, stderr
            assert run.returncode == (1 if failed else 0), (trial, stderr)
            for wrote in reported_writes(stdout):
                assert wrote.path.name not in claims, f"both runs claim {wrote.path.name}"
                claims[wrote.path.name] = wrote.bytes
        on_disk = {n: (out / n).stat().st_size for n in files_in(out)}
        assert on_disk == claims, trial
        assert temp_files(out) == []
        for name in on_disk:
            assert_decodable(out / name)


def test_losing_run_exits_with_a_clash(grace_hopper_path: Path, tmp_path: Path) -> None:
    """The up-front check already sees the other run's file: one error line, nothing replaced."""
    out = tmp_path / "out"
    out.mkdir()
    photo = tmp_path / "p.jpg"
    shutil.copyfile(grace_hopper_path, photo)
    (out / "p_linkedin-profile.jpg").write_bytes(b"first run")
    from tests.reliability.cli import run_cli

    run = run_cli(["export", photo, "--preset", "linkedin-profile", "--out", out])
    assert run.returncode == 1
    assert [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert (out / "p_linkedin-profile.jpg").read_bytes() == b"first run"
