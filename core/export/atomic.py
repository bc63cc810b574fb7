"""Whole-file writes: a temporary file in the destination folder, fsynced, then moved into place.

A crash, a full disk or an encoder error leaves either the old state or the complete new file,
never half a file: the temporary file is removed on any exception, on SIGTERM (see
``core.workers``), and a later run into the same folder removes temporary files of ours that no
live process holds (``remove_stale_temps``; a writer holds an exclusive ``flock`` on its temporary
file until it is in place).

Without ``overwrite`` the last step refuses atomically to replace an existing file: the kernel does
the check and the move in one step (``renameat2(RENAME_NOREPLACE)`` on Linux, ``renamex_np
(RENAME_EXCL)`` on macOS, else ``link`` then ``unlink``), so a second export writing the same name
at the same moment gets a clash instead of silently replacing the first one's file.

Temporary names are short and fixed in length (``.headroom-<pid>-<random>.part``), so the longest
name an export creates is its final name (see ``core.export.naming``).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ExportError

if TYPE_CHECKING:
    from core.export.inputs import InputGuard

try:  # POSIX: the lock that says "a live process is writing this temporary file"
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

TEMP_PREFIX = ".headroom-"
TEMP_SUFFIX = ".part"
#: ``.headroom-<pid>-<12 hex>.part``: what ``remove_stale_temps`` may remove, nothing else.
TEMP_PATTERN = re.compile(r"^\.headroom-(\d+)-[0-9a-f]{12}\.part$")
#: The longest temporary name: pid up to 10 digits.
TEMP_NAME_MAX_BYTES = len(TEMP_PREFIX) + 10 + 1 + 12 + len(TEMP_SUFFIX)


class ClashError(ExportError):
    """The final name appeared while the file was being written (another run, another program);
    the existing file was kept and nothing was replaced."""


# Temporary files this process is writing right now: removed by ``remove_live_temps`` when a
# signal stops the process in the middle of a write.
_LIVE: set[Path] = set()
_LIVE_LOCK = threading.Lock()


def temp_path_for(path: Path) -> Path:
    return path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}{TEMP_SUFFIX}")


def remove_live_temps() -> None:
    """Remove the temporary files this process is writing (called when it is being stopped)."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for temp in live:
        with contextlib.suppress(OSError):
            os.unlink(temp)


@contextlib.contextmanager
def _temp_file(path: Path, data: bytes) -> Iterator[Path]:
    """A complete, fsynced temporary copy of ``data`` next to ``path``, locked while in use and
    removed afterwards unless the caller moved it into place."""
    temp = temp_path_for(path)
    with _LIVE_LOCK:
        _LIVE.add(temp)
    fd = -1
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        if fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        yield temp
    finally:
        try:
            with contextlib.suppress(OSError):
                os.unlink(temp)  # gone already when it was moved into place
            if fd >= 0:
                os.close(fd)
        finally:
            with _LIVE_LOCK:
                _LIVE.discard(temp)


def replace_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``path``, fsync it, rename it over ``path``.
    Raises OSError; the temporary file never survives an exception."""
    with _temp_file(path, data) as temp:
        os.replace(temp, path)
    _fsync_dir(path.parent)


def create_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` only if no file of that name exists at the moment it is moved
    into place (checked by the kernel in the same step). ClashError when one does; OSError for
    other failures. The temporary file never survives."""
    with _temp_file(path, data) as temp:
        _move_no_replace(temp, path)
    _fsync_dir(path.parent)


def write_atomic(
    path: Path, data: bytes, *, overwrite: bool, inputs: InputGuard | None = None
) -> None:
    """Write ``data`` to ``path`` atomically; with ``overwrite=False`` refuse an existing file,
    also one that appears while this file is being written. ``inputs``: files never to write over,
    checked again at the last moment (the name may have been made a link to one meanwhile)."""
    if not overwrite and os.path.lexists(path):
        raise ClashError(f"{path} already exists; choose another name or allow overwriting")
    try:
        if overwrite:
            if inputs is not None:
                inputs.refuse(path)
            replace_atomically(path, data)
        else:
            create_atomically(path, data)
    except ClashError:
        raise
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _clash(path: Path) -> ClashError:
    return ClashError(
        f"{path} appeared while it was being written (another export or program); "
        "kept it, nothing was replaced"
    )


# errno values that mean "this filesystem or kernel cannot do that", so try the next way.
_UNSUPPORTED = {
    errno.ENOSYS,
    errno.EINVAL,
    errno.ENOTSUP,
    errno.EOPNOTSUPP,
    errno.EPERM,
    errno.EXDEV,
    errno.EMLINK,
}


def _move_no_replace(temp: Path, path: Path) -> None:
    if _rename_no_replace(temp, path):
        return
    try:
        os.link(temp, path)
    except FileExistsError:
        raise _clash(path) from None
    except OSError as exc:
        if exc.errno not in _UNSUPPORTED:
            raise
        # No hard links here (FAT, some network shares): check, then rename. Not atomic; the
        # only way left on such a filesystem.
        if os.path.lexists(path):
            raise _clash(path) from None
        os.rename(temp, path)
        return
    os.unlink(temp)


_RENAME_FN: object = None


def _rename_no_replace(temp: Path, path: Path) -> bool:
    """Rename refusing to replace, in one kernel step. True when done; False when this platform or
    filesystem cannot; ClashError when ``path`` exists."""
    global _RENAME_FN
    if _RENAME_FN is None:
        _RENAME_FN = _load_rename_fn() or False
    if _RENAME_FN is False:
        return False
    src, dst = os.fsencode(temp), os.fsencode(path)
    if sys.platform == "darwin":
        result = _RENAME_FN(src, dst, 0x00000004)  # type: ignore[operator]  # RENAME_EXCL
    else:
        at_fdcwd, rename_noreplace = -100, 1
        result = _RENAME_FN(at_fdcwd, src, at_fdcwd, dst, rename_noreplace)  # type: ignore[operator]
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err == errno.EEXIST:
        raise _clash(path)
    if err in _UNSUPPORTED:
        return False
    raise OSError(err, os.strerror(err), str(path))


def _load_rename_fn() -> object:
    if sys.platform.startswith("linux"):
        name = "renameat2"
    elif sys.platform == "darwin":
        name = "renamex_np"
    else:
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = getattr(libc, name)
    except (OSError, AttributeError):  # an old libc: fall back to link + unlink
        return None
    if name == "renameat2":
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    else:
        fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove temporary files of ours (``TEMP_PATTERN``) in ``folder`` that no live process holds:
    left by a process killed in the middle of a write. Returns what was removed."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = TEMP_PATTERN.match(name)
        if match is None:
            continue
        path = Path(folder) / name
        if _held_by_live_writer(path, int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed.append(path)
    return removed


def _held_by_live_writer(path: Path, pid: int) -> bool:
    if path in _LIVE:
        return True
    if fcntl is None:  # pragma: no cover - Windows: the pid is all there is
        return _pid_alive(pid)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True  # not ours to judge (a symlink, gone, unreadable)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True  # a writer holds it
    else:
        # Unlocked: stale, unless its process lives and it is brand new (created, not yet locked).
        fresh = time.time() - os.fstat(fd).st_mtime < _FRESH_SECONDS
        return fresh and _pid_alive(pid)
    finally:
        os.close(fd)


_FRESH_SECONDS = 30.0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


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
    remove_stale_temps(out_dir)
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
