"""Running Headroom's command line as a user would, and reading what it did to the disk."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]
TEMP_NAME = re.compile(r"^\.headroom-.*\.part$")
_WROTE = re.compile(r"^wrote (.*) \((\d+) x (\d+), (\d+) bytes\)$")


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def cli(args: Sequence[str | os.PathLike[str] | bytes]) -> list[str | bytes]:
    """The argv of ``python app.py ARGS`` (bytes arguments pass through: names that are not
    UTF-8)."""
    return [sys.executable, str(REPO / "app.py"), *(os.fspath(a) for a in args)]


def run_cli(
    args: Sequence[str | os.PathLike[str] | bytes], *, timeout: float = 240, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli(args),
        cwd=cwd or REPO,
        env=cli_env(),
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
    )


def start_cli(args: Sequence[str | os.PathLike[str] | bytes]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli(args),
        cwd=REPO,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )


@dataclass(frozen=True)
class Wrote:
    path: Path
    width: int
    height: int
    bytes: int


def reported_writes(stdout: str) -> list[Wrote]:
    """The files a run's summary says it wrote."""
    found = []
    for line in stdout.splitlines():
        match = _WROTE.match(line)
        if match:
            path, w, h, size = match.groups()
            found.append(Wrote(Path(path), int(w), int(h), int(size)))
    return found


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name -> sha256), hidden ones included."""
    found: dict[str, bytes] = {}
    for root, _dirs, names in os.walk(os.fsencode(folder)):
        for name in names:
            path = Path(os.fsdecode(os.path.join(root, name)))
            if path.is_symlink() or not path.is_file():
                found[str(path.relative_to(folder))] = b"<not a regular file>"
                continue
            try:
                found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).digest()
            except OSError:
                found[str(path.relative_to(folder))] = b"<unreadable>"
    return found


def temp_files(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if TEMP_NAME.match(name)] if folder.is_dir() else []


def assert_decodable(path: Path) -> None:
    with Image.open(path) as image:
        image.load()


def copy_photos(sources: Sequence[Path], folder: Path, copies: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(copies):
        for source in sources:
            target = folder / f"{n:02d}_{source.name}"
            shutil.copyfile(source, target)
            made.append(target)
    return made


# -- processes ----------------------------------------------------------------------------------


def _ppid_and_state(pid: int) -> tuple[int, str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0]


def descendants(pid: int) -> set[int]:
    """Living processes below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _ppid_and_state(int(entry))
            if info is not None and info[1] != "Z":
                children.setdefault(info[0], []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (zombies count as gone)."""
    living = set()
    for pid in pids:
        info = _ppid_and_state(pid)
        if info is not None and info[1] not in ("Z", "X"):
            living.add(pid)
    return living


def wait_until(condition: object, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(step)
    return bool(condition())  # type: ignore[operator]
