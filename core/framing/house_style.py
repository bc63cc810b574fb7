"""House style: one framing, measured on an example crop, applied to every photo of a session.

A style is what a photographer sees in the example: the crop's aspect, where the eye line sits
(share of the crop height from the top), how big the head is (crown to chin, share of the crop
height), where the face sits across (the point between the eyes, share of the crop width) and
whether the eyes are levelled. Applying it to another photo places a crop with those numbers on
that photo's main subject; a photo that cannot hold it exactly is *not* reframed some other way
but reported with the reason (too little room above the head, too little photo below, the face
too large, the subject at the edge), so the photographer reviews only those.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from core.errors import FramingError
from core.faces import Analysis
from core.framing.finish import ratio
from core.framing.placement import place
from core.framing.plan import CropChoice
from core.framing.rotation import box_at
from core.framing.rules import Aspect, load_framing_rules
from core.framing.subject import frame_face, levelling_angle
from core.geometry import Box, Point, rotate_point

Levelling = Literal["eyes", "none"]

#: How far a photo's framing may differ from the style and still count as meeting it: the eye line
#: and the horizontal position as shares of the crop, the head size relative.
EYE_TOLERANCE = 0.01
HEAD_TOLERANCE = 0.03
ACROSS_TOLERANCE = 0.02

_NAME = re.compile(r"^[\w][\w .-]{0,63}$")


@dataclass(frozen=True)
class HouseStyle:
    name: str
    aspect: Aspect
    eye_from_top: float  # eye line, share of the crop height from the top
    head_share: float  # crown to chin, share of the crop height
    eye_across: float  # the point between the eyes, share of the crop width from the left
    levelling: Levelling  # "eyes": level each sitter's eyes; "none": keep photos upright

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(
                f"style name {self.name!r}: use letters, digits, spaces, '.', '-' or '_' "
                "(up to 64 characters)"
            )
        if min(self.aspect) <= 0:
            raise ValueError(f"style aspect must be positive, got {self.aspect}")
        values = (self.eye_from_top, self.head_share, self.eye_across)
        if not all(math.isfinite(v) and 0.0 < v < 1.0 for v in values):
            raise ValueError(f"style {self.name}: eye line, head size and position must be 0..1")
        if self.levelling not in ("eyes", "none"):
            raise ValueError(f"style {self.name}: levelling must be 'eyes' or 'none'")

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "aspect": list(self.aspect),
            "eye_from_top": round(self.eye_from_top, 4),
            "head_share": round(self.head_share, 4),
            "eye_across": round(self.eye_across, 4),
            "levelling": self.levelling,
        }

    @classmethod
    def from_json(cls, data: Any) -> HouseStyle:
        if not isinstance(data, dict):
            raise ValueError("a style is a JSON object")
        aspect = data["aspect"]
        if not isinstance(aspect, list) or len(aspect) != 2:
            raise ValueError("'aspect' must be [w, h]")
        return cls(
            name=str(data["name"]),
            aspect=(int(aspect[0]), int(aspect[1])),
            eye_from_top=float(data["eye_from_top"]),
            head_share=float(data["head_share"]),
            eye_across=float(data["eye_across"]),
            levelling=data.get("levelling", "eyes"),
        )

    def describe(self) -> str:
        level = "eyes levelled" if self.levelling == "eyes" else "kept upright"
        return (
            f"{self.aspect[0]}:{self.aspect[1]}, eye line {self.eye_from_top:.0%} from the top, "
            f"head {self.head_share:.0%} of the height, face at {self.eye_across:.0%} across, "
            f"{level}"
        )


def example_subject(analysis: Analysis, box: Box, angle_deg: float) -> int:
    """The face the example crop is about: the largest whose eyes are inside the crop."""
    centre = Point(analysis.width / 2.0, analysis.height / 2.0)
    inside = [
        i
        for i, face in enumerate(analysis.faces)
        if box.contains_point(rotate_point(face.eye_center, centre, angle_deg))
    ]
    if not inside:
        raise FramingError("the example crop holds no face: crop around the sitter first")
    return max(inside, key=lambda i: analysis.faces[i].head_height)


def measure_style(analysis: Analysis, choice: CropChoice, name: str) -> HouseStyle:
    """The style of the example crop ``choice`` on ``analysis`` (its subject, else the largest
    face whose eyes are in the crop). FramingError when the crop holds no face."""
    box, angle = choice.box, choice.angle_deg
    if choice.subject is not None and 0 <= choice.subject < len(analysis.faces):
        subject = choice.subject
    else:
        subject = example_subject(analysis, box, angle)
    ff = frame_face(analysis, subject, angle)
    aspect = choice.aspect or _reduced_aspect(box)
    # The photographer left the photo upright where Headroom would have levelled it: keep that.
    levelled_by_engine = levelling_angle(analysis, subject, load_framing_rules())
    kept_upright = abs(angle) < 0.05 and abs(levelled_by_engine) >= 0.05
    levelling: Levelling = "none" if kept_upright else "eyes"
    return HouseStyle(
        name=name,
        aspect=aspect,
        eye_from_top=(ff.eye.y - box.top) / box.h,
        head_share=ff.head_height / box.h,
        eye_across=(ff.eye.x - box.left) / box.w,
        levelling=levelling,
    )


def _reduced_aspect(box: Box) -> Aspect:
    """A free example crop's ratio as small whole numbers (within 0.5 %)."""
    target = box.w / box.h
    for h in range(1, 33):
        w = round(target * h)
        if w > 0 and abs(w / h / target - 1.0) < 0.005:
            return (w, h)
    return (round(target * 1000), 1000)


@dataclass(frozen=True)
class StyledCrop:
    """A photo framed in a style: the crop, and why it misses the style (None: it meets it)."""

    choice: CropChoice
    problem: str | None


def frame_in_style(
    analysis: Analysis, style: HouseStyle, output_sizes: Sequence[tuple[int, int]] = ()
) -> StyledCrop:
    """Frame the main subject of ``analysis`` in ``style``. FramingError when there is no face.

    When the photo cannot hold the style, the crop returned is the nearest one the photo holds
    (same size where possible, slid inside) and ``problem`` says why."""
    name = analysis.path.name if analysis.path is not None else "photo"
    if not analysis.faces:
        raise FramingError(f"{name}: no face found")
    subject = 0  # the main subject (largest face)
    rules = load_framing_rules()
    angle = levelling_angle(analysis, subject, rules) if style.levelling == "eyes" else 0.0
    ff = frame_face(analysis, subject, angle)
    aspect = ratio(style.aspect)
    height = ff.head_height / style.head_share
    wanted = box_at(ff.eye, height, aspect, style.eye_across, style.eye_from_top)
    placement = place(
        ff.eye,
        aspect=aspect,
        height=height,
        x_frac=style.eye_across,
        y_frac=style.eye_from_top,
        y_range=(style.eye_from_top, style.eye_from_top),
        min_height=height,
        width=analysis.width,
        img_height=analysis.height,
        angle_deg=angle,
    )
    box = placement.box
    choice = CropChoice(
        box=box,
        angle_deg=angle,
        aspect=style.aspect,
        subject=subject,
        genre="headshot",
        framing=f"style:{style.name}",
    )
    return StyledCrop(choice, _problem(name, wanted, box, ff.eye, ff.head_height, style))


def _problem(
    name: str, wanted: Box, got: Box, eye: Point, head: float, style: HouseStyle
) -> str | None:
    eye_y = (eye.y - got.top) / got.h
    across = (eye.x - got.left) / got.w
    share = head / got.h
    if (
        abs(eye_y - style.eye_from_top) <= EYE_TOLERANCE
        and abs(across - style.eye_across) <= ACROSS_TOLERANCE
        and abs(share / style.head_share - 1.0) <= HEAD_TOLERANCE
    ):
        return None
    if got.h < wanted.h * (1 - HEAD_TOLERANCE):
        return (
            f"{name}: the face is too large for the style (the photo holds a crop only "
            f"{got.h / wanted.h:.0%} of the size the style needs)"
        )
    # Where the crop had to move to stay on the photo says what is missing: across, the subject
    # is at the edge; down, there is too little photo above the head; up, too little below.
    dx = abs(got.left - wanted.left) / wanted.w
    dy = (got.top - wanted.top) / wanted.h
    if dx >= abs(dy):
        return (
            f"{name}: the subject is at the photo's edge; the crop cannot sit where the style "
            "has it"
        )
    if dy > 0:
        return f"{name}: too little room above the head for the style's eye line"
    return f"{name}: too little photo below the chin for the style (the body runs out)"
