"""Export presets: output sizes as data (resources/presets.toml plus an optional user file).

A preset says how big the output is (pixels, or a physical size at a ppi), which framing the
framing engine should produce for it by default, how the platform shows it (circle avatar), the
file format and any file-size limit. Loading validates every entry; a bad one raises
``PresetError`` naming the file, the entry and the field.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from core.errors import PresetError
from core.paths import resource_path, user_config_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

GROUPS: Final = ("social", "print", "id", "custom")
GENRES: Final = ("headshot", "portrait", "group", "id")
#: Output formats; "tiff" is a 16-bit RGB TIFF for retouching (core.export.tiff16).
FORMATS: Final = ("jpeg", "png", "webp", "tiff")
FORMAT_EXTENSIONS: Final = {"jpeg": "jpg", "png": "png", "webp": "webp", "tiff": "tif"}
MM_PER_INCH: Final = 25.4
#: Largest output side we accept: bigger than any print Headroom targets, small enough to render.
MAX_SIDE: Final = 20000

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SIZE_KEYS = ("width", "height", "size_in", "size_mm")
#: Largest physical side accepted (inches or mm); MAX_SIDE in pixels is checked afterwards too.
_MAX_PHYSICAL = 100_000.0
_KNOWN_KEYS = frozenset(
    {
        "id",
        "name",
        "group",
        "ppi",
        "genre",
        "framing",
        "fallbacks",
        "circle",
        "max_bytes",
        "format",
        *_SIZE_KEYS,
    }
)


@dataclass(frozen=True)
class Preset:
    """One export target. ``width``/``height`` are the output pixels; ``ppi`` is ``None`` for
    screen presets. ``physical`` is the print size as written in the file (``"35 x 45 mm"``)."""

    id: str
    name: str
    group: str
    width: int
    height: int
    ppi: int | None
    genre: str
    framing: str
    circle: bool = False
    max_bytes: int | None = None
    format: str = "jpeg"
    physical: str | None = None
    physical_aspect: tuple[int, int] | None = None
    #: (genre, framing) pairs tried in order when the photo cannot give the preset's own framing
    #: (a half-length print from a head-and-shoulders photo).
    fallbacks: tuple[tuple[str, str], ...] = ()

    @property
    def framings(self) -> tuple[tuple[str, str], ...]:
        """The preset's framing, then its fallbacks."""
        return ((self.genre, self.framing), *self.fallbacks)

    @property
    def aspect(self) -> tuple[int, int]:
        """The crop ratio as a reduced ``(w, h)``: the physical ratio for print/ID sizes (35 x 45 mm
        is 7:9 even though 827 x 1063 px does not reduce), else the pixel ratio."""
        if self.physical_aspect is not None:
            return self.physical_aspect
        return _reduced(self.width, self.height)

    @property
    def extension(self) -> str:
        return FORMAT_EXTENSIONS[self.format]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "group": self.group,
            "width": self.width,
            "height": self.height,
            "ppi": self.ppi,
            "physical": self.physical,
            "aspect": list(self.aspect),
            "genre": self.genre,
            "framing": self.framing,
            "fallbacks": [f"{g}/{f}" for g, f in self.fallbacks],
            "circle": self.circle,
            "max_bytes": self.max_bytes,
            "format": self.format,
        }


class PresetBook:
    """All presets in file order (built-ins first, then new user presets). Iterable, and looked up
    by id with ``get``/``require``."""

    def __init__(self, presets: list[Preset], sources: tuple[Path, ...] = ()) -> None:
        self._by_id: dict[str, Preset] = {p.id: p for p in presets}
        self.sources = sources

    def __iter__(self) -> Iterator[Preset]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, preset_id: object) -> bool:
        return preset_id in self._by_id

    def get(self, preset_id: str) -> Preset | None:
        return self._by_id.get(preset_id)

    def require(self, preset_id: str) -> Preset:
        """The preset called ``preset_id``; PresetError listing the known ids otherwise."""
        preset = self._by_id.get(preset_id)
        if preset is None:
            known = ", ".join(self._by_id)
            raise PresetError(f"unknown preset {preset_id!r}; known presets: {known}")
        return preset

    def by_group(self) -> dict[str, list[Preset]]:
        """Presets per group, groups in GROUPS order, only groups that have presets."""
        groups: dict[str, list[Preset]] = {g: [] for g in GROUPS}
        for preset in self:
            groups.setdefault(preset.group, []).append(preset)
        return {g: ps for g, ps in groups.items() if ps}

    def resolve(self, names: list[str] | tuple[str, ...]) -> list[Preset]:
        """Presets for ids or group names (``social`` = every social preset), in the order given,
        each once."""
        chosen: dict[str, Preset] = {}
        groups = self.by_group()
        for name in names:
            if name in self._by_id:
                chosen.setdefault(name, self._by_id[name])
            elif name in groups:
                for preset in groups[name]:
                    chosen.setdefault(preset.id, preset)
            else:
                known = ", ".join([*self._by_id, *groups])
                raise PresetError(f"unknown preset or group {name!r}; known: {known}")
        return list(chosen.values())


class _UseDefault:
    """Marker for "the user presets file in the user config folder"."""


DEFAULT_USER_FILE: Final = _UseDefault()


def builtin_presets_file() -> Path:
    return resource_path("presets.toml")


def user_presets_file() -> Path:
    return user_config_dir() / "presets.toml"


def load_presets(
    user_file: Path | _UseDefault | None = DEFAULT_USER_FILE,
    *,
    builtin_file: Path | None = None,
) -> PresetBook:
    """Built-in presets, then the user's file (if it exists) adding or overriding presets by id.

    ``user_file=None`` loads the built-ins only. A missing user file is not an error; an unreadable
    or invalid one is (PresetError naming the file, the entry and the field).
    """
    builtin = builtin_file or builtin_presets_file()
    raw_entries: dict[str, tuple[dict[str, Any], Path, int]] = {}
    for index, entry in enumerate(_read_entries(builtin)):
        preset_id = _entry_id(entry, builtin, index)
        if preset_id in raw_entries:
            raise PresetError(f"{builtin}: preset #{index + 1} ({preset_id}): duplicate id")
        raw_entries[preset_id] = (entry, builtin, index)

    sources = [builtin]
    path = user_presets_file() if isinstance(user_file, _UseDefault) else user_file
    if path is not None and path.exists():
        sources.append(path)
        seen: set[str] = set()
        for index, entry in enumerate(_read_entries(path)):
            preset_id = _entry_id(entry, path, index)
            if preset_id in seen:
                raise PresetError(f"{path}: preset #{index + 1} ({preset_id}): duplicate id")
            seen.add(preset_id)
            base = raw_entries.get(preset_id)
            if base is None:
                merged = {"group": "custom", **entry}
            else:
                merged = dict(base[0])
                if any(k in entry for k in _SIZE_KEYS):
                    for k in _SIZE_KEYS:
                        merged.pop(k, None)
                merged.update(entry)
            raw_entries[preset_id] = (merged, path, index)

    presets = [_parse_entry(entry, src, index) for entry, src, index in raw_entries.values()]
    return PresetBook(presets, tuple(sources))


def _read_entries(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise PresetError(f"{path}: preset file not found") from None
    except OSError as exc:
        raise PresetError(f"{path}: cannot read preset file ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"{path}: not valid TOML ({exc})") from None
    entries = data.get("preset", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise PresetError(f"{path}: 'preset' must be a list of [[preset]] tables")
    unknown_top = set(data) - {"preset"}
    if unknown_top:
        raise PresetError(f"{path}: unknown top-level key(s) {sorted(unknown_top)}; use [[preset]]")
    return list(entries)


def _entry_id(entry: Mapping[str, Any], path: Path, index: int) -> str:
    preset_id = entry.get("id")
    if not isinstance(preset_id, str) or not _ID_PATTERN.match(preset_id):
        raise PresetError(
            f"{path}: preset #{index + 1}: field 'id' must be lowercase letters, digits, '-', '_' "
            f"(got {preset_id!r})"
        )
    return preset_id


class _Fields:
    """Typed field access that names file, entry and field in every error."""

    def __init__(self, entry: Mapping[str, Any], path: Path, index: int) -> None:
        self.entry = entry
        self.where = f"{path}: preset #{index + 1} ({entry.get('id')})"

    def fail(self, field: str, problem: str) -> PresetError:
        return PresetError(f"{self.where}: field {field!r} {problem}")

    def text(self, field: str, choices: tuple[str, ...] | None = None) -> str:
        value = self.entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, f"must be a non-empty string (got {value!r})")
        if choices is not None and value not in choices:
            raise self.fail(field, f"must be one of {', '.join(choices)} (got {value!r})")
        return value.strip()

    def positive_int(self, field: str, *, required: bool = True) -> int | None:
        value = self.entry.get(field)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(field, f"must be a positive whole number (got {value!r})")
        return value

    def boolean(self, field: str) -> bool:
        value = self.entry.get(field, False)
        if not isinstance(value, bool):
            raise self.fail(field, f"must be true or false (got {value!r})")
        return value

    def framing_list(self, field: str) -> tuple[tuple[str, str], ...]:
        value = self.entry.get(field, [])
        if not isinstance(value, list):
            raise self.fail(field, f'must be a list of "genre/framing" strings (got {value!r})')
        pairs: list[tuple[str, str]] = []
        for item in value:
            genre, _, framing = item.partition("/") if isinstance(item, str) else ("", "", "")
            if genre not in GENRES or not framing.strip():
                raise self.fail(
                    field,
                    f'entries must look like "portrait/close-up" with a genre from '
                    f"{', '.join(GENRES)} (got {item!r})",
                )
            pairs.append((genre, framing.strip()))
        return tuple(pairs)

    def pair(self, field: str) -> tuple[float, float]:
        value = self.entry.get(field)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            or not all(math.isfinite(v) and 0 < v <= _MAX_PHYSICAL for v in value)
        ):
            raise self.fail(
                field, f"must be [width, height] with positive finite numbers (got {value!r})"
            )
        return float(value[0]), float(value[1])


def _parse_entry(entry: Mapping[str, Any], path: Path, index: int) -> Preset:
    f = _Fields(entry, path, index)
    unknown = set(entry) - _KNOWN_KEYS
    if unknown:
        raise f.fail(
            sorted(unknown)[0], f"is not a preset field (known: {', '.join(sorted(_KNOWN_KEYS))})"
        )
    preset_id = _entry_id(entry, path, index)
    name = f.text("name")
    group = f.text("group", GROUPS)
    genre = f.text("genre", GENRES)
    framing = f.text("framing")
    fallbacks = f.framing_list("fallbacks")
    fmt = f.text("format", FORMATS) if "format" in entry else "jpeg"
    circle = f.boolean("circle")
    max_bytes = f.positive_int("max_bytes", required=False)
    ppi = f.positive_int("ppi", required=False)

    given = [k for k in _SIZE_KEYS if k in entry]
    physical: str | None = None
    physical_aspect: tuple[int, int] | None = None
    if given in (["width", "height"], ["width"], ["height"]):
        width, height = f.positive_int("width"), f.positive_int("height")
        assert width is not None and height is not None
    elif given in (["size_in"], ["size_mm"]):
        key = given[0]
        pw, ph = f.pair(key)
        if ppi is None:
            raise f.fail("ppi", f"is required with {key}")
        per_inch = 1.0 if key == "size_in" else MM_PER_INCH
        width, height = round(pw / per_inch * ppi), round(ph / per_inch * ppi)
        unit = "in" if key == "size_in" else "mm"
        physical = f"{_num(pw)} x {_num(ph)} {unit}"
        physical_aspect = _reduced_float(pw, ph)
    else:
        raise f.fail(
            "width",
            "and 'height' (pixels) or 'size_in'/'size_mm' (with 'ppi') are required, exactly one "
            f"way (got {given or 'none'})",
        )
    if width > MAX_SIDE or height > MAX_SIDE:
        raise f.fail(
            "width", f"gives {width} x {height} px; the largest side allowed is {MAX_SIDE}"
        )
    if width < 16 or height < 16:
        raise f.fail("width", f"gives {width} x {height} px; outputs must be at least 16 px a side")
    if genre == "id" and ppi is None:
        raise f.fail("ppi", "is required for ID presets (they are printed)")
    if group in ("print", "id") and ppi is None:
        raise f.fail("ppi", f"is required for {group} presets")
    return Preset(
        id=preset_id,
        name=name,
        group=group,
        width=width,
        height=height,
        ppi=ppi,
        genre=genre,
        framing=framing,
        fallbacks=fallbacks,
        circle=circle,
        max_bytes=max_bytes,
        format=fmt,
        physical=physical,
        physical_aspect=physical_aspect,
    )


def _reduced(w: int, h: int) -> tuple[int, int]:
    g = math.gcd(w, h)
    return (w // g, h // g)


def _reduced_float(w: float, h: float) -> tuple[int, int]:
    # Physical sizes may be fractional (3.5 x 4.5 in); scale to whole numbers before reducing.
    for factor in (1, 10, 100, 1000):
        if float(w * factor).is_integer() and float(h * factor).is_integer():
            return _reduced(round(w * factor), round(h * factor))
    return _reduced(round(w * 1000), round(h * 1000))


def _num(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"
