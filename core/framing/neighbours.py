"""Other people's faces at the edge of a one-person crop.

A headshot that slices through the face of the person beside the subject is the first thing a
client sees. ``avoid_neighbours`` moves the crop sideways (within the centring rule) and then
tightens it (within the variant's limit) until no other head is cut by an edge, preferring crops
that keep the others out altogether; ``neighbour_heads``/``cut_heads`` let the checks say when that
was not possible (``faces-cut``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.face_rank import PROFILE_YAW
from core.faces import Analysis
from core.framing.analysis_memo import PerAnalysis
from core.framing.rotation import ANGLE_EPS, box_at, box_inside, to_frame
from core.framing.rules import NeighbourRules
from core.framing.subject import frame_face
from core.geometry import Box, Point


@dataclass(frozen=True)
class Head:
    index: int
    box: Box  # head bounds (ears, crown to chin) in the crop's frame


def neighbour_heads(
    analysis: Analysis, subject: int | None, angle_deg: float, rules: NeighbourRules
) -> list[Head]:
    """Every face's head but the subject's, in the frame rotated by ``angle_deg``: the face box
    widened to the ears, and to at least ``rules.head_half_width_h`` head heights either side of
    the ears' midpoint, more behind a turned head (whose back reaches past the face box and its
    keypoints)."""
    heads = _HEADS.value(
        analysis,
        (angle_deg, rules),
        lambda: tuple(_head(analysis, i, angle_deg, rules) for i in range(len(analysis.faces))),
    )
    return [h for h in heads if h.index != subject]


#: Each analysis's heads by (angle, rules): every suggestion of a group photo asks for all of them
#: (a 29-face photo: 105 times per set of suggestions); they go with their analysis.
_HEADS: PerAnalysis[tuple[float, NeighbourRules], tuple[Head, ...]] = PerAnalysis()


def _head(analysis: Analysis, i: int, angle_deg: float, rules: NeighbourRules) -> Head:
    face = analysis.faces[i]
    ff = frame_face(analysis, i, angle_deg)
    ears = (face.keypoints.right_ear, face.keypoints.left_ear)
    w, h = analysis.width, analysis.height
    mid = sum(to_frame(p, w, h, angle_deg).x for p in ears) / 2.0
    half = rules.head_half_width_h * ff.head_height
    # The back of a turned head: yaw < 0 is a face turned toward image-left, its back right.
    turn = min(1.0, abs(face.yaw) / PROFILE_YAW)
    back = half + turn * (rules.turned_back_half_width_h - rules.head_half_width_h) * (
        ff.head_height
    )
    left = min(ff.head_box.left, mid - (back if face.yaw > 0 else half))
    right = max(ff.head_box.right, mid + (back if face.yaw < 0 else half))
    return Head(i, Box.from_edges(left, ff.crown_y, right, ff.chin_y))


def inside_share(head: Box, box: Box) -> float:
    inter = head.intersection(box)
    return 0.0 if inter is None or head.area <= 0 else inter.area / head.area


def cut_heads(box: Box, heads: Sequence[Head], rules: NeighbourRules) -> list[int]:
    """Faces whose head the crop's edge cuts: partly, not wholly, inside."""
    return [
        h.index
        for h in heads
        if rules.cut_min_share <= inside_share(h.box, box) and not box.contains_box(h.box, tol=1.0)
    ]


def _whole_inside(box: Box, heads: Sequence[Head]) -> int:
    return sum(1 for h in heads if box.contains_box(h.box, tol=1.0))


def _cut_cost(box: Box, heads: Sequence[Head], rules: NeighbourRules) -> tuple[int, float]:
    """How badly ``box`` cuts others: heads cut, then how much of them shows."""
    cut = set(cut_heads(box, heads, rules))
    return len(cut), sum(inside_share(h.box, box) for h in heads if h.index in cut)


def avoid_neighbours(
    box: Box,
    anchor: Point,
    *,
    aspect: float,
    x_frac: float,
    y_frac: float,
    min_height: float,
    heads: Sequence[Head],
    keep: Box,
    width: int,
    img_height: int,
    angle_deg: float,
    rules: NeighbourRules,
    y_frac_at: Callable[[float], float] | None = None,
) -> Box:
    """``box`` moved sideways by up to ``rules.max_shift`` of its width and/or tightened down to
    ``min_height`` (the anchor keeps its ``y_frac``) so that no head in ``heads`` is cut by an
    edge; among such crops the largest with every other head out wins, else the largest with them
    wholly in; failing both, the sideways move (same size) that cuts fewest heads and shows least
    of them, when that is better than ``box``; else ``box`` itself. ``y_frac_at(height)``, when
    given, is where the anchor sits in a tightened crop of that height (a headshot keeps its
    headroom share as it tightens)."""
    # A pixel inside the limit: snapping the crop to whole pixels must not push the face past
    # the centring tolerance (off-centre) that max_shift mirrors.
    reach = max(0.0, rules.max_shift - 1.0 / max(box.w, 1.0)) + 1e-9
    region = Box(box.left - reach * box.w, box.top, box.w * (1 + 2 * reach), box.h)
    near = [h for h in heads if h.box.intersection(region) is not None]
    if not cut_heads(box, near, rules) and _whole_inside(box, near) == 0:
        return box
    shifts = [0.0]
    k = 1
    while k * rules.step <= reach:
        shifts += [k * rules.step, -k * rules.step]
        k += 1
    best_in: Box | None = None
    least_cut: tuple[tuple[int, float], Box] | None = None
    upright = abs(angle_deg) <= ANGLE_EPS
    photo = Box(0.0, 0.0, float(width), float(img_height))

    def inside(b: Box) -> bool:
        return box_inside(b, width, img_height, angle_deg, tol=0.5)

    height = box.h
    while height >= min_height - 1e-6:
        for dx in shifts:
            tightened = y_frac_at is not None and height < box.h - 1e-6
            y = y_frac_at(height) if y_frac_at is not None and tightened else y_frac
            cand = box_at(anchor, height, aspect, x_frac + dx, y)
            if not cand.contains_box(keep, tol=0.5):
                continue
            cuts = bool(cut_heads(cand, near, rules))
            # Moving sideways costs the subject nothing; tightening is worth it only to clear
            # the others (a tighter crop that still cuts them ended at the neck).
            if cuts and height < box.h - 1e-6:
                continue
            if not (photo.contains_box(cand, tol=0.5) if upright else inside(cand)):
                continue
            if cuts:
                cost = _cut_cost(cand, near, rules)
                if least_cut is None or cost < least_cut[0]:
                    least_cut = (cost, cand)
                continue
            if _whole_inside(cand, near) == 0:
                return cand
            if best_in is None:
                best_in = cand
        if height <= min_height:
            break
        height = max(min_height, height - rules.step * box.h)
    if best_in is not None and cut_heads(box, near, rules):
        return best_in
    if least_cut is not None and least_cut[0] < _cut_cost(box, near, rules):
        # No crop within the limits leaves everyone whole or out: the sideways move that shows
        # least of the others' cut heads (it still says faces-cut).
        return least_cut[1]
    return box
