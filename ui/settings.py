"""What the desktop app remembers between runs, typed, on top of QSettings.

The app passes one ``QSettings`` around; tests and ``--screenshot`` give it an INI file in a
temporary folder so they never read or change a photographer's own settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from core.guides import GUIDE_MODES, GuideSettings, guide_config

MAX_RECENT = 10


def settings_at(path: Path) -> QSettings:
    """Settings stored in the INI file ``path`` (tests, screenshots)."""
    return QSettings(str(path), QSettings.Format.IniFormat)


def _as_list(value: Any) -> list[str]:
    # QSettings hands back a str for one-element lists and None for empty ones (INI backend).
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _as_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class AppSettings:
    def __init__(self, qsettings: QSettings) -> None:
        self.qsettings = qsettings

    # -- recent files ----------------------------------------------------------------------------
    def recent_paths(self) -> list[Path]:
        return [Path(p) for p in _as_list(self.qsettings.value("recent/paths"))]

    def add_recent(self, path: Path) -> list[Path]:
        text = str(path)
        paths = [text, *(p for p in _as_list(self.qsettings.value("recent/paths")) if p != text)]
        self.qsettings.setValue("recent/paths", paths[:MAX_RECENT])
        return [Path(p) for p in paths[:MAX_RECENT]]

    def clear_recent(self) -> None:
        self.qsettings.remove("recent/paths")

    # -- guides -------------------------------------------------------------------------------
    def guide_settings(self, known_kinds: Sequence[str]) -> GuideSettings:
        q = self.qsettings
        config = guide_config()
        stored = q.value("guides/enabled")
        enabled = config.default if stored is None else _as_list(stored)
        stored_mode = str(q.value("guides/mode", config.default_mode))
        mode = next((m for m in GUIDE_MODES if m == stored_mode), config.default_mode)
        low, high = config.grid_range
        grid = _as_int(q.value("guides/grid"), config.grid_divisions)
        rule = q.value("guides/id_rule")
        return GuideSettings(
            enabled=frozenset(k for k in enabled if k in known_kinds),
            orientation=_as_int(q.value("guides/orientation", 0), 0) % config.orientations,
            mode=mode,
            grid_divisions=max(low, min(high, grid)),
            id_rule=str(rule) if rule else None,
        )

    def set_guide_settings(self, settings: GuideSettings) -> None:
        q = self.qsettings
        # An explicit marker for "none": an empty list reads back as "never set" from INI files.
        q.setValue("guides/enabled", sorted(settings.enabled) or "")
        q.setValue("guides/orientation", settings.orientation)
        q.setValue("guides/mode", settings.mode)
        q.setValue("guides/grid", settings.grid_divisions)
        q.setValue("guides/id_rule", settings.id_rule or "")

    # -- presets and view ------------------------------------------------------------------------
    def selected_presets(self) -> list[str] | None:
        stored = self.qsettings.value("presets/selected")
        return None if stored is None else _as_list(stored)

    def set_selected_presets(self, ids: Sequence[str]) -> None:
        self.qsettings.setValue("presets/selected", list(ids) or "")

    def suggestion_tab(self) -> str:
        return str(self.qsettings.value("view/suggestion_tab", "headshot"))

    def set_suggestion_tab(self, genre: str) -> None:
        self.qsettings.setValue("view/suggestion_tab", genre)

    def last_folder(self) -> Path | None:
        value = self.qsettings.value("recent/last_folder")
        return Path(str(value)) if value else None

    def set_last_folder(self, folder: Path) -> None:
        self.qsettings.setValue("recent/last_folder", str(folder))

    # -- window layout -------------------------------------------------------------------------
    def layout_bytes(self, name: str) -> QByteArray | None:
        value = self.qsettings.value(f"window/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_layout_bytes(self, name: str, data: QByteArray) -> None:
        self.qsettings.setValue(f"window/{name}", data)

    def sync(self) -> None:
        self.qsettings.sync()
