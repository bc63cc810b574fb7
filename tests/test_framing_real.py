"""Framing through the real detector on real photos (package photos and photos the tests make)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from app import run_command
from core.detection import FaceAnalyzer
from core.faces import Analysis
from core.framing import first_suggestion, suggest_all, suggestion_for
from core.framing.rotation import box_inside
from core.framing.rules import load_framing_rules, load_id_rules
from core.framing.subject import frame_face
from core.suggestion import Suggestion
from tests.photo_samples import make_group_photo


@pytest.fixture(scope="module")
def astronaut(analyzer: FaceAnalyzer, astronaut_path: Path) -> Analysis:
    return analyzer.analyze_path(astronaut_path)[1]


@pytest.fixture(scope="module")
def camera(analyzer: FaceAnalyzer, camera_path: Path) -> Analysis:
    return analyzer.analyze_path(camera_path)[1]


def codes(s: Suggestion) -> set[str]:
    return {w.code for w in s.warnings}


def test_astronaut_standard_headshot(astronaut: Analysis) -> None:
    s = suggestion_for(astronaut, genre="headshot", framing="standard", aspect=(4, 5))
    ff = frame_face(astronaut, 0, s.angle_deg)
    b = s.box
    assert 0.30 <= (ff.eye.y - b.top) / b.h <= 0.42
    assert abs(ff.cx - b.cx) <= 0.05 * b.w
    assert b.top <= ff.crown_y  # crown inside the frame
    assert b.bottom >= ff.chin_y
    assert box_inside(b, astronaut.width, astronaut.height, s.angle_deg)
    assert abs(b.w / b.h - 0.8) * b.h <= 1


def test_astronaut_tilt_is_levelled(astronaut: Analysis) -> None:
    roll = astronaut.faces[0].roll_deg
    assert abs(roll) > 1.5  # the astronaut's head is tilted about 3 degrees
    levelled = 0
    for s in suggest_all(astronaut):
        assert box_inside(s.box, astronaut.width, astronaut.height, s.angle_deg)
        if s.angle_deg:
            levelled += 1
            assert s.angle_deg == pytest.approx(roll)
            assert "roll-not-corrected" not in codes(s)
        else:
            # Kept upright only where the levelled photo had no room, and it says so.
            assert "roll-not-corrected" in codes(s)
    assert levelled >= 10
    standard = suggestion_for(astronaut, genre="headshot", framing="standard", aspect=(4, 5))
    assert standard.angle_deg == pytest.approx(roll)


def test_portrait_framings_grow_in_order_and_need_the_body(camera: Analysis) -> None:
    order = ["close-up", "head-and-shoulders", "half-length", "three-quarter", "full-length"]
    suggestions = [s for s in suggest_all(camera) if s.genre == "portrait"]
    ff = frame_face(camera, 0, 0.0)
    for aspect in [(2, 3), (1, 1)]:
        got = {s.framing: s for s in suggestions if s.aspect == aspect}
        present = [f for f in order if f in got]
        assert present[:3] == ["close-up", "head-and-shoulders", "half-length"], present
        lengths = [ff.in_h(got[f].box.bottom) for f in present]
        assert lengths == sorted(lengths)
        assert [got[f].box.h for f in present] == sorted(got[f].box.h for f in present)
    # The photo ends at the man's thighs: no full-length framing is offered.
    assert not any(s.framing == "full-length" for s in suggestions)
    assert len({s.id for s in suggestions}) == len(suggestions)


def test_look_room_follows_the_turn(
    analyzer: FaceAnalyzer, camera_path: Path, tmp_path: Path
) -> None:
    mirrored = tmp_path / "camera_mirrored.png"
    ImageOps.mirror(Image.open(camera_path)).save(mirrored)
    placements = []
    for path in (camera_path, mirrored):
        a = analyzer.analyze_path(path)[1]
        s = suggestion_for(a, genre="portrait", framing="head-and-shoulders", aspect=(3, 2))
        ff = frame_face(a, 0, s.angle_deg)
        placements.append((a.faces[0].yaw, (ff.cx - s.box.left) / s.box.w))
    (yaw, x), (yaw_m, x_m) = placements
    # The cameraman looks toward image-right: he sits on the left third with space on the right;
    # mirrored, he moves to the right third.
    assert yaw > 0 > yaw_m
    assert x == pytest.approx(1 / 3, abs=0.05)
    assert x_m == pytest.approx(2 / 3, abs=0.05)


def test_group_framing_holds_every_face(
    analyzer: FaceAnalyzer, astronaut_path: Path, grace_hopper_path: Path, tmp_path: Path
) -> None:
    group = make_group_photo(
        [astronaut_path, grace_hopper_path, astronaut_path], portrait_height=400, stagger=200
    )
    a = analyzer.analyze_path(group.save(tmp_path / "group.png"))[1]
    assert len(a.faces) == 3
    every = [s for s in suggest_all(a) if s.genre == "group"]
    # Every group aspect is offered (stable ids); one that cannot hold everyone names who is cut.
    assert {s.aspect for s in every} == set(load_framing_rules().group.aspects)
    groups = [s for s in every if "faces-cut" not in codes(s)]
    assert groups
    for s in every:
        if s not in groups:
            assert any("faces " in w.message for w in s.warnings if w.code == "faces-cut")
    for s in groups:
        for i, face in enumerate(a.faces):
            ff = frame_face(a, i, 0.0)
            assert s.box.contains_box(face.box, tol=1.0)
            assert s.box.top <= ff.crown_y
    per_person = {s.subject for s in suggest_all(a) if s.genre == "headshot"}
    assert per_person == {0, 1, 2}
    # Three people of about the same size: the photo opens on the group, not one headshot.
    first = first_suggestion(a, suggest_all(a))
    assert first is not None and first.genre == "group"


@pytest.mark.parametrize("rule_id", ["icao", "us"])
def test_id_photo_meets_its_rule_or_says_why(
    analyzer: FaceAnalyzer, grace_hopper_path: Path, tmp_path: Path, rule_id: str
) -> None:
    rule = load_id_rules().rule(rule_id)
    small = analyzer.analyze_path(grace_hopper_path)[1]
    big_path = tmp_path / "grace_big.png"
    with Image.open(grace_hopper_path) as im:
        im.resize((im.width * 3, im.height * 3), Image.Resampling.LANCZOS).save(big_path)
    big = analyzer.analyze_path(big_path)[1]
    for a in (small, big):
        s = suggestion_for(a, genre="id", framing=rule_id, aspect=rule.aspect)
        ff = frame_face(a, 0, s.angle_deg)
        b = s.box
        head = ff.head_height / b.h
        eye = (b.bottom - ff.eye.y) / b.h
        slack = 1.5 / b.h
        head_ok = rule.head_share[0] - slack <= head <= rule.head_share[1] + slack
        eye_ok = rule.eye_from_bottom[0] - slack <= eye <= rule.eye_from_bottom[1] + slack
        assert head_ok == ("id-head-height" not in codes(s))
        assert eye_ok == ("id-eye-line" not in codes(s))
        small_crop = b.w < rule.min_pixels[0] or b.h < rule.min_pixels[1]
        assert small_crop == ("id-resolution" in codes(s))
        for w in s.warnings:
            if w.code.startswith("id-"):
                assert rule_id in w.message
    # Three times larger, the same portrait meets the whole rule.
    s = suggestion_for(big, genre="id", framing=rule_id, aspect=rule.aspect)
    assert not {c for c in codes(s) if c.startswith("id-")}


def test_suggest_command_json(astronaut_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command("suggest", [str(astronaut_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["image"]["width"] == 512 and len(data["faces"]) == 1
    first = data["suggestions"][0]
    assert first["id"].startswith("headshot-")
    fields = {
        "id",
        "genre",
        "framing",
        "aspect",
        "box",
        "angle_deg",
        "subject",
        "score",
        "warnings",
    }
    assert fields <= set(first)
    genres = [s["genre"] for s in data["suggestions"]]
    assert genres == sorted(genres, key=["headshot", "portrait", "group", "id"].index)
    assert "headshot-standard-4x5-s0" in {s["id"] for s in data["suggestions"]}


def test_suggest_command_table_no_face_and_bad_subject(
    astronaut_path: Path, coffee_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_command("suggest", [str(coffee_path)]) == 0
    assert "no face found" in capsys.readouterr().out
    assert run_command("suggest", [str(astronaut_path), "--subject", "4"]) == 1
    assert "error: subject 4 does not exist" in capsys.readouterr().err
    assert run_command("suggest", [str(astronaut_path)]) == 0
    assert "headshot-standard-4x5-s0" in capsys.readouterr().out
