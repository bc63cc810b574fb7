"""House styles saved by name: ``<user config>/styles/NAME.json`` (one file each, written
atomically), so a style made on one headshot day frames the next."""

from __future__ import annotations

import json
from pathlib import Path

from core.errors import FramingError
from core.export.atomic import replace_atomically
from core.framing.house_style import HouseStyle
from core.paths import user_config_dir


def styles_dir() -> Path:
    return user_config_dir() / "styles"


def _path(name: str, folder: Path | None) -> Path:
    return (folder or styles_dir()) / f"{name}.json"


def save_style(style: HouseStyle, folder: Path | None = None) -> Path:
    """Save ``style`` under its name (replacing a style of the same name); returns the file."""
    path = _path(style.name, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(style.to_json(), indent=2) + "\n").encode("utf-8")
    replace_atomically(path, data)
    return path


def load_style(name: str, folder: Path | None = None) -> HouseStyle:
    """The style saved as ``name``; FramingError naming the known styles when there is none or
    the file is damaged."""
    path = _path(name, folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return HouseStyle.from_json(data)
    except FileNotFoundError:
        known = ", ".join(style_names(folder)) or "none saved yet"
        raise FramingError(f"no house style named {name!r} (saved styles: {known})") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FramingError(f"the house style file {path} is damaged ({exc})") from None


def style_names(folder: Path | None = None) -> list[str]:
    folder = folder or styles_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if not p.name.startswith("."))
