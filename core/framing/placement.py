"""Placing a box of fixed aspect around an anchor point (usually the eyes) inside the valid area,
degrading the way a photographer would when the photo has no room: first move the eye line within
its allowed band (less headroom, or more when the body runs out), then crop tighter, and only as a
last resort slide the box off its anchor."""

from __future__ import annotations

from dataclasses import dataclass

from core.framing.rotation import (
    HalfPlane,
    box_at,
    box_offsets,
    clamp_box,
    largest_box,
    max_scale_about,
    valid_area,
)
from core.geometry import Box, Point

#: Step used to search the eye band (share of the crop height).
EYE_STEP = 0.0025


@dataclass(frozen=True)
class Placement:
    box: Box
    y_frac: float  # where the anchor sits, share of the height from the top
    height: float
    wanted_height: float
    wanted_y_frac: float
    shifted: bool  # the box had to slide off its anchor position

    @property
    def tighter(self) -> bool:
        return self.height < self.wanted_height * (1 - 1e-3)

    @property
    def y_moved(self) -> float:
        """Positive: anchor lower in the crop than asked (more headroom); negative: less."""
        return self.y_frac - self.wanted_y_frac


def _fits(
    anchor: Point, aspect: float, x_frac: float, y_frac: float, planes: tuple[HalfPlane, ...]
) -> float:
    return max_scale_about(anchor, box_offsets(aspect, x_frac, y_frac), planes)


def place(
    anchor: Point,
    *,
    aspect: float,
    height: float,
    x_frac: float,
    y_frac: float,
    y_range: tuple[float, float],
    min_height: float,
    width: int,
    img_height: int,
    angle_deg: float = 0.0,
    keep: Box | None = None,
    top_limit: float | None = None,
) -> Placement:
    """Box of ``aspect`` (w/h) and ``height`` whose point at (``x_frac``, ``y_frac``) is ``anchor``,
    inside the valid area of the photo rotated by ``angle_deg``. When it does not fit, ``y_frac``
    may move inside ``y_range`` (less headroom first), then the height shrinks down to
    ``min_height``; below that the box keeps the asked ``height`` (as far as the photo holds it)
    and slides inside (``shifted``), unless sliding would cut ``keep`` (the face): then it shrinks
    further around the anchor. A sliding box keeps its top at or above ``top_limit`` (the crown)
    where the photo allows."""
    planes = valid_area(width, img_height, angle_deg)
    lo, hi = min(y_range[0], y_frac), max(y_range[1], y_frac)
    best_frac, best_height = y_frac, min(height, _fits(anchor, aspect, x_frac, y_frac, planes))
    if best_height < height:
        # Preference: less headroom (smaller y_frac) before more, nearer first.
        steps: list[float] = []
        k = 1
        while y_frac - k * EYE_STEP >= lo - 1e-12 or y_frac + k * EYE_STEP <= hi + 1e-12:
            if y_frac - k * EYE_STEP >= lo - 1e-12:
                steps.append(y_frac - k * EYE_STEP)
            if y_frac + k * EYE_STEP <= hi + 1e-12:
                steps.append(y_frac + k * EYE_STEP)
            k += 1
        for frac in steps:
            got = min(height, _fits(anchor, aspect, x_frac, frac, planes))
            if got > best_height * (1 + 1e-9):
                best_frac, best_height = frac, got
                if got >= height:
                    break
    if best_height >= min_height:
        box = box_at(anchor, best_height, aspect, x_frac, best_frac)
        return Placement(box, best_frac, best_height, height, y_frac, shifted=False)
    # No room to stay on the anchor: keep the asked size (the photo permitting) and slide; when the
    # slide pushes the anchor out of its band (eyes too high), give up a little size for it.
    # The asked size, or the largest the photo holds at this aspect, placed on the anchor first
    # and then slid inside: clamping the asked (too large) box would shrink it about its own
    # centre, which moves the anchor up the frame (eyes too high, crown cut).
    size = min(height, largest_box(aspect, width, img_height, angle_deg).h)
    box = clamp_box(box_at(anchor, size, aspect, x_frac, y_frac), width, img_height, angle_deg)
    if top_limit is not None and box.top > top_limit:
        # The smaller box sits lower on the anchor than the asked one would: lift it to the crown.
        box = clamp_box(box.translated(0.0, top_limit - box.top), width, img_height, angle_deg)
    while size > min_height and box.h > 0 and not lo <= (anchor.y - box.top) / box.h <= hi:
        size *= 0.97
        box = clamp_box(box_at(anchor, size, aspect, x_frac, y_frac), width, img_height, angle_deg)
    if keep is not None and not box.contains_box(keep, tol=0.5) and best_height > 0:
        # Sliding would cut what must stay whole (the face): crop tighter than the minimum instead.
        box = box_at(anchor, best_height, aspect, x_frac, best_frac)
        return Placement(box, best_frac, best_height, height, y_frac, shifted=False)
    frac = (anchor.y - box.top) / box.h if box.h else y_frac
    return Placement(box, frac, box.h, height, y_frac, shifted=True)
