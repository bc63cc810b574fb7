"""``--screenshot-panel error`` writes its bad file in a private temporary folder and removes it;
a symlink planted under the old fixed name in the temp folder is not followed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.reliability.cli import REPO, cli_env


def test_screenshot_error_panel_uses_a_private_temp_folder(
    tmp_path: Path, grace_hopper_path: Path
) -> None:
    shared_tmp = tmp_path / "tmp"
    shared_tmp.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (shared_tmp / "headroom-not-a-photo.jpg").symlink_to(victim)
    before = sorted(os.listdir(shared_tmp))
    run = subprocess.run(
        [sys.executable, str(REPO / "app.py"), "--screenshot", str(tmp_path / "shot.png"),
         "--screenshot-panel", "error", str(grace_hopper_path)],
        env={**cli_env(), "TMPDIR": str(shared_tmp)}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert victim.read_text() == "precious"
    assert sorted(os.listdir(shared_tmp)) == before  # nothing left behind
    assert (tmp_path / "shot.png").stat().st_size > 0
