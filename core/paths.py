"""Where Headroom's own files live: bundled resources, the user cache and the user config folder,
and the crop sidecar next to a photo."""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs

APP_NAME = "Headroom"

#: Bundled data files (presets, framing rules, guides, stylesheets). The project is installed in
#: editable mode (see README), so this is the repository's ``resources/`` folder.
RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"


#: Bytes of a file name that are not valid UTF-8 reach Python as lone surrogates (PEP 383); a
#: name may also hold control characters (a newline) that would break a line of output.
_UNSHOWABLE = re.compile("[\ud800-\udfff\x00-\x1f\x7f]")


def display_text(text: str) -> str:
    """``text`` (a file name, a path, a message naming one) with every byte that is not valid
    UTF-8 and every control character shown as U+FFFD. Qt silently drops undecodable characters,
    encoders refuse them, and a newline would split a message; the path itself is kept as is
    wherever the file is opened."""
    return _UNSHOWABLE.sub("\ufffd", text)


def resource_path(*parts: str) -> Path:
    return RESOURCES_DIR.joinpath(*parts)


def user_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_pictures_dir() -> Path:
    return Path(platformdirs.user_pictures_dir())


#: A photo's crop sidecar is the photo's name plus this (``core.sidecar`` reads and writes it).
SIDECAR_SUFFIX = ".headroom.json"


def sidecar_path(photo: Path) -> Path:
    """Where the sidecar for ``photo`` lives next to it."""
    photo = Path(photo)
    return photo.with_name(photo.name + SIDECAR_SUFFIX)
