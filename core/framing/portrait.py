"""Portrait framings: close-up to full length, and environmental. Eyes on the upper thirds line,
the subject on the third opposite the way the face turns (look room), bottom edges at the framing's
length in head heights from the crown and away from joints. A framing that needs more body than
the photo shows is not offered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.errors import FramingError
from core.faces import Analysis
from core.framing import checks as C
from core.framing.finish import aspect_label, best_of_levelled, finish, ratio
from core.framing.neighbours import avoid_neighbours, neighbour_heads
from core.framing.placement import place
from core.framing.rotation import (
    box_at,
    box_inside,
    box_offsets,
    clamp_box,
    largest_box,
    max_scale_about,
    valid_area,
)
from core.framing.rules import Aspect, FramingRules, PortraitFraming
from core.framing.subject import FramedFace, body_end_y, frame_face, levelling_angle
from core.geometry import Box
from core.suggestion import CheckWarning, Suggestion

ENVIRONMENTAL = "environmental"


class FramingNotFeasible(FramingError):
    """The photo does not hold what this framing needs (more body, or more room)."""


@dataclass(frozen=True)
class _Subject:
    ff: FramedFace
    angle: float
    body_end: float  # lowest visible body y in the crop frame


def _subject(analysis: Analysis, index: int, rules: FramingRules, angle: float) -> _Subject:
    face = analysis.faces[index]
    ff = frame_face(analysis, index, angle)
    # The mask is upright; in a slightly rotated frame the body end moves with the eyes.
    end = body_end_y(analysis, index, rules.portrait.body_band_h) + (ff.eye.y - face.eye_center.y)
    return _Subject(ff, angle, end)


def look_room_x(ff: FramedFace, aspect: float, image_width: float, rules: FramingRules) -> float:
    """Where the face sits across the crop (share of its width). A turned face goes on the third
    opposite its turn so the space opens where it looks; a frontal face is centred in vertical and
    square crops and put on the third that leaves the photo's wider side open in horizontal ones."""
    left, right = rules.portrait.thirds
    if ff.yaw > rules.portrait.yaw_turned:  # turned toward image-right
        return left
    if ff.yaw < -rules.portrait.yaw_turned:
        return right
    if aspect <= 1.0 + 1e-9:
        return 0.5
    return left if ff.cx <= image_width / 2.0 else right


def _keep_face_inside(ff: FramedFace, x_frac: float, box_w: float) -> float:
    """Limit the look-room position so the whole head stays inside a crop ``box_w`` wide (a narrow
    close-up cannot put a face on its third without cutting it): 3% margin each side."""
    lo = (ff.cx - ff.head_box.left) / box_w + 0.03
    hi = 1.0 - (ff.head_box.right - ff.cx) / box_w - 0.03
    if lo > hi:
        return 0.5
    return min(max(x_frac, lo), hi)


def _vertical_extent(ff: FramedFace, bottom: float, rules: FramingRules) -> tuple[float, float]:
    """(height, eye share from the top) for a crop ending at ``bottom``: eyes on the upper third,
    unless that leaves more than ``max_headroom`` above the crown (long framings)."""
    p = rules.portrait
    e = p.eye_from_top
    height = (bottom - ff.eye.y) / (1.0 - e)
    top = ff.eye.y - e * height
    if ff.crown_y - top > p.max_headroom * height:
        height = (bottom - ff.crown_y) / (1.0 - p.max_headroom)
        top = ff.crown_y - p.max_headroom * height
        e = (ff.eye.y - top) / height
    elif top > ff.crown_y + p.close_up_max_cut_h * ff.head_height:
        # Short framings with the eyes on the third would cut into the forehead: trim the hair only.
        top = ff.crown_y + p.close_up_max_cut_h * ff.head_height
        height = bottom - top
        e = (ff.eye.y - top) / height
    return height, e


def _avoid_joints(
    box: Box, x_frac: float, y_frac: float, subj: _Subject, rules: FramingRules
) -> Box:
    """Raise the bottom edge above a joint it would cut through, keeping the eye point fixed."""
    ff = subj.ff
    if box.bottom >= subj.body_end - 0.5:
        return box
    at = ff.in_h(box.bottom)
    tol = rules.joints.tolerance_h
    for _name, where in rules.joints.joints:
        if abs(at - where) <= tol:
            new_bottom = ff.at_h(where - tol - 0.02)
            new_h = (new_bottom - ff.eye.y) / (1.0 - y_frac)
            if new_h > 0:
                return box_at(ff.eye, new_h, box.w / box.h, x_frac, y_frac)
    return box


def arms_zone(
    analysis: Analysis, subj: _Subject, rules: FramingRules
) -> tuple[float, float] | None:
    """(top, bottom) y, in the crop frame, of the rows where arms and hands widen the person's
    outline (forearms folded or spread, hands on a bar holding glasses): the person mask's span in
    the body band is ``arms_widen`` times its span at the chest, and a body that ends soon after
    (a table or bar in front) counts with it, since the hands rest on it. ``None`` without a
    mask, or when nothing widens the outline."""
    mask = analysis.person_mask
    p = rules.portrait
    if mask is None:
        return None
    face = analysis.faces[subj.ff.index]
    hh = face.head_height
    if hh <= 0:
        return None
    conf = mask.binary
    rows_n, cols_n = conf.shape
    half = p.body_band_h * hh
    c0 = max(0, int((face.center_x - half) / mask.scale))
    c1 = min(cols_n, int(np.ceil((face.center_x + half) / mask.scale)))
    if c1 <= c0:
        return None

    def span(h: float) -> float:
        r = int((face.crown_y + h * hh) / mask.scale)
        if not 0 <= r < rows_n:
            return -1.0
        xs = np.flatnonzero(conf[r, c0:c1])
        return float(xs[-1] - xs[0] + 1) * mask.scale / hh if xs.size else 0.0

    step = 0.05
    lo, hi = p.arms_chest_h
    chest = [span(lo + k * step) for k in range(round((hi - lo) / step) + 1)]
    chest = [c for c in chest if c > 0]
    if len(chest) < 3:
        return None
    ref = float(np.median(chest))
    heights = [hi + k * step for k in range(round((p.arms_search_to_h - hi) / step) + 1)]
    wide = [h for h in heights if span(h) > p.arms_widen * ref]
    if not wide:
        return None
    top, bottom = wide[0], wide[-1]
    end = face.crown_y + (bottom + p.arms_hands_below_h) * hh
    body_end = body_end_y(analysis, subj.ff.index, p.body_band_h)
    if body_end <= end:
        bottom = (body_end - face.crown_y) / hh
    shift = subj.ff.eye.y - face.eye_center.y
    return face.crown_y + top * hh + shift, face.crown_y + bottom * hh + shift


def _avoid_arms(
    analysis: Analysis,
    box: Box,
    x_frac: float,
    y_frac: float,
    subj: _Subject,
    framing: PortraitFraming,
    rules: FramingRules,
) -> tuple[Box, CheckWarning | None]:
    """Move a bottom edge that runs through arms or hands (``arms_zone``) above them or below
    them, whichever is nearer and keeps the framing within ``arms_length_range`` of its length;
    the eye point stays where it is. When neither fits, the crop stays and says so."""
    zone = arms_zone(analysis, subj, rules)
    ff = subj.ff
    p = rules.portrait
    if zone is None:
        return box, None
    margin = p.arms_margin_h * ff.head_height
    top, bottom = zone
    if not top - margin < box.bottom < bottom + margin:
        return box, None
    lo, hi = p.arms_length_range
    options = sorted([top - margin, bottom + 2 * margin], key=lambda y: abs(y - box.bottom))
    for y in options:
        length = ff.in_h(y)
        if not lo * framing.length_h <= length <= hi * framing.length_h:
            continue
        height = (y - ff.eye.y) / (1.0 - y_frac)
        cand = box_at(ff.eye, height, box.w / box.h, x_frac, y_frac)
        if box_inside(cand, analysis.width, analysis.height, subj.angle, tol=0.5):
            return cand, None
    return box, CheckWarning(
        C.CUT_THROUGH_HANDS,
        "the bottom edge runs through the arms or hands; the photo has no better cut nearby",
    )


def _id(framing: str, aspect: Aspect, subject: int) -> str:
    return f"portrait-{framing}-{aspect_label(aspect)}-s{subject}"


def length_framing(
    analysis: Analysis,
    subject: int,
    aspect: Aspect,
    framing: PortraitFraming,
    rules: FramingRules,
    output_sizes: Sequence[tuple[int, int]] = (),
    angle: float = 0.0,
) -> Suggestion:
    """One framing of fixed length (close-up ... full-length); raises ``FramingNotFeasible`` when
    the photo does not show enough of the body or has no room for it at this aspect."""
    subj = _subject(analysis, subject, rules, angle)
    ff = subj.ff
    hh = ff.head_height
    p = rules.portrait
    a = ratio(aspect)
    bottom = ff.at_h(framing.length_h)
    if framing.needs_feet:
        feet_seen = subj.body_end < analysis.height - 0.5 and analysis.person_mask is not None
        if feet_seen:
            if subj.body_end < ff.at_h(framing.length_h - 1.5):
                raise FramingNotFeasible(
                    f"{framing.name}: the person's body ends {ff.in_h(subj.body_end):.1f} head "
                    "heights under the crown; no full figure to frame"
                )
            bottom = subj.body_end + framing.floor_room_h * hh
        else:
            bottom = ff.at_h(framing.length_h + framing.floor_room_h)
            if ff.at_h(framing.length_h - p.body_slack_h) > subj.body_end:
                raise FramingNotFeasible(
                    f"{framing.name} needs {framing.length_h:g} head heights of body; "
                    f"the photo shows {ff.in_h(subj.body_end):.1f}"
                )
    elif bottom > subj.body_end + p.body_slack_h * hh:
        raise FramingNotFeasible(
            f"{framing.name} needs {framing.length_h:g} head heights of body; "
            f"the photo shows {ff.in_h(subj.body_end):.1f}"
        )
    height, e = _vertical_extent(ff, bottom, rules)
    narrowest = a * height * p.min_length_share
    x_frac = _keep_face_inside(ff, look_room_x(ff, a, analysis.width, rules), narrowest)
    wanted = box_at(ff.eye, height, a, x_frac, e)
    extra: list[CheckWarning] = []
    moved = clamp_box(wanted, analysis.width, analysis.height, subj.angle)
    fx = (ff.cx - moved.left) / moved.w
    fy = (ff.eye.y - moved.top) / moved.h
    head_whole = moved.left <= ff.head_box.left and moved.right >= ff.head_box.right
    if abs(moved.h - height) < 1e-6 and 0.2 <= fx <= 0.8 and abs(fy - e) <= 0.08 and head_whole:
        # The full framing fits by sliding it a little: keep its length, accept the shift.
        box = moved
        if abs(fx - x_frac) > 0.05:
            extra.append(
                CheckWarning(
                    C.SUBJECT_SHIFTED,
                    f"subject moved to {fx:.0%} of the width (wanted {x_frac:.0%}): "
                    "the photo ends there",
                    "info",
                )
            )
        x_frac, e = fx, fy
    else:
        min_len = framing.length_h * p.min_length_share
        min_height = max(1.0, (ff.at_h(min_len) - ff.eye.y) / (1.0 - e))
        placement = place(
            ff.eye,
            aspect=a,
            height=height,
            x_frac=x_frac,
            y_frac=e,
            y_range=(e - 0.04, e + 0.06),
            min_height=min(min_height, height),
            width=analysis.width,
            img_height=analysis.height,
            angle_deg=subj.angle,
        )
        box, e = placement.box, placement.y_frac
        if placement.shifted:
            # Degraded, not missing (a batch preset must find its framing): the crop slides off
            # its thirds as long as the whole head stays in it.
            if not box.contains_box(ff.head_box, tol=1.0):
                raise FramingNotFeasible(
                    f"{framing.name} at {aspect[0]}:{aspect[1]}: "
                    "the photo has no room around the subject"
                )
            fx = (ff.cx - box.left) / box.w
            extra.append(
                CheckWarning(
                    C.SUBJECT_SHIFTED,
                    f"the photo has no room for a {framing.name} crop around the subject: "
                    f"moved to {fx:.0%} of the width",
                )
            )
            x_frac = fx
        if placement.tighter:
            extra.append(
                CheckWarning(
                    C.TIGHTER_CROP,
                    f"cropped to {ff.in_h(box.bottom):.1f} head heights instead of "
                    f"{framing.length_h:g}: the photo ends there",
                    "info",
                )
            )
    box = _avoid_joints(box, x_frac, e, subj, rules)
    box, hands = _avoid_arms(analysis, box, x_frac, e, subj, framing, rules)
    if hands is not None:
        extra.append(hands)
    # A one-person portrait keeps other faces out of its edges as headshots do (sideways within
    # the centring tolerance, then shorter down to min_length_share of the framing).
    shortest = (ff.at_h(framing.length_h * p.min_length_share) - ff.eye.y) / (1.0 - e)
    box = avoid_neighbours(
        box,
        ff.eye,
        aspect=a,
        x_frac=(ff.eye.x - box.left) / box.w,
        y_frac=(ff.eye.y - box.top) / box.h,
        min_height=min(box.h, max(1.0, shortest)),
        heads=neighbour_heads(analysis, subject, subj.angle, rules.neighbours),
        keep=ff.head_box,
        width=analysis.width,
        img_height=analysis.height,
        angle_deg=subj.angle,
        rules=rules.neighbours,
    )
    # A framing of one person says so when another face is in it (several-faces) as headshots
    # do; the environmental framing keeps its surroundings, people included.
    spec = C.CheckSpec(
        hair_cut_allowed=framing.length_h <= 1.5,
        max_hair_cut_h=p.close_up_max_cut_h,
        single_face=True,
    )
    return finish(
        analysis,
        suggestion_id=_id(framing.name, aspect, subject),
        genre="portrait",
        framing=framing.name,
        aspect=aspect,
        box=box,
        angle_deg=subj.angle,
        subject=subject,
        base_score=framing.score,
        spec=spec,
        rules=rules,
        output_sizes=output_sizes,
        extra=extra,
    )


def environmental(
    analysis: Analysis,
    subject: int,
    aspect: Aspect,
    rules: FramingRules,
    output_sizes: Sequence[tuple[int, int]] = (),
    angle: float = 0.0,
) -> Suggestion:
    """The widest crop that keeps the subject on the thirds: as much surroundings as the photo
    holds, with the eyes on the upper third and look room where the face turns."""
    subj = _subject(analysis, subject, rules, angle)
    ff = subj.ff
    p = rules.portrait
    a = ratio(aspect)
    x_frac = look_room_x(ff, a, analysis.width, rules)
    e = p.eye_from_top
    # Largest box in the photo, slid so the subject is as near its thirds point as possible.
    biggest = largest_box(a, analysis.width, analysis.height, subj.angle)
    slid = clamp_box(
        box_at(ff.eye, biggest.h, a, x_frac, e), analysis.width, analysis.height, subj.angle
    )
    fx = (ff.cx - slid.left) / slid.w
    fy = (ff.eye.y - slid.top) / slid.h
    if 0.2 <= fx <= 0.8 and 0.15 <= fy <= 0.5 and slid.top <= ff.crown_y:
        box, x_frac, e = slid, fx, fy
    else:
        planes = valid_area(analysis.width, analysis.height, subj.angle)
        s = max_scale_about(ff.eye, box_offsets(a, x_frac, e), planes)
        box = box_at(ff.eye, s, a, x_frac, e)
    if box.h < p.environmental_min_height_h * ff.head_height:
        raise FramingNotFeasible(
            f"environmental at {aspect[0]}:{aspect[1]}: the photo holds only "
            f"{box.h / ff.head_height:.1f} head heights around the subject; no context to keep"
        )
    box = _avoid_joints(box, x_frac, e, subj, rules)
    return finish(
        analysis,
        suggestion_id=_id(ENVIRONMENTAL, aspect, subject),
        genre="portrait",
        framing=ENVIRONMENTAL,
        aspect=aspect,
        box=box,
        angle_deg=subj.angle,
        subject=subject,
        base_score=p.environmental_score,
        spec=C.CheckSpec(),
        rules=rules,
        output_sizes=output_sizes,
    )


def portrait(
    analysis: Analysis,
    subject: int,
    aspect: Aspect,
    framing: str,
    rules: FramingRules,
    output_sizes: Sequence[tuple[int, int]] = (),
) -> Suggestion:
    """One portrait framing; levelled when the eyes are tilted, upright when only the upright photo
    has room for it. Raises ``FramingNotFeasible`` when neither does."""
    length = None if framing == ENVIRONMENTAL else rules.portrait.framing(framing)

    def at(angle: float) -> Suggestion:
        if length is None:
            return environmental(analysis, subject, aspect, rules, output_sizes, angle)
        return length_framing(analysis, subject, aspect, length, rules, output_sizes, angle)

    angle = levelling_angle(analysis, subject, rules)
    if angle == 0.0:
        return at(0.0)
    try:
        levelled = at(angle)
    except FramingNotFeasible:
        return at(0.0)

    def safe(a: float) -> Suggestion:
        try:
            return at(a)
        except FramingNotFeasible:
            return levelled

    return best_of_levelled(safe, angle)
