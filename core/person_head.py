"""Where a person's head is in the selfie segmenter's mask: the region a second face look takes
when the segmenter sees a person the face passes did not find (a hand across the face, a phone at
the ear). Pure numpy; the numbers, with their reasons, are in ``[faceless_person]`` of
``resources/faces.toml``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from core.resource_numbers import resource_table

_N = resource_table("faces.toml", "faceless_person")
#: The mask must hold at least this share of the photo as person.
MIN_PERSON_SHARE = float(_N["min_person_share"])
HEAD_MIN_WIDTH = float(_N["head_min_width"])
HEAD_ROWS = float(_N["head_rows"])
CROP_WIDTHS = float(_N["crop_widths"])
CROP_ABOVE = float(_N["crop_above"])


def head_square(person: npt.NDArray[np.bool_]) -> tuple[int, int, int] | None:
    """``(left, top, side)`` in mask pixels of the square around the topmost person's head (it may
    reach outside the mask), or ``None`` when the mask holds too little person."""
    if person.mean() < MIN_PERSON_SHARE:
        return None
    height, width = person.shape
    long_side = max(height, width)
    spans: list[tuple[int, int]] = []
    top = -1
    for r in np.flatnonzero(person.any(axis=1)):
        cols = np.flatnonzero(person[r])
        if top < 0 and cols[-1] - cols[0] + 1 < HEAD_MIN_WIDTH * long_side:
            continue
        if top < 0:
            top = int(r)
        if r >= top + HEAD_ROWS * long_side:
            break
        spans.append((int(cols[0]), int(cols[-1])))
    if not spans:
        return None
    head_w = float(np.median([b - a + 1 for a, b in spans]))
    cx = float(np.median([(a + b) / 2 for a, b in spans]))
    side = round(CROP_WIDTHS * head_w)
    return round(cx - side / 2), round(top - CROP_ABOVE * side), side
