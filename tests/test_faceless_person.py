"""A person the segmenter sees and no face pass found gets one more look at their head (issue #9:
openpose_395, a man on the phone with his hand across his cheek, had no face and no suggestion)."""

from __future__ import annotations

import numpy as np
import pytest

from core.detection import FaceAnalyzer
from core.framing import suggest_all
from core.person_head import head_square
from tests.shared_photos import shared_photo


def test_head_square_sits_on_the_top_of_the_person() -> None:
    person = np.zeros((400, 400), bool)
    yy, xx = np.mgrid[0:400, 0:400]
    person |= (xx - 250) ** 2 + (yy - 120) ** 2 <= 40**2  # a head 80 px wide, top at row 80
    person[170:, 170:330] = True  # shoulders and body to the bottom edge
    left, top, side = head_square(person) or (0, 0, 0)
    assert left < 250 - 40 and left + side > 250 + 40  # the head inside, centred
    assert top < 80 < 160 < top + side  # from above the hair to under the chin
    assert side < 400  # the head, not the body


def test_too_little_person_gives_no_square() -> None:
    person = np.zeros((400, 400), bool)
    person[10:20, 10:20] = True
    assert head_square(person) is None


def test_a_hand_across_the_face_no_longer_hides_the_subject(analyzer: FaceAnalyzer) -> None:
    analysis = analyzer.analyze_path(shared_photo("dev/openpose_coco_val2014_000000000395.jpg"))[1]
    assert len(analysis.faces) == 1
    face = analysis.faces[0]
    # His face (beard, eyes under the cap's peak) is at about x 225-350, y 250-380.
    assert 225 <= face.box.cx <= 350 and 250 <= face.box.cy <= 380
    assert face.person_support > 0.9
    ids = {s.id for s in suggest_all(analysis)}
    assert "headshot-standard-4x5-s0" in ids


@pytest.mark.parametrize(
    "name",
    [
        "dev/photoprism_8.jpg",  # long hair blown across the whole face
        "dev/photoprism_9.jpg",  # two cats (the segmenter calls them a third person)
        "skimage_coffee.png",  # a coffee cup the segmenter calls a quarter person
    ],
)
def test_the_look_invents_no_face(analyzer: FaceAnalyzer, name: str) -> None:
    assert analyzer.analyze_path(shared_photo(name))[1].faces == ()
