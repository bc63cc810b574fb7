"""A face's head geometry seen in a crop's frame (the photo rotated by the crop's angle).

Framing rules are written for an upright head: eye line level, crown straight above, chin straight
below. When a suggestion levels the eyes (angle = roll) the head becomes upright in that frame; when
it does not, the head stays tilted and its crown/chin are projected on the vertical.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.faces import Analysis, Face
from core.framing.analysis_memo import PerAnalysis
from core.framing.rotation import box_inside, rotate_box_bounds, to_frame
from core.framing.rules import FramingRules
from core.geometry import Box, Point
from core.scene_lines import SceneLines


@dataclass(frozen=True)
class FramedFace:
    """Head geometry of ``Analysis.faces[index]`` in the frame rotated by ``angle_deg``."""

    index: int
    angle_deg: float
    eye: Point  # midpoint between the eyes
    eyes: tuple[Point, Point]
    crown_y: float
    chin_y: float
    face_box: Box  # bounds of the detector's face box
    head_box: Box  # bounds of the head (ears, crown to chin)
    yaw: float
    residual_roll_deg: float  # eye tilt left after the rotation

    @property
    def head_height(self) -> float:
        return self.chin_y - self.crown_y

    @property
    def cx(self) -> float:
        return self.eye.x

    def at_h(self, lengths_h: float) -> float:
        """y of the line ``lengths_h`` head heights under the crown."""
        return self.crown_y + lengths_h * self.head_height

    def in_h(self, y: float) -> float:
        """How many head heights under the crown ``y`` lies."""
        return (y - self.crown_y) / self.head_height


#: Each analysis's faces as already framed, by (face, angle). One photo's suggestions frame every
#: face at the same few angles again and again (a 29-face group photo: ~4900 calls for ~100
#: distinct answers); an analysis is immutable, and its entries go when it does.
_FRAMED: PerAnalysis[tuple[int, float], FramedFace] = PerAnalysis()


def frame_face(analysis: Analysis, index: int, angle_deg: float) -> FramedFace:
    """Head geometry of ``analysis.faces[index]`` in the frame rotated by ``angle_deg``."""
    return _FRAMED.value(
        analysis, (index, angle_deg), lambda: _frame_face(analysis, index, angle_deg)
    )


def _frame_face(analysis: Analysis, index: int, angle_deg: float) -> FramedFace:
    face: Face = analysis.faces[index]
    w, h = analysis.width, analysis.height
    k = face.keypoints
    eye = to_frame(face.eye_center, w, h, angle_deg)
    residual = face.roll_deg - angle_deg
    # Detection measures crown and chin as y under the eyes in the upright photo; along the head's
    # own axis those distances are longer by 1/cos(roll). In this frame the axis is tilted by the
    # residual roll, so the vertical share is cos(residual).
    roll_cos = max(0.2, math.cos(math.radians(face.roll_deg)))
    tilt_cos = math.cos(math.radians(residual))
    up = (face.eye_line_y - face.crown_y) / roll_cos * tilt_cos
    down = (face.chin_y - face.eye_line_y) / roll_cos * tilt_cos
    return FramedFace(
        index=index,
        angle_deg=angle_deg,
        eye=eye,
        eyes=(to_frame(k.right_eye, w, h, angle_deg), to_frame(k.left_eye, w, h, angle_deg)),
        crown_y=eye.y - up,
        chin_y=eye.y + down,
        face_box=rotate_box_bounds(face.box, w, h, angle_deg),
        head_box=rotate_box_bounds(face.head_box, w, h, angle_deg),
        yaw=face.yaw,
        residual_roll_deg=residual,
    )


def scene_level(analysis: Analysis, rules: FramingRules) -> SceneLines | None:
    """The background's lines when they can set the photo's level: strong, and near horizontal or
    vertical. Lines slanting further are perspective (a sign seen from the side) or design, not a
    tilted camera, and say nothing about where level is."""
    lines = analysis.scene_lines
    if lines is None or lines.strength < rules.scene_min_strength:
        return None
    if abs(lines.level_angle_deg) > rules.scene_max_deg:
        return None
    return lines


def eye_roll_confident(face: Face, rules: FramingRules) -> bool:
    """BlazeFace's eye keypoints give a trustworthy roll only on a face toward the camera."""
    return abs(face.yaw) <= rules.confident_max_yaw


def levelling_angle(
    analysis: Analysis, index: int, rules: FramingRules, *, keep_pose: bool = True
) -> float:
    """The rotation a suggestion applies unasked. Automatic levelling is for camera tilt:

    - strong background lines near level/plumb set the level (0 when they already are level: a
      tilted head in front of them is a pose);
    - without them the eyes do, when the face is frontal enough for its roll to be trusted;
    - either way only a small correction (``auto_max_deg``) is applied: a bigger tilt is a pose or
      the photographer's choice, kept and noted (``roll-not-corrected``), one key away (L).

    ID photos (``keep_pose=False``) level the eyes by rule, however far. 0 too when the tilt is
    under the threshold, or the rotated photo would lose part of the face (better tilted than
    cut)."""
    face = analysis.faces[index]
    if keep_pose:
        lines = scene_level(analysis, rules)
        if lines is not None:
            target = lines.level_angle_deg
        elif eye_roll_confident(face, rules):
            target = face.roll_deg
        else:
            return 0.0
        if abs(target) > rules.auto_max_deg:
            return 0.0
    else:
        target = face.roll_deg
    if abs(target) <= rules.roll_threshold_deg:
        return 0.0
    ff = frame_face(analysis, index, target)
    head = Box.from_edges(ff.face_box.left, ff.crown_y, ff.face_box.right, ff.chin_y)
    if not box_inside(head, analysis.width, analysis.height, target):
        return 0.0
    return target


def tilt_kept_reason(analysis: Analysis, index: int, rules: FramingRules, angle: float) -> str:
    """Why a suggestion at ``angle`` leaves the subject's eyes tilted (for the note)."""
    face = analysis.faces[index]
    lines = scene_level(analysis, rules)
    if lines is not None and abs(lines.level_angle_deg - angle) <= rules.roll_threshold_deg:
        return "head tilt kept: the background's lines are level"
    if abs(face.roll_deg - angle) > rules.auto_max_deg:
        return "a tilt this large is kept as a pose"
    if not eye_roll_confident(face, rules):
        return "the face is turned: its tilt is not sure enough to level unasked"
    return "levelling would cut the photo's corners into the crop"


def body_end_y(analysis: Analysis, index: int, band_h: float = 1.5) -> float:
    """Lowest y (upright frame) the subject's body reaches: from the person mask when there is one
    and the body ends inside the photo, else the bottom of the photo. The body is looked for in a
    band ``band_h`` head heights either side of the face centre (shoulders, arms, a lean)."""
    face = analysis.faces[index]
    mask = analysis.person_mask
    if mask is None:
        return float(analysis.height)
    half = band_h * face.head_height
    left, right = face.center_x - half, face.center_x + half
    bottom = mask.body_bottom_y(left, right, face.chin_y)
    if bottom is None or mask.reaches_bottom_edge(left, right, face.chin_y):
        return float(analysis.height)
    return min(float(analysis.height), bottom)
