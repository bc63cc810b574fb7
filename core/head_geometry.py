"""Head geometry from BlazeFace's box and six keypoints: eye line, roll, yaw, chin and crown.

Pure functions on floats and numpy arrays, all in one pixel space (the caller's; detection uses
upright original pixels). Conventions are those documented on ``core.faces.Face``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core.faces import FaceKeypoints
from core.geometry import Box, Point
from core.resource_numbers import resource_table

#: This module's numbers: [head] of resources/faces.toml (the reasons are written there).
_N = resource_table("faces.toml", "head")
#: Chin below the mouth, in eye-to-mouth distances.
CHIN_BELOW_MOUTH = float(_N["chin_below_mouth"])
#: The face box bottom is the chin when within this band under the mouth (eye-to-mouth units).
CHIN_BOX_BAND = (float(_N["chin_box_band"][0]), float(_N["chin_box_band"][1]))
#: Eye-to-crown from the mask, in eye-to-chin distances, that is believed.
MASK_CROWN_BAND = (float(_N["mask_crown_band"][0]), float(_N["mask_crown_band"][1]))
#: Mean person confidence in the face's column band that still counts as head.
MASK_HEAD_CONFIDENCE = float(_N["mask_head_confidence"])
#: Eye keypoints closer than this share of the face box width give no usable roll.
MIN_EYE_SPAN = float(_N["min_eye_span"])
#: Smallest face (mask px, share of the mask's long side) whose crown the mask can give.
MASK_MIN_FACE_PX = float(_N["mask_min_face_px"])
MASK_MIN_FACE_SHARE = float(_N["mask_min_face_share"])


def eye_line_y(k: FaceKeypoints) -> float:
    return (k.right_eye.y + k.left_eye.y) / 2.0


def roll_deg(k: FaceKeypoints, box: Box | None = None) -> float:
    """Angle of the subject's-right-eye -> subject's-left-eye vector, y down: positive when the eye
    on the image's right is lower. Rotating the image counter-clockwise by this angle levels it.

    In a profile the two eye keypoints nearly coincide and their angle is noise: when they are
    closer than ``MIN_EYE_SPAN`` face-box widths apart the roll is reported as 0.
    """
    dx = k.left_eye.x - k.right_eye.x
    dy = k.left_eye.y - k.right_eye.y
    if box is not None and math.hypot(dx, dy) < MIN_EYE_SPAN * box.w:
        return 0.0
    return math.degrees(math.atan2(dy, dx))


def yaw(k: FaceKeypoints) -> float:
    """Nose-tip offset from the ear-tragion midpoint along the ear-to-ear axis, in ear-to-ear
    distances: about 0 frontal, negative when the face turns toward image-left, positive toward
    image-right. Measured along the ear axis so head roll does not leak into it. Clamped to
    [-1, 1]: in a profile the ears overlap and the ratio would grow without bound."""
    ax = k.left_ear.x - k.right_ear.x
    ay = k.left_ear.y - k.right_ear.y
    span = math.hypot(ax, ay)
    if span < 1e-6:
        return 0.0
    mx = (k.left_ear.x + k.right_ear.x) / 2.0
    my = (k.left_ear.y + k.right_ear.y) / 2.0
    offset = ((k.nose_tip.x - mx) * ax + (k.nose_tip.y - my) * ay) / (span * span)
    return max(-1.0, min(1.0, offset))


def chin_y(box: Box, k: FaceKeypoints) -> float:
    """Bottom of the chin: the face box bottom, unless it disagrees with eye-mouth proportions."""
    eyes = eye_line_y(k)
    mouth = k.mouth.y
    eye_to_mouth = mouth - eyes
    if eye_to_mouth <= 1e-6:  # keypoints unusable (upside-down or degenerate): trust the box
        return box.bottom
    low = mouth + CHIN_BOX_BAND[0] * eye_to_mouth
    high = mouth + CHIN_BOX_BAND[1] * eye_to_mouth
    if low <= box.bottom <= high:
        return box.bottom
    return mouth + CHIN_BELOW_MOUTH * eye_to_mouth


def geometric_crown_y(box: Box, eyes_y: float, chin: float) -> float:
    """Crown without a mask: the eyes sit near the vertical middle of the head. Never below the
    face box top moved up by 12 % of its height (Thumbor's hair allowance)."""
    from_eyes = eyes_y - (chin - eyes_y)
    thumbor = box.top - 0.12 * box.h
    return min(from_eyes, thumbor)


def mask_crown_y(
    confidence: npt.NDArray[np.float32],
    scale: float,
    box: Box,
    eye_center: Point,
    eyes_y: float,
    chin: float,
) -> float | None:
    """Top of the head from a person-confidence mask (rows, cols at ``scale`` px per mask px).

    Walks up from the eye line through a column band around the face centre (half the face box
    wide) until the band's mean confidence drops below ``MASK_HEAD_CONFIDENCE``. Returns ``None``
    (use geometry) when the face is too small in the mask, the eyes are not on a person, the head
    runs off the top of the frame, or the result is implausible for this face's proportions.
    """
    h, w = confidence.shape
    if box.h / scale < max(MASK_MIN_FACE_PX, MASK_MIN_FACE_SHARE * max(h, w)):
        return None
    half_band = max(1.0, box.w / 4.0)
    c0 = max(0, math.floor((eye_center.x - half_band) / scale))
    c1 = min(w, math.ceil((eye_center.x + half_band) / scale))
    r_eye = int(eyes_y / scale)
    if c1 <= c0 or not 0 <= r_eye < h:
        return None
    band = confidence[: r_eye + 1, c0:c1].mean(axis=1)
    if band[r_eye] < MASK_HEAD_CONFIDENCE:
        return None
    below = np.flatnonzero(band < MASK_HEAD_CONFIDENCE)
    if below.size == 0:
        return None  # person all the way to the top edge: the crown is outside the frame
    crown = float((int(below[-1]) + 1) * scale)
    eye_to_chin = chin - eyes_y
    if eye_to_chin <= 0:
        return None
    ratio = (eyes_y - crown) / eye_to_chin
    if not MASK_CROWN_BAND[0] <= ratio <= MASK_CROWN_BAND[1]:
        return None
    return crown


def mask_head_reaches_top(
    confidence: npt.NDArray[np.float32], scale: float, box: Box, eye_center: Point
) -> bool:
    """True when the person mask runs unbroken from the eyes up to the photo's top row in the
    face's column band: the top of the head is outside the photo (hair or a hat touching the top
    edge), whatever the proportions-based crown estimate says."""
    h, w = confidence.shape
    half_band = max(1.0, box.w / 4.0)
    c0 = max(0, math.floor((eye_center.x - half_band) / scale))
    c1 = min(w, math.ceil((eye_center.x + half_band) / scale))
    r_eye = min(h - 1, int(eye_center.y / scale))
    if c1 <= c0 or r_eye < 0:
        return False
    band = confidence[: r_eye + 1, c0:c1].mean(axis=1)
    return bool((band >= MASK_HEAD_CONFIDENCE).all())


@dataclass(frozen=True)
class HeadGeometry:
    eye_line_y: float
    crown_y: float
    chin_y: float
    roll_deg: float
    yaw: float
    crown_source: str  # "mask", "geometry" or "edge"


def head_geometry(
    box: Box,
    k: FaceKeypoints,
    mask_confidence: npt.NDArray[np.float32] | None = None,
    mask_scale: float = 1.0,
    roll: float | None = None,
) -> HeadGeometry:
    """Everything at once; ``roll`` replaces the eye-keypoint roll when the caller measured it
    better (detection refines it on a levelled crop)."""
    eyes = eye_line_y(k)
    chin = chin_y(box, k)
    eye_center = Point((k.right_eye.x + k.left_eye.x) / 2.0, eyes)
    crown: float | None = None
    if mask_confidence is not None:
        crown = mask_crown_y(mask_confidence, mask_scale, box, eye_center, eyes, chin)
    source = "mask"
    if crown is None:
        crown = geometric_crown_y(box, eyes, chin)
        source = "geometry"
        # The person mask running unbroken from the eyes to the top row means the head runs off
        # the top (its crown at or above the edge) only when the top edge is no further above
        # the eyes than a crown can be (MASK_CROWN_BAND); further up the mask ran into someone
        # else (children standing behind the subject, seen from the back), and the crown is
        # inside the photo.
        within_head = eyes <= MASK_CROWN_BAND[1] * (chin - eyes)
        if (
            mask_confidence is not None
            and within_head
            and mask_head_reaches_top(mask_confidence, mask_scale, box, eye_center)
        ):
            crown, source = min(crown, 0.0), "edge"
    if roll is None:
        roll = roll_deg(k, box)
    return HeadGeometry(eyes, crown, chin, roll, yaw(k), source)
