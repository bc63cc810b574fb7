"""Output file names from a template, kept inside the output folder.

Names are valid UTF-8 whatever the photo's own name: bytes that are not UTF-8 (kept by Python as
lone surrogates) become U+FFFD. A name never exceeds 255 bytes, the limit of common filesystems;
the temporary file an export writes first has a short fixed-size name (``core.export.atomic``), so
the final name is the longest one created. A stem that would make the name too long is shortened
predictably: cut at a character boundary and marked with ``~`` and 8 hex digits of the whole
stem's hash, so two long stems that share a beginning still get different names.
"""

from __future__ import annotations

import hashlib
import re
import string
from pathlib import Path

from core.errors import ExportError
from core.export.atomic import TEMP_NAME_MAX_BYTES
from core.paths import display_text

FIELDS = ("stem", "preset", "width", "height", "ext", "index")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
_MAX_NAME_BYTES = 255
assert TEMP_NAME_MAX_BYTES < _MAX_NAME_BYTES


def sanitise(value: str) -> str:
    """A field value safe inside a file name: valid UTF-8, no separators, control or reserved
    characters, no leading dots (hidden files, ``..``)."""
    cleaned = display_text(_UNSAFE.sub("_", value)).strip().lstrip(".")
    return cleaned or "_"


def name_bytes(name: str) -> int:
    return len(name.encode("utf-8", "surrogateescape"))


def shorten_stem(stem: str, by_bytes: int) -> str:
    """``stem`` at least ``by_bytes`` bytes shorter (UTF-8), marked ``~<8 hex>`` from its hash."""
    marker = "~" + hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    keep = max(0, len(stem.encode("utf-8")) - by_bytes - len(marker))
    cut = stem.encode("utf-8")[:keep].decode("utf-8", "ignore").rstrip()
    return (cut or "_") + marker


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
    fields: dict[str, str | int] = {
        "stem": sanitise(stem),
        "preset": sanitise(preset),
        "width": width,
        "height": height,
        "ext": sanitise(ext),
        "index": index,
    }
    name = _fill(template, fields)
    uses = sum(
        1 for _lit, field, _spec, _conv in string.Formatter().parse(template) if field == "stem"
    )
    if name_bytes(name) > _MAX_NAME_BYTES and uses:
        over = name_bytes(name) - _MAX_NAME_BYTES
        fields["stem"] = shorten_stem(str(fields["stem"]), -(-over // uses))
        name = _fill(template, fields)
    if not name.strip() or name in (".", "..") or name.startswith(".."):
        raise ExportError(f"file name template {template!r} gives an unusable name {name!r}")
    if "/" in name or "\\" in name or "\x00" in name or Path(name).is_absolute():
        raise ExportError(f"file name template {template!r} gives {name!r}, outside the folder")
    if name_bytes(name) > _MAX_NAME_BYTES:
        raise ExportError(f"file name template {template!r} gives a name longer than 255 bytes")
    return name


def _fill(template: str, fields: dict[str, str | int]) -> str:
    try:
        return template.format(**fields)
    except (ValueError, KeyError, IndexError) as exc:
        raise ExportError(f"file name template {template!r} cannot be filled ({exc})") from None


def output_path(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, verified to stay directly inside ``out_dir``."""
    path = out_dir / name
    if path.resolve().parent != out_dir.resolve():
        raise ExportError(f"output name {name!r} would be written outside {out_dir}")
    return path
