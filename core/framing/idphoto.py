"""ID and passport photos: presets defined by their published rules (resources/id_photos.toml).
The crop meets the rule's head-height and eye-line ranges, or its warnings say which rule it cannot
meet and why."""

from __future__ import annotations

from collections.abc import Sequence

from core.faces import Analysis
from core.framing import checks as C
from core.framing.finish import best_of_levelled, finish, ratio
from core.framing.placement import place
from core.framing.rotation import box_inside, snap_to_pixels
from core.framing.rules import FramingRules, IdRule, IdRules
from core.framing.subject import FramedFace, frame_face, levelling_angle
from core.geometry import Box
from core.suggestion import CheckWarning, Suggestion


def _mid(r: tuple[float, float]) -> float:
    return (r[0] + r[1]) / 2.0


def _blocked_sides(box: Box, analysis: Analysis, angle: float) -> list[str]:
    """Which sides of ``box`` touch the edge of the (rotated) photo."""
    w, h = analysis.width, analysis.height
    grow = 2.0
    probes = {
        "above the crown": Box(box.x, box.y - grow, box.w, box.h + grow),
        "below the chin": Box(box.x, box.y, box.w, box.h + grow),
        "beside the face": Box(box.x - grow, box.y, box.w + 2 * grow, box.h),
    }
    return [side for side, probe in probes.items() if not box_inside(probe, w, h, angle)]


def _why(sides: list[str]) -> str:
    if not sides:
        return ""
    return "; not enough photo " + " and ".join(sides)


def measure(ff: FramedFace, box: Box) -> tuple[float, float]:
    """(head share of the height, eye line share from the bottom) of ``box``."""
    return ff.head_height / box.h, (box.bottom - ff.eye.y) / box.h


def id_photo(
    analysis: Analysis,
    subject: int,
    rule: IdRule,
    rules: FramingRules,
    id_rules: IdRules,
    output_sizes: Sequence[tuple[int, int]] = (),
) -> Suggestion:
    angle = levelling_angle(analysis, subject, rules, keep_pose=False)
    return best_of_levelled(
        lambda a: _id_photo_at(analysis, subject, rule, a, rules, id_rules, output_sizes), angle
    )


def _id_photo_at(
    analysis: Analysis,
    subject: int,
    rule: IdRule,
    angle: float,
    rules: FramingRules,
    id_rules: IdRules,
    output_sizes: Sequence[tuple[int, int]],
) -> Suggestion:
    ff = frame_face(analysis, subject, angle)
    hh = ff.head_height
    head_hi = rule.head_share[1]
    eye_lo, eye_hi = rule.eye_from_bottom
    wanted_h = hh / _mid(rule.head_share)
    e = 1.0 - _mid(rule.eye_from_bottom)
    placement = place(
        ff.eye,
        aspect=ratio(rule.aspect),
        height=wanted_h,
        x_frac=0.5,
        y_frac=e,
        y_range=(1.0 - eye_hi, 1.0 - eye_lo),
        # Past the rule's largest head the crop keeps the rule's size and slides (and says so).
        min_height=hh / head_hi,
        width=analysis.width,
        img_height=analysis.height,
        angle_deg=angle,
        keep=ff.face_box,
    )
    box = snap_to_pixels(placement.box, ratio(rule.aspect), analysis.width, analysis.height, angle)
    extra = id_rule_checks(analysis, ff, box, angle, rule)
    spec = C.CheckSpec(
        centred=True, facing_camera=True, max_yaw=id_rules.max_yaw, single_face=True, joints=False
    )
    return finish(
        analysis,
        suggestion_id=f"id-{rule.id}-s{subject}",
        genre="id",
        framing=rule.id,
        aspect=rule.aspect,
        box=box,
        angle_deg=angle,
        subject=subject,
        base_score=0.9,
        spec=spec,
        rules=rules,
        output_sizes=output_sizes,
        extra=extra,
        snap=False,
    )


def id_rule_checks(
    analysis: Analysis, ff: FramedFace, box: Box, angle: float, rule: IdRule
) -> list[CheckWarning]:
    """Which of ``rule``'s published ranges ``box`` misses (head height, eye line, resolution),
    each saying why when the photo's edge is in the way. Also used for hand-made ID crops."""
    extra: list[CheckWarning] = []
    head_lo, head_hi = rule.head_share
    eye_lo, eye_hi = rule.eye_from_bottom
    head, eye = measure(ff, box)
    why = _why(_blocked_sides(box, analysis, angle))
    slack_px = 1.0 / box.h  # whole-pixel snapping
    if not head_lo - slack_px <= head <= head_hi + slack_px:
        extra.append(
            CheckWarning(
                C.ID_HEAD_HEIGHT,
                f"{rule.id}: head is {head:.0%} of the height, the rule asks "
                f"{head_lo:.0%}-{head_hi:.0%}{why}",
                "problem",
            )
        )
    if not eye_lo - slack_px <= eye <= eye_hi + slack_px:
        source = "" if rule.eye_rule_published else " (ICAO band)"
        extra.append(
            CheckWarning(
                C.ID_EYE_LINE,
                f"{rule.id}: eye line is {eye:.0%} up from the bottom, the rule asks "
                f"{eye_lo:.0%}-{eye_hi:.0%}{source}{why}",
                "problem",
            )
        )
    bw, bh = box.rounded()[2:]
    min_w, min_h = rule.min_pixels
    if bw < min_w or bh < min_h:
        extra.append(
            CheckWarning(
                C.ID_RESOLUTION,
                f"{rule.id}: crop is {bw}x{bh} px, the rule needs at least {min_w}x{min_h} px "
                "(resolution below minimum)",
                "problem",
            )
        )
    return extra
