"""Loading photos: upright (EXIF-oriented) pixels for analysis, display and export.

Contract (shared by detection, framing, export and the GUI):
- ``width``/``height`` are the *upright original* size: the stored size with EXIF orientation applied.
- ``analysis_rgb`` is a reduced RGB uint8 copy (long side about ``ANALYSIS_MAX_SIDE``), decoded fast
  (JPEG draft mode / reduced decoding) so analysis never needs the full-resolution decode.
  ``analysis_scale`` = original pixels per analysis pixel.
- The original file is only ever opened for reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

#: Long side of the analysis image. Large enough for the tiled full-range face pass to find faces
#: of ~30 px in a 1280 px group photo; small enough to decode a 24 MP JPEG at 1/4 scale.
ANALYSIS_MAX_SIDE = 1600


@dataclass(frozen=True, eq=False)
class LoadedPhoto:
    path: Path
    width: int  # upright original pixels
    height: int
    format: str  # Pillow's format name: "JPEG", "PNG", "HEIF"...
    mode: str  # the file's own mode before normalisation: "RGB", "CMYK", "I;16", "P", "RGBA"...
    orientation: int  # EXIF orientation tag value that was applied (1 when none)
    icc_profile: bytes | None
    exif: bytes | None  # raw EXIF block of the original (for export's metadata policy)
    analysis_rgb: npt.NDArray[np.uint8]  # H x W x 3, upright
    analysis_scale: float  # original px per analysis px
