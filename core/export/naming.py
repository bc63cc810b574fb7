"""Output file names from a template, kept inside the output folder."""

from __future__ import annotations

import re
import string
from pathlib import Path

from core.errors import ExportError

FIELDS = ("stem", "preset", "width", "height", "ext", "index")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
_MAX_NAME_BYTES = 255


def sanitise(value: str) -> str:
    """A field value safe inside a file name: no separators, control or reserved characters, no
    leading dots (hidden files, ``..``)."""
    cleaned = _UNSAFE.sub("_", value).strip().lstrip(".")
    return cleaned or "_"


def check_template(template: str) -> None:
    """Reject templates that could not give a plain file name in the output folder."""
    if not template.strip():
        raise ExportError("the file name template is empty")
    if "/" in template or "\\" in template:
        raise ExportError(f"file name template {template!r} contains a path separator")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ExportError(f"file name template {template!r} is not valid ({exc})") from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in FIELDS:
            raise ExportError(
                f"file name template {template!r}: unknown field {{{field}}}; "
                f"use {', '.join('{' + f + '}' for f in FIELDS)}"
            )
        if conversion or (spec and not re.fullmatch(r"0?\d{1,2}d?", spec)):
            raise ExportError(
                f"file name template {template!r}: only plain fields like {{index:03d}}"
            )


def output_name(
    template: str, *, stem: str, preset: str, width: int, height: int, ext: str, index: int
) -> str:
    """The file name the template gives; ExportError when it is empty or would leave the folder."""
    check_template(template)
    try:
        name = template.format(
            stem=sanitise(stem),
            preset=sanitise(preset),
            width=width,
            height=height,
            ext=sanitise(ext),
            index=index,
        )
    except (ValueError, KeyError, IndexError) as exc:
        raise ExportError(f"file name template {template!r} cannot be filled ({exc})") from None
    if not name.strip() or name in (".", "..") or name.startswith(".."):
        raise ExportError(f"file name template {template!r} gives an unusable name {name!r}")
    if "/" in name or "\\" in name or "\x00" in name or Path(name).is_absolute():
        raise ExportError(f"file name template {template!r} gives {name!r}, outside the folder")
    if len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        raise ExportError(f"file name template {template!r} gives a name longer than 255 bytes")
    return name


def output_path(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, verified to stay directly inside ``out_dir``."""
    path = out_dir / name
    if path.resolve().parent != out_dir.resolve():
        raise ExportError(f"output name {name!r} would be written outside {out_dir}")
    return path
