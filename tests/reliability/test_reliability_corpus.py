"""detect, suggest and export over a corpus of bad, odd and hostile files and names
(tests/reliability/corpus.py): every command exits as it should, says one ``error:`` line per
failure and nothing else alarming (no traceback, no library paths), writes nothing outside --out,
leaves every original byte-identical and no temporary file, writes only complete files, and its
summary is exactly what is on the disk. (README: "What Headroom promises".)"""

from __future__ import annotations

import json
import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.reliability.cli import (
    assert_decodable,
    files_in,
    reported_writes,
    run_cli,
    temp_files,
)
from tests.reliability.corpus import Corpus, make_corpus

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and any-byte names")

PRESETS = ("x-profile", "linkedin-profile")


@pytest.fixture
def corpus(tmp_path: Path, grace_hopper_path: Path, coffee_path: Path) -> Corpus:
    return make_corpus(tmp_path / "corpus", grace_hopper_path, coffee_path)


def _clean_stderr(stderr: str) -> list[str]:
    """The ``error:`` lines; fails on anything a photographer should not see."""
    assert "Traceback" not in stderr, stderr
    assert "site-packages" not in stderr and 'File "' not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def _one_command_per_file(command: str, files: list[Path]) -> None:
    # Two at a time: each run is mostly process start-up, and CI has two cores.
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda path: (path, run_cli([command, path], timeout=120)), files))
    for path, run in runs:
        errors = _clean_stderr(run.stderr)
        if run.returncode == 0:
            assert errors == [], (path, run.stderr)
        else:
            assert run.returncode == 1 and len(errors) == 1, (path, run.returncode, run.stderr)


def test_detect_and_suggest_over_the_corpus(corpus: Corpus, full_run: bool) -> None:
    before = files_in(corpus.folder)
    files = [*corpus.files, corpus.folder / "fifo.jpg", corpus.folder / "loop.jpg"]
    _one_command_per_file("detect", files)
    # suggest does what detect does and more: in the default run, one of each kind of file.
    _one_command_per_file("suggest", files if full_run else files[::4])
    assert files_in(corpus.folder) == before  # nothing written, not even a sidecar


@pytest.mark.parametrize("workers", [1, 2])
def test_export_over_the_corpus(
    corpus: Corpus, tmp_path: Path, workers: int, full_run: bool
) -> None:
    if full_run:  # several times the photos (beside them: a folder is read without subfolders)
        for n in range(2):
            for path in corpus.files:
                shutil.copyfile(path, corpus.folder / f"copy{n}_{path.name}")
    before = files_in(tmp_path)
    out = tmp_path / "out"
    args: list[str | Path] = ["export", corpus.folder, "--out", out, "--workers", str(workers)]
    for preset in PRESETS:
        args += ["--preset", preset]
    run = run_cli(args, timeout=600)
    errors = _clean_stderr(run.stderr)

    summary = run.stdout.strip().splitlines()[-1]
    failed = int(summary.split(" failed")[0].split()[-1])
    assert failed == len(errors) > 0, run.stderr  # the corpus holds broken files
    assert run.returncode == 1
    for line in errors:
        assert str(corpus.folder) in line  # each names its file

    # Nothing outside --out changed: originals byte-identical, no sidecar, no stray file.
    after = files_in(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("out/")} == before
    assert temp_files(out) == []
    on_disk = sorted(os.listdir(out))
    reported = reported_writes(run.stdout)
    assert sorted(w.path.name for w in reported) == on_disk  # the summary is the disk
    assert summary.endswith(f"; {len(on_disk)} files")
    for wrote in reported:
        assert wrote.path.stat().st_size == wrote.bytes
        assert_decodable(wrote.path)
        wrote.path.name.encode("utf-8")  # every name is valid UTF-8

    # The JSON summary tells the same story, into a second folder.
    out2 = tmp_path / "out2"
    again = run_cli([*args[:2], "--out", out2, *args[4:], "--json"], timeout=600)
    data = json.loads(again.stdout)
    assert again.returncode == 1 and len(data["failed"]) == failed
    assert sorted(Path(w["path"]).name for w in data["written"]) == sorted(os.listdir(out2))
    assert sorted(os.listdir(out2)) == on_disk and data["summary"]["files"] == len(on_disk)


@pytest.mark.skipif(sys.platform != "linux", reason="process table from /proc")
def test_export_writes_summary_equal_to_disk_on_a_failure_mid_photo(
    tmp_path: Path, grace_hopper_path: Path
) -> None:
    """A photo whose second file cannot be written (a directory squats its name): the first file
    is complete, kept and reported; the photo is reported failed; the summary is the disk."""
    photo = tmp_path / "p.jpg"
    shutil.copyfile(grace_hopper_path, photo)
    out = tmp_path / "out"
    out.mkdir()
    run = run_cli(["export", photo, "--preset", "x-profile", "--preset", "linkedin-profile",
                   "--out", out, "--json"])  # fmt: skip
    assert run.returncode == 0
    os.unlink(out / "p_linkedin-profile.jpg")
    os.unlink(out / "p_x-profile.jpg")
    # linkedin-profile is written second: its name becomes a folder between check and write.
    (out / "p_linkedin-profile.jpg").mkdir()
    run = run_cli(["export", photo, "--preset", "x-profile", "--preset", "linkedin-profile",
                   "--out", out, "--overwrite", "--json"])  # fmt: skip
    data = json.loads(run.stdout)
    assert run.returncode == 1 and len(_clean_stderr(run.stderr)) == 1
    assert [Path(w["path"]).name for w in data["written"]] == ["p_x-profile.jpg"]
    assert data["summary"] == {"done": 0, "skipped": 0, "failed": 1, "files": 1}
    assert sorted(os.listdir(out)) == ["p_linkedin-profile.jpg", "p_x-profile.jpg"]
    assert (out / "p_linkedin-profile.jpg").is_dir() and temp_files(out) == []
