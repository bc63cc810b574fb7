"""The crop chosen for a photo, remembered next to it as ``<photo name>.headroom.json``.

The sidecar records the photo's upright pixel size; when the photo changes size (re-edited,
replaced) the sidecar is stale and ignored with a warning rather than applied to the wrong pixels.
A sidecar is checked as a whole before any of it is used (at most 64 KiB, 8 levels deep, version
1, plain finite numbers, a box inside the photo, an angle within 45 degrees, a sane aspect and
subject, short texts); anything else is ignored with one warning naming the file, however often
it is read.
Writes are atomic. When the photo's folder is read-only (a card, a shared drive) the sidecar goes
to a store in the user cache folder instead, keyed by the photo's full path; reading looks next to
the photo first, then in that store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
from pathlib import Path
from typing import Any

from core.errors import ExportError
from core.export.atomic import replace_atomically
from core.framing.plan import CropChoice
from core.geometry import Box
from core.paths import SIDECAR_SUFFIX, sidecar_path, user_cache_dir

SIDECAR_VERSION = 1

__all__ = [
    "SIDECAR_SUFFIX",
    "SIDECAR_VERSION",
    "fallback_path",
    "fallback_store",
    "read_sidecar",
    "sidecar_path",
    "write_sidecar",
]

log = logging.getLogger(__name__)


def fallback_store() -> Path:
    return user_cache_dir() / "sidecars"


def fallback_path(photo: Path) -> Path:
    """The user-cache sidecar for ``photo`` (used when its folder is read-only)."""
    resolved = str(Path(photo).resolve())
    digest = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:24]  # any name, UTF-8 or not
    name = f"{digest}-{Path(photo).name}{SIDECAR_SUFFIX}"
    if len(os.fsencode(name)) > 255:  # a photo name near the limit: the digest alone
        name = f"{digest}{SIDECAR_SUFFIX}"
    return fallback_store() / name


def write_sidecar(photo: Path, choice: CropChoice, image_size: tuple[int, int]) -> Path:
    """Save ``choice`` for ``photo`` (upright pixel size ``image_size``); returns where it went.

    Next to the photo when its folder is writable, else in the user cache store (logged).
    """
    photo = Path(photo)
    payload = {
        "version": SIDECAR_VERSION,
        "photo": {"name": photo.name, "width": int(image_size[0]), "height": int(image_size[1])},
        "crop": choice.to_json(),
    }
    data = (json.dumps(payload, indent=2) + "\n").encode("utf-8")
    target = sidecar_path(photo)
    try:
        replace_atomically(target, data)
        return target
    except OSError as exc:
        fallback = fallback_path(photo)
        log.warning(
            "cannot write %s (%s); keeping the crop in %s instead",
            target,
            exc.strerror or exc,
            fallback,
        )
    try:
        fallback.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(fallback, data)
    except OSError as exc:
        raise ExportError(
            f"cannot save the crop for {photo.name}: neither {target} nor {fallback} is writable "
            f"({exc.strerror or exc})"
        ) from None
    return fallback


def read_sidecar(photo: Path, image_size: tuple[int, int] | None = None) -> CropChoice | None:
    """The saved crop for ``photo``, or None when there is none, it is unreadable, or it is stale
    (recorded for a different pixel size; logged as a warning). ``image_size`` is the photo's
    upright size if the caller knows it; otherwise it is read from the file header."""
    photo = Path(photo)
    for candidate in (sidecar_path(photo), fallback_path(photo)):
        try:
            if not candidate.is_file():
                continue
        except OSError:  # e.g. the photo's own name is so long that the sidecar's cannot exist
            continue
        choice = _parse(candidate, photo, image_size)
        if choice is not None:
            return choice
    return None


def delete_sidecar(photo: Path) -> None:
    for candidate in (sidecar_path(photo), fallback_path(photo)):
        with contextlib.suppress(OSError):
            candidate.unlink(missing_ok=True)


#: A sidecar is a few hundred bytes; anything far larger is not one of ours.
MAX_SIDECAR_BYTES = 64 * 1024
#: Our sidecars nest 3 deep; deeper input is refused before parsing (no recursion limit to hit).
MAX_DEPTH = 8
#: Longest integer literal accepted (a 400-digit integer overflows float conversion).
MAX_INT_DIGITS = 12
MAX_ANGLE_DEG = 45.0
MAX_SUBJECT = 999
MAX_TEXT = 200
MAX_PHOTO_SIDE = 1_000_000

_warned: set[tuple[str, float]] = set()


class _Invalid(ValueError):
    """The sidecar does not match the schema; the message says where."""


def _warn_once(path: Path, message: str, *args: object) -> None:
    """One warning per sidecar file and version of it, however often it is read (a canvas paints
    many times a second)."""
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        key = (str(path), 0.0)
    if key in _warned:
        return
    _warned.add(key)
    log.warning(message, *args)


def _parse(path: Path, photo: Path, image_size: tuple[int, int] | None) -> CropChoice | None:
    try:
        payload = _load(path)
        version = payload.get("version")
        if version != SIDECAR_VERSION:
            _warn_once(path, "ignoring %s: sidecar version %r is not supported", path, version)
            return None
        recorded_size = _photo_size(payload.get("photo"))
        choice = _choice_from_json(payload.get("crop"), recorded_size)
    except (OSError, ValueError, RecursionError, OverflowError, MemoryError) as exc:
        _warn_once(path, "ignoring unreadable sidecar %s (%s)", path, exc)
        return None
    if image_size is None:
        try:
            from core.photo import read_image_size

            image_size = read_image_size(photo)
        except Exception as exc:  # any load failure: the photo itself will report it
            _warn_once(path, "cannot check %s against %s (%s)", path, photo, exc)
            return None
    if tuple(image_size) != recorded_size:
        _warn_once(
            path,
            "ignoring stale sidecar %s: it was made for %d x %d px, the photo is now %d x %d px",
            path,
            recorded_size[0],
            recorded_size[1],
            image_size[0],
            image_size[1],
        )
        return None
    return choice


def _load(path: Path) -> dict[str, Any]:
    """The sidecar's JSON object, refused (``_Invalid``) when too big, too deep, or holding
    numbers that are not plain finite JSON numbers."""
    with path.open("rb") as handle:
        raw = handle.read(MAX_SIDECAR_BYTES + 1)
    if len(raw) > MAX_SIDECAR_BYTES:
        raise _Invalid(f"larger than {MAX_SIDECAR_BYTES} bytes")
    text = raw.decode("utf-8")
    if _depth(text) > MAX_DEPTH:
        raise _Invalid(f"nested deeper than {MAX_DEPTH} levels")
    payload = json.loads(text, parse_constant=_no_constant, parse_int=_small_int)
    if not isinstance(payload, dict):
        raise _Invalid("not a JSON object")
    return payload


def _depth(text: str) -> int:
    """The deepest nesting of arrays/objects in JSON ``text`` (brackets in strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def _no_constant(name: str) -> float:
    raise _Invalid(f"{name} is not a number")


def _small_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _Invalid(f"integer of {len(digits)} digits")
    return int(digits)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Invalid(f"{what} is not a number: {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise _Invalid(f"{what} is not finite")
    return number


def _integer(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _Invalid(f"{what} must be a whole number {low}..{high}, not {value!r}")
    return value


def _photo_size(data: Any) -> tuple[int, int]:
    if not isinstance(data, dict):
        raise _Invalid("'photo' is not an object")
    return (
        _integer(data.get("width"), "photo width", 1, MAX_PHOTO_SIDE),
        _integer(data.get("height"), "photo height", 1, MAX_PHOTO_SIDE),
    )


def _choice_from_json(data: Any, size: tuple[int, int]) -> CropChoice:
    """The crop, checked as a whole: finite numbers, a box inside the photo (half a pixel of
    rounding allowed), a sane angle, aspect and subject, short strings."""
    if not isinstance(data, dict):
        raise _Invalid("'crop' is not an object")
    box_values = data.get("box")
    if not isinstance(box_values, list) or len(box_values) != 4:
        raise _Invalid("'box' must be [x, y, w, h]")
    x, y, w, h = (_number(v, "box") for v in box_values)
    width, height = size
    slack = 0.5
    if w <= 0 or h <= 0 or x < -slack or y < -slack:
        raise _Invalid(f"box {box_values} is not inside the photo")
    if x + w > width + slack or y + h > height + slack:
        raise _Invalid(f"box {box_values} is not inside the {width} x {height} photo")
    angle = _number(data.get("angle_deg", 0.0), "angle_deg")
    if abs(angle) > MAX_ANGLE_DEG:
        raise _Invalid(f"angle {angle} is beyond {MAX_ANGLE_DEG} degrees")
    aspect = data.get("aspect")
    aspect_pair: tuple[int, int] | None = None
    if aspect is not None:
        if not isinstance(aspect, list) or len(aspect) != 2:
            raise _Invalid(f"bad aspect {aspect!r}")
        aspect_pair = (
            _integer(aspect[0], "aspect", 1, 100_000),
            _integer(aspect[1], "aspect", 1, 100_000),
        )
    subject = data.get("subject")
    return CropChoice(
        box=Box(x, y, w, h),
        angle_deg=angle,
        aspect=aspect_pair,
        suggestion_id=_opt_str(data.get("suggestion_id")),
        subject=None if subject is None else _integer(subject, "subject", 0, MAX_SUBJECT),
        genre=_opt_str(data.get("genre")),
        framing=_opt_str(data.get("framing")),
        preset=_opt_str(data.get("preset")),
    )


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise _Invalid(f"expected a short text, got {str(value)[:40]!r}")
    return value
