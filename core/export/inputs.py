"""The files a run reads, which no export ever writes: not by name, not through another name for
the same file (a symlink, a hard link, a different case on a case-insensitive disk), whatever the
template, the folder or ``overwrite`` say."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from core.errors import ExportError
from core.paths import sidecar_path


class InputGuard:
    """Knows the inputs of a run (photos and their sidecars) by resolved path and by inode."""

    def __init__(self, inputs: Iterable[Path]) -> None:
        self._paths: dict[str, Path] = {}
        self._inodes: dict[tuple[int, int], Path] = {}
        for source in inputs:
            self.add(Path(source))

    def add(self, source: Path) -> None:
        for path in (source, sidecar_path(source)):
            self._paths[os.path.normcase(os.path.realpath(path))] = source
            key = _inode(path)
            if key is not None:
                self._inodes[key] = source

    def input_at(self, path: Path) -> Path | None:
        """The input (photo) that ``path`` is, or leads to; None when it is none of them."""
        found = self._paths.get(os.path.normcase(os.path.realpath(path)))
        if found is not None:
            return found
        key = _inode(path)
        return self._inodes.get(key) if key is not None else None

    def refuse(self, path: Path) -> None:
        """ExportError when writing ``path`` would write over an input of the run."""
        source = self.input_at(path)
        if source is not None:
            raise ExportError(
                f"{path} is the input {source.name} (or the same file); an export never writes "
                "over its originals, choose another folder or name"
            )


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if st.st_ino == 0:  # filesystems without inode numbers: the path check is all we have
        return None
    return (st.st_dev, st.st_ino)
