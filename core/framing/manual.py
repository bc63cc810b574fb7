"""Manual crops: the rule book the GUI's drag handles and the CLI share.

Everything is in upright original pixels; with ``angle_deg`` the box lives in the frame of the photo
rotated counter-clockwise about its centre (``core.geometry`` convention) and must stay inside the
part of the canvas the rotated photo covers (no empty corners).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from core.faces import Analysis
from core.framing.checks import CheckSpec
from core.framing.finish import finish, reduced
from core.framing.idphoto import id_rule_checks
from core.framing.rotation import (
    HalfPlane,
    box_at,
    clamp_box,
    largest_box,
    max_scale_about,
    valid_area,
)
from core.framing.rules import load_framing_rules, load_id_rules
from core.framing.subject import FramedFace, frame_face
from core.geometry import Box, Point
from core.suggestion import CheckWarning, Genre, Suggestion

Handle = Literal["move", "n", "s", "e", "w", "ne", "nw", "se", "sw"]

#: Where the fixed point sits (share of width, height) when each handle is dragged.
_ANCHORS: dict[str, tuple[float, float]] = {
    "n": (0.5, 1.0),
    "s": (0.5, 0.0),
    "e": (0.0, 0.5),
    "w": (1.0, 0.5),
    "ne": (0.0, 1.0),
    "nw": (1.0, 1.0),
    "se": (0.0, 0.0),
    "sw": (1.0, 0.0),
}


@dataclass(frozen=True)
class CropConstraints:
    image_width: int  # upright original px
    image_height: int
    aspect: float | None  # w/h, None = free
    angle_deg: float = 0.0
    min_size: float = 16.0

    @property
    def planes(self) -> tuple[HalfPlane, ...]:
        return valid_area(self.image_width, self.image_height, self.angle_deg)


def _normalised(box: Box) -> Box:
    """Dragging a handle past the opposite edge gives negative sizes: flip them."""
    x, y, w, h = box.x, box.y, box.w, box.h
    if w < 0:
        x, w = x + w, -w
    if h < 0:
        y, h = y + h, -h
    return Box(x, y, w, h)


def _inside_point(p: Point, c: CropConstraints) -> Point:
    """``p`` if it is in the valid area, else the nearest valid point."""
    clamped = clamp_box(Box(p.x, p.y, 0.0, 0.0), c.image_width, c.image_height, c.angle_deg)
    return Point(clamped.x, clamped.y)


def _min_sized(w: float, h: float, c: CropConstraints) -> tuple[float, float]:
    small = min(w, h)
    if not small > 1e-6:  # collapsed (or NaN) proposals start again from the minimum
        w, h = (c.min_size * c.aspect, c.min_size) if c.aspect else (c.min_size, c.min_size)
        small = min(w, h)
    if small < c.min_size:
        if c.aspect is None:
            return max(w, c.min_size, 1e-6), max(h, c.min_size, 1e-6)
        k = c.min_size / small
        return w * k, h * k
    return w, h


def constrain_crop(
    proposed: Box, c: CropConstraints, *, handle: Handle = "move", from_center: bool = False
) -> Box:
    """The box a drag may commit: aspect exact (the dragged edge or corner gives; the opposite edge
    or corner stays put, or the centre with ``from_center``), at least ``min_size`` on its short
    side, and inside the valid area. "move" slides the box back inside without resizing (unless it
    is bigger than the photo allows); resizes shrink toward the fixed point."""
    box = _normalised(proposed)
    w, h = box.w, box.h
    a = c.aspect
    if handle == "move":
        if a is not None:
            # Keep the area, fix the ratio (a move never changes the size the user chose).
            area = max(w * h, 1e-9)
            h = math.sqrt(area / a)
            w = h * a
        w, h = _min_sized(w, h, c)
        return clamp_box(
            Box.from_center(box.cx, box.cy, w, h), c.image_width, c.image_height, c.angle_deg
        )

    fx, fy = (0.5, 0.5) if from_center else _ANCHORS[handle]
    anchor = Point(box.x + fx * box.w, box.y + fy * box.h)
    if a is not None:
        if handle in ("e", "w"):
            h = w / a
        elif handle in ("n", "s"):
            w = h * a
        else:
            # The dragged corner projected on the aspect's diagonal: follows the pointer smoothly.
            h = (w * a + h) / (a * a + 1.0)
            w = h * a
    w, h = _min_sized(w, h, c)

    if a is None and abs(c.angle_deg) < 1e-9:
        # Axis-aligned free crop: each dragged edge stops at the photo's edge on its own.
        left = anchor.x - fx * w
        top = anchor.y - fy * h
        clipped = Box.from_edges(
            max(0.0, left),
            max(0.0, top),
            min(float(c.image_width), left + w),
            min(float(c.image_height), top + h),
        )
        cw, ch = _min_sized(max(clipped.w, 0.0), max(clipped.h, 0.0), c)
        return clamp_box(
            Box(clipped.x, clipped.y, cw, ch), c.image_width, c.image_height, c.angle_deg
        )

    anchor = _inside_point(anchor, c)
    offsets = (
        (-fx * w, -fy * h),
        ((1 - fx) * w, -fy * h),
        (-fx * w, (1 - fy) * h),
        ((1 - fx) * w, (1 - fy) * h),
    )
    s = min(1.0, max_scale_about(anchor, offsets, c.planes))
    result = Box(anchor.x - fx * w * s, anchor.y - fy * h * s, w * s, h * s)
    if min(result.w, result.h) < c.min_size - 1e-9:
        mw, mh = _min_sized(result.w, result.h, c)
        result = clamp_box(
            box_at(anchor, mh, mw / mh, fx, fy), c.image_width, c.image_height, c.angle_deg
        )
    return result


def fit_aspect(box: Box, aspect: float, c: CropConstraints, *, keep_area: bool = False) -> Box:
    """Box of ``aspect`` for an aspect change (orientation swap X, preset switch): the largest box
    of that aspect inside the valid area, centred on ``box``'s centre as far as the photo allows.
    With ``keep_area`` it keeps ``box``'s area instead (capped by the same limit)."""
    box = _normalised(box)
    biggest = largest_box(aspect, c.image_width, c.image_height, c.angle_deg)
    h = biggest.h
    if keep_area and box.area > 0:
        h = min(h, math.sqrt(box.area / aspect))
    w = h * aspect
    if min(w, h) < c.min_size:
        w, h = _min_sized(
            w, h, CropConstraints(c.image_width, c.image_height, aspect, c.angle_deg, c.min_size)
        )
    return clamp_box(
        Box.from_center(box.cx, box.cy, w, h), c.image_width, c.image_height, c.angle_deg
    )


def swap_orientation_box(
    box: Box, aspect: float | None, c: CropConstraints, head: FramedFace | None
) -> Box:
    """X: ``box`` turned portrait <-> landscape (``aspect`` is the new w/h, None when free).

    With the subject's head in the crop, the new box keeps the eyes where they were in the frame
    (the same share of the width and height) and the whole head with the headroom it had (as
    much as the new height allows); without one it turns about the same centre."""
    swapped = Box.from_center(box.cx, box.cy, box.h, box.w)
    if aspect is not None:
        turned = fit_aspect(swapped, aspect, c, keep_area=True)
    else:
        turned = constrain_crop(swapped, c, handle="move")
    if head is None or not box.contains_point(head.eye) or box.w <= 0 or box.h <= 0:
        return turned
    w, h = turned.w, turned.h
    eye = head.eye
    left = eye.x - (eye.x - box.left) / box.w * w
    top = eye.y - (eye.y - box.top) / box.h * h
    headroom = max(0.0, head.crown_y - box.top)
    # A shorter frame would put the crown above the top: keep the head, with the headroom it had
    # up to a tenth of the new height.
    top = min(top, head.crown_y - min(headroom, 0.1 * h))
    if head.chin_y <= box.bottom and top + h < head.chin_y:
        # The chin too, when the crown allows it.
        top = min(max(top, head.chin_y - h), head.crown_y)
    return constrain_crop(Box(left, top, w, h), c, handle="move")


def subject_in_crop(analysis: Analysis, box: Box, angle_deg: float) -> int | None:
    """Largest face whose eyes are in the crop (faces are ordered best subject first)."""
    for i in range(len(analysis.faces)):
        if box.contains_point(frame_face(analysis, i, angle_deg).eye):
            return i
    return None


def manual_suggestion(
    analysis: Analysis,
    box: Box,
    *,
    aspect: tuple[int, int] | None,
    angle_deg: float,
    subject: int | None,
    genre: str = "manual",
    framing: str = "manual",
    output_sizes: Sequence[tuple[int, int]] = (),
) -> Suggestion:
    """A hand-made crop with the same checks as the suggestions. ``subject`` None picks the largest
    face whose eyes are in the crop. With genre "id" and an ID rule id as ``framing`` the crop is
    also measured against that rule (head height, eye line, resolution)."""
    rules = load_framing_rules()
    if subject is None:
        subject = subject_in_crop(analysis, box, angle_deg)
    elif not 0 <= subject < len(analysis.faces):
        subject = None
    g: Genre = genre if genre in ("headshot", "portrait", "group", "id", "manual") else "manual"  # type: ignore[assignment]
    if g == "headshot":
        spec = CheckSpec(
            centred=True,
            eye_band=rules.headshot.eye_band,
            hair_cut_allowed=True,
            facing_camera=True,
            single_face=True,
        )
    elif g == "id":
        spec = CheckSpec(centred=True, facing_camera=True, single_face=True, joints=False)
    else:
        spec = CheckSpec(hair_cut_allowed=True)
    extra: list[CheckWarning] = []
    if g == "id" and subject is not None:
        id_rules = load_id_rules()
        if framing in {r.id for r in id_rules.rules}:
            rule = id_rules.rule(framing)
            spec = CheckSpec(
                centred=True,
                facing_camera=True,
                max_yaw=id_rules.max_yaw,
                single_face=True,
                joints=False,
            )
            ff = frame_face(analysis, subject, angle_deg)
            extra = id_rule_checks(analysis, ff, box, angle_deg, rule)
    if aspect is None:
        bw, bh = box.rounded()[2:]
        aspect = reduced(max(bw, 1), max(bh, 1))
    return finish(
        analysis,
        suggestion_id=f"{g}-{framing}-manual" if g != "manual" else "manual",
        genre=g,
        framing=framing,
        aspect=aspect,
        box=box,
        angle_deg=angle_deg,
        subject=subject,
        base_score=0.8,
        spec=spec,
        rules=rules,
        output_sizes=output_sizes,
        extra=extra,
        snap=False,
    )
