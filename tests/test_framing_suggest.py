"""suggest_all / suggestion_for across genres on factory faces: properties and rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import FramingError
from core.faces import Analysis, PersonMask
from core.framing import (
    first_suggestion,
    is_group_photo,
    manual_suggestion,
    suggest_all,
    suggestion_for,
)
from core.framing.rotation import box_inside, from_frame, valid_area
from core.framing.rules import load_framing_rules, load_id_rules, parse_framing_rules
from core.framing.subject import frame_face
from core.geometry import Box, Point
from tests.framing_factory import make_analysis, make_face


def codes(s: object) -> set[str]:
    return {w.code for w in s.warnings}  # type: ignore[attr-defined]


def test_suggest_all_on_a_full_figure_offers_every_genre_in_order() -> None:
    # A standing adult: crown at 300, head 250 px, 8 H tall, feet at 2300 in a 2400 px photo.
    a = make_analysis(3600, 2400, make_face(1800, 425, 250))
    out = suggest_all(a)
    genres = [s.genre for s in out]
    assert genres == sorted(genres, key=["headshot", "portrait", "group", "id"].index)
    assert "group" not in genres  # one face
    framings = {s.framing for s in out if s.genre == "portrait"}
    assert {"close-up", "head-and-shoulders", "half-length", "three-quarter"} <= framings
    assert {s.framing for s in out if s.genre == "id"} == {r.id for r in load_id_rules().rules}
    assert len({s.id for s in out}) == len(out)
    assert "headshot-standard-4x5-s0" in {s.id for s in out}
    for s in out:
        assert s.score == pytest.approx(max(0.0, min(1.0, s.score)))


def test_portrait_lengths_and_feasibility() -> None:
    a = make_analysis(3600, 2400, make_face(1800, 425, 250))
    ff = frame_face(a, 0, 0.0)
    hs = suggestion_for(a, genre="portrait", framing="head-and-shoulders", aspect=(2, 3))
    assert ff.in_h(hs.box.bottom) == pytest.approx(2.0, abs=0.05)
    half = suggestion_for(a, genre="portrait", framing="half-length", aspect=(2, 3))
    assert ff.in_h(half.box.bottom) == pytest.approx(3.2, abs=0.05)
    # Eyes on the upper third (or the crown at the headroom cap for long framings).
    assert (ff.eye.y - hs.box.top) / hs.box.h == pytest.approx(1 / 3, abs=0.02)
    # Without a mask the photo bottom limits the body: 2400 px is 8.4 H under the crown.
    short = make_analysis(3000, 1000, make_face(1500, 300, 250))
    with pytest.raises(FramingError, match="three-quarter needs"):
        suggestion_for(short, genre="portrait", framing="three-quarter", aspect=(2, 3))
    assert not any(s.framing == "three-quarter" for s in suggest_all(short))


def test_bottom_edges_avoid_joints() -> None:
    rules = load_framing_rules()
    a = make_analysis(3600, 2400, make_face(1800, 425, 250))
    ff = frame_face(a, 0, 0.0)
    for s in suggest_all(a):
        if s.genre != "portrait":
            continue
        at = ff.in_h(s.box.bottom)
        for _name, where in rules.joints.joints:
            assert abs(at - where) > rules.joints.tolerance_h - 1e-6 or s.box.bottom >= 2400 - 1, (
                s.id,
                at,
            )


def test_group_framing_even_margins_and_per_person_headshots() -> None:
    faces = [make_face(600 + 500 * i, 800 + (60 if i % 2 else 0), 200) for i in range(5)]
    a = make_analysis(4000, 3000, *faces)
    out = suggest_all(a)
    groups = [s for s in out if s.genre == "group"]
    assert {s.aspect for s in groups} >= {(3, 2), (16, 9)}
    g = next(s for s in groups if s.aspect == (3, 2))
    left_room = min(f.head_box.left for f in faces) - g.box.left
    right_room = g.box.right - max(f.head_box.right for f in faces)
    assert left_room == pytest.approx(right_room, abs=2)
    for f in faces:
        assert g.box.contains_box(f.head_box)
    assert g.subject is None and "faces-cut" not in codes(g)
    assert {s.subject for s in out if s.genre == "headshot"} == set(range(5))


def test_a_group_photo_opens_on_its_group_framing() -> None:
    people = [make_face(x, 700, 300) for x in (800, 1500, 2200)]
    group = make_analysis(3000, 2000, *people)
    assert is_group_photo(group)
    first = first_suggestion(group, suggest_all(group))
    assert first is not None and first.genre == "group"
    assert all(first.box.contains_box(f.box) for f in group.faces)
    # A portrait with two small bystanders, or a couple: the subject's standard headshot.
    bystanders = make_analysis(
        3000, 2000, make_face(1500, 700, 500), make_face(400, 600, 120), make_face(2600, 650, 130)
    )
    couple = make_analysis(3000, 2000, make_face(1100, 700, 300), make_face(1900, 700, 300))
    for photo in (bystanders, couple):
        assert not is_group_photo(photo)
        first = first_suggestion(photo, suggest_all(photo))
        assert first is not None and first.genre == "headshot" and first.subject == 0
        assert (first.framing, first.aspect) == ("standard", (4, 5))
    assert first_suggestion(make_analysis(3000, 2000), []) is None


def test_one_persons_tilt_is_not_a_check_for_a_crop_of_several() -> None:
    tilted = make_face(800, 700, 300, roll_deg=6.0)
    group = make_analysis(3000, 2000, tilted, make_face(1500, 700, 290), make_face(2200, 700, 280))
    everyone = manual_suggestion(
        group, Box(400, 300, 2200, 1400), aspect=None, angle_deg=0.0, subject=0
    )
    assert "roll-not-corrected" not in codes(everyone)
    alone = manual_suggestion(group, Box(550, 350, 500, 700), aspect=None, angle_deg=0.0, subject=0)
    assert "roll-not-corrected" in codes(alone)


def test_group_too_wide_for_the_aspect_says_so() -> None:
    faces = [make_face(200 + 800 * i, 300, 150) for i in range(5)]
    a = make_analysis(3600, 700, *faces)
    s = suggestion_for(a, genre="group", framing="group", aspect=(1, 1))
    assert "faces-cut" in codes(s)
    kept = [s for s in suggest_all(a) if s.genre == "group"]
    assert len(kept) >= 1


def test_id_rule_reports_missing_room_above_the_crown() -> None:
    # The crown is cut by the top edge: no room for the rule's space above the head.
    a = make_analysis(1200, 1600, make_face(600, 110, 300))
    s = suggestion_for(a, genre="id", framing="icao", aspect=(7, 9))
    msgs = " ".join(w.message for w in s.warnings if w.code.startswith("id-"))
    assert "above the crown" in msgs
    roomy = make_analysis(2400, 3200, make_face(1200, 1200, 700))
    ok = suggestion_for(roomy, genre="id", framing="icao", aspect=(35, 45))
    assert not {c for c in codes(ok) if c.startswith("id-")}
    ff = frame_face(roomy, 0, 0.0)
    assert 0.70 <= ff.head_height / ok.box.h <= 0.80
    assert 0.50 <= (ok.box.bottom - ff.eye.y) / ok.box.h <= 0.60
    with pytest.raises(FramingError, match="not 1:1"):
        suggestion_for(roomy, genre="id", framing="icao", aspect=(1, 1))
    with pytest.raises(FramingError, match="unknown ID photo rule"):
        suggestion_for(roomy, genre="id", framing="mars", aspect=(1, 1))


def test_unknown_genre_and_framing() -> None:
    a = make_analysis(1000, 1000, make_face(500, 400, 150))
    with pytest.raises(FramingError, match="unknown genre"):
        suggestion_for(a, genre="landscape", framing="x", aspect=(1, 1))
    with pytest.raises(FramingError, match="unknown portrait framing"):
        suggestion_for(a, genre="portrait", framing="cowboy", aspect=(1, 1))


def test_rules_file_validation(tmp_path: Path) -> None:
    import tomllib

    from core.paths import resource_path

    data = tomllib.loads(resource_path("framing.toml").read_text())
    data["headshot"]["variants"]["tight"]["head_share"] = 1.7
    with pytest.raises(FramingError, match=r"headshot\.variants\.tight\.head_share"):
        parse_framing_rules(data, tmp_path / "framing.toml")


@st.composite
def scenes(draw: st.DrawFn) -> tuple[int, int, list[tuple[float, float, float, float, float]]]:
    w = draw(st.integers(200, 4000))
    h = draw(st.integers(200, 4000))
    n = draw(st.integers(1, 3))
    faces = []
    for _ in range(n):
        head = draw(st.floats(0.04, 0.35)) * min(w, h)
        cx = draw(st.floats(0.5 * head, w - 0.5 * head))
        eye = draw(st.floats(0.6 * head, h - 0.6 * head))
        roll = draw(st.sampled_from([0.0, 0.0, 3.0, -6.0]))
        yaw = draw(st.floats(-0.6, 0.6))
        faces.append((cx, eye, head, roll, yaw))
    return w, h, faces


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes())
def test_every_suggestion_is_inside_exact_and_keeps_the_eyes(
    scene: tuple[int, int, list[tuple[float, float, float, float, float]]],
) -> None:
    w, h, specs = scene
    a = make_analysis(w, h, *(make_face(cx, e, hh, roll_deg=r, yaw=y) for cx, e, hh, r, y in specs))
    for s in suggest_all(a):
        b = s.box
        assert box_inside(b, w, h, s.angle_deg, tol=1e-6), s.id
        if s.angle_deg:
            # Every corner maps back inside the upright photo (no empty corners).
            for x, y in (
                (b.left, b.top),
                (b.right, b.top),
                (b.left, b.bottom),
                (b.right, b.bottom),
            ):
                q = from_frame(Point(x, y), w, h, s.angle_deg)
                assert -1e-6 <= q.x <= w + 1e-6 and -1e-6 <= q.y <= h + 1e-6
        aw, ah = s.aspect
        assert abs(b.w / b.h - aw / ah) * b.h <= 1.0, s.id
        if s.subject is not None:
            ff = frame_face(a, s.subject, s.angle_deg)
            assert "eyes-cut" not in codes(s), s.id
            assert all(b.contains_point(p, tol=0.5) for p in ff.eyes), s.id
            if s.genre == "headshot" and not b.contains_box(ff.face_box, tol=1.0):
                # Only a photo without room for the tightest headshot may cut the face, and the
                # checks must say so.
                assert codes(s) & {"crown-cut", "chin-cut", "face-cut"}, s.id
                assert codes(s) & {"tighter-crop", "subject-shifted"}, s.id


def test_valid_area_matches_rotated_corners() -> None:
    # The valid area's half-planes agree with mapping points back into the upright photo.
    w, h, angle = 640, 480, 11.0
    planes = valid_area(w, h, angle)
    for x in range(0, w + 1, 40):
        for y in range(0, h + 1, 40):
            q = from_frame(Point(x, y), w, h, angle)
            inside_photo = 0 <= q.x <= w and 0 <= q.y <= h
            assert inside_photo == all(p.slack(x, y) >= -1e-9 for p in planes)
    assert box_inside(Box(100, 100, 50, 50), w, h, angle)
    assert not box_inside(Box(0, 0, 50, 50), w, h, angle)


def _with_body(
    width: int, height: int, cx: float, eye: float, head: float, feet: float
) -> Analysis:
    """A factory face plus a person mask whose body runs from the head down to ``feet``."""
    scale = 4.0
    conf = np.zeros((int(height / scale), int(width / scale)), dtype=np.float32)
    top = int((eye - head / 2) / scale)
    conf[top : int(feet / scale), int((cx - head) / scale) : int((cx + head) / scale)] = 1.0
    face = make_face(cx, eye, head)
    return Analysis(
        path=Path("body.jpg"),
        width=width,
        height=height,
        faces=(face,),
        person_mask=PersonMask(conf, scale),
    )


def test_person_mask_decides_which_framings_are_offered() -> None:
    # Whole figure: crown at 350, head 250, feet 7.8 H under the crown at 2300, floor to 2800.
    whole = _with_body(3000, 2800, 1500, 475, 250, 2300)
    out = {s.framing: s for s in suggest_all(whole) if s.genre == "portrait" and s.aspect == (2, 3)}
    assert {"half-length", "three-quarter", "full-length"} <= set(out)
    full = out["full-length"]
    assert full.box.bottom == pytest.approx(2300 + 0.35 * 250, abs=3)  # feet plus floor room
    assert full.box.top < 350
    # Body ends at the waist (a desk hides the rest): nothing longer than half-length.
    waist = _with_body(3000, 2600, 1500, 325, 250, 200 + 3.3 * 250)
    framings = {s.framing for s in suggest_all(waist) if s.genre == "portrait"}
    assert "half-length" in framings
    assert not framings & {"three-quarter", "full-length"}
    with pytest.raises(FramingError, match="full-length"):
        suggestion_for(waist, genre="portrait", framing="full-length", aspect=(2, 3))
