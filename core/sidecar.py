"""The crop chosen for a photo, remembered next to it as ``<photo name>.headroom.json``.

The sidecar records the photo's upright pixel size; when the photo changes size (re-edited,
replaced) the sidecar is stale and ignored with a warning rather than applied to the wrong pixels.
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
from core.paths import user_cache_dir

SIDECAR_SUFFIX = ".headroom.json"
SIDECAR_VERSION = 1

log = logging.getLogger(__name__)


def sidecar_path(photo: Path) -> Path:
    """Where the sidecar for ``photo`` lives next to it."""
    photo = Path(photo)
    return photo.with_name(photo.name + SIDECAR_SUFFIX)


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


def _parse(path: Path, photo: Path, image_size: tuple[int, int] | None) -> CropChoice | None:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(payload, dict):
            raise ValueError("not a JSON object")
        version = payload.get("version")
        if version != SIDECAR_VERSION:
            log.warning("ignoring %s: sidecar version %r is not supported", path, version)
            return None
        recorded = payload["photo"]
        recorded_size = (int(recorded["width"]), int(recorded["height"]))
        choice = _choice_from_json(payload["crop"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring unreadable sidecar %s (%s)", path, exc)
        return None
    if image_size is None:
        try:
            from core.photo import read_image_size

            image_size = read_image_size(photo)
        except Exception as exc:  # any load failure: the photo itself will report it
            log.warning("cannot check %s against %s (%s)", path, photo, exc)
            return None
    if tuple(image_size) != recorded_size:
        log.warning(
            "ignoring stale sidecar %s: it was made for %d x %d px, the photo is now %d x %d px",
            path,
            recorded_size[0],
            recorded_size[1],
            image_size[0],
            image_size[1],
        )
        return None
    return choice


def _choice_from_json(data: Any) -> CropChoice:
    if not isinstance(data, dict):
        raise ValueError("'crop' is not an object")
    box_values = data["box"]
    if not isinstance(box_values, list) or len(box_values) != 4:
        raise ValueError("'box' must be [x, y, w, h]")
    x, y, w, h = (float(v) for v in box_values)
    if not all(math.isfinite(v) for v in (x, y, w, h)) or w <= 0 or h <= 0:
        raise ValueError(f"bad box {box_values}")
    aspect = data.get("aspect")
    aspect_pair: tuple[int, int] | None = None
    if aspect is not None:
        if not isinstance(aspect, list) or len(aspect) != 2 or min(int(a) for a in aspect) <= 0:
            raise ValueError(f"bad aspect {aspect}")
        aspect_pair = (int(aspect[0]), int(aspect[1]))
    angle = float(data.get("angle_deg", 0.0))
    if not math.isfinite(angle):
        raise ValueError("bad angle")
    subject = data.get("subject")
    return CropChoice(
        box=Box(x, y, w, h),
        angle_deg=angle,
        aspect=aspect_pair,
        suggestion_id=_opt_str(data.get("suggestion_id")),
        subject=int(subject) if subject is not None else None,
        genre=_opt_str(data.get("genre")),
        framing=_opt_str(data.get("framing")),
        preset=_opt_str(data.get("preset")),
    )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
