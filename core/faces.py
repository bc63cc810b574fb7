"""What detection found in a photo: frozen results, all in upright original-image pixels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from core.geometry import Box, Point
from core.scene_lines import SceneLines

KEYPOINT_NAMES = ("right_eye", "left_eye", "nose_tip", "mouth", "right_ear", "left_ear")


@dataclass(frozen=True)
class FaceKeypoints:
    """BlazeFace's six keypoints. "right"/"left" are the *subject's* right and left."""

    right_eye: Point
    left_eye: Point
    nose_tip: Point
    mouth: Point
    right_ear: Point
    left_ear: Point

    def as_dict(self) -> dict[str, list[float]]:
        return {name: getattr(self, name).as_list() for name in KEYPOINT_NAMES}


@dataclass(frozen=True)
class Face:
    """One detected face with the head geometry derived from it.

    ``crown_y`` is the top of the head including hair; ``chin_y`` the bottom of the chin;
    ``eye_line_y`` the mean height of the eyes. ``roll_deg`` is the angle of the vector from the
    right eye (image left) to the left eye (image right) in image coordinates (y down):
    positive when the eye on the image's right sits lower. Rotating the image counter-clockwise
    by ``roll_deg`` (``core.geometry`` angle convention, as Pillow's ``Image.rotate``) levels the
    eyes.
    ``yaw`` is the nose offset from the ear midpoint relative to the ear-to-ear distance: about 0
    frontal, negative when the face turns toward image-left, positive toward image-right.
    """

    box: Box
    score: float
    keypoints: FaceKeypoints
    eye_line_y: float
    crown_y: float
    chin_y: float
    roll_deg: float
    yaw: float
    crown_source: str  # "mask", "geometry", or "edge" (the head runs off the photo's top)
    #: Share of the face's centre the person mask covers (core.face_rank); 1.0 when not measured.
    person_support: float = 1.0
    #: False when a second look (both BlazeFace models, upright and mirrored, on a crop around
    #: the box) did not find the face again: likely not a face (core.face_rank.second_look).
    confirmed: bool = True

    @property
    def eye_center(self) -> Point:
        k = self.keypoints
        return Point((k.right_eye.x + k.left_eye.x) / 2.0, (k.right_eye.y + k.left_eye.y) / 2.0)

    @property
    def head_height(self) -> float:
        """Crown to chin, the unit every framing rule is measured in."""
        return self.chin_y - self.crown_y

    @property
    def center_x(self) -> float:
        """Horizontal centre line of the face: between the eyes."""
        return self.eye_center.x

    @property
    def head_box(self) -> Box:
        """Face box widened to the ears and stretched from crown to chin."""
        k = self.keypoints
        left = min(self.box.left, k.right_ear.x, k.left_ear.x)
        right = max(self.box.right, k.right_ear.x, k.left_ear.x)
        return Box.from_edges(
            left, min(self.crown_y, self.box.top), right, max(self.chin_y, self.box.bottom)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "box": self.box.as_list(),
            "score": round(self.score, 4),
            "keypoints": self.keypoints.as_dict(),
            "eye_line_y": round(self.eye_line_y, 2),
            "crown_y": round(self.crown_y, 2),
            "chin_y": round(self.chin_y, 2),
            "roll_deg": round(self.roll_deg, 2),
            "yaw": round(self.yaw, 3),
        }


@dataclass(frozen=True, eq=False)
class PersonMask:
    """Selfie-segmentation confidence at analysis resolution.

    ``confidence[row, col]`` is in 0..1; one mask pixel covers ``scale`` original pixels on each
    axis (original = mask * scale). Use the helpers rather than indexing so callers stay in
    original pixels.
    """

    confidence: npt.NDArray[np.float32]
    scale: float
    threshold: float = 0.5

    @property
    def binary(self) -> npt.NDArray[np.bool_]:
        return self.confidence >= self.threshold

    def is_person(self, p: Point) -> bool:
        r, c = int(p.y / self.scale), int(p.x / self.scale)
        h, w = self.confidence.shape
        return 0 <= r < h and 0 <= c < w and bool(self.confidence[r, c] >= self.threshold)

    def body_bottom_y(self, x_left: float, x_right: float, below_y: float) -> float | None:
        """Lowest person pixel (original y) in the column band [x_left, x_right] under ``below_y``,
        following the connected body down from ``below_y``; ``None`` if the band has no person."""
        h, w = self.confidence.shape
        c0 = max(0, int(x_left / self.scale))
        c1 = min(w, max(c0 + 1, int(np.ceil(x_right / self.scale))))
        r0 = max(0, min(h - 1, int(below_y / self.scale)))
        rows: npt.NDArray[np.bool_] = np.asarray(self.binary[r0:, c0:c1].any(axis=1))
        if not rows.any():
            return None
        # Walk down while rows keep containing person pixels: stops at the first empty row (the
        # body's end) instead of jumping to an unrelated person lower in the frame.
        empty = np.flatnonzero(~rows)
        first = int(np.flatnonzero(rows)[0])
        after = empty[empty > first]
        last_row = int(after[0]) - 1 if after.size else rows.shape[0] - 1
        return float((r0 + last_row + 1) * self.scale)

    def reaches_bottom_edge(self, x_left: float, x_right: float, below_y: float) -> bool:
        """True when the body under the face runs off the bottom of the photo."""
        bottom = self.body_bottom_y(x_left, x_right, below_y)
        return bottom is not None and bottom >= (self.confidence.shape[0] - 1) * self.scale


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything detection knows about one photo."""

    path: Path | None
    width: int  # upright original pixels
    height: int
    faces: tuple[Face, ...]  # best subject first (core.face_rank): faces[0] is subject 0
    person_mask: PersonMask | None
    #: Direction of the background's straight lines (None: too few edges, or not measured).
    scene_lines: SceneLines | None = None

    @property
    def image_box(self) -> Box:
        return Box(0.0, 0.0, float(self.width), float(self.height))

    def to_json(self) -> dict[str, Any]:
        return {
            "image": {
                "path": str(self.path) if self.path else None,
                "width": self.width,
                "height": self.height,
            },
            "faces": [f.to_json() for f in self.faces],
        }
