"""cut-at-neck says what the photo shows (issue #9: a false warning costs trust): a bottom edge
in the average neck band is no floating head when the shoulders fill the frame above it (big hair
or a beard make the head height, and so the average neck, larger), and a photo that really ends at
the neck still says so."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.detection import FaceAnalyzer
from core.faces import PersonMask
from core.framing import manual_suggestion, suggest_all
from core.geometry import Box
from tests.framing_factory import make_analysis, make_face
from tests.shared_photos import shared_photo


def _with_body(shoulder_share: float) -> tuple[Box, list[str]]:
    """A head 400 px high, the crop's bottom edge at 1.3 H (in the neck band), and a person mask
    whose body under the chin is ``shoulder_share`` face widths wide."""
    face = make_face(1000, 800, 400)
    analysis = make_analysis(2000, 2000, face)
    conf = np.zeros((2000, 2000), np.float32)
    conf[int(face.crown_y) : int(face.chin_y), int(face.box.left) : int(face.box.right)] = 1.0
    half = shoulder_share * face.box.w / 2
    conf[int(face.chin_y) :, int(1000 - half) : int(1000 + half)] = 1.0
    analysis = replace(analysis, person_mask=PersonMask(conf, 1.0))
    top = face.crown_y - 50
    box = Box(700, top, 600, face.crown_y + 1.3 * 400 - top)
    s = manual_suggestion(analysis, box, aspect=None, angle_deg=0.0, subject=None)
    return box, [w.code for w in s.warnings]


def test_shoulders_filling_the_frame_are_no_floating_head() -> None:
    _, codes = _with_body(shoulder_share=2.5)  # shoulders wider than the crop from the chin down
    assert "cut-at-neck" not in codes


def test_a_neck_alone_above_the_edge_is_still_a_floating_head() -> None:
    _, codes = _with_body(shoulder_share=0.7)  # only the neck reaches the edge
    assert "cut-at-neck" in codes


def _headshot(analyzer: FaceAnalyzer, name: str) -> list[tuple[str, str, str]]:
    analysis = analyzer.analyze_path(shared_photo(name))[1]
    s = next(s for s in suggest_all(analysis) if s.id == "headshot-standard-4x5-s0")
    return [(w.code, w.severity, w.message) for w in s.warnings]


def test_big_hair_and_a_beard_give_no_false_neck_warning(analyzer: FaceAnalyzer) -> None:
    # controlnet_old: the crown from the mask sits on a big head of hair and the chin under a
    # beard; the 4:5 headshot ends on the chest with the shoulders across the frame, at 1.32 H.
    warnings = _headshot(analyzer, "dev/controlnet_old.png")
    assert "cut-at-neck" not in [code for code, _, _ in warnings]


@pytest.mark.parametrize(
    "name",
    [
        "dev/u2net_img_1585.png",
        "dev/u2net_img_1588.png",
        "dev/u2net_19035828_web1__12294096_web1_180615-pnr-newmayorchallenge.jpg",
        "dev/mmpose_indoor_029.png",
        "dev/facenet_paul_rudd_1.jpg",  # its 4:5 crop ends a snapped pixel above the photo's end
    ],
)
def test_a_photo_that_ends_at_the_neck_still_says_so(analyzer: FaceAnalyzer, name: str) -> None:
    necks = [w for w in _headshot(analyzer, name) if w[0] == "cut-at-neck"]
    assert necks, name
    _, severity, message = necks[0]
    assert severity == "warning" and "photo ends at the neck" in message
