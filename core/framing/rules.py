"""Framing numbers loaded from ``resources/framing.toml`` and ``resources/id_photos.toml`` into
frozen dataclasses, validated once (a bad data file fails loudly with the key that is wrong)."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.errors import FramingError
from core.paths import resource_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

Aspect = tuple[int, int]
Range = tuple[float, float]

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class HeadshotVariant:
    name: str
    head_share: float  # crown-to-chin as a share of the crop height
    headroom: float  # crop top to crown, share of the crop height
    score: float


@dataclass(frozen=True)
class HeadshotRules:
    aspects: tuple[Aspect, ...]
    eye_band: Range  # eye line from the top, share of crop height
    max_head_share: float
    max_tighten: float
    max_hair_cut_h: float
    centre_tolerance: float
    variants: tuple[HeadshotVariant, ...]

    def variant(self, name: str) -> HeadshotVariant:
        for v in self.variants:
            if v.name == name:
                return v
        raise FramingError(f"unknown headshot variant {name!r} (known: {self.variant_names})")

    @property
    def variant_names(self) -> str:
        return ", ".join(v.name for v in self.variants)


@dataclass(frozen=True)
class PortraitFraming:
    name: str
    length_h: float  # bottom edge, head heights from the crown
    score: float
    floor_room_h: float = 0.0
    needs_feet: bool = False


@dataclass(frozen=True)
class PortraitRules:
    eye_from_top: float
    max_headroom: float
    yaw_turned: float
    thirds: Range
    min_length_share: float
    body_slack_h: float
    body_band_h: float
    close_up_max_cut_h: float
    arms_chest_h: Range
    arms_search_to_h: float
    arms_widen: float
    arms_hands_below_h: float
    arms_margin_h: float
    arms_length_range: Range
    orientations: tuple[tuple[str, Aspect], ...]
    framings: tuple[PortraitFraming, ...]
    environmental_min_height_h: float
    environmental_score: float

    def framing(self, name: str) -> PortraitFraming:
        for f in self.framings:
            if f.name == name:
                return f
        raise FramingError(f"unknown portrait framing {name!r} (known: {self.framing_names})")

    @property
    def framing_names(self) -> str:
        return ", ".join([*(f.name for f in self.framings), "environmental"])


@dataclass(frozen=True)
class JointRules:
    tolerance_h: float
    joints: tuple[tuple[str, float], ...]  # (name, head heights from the crown), neck first
    #: Not "at the neck" when the person mask spans this many face widths across the crop ...
    neck_shoulders_width: float
    #: ... over at least this many head heights above the bottom edge (shoulders in the frame).
    neck_shoulders_shown_h: float


@dataclass(frozen=True)
class GroupRules:
    aspects: tuple[Aspect, ...]
    margin_h: float
    body_h: float
    shoulder_half_h: float
    score: float
    opens_as_group_min_people: int
    opens_as_group_min_head_share: float


@dataclass(frozen=True)
class CheckRules:
    max_yaw: float
    other_face_overlap: float
    cut_tolerance_h: float
    penalty_info: float
    penalty_warning: float
    penalty_problem: float


@dataclass(frozen=True)
class NeighbourRules:
    """How a one-person crop keeps other people's faces out of its edges."""

    cut_min_share: float  # share of a head inside the crop from which it counts as cut
    max_shift: float  # share of the crop width the subject may move off centre to avoid one
    step: float  # search step for shifts and tightening (share of the width / height)
    head_half_width_h: float  # a head's least half width from its ears' midpoint, in H
    #: ... behind a head in profile, growing linearly with |yaw| up to face ranking's profile
    #: (core.face_rank.PROFILE_YAW, profile_yaw in resources/faces.toml [ranking])
    turned_back_half_width_h: float


@dataclass(frozen=True)
class FramingRules:
    roll_threshold_deg: float
    scene_min_strength: float
    scene_max_deg: float
    auto_max_deg: float
    confident_max_yaw: float
    lines_min_strength: float
    headshot: HeadshotRules
    portrait: PortraitRules
    joints: JointRules
    group: GroupRules
    checks: CheckRules
    neighbours: NeighbourRules


@dataclass(frozen=True)
class IdRule:
    """One published ID photo rule, with its sizes turned into shares of the photo height."""

    id: str
    name: str
    print_size: tuple[float, float]  # (w, h) in ``unit``
    unit: str  # "mm" or "in"
    head_share: Range  # chin-to-crown as share of the height
    eye_from_bottom: Range  # eye line, share of the height from the bottom
    eye_rule_published: bool  # False when the ICAO default band stands in
    min_pixels: tuple[int, int]

    @property
    def aspect(self) -> Aspect:
        w, h = self.print_size
        scale = 1000
        wi, hi = round(w * scale), round(h * scale)
        g = math.gcd(wi, hi)
        return (wi // g, hi // g)

    def print_label(self) -> str:
        w, h = self.print_size
        return f"{w:g} x {h:g} {self.unit}"


# --- reading helpers -------------------------------------------------------------------------


def _leaf(key: str) -> str:
    """``"a.b.c"`` -> ``"c"``: error messages name the full key, lookups use the last part."""
    return key.rsplit(".", 1)[-1]


class _Reader:
    def __init__(self, source: Path) -> None:
        self.source = source

    def fail(self, key: str, why: str) -> FramingError:
        return FramingError(f"{self.source}: {key}: {why}")

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "missing table")
        return value

    def number(
        self, data: Mapping[str, Any], key: str, lo: float, hi: float, default: float | None = None
    ) -> float:
        value = data.get(_leaf(key), default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"expected a number, got {value!r}")
        if not lo <= float(value) <= hi:
            raise self.fail(key, f"{value} is outside {lo}..{hi}")
        return float(value)

    def range(self, data: Mapping[str, Any], key: str, lo: float, hi: float) -> Range:
        value = data.get(_leaf(key))
        if not isinstance(value, list) or len(value) != 2:
            raise self.fail(key, f"expected [min, max], got {value!r}")
        a = self.number({_leaf(key): value[0]}, key, lo, hi)
        b = self.number({_leaf(key): value[1]}, key, lo, hi)
        if a > b:
            raise self.fail(key, f"min {a} is above max {b}")
        return (a, b)

    def aspects(self, data: Mapping[str, Any], key: str) -> tuple[Aspect, ...]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, "expected a list of [w, h]")
        return tuple(self.aspect(item, key) for item in value)

    def aspect(self, item: Any, key: str) -> Aspect:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in item)
        ):
            raise self.fail(key, f"expected [w, h] positive integers, got {item!r}")
        return (int(item[0]), int(item[1]))

    def text(self, data: Mapping[str, Any], key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "expected a non-empty string")
        return value


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise FramingError(f"cannot read framing rules {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise FramingError(f"{path}: not valid TOML: {exc}") from exc


def parse_framing_rules(data: Mapping[str, Any], source: Path) -> FramingRules:
    r = _Reader(source)
    straighten = r.table(data, "straighten")
    hs = r.table(data, "headshot")
    variants_t = r.table(hs, "variants")
    variants = tuple(
        HeadshotVariant(
            name=name,
            head_share=r.number(v, f"headshot.variants.{name}.head_share", 0.05, 0.95),
            headroom=r.number(v, f"headshot.variants.{name}.headroom", 0.0, 0.5),
            score=r.number(v, f"headshot.variants.{name}.score", 0.0, 1.0),
        )
        for name, v in variants_t.items()
    )
    if not variants:
        raise r.fail("headshot.variants", "no variants")
    headshot = HeadshotRules(
        aspects=r.aspects(hs, "aspects"),
        eye_band=r.range(hs, "eye_band", 0.0, 1.0),
        max_head_share=r.number(hs, "max_head_share", 0.1, 1.0),
        max_tighten=r.number(hs, "max_tighten", 1.0, 4.0),
        max_hair_cut_h=r.number(hs, "max_hair_cut_h", 0.0, 0.4),
        centre_tolerance=r.number(hs, "centre_tolerance", 0.0, 0.5),
        variants=variants,
    )
    pt = r.table(data, "portrait")
    orient_t = r.table(pt, "orientations")
    framings_l = pt.get("framings")
    if not isinstance(framings_l, list) or not framings_l:
        raise r.fail("portrait.framings", "expected a list of framings")
    framings: list[PortraitFraming] = []
    for i, f in enumerate(framings_l):
        key = f"portrait.framings[{i}]"
        if not isinstance(f, dict):
            raise r.fail(key, "expected a table")
        needs_feet = f.get("needs_feet", False)
        if not isinstance(needs_feet, bool):
            raise r.fail(f"{key}.needs_feet", "expected true or false")
        framings.append(
            PortraitFraming(
                name=r.text(f, "name"),
                length_h=r.number(f, "length_h", 0.5, 12.0),
                score=r.number(f, "score", 0.0, 1.0),
                floor_room_h=r.number(f, "floor_room_h", 0.0, 3.0, default=0.0),
                needs_feet=needs_feet,
            )
        )
    lengths = [f.length_h for f in framings]
    if lengths != sorted(lengths):
        raise r.fail("portrait.framings", "framings must be listed from shortest to longest")
    env = r.table(pt, "environmental")
    portrait = PortraitRules(
        eye_from_top=r.number(pt, "eye_from_top", 0.1, 0.6),
        max_headroom=r.number(pt, "max_headroom", 0.0, 0.5),
        yaw_turned=r.number(pt, "yaw_turned", 0.0, 1.0),
        thirds=r.range(pt, "thirds", 0.0, 1.0),
        min_length_share=r.number(pt, "min_length_share", 0.1, 1.0),
        body_slack_h=r.number(pt, "body_slack_h", 0.0, 2.0),
        body_band_h=r.number(pt, "body_band_h", 0.5, 5.0),
        close_up_max_cut_h=r.number(pt, "close_up_max_cut_h", 0.0, 0.4),
        arms_chest_h=r.range(pt, "arms_chest_h", 0.5, 6.0),
        arms_search_to_h=r.number(pt, "arms_search_to_h", 1.0, 10.0),
        arms_widen=r.number(pt, "arms_widen", 1.0, 4.0),
        arms_hands_below_h=r.number(pt, "arms_hands_below_h", 0.0, 2.0),
        arms_margin_h=r.number(pt, "arms_margin_h", 0.0, 1.0),
        arms_length_range=r.range(pt, "arms_length_range", 0.5, 2.0),
        orientations=tuple(
            (name, r.aspect(v, f"portrait.orientations.{name}")) for name, v in orient_t.items()
        ),
        framings=tuple(framings),
        environmental_min_height_h=r.number(env, "min_height_h", 1.0, 20.0),
        environmental_score=r.number(env, "score", 0.0, 1.0),
    )
    jt = r.table(data, "joints")
    neck = r.table(data, "neck")
    joints = JointRules(
        tolerance_h=r.number(jt, "tolerance_h", 0.0, 1.0),
        joints=tuple(
            sorted(
                ((name, r.number(jt, name, 0.5, 12.0)) for name in jt if name != "tolerance_h"),
                key=lambda j: j[1],
            )
        ),
        neck_shoulders_width=r.number(neck, "shoulders_width", 0.5, 5.0),
        neck_shoulders_shown_h=r.number(neck, "shoulders_shown_h", 0.0, 2.0),
    )
    gt = r.table(data, "group")
    group = GroupRules(
        aspects=r.aspects(gt, "aspects"),
        margin_h=r.number(gt, "margin_h", 0.0, 5.0),
        body_h=r.number(gt, "body_h", 0.0, 8.0),
        shoulder_half_h=r.number(gt, "shoulder_half_h", 0.0, 5.0),
        score=r.number(gt, "score", 0.0, 1.0),
        opens_as_group_min_people=int(r.number(gt, "opens_as_group_min_people", 2, 1000)),
        opens_as_group_min_head_share=r.number(gt, "opens_as_group_min_head_share", 0.0, 1.0),
    )
    ct = r.table(data, "checks")
    st = r.table(data, "score")
    checks = CheckRules(
        max_yaw=r.number(ct, "max_yaw", 0.0, 1.0),
        other_face_overlap=r.number(ct, "other_face_overlap", 0.0, 1.0),
        cut_tolerance_h=r.number(ct, "cut_tolerance_h", 0.0, 0.5),
        penalty_info=r.number(st, "info", 0.0, 1.0),
        penalty_warning=r.number(st, "warning", 0.0, 1.0),
        penalty_problem=r.number(st, "problem", 0.0, 1.0),
    )
    nt = r.table(data, "neighbours")
    neighbours = NeighbourRules(
        cut_min_share=r.number(nt, "cut_min_share", 0.0, 1.0),
        max_shift=r.number(nt, "max_shift", 0.0, 0.5),
        step=r.number(nt, "step", 0.001, 0.2),
        head_half_width_h=r.number(nt, "head_half_width_h", 0.0, 1.0),
        turned_back_half_width_h=r.number(nt, "turned_back_half_width_h", 0.0, 1.5),
    )
    return FramingRules(
        roll_threshold_deg=r.number(straighten, "roll_threshold_deg", 0.0, 45.0),
        scene_min_strength=r.number(straighten, "scene_min_strength", 1.0, 12.0),
        scene_max_deg=r.number(straighten, "scene_max_deg", 0.0, 45.0),
        auto_max_deg=r.number(straighten, "auto_max_deg", 0.0, 45.0),
        confident_max_yaw=r.number(straighten, "confident_max_yaw", 0.0, 1.0),
        lines_min_strength=r.number(straighten, "lines_min_strength", 1.0, 12.0),
        headshot=headshot,
        portrait=portrait,
        joints=joints,
        group=group,
        checks=checks,
        neighbours=neighbours,
    )


@dataclass(frozen=True)
class IdRules:
    rules: tuple[IdRule, ...]
    max_yaw: float

    def rule(self, rule_id: str) -> IdRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        known = ", ".join(rule.id for rule in self.rules)
        raise FramingError(f"unknown ID photo rule {rule_id!r} (known: {known})")


def parse_id_rules(data: Mapping[str, Any], source: Path) -> IdRules:
    r = _Reader(source)
    ppi = r.number(data, "print_ppi", 50, 2400)
    default_eye = r.range(data, "default_eye_from_bottom", 0.0, 1.0)
    raw = data.get("rule")
    if not isinstance(raw, list) or not raw:
        raise r.fail("rule", "expected [[rule]] entries")
    rules: list[IdRule] = []
    for i, item in enumerate(raw):
        key = f"rule[{i}]"
        if not isinstance(item, dict):
            raise r.fail(key, "expected a table")
        unit = r.text(item, "unit")
        if unit not in ("mm", "in"):
            raise r.fail(f"{key}.unit", f"expected 'mm' or 'in', got {unit!r}")
        size = item.get("print_size")
        if not isinstance(size, list) or len(size) != 2:
            raise r.fail(f"{key}.print_size", "expected [w, h]")
        pw = r.number({"print_size": size[0]}, f"{key}.print_size", 0.1, 1000)
        ph = r.number({"print_size": size[1]}, f"{key}.print_size", 0.1, 1000)
        if "head_share" in item:
            head = r.range(item, "head_share", 0.05, 1.0)
        elif "head_size" in item:
            lo, hi = r.range(item, "head_size", 0.0, ph)
            head = (lo / ph, hi / ph)
        else:
            raise r.fail(key, "needs head_share or head_size")
        published = True
        if "eye_from_bottom" in item:
            eye = r.range(item, "eye_from_bottom", 0.0, 1.0)
        elif "eye_size_from_bottom" in item:
            lo, hi = r.range(item, "eye_size_from_bottom", 0.0, ph)
            eye = (lo / ph, hi / ph)
        else:
            eye, published = default_eye, False
        per_unit = ppi / (MM_PER_INCH if unit == "mm" else 1.0)
        if "min_pixels" in item:
            mp = item["min_pixels"]
            if not isinstance(mp, list) or len(mp) != 2 or not all(isinstance(v, int) for v in mp):
                raise r.fail(f"{key}.min_pixels", "expected [w, h] integers")
            min_px = (int(mp[0]), int(mp[1]))
        else:
            min_px = (round(pw * per_unit), round(ph * per_unit))
        rules.append(
            IdRule(
                id=r.text(item, "id"),
                name=r.text(item, "name"),
                print_size=(pw, ph),
                unit=unit,
                head_share=head,
                eye_from_bottom=eye,
                eye_rule_published=published,
                min_pixels=min_px,
            )
        )
    ids = [rule.id for rule in rules]
    if len(set(ids)) != len(ids):
        raise r.fail("rule", f"duplicate ids in {ids}")
    return IdRules(rules=tuple(rules), max_yaw=r.number(data, "max_yaw", 0.0, 1.0))


@lru_cache(maxsize=4)
def load_framing_rules(path: Path | None = None) -> FramingRules:
    source = path or resource_path("framing.toml")
    return parse_framing_rules(_load_toml(source), source)


@lru_cache(maxsize=4)
def load_id_rules(path: Path | None = None) -> IdRules:
    source = path or resource_path("id_photos.toml")
    return parse_id_rules(_load_toml(source), source)
