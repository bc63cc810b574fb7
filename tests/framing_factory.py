"""Build Face/Analysis objects directly for framing unit and property tests (no detector)."""

from __future__ import annotations

import math
from pathlib import Path

from core.faces import Analysis, Face, FaceKeypoints
from core.geometry import Box, Point


def make_face(
    cx: float,
    eye_y: float,
    head_h: float,
    *,
    roll_deg: float = 0.0,
    yaw: float = 0.0,
    score: float = 0.9,
) -> Face:
    """A face with adult proportions: eyes mid-head, face box from brow to chin, ears at the sides.
    ``yaw`` > 0 shifts the nose toward image-right (face turned toward image-right)."""
    crown = eye_y - head_h / 2.0
    chin = eye_y + head_h / 2.0
    face_w = 0.6 * head_h
    eye_dx = 0.2 * head_h
    t = math.radians(roll_deg)
    # roll > 0: the eye on the image's right sits lower (y down).
    right_eye = Point(cx - eye_dx * math.cos(t), eye_y - eye_dx * math.sin(t))
    left_eye = Point(cx + eye_dx * math.cos(t), eye_y + eye_dx * math.sin(t))
    ear_dx = 0.34 * head_h
    keypoints = FaceKeypoints(
        right_eye=right_eye,
        left_eye=left_eye,
        nose_tip=Point(cx + yaw * 2 * ear_dx, eye_y + 0.12 * head_h),
        mouth=Point(cx + yaw * ear_dx, eye_y + 0.28 * head_h),
        right_ear=Point(cx - ear_dx, eye_y + 0.05 * head_h),
        left_ear=Point(cx + ear_dx, eye_y + 0.05 * head_h),
    )
    box = Box.from_edges(cx - face_w / 2.0, eye_y - 0.2 * head_h, cx + face_w / 2.0, chin)
    return Face(
        box=box,
        score=score,
        keypoints=keypoints,
        eye_line_y=(right_eye.y + left_eye.y) / 2.0,
        crown_y=crown,
        chin_y=chin,
        roll_deg=roll_deg,
        yaw=yaw,
        crown_source="geometry",
    )


def make_analysis(
    width: int, height: int, *faces: Face, path: str | None = "factory.jpg"
) -> Analysis:
    ordered = tuple(sorted(faces, key=lambda f: -f.box.area))
    return Analysis(
        path=Path(path) if path else None,
        width=width,
        height=height,
        faces=ordered,
        person_mask=None,
    )
