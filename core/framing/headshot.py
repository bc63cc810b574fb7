"""Headshots: centred on the face, eye line near the upper third, head at the variant's share of the
crop height, bottom edge between the shoulders and mid-chest."""

from __future__ import annotations

from collections.abc import Sequence

from core.faces import Analysis
from core.framing import checks as C
from core.framing.finish import aspect_label, best_of_levelled, finish, ratio
from core.framing.neighbours import avoid_neighbours, neighbour_heads
from core.framing.placement import Placement, place
from core.framing.rules import Aspect, FramingRules
from core.framing.subject import FramedFace, frame_face, levelling_angle
from core.geometry import Box
from core.suggestion import CheckWarning, Suggestion

#: A crop made tighter than asked is placed again with the eye line its height calls for; the
#: second pass settles it (the third only when the photo's top edge limits the first two).
_HEADROOM_PASSES = 3


def headshot(
    analysis: Analysis,
    subject: int,
    aspect: Aspect,
    *,
    framing: str,
    head_share: float,
    rules: FramingRules,
    headroom: float | None = None,
    eye_from_top: float | None = None,
    base_score: float = 0.9,
    output_sizes: Sequence[tuple[int, int]] = (),
    upright_fallback: bool = True,
) -> Suggestion:
    """One headshot. Give ``headroom`` (crop top to crown, share of the height; the eye line follows
    from the head's proportions and is kept in the eye band) or ``eye_from_top`` (explicit).
    The eyes are levelled when tilted, unless the rotated photo leaves less room than the upright
    one (a face near a corner): then the better of the two is kept, unless ``upright_fallback`` is
    False (a consistent set keeps every photo levelled)."""

    def at(angle: float) -> Suggestion:
        return _headshot_at(
            analysis, subject, aspect, angle, framing, head_share, rules, headroom, eye_from_top,
            base_score, output_sizes,
        )  # fmt: skip

    angle = levelling_angle(analysis, subject, rules)
    return best_of_levelled(at, angle) if upright_fallback else at(angle)


def _headshot_at(
    analysis: Analysis,
    subject: int,
    aspect: Aspect,
    angle: float,
    framing: str,
    head_share: float,
    rules: FramingRules,
    headroom: float | None,
    eye_from_top: float | None,
    base_score: float,
    output_sizes: Sequence[tuple[int, int]],
) -> Suggestion:
    hs = rules.headshot
    ff = frame_face(analysis, subject, angle)
    hh = ff.head_height
    wanted_h = hh / head_share
    band = hs.eye_band
    min_height = min(wanted_h, hh / min(hs.max_head_share, head_share * hs.max_tighten))
    # Keep a pixel and a half inside the band so snapping to whole pixels cannot push the eyes out.
    px = 1.5 / max(min_height, 1.0)
    room = hs.variants[0].headroom if headroom is None else headroom

    def eye_frac(height: float) -> float:
        """Where the eyes sit in a crop of ``height`` so the crown has the asked headroom: a crop
        made tighter than asked (no room at the sides) keeps its headroom share, it does not
        push the crown up to the edge."""
        if eye_from_top is not None:
            return eye_from_top
        e = room + (ff.eye.y - ff.crown_y) / max(height, 1.0)
        return min(max(e, band[0]), band[1])

    def place_at(e: float) -> Placement:
        return place(
            ff.eye,
            aspect=ratio(aspect),
            height=wanted_h,
            x_frac=0.5,
            y_frac=e,
            y_range=(min(band[0] + px, e), max(band[1] - px, e)),
            min_height=min_height,
            width=analysis.width,
            img_height=analysis.height,
            angle_deg=angle,
            keep=ff.face_box,
            top_limit=ff.crown_y,
        )

    placement = place_at(eye_frac(wanted_h))
    for _ in range(_HEADROOM_PASSES):
        if not placement.tighter or placement.shifted:
            break
        again = place_at(eye_frac(placement.height))
        if again.shifted or again.height < placement.height * (1 - 1e-3):
            break  # the photo has no room above for the asked headroom at this size
        placement = again
    box = placement.box
    if not placement.shifted:
        box = avoid_neighbours(
            box,
            ff.eye,
            aspect=ratio(aspect),
            x_frac=(ff.eye.x - box.left) / box.w,
            y_frac=placement.y_frac,
            y_frac_at=None if eye_from_top is not None else eye_frac,
            min_height=min(min_height, box.h),
            heads=neighbour_heads(analysis, subject, angle, rules.neighbours),
            keep=_face_and_neck(ff, box, rules),
            width=analysis.width,
            img_height=analysis.height,
            angle_deg=angle,
            rules=rules.neighbours,
        )
    extra: list[CheckWarning] = []
    if placement.y_moved < -1e-3:
        extra.append(
            CheckWarning(
                C.LESS_HEADROOM, "not enough photo above the head: less headroom than asked", "info"
            )
        )
    elif placement.y_moved > 1e-3:
        extra.append(
            CheckWarning(
                C.MORE_HEADROOM,
                "not enough photo below the chin: the head sits lower than asked",
                "info",
            )
        )
    off = abs(ff.cx - box.cx) / box.w if box.w > 0 else 0.0
    moved_sideways = placement.shifted and off > hs.centre_tolerance
    no_room = placement.tighter and not moved_sideways
    if no_room:
        got = hh / placement.height
        extra.append(
            CheckWarning(
                C.TIGHTER_CROP,
                f"the photo has no room for a {framing} crop here: head fills {got:.0%} "
                f"of the height instead of {head_share:.0%}",
            )
        )
    elif box.h < placement.box.h * (1 - 1e-3):
        # (Said once: a crop the photo already made tighter says so above.)
        extra.append(
            CheckWarning(
                C.TIGHTER_CROP,
                "cropped tighter than asked to keep another person's face out of the edge",
                "info",
            )
        )
    if moved_sideways:
        extra.append(
            CheckWarning(
                C.SUBJECT_SHIFTED,
                "the face is too close to the photo's edge: the crop could not be centred on it",
            )
        )
    spec = C.CheckSpec(
        centred=True,
        eye_band=band,
        hair_cut_allowed=_is_tight(rules, head_share),
        facing_camera=True,
        single_face=True,
    )
    return finish(
        analysis,
        suggestion_id=f"headshot-{framing}-{aspect_label(aspect)}-s{subject}",
        genre="headshot",
        framing=framing,
        aspect=aspect,
        box=box,
        angle_deg=angle,
        subject=subject,
        base_score=base_score,
        spec=spec,
        rules=rules,
        output_sizes=output_sizes,
        extra=extra,
    )


def _face_and_neck(ff: FramedFace, box: Box, rules: FramingRules) -> Box:
    """What a crop moved or tightened off a neighbour must still hold: the face and, when the
    asked crop reaches past it, the neck (a bottom edge at the neck leaves a floating head, worse
    than a neighbour's hair at the edge)."""
    joints = dict(rules.joints.joints)
    neck = ff.at_h(joints.get("neck", 0.0) + rules.joints.tolerance_h) + 1.0  # past the check
    bottom = max(ff.face_box.bottom, min(neck, box.bottom))
    return Box.from_edges(ff.face_box.left, ff.face_box.top, ff.face_box.right, bottom)


def _is_tight(rules: FramingRules, head_share: float) -> bool:
    """Crops as tight as the tightest variant may trim the top of the hair."""
    tightest = max(v.head_share for v in rules.headshot.variants)
    return head_share >= tightest * 0.95


def headshot_variant(
    analysis: Analysis,
    subject: int,
    aspect: Aspect,
    variant: str,
    rules: FramingRules,
    output_sizes: Sequence[tuple[int, int]] = (),
) -> Suggestion:
    v = rules.headshot.variant(variant)
    return headshot(
        analysis,
        subject,
        aspect,
        framing=v.name,
        head_share=v.head_share,
        headroom=v.headroom,
        base_score=v.score,
        rules=rules,
        output_sizes=output_sizes,
    )
