"""Subject ranking (core.face_rank) on constructed faces and masks: fast unit tests. The real path
(a logo composited onto a press photo, through MediaPipe) is in test_framing_trust.py."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.face_rank import MIN_PERSON_SUPPORT, plausible_keypoints, rank_faces
from core.faces import FaceKeypoints
from core.geometry import Point
from tests.framing_factory import make_face


def _mask(width: int, height: int, *covered: tuple[int, int, int, int]) -> np.ndarray:
    """Person confidence 1 inside the given (left, top, right, bottom) rectangles, 0 elsewhere."""
    conf = np.zeros((height, width), np.float32)
    for left, top, right, bottom in covered:
        conf[top:bottom, left:right] = 1.0
    return conf


def test_a_big_face_with_nobody_behind_it_is_dropped() -> None:
    person = make_face(300, 400, 300)
    logo = make_face(800, 300, 420)  # larger than the person's face
    conf = _mask(1000, 1000, (150, 200, 450, 1000))  # the person's head and body only
    ranked = rank_faces([logo, person], conf, 1.0)
    assert [f.center_x for f in ranked] == [300]
    assert ranked[0].person_support > 0.9


def test_nobody_is_dropped_when_the_mask_sees_no_one() -> None:
    # Old black-and-white prints: the segmenter finds no person at all; the mask says nothing.
    faces = [make_face(200 + 150 * i, 400, 120) for i in range(4)]
    ranked = rank_faces(faces, _mask(1000, 1000), 1.0)
    assert len(ranked) == 4


def test_small_faces_are_not_judged_by_the_mask() -> None:
    # A face under a few dozen mask cells gives no usable support: it stays, however uncovered.
    big = make_face(300, 400, 400)
    small = make_face(800, 300, 60)
    conf = _mask(1000, 1000, (100, 150, 500, 1000))
    ranked = rank_faces([big, small], conf, 1.0)
    assert len(ranked) == 2
    assert ranked[0].center_x == 300
    assert ranked[1].person_support < MIN_PERSON_SUPPORT


def test_a_frontal_face_beats_a_slightly_larger_profile() -> None:
    profile = make_face(300, 400, 330, yaw=0.7)
    frontal = make_face(700, 400, 300)
    ranked = rank_faces([profile, frontal], None, 1.0)
    assert ranked[0].center_x == 700


def test_a_face_whose_keypoints_are_not_a_face_goes_last() -> None:
    good = make_face(300, 400, 200)
    bad = make_face(700, 400, 400)
    k = bad.keypoints
    upside = FaceKeypoints(
        k.right_eye, k.left_eye, Point(k.nose_tip.x, 200), Point(k.mouth.x, 150), k.right_ear,
        k.left_ear,
    )  # fmt: skip
    bad = replace(bad, keypoints=upside)
    assert not plausible_keypoints(bad)
    assert plausible_keypoints(good)
    ranked = rank_faces([bad, good], None, 1.0)
    assert ranked[0].center_x == 300
