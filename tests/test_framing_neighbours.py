"""Keeping other people's heads out of a one-person crop's edges: unit tests on hand-made boxes."""

from __future__ import annotations

import pytest

from core.framing.neighbours import Head, avoid_neighbours, cut_heads, inside_share, neighbour_heads
from core.framing.rules import load_framing_rules
from core.geometry import Box, Point
from tests.framing_factory import make_analysis, make_face

RULES = load_framing_rules().neighbours


def avoid(box: Box, neighbour: Head, min_height: float) -> Box:
    return avoid_neighbours(
        box,
        Point(box.cx, box.top + 0.32 * box.h),
        aspect=0.8,
        x_frac=0.5,
        y_frac=0.32,
        min_height=min_height,
        heads=[neighbour],
        keep=Box(box.cx - 15.0, 20.0, 30.0, 40.0),
        width=400,
        img_height=400,
        angle_deg=0.0,
        rules=RULES,
    )


def test_upright_crop_moves_and_tightens_off_a_neighbour() -> None:
    # The crop's right edge cuts 10 px of the neighbour's head; moving 4 px left and tightening
    # to 110 px high clears it. On an upright photo the search used to ask whether each
    # candidate held the whole photo (not the other way round), so nothing ever moved.
    box = Box(100.0, 0.0, 100.0, 125.0)
    neighbour = Head(1, Box(190.0, 10.0, 120.0, 60.0))
    got = avoid(box, neighbour, min_height=110.0)
    assert not cut_heads(got, [neighbour], RULES)
    assert got.h >= 110.0 - 1e-6
    assert got.left >= 0.0 and got.right <= 400.0


def test_when_no_crop_clears_a_neighbour_the_least_cut_sideways_move_is_kept() -> None:
    # 20 px of the neighbour's 120 px head inside; no move or tightening within the limits
    # clears it. The same-size crop moved away from it shows less of that head than the asked
    # one (which used to come back unchanged); tightening without clearing buys nothing.
    box = Box(100.0, 0.0, 100.0, 125.0)
    neighbour = Head(1, Box(180.0, 10.0, 120.0, 60.0))
    got = avoid(box, neighbour, min_height=110.0)
    assert cut_heads(got, [neighbour], RULES) == [1]  # still cut: the checks say faces-cut
    assert inside_share(neighbour.box, got) < inside_share(neighbour.box, box) - 0.02
    assert got.h == pytest.approx(box.h)
    # Within the centring tolerance, a pixel to spare for snapping.
    assert abs(got.cx - box.cx) <= RULES.max_shift * box.w - 1.0 + 1e-6


def test_a_turned_neighbours_head_reaches_past_its_face_box_behind() -> None:
    # A neighbour turned toward image-left (yaw < 0): the back of the head is on the right.
    a = make_analysis(3000, 2000, make_face(1000, 800, 400), make_face(2000, 800, 400, yaw=-0.4))
    subject = min(range(2), key=lambda i: a.faces[i].center_x)
    (head,) = neighbour_heads(a, subject, 0.0, RULES)
    face = a.faces[1 - subject]
    ears_mid = (face.keypoints.right_ear.x + face.keypoints.left_ear.x) / 2.0
    h = face.head_height
    assert head.box.left == pytest.approx(min(face.head_box.left, ears_mid - 0.4 * h))
    behind = 0.4 + (0.55 - 0.4) * 0.4 / 0.6
    assert head.box.right == pytest.approx(ears_mid + behind * h)
    assert head.box.right > face.head_box.right


def test_heads_and_framed_faces_are_remembered_per_analysis_and_go_with_it() -> None:
    # A group photo's suggestions ask for every head again and again: they are computed once per
    # analysis and angle, and an analysis no longer used takes its entries with it (a batch of
    # thousands of photos must not keep their analyses alive).
    import gc

    from core.framing import neighbours, subject

    a = make_analysis(3000, 2000, make_face(1000, 800, 400), make_face(2000, 800, 400))
    first = neighbour_heads(a, 0, 2.0, RULES)
    assert neighbour_heads(a, 0, 2.0, RULES) == first
    assert neighbour_heads(a, 1, 2.0, RULES) != first  # the subject is left out
    assert subject.frame_face(a, 1, 2.0) is subject.frame_face(a, 1, 2.0)
    assert a in neighbours._HEADS and a in subject._FRAMED
    before = (len(neighbours._HEADS), len(subject._FRAMED))
    del a
    gc.collect()
    assert (len(neighbours._HEADS), len(subject._FRAMED)) == (before[0] - 1, before[1] - 1)
