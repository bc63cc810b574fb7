"""The worker-side steps of opening a photo, as plain functions the TaskRunner runs off the GUI
thread (they build QImages, never widgets). The session's CropState converts to and from the
sidecar's CropChoice itself (``CropState.to_choice`` / ``CropState.from_choice``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from PySide6.QtGui import QImage

from core.detection import FaceAnalyzer
from core.export import to_srgb
from core.faces import Analysis
from core.framing import CropChoice, crop_checks, suggest_all
from core.photo import LoadedPhoto, load_photo_and_preview
from core.presets import Preset
from core.starting_crop import saved_crop
from core.suggestion import CheckWarning, Suggestion
from ui.qt_images import pil_to_qimage

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class DisplayPhoto:
    """What the canvas needs: an sRGB screen preview and the upright original size it stands for,
    plus the crop remembered in the photo's sidecar (None when there is none or it is stale), and
    the analysis copy decoded with the preview (the face analysis starts from it, no second
    decode)."""

    path: Path
    original_size: tuple[int, int]  # upright original pixels
    preview: Image.Image  # sRGB RGB, long side <= the requested max side
    qimage: QImage
    saved: CropChoice | None
    loaded: LoadedPhoto


@dataclass(frozen=True, eq=False)
class PhotoAnalysis:
    path: Path
    analysis: Analysis
    suggestions: tuple[Suggestion, ...]
    #: Per suggestion id: the checks the Checks panel lists once it is applied (ticked presets).
    checks: dict[str, tuple[CheckWarning, ...]] = field(default_factory=dict)


def load_display_photo(path: Path, max_side: int) -> DisplayPhoto:
    loaded, preview = load_photo_and_preview(path, max_side)
    size = (loaded.width, loaded.height)
    icc = preview.info.get("icc_profile")
    if icc:
        # The screen is assumed sRGB: show a wide-gamut photo's colours, not its raw numbers.
        preview = to_srgb(preview, icc)
    saved: CropChoice | None = None
    try:
        found = saved_crop(path, size, loaded.orientation)  # Headroom's sidecar, else XMP
        saved = found[0] if found is not None else None
    except Exception as exc:  # a damaged sidecar must not stop the photo from opening
        log.warning("ignoring the crop saved for %s: %s", path, exc)
    return DisplayPhoto(path, size, preview, pil_to_qimage(preview), saved, loaded)


def analyze_photo(
    analyzer: FaceAnalyzer, photo: LoadedPhoto, presets: Sequence[Preset] = ()
) -> PhotoAnalysis:
    """Faces and suggestions, scored as ``app.py suggest`` scores them, with each suggestion's
    checks for the ticked ``presets``."""
    return suggest_for(photo.path, analyzer.analyze(photo), None, presets)


def suggest_for(
    path: Path,
    analysis: Analysis,
    subject: int | None,
    presets: Sequence[Preset] = (),
) -> PhotoAnalysis:
    """The photo's suggestions (whatever is ticked: "1" is always the same crop), each with the
    checks the Checks panel lists once it is applied for the ticked ``presets``."""
    suggestions = tuple(suggest_all(analysis, subject=subject))
    return PhotoAnalysis(
        path, analysis, suggestions, suggestion_checks(analysis, suggestions, presets)
    )


def suggestion_checks(
    analysis: Analysis, suggestions: Sequence[Suggestion], presets: Sequence[Preset]
) -> dict[str, tuple[CheckWarning, ...]]:
    """Per suggestion id, core's checks of that crop for ``presets`` (``crop_checks``)."""
    return {
        s.id: crop_checks(analysis, CropChoice.from_suggestion(s), presets) for s in suggestions
    }
