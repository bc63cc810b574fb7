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
from core.framing.subject import FramedFace, frame_face
from core.geometry import Box
from core.suggestion import CheckWarning, Suggestion

GROUP = "group"


def people_cut(faces: Sequence[FramedFace], box: Box, shoulder_half_h: float) -> list[int]:
    """Members whose shoulder line (``shoulder_half_h`` head heights either side of the face,
    half a head under the chin) runs past the crop's left or right edge."""
    out = []
    for f in faces:
        half = shoulder_half_h * f.head_height
        y = f.chin_y + 0.5 * f.head_height
        if y > box.bottom:
            continue  # the crop ends above the shoulders anyway (the body rule decides that)
        if f.cx - half < box.left - 1.0 or f.cx + half > box.right + 1.0:
            out.append(f.index)
    return out


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
    # Every member's shoulders too, not only the heads: the person at the end of a row was cut
    # through the arm and the hat in hand although the photo had room (Solvay).
    left = min(
        min(f.head_box.left - margin, f.cx - g.shoulder_half_h * f.head_height) for f in faces
    )
    right = max(
        max(f.head_box.right + margin, f.cx + g.shoulder_half_h * f.head_height) for f in faces
    )
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
                f"{aspect[0]}:{aspect[1]} in this photo "
                f"(faces {', '.join(str(i) for i in cut)}, numbered from 0)",
                "problem",
            )
        )
    else:
        shoulders = people_cut(faces, box, g.shoulder_half_h)
        if shoulders:
            extra.append(
                CheckWarning(
                    C.PEOPLE_CUT,
                    f"{len(shoulders)} of {len(faces)} people have a shoulder cut by the edge "
                    f"(faces {', '.join(str(i) for i in shoulders)}, numbered from 0): "
                    "the photo ends there",
                )
            )
    if not cut and (box.w < w - 1 or box.h < h - 1):
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
