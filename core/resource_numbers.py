"""The tables of numbers in ``resources/*.toml`` that core modules read at import (the reasons
and measurements are written beside the numbers there): one loader, whose errors name the file,
the table and the key instead of a bare ``KeyError``."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from core.errors import ResourceError
from core.paths import resource_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib


class NumberTable(Mapping[str, Any]):
    """One table of a TOML file; a missing key raises ``ResourceError`` naming file and key."""

    def __init__(self, path: Path, name: str, values: Mapping[str, Any]) -> None:
        self.path, self.name, self._values = path, name, dict(values)

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise ResourceError(f"{self.path}: table [{self.name}] has no {key!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def load_table(path: Path, name: str) -> NumberTable:
    """Table ``name`` of the TOML file at ``path``."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ResourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ResourceError(f"{path}: not valid TOML: {exc}") from exc
    table = data.get(name)
    if not isinstance(table, dict):
        raise ResourceError(f"{path}: no table [{name}]")
    return NumberTable(path, name, table)


def resource_table(file: str, name: str) -> NumberTable:
    """Table ``name`` of the bundled ``resources/<file>``."""
    return load_table(resource_path(file), name)
