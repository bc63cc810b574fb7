"""Nothing leaves the machine: detection and suggestions make no network request and no DNS query
(MediaPipe's usage logging to play.googleapis.com is blocked, see core/privacy.py), and they work
with no network at all. (README: "What Headroom promises".)"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core import privacy
from tests.reliability.cli import REPO, cli, cli_env

_CONNECT = re.compile(r"connect\(\d+, \{sa_family=AF_INET6?, sin6?_port=htons\((\d+)\), (.*?)\}")


def _strace(args: list[str | Path], tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed")
    log = tmp_path / "strace.txt"
    run = subprocess.run(
        ["strace", "-f", "-qq", "-s", "256", "-e", "trace=connect,sendto,sendmmsg", "-o", str(log),
         *cli(args)],
        env=cli_env(), capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    if run.returncode != 0 and "ptrace" in run.stderr:
        pytest.skip(f"strace cannot trace here: {run.stderr.strip()}")
    return run, log.read_text(errors="replace")


@pytest.mark.parametrize("command", ["detect", "suggest"])
def test_no_dns_query_and_no_connection_leaves_the_machine(
    command: str, grace_hopper_path: Path, tmp_path: Path
) -> None:
    run, trace = _strace([command, grace_hopper_path], tmp_path)
    assert run.returncode == 0, run.stderr
    assert "googleapis" not in trace  # before: one DNS query per MediaPipe task
    for port, address in _CONNECT.findall(trace):
        assert "127.0.0.1" in address or "::1" in address, f"connect to {address} port {port}"


def test_detect_and_suggest_work_with_no_network(grace_hopper_path: Path) -> None:
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    if shutil.which("unshare") is None or probe.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {probe.stderr.strip()}")
    for command in ("detect", "suggest"):
        run = subprocess.run(
            ["unshare", "-n", *cli([command, grace_hopper_path])],
            env=cli_env(), capture_output=True, text=True, timeout=240,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
        assert "1 face" in run.stdout or command == "suggest"


def test_our_own_downloads_keep_the_users_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(privacy, "_user_variables", {})
    # Every variable it touches is set through monkeypatch first, so all are restored afterwards.
    for name in ("https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY", "HEADROOM_USER_PROXY_ENV"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    monkeypatch.setenv("no_proxy", "intranet.example")
    monkeypatch.delenv("HTTPS_PROXY")
    monkeypatch.delenv("NO_PROXY")
    monkeypatch.delenv("HEADROOM_USER_PROXY_ENV")
    privacy.keep_mediapipe_offline()
    assert os.environ["https_proxy"] == privacy.BLOCKED_PROXY
    assert "no_proxy" not in os.environ
    env = privacy.user_environment()
    assert env["https_proxy"] == "http://proxy.example:3128"
    assert env["no_proxy"] == "intranet.example"
    assert "HTTPS_PROXY" not in env
    handlers = [h for h in privacy.download_opener().handlers if hasattr(h, "proxies")]
    assert handlers and handlers[0].proxies["https"] == "http://proxy.example:3128"
    # A worker process started from here inherits the block and still knows the user's proxies.
    child = subprocess.run(
        [sys.executable, "-c",
         "from core import privacy; privacy.keep_mediapipe_offline(); import os, json; "
         "print(json.dumps([os.environ['https_proxy'], privacy.user_proxies().get('https')]))"],
        env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(child.stdout) == [privacy.BLOCKED_PROXY, "http://proxy.example:3128"]
