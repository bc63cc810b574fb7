"""How level the straight lines of a photo's background are (shelves, signs, door frames, horizons).

Portrait sitters often tilt their head on purpose. Levelling their eyes then tilts everything
behind them, which a photographer sees at once when the background has straight lines. This module
measures the dominant direction of those lines so the framing can tell "the camera was tilted"
(level the scene) from "the head was tilted" (keep the scene as it is).

Method: Scharr gradients on a small grey copy; the strongest tenth of the edges outside the person
are kept; their direction is folded modulo 90 degrees, so horizontal and vertical lines vote
together; the peak of that histogram and the weighted mean around it give the lines' angle. How much
of the edge weight sits around the peak, against an even spread, says whether the background has
dominant straight lines at all (a studio backdrop or a leafy park does not).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

#: The gradients are measured on a copy about this many pixels on its long side (speed; the lines
#: that matter are long).
WORK_SIDE = 640
#: Only edges this far from the peak direction (degrees) count towards its angle and strength.
PEAK_WINDOW_DEG = 4.0
#: Lines tilted more than this are not looked for (a photo tilted further is a choice, not a slip).
SEARCH_DEG = 20.0
#: Too few edge pixels (an almost flat photo) say nothing.
MIN_EDGE_PIXELS = 500
#: Nor do strong edges outside the person on under this share of the frame: a few curves of a
#: plain background (measured 0.3%) can peak anywhere, while shelves, signs or walls behind a
#: sitter give about 8%.
MIN_EDGE_SHARE = 0.02
#: How far (work-copy pixels) the person mask is grown to leave the body's outline out too.
GROW_PX = 3
#: Gradient magnitude (Sobel scale, 0..255 grey) under which an edge is noise or texture.
_MIN_GRADIENT = 60.0


@dataclass(frozen=True)
class SceneLines:
    """The background's dominant straight-line direction.

    ``level_angle_deg`` uses the crop angle convention (core.geometry): rotating the photo
    counter-clockwise by it (``Image.rotate(level_angle_deg)``) makes those lines level/plumb.
    ``strength`` is the share of edge weight within ``PEAK_WINDOW_DEG`` of that direction divided
    by the share an even spread of directions would give (1 = no dominant lines; about 3 or more:
    a background of shelves, signs or architecture).
    """

    level_angle_deg: float
    strength: float


def _grey_reduced(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    h, w = rgb.shape[:2]
    k = max(1, max(h, w) // WORK_SIDE)
    # Box-filtered reduction, not strided samples: aliasing would draw level stair-steps into
    # slanted lines.
    grey = Image.fromarray(np.ascontiguousarray(rgb), "RGB").convert("L").reduce(k)
    return np.asarray(grey, dtype=np.float32)


def _person_at(
    person_confidence: npt.NDArray[np.float32] | None, shape: tuple[int, ...]
) -> npt.NDArray[np.bool_] | None:
    """The person mask resampled (nearest) to ``shape``, grown by a few pixels so the outline of
    the body (hair, shoulders) is left out too."""
    if person_confidence is None or person_confidence.size == 0:
        return None
    h, w = shape[:2]
    rows = np.minimum(
        (np.arange(h) * person_confidence.shape[0] / h).astype(int), person_confidence.shape[0] - 1
    )
    cols = np.minimum(
        (np.arange(w) * person_confidence.shape[1] / w).astype(int), person_confidence.shape[1] - 1
    )
    mask: npt.NDArray[np.bool_] = np.asarray(person_confidence[rows][:, cols] >= 0.3)
    grown = mask.copy()
    # Shifted copies, not np.roll: a body reaching the bottom edge must not wrap to the top.
    grown[GROW_PX:, :] |= mask[:-GROW_PX, :]
    grown[:-GROW_PX, :] |= mask[GROW_PX:, :]
    grown[:, GROW_PX:] |= mask[:, :-GROW_PX]
    grown[:, :-GROW_PX] |= mask[:, GROW_PX:]
    return grown


def measure_scene_lines(
    rgb: npt.NDArray[np.uint8],
    person_confidence: npt.NDArray[np.float32] | None = None,
) -> SceneLines | None:
    """The dominant line direction of ``rgb`` (H x W x 3, upright) outside the person
    (``person_confidence``: 0..1 at any resolution covering the same image), or ``None`` when the
    photo has too few edges to tell."""
    grey = _grey_reduced(rgb)
    if min(grey.shape) < 8:
        return None
    # Scharr's kernel: its gradient direction is far more isotropic than Sobel's, which pulls
    # slanted lines toward level (6 degrees measured as 5.3).
    p = np.pad(grey, 1, mode="edge")
    dx = p[:, 2:] - p[:, :-2]
    dy = p[2:, :] - p[:-2, :]
    gx = (3.0 * dx[:-2] + 10.0 * dx[1:-1] + 3.0 * dx[2:]) / 4.0
    gy = (3.0 * dy[:, :-2] + 10.0 * dy[:, 1:-1] + 3.0 * dy[:, 2:]) / 4.0
    mag = np.hypot(gx, gy)
    keep = mag > max(_MIN_GRADIENT, float(np.percentile(mag, 90)))
    # The outermost ring sees the padding; the photo's own border is not a line in the scene.
    keep[0, :] = keep[-1, :] = keep[:, 0] = keep[:, -1] = False
    person = _person_at(person_confidence, grey.shape)
    if person is not None:
        keep &= ~person
    if int(keep.sum()) < max(MIN_EDGE_PIXELS, MIN_EDGE_SHARE * keep.size):
        return None
    # Gradient direction folded to [-45, 45): a level line and a plumb line both give 0; the whole
    # scene turned counter-clockwise (as Image.rotate turns it) by a gives -a.
    folded = (np.degrees(np.arctan2(gy[keep], gx[keep])) + 45.0) % 90.0 - 45.0
    weights = mag[keep]
    edges = np.arange(-SEARCH_DEG, SEARCH_DEG + 1.0, 1.0)
    hist, _ = np.histogram(folded, bins=edges, weights=weights)
    peak_bin = int(np.argmax(np.convolve(hist, np.ones(3), mode="same")))
    peak = float(edges[peak_bin] + edges[peak_bin + 1]) / 2.0
    near = np.abs(folded - peak) <= PEAK_WINDOW_DEG
    if not near.any():
        return None
    angle = float(np.average(folded[near], weights=weights[near]))
    share = float(weights[near].sum() / weights.sum())
    even_share = 2.0 * PEAK_WINDOW_DEG / 90.0
    return SceneLines(level_angle_deg=angle, strength=share / even_share)
