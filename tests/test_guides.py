"""core.guides: every guide is plain shapes inside the crop, built from resources/guides.toml."""

from __future__ import annotations

import pytest

from core.errors import PresetError
from core.framing.rules import load_framing_rules, load_id_rules
from core.geometry import Box, Point, rotate_point
from core.guides import (
    GUIDE_KINDS,
    Band,
    Ellipse,
    GuideSettings,
    Line,
    Polyline,
    Shape,
    all_guide_shapes,
    guide_config,
    guide_shapes,
    id_rule_for,
    next_guide_cycle,
    next_orientation,
    parse_guide_config,
)
from tests.framing_factory import make_face

CROP = Box(100.0, 50.0, 800.0, 1000.0)


def points_of(shape: Shape) -> list[Point]:
    if isinstance(shape, Line):
        return [shape.p1, shape.p2]
    if isinstance(shape, Polyline):
        return list(shape.points)
    b = shape.box
    return [Point(b.left, b.top), Point(b.right, b.bottom)]


def settings_for(kind: str, **kw: object) -> GuideSettings:
    return GuideSettings(enabled=frozenset({kind}), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", GUIDE_KINDS)
@pytest.mark.parametrize("crop", [CROP, Box(0, 0, 1600, 900), Box(10, 10, 500, 500)])
def test_every_kind_gives_shapes_inside_the_crop(kind: str, crop: Box) -> None:
    face = make_face(crop.cx, crop.y + 0.36 * crop.h, 0.45 * crop.h)
    rule = load_id_rules().rule("icao")
    shapes = guide_shapes(kind, crop, settings_for(kind), face=face, id_rule=rule)
    assert shapes, kind
    for shape in shapes:
        for p in points_of(shape):
            assert crop.contains_point(p, tol=1e-6), (kind, shape)


def test_thirds_grid_phi_positions() -> None:
    xs = sorted(s.p1.x for s in guide_shapes("thirds", CROP, GuideSettings()) if s.p1.x == s.p2.x)  # type: ignore[union-attr]
    assert xs == pytest.approx([100 + 800 / 3, 100 + 1600 / 3])
    grid = guide_shapes("grid", CROP, GuideSettings(grid_divisions=5))
    assert len(grid) == 8  # 4 vertical + 4 horizontal
    phi = guide_shapes("phi", CROP, GuideSettings())
    ys = sorted(s.p1.y for s in phi if isinstance(s, Line) and s.p1.y == s.p2.y)
    assert ys == pytest.approx([50 + 0.381966 * 1000, 50 + 0.618034 * 1000], abs=0.01)


def test_spiral_orientations_all_differ_and_start_at_a_corner() -> None:
    spirals = []
    for o in range(4):
        (spiral,) = guide_shapes("spiral", CROP, GuideSettings(orientation=o))
        assert isinstance(spiral, Polyline)
        spirals.append(tuple((round(p.x, 3), round(p.y, 3)) for p in spiral.points))
        first = spiral.points[0]
        corners = {(CROP.left, CROP.top), (CROP.right, CROP.top)}
        corners |= {(CROP.left, CROP.bottom), (CROP.right, CROP.bottom)}
        assert (round(first.x, 6), round(first.y, 6)) in corners
    assert len(set(spirals)) == 4
    eyes = {s[-1] for s in spirals}
    assert len(eyes) == 4  # the eye sits near a different corner each time
    # The eye (last point) converges on the spiral's pole, 1 / (1 + phi^2) = 0.276 of the crop
    # from two sides (where a diagonal meets the perpendicular from a corner).
    pole = 1.0 / (1.0 + ((1 + 5**0.5) / 2) ** 2)
    for o in range(4):
        (spiral,) = guide_shapes("spiral", CROP, GuideSettings(orientation=o))
        eye = spiral.points[-1]  # type: ignore[union-attr]
        u, v = (eye.x - CROP.x) / CROP.w, (eye.y - CROP.y) / CROP.h
        assert min(abs(u - pole), abs(u - (1 - pole))) < 0.01
        assert min(abs(v - pole), abs(v - (1 - pole))) < 0.01


def test_triangles_perpendiculars_meet_the_diagonal_at_right_angles() -> None:
    for o in (0, 1):
        diagonal, *perps = guide_shapes("triangles", CROP, GuideSettings(orientation=o))
        assert isinstance(diagonal, Line)
        dx, dy = diagonal.p2.x - diagonal.p1.x, diagonal.p2.y - diagonal.p1.y
        for p in perps:
            assert isinstance(p, Line)
            px, py = p.p2.x - p.p1.x, p.p2.y - p.p1.y
            assert dx * px + dy * py == pytest.approx(0.0, abs=1e-6)
    a = guide_shapes("triangles", CROP, GuideSettings(orientation=0))
    b = guide_shapes("triangles", CROP, GuideSettings(orientation=1))
    assert a != b


def test_headshot_template_lines_sit_at_the_face() -> None:
    face = make_face(500, 400, 300)
    shapes = guide_shapes("headshot", CROP, GuideSettings(), face=face)
    by_label = {s.label: s for s in shapes if isinstance(s, Line) and s.role == "face"}
    assert by_label["crown"].p1.y == pytest.approx(face.crown_y)
    assert by_label["eyes"].p1.y == pytest.approx(face.eye_line_y)
    assert by_label["chin"].p1.y == pytest.approx(face.chin_y)
    bands = {s.label: s for s in shapes if isinstance(s, Band)}
    assert bands["eyes"].box.top == pytest.approx(CROP.y + 0.30 * CROP.h)
    assert bands["eyes"].box.bottom == pytest.approx(CROP.y + 0.42 * CROP.h)
    # The headroom band spans the headshot variants' headroom (framing.toml's numbers).
    headrooms = [v.headroom for v in load_framing_rules().headshot.variants]
    assert bands["headroom"].box.top == pytest.approx(CROP.y + min(headrooms) * CROP.h)
    assert bands["headroom"].box.bottom == pytest.approx(CROP.y + max(headrooms) * CROP.h)
    # Chin targets measured from the detected crown (standard head = 0.48 of the crop height).
    ticks = {s.label: s for s in shapes if isinstance(s, Line) and s.role == "target" and s.label}
    assert ticks["standard"].p1.y == pytest.approx(face.crown_y + 0.48 * CROP.h)
    # Without a face only the targets remain.
    plain = guide_shapes("headshot", CROP, GuideSettings())
    assert {s.role for s in plain} == {"target"}


def test_headshot_template_follows_the_face_into_a_rotated_crop() -> None:
    face = make_face(500, 400, 300, roll_deg=6.0)
    size = (1000, 1200)
    shapes = guide_shapes(
        "headshot", CROP, GuideSettings(), face=face, angle_deg=6.0, image_size=size
    )
    eyes = next(s for s in shapes if isinstance(s, Line) and s.label == "eyes")
    expected = rotate_point(face.eye_center, Point(500, 600), 6.0).y
    assert eyes.p1.y == pytest.approx(expected)
    with pytest.raises(ValueError, match="image_size"):
        guide_shapes("headshot", CROP, GuideSettings(), face=face, angle_deg=6.0)


def test_id_bands_follow_the_rule() -> None:
    rule = load_id_rules().rule("icao")
    crop = Box(0, 0, 700, 900)
    shapes = guide_shapes("id_bands", crop, GuideSettings(id_rule="icao"), id_rule=rule)
    bands = {s.label: s for s in shapes if isinstance(s, Band)}
    # Eye line 50-60 % up from the bottom.
    assert bands["eyes"].box.top == pytest.approx(0.40 * 900)
    assert bands["eyes"].box.bottom == pytest.approx(0.50 * 900)
    assert set(bands) == {"eyes", "crown", "chin"}
    assert id_rule_for(GuideSettings(id_rule="icao")) == rule
    assert id_rule_for(GuideSettings()) is None
    assert guide_shapes("id_bands", crop, GuideSettings()) == []


def test_ratio_frames_are_centred_and_oriented_like_the_crop() -> None:
    frames = guide_shapes("ratios", CROP, GuideSettings())
    labels = {s.label for s in frames}
    assert labels == {"1:1", "9:16"}  # the crop is 4:5 already
    for f in frames:
        assert isinstance(f, Polyline) and f.closed
        xs, ys = [p.x for p in f.points], [p.y for p in f.points]
        assert (min(xs) + max(xs)) / 2 == pytest.approx(CROP.cx)
        assert (min(ys) + max(ys)) / 2 == pytest.approx(CROP.cy)
    wide = guide_shapes("ratios", Box(0, 0, 1600, 900), GuideSettings())
    assert {s.label for s in wide} == {"1:1", "5:4"}  # 9:16 turned to 16:9 is the crop itself


def test_circle_is_the_one_a_circle_avatar_export_shows() -> None:
    from core.framing.plan import CropChoice, refit

    (centred,) = guide_shapes("circle", CROP, GuideSettings())  # no photo size: centred
    assert isinstance(centred, Ellipse)
    assert centred.box == Box(100, 150, 800, 800)
    # A 2:3 crop: the avatar is cut from the crop re-fitted to a square, anchored at its upper
    # third, so the circle keeps the top of the head instead of the crop's middle.
    tall = Box(400.0, 100.0, 600.0, 900.0)
    (circle,) = guide_shapes("circle", tall, GuideSettings(), image_size=(2000, 1500))
    assert isinstance(circle, Ellipse)
    square = refit(CropChoice(box=tall), (1, 1), 2000, 1500)
    assert circle.box == square
    assert circle.box.top == pytest.approx(tall.top)
    assert circle.box.w == pytest.approx(tall.h)


def test_cycle_and_orientation_keys() -> None:
    s = GuideSettings(enabled=frozenset({"thirds"}))
    seen = [s.enabled]
    for _ in range(len(guide_config().cycle) - 1):  # the ID entry is skipped
        s = next_guide_cycle(s)
        seen.append(s.enabled)
    assert seen[1] == frozenset({"grid"})
    assert frozenset({"id_bands"}) not in seen  # no ID rule chosen
    assert seen[-1] == seen[0]  # it wraps round
    with_rule = next_guide_cycle(GuideSettings(enabled=frozenset({"headshot"}), id_rule="us"))
    assert with_rule.enabled == frozenset({"id_bands"})
    o = GuideSettings()
    orientations = []
    for _ in range(5):
        orientations.append(o.orientation)
        o = next_orientation(o)
    assert orientations == [0, 1, 2, 3, 0]


def test_several_guides_at_once_and_modes() -> None:
    s = GuideSettings(enabled=frozenset({"thirds", "center", "circle"}))
    shapes = all_guide_shapes(CROP, s)
    assert len(shapes) == 4 + 2 + 1
    assert GuideSettings(mode="always").visible(dragging=False)
    assert not GuideSettings(mode="dragging").visible(dragging=False)
    assert GuideSettings(mode="dragging").visible(dragging=True)
    assert not GuideSettings(mode="never").visible(dragging=True)
    assert s.toggled("center").enabled == frozenset({"thirds", "circle"})
    with pytest.raises(ValueError):
        s.toggled("nonsense")
    with pytest.raises(ValueError):
        guide_shapes("nonsense", CROP, s)


def test_bad_guides_file_is_a_clear_error() -> None:
    with pytest.raises(PresetError, match="unknown guide"):
        parse_guide_config({"cycle": [["thirds", "sprial"]]})
    with pytest.raises(PresetError, match="malformed"):
        parse_guide_config({"cycle": [["thirds"]]})
    with pytest.raises(PresetError, match="titles for unknown guide"):
        parse_guide_config({"cycle": [["thirds"]], "titles": {"sprial": "Golden spiral"}})


def test_every_guide_has_a_title_from_the_data_file() -> None:
    config = guide_config()
    assert {kind for kind, _title in config.titles} == set(GUIDE_KINDS)
    assert config.title("spiral") == "Golden spiral"
    assert config.title("center") == "Centre cross"


def test_headshot_template_draws_framings_own_numbers() -> None:
    # The overlay repeated framing.toml's eye band, headroom band and head shares: changing the
    # tight headroom left the overlay wrong. It reads them from the framing rules now.
    import dataclasses

    import tomllib

    from core.paths import resource_path

    rules = load_framing_rules()
    with resource_path("guides.toml").open("rb") as fh:
        data = tomllib.load(fh)
    assert "headshot" not in data
    config = parse_guide_config(data)
    assert config.eye_band == rules.headshot.eye_band
    headrooms = [v.headroom for v in rules.headshot.variants]
    assert config.headroom_band == (min(headrooms), max(headrooms))
    assert dict(config.head_height_targets) == {
        v.name: v.head_share for v in rules.headshot.variants
    }
    tighter = [
        dataclasses.replace(v, headroom=0.05, head_share=0.65) if v.name == "tight" else v
        for v in rules.headshot.variants
    ]
    changed = dataclasses.replace(
        rules, headshot=dataclasses.replace(rules.headshot, variants=tuple(tighter))
    )
    config = parse_guide_config(data, changed)
    assert config.headroom_band[0] == 0.05
    assert dict(config.head_height_targets)["tight"] == 0.65
