"""Group framing: one crop that holds every detected person (heads with their crown and some body)
with even margins."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from core.faces import Analysis
from core.framing import checks as C
from core.framing.finish import aspect_label, finish, ratio
from core.framing.rotation import clamp_box
from core.framing.rules import Aspect, FramingRules
from core.framing.subject import frame_face
from core.geometry import Box
from core.suggestion import CheckWarning, Suggestion

GROUP = "group"


def group_framing(
    analysis: Analysis,
    aspect: Aspect,
    rules: FramingRules,
    output_sizes: Sequence[tuple[int, int]] = (),
) -> Suggestion:
    g = rules.group
    faces = [frame_face(analysis, i, 0.0) for i in range(len(analysis.faces))]
    unit = statistics.median(f.head_height for f in faces)
    margin = g.margin_h * unit
    left = min(f.head_box.left for f in faces) - margin
    right = max(f.head_box.right for f in faces) + margin
    top = min(f.crown_y for f in faces) - margin
    bottom = max(f.chin_y + g.body_h * f.head_height for f in faces)
    a = ratio(aspect)
    w, h = right - left, bottom - top
    if w / h < a:
        extra_w = h * a - w
        left, w = left - extra_w / 2.0, h * a
    else:
        # Taller than the people need: a little more room above, the rest as more body below.
        extra_h = w / a - h
        top, h = top - 0.25 * extra_h, w / a
    box = clamp_box(Box(left, top, w, h), analysis.width, analysis.height, 0.0)
    cut = C.faces_cut(analysis, box, 0.0)
    extra: list[CheckWarning] = []
    if cut:
        extra.append(
            CheckWarning(
                C.FACES_CUT,
                f"{len(cut)} of {len(faces)} people do not fit whole at "
                f"{aspect[0]}:{aspect[1]} in this photo",
                "problem",
            )
        )
    elif box.w < w - 1 or box.h < h - 1:
        extra.append(
            CheckWarning(C.TIGHTER_CROP, "tighter than even margins: the photo ends there", "info")
        )
    return finish(
        analysis,
        suggestion_id=f"group-{aspect_label(aspect)}",
        genre="group",
        framing=GROUP,
        aspect=aspect,
        box=box,
        angle_deg=0.0,
        subject=None,
        base_score=g.score,
        spec=None,
        rules=rules,
        output_sizes=output_sizes,
        extra=extra,
    )
