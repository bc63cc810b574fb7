"""The second look at a photo's likely subjects (issue #9, wrong subject): things the detector and
the person mask both take for a face are not offered as a person without a word."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.detection import FaceAnalyzer
from core.face_rank import confirmed_first
from core.framing import suggest_all
from core.framing.checks import UNSURE_FACE
from tests.framing_factory import make_face
from tests.shared_photos import shared_photo


@pytest.mark.parametrize(
    "name",
    [
        "dev/mediapipe_000000000078.jpg",  # a mantel clock's dial (the segmenter calls it person)
        "dev/rembg_girl-2.jpg",  # a black cap seen from behind, on a person
        "dev/mmpose_000264.jpg",  # a tiger print on a mirror-selfie's phone case
    ],
)
def test_a_thing_taken_for_a_face_is_unconfirmed_and_its_headshot_says_so(
    analyzer: FaceAnalyzer, name: str
) -> None:
    analysis = analyzer.analyze_path(shared_photo(name))[1]
    assert analysis.faces, "the first pass finds the false face (the case this guards)"
    assert not analysis.faces[0].confirmed
    headshot = next(s for s in suggest_all(analysis) if s.id == "headshot-standard-4x5-s0")
    unsure = [w for w in headshot.warnings if w.code == UNSURE_FACE]
    assert unsure and unsure[0].severity == "problem"


@pytest.mark.parametrize(
    "name",
    [
        "dev/photoprism_1.jpg",  # two faces behind FFP2 masks: the closest real case measured
        "dev/gpen_2020-12-17_185036.jpg",  # a bucket hat pulled over the eyes
        "dev/openpose_coco_val2014_000000000623.jpg",  # looking down, next to a teddy bear
        "dev/controlnet_old.png",
        "dev/ipadapter_vermeer.jpg",
        "immich_solvay.jpg",  # black and white, 29 small faces: the mask says nothing
    ],
)
def test_real_faces_pass_the_second_look(analyzer: FaceAnalyzer, name: str) -> None:
    analysis = analyzer.analyze_path(shared_photo(name))[1]
    looked_at = analysis.faces[:3]
    assert looked_at and all(f.confirmed for f in looked_at)
    headshot = next(s for s in suggest_all(analysis) if s.id == "headshot-standard-4x5-s0")
    assert UNSURE_FACE not in {w.code for w in headshot.warnings}


def test_an_unconfirmed_face_goes_after_the_confirmed_ones() -> None:
    big, small = make_face(300, 300, 400), make_face(900, 300, 100)
    ordered = confirmed_first([replace(big, confirmed=False), small])
    assert [f.center_x for f in ordered] == [small.center_x, big.center_x]
