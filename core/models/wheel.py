"""Fetching the pinned MediaPipe wheel with ``python -m pip download``.

The store extracts models from that wheel when the official downloads cannot be reached; going
through pip means the user's index URL and proxy settings apply.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from core.models.catalog import WheelSpec
from core.privacy import user_environment


class WheelFetchError(Exception):
    """pip could not provide the wheel (message says why)."""


#: Called with (bytes so far, total bytes or None) while the wheel downloads.
ByteProgress = Callable[[int, int | None], None]

#: Puts the wheel described by the spec into the given folder and returns its path, reporting bytes.
WheelFetcher = Callable[[WheelSpec, Path, ByteProgress], Path]

_PIP_PROGRESS = re.compile(r"^Progress (\d+) of (\d+)\s*$")


def pip_download_wheel(
    wheel: WheelSpec,
    dest_dir: Path,
    on_bytes: ByteProgress | None = None,
    *,
    timeout_s: float = 900.0,
) -> Path:
    """``python -m pip download`` the pinned wheel (no dependencies) into ``dest_dir``.

    Honours the user's pip configuration (index URL, proxy), so it works wherever pip does. Byte
    progress comes from pip's ``--progress-bar raw`` (pip >= 24.1); older pips run without it.
    """
    try:
        return _run_pip_download(wheel, dest_dir, on_bytes, timeout_s, raw_progress=True)
    except _PipRejectedOption:
        return _run_pip_download(wheel, dest_dir, on_bytes, timeout_s, raw_progress=False)


class _PipRejectedOption(Exception):
    pass


def _run_pip_download(
    wheel: WheelSpec,
    dest_dir: Path,
    on_bytes: ByteProgress | None,
    timeout_s: float,
    *,
    raw_progress: bool,
) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--only-binary=:all:",
        "--python-version",
        wheel.python_version,
        "--platform",
        wheel.platform,
        "--no-deps",
        "--disable-pip-version-check",
        "--no-input",
        "--progress-bar",
        "raw" if raw_progress else "off",
        # pip's default of 5 retries with back-off makes an offline machine wait for minutes.
        "--retries",
        "1",
        "--timeout",
        "30",
        wheel.requirement,
        "-d",
        str(dest_dir),
    ]
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # one pipe: no deadlock, and errors keep their order
            text=True,
            errors="replace",
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            env=user_environment(),  # the user's proxies (core.privacy blocks MediaPipe's only)
        )
    except OSError as exc:
        raise WheelFetchError(f"could not run {sys.executable} -m pip: {exc}") from exc
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        proc.kill()

    watchdog = threading.Timer(timeout_s, kill)
    watchdog.daemon = True
    watchdog.start()
    output: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            match = _PIP_PROGRESS.match(line)
            if match is None:
                output.append(line)
                del output[:-200]
            elif on_bytes is not None:
                on_bytes(int(match.group(1)), int(match.group(2)) or None)
        returncode = proc.wait()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = "".join(output)
    if timed_out.is_set():
        raise WheelFetchError(f"pip download timed out after {timeout_s:.0f} s")
    if returncode != 0:
        if raw_progress and "--progress-bar" in text and "invalid choice" in text:
            raise _PipRejectedOption
        raise WheelFetchError(f"pip download failed: {_last_meaningful_line(text)}")
    found = sorted(dest_dir.glob(f"{wheel.package}-{wheel.version}-*.whl"))
    if not found:
        raise WheelFetchError(f"pip download reported success but left no {wheel.package} wheel")
    return found[0]


def _last_meaningful_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("ERROR")]
    chosen = errors[-1] if errors else (lines[-1] if lines else "no output")
    return chosen[:300]
