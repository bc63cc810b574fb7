"""Crop guides as plain shapes: the canvas draws exactly what this module returns, nothing more.

Every shape is in the crop's own frame, i.e. upright original-image pixels, rotated with the image
when ``angle_deg != 0`` (``core.geometry`` convention): the same frame the crop box lives in. Face
geometry (upright original pixels) is carried into that frame here, so callers pass faces as
detected. The numbers come from ``resources/guides.toml``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

from core.errors import PresetError
from core.faces import Face
from core.framing.plan import CropChoice, refit
from core.framing.rules import FramingRules, IdRule, load_framing_rules, load_id_rules
from core.geometry import Box, Point, rotate_point
from core.paths import resource_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

GUIDE_KINDS = (
    "thirds",
    "grid",
    "phi",
    "spiral",
    "triangles",
    "diagonals",
    "center",
    "ratios",
    "headshot",
    "id_bands",
    "circle",
)
GuideMode = Literal["always", "dragging", "never"]
GUIDE_MODES: tuple[GuideMode, ...] = ("always", "dragging", "never")

#: How a shape should look: plain composition guide, a target zone, or a line measured on the face.
Role = Literal["guide", "target", "face"]


@dataclass(frozen=True)
class Line:
    p1: Point
    p2: Point
    role: Role = "guide"
    label: str = ""


@dataclass(frozen=True)
class Polyline:
    points: tuple[Point, ...]
    closed: bool = False
    role: Role = "guide"
    label: str = ""


@dataclass(frozen=True)
class Ellipse:
    box: Box
    role: Role = "guide"
    label: str = ""


@dataclass(frozen=True)
class Band:
    """A horizontal zone (full crop width) where something should fall, e.g. the eye line."""

    box: Box
    label: str = ""
    role: Role = "target"


Shape = Line | Polyline | Ellipse | Band


# -- settings ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class GuideConfig:
    """guides.toml, parsed."""

    cycle: tuple[frozenset[str], ...]
    default: frozenset[str]
    default_mode: GuideMode
    orientations: int
    grid_divisions: int
    grid_range: tuple[int, int]
    phi_lines: tuple[float, ...]
    spiral_turns: int
    spiral_points: int
    center_arm: float
    ratio_frames: tuple[tuple[int, int], ...]
    eye_band: tuple[float, float]
    headroom_band: tuple[float, float]
    head_height_targets: tuple[tuple[str, float], ...]
    circle_diameter: float
    titles: tuple[tuple[str, str], ...]  # (guide kind, name shown), in GUIDE_KINDS order

    def title(self, kind: str) -> str:
        return dict(self.titles).get(kind, kind.replace("_", " ").capitalize())


def _pair(value: Any, name: str) -> tuple[float, float]:
    if not (isinstance(value, list) and len(value) == 2):
        raise PresetError(f"guides.toml: {name} must be a list of two numbers")
    return (float(value[0]), float(value[1]))


def parse_guide_config(data: dict[str, Any], framing: FramingRules | None = None) -> GuideConfig:
    """Validate a guides.toml document; unknown guide names are an error, not silently dropped.
    The headshot template's numbers are framing's own (``framing``, default framing.toml): the
    eye band, the band of the variants' headroom and each variant's head share."""
    try:
        cycle = tuple(frozenset(str(k) for k in entry) for entry in data["cycle"])
        default = frozenset(str(k) for k in data.get("default", []))
        for kinds in (*cycle, default):
            unknown = kinds - set(GUIDE_KINDS)
            if unknown:
                raise PresetError(f"guides.toml: unknown guide(s) {sorted(unknown)}")
        titles = {str(k): str(v) for k, v in data.get("titles", {}).items()}
        unknown_titles = set(titles) - set(GUIDE_KINDS)
        if unknown_titles:
            raise PresetError(f"guides.toml: titles for unknown guide(s) {sorted(unknown_titles)}")
        mode = str(data.get("default_mode", "always"))
        if mode not in GUIDE_MODES:
            raise PresetError(f"guides.toml: default_mode must be one of {GUIDE_MODES}")
        grid = data["grid"]
        headshot = (framing or load_framing_rules()).headshot
        by_size = sorted(headshot.variants, key=lambda v: v.head_share)
        headrooms = [v.headroom for v in headshot.variants]
        return GuideConfig(
            cycle=cycle,
            default=default,
            default_mode=mode,  # type: ignore[arg-type]
            orientations=int(data.get("orientations", 8)),
            grid_divisions=int(grid["divisions"]),
            grid_range=(int(grid["min_divisions"]), int(grid["max_divisions"])),
            phi_lines=tuple(float(v) for v in data["phi"]["lines"]),
            spiral_turns=int(data["spiral"]["turns"]),
            spiral_points=int(data["spiral"]["points_per_turn"]),
            center_arm=float(data["center"]["arm"]),
            ratio_frames=tuple((int(w), int(h)) for w, h in data["ratios"]["frames"]),
            eye_band=headshot.eye_band,
            headroom_band=(min(headrooms), max(headrooms)),
            head_height_targets=tuple((v.name, v.head_share) for v in by_size),
            circle_diameter=float(data["circle"]["diameter"]),
            titles=tuple((k, titles[k]) for k in GUIDE_KINDS if k in titles),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PresetError(f"guides.toml is malformed: {exc!r}") from exc


@lru_cache(maxsize=1)
def guide_config() -> GuideConfig:
    path = resource_path("guides.toml")
    try:
        with path.open("rb") as fh:
            return parse_guide_config(tomllib.load(fh))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PresetError(f"cannot read {path}: {exc}") from exc


@dataclass(frozen=True)
class GuideSettings:
    """Which guides are on and how they are shown."""

    enabled: frozenset[str] = field(default_factory=lambda: guide_config().default)
    orientation: int = 0  # 0-3: spiral (eye at each corner) / triangle (which diagonal) orientation
    mode: GuideMode = field(default_factory=lambda: guide_config().default_mode)
    grid_divisions: int = field(default_factory=lambda: guide_config().grid_divisions)
    id_rule: str | None = None  # id of an ID rule in resources/id_photos.toml

    def visible(self, dragging: bool) -> bool:
        """Whether guides show now, given the mode and whether a drag is under way."""
        return self.mode == "always" or (self.mode == "dragging" and dragging)

    def toggled(self, kind: str) -> GuideSettings:
        if kind not in GUIDE_KINDS:
            raise ValueError(f"unknown guide {kind!r}; known: {', '.join(GUIDE_KINDS)}")
        return replace(self, enabled=self.enabled ^ {kind})


def next_guide_cycle(settings: GuideSettings) -> GuideSettings:
    """O: the next set of guides in guides.toml's cycle (skipping ID bands without an ID rule)."""
    cycle = [
        kinds
        for kinds in guide_config().cycle
        if settings.id_rule is not None or "id_bands" not in kinds
    ]
    try:
        i = cycle.index(settings.enabled)
    except ValueError:
        i = -1
    return replace(settings, enabled=cycle[(i + 1) % len(cycle)])


def next_orientation(settings: GuideSettings) -> GuideSettings:
    """Shift+O: the next spiral/triangle orientation."""
    return replace(settings, orientation=(settings.orientation + 1) % guide_config().orientations)


# -- ID rules -------------------------------------------------------------------------------
def id_rule_for(settings: GuideSettings) -> IdRule | None:
    """The ID rule the settings name (from resources/id_photos.toml), or None."""
    if settings.id_rule is None:
        return None
    return load_id_rules().rule(settings.id_rule)


# -- shape builders -------------------------------------------------------------------------
def _at(crop: Box, u: float, v: float) -> Point:
    """The point at fractions (u, v) of the crop's width and height."""
    return Point(crop.x + u * crop.w, crop.y + v * crop.h)


def _vline(crop: Box, u: float, role: Role = "guide", label: str = "") -> Line:
    return Line(_at(crop, u, 0.0), _at(crop, u, 1.0), role, label)


def _hline(crop: Box, v: float, role: Role = "guide", label: str = "") -> Line:
    return Line(_at(crop, 0.0, v), _at(crop, 1.0, v), role, label)


def _hline_y(crop: Box, y: float, role: Role, label: str) -> Line:
    return Line(Point(crop.left, y), Point(crop.right, y), role, label)


def _fractions(fs: Sequence[float], crop: Box) -> list[Shape]:
    return [*(_vline(crop, f) for f in fs), *(_hline(crop, f) for f in fs)]


def _band(crop: Box, v0: float, v1: float, label: str) -> Band:
    top, bottom = crop.y + min(v0, v1) * crop.h, crop.y + max(v0, v1) * crop.h
    return _band_y(crop, top, bottom, label)


def _band_y(crop: Box, top: float, bottom: float, label: str) -> Band:
    top, bottom = max(crop.top, top), min(crop.bottom, bottom)
    return Band(Box(crop.x, top, crop.w, max(0.0, bottom - top)), label)


def _orient(u: float, v: float, orientation: int) -> tuple[float, float]:
    """Mirror the unit square for orientation 0-3: identity, left-right, both (a half turn), top-
    bottom, so each Shift+O step walks the spiral's eye to the next corner (clockwise for a
    landscape crop)."""
    flip_u, flip_v = ((False, False), (True, False), (True, True), (False, True))[orientation % 4]
    return (1.0 - u if flip_u else u, 1.0 - v if flip_v else v)


def _spiral(crop: Box, orientation: int, turns: int, points_per_turn: int) -> list[Shape]:
    """A golden spiral in its golden rectangle, stretched to the crop (as Lightroom draws it).

    Built in a unit square standing for the crop: each step cuts a square taking 1/phi of the
    remaining rectangle's long side, from alternating sides (left, top, right, bottom, ...), and
    draws a quarter circle in it (a quarter ellipse after the stretch). A rectangle holds exactly
    four golden spirals (first square at either end of the long side, turning either way); a
    quarter turn of one is a mirror image of another, so the four orientations are the mirrors.
    """
    inv_phi = 2.0 / (1.0 + math.sqrt(5.0))
    landscape = crop.w >= crop.h
    sides = ("left", "top", "right", "bottom") if landscape else ("top", "right", "bottom", "left")
    x0, y0, x1, y1 = 0.0, 0.0, 1.0, 1.0
    pts: list[tuple[float, float]] = []
    for i in range(turns):
        side = sides[i % 4]
        # Square (left, top, right, bottom), arc centre and the arc's start angle (y down, so angles
        # run clockwise on screen); each arc starts where the previous one ended.
        if side == "left":
            xs = x0 + (x1 - x0) * inv_phi
            sq, centre, a0 = (x0, y0, xs, y1), (xs, y1), 180.0
            x0 = xs
        elif side == "top":
            ys = y0 + (y1 - y0) * inv_phi
            sq, centre, a0 = (x0, y0, x1, ys), (x0, ys), 270.0
            y0 = ys
        elif side == "right":
            xs = x1 - (x1 - x0) * inv_phi
            sq, centre, a0 = (xs, y0, x1, y1), (xs, y0), 0.0
            x1 = xs
        else:
            ys = y1 - (y1 - y0) * inv_phi
            sq, centre, a0 = (x0, ys, x1, y1), (x1, ys), 90.0
            y1 = ys
        rx, ry = sq[2] - sq[0], sq[3] - sq[1]
        n = max(4, points_per_turn >> (i // 3))  # inner arcs are tiny: fewer points
        for k in range(0 if i == 0 else 1, n + 1):
            t = math.radians(a0 + 90.0 * k / n)
            pts.append((centre[0] + rx * math.cos(t), centre[1] + ry * math.sin(t)))
    mapped = (_orient(u, v, orientation) for u, v in pts)
    return [Polyline(tuple(_at(crop, u, v) for u, v in mapped))]


def _triangles(crop: Box, orientation: int) -> list[Shape]:
    """Golden triangles: a diagonal and the perpendiculars to it from the two other corners."""
    # Work in real pixels so the perpendiculars are perpendicular on the photo.
    if orientation % 2 == 0:
        a, b = Point(crop.left, crop.bottom), Point(crop.right, crop.top)
        others = (Point(crop.left, crop.top), Point(crop.right, crop.bottom))
    else:
        a, b = Point(crop.left, crop.top), Point(crop.right, crop.bottom)
        others = (Point(crop.right, crop.top), Point(crop.left, crop.bottom))
    shapes: list[Shape] = [Line(a, b)]
    dx, dy = b.x - a.x, b.y - a.y
    length2 = dx * dx + dy * dy
    for p in others:
        t = ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2
        shapes.append(Line(p, Point(a.x + t * dx, a.y + t * dy)))
    return shapes


def _diagonals(crop: Box) -> list[Shape]:
    """45° lines from each corner (the diagonal method), meeting the opposite long side."""
    s = min(crop.w, crop.h)
    shapes: list[Shape] = []
    for cx, sx in ((crop.left, 1.0), (crop.right, -1.0)):
        for cy, sy in ((crop.top, 1.0), (crop.bottom, -1.0)):
            shapes.append(Line(Point(cx, cy), Point(cx + sx * s, cy + sy * s)))
    return shapes


def _center(crop: Box, arm_share: float) -> list[Shape]:
    arm = arm_share * min(crop.w, crop.h)
    c = crop.center
    return [
        Line(Point(c.x - arm, c.y), Point(c.x + arm, c.y)),
        Line(Point(c.x, c.y - arm), Point(c.x, c.y + arm)),
    ]


def _ratio_frames(crop: Box, frames: Sequence[tuple[int, int]]) -> list[Shape]:
    shapes: list[Shape] = []
    for w, h in frames:
        if (w > h) != (crop.w > crop.h) and w != h:
            w, h = h, w  # orient like the crop
        ratio = w / h
        fw = min(crop.w, crop.h * ratio)
        fh = fw / ratio
        if abs(fw - crop.w) < 0.5 and abs(fh - crop.h) < 0.5:
            continue  # the crop already has this ratio
        b = Box.from_center(crop.cx, crop.cy, fw, fh)
        corners = (Point(b.left, b.top), Point(b.right, b.top), Point(b.right, b.bottom))
        shapes.append(Polyline((*corners, Point(b.left, b.bottom)), True, "guide", f"{w}:{h}"))
    return shapes


@dataclass(frozen=True)
class _HeadLevels:
    crown_y: float
    eye_y: float
    chin_y: float
    center_x: float


def _head_levels(face: Face, angle_deg: float, image_size: tuple[int, int] | None) -> _HeadLevels:
    """Crown, eye and chin heights of ``face`` in the crop's (rotated) frame.

    The eye centre is rotated exactly; crown and chin keep their distances from the eyes, which
    holds when the rotation levels the face (the usual case) and is close enough otherwise."""
    eye = face.eye_center
    if angle_deg and image_size is not None:
        eye = rotate_point(eye, Point(image_size[0] / 2.0, image_size[1] / 2.0), angle_deg)
    elif angle_deg:
        raise ValueError("image_size is needed to place a face on a rotated crop")
    return _HeadLevels(
        crown_y=eye.y - (face.eye_line_y - face.crown_y),
        eye_y=eye.y,
        chin_y=eye.y + (face.chin_y - face.eye_line_y),
        center_x=eye.x,
    )


def _headshot(crop: Box, head: _HeadLevels | None, cfg: GuideConfig) -> list[Shape]:
    shapes: list[Shape] = [
        _band(crop, *cfg.headroom_band, "headroom"),
        _band(crop, *cfg.eye_band, "eyes"),
        _vline(crop, 0.5, "target", "centre"),
    ]
    if head is None:
        return shapes
    shapes += [
        _hline_y(crop, head.crown_y, "face", "crown"),
        _hline_y(crop, head.eye_y, "face", "eyes"),
        _hline_y(crop, head.chin_y, "face", "chin"),
    ]
    # Where the chin would sit for each head-size target, measured from the detected crown: short
    # ticks on the right edge show how far the head is from loose / standard / tight.
    tick = 0.06 * crop.w
    for name, share in cfg.head_height_targets:
        y = head.crown_y + share * crop.h
        if crop.top <= y <= crop.bottom:
            shapes.append(Line(Point(crop.right - tick, y), Point(crop.right, y), "target", name))
    return shapes


def _id_bands(crop: Box, head: _HeadLevels | None, rule: IdRule) -> list[Shape]:
    lo, hi = rule.eye_from_bottom
    shapes: list[Shape] = [_band(crop, 1.0 - hi, 1.0 - lo, "eyes")]
    hmin, hmax = rule.head_share
    if head is not None:
        # Given the detected chin, where the crown must fall; given the crown, where the chin must.
        shapes.append(
            _band_y(crop, head.chin_y - hmax * crop.h, head.chin_y - hmin * crop.h, "crown")
        )
        shapes.append(
            _band_y(crop, head.crown_y + hmin * crop.h, head.crown_y + hmax * crop.h, "chin")
        )
        shapes.append(_hline_y(crop, head.crown_y, "face", "crown"))
        shapes.append(_hline_y(crop, head.chin_y, "face", "chin"))
    else:
        # No face: a head centred on the frame's middle, the way ePassport templates draw it.
        shapes.append(_band(crop, 0.5 - hmax / 2.0, 0.5 - hmin / 2.0, "crown"))
        shapes.append(_band(crop, 0.5 + hmin / 2.0, 0.5 + hmax / 2.0, "chin"))
    shapes.append(_vline(crop, 0.5, "target", "centre"))
    return shapes


def _circle(
    crop: Box, diameter_share: float, angle_deg: float, image_size: tuple[int, int] | None
) -> list[Shape]:
    """The avatar circle a circle preset's export shows: inscribed in the crop re-fitted to a
    square (``core.framing.plan.refit``), which reaches past a tall crop's sides. Without the
    photo's size, the circle centred in the crop."""
    square = crop
    if image_size is not None:
        choice = CropChoice(box=crop, angle_deg=angle_deg)
        square = refit(choice, (1, 1), image_size[0], image_size[1])
    d = diameter_share * min(square.w, square.h)
    return [Ellipse(Box.from_center(square.cx, square.cy, d, d))]


def guide_shapes(
    kind: str,
    crop: Box,
    settings: GuideSettings,
    *,
    face: Face | None = None,
    angle_deg: float = 0.0,
    id_rule: IdRule | None = None,
    image_size: tuple[int, int] | None = None,
) -> list[Shape]:
    """The shapes of guide ``kind`` for ``crop`` (in the crop's frame, see the module docstring).

    ``face`` (upright original px, as detected) feeds the headshot template and ID bands;
    ``angle_deg`` and ``image_size`` carry it into the rotated frame of the crop.
    """
    if crop.w <= 0 or crop.h <= 0:
        return []
    cfg = guide_config()
    if kind == "thirds":
        return _fractions((1.0 / 3.0, 2.0 / 3.0), crop)
    if kind == "grid":
        lo, hi = cfg.grid_range
        n = min(hi, max(lo, settings.grid_divisions))
        return _fractions([i / n for i in range(1, n)], crop)
    if kind == "phi":
        return _fractions(cfg.phi_lines, crop)
    if kind == "spiral":
        return _spiral(crop, settings.orientation, cfg.spiral_turns, cfg.spiral_points)
    if kind == "triangles":
        return _triangles(crop, settings.orientation)
    if kind == "diagonals":
        return _diagonals(crop)
    if kind == "center":
        return _center(crop, cfg.center_arm)
    if kind == "ratios":
        return _ratio_frames(crop, cfg.ratio_frames)
    if kind == "circle":
        return _circle(crop, cfg.circle_diameter, angle_deg, image_size)
    if kind == "headshot":
        head = _head_levels(face, angle_deg, image_size) if face is not None else None
        return _headshot(crop, head, cfg)
    if kind == "id_bands":
        if id_rule is None:
            return []
        head = _head_levels(face, angle_deg, image_size) if face is not None else None
        return _id_bands(crop, head, id_rule)
    raise ValueError(f"unknown guide {kind!r}; known: {', '.join(GUIDE_KINDS)}")


def all_guide_shapes(
    crop: Box,
    settings: GuideSettings,
    *,
    face: Face | None = None,
    angle_deg: float = 0.0,
    id_rule: IdRule | None = None,
    image_size: tuple[int, int] | None = None,
) -> list[Shape]:
    """Shapes of every enabled guide, in GUIDE_KINDS order."""
    shapes: list[Shape] = []
    for kind in GUIDE_KINDS:
        if kind in settings.enabled:
            shapes += guide_shapes(
                kind,
                crop,
                settings,
                face=face,
                angle_deg=angle_deg,
                id_rule=id_rule,
                image_size=image_size,
            )
    return shapes
