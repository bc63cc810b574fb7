"""Whole-file writes: a temporary file in the destination folder, fsynced, then renamed.

A crash, a full disk or an encoder error leaves either the old state or the complete new file,
never half a file and never a stray temporary file (it is removed on any exception).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from core.errors import ExportError

TEMP_PREFIX = ".headroom-"
TEMP_SUFFIX = ".part"


def temp_path_for(path: Path) -> Path:
    return path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}-{path.name}{TEMP_SUFFIX}")


def replace_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``path``, fsync it, rename it over ``path``.
    Raises OSError; the temporary file never survives an exception."""
    temp = temp_path_for(path)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` to ``path`` atomically; with ``overwrite=False`` refuse an existing file."""
    if not overwrite and path.exists():
        raise ExportError(f"{path} already exists; choose another name or allow overwriting")
    try:
        replace_atomically(path, data)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform/filesystem, and harmless then.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def prepare_out_dir(out_dir: Path) -> Path:
    """The output folder, created when missing if its parent exists; ExportError (before any work)
    when it cannot be used: its parent is missing, it is a file, or it is not writable."""
    out_dir = Path(out_dir).expanduser()
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"output folder {out_dir} is a file, not a folder")
    if not out_dir.exists():
        parent = out_dir.resolve().parent
        if not parent.is_dir():
            raise ExportError(
                f"output folder {out_dir} does not exist and neither does its parent {parent}"
            )
        try:
            out_dir.mkdir()
        except FileExistsError:
            pass
        except OSError as exc:
            raise ExportError(
                f"cannot create output folder {out_dir}: {exc.strerror or exc}"
            ) from None
    _probe_writable(out_dir)
    return out_dir


def _probe_writable(out_dir: Path) -> None:
    # os.access() lies for root and on some network filesystems; creating a file is the real test.
    probe = temp_path_for(out_dir / "probe")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise ExportError(
            f"output folder {out_dir} is not writable: {exc.strerror or exc}"
        ) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        probe.unlink()


#: Where exports of a photo go by default: a folder of this name beside it.
EXPORTS_FOLDER_NAME = "exports"


def default_out_dir(source: Path) -> Path:
    """The output folder to offer for ``source``: ``exports`` beside it, unless the photo's folder
    is read-only (a locked card, a read-only share), then ``Headroom exports`` in the user's
    pictures folder (or home). Only offered, not created."""
    beside = Path(source).parent / EXPORTS_FOLDER_NAME
    if _is_writable_dir(beside if beside.is_dir() else beside.parent):
        return beside
    from core.paths import user_pictures_dir

    pictures = user_pictures_dir()
    return (pictures if pictures.is_dir() else Path.home()) / "Headroom exports"


def _is_writable_dir(folder: Path) -> bool:
    try:
        _probe_writable(folder)
    except ExportError:
        return False
    return True
