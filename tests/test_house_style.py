"""House style from an example (core.framing.house_style, core.styles): measured on a crop,
applied to other real photos with the same numbers, photos that cannot meet it reported with the
reason, styles saved by name, and the CLI's --like / --save-style / --style."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from core.errors import FramingError
from core.framing.house_style import HouseStyle, frame_in_style, measure_style
from core.framing.plan import CropChoice
from core.framing.subject import frame_face
from core.geometry import Box
from core.sidecar import write_sidecar
from core.styles import load_style, save_style, style_names
from tests.shared_photos import shared_photo

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer
    from core.faces import Analysis

REPO = Path(__file__).resolve().parent.parent


#: The example: Grace Hopper (512 x 600) cropped 4:5, a loose-ish headshot a little left of centre.
EXAMPLE = CropChoice(box=Box(96.0, 20.0, 352.0, 440.0), aspect=(4, 5))


def _measured(analysis: Analysis, choice: CropChoice) -> tuple[float, float, float]:
    ff = frame_face(analysis, choice.subject or 0, choice.angle_deg)
    box = choice.box
    return (
        (ff.eye.y - box.top) / box.h,
        ff.head_height / box.h,
        (ff.eye.x - box.left) / box.w,
    )


def test_style_applied_to_other_photos_has_the_example_numbers(
    analyzer: FaceAnalyzer, grace_hopper_path: Path, astronaut_path: Path
) -> None:
    _, hopper = analyzer.analyze_path(grace_hopper_path)
    style = measure_style(hopper, EXAMPLE, "team page")
    assert style.aspect == (4, 5)
    assert 0.2 < style.eye_from_top < 0.5 and 0.2 < style.head_share < 0.8
    # Applied back to the example it gives the example crop.
    again = frame_in_style(hopper, style)
    assert again.problem is None
    b = again.choice.box
    assert (b.x, b.y, b.w, b.h) == pytest.approx((96, 20, 352, 440), abs=2.5) or (
        abs(again.choice.angle_deg) > 0
    )
    met = 0
    for path in (astronaut_path, shared_photo("dev/facenet_kate_siegel_1.jpg")):
        _, analysis = analyzer.analyze_path(path)
        styled = frame_in_style(analysis, style)
        if styled.problem is not None:
            continue  # reported (the next test checks the reasons)
        met += 1
        eye, head, across = _measured(analysis, styled.choice)
        assert eye == pytest.approx(style.eye_from_top, abs=0.01), path.name
        assert head == pytest.approx(style.head_share, rel=0.03), path.name
        assert across == pytest.approx(style.eye_across, abs=0.02), path.name
        assert styled.choice.aspect == (4, 5)
        assert styled.choice.box.w / styled.choice.box.h == pytest.approx(0.8, rel=1e-3)
    assert met == 2


def test_photos_that_cannot_meet_the_style_say_why(
    analyzer: FaceAnalyzer, grace_hopper_path: Path, tmp_path: Path
) -> None:
    _, hopper = analyzer.analyze_path(grace_hopper_path)
    roomy = HouseStyle("roomy", (4, 5), eye_from_top=0.6, head_share=0.6, eye_across=0.5,
                       levelling="eyes")  # fmt: skip
    problem = frame_in_style(hopper, roomy).problem
    assert problem is not None and "too little room above the head" in problem
    loose = HouseStyle("loose", (4, 5), eye_from_top=0.3, head_share=0.12, eye_across=0.5,
                       levelling="eyes")  # fmt: skip
    problem = frame_in_style(hopper, loose).problem
    assert problem is not None and "too large" in problem
    # The sitter at the photo's left edge, the style wants them centred.
    with Image.open(grace_hopper_path) as opened:
        opened.crop((150, 0, 512, 600)).save(tmp_path / "edge.png")
    _, edge = analyzer.analyze_path(tmp_path / "edge.png")
    centred = HouseStyle("centred", (4, 5), eye_from_top=0.4, head_share=0.7, eye_across=0.5,
                         levelling="none")  # fmt: skip
    problem = frame_in_style(edge, centred).problem
    assert problem is not None and "at the photo's edge" in problem


def test_styles_are_saved_by_name_and_bad_ones_refused(tmp_path: Path) -> None:
    style = HouseStyle("Team 2026", (4, 5), 0.35, 0.42, 0.48, "none")
    path = save_style(style, tmp_path)
    assert path == tmp_path / "Team 2026.json"
    assert load_style("Team 2026", tmp_path) == style
    assert style_names(tmp_path) == ["Team 2026"]
    with pytest.raises(FramingError, match="Team 2026"):
        load_style("nope", tmp_path)
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(FramingError, match="damaged"):
        load_style("broken", tmp_path)
    with pytest.raises(ValueError):
        HouseStyle("../escape", (4, 5), 0.35, 0.42, 0.48, "eyes")
    with pytest.raises(ValueError):
        HouseStyle("x", (4, 5), 1.5, 0.42, 0.48, "eyes")


def test_example_crop_without_a_face_is_refused(
    analyzer: FaceAnalyzer, grace_hopper_path: Path
) -> None:
    _, hopper = analyzer.analyze_path(grace_hopper_path)
    with pytest.raises(FramingError, match="no face"):
        measure_style(hopper, CropChoice(box=Box(0, 500, 100, 100), aspect=(1, 1)), "empty")


def test_cli_like_save_style_then_style(
    tmp_path: Path, grace_hopper_path: Path, astronaut_path: Path
) -> None:
    day = tmp_path / "day"
    day.mkdir()
    example = day / "a_hopper.jpg"
    example.write_bytes(grace_hopper_path.read_bytes())
    write_sidecar(example, EXAMPLE, (512, 600))
    (day / "b_astronaut.png").write_bytes(astronaut_path.read_bytes())
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    base = [sys.executable, "app.py", "export", str(day), "--preset", "linkedin-profile"]
    first = subprocess.run(
        [*base, "--out", str(tmp_path / "out1"), "--like", str(example), "--save-style", "team",
         "--workers", "1", "--json"],
        cwd=REPO, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    saved = json.loads((tmp_path / "config" / "Headroom" / "styles" / "team.json").read_text())
    assert saved["aspect"] == [4, 5] and saved["name"] == "team"
    report = json.loads(first.stdout[first.stdout.index("{") :])
    assert report["summary"]["failed"] == 0
    second = subprocess.run(
        [*base, "--out", str(tmp_path / "out2"), "--style", "team", "--workers", "1"],
        cwd=REPO, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    names = sorted(p.name for p in (tmp_path / "out2").iterdir())
    assert sorted(p.name for p in (tmp_path / "out1").iterdir()) == names
    wrong = subprocess.run(
        [*base, "--out", str(tmp_path / "out3"), "--style", "nope"],
        cwd=REPO, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert wrong.returncode == 1 and "no house style named 'nope'" in wrong.stderr
    assert "team" in wrong.stderr
