"""Background line direction (core.scene_lines) and the posed-head-tilt rule built on it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from core.detection import FaceAnalyzer
from core.faces import Analysis
from core.framing.rules import load_framing_rules
from core.framing.subject import levelling_angle
from core.framing.suggest import suggest_all
from core.scene_lines import SceneLines, measure_scene_lines
from tests.framing_factory import make_analysis, make_face
from tests.photo_samples import posed_photo


def shelves(size: tuple[int, int] = (1600, 1000), angle_deg: float = 0.0) -> Image.Image:
    """Bright level bars on a grey wall, turned by ``angle_deg`` (Image.rotate's sense). Drawn and
    turned at 4x and then reduced, as a camera would see it: a turn at the final size leaves
    level resampling seams that a real tilted photo does not have."""
    w, h = size[0] * 4, size[1] * 4
    image = Image.new("RGB", (w, h), (90, 90, 90))
    draw = ImageDraw.Draw(image)
    for y in range(400, h, 480):
        draw.rectangle([400, y, w - 400, y + 160], fill=(220, 215, 200))
    if angle_deg:
        image = image.rotate(angle_deg, Image.Resampling.BICUBIC, fillcolor=(90, 90, 90))
    return image.reduce(4)


@pytest.mark.parametrize("angle", [0.0, 2.0, -3.0, 6.0])
def test_level_angle_undoes_the_turn(angle: float) -> None:
    lines = measure_scene_lines(np.asarray(shelves(angle_deg=angle)))
    assert lines is not None
    # Image.rotate(level_angle_deg) makes the bars level again.
    assert lines.level_angle_deg == pytest.approx(-angle, abs=0.6)
    assert lines.strength > 5.0


def test_noise_has_no_dominant_direction() -> None:
    rng = np.random.default_rng(7)
    noise = Image.fromarray(rng.integers(0, 256, (400, 600), dtype=np.uint8)).filter(
        ImageFilter.GaussianBlur(2)
    )
    lines = measure_scene_lines(np.asarray(noise.convert("RGB")))
    assert lines is None or lines.strength < 2.0


def test_flat_photo_says_nothing() -> None:
    assert measure_scene_lines(np.full((300, 400, 3), 128, np.uint8)) is None


def test_lines_on_the_person_do_not_count() -> None:
    rgb = np.asarray(shelves((800, 600), angle_deg=4.0))
    person = np.zeros((150, 200), np.float32)
    person[:, 40:160] = 1.0  # the middle of the frame is the person (a striped shirt)
    alone = measure_scene_lines(rgb)
    assert alone is not None
    assert alone.level_angle_deg == pytest.approx(-4.0, abs=0.6)
    masked = measure_scene_lines(rgb, person)
    # Only the bars' ends outside the person are left: still the same direction, fewer edges.
    assert masked is None or masked.level_angle_deg == pytest.approx(-4.0, abs=0.8)
    everyone = np.ones((150, 200), np.float32)
    assert measure_scene_lines(rgb, everyone) is None


def test_person_mask_is_grown_without_wrapping_round_the_frame() -> None:
    from core.scene_lines import GROW_PX, _person_at

    confidence = np.zeros((40, 40), np.float32)
    confidence[30:, 16:24] = 1.0  # a body reaching the bottom edge
    mask = _person_at(confidence, (40, 40))
    assert mask is not None
    assert not mask[: 30 - GROW_PX].any()  # nothing wrapped to the top rows
    assert mask[39, 16 - GROW_PX] and not mask[39, 16 - GROW_PX - 1]
    assert mask[30 - GROW_PX, 20] and not mask[30 - GROW_PX - 1, 20]


# -- the rule: a posed head tilt in front of straight lines is kept ----------------------------


def _with_lines(analysis: Analysis, angle: float, strength: float) -> Analysis:
    return replace(analysis, scene_lines=SceneLines(angle, strength))


def test_levelling_follows_the_background_when_it_has_strong_lines() -> None:
    rules = load_framing_rules()
    tilted = make_analysis(3000, 2000, make_face(1500, 800, 500, roll_deg=6.0))
    assert levelling_angle(tilted, 0, rules) == pytest.approx(6.0)  # nothing known: level eyes
    strong = rules.scene_min_strength + 1.0
    weak = rules.scene_min_strength - 1.0
    assert levelling_angle(_with_lines(tilted, 0.3, weak), 0, rules) == pytest.approx(6.0)
    # Level shelves behind a tilted head: the pose is kept and nothing is rotated.
    assert levelling_angle(_with_lines(tilted, 0.3, strong), 0, rules) == 0.0
    # A tilted camera: the shelves are levelled, not the eyes.
    assert levelling_angle(_with_lines(tilted, -3.0, strong), 0, rules) == pytest.approx(-3.0)
    # ID photos always level the eyes.
    id_angle = levelling_angle(_with_lines(tilted, 0.3, strong), 0, rules, keep_pose=False)
    assert id_angle == pytest.approx(6.0)
    # A big head tilt is a pose, with or without lines behind it: kept (ID photos still level).
    far = make_analysis(3000, 2000, make_face(1500, 800, 500, roll_deg=25.0))
    assert levelling_angle(_with_lines(far, 0.0, strong), 0, rules) == 0.0
    assert levelling_angle(far, 0, rules) == 0.0
    assert levelling_angle(far, 0, rules, keep_pose=False) == pytest.approx(25.0)


def test_only_near_level_lines_count_as_the_scene_level() -> None:
    # Issue #9: a sign slanting 11 degrees in perspective behind level eyes turned the headshot 11.
    rules = load_framing_rules()
    level_eyes = make_analysis(3000, 2000, make_face(1500, 800, 500, roll_deg=-1.0))
    strong = rules.scene_min_strength + 1.0
    assert rules.scene_max_deg < 11.0
    assert levelling_angle(_with_lines(level_eyes, 11.0, strong), 0, rules) == 0.0
    # Camera tilt within the limit is still levelled by the lines.
    assert levelling_angle(_with_lines(level_eyes, 4.0, strong), 0, rules) == pytest.approx(4.0)


def test_a_turned_face_is_not_levelled_by_its_eyes_unasked() -> None:
    rules = load_framing_rules()
    turned = make_analysis(
        3000, 2000, make_face(1500, 800, 500, roll_deg=5.0, yaw=rules.confident_max_yaw + 0.1)
    )
    assert levelling_angle(turned, 0, rules) == 0.0
    assert levelling_angle(turned, 0, rules, keep_pose=False) == pytest.approx(5.0)


# -- the real path: MediaPipe on a photo made from packaged real photos -----------------------


def test_posed_tilt_in_front_of_a_brick_wall_is_kept(
    analyzer: FaceAnalyzer, astronaut_path: Path, tmp_path: Path
) -> None:
    rules = load_framing_rules()
    analysis = analyzer.analyze_path(posed_photo(tmp_path / "posed.jpg", astronaut_path))[1]
    face = analysis.faces[0]
    lines = analysis.scene_lines
    assert lines is not None and lines.strength >= rules.scene_min_strength
    assert abs(lines.level_angle_deg) < rules.roll_threshold_deg
    assert abs(face.roll_deg) > rules.roll_threshold_deg
    suggestions = suggest_all(analysis)
    for s in suggestions:
        if s.genre in ("headshot", "portrait"):
            assert s.angle_deg == 0.0, s.id
            tilt = [w.message for w in s.warnings if w.code == "roll-not-corrected"]
            assert tilt and "head tilt kept" in tilt[0], s.id
        if s.genre == "id":
            assert s.angle_deg == pytest.approx(face.roll_deg), s.id


def test_tilted_camera_levels_the_wall_not_the_eyes(
    analyzer: FaceAnalyzer, astronaut_path: Path, tmp_path: Path
) -> None:
    rules = load_framing_rules()
    path = posed_photo(tmp_path / "tilted.jpg", astronaut_path, turn_deg=-5.0)
    analysis = analyzer.analyze_path(path)[1]
    lines = analysis.scene_lines
    assert lines is not None and lines.strength >= rules.scene_min_strength
    assert lines.level_angle_deg > 3.0  # turned clockwise by 5: a counter-clockwise turn levels it
    headshots = [s for s in suggest_all(analysis) if s.genre == "headshot"]
    assert headshots
    for s in headshots:
        assert s.angle_deg == pytest.approx(lines.level_angle_deg), s.id
