"""Head geometry maths on hand-made keypoints and masks (no models)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from core.faces import FaceKeypoints
from core.geometry import Box, Point, rotate_point
from core.head_geometry import (
    CHIN_BELOW_MOUTH,
    chin_y,
    geometric_crown_y,
    head_geometry,
    mask_crown_y,
    roll_deg,
    yaw,
)

# A frontal face: box 100..200 x 100..200, eyes at y 130, mouth at 170 (eye-to-mouth 40).
BOX = Box(100.0, 100.0, 100.0, 100.0)


def frontal(nose_dx: float = 0.0) -> FaceKeypoints:
    return FaceKeypoints(
        right_eye=Point(130, 130),  # subject's right eye: image left
        left_eye=Point(170, 130),
        nose_tip=Point(150 + nose_dx, 150),
        mouth=Point(150, 170),
        right_ear=Point(105, 140),
        left_ear=Point(195, 140),
    )


def rotated(k: FaceKeypoints, angle_deg: float, centre: Point) -> FaceKeypoints:
    """Keypoints of the same face after ``Image.rotate(angle_deg)`` about ``centre``."""
    return FaceKeypoints(*(rotate_point(p, centre, angle_deg) for p in vars(k).values()))


def mirrored(k: FaceKeypoints, width: float) -> FaceKeypoints:
    """Mirror image: x flips and the subject's right eye is now the image-right one, so the
    detector still reports right_eye on the image left: swap right/left."""

    def m(p: Point) -> Point:
        return Point(width - p.x, p.y)

    return FaceKeypoints(
        right_eye=m(k.left_eye),
        left_eye=m(k.right_eye),
        nose_tip=m(k.nose_tip),
        mouth=m(k.mouth),
        right_ear=m(k.left_ear),
        left_ear=m(k.right_ear),
    )


def test_level_frontal_face() -> None:
    k = frontal()
    assert roll_deg(k, BOX) == pytest.approx(0.0)
    assert yaw(k) == pytest.approx(0.0)


@pytest.mark.parametrize("angle", [-25.0, -10.0, 5.0, 10.0, 30.0])
def test_roll_is_minus_the_ccw_rotation(angle: float) -> None:
    """Rotating the picture counter-clockwise (Pillow's rotate, core.geometry convention) raises the
    image-right eye: roll = -angle; levelling it back takes angle_deg = +roll."""
    k = rotated(frontal(), angle, BOX.center)
    assert roll_deg(k, BOX) == pytest.approx(-angle, abs=1e-6)


def test_roll_positive_when_image_right_eye_lower() -> None:
    k = frontal()
    lowered = FaceKeypoints(
        k.right_eye,
        Point(k.left_eye.x, k.left_eye.y + 10),
        k.nose_tip,
        k.mouth,
        k.right_ear,
        k.left_ear,
    )
    assert roll_deg(lowered, BOX) > 10


def test_profile_has_no_roll() -> None:
    k = frontal()
    squeezed = FaceKeypoints(
        Point(160, 120), Point(165, 135), k.nose_tip, k.mouth, k.right_ear, k.left_ear
    )
    assert roll_deg(squeezed, BOX) == 0.0
    assert roll_deg(squeezed) != 0.0  # without a box there is no scale to judge by


def test_yaw_sign_and_mirror() -> None:
    toward_image_left = frontal(nose_dx=-20)
    assert yaw(toward_image_left) == pytest.approx(-20 / 90)
    flipped = mirrored(toward_image_left, 300)
    assert yaw(flipped) == pytest.approx(20 / 90)


def test_yaw_ignores_roll() -> None:
    k = frontal(nose_dx=15)
    assert yaw(rotated(k, 20, BOX.center)) == pytest.approx(yaw(k), abs=1e-9)


def test_yaw_clamped_for_profiles() -> None:
    k = frontal()
    profile = FaceKeypoints(
        k.right_eye, k.left_eye, Point(60, 150), k.mouth, Point(150, 140), Point(152, 140)
    )
    assert yaw(profile) == -1.0
    same_ears = FaceKeypoints(
        k.right_eye, k.left_eye, k.nose_tip, k.mouth, Point(150, 140), Point(150, 140)
    )
    assert yaw(same_ears) == 0.0


def test_chin_is_box_bottom_when_plausible() -> None:
    k = frontal()
    # Box bottom 200 = mouth + 0.75 * eye-to-mouth: inside the band.
    assert chin_y(BOX, k) == 200.0


def test_chin_from_proportions_when_box_is_short_or_long() -> None:
    k = frontal()
    expected = 170 + CHIN_BELOW_MOUTH * 40
    assert chin_y(Box(100, 100, 100, 75), k) == pytest.approx(expected)  # bottom 175: short
    assert chin_y(Box(100, 100, 100, 130), k) == pytest.approx(expected)  # bottom 230: long


def test_geometric_crown() -> None:
    # Eyes at 130, chin at 200: crown mirrored about the eyes at 60, above Thumbor's 88.
    assert geometric_crown_y(BOX, 130, 200) == pytest.approx(60)
    # A very short eye-to-chin (bad keypoints) is overruled by the box top minus 12 %.
    assert geometric_crown_y(BOX, 130, 140) == pytest.approx(88)


def head_mask(crown_row: int, *, shape: tuple[int, int] = (400, 300)) -> npt.NDArray[np.float32]:
    """A person: body below row 200, a head from ``crown_row`` down, columns 110-190."""
    mask = np.zeros(shape, np.float32)
    mask[crown_row:, 110:190] = 0.95
    mask[200:, 50:250] = 0.95
    return mask


def test_mask_crown_found() -> None:
    mask = head_mask(70)
    crown = mask_crown_y(mask, 1.0, BOX, Point(150, 130), 130, 200)
    assert crown == pytest.approx(70)


def test_mask_crown_in_original_pixels() -> None:
    # Same mask covering a photo twice as large: one mask pixel = 2 original pixels.
    box, eyes, chin = BOX.scaled(2), 260.0, 400.0
    crown = mask_crown_y(head_mask(70), 2.0, box, Point(300, 260), eyes, chin)
    assert crown == pytest.approx(140)


def test_mask_crown_rejects_merged_or_cut_or_missing() -> None:
    eye = Point(150, 130)
    # Head runs into something above (another person behind): the band never ends -> off the top.
    assert mask_crown_y(head_mask(0), 1.0, BOX, eye, 130, 200) is None
    # Person above the head joined to it: crown far too high for this face.
    assert mask_crown_y(head_mask(5), 1.0, BOX, eye, 130, 200) is None
    # Mask cut the hair off (crown barely above the eyes).
    assert mask_crown_y(head_mask(110), 1.0, BOX, eye, 130, 200) is None
    # No person at the eyes.
    assert mask_crown_y(np.zeros((400, 300), np.float32), 1.0, BOX, eye, 130, 200) is None
    # Face too small in mask pixels to trust.
    assert mask_crown_y(head_mask(70), 10.0, BOX, eye, 130, 200) is None


def test_head_geometry_sources() -> None:
    k = frontal()
    with_mask = head_geometry(BOX, k, head_mask(70), 1.0)
    assert with_mask.crown_source == "mask" and with_mask.crown_y == pytest.approx(70)
    assert with_mask.eye_line_y == 130 and with_mask.chin_y == 200
    without = head_geometry(BOX, k)
    assert without.crown_source == "geometry" and without.crown_y == pytest.approx(60)
    assert head_geometry(BOX, k, roll=4.5).roll_deg == 4.5
    assert math.isclose(head_geometry(BOX, k).roll_deg, 0.0, abs_tol=1e-9)


def test_mask_crown_needs_face_large_against_the_segmenter_grid() -> None:
    # The same 100 px face in a 3000 px mask is under 4 % of its long side.
    big = np.zeros((3000, 2000), np.float32)
    big[:400, :300] = head_mask(70)
    assert mask_crown_y(big, 1.0, BOX, Point(150, 130), 130, 200) is None


def shifted(k: FaceKeypoints, dy: float) -> FaceKeypoints:
    return FaceKeypoints(*(Point(p.x, p.y + dy) for p in vars(k).values()))


def test_mask_to_the_top_edge_is_a_cut_head_only_within_a_head_of_the_eyes() -> None:
    # Person all the way up the face's column band (no background above the head).
    mask = np.zeros((400, 300), np.float32)
    mask[:, 110:190] = 0.95
    mask[200:, 50:250] = 0.95
    # Eyes 60 px under the top edge, chin 70 px under the eyes: the head runs off the top.
    high = head_geometry(BOX.translated(0, -70), shifted(frontal(), -70), mask, 1.0)
    assert high.crown_source == "edge"
    assert high.crown_y <= 0.0
    # Eyes 180 px under it (2.6 eye-to-chin distances): no head is that tall; the mask ran into
    # someone behind (mmpose_13609937564_5: other children's heads above the girl's). The crown
    # is the proportions' one, inside the photo, and no headshot says the head is cut.
    low = head_geometry(BOX.translated(0, 50), shifted(frontal(), 50), mask, 1.0)
    assert low.crown_source == "geometry"
    assert low.crown_y == pytest.approx(geometric_crown_y(BOX.translated(0, 50), 180, 250))
    assert low.crown_y > 0.0
