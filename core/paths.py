"""Where Headroom's own files live: bundled resources, the user cache and the user config folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "Headroom"

#: Bundled data files (presets, framing rules, guides, stylesheets). The project is installed in
#: editable mode (see README), so this is the repository's ``resources/`` folder.
RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return RESOURCES_DIR.joinpath(*parts)


def user_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_pictures_dir() -> Path:
    return Path(platformdirs.user_pictures_dir())
