"""Which detected face is the subject: ranking by person support, size, sharpness and frontality.

Box area alone made a round TV-network logo on a press wall "subject 0" (issue #9): BlazeFace found
a face in it, the largest in the photo, with nobody behind it. A photographer's subject is a
person, in focus, facing the camera, and usually the biggest of those. So:

- **person support**: the share of the face box's centre that the selfie segmenter calls person.
  When the mask clearly works on the photo (some face is well covered), a face it does not cover
  is not a person (a logo, a poster, a pattern) and is dropped. When no face is well covered
  (old black-and-white prints, crowds too small for the 256 px mask) the mask says nothing and
  nobody is dropped;
- **keypoints**: eyes above the nose above the mouth along the face's own axis; a box whose
  keypoints do not make a face is ranked after every plausible one;
- **size, sharpness, frontality**: multiplied into one score; a turned or blurred face needs to
  be clearly bigger than a frontal, sharp one to come first;
- **a second look**: the first faces of that order are looked for again (``core.detection``);
  one not found again (a clock's dial, a cap seen from behind: the mask covers both) is marked
  unconfirmed and goes after every confirmed face (``confirmed_first``); the framer warns when
  an unconfirmed face is still the subject.

Pure functions on numpy arrays; the numbers are in resources/faces.toml with the reasons.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from core.faces import Face
from core.geometry import Box
from core.resource_numbers import resource_table

_N = resource_table("faces.toml", "ranking")
#: The mask "works" on a photo when some face's centre is at least this much person ...
MASK_INFORMATIVE_SUPPORT = float(_N["mask_informative_support"])
#: ... and then a face whose centre is less than this much person has nobody behind it.
MIN_PERSON_SUPPORT = float(_N["min_person_support"])
#: Faces under this share of the photo's long side are never dropped (too few mask cells).
MIN_FACE_SHARE_FOR_SUPPORT = float(_N["min_face_share_for_support"])
#: Inset of the face box (share of its size, each side) where support is measured.
SUPPORT_INSET = float(_N["support_inset"])
#: Frontality: a profile (|yaw| at or above PROFILE_YAW) scores PROFILE_PENALTY less.
PROFILE_YAW = float(_N["profile_yaw"])
PROFILE_PENALTY = float(_N["profile_penalty"])
#: Sharpness: the blurriest face scores this much less than the sharpest of the same size,
#: measured on the face resampled to SHARPNESS_SIDE px.
BLUR_PENALTY = float(_N["blur_penalty"])
SHARPNESS_SIDE = int(_N["sharpness_side"])
#: Keypoint plausibility tolerance, in eye-to-mouth distances along the face's axis.
KEYPOINT_SLACK = float(_N["keypoint_slack"])

_S = resource_table("faces.toml", "second_look")
#: Second look (``core.detection``): a crop this many face boxes wide around each of the first
#: SECOND_LOOK_FACES faces; confirmed when the short-range model finds it again at
#: SECOND_LOOK_SHORT or the full-range one at SECOND_LOOK_FULL (upright or mirrored).
SECOND_LOOK_CROP = float(_S["crop_boxes"])
SECOND_LOOK_SHORT = float(_S["min_short_score"])
SECOND_LOOK_FULL = float(_S["min_full_score"])
SECOND_LOOK_FACES = int(_S["faces"])


def person_support(face: Face, confidence: npt.NDArray[np.float32], scale: float) -> float:
    """Mean person confidence over the centre of ``face``'s box (``confidence`` at ``scale``
    original px per mask px)."""
    return box_support(face.box, confidence, scale)


def box_support(b: Box, confidence: npt.NDArray[np.float32], scale: float) -> float:
    """Mean person confidence over the centre of the face box ``b`` (``confidence`` at ``scale``
    px of ``b`` per mask px)."""
    h, w = confidence.shape[:2]
    x0 = max(0, int((b.left + SUPPORT_INSET * b.w) / scale))
    x1 = min(w, max(x0 + 1, math.ceil((b.right - SUPPORT_INSET * b.w) / scale)))
    y0 = max(0, int((b.top + SUPPORT_INSET * b.h) / scale))
    y1 = min(h, max(y0 + 1, math.ceil((b.bottom - SUPPORT_INSET * b.h) / scale)))
    region = confidence[y0:y1, x0:x1]
    return float(region.mean()) if region.size else 0.0


def plausible_keypoints(face: Face) -> bool:
    """Eyes above the nose tip above the mouth, measured along the face's own (rolled) axis."""
    k = face.keypoints
    eye = face.eye_center
    angle = math.radians(face.roll_deg)
    # Unit vector pointing "down the face" when the head is rolled by roll_deg.
    down = (-math.sin(angle), math.cos(angle))

    def depth(x: float, y: float) -> float:
        return (x - eye.x) * down[0] + (y - eye.y) * down[1]

    mouth = depth(k.mouth.x, k.mouth.y)
    if mouth <= 0:
        return False
    nose = depth(k.nose_tip.x, k.nose_tip.y)
    return -KEYPOINT_SLACK * mouth <= nose <= (1 + KEYPOINT_SLACK) * mouth


def sharpness(rgb: npt.NDArray[np.uint8], face: Face, analysis_scale: float) -> float:
    """Variance of the Laplacian of the face (grey, resampled to a fixed size)."""
    from PIL import Image

    b = face.box.scaled(1.0 / analysis_scale)
    h, w = rgb.shape[:2]
    x0, y0 = max(0, int(b.left)), max(0, int(b.top))
    x1, y1 = min(w, math.ceil(b.right)), min(h, math.ceil(b.bottom))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return 0.0
    grey = Image.fromarray(np.ascontiguousarray(rgb[y0:y1, x0:x1])).convert("L")
    g = np.asarray(
        grey.resize((SHARPNESS_SIDE, SHARPNESS_SIDE), Image.Resampling.BILINEAR), np.float32
    )
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4.0 * g[1:-1, 1:-1]
    return float(lap.var())


def _support_counts(face: Face, confidence: npt.NDArray[np.float32], mask_scale: float) -> bool:
    long_side = float(max(confidence.shape[:2])) * mask_scale
    return bool(max(face.box.w, face.box.h) >= MIN_FACE_SHARE_FOR_SUPPORT * long_side)


def rank_faces(
    faces: Sequence[Face],
    confidence: npt.NDArray[np.float32] | None,
    mask_scale: float,
    rgb: npt.NDArray[np.uint8] | None = None,
    analysis_scale: float = 1.0,
) -> tuple[Face, ...]:
    """``faces`` best subject first, each with its ``person_support``; faces with nobody behind
    them dropped when the mask can tell (see the module docstring)."""
    if not faces:
        return ()
    supported = [
        replace(f, person_support=person_support(f, confidence, mask_scale))
        if confidence is not None
        else f
        for f in faces
    ]
    informative = confidence is not None and (
        max(f.person_support for f in supported) >= MASK_INFORMATIVE_SUPPORT
    )
    if informative and confidence is not None:
        supported = [
            f
            for f in supported
            if f.person_support >= MIN_PERSON_SUPPORT
            or not _support_counts(f, confidence, mask_scale)
        ]
    sharp = [sharpness(rgb, f, analysis_scale) if rgb is not None else 1.0 for f in supported]
    sharpest = max(sharp, default=0.0)

    def score(i: int) -> tuple[bool, float]:
        f = supported[i]
        size = math.sqrt(max(f.box.area, 0.0))
        frontal = 1.0 - PROFILE_PENALTY * min(1.0, abs(f.yaw) / PROFILE_YAW)
        crisp = 1.0 - BLUR_PENALTY * (1.0 - math.sqrt(sharp[i] / sharpest)) if sharpest else 1.0
        counts = confidence is not None and _support_counts(f, confidence, mask_scale)
        person = (0.5 + 0.5 * f.person_support) if informative and counts else 1.0
        return plausible_keypoints(f), size * frontal * crisp * person

    order = sorted(range(len(supported)), key=score, reverse=True)
    return tuple(supported[i] for i in order)


def confirmed_first(faces: Sequence[Face]) -> tuple[Face, ...]:
    """``faces`` in their order, those a second look did not confirm moved after the rest."""
    return tuple(f for f in faces if f.confirmed) + tuple(f for f in faces if not f.confirmed)
