"""Composition checks attached to every suggestion (automatic or manual). Codes are stable: tests
and the GUI's icons key on them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.faces import Analysis
from core.framing.neighbours import cut_heads, neighbour_heads
from core.framing.rules import FramingRules, Range
from core.framing.subject import FramedFace, body_end_y, frame_face, tilt_kept_reason
from core.geometry import Box, upscale_factor
from core.suggestion import CheckWarning

UPSCALE_NEEDED = "upscale-needed"
CROWN_CUT = "crown-cut"
CHIN_CUT = "chin-cut"
EYES_CUT = "eyes-cut"
FACE_CUT = "face-cut"
CUT_AT_NECK = "cut-at-neck"
CUT_AT_JOINT = "cut-at-joint"
CUT_THROUGH_HANDS = "cut-through-hands"
NOT_FACING_CAMERA = "not-facing-camera"
# The subject's face was not found again by a second look (core.face_rank): likely not a face.
UNSURE_FACE = "unsure-face"
SEVERAL_FACES = "several-faces"
OFF_CENTRE = "off-centre"
EYES_OUTSIDE_BAND = "eyes-outside-band"
ROLL_NOT_CORRECTED = "roll-not-corrected"
FACES_CUT = "faces-cut"
# A group member's shoulder is cut by the crop's edge (the head is whole).
PEOPLE_CUT = "people-cut"
# Set by the framers when the photo had no room for the asked framing.
LESS_HEADROOM = "less-headroom"
MORE_HEADROOM = "more-headroom"
TIGHTER_CROP = "tighter-crop"
SUBJECT_SHIFTED = "subject-shifted"
# A variant the photo cannot make different from a better one (offered anyway: stable ids).
SAME_AS_OTHER = "same-as-other"
# ID photo rules.
ID_HEAD_HEIGHT = "id-head-height"
ID_EYE_LINE = "id-eye-line"
ID_RESOLUTION = "id-resolution"


@dataclass(frozen=True)
class CheckSpec:
    """Which checks apply to a crop, by genre."""

    centred: bool = False  # headshots and ID photos are centred on the face
    eye_band: Range | None = None  # eye line band from the top (headshots)
    hair_cut_allowed: bool = False  # tight headshots and close-ups may trim the hair
    max_hair_cut_h: float | None = None  # how much (H from the crown); default: the headshot rule
    facing_camera: bool = False  # headshots and ID photos want a frontal face
    max_yaw: float | None = None  # overrides the rules' max_yaw (ID photos are stricter)
    single_face: bool = False  # a headshot holds one person
    joints: bool = True  # ID photos end under the chin by rule: no neck/joint check there


def upscale_checks(box: Box, output_sizes: Sequence[tuple[int, int]]) -> list[CheckWarning]:
    out: list[CheckWarning] = []
    w, h = box.rounded()[2:]
    for tw, th in output_sizes:
        factor = upscale_factor(box, (tw, th))
        if factor > 1.0 + 1e-6:
            out.append(
                CheckWarning(
                    UPSCALE_NEEDED,
                    f"crop is {w}x{h} px; {tw}x{th} output needs {factor:.2f}x upscaling",
                    "warning" if factor > 1.25 else "info",
                )
            )
    return out


def subject_checks(
    analysis: Analysis,
    ff: FramedFace,
    box: Box,
    spec: CheckSpec,
    rules: FramingRules,
) -> list[CheckWarning]:
    """Checks about the subject's head and body in ``box`` (same frame as ``ff``)."""
    out: list[CheckWarning] = []
    if not analysis.faces[ff.index].confirmed:
        out.append(
            CheckWarning(
                UNSURE_FACE,
                "a second look did not find this face again: it may not be a person's face",
                "problem",
            )
        )
    hh = ff.head_height
    tol = rules.checks.cut_tolerance_h * hh
    others = _faces_in(analysis, box, ff.angle_deg, rules.checks.other_face_overlap, skip=ff.index)
    if not all(box.contains_point(p, tol=0.5) for p in ff.eyes):
        out.append(CheckWarning(EYES_CUT, "the crop cuts through the eyes", "problem"))
    cut_h = (box.top - ff.crown_y) / hh
    if box.top > ff.crown_y + tol:
        max_cut = (
            rules.headshot.max_hair_cut_h if spec.max_hair_cut_h is None else spec.max_hair_cut_h
        )
        if spec.hair_cut_allowed and cut_h <= max_cut + 1.0 / hh:
            out.append(
                CheckWarning(
                    CROWN_CUT, f"top of the hair trimmed ({cut_h:.0%} of the head)", "info"
                )
            )
        else:
            out.append(
                CheckWarning(
                    CROWN_CUT,
                    f"the crop cuts the top of the head ({cut_h:.0%} of the head)",
                    "problem",
                )
            )
    elif analysis.faces[ff.index].crown_source == "edge":
        # The photo itself cuts the head (hair or hat touching its top edge): no crop can hold
        # the crown, and the photographer should know before sending it out.
        out.append(
            CheckWarning(
                CROWN_CUT, "the top of the head is outside the photo: the crown is cut", "warning"
            )
        )
    if box.bottom < ff.chin_y - tol:
        out.append(CheckWarning(CHIN_CUT, "the crop cuts the chin", "problem"))
    if spec.centred and (box.left > ff.face_box.left + 1.0 or box.right < ff.face_box.right - 1.0):
        out.append(CheckWarning(FACE_CUT, "the crop cuts the side of the face", "problem"))
    if spec.joints:
        out.extend(_joint_checks(analysis, ff, box, rules))
    max_yaw = spec.max_yaw if spec.max_yaw is not None else rules.checks.max_yaw
    if spec.facing_camera and abs(ff.yaw) > max_yaw:
        side = "right" if ff.yaw > 0 else "left"
        out.append(
            CheckWarning(
                NOT_FACING_CAMERA,
                f"the face is turned toward image-{side} (yaw {ff.yaw:+.2f}); "
                "a headshot wants the face toward the camera",
            )
        )
    if spec.single_face and others:
        out.append(CheckWarning(SEVERAL_FACES, f"{len(others)} other face(s) in the crop"))
    heads = neighbour_heads(analysis, ff.index, ff.angle_deg, rules.neighbours)
    cut = cut_heads(box, heads, rules.neighbours)
    if cut:
        out.append(
            CheckWarning(
                FACES_CUT,
                f"the crop's edge cuts through {len(cut)} other face(s)",
                "warning",
            )
        )
    if spec.centred and box.w > 0:
        off = (ff.cx - box.cx) / box.w
        if abs(off) > rules.headshot.centre_tolerance:
            out.append(
                CheckWarning(
                    OFF_CENTRE,
                    f"face is {abs(off):.0%} of the width off centre "
                    f"({'right' if off > 0 else 'left'})",
                )
            )
    if spec.eye_band is not None and box.h > 0:
        e = (ff.eye.y - box.top) / box.h
        lo, hi = spec.eye_band
        slack = 1.5 / box.h  # whole-pixel snapping moves the line by up to a pixel
        if not lo - slack <= e <= hi + slack:
            out.append(
                CheckWarning(
                    EYES_OUTSIDE_BAND,
                    f"eye line at {e:.0%} from the top (wanted {lo:.0%}-{hi:.0%})",
                )
            )
    # With other people in the crop one person's eye tilt is not the crop's level: turning the
    # photo by it would tilt everyone else.
    if abs(ff.residual_roll_deg) > rules.roll_threshold_deg and not others:
        reason = tilt_kept_reason(analysis, ff.index, rules, ff.angle_deg)
        out.append(
            CheckWarning(
                ROLL_NOT_CORRECTED,
                f"eyes tilted {ff.residual_roll_deg:+.1f}° ({reason}; "
                f"Level eyes (L) rotates by {ff.residual_roll_deg:+.1f}°)",
                "info",
            )
        )
    return out


def _joint_checks(
    analysis: Analysis, ff: FramedFace, box: Box, rules: FramingRules
) -> list[CheckWarning]:
    hh = ff.head_height
    at = ff.in_h(box.bottom)
    tol = rules.joints.tolerance_h
    joints = dict(rules.joints.joints)
    neck = joints.get("neck")
    chin_h = (ff.chin_y - ff.crown_y) / hh
    at_neck = (
        neck is not None
        and chin_h - 1e-9 <= at <= neck + tol
        and _shoulders_shown_h(analysis, ff, box, rules) < rules.joints.neck_shoulders_shown_h
    )
    end = body_end_y(analysis, ff.index, rules.portrait.body_band_h)
    # Whole-pixel snapping can leave the edge a pixel short of the photo's bottom row.
    if box.bottom >= end - 1.0:
        # The whole visible body is inside: the crop cuts nothing. But when the photo itself
        # ends at the neck (a face filling the frame), no crop shows shoulders, and the
        # photographer should know before sending out a floating head.
        if at_neck and end >= analysis.height - 0.5:
            return [
                CheckWarning(
                    CUT_AT_NECK,
                    f"the photo ends at the neck ({at:.2f} H under the crown): "
                    "no crop of it shows the shoulders",
                    "warning",
                )
            ]
        return []
    if at_neck:
        return [
            CheckWarning(
                CUT_AT_NECK,
                f"bottom edge at the neck ({at:.2f} H under the crown): leaves a floating head",
                "problem",
            )
        ]
    for name, where in rules.joints.joints:
        if name != "neck" and abs(at - where) <= tol:
            return [
                CheckWarning(
                    CUT_AT_JOINT,
                    f"bottom edge at the {name} ({at:.1f} H under the crown, joint at {where:g} H)",
                )
            ]
    return []


def _shoulders_shown_h(analysis: Analysis, ff: FramedFace, box: Box, rules: FramingRules) -> float:
    """Head heights, above ``box``'s bottom edge and under the chin, over which the person mask
    spans ``neck_shoulders_width`` face-box widths across the crop: the shoulders in the frame
    (0 without a mask). The mask is upright; in a slightly rotated frame it moves with the eyes,
    as in ``core.framing.portrait.arms_zone``."""
    mask = analysis.person_mask
    hh = ff.head_height
    if mask is None or hh <= 0:
        return 0.0
    face = analysis.faces[ff.index]
    dx, dy = ff.eye.x - face.eye_center.x, ff.eye.y - face.eye_center.y
    rows_n, cols_n = mask.binary.shape
    c0 = max(0, int((box.left - dx) / mask.scale))
    c1 = min(cols_n, math.ceil((box.right - dx) / mask.scale))
    r0 = max(0, int((ff.chin_y - dy) / mask.scale))
    r1 = min(rows_n, math.ceil((box.bottom - dy) / mask.scale))
    if c1 <= c0 or r1 <= r0:
        return 0.0
    band = mask.binary[r0:r1, c0:c1]
    wide = rules.joints.neck_shoulders_width * face.box.w / mask.scale
    for i, row in enumerate(band):
        cols = np.flatnonzero(row)
        if cols.size and cols[-1] - cols[0] + 1 >= wide:
            return max(0.0, (box.bottom - dy - (r0 + i) * mask.scale) / hh)
    return 0.0


def _faces_in(
    analysis: Analysis, box: Box, angle_deg: float, share: float, skip: int | None
) -> list[int]:
    found = []
    for i in range(len(analysis.faces)):
        if i == skip:
            continue
        fb = frame_face(analysis, i, angle_deg).face_box
        inter = fb.intersection(box)
        if inter is not None and fb.area > 0 and inter.area / fb.area >= share:
            found.append(i)
    return found


def faces_cut(analysis: Analysis, box: Box, angle_deg: float) -> list[int]:
    """Faces whose head is not wholly inside ``box`` (group framings)."""
    cut = []
    for i in range(len(analysis.faces)):
        ff = frame_face(analysis, i, angle_deg)
        head = Box.from_edges(ff.face_box.left, ff.crown_y, ff.face_box.right, ff.chin_y)
        if not box.contains_box(head, tol=1.0):
            cut.append(i)
    return cut


def score(base: float, warnings: Sequence[CheckWarning], rules: FramingRules) -> float:
    penalty = {
        "info": rules.checks.penalty_info,
        "warning": rules.checks.penalty_warning,
        "problem": rules.checks.penalty_problem,
    }
    return max(0.0, min(1.0, base - sum(penalty[w.severity] for w in warnings)))
