"""Killing an export at several moments loses nothing: no worker outlives the export, no temporary
file survives, every file on the disk is complete, and a SIGTERM stops cleanly with a true summary.
(README: "What Headroom promises".)"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from tests.reliability.cli import (
    alive,
    assert_decodable,
    copy_photos,
    descendants,
    files_in,
    reported_writes,
    run_cli,
    start_cli,
    temp_files,
    wait_until,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads processes from /proc"
)

PRESETS = ("linkedin-profile", "x-profile", "print-8x10")


def _outputs(out: Path) -> list[str]:
    return sorted(n for n in os.listdir(out) if not n.startswith(".")) if out.is_dir() else []


# moment -> when to send the signal: workers just started, the first file is in place, or about
# half of the files are.
MOMENTS = {
    "workers-up": lambda out, total: True,
    "first-file": lambda out, total: len(_outputs(out)) >= 1,
    "half-way": lambda out, total: len(_outputs(out)) >= total // 2,
}


CASES = [
    *((sig, moment) for sig in (signal.SIGKILL, signal.SIGTERM) for moment in MOMENTS),
    (signal.SIGINT, "first-file"),  # Ctrl-C to the export alone: the same clean stop as SIGTERM
]


@pytest.mark.parametrize(
    ("sig", "moment"), CASES, ids=[f"{signal.Signals(s).name}-{m}" for s, m in CASES]
)
def test_killed_export_loses_nothing(
    sig: int, moment: str, face_photos: list[Path], tmp_path: Path, full_run: bool
) -> None:
    photos = copy_photos(face_photos, tmp_path / "photos", copies=4 if full_run else 3)
    originals = files_in(tmp_path / "photos")
    out = tmp_path / "out"
    total = len(photos) * len(PRESETS)
    args: list[str | Path] = ["export", tmp_path / "photos", "--out", out, "--workers", "2"]
    for preset in PRESETS:
        args += ["--preset", preset]
    proc = start_cli(args)
    try:
        seen: set[int] = set()

        def ready() -> bool:
            seen.update(descendants(proc.pid))
            return len(seen) >= 2 and MOMENTS[moment](out, total)

        assert wait_until(ready, 120), f"never reached {moment}: {proc.poll()}"
        seen.update(descendants(proc.pid))
        os.kill(proc.pid, sig)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    # No worker outlives the export (before the fix they went on writing for minutes).
    assert wait_until(lambda: not alive(seen), 20), f"still running: {alive(seen)}"
    settled = files_in(out)
    assert wait_until(lambda: files_in(out) == settled, 1.0, step=0.5)
    assert files_in(out) == settled, "files changed after the export was stopped"

    assert temp_files(out) == []
    for name in _outputs(out):
        assert_decodable(out / name)
    assert files_in(tmp_path / "photos") == originals
    assert "Traceback" not in stderr
    if sig in (signal.SIGTERM, signal.SIGINT):
        # A clean stop, and the summary lists exactly what is on the disk.
        assert proc.returncode == 128 + sig, stderr
        reported = reported_writes(stdout)
        assert sorted(w.path.name for w in reported) == _outputs(out)
        for wrote in reported:
            assert wrote.path.stat().st_size == wrote.bytes


def test_a_later_run_removes_stale_temp_files_of_ours_only(
    tmp_path: Path, face_photos: list[Path]
) -> None:
    """A temporary file left by a killed writer (its process gone, nobody holding its lock) is
    removed by the next export into the folder; a live writer's, or anyone else's file, is kept."""
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    gone_pid = 4_000_000  # above pid_max on Linux: no such process
    stale = out / f".headroom-{gone_pid}-0123456789ab.part"
    stale.write_bytes(b"half a file")
    held = out / f".headroom-{os.getpid()}-abcdefabcdef.part"
    held.write_bytes(b"being written")
    foreign = [out / ".headroom-notes.part", out / "mine.part", out / ".headroom-1-xyz.part"]
    for path in foreign:
        path.write_bytes(b"not ours")
    with open(held, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # a live writer holds its lock
        run = run_cli(["export", face_photos[0], "--preset", "x-profile", "--out", out])
    assert run.returncode == 0, run.stderr
    assert not stale.exists()
    assert held.exists() and all(p.exists() for p in foreign)
