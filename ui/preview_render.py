"""Worker-side half of the preview panel: exact output images per preset, off the GUI thread.

The panel snapshots a ``PreviewRequest`` on the GUI thread; ``render_previews`` runs in the pool.
The full-resolution photo is decoded once per photo and kept in a ``FullImageCache`` (one photo, the
current one) so moving the crop does not decode again. Crops and pixels come from core's export
planner and renderer, so the preview is the file export writes; the only display-side step here is
the circle mask for avatar presets (the file itself stays square, as the platforms want it).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw
from PySide6.QtGui import QImage

from core.crop_session import CropState
from core.export import render_crop, to_srgb
from core.faces import Analysis
from core.framing import CropChoice, CropPlan, blank_analysis, plan_crops, refit_to_presets
from core.geometry import Box, Point, rotate_point, upscale_factor
from core.photo import open_upright
from core.presets import Preset
from ui.qt_images import pil_to_qimage

#: Long side of the reduced copy "fit" mode scales from, so resizing the panel never rescales a
#: 6000 px print preview on the GUI thread.
DISPLAY_MAX_SIDE = 1024
#: Supersampling of the circle mask edge (antialiasing without a Qt painter in the worker).
_MASK_SUPERSAMPLE = 4


@dataclass(frozen=True)
class PreviewRequest:
    """What the GUI thread hands to the worker: plain values only."""

    path: Path
    crop: CropState | None
    presets: tuple[Preset, ...]
    #: The photo's faces when known: ID presets are framed by their rule, as export frames them.
    analysis: Analysis | None = None


@dataclass(frozen=True)
class RenderedPreview:
    preset_id: str
    image: QImage  # exactly preset.width x preset.height; ARGB with clear corners when round
    display: QImage  # the same, long side at most DISPLAY_MAX_SIDE: the source of "fit" mode
    round: bool
    crop_size: tuple[int, int]  # the crop's size in upright original pixels
    upscale: float  # output px per crop px (> 1 means the output is enlarged)
    #: Where the subject's eyes are in the output, as fractions of its width and height: the
    #: centre of the actual-pixels loupe (the middle of the output when no face is in the crop).
    focus: tuple[float, float] = (0.5, 0.5)

    @property
    def upscaled(self) -> bool:
        return self.upscale > 1.0 + 1e-6


class FullImageCache:
    """The full-resolution upright image of the current photo, shared by every render of it.

    Thread-safe: two renders racing for the same photo decode it once (the second waits)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Path, int, int] | None = None
        self._image: Image.Image | None = None
        self.decodes = 0  # how many times a file was decoded (tests and benchmarks read it)

    @staticmethod
    def _key_for(path: Path) -> tuple[Path, int, int]:
        stat = path.stat()
        return (path.resolve(), stat.st_mtime_ns, stat.st_size)

    def get(self, path: Path) -> Image.Image:
        key = self._key_for(Path(path))
        with self._lock:
            if self._key != key or self._image is None:
                self._image = None  # free the previous photo before decoding the next
                self._image = open_upright(Path(path))
                self._key = key
                self.decodes += 1
            return self._image

    def clear(self) -> None:
        with self._lock:
            self._key, self._image = None, None


def _display_copy(image: Image.Image) -> Image.Image:
    if max(image.size) <= DISPLAY_MAX_SIDE:
        return image
    small = image.copy()
    small.thumbnail((DISPLAY_MAX_SIDE, DISPLAY_MAX_SIDE), Image.Resampling.LANCZOS)
    return small


def circle_masked(image: Image.Image) -> Image.Image:
    """RGBA copy of ``image`` with the pixels outside the inscribed circle transparent."""
    w, h = image.size
    big = Image.new("L", (w * _MASK_SUPERSAMPLE, h * _MASK_SUPERSAMPLE), 0)
    ImageDraw.Draw(big).ellipse((0, 0, big.width - 1, big.height - 1), fill=255)
    mask = big.resize((w, h), Image.Resampling.LANCZOS)
    rgba = image.convert("RGBA")
    rgba.putalpha(mask)
    return rgba


def render_previews(request: PreviewRequest, cache: FullImageCache) -> list[RenderedPreview]:
    """Exact outputs of ``request.presets`` for the request's photo and crop (worker thread)."""
    full = cache.get(request.path)
    crops = preview_crops(full.size, request.crop, request.presets, request.analysis)
    icc = full.info.get("icc_profile")
    results: list[RenderedPreview] = []
    for preset in request.presets:
        box, angle = crops[preset.id]
        pixels = to_srgb(render_crop(full, box, angle, (preset.width, preset.height)), icc)
        if preset.circle:
            pixels = circle_masked(pixels)
        upscale = upscale_factor(box, (preset.width, preset.height))
        focus = eyes_in_crop(request.analysis, full.size, box, angle)
        results.append(
            RenderedPreview(
                preset_id=preset.id,
                image=pil_to_qimage(pixels),
                display=pil_to_qimage(_display_copy(pixels)),
                round=preset.circle,
                crop_size=(round(box.w), round(box.h)),
                upscale=upscale,
                focus=focus if focus is not None else (0.5, 0.5),
            )
        )
    return results


def eyes_in_crop(
    analysis: Analysis | None, size: tuple[int, int], box: Box, angle_deg: float
) -> tuple[float, float] | None:
    """The eyes of the largest face inside ``box`` (in the frame rotated by ``angle_deg``), as
    fractions of the box; None when no face's eyes are in it."""
    if analysis is None:
        return None
    centre = Point(size[0] / 2.0, size[1] / 2.0)
    best: tuple[float, tuple[float, float]] | None = None
    for face in analysis.faces:
        eye = rotate_point(face.eye_center, centre, angle_deg)
        if not box.contains_point(eye):
            continue
        at = ((eye.x - box.x) / box.w, (eye.y - box.y) / box.h)
        if best is None or face.box.w > best[0]:
            best = (face.box.w, at)
    return best[1] if best is not None else None


def preview_crops(
    size: tuple[int, int],
    crop: CropState | None,
    presets: Sequence[Preset],
    analysis: Analysis | None = None,
) -> CropPlan:
    """Each preset's crop as export will plan it (``core.framing.plan_crops``): the committed crop
    re-fitted to the preset's aspect, an ID preset framed by its rule; with no crop yet, the whole
    photo. A preset that cannot be planned yet (an ID photo before the faces are found) shows the
    crop re-fitted."""
    width, height = size
    if crop is None:
        choice = CropChoice(box=Box(0.0, 0.0, float(width), float(height)))
    else:
        choice = crop.to_choice()
    planned = plan_crops(analysis or blank_analysis(width, height), presets, choice)
    missing = [p for p in presets if p.id not in planned.crops]
    return planned.crops | refit_to_presets(choice, missing, width, height)


def presets_by_ids(presets: Sequence[Preset], ids: Sequence[str]) -> tuple[Preset, ...]:
    by_id = {p.id: p for p in presets}
    return tuple(by_id[i] for i in ids if i in by_id)
