"""Face and person detection with MediaPipe Tasks: every face, its head geometry, and a person mask.

BlazeFace squeezes its whole input to 128 px (short range) or 192 px (full range), so one pass over
a group photo misses faces of a few dozen pixels. ``FaceAnalyzer`` therefore runs:

1. the short-range and full-range models on the whole analysis image (close and mid-size faces);
2. when the image is large relative to the model input, the short-range model on overlapping tiles
   at a few tile sizes (a pyramid), so that faces down to ``MIN_FACE_PX`` analysis pixels become big
   enough in some tile. With a clear main subject, faces under ``BYSTANDER_FACE_SHARE`` of its size
   are not searched for (bigger, fewer tiles);
3. a re-detection, on a crop where it fills a third of the model input, of every detection scored
   below ``SURE_SCORE`` (false faces on flags, beer taps, coats do not survive it);

then merges everything with non-maximum suppression, keeping the higher score. Detections that
touch an inner tile edge are dropped: the face was cut by the tile and appears whole in an
overlapping tile or at the next, larger tile size. Roll is then re-measured on levelled crops of the
largest faces, and the selfie segmenter's person mask gives each face its crown
(``core.head_geometry``).

Every MediaPipe task has its own dispatcher thread, so a second short-range detector
(``tile_workers``) and the segmenter run alongside the main passes on a small thread pool.

All results are in upright original-image pixels (analysis pixels times ``analysis_scale``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt

from core.errors import ModelUnavailableError
from core.face_rank import (
    MIN_PERSON_SUPPORT,
    SECOND_LOOK_CROP,
    SECOND_LOOK_FACES,
    SECOND_LOOK_FULL,
    SECOND_LOOK_SHORT,
    box_support,
    confirmed_first,
    rank_faces,
)
from core.faces import Analysis, Face, FaceKeypoints, PersonMask
from core.geometry import Box, Point
from core.head_geometry import head_geometry
from core.head_geometry import roll_deg as eye_roll_deg
from core.models.check import close_task
from core.person_head import head_square
from core.scene_lines import SceneLines, measure_scene_lines

if TYPE_CHECKING:
    from core.models import ModelStore
    from core.photo import LoadedPhoto

RGB = npt.NDArray[np.uint8]
_T = TypeVar("_T")
_R = TypeVar("_R")

#: Smallest face (analysis px) the tiled pass looks for, and the share of a short-range model
#: input such a face must fill to be found (measured: ~13 % on the Solvay group photo). Together
#: they give the smallest tile, 179 px. At 24 px all 29 faces of the 1280 px Solvay photo are
#: found; at 30 px, 25.
MIN_FACE_PX = 24.0
SHORT_RANGE_MIN_FACE_SHARE = 0.134
#: Faces smaller than this share of the largest face the whole-image passes found are bystanders
#: for framing; not searching for them keeps portraits fast (fewer, larger tiles).
BYSTANDER_FACE_SHARE = 0.3
#: Each pyramid level's tile is this much larger than the one below.
TILE_GROWTH = 2.5
#: Tiles advance by this share of their size (0.75 = 25 % overlap).
TILE_STEP = 0.75
#: No tiling when the tile would cover most of the image: the whole-image passes cover that.
TILE_MAX_SHARE_OF_LONG_SIDE = 1 / 1.6
#: Two boxes with IoU above this are the same face.
NMS_IOU = 0.3
#: ... and so are two boxes when the smaller lies mostly (this share of its area) inside the other.
NMS_CONTAINED = 0.6
NMS_MIN_AREA_RATIO = 0.25
#: Tile detections are more often false (stars on a flag, beer taps): they need this score both in
#: their tile and when re-detected in a crop around them at a larger scale (``VERIFY_CROP`` times
#: the box), unless a whole-image pass found the same face. The crop is the second look's
#: (resources/faces.toml [second_look] crop_boxes): both re-detections take the same look.
TILE_MIN_SCORE = 0.6
VERIFY_CROP = SECOND_LOOK_CROP
#: Detections (any pass) at least this sure skip the re-detection (no false face scored this high
#: in the development photos; true faces usually do). Below it, a face must be found again in a
#: crop around it; that removed a 0.64 "face" on the camera man's coat in a whole-image pass.
#: One number with the second look's short-range score (resources/faces.toml [second_look]
#: min_short_score): a face the short-range model is this sure of counts as found, in either look.
SURE_SCORE = SECOND_LOOK_SHORT
#: ... except a detection whose box holds the centre of another, smaller one: a face box holding
#: another face is implausible, and false boxes around a whole portrait (hair, collar and face)
#: scored 0.78-0.81 in the benchmark's 24 MP group photo depending on the analysis size (at 0.803
#: one skipped the check, became the "main subject" and hid a real face from the tiled pass).
#: Roll is re-measured on a crop (this many face boxes wide) turned by the first estimate, for the
#: largest ``ROLL_REFINE_FACES`` faces: BlazeFace's eye keypoints are biased toward upright, so one
#: reading under-reports a tilt by up to half; re-reading on the levelled crop removes most of it.
ROLL_REFINE_CROP = 2.2
ROLL_REFINE_ITERATIONS = 2
ROLL_REFINE_FACES = 3
ROLL_REFINE_MAX_SIDE = 256
#: A tile detection within this many px of an inner tile edge was cut by the tile.
TILE_EDGE_MARGIN = 1.0


@dataclass(frozen=True)
class RawDetection:
    """One detector output in analysis pixels, before merging and head geometry."""

    box: Box
    score: float
    keypoints: tuple[Point, ...]  # BlazeFace order, see core.faces.KEYPOINT_NAMES
    source: str  # which pass found it: "short", "full", "tile<size>"


def tile_origins(length: int, tile: int, step: int) -> list[int]:
    """Start offsets covering ``[0, length)`` with tiles of ``tile`` px; the last tile is flush with
    the far edge so every pixel is covered and no tile hangs outside the image."""
    if length <= tile:
        return [0]
    starts = list(range(0, length - tile + 1, step))
    if starts[-1] + tile < length:
        starts.append(length - tile)
    return starts


def tile_sizes(width: int, height: int, min_face: float = MIN_FACE_PX) -> list[int]:
    """Tile sizes of the pyramid for an analysis image, smallest first (empty: no tiling), for
    faces of at least ``min_face`` analysis px."""
    long_side = max(width, height)
    sizes: list[int] = []
    size = max(MIN_FACE_PX, min_face) / SHORT_RANGE_MIN_FACE_SHARE
    while size <= long_side * TILE_MAX_SHARE_OF_LONG_SIDE:
        sizes.append(round(size))
        size *= TILE_GROWTH
    return sizes


def iter_tiles(width: int, height: int, size: int) -> Iterator[tuple[int, int, int, int]]:
    """``(x, y, w, h)`` of the overlapping tiles of one pyramid level."""
    step = max(1, int(size * TILE_STEP))
    tw, th = min(size, width), min(size, height)
    for y in tile_origins(height, th, step):
        for x in tile_origins(width, tw, step):
            yield x, y, tw, th


def _same_face(a: Box, b: Box) -> bool:
    if a.iou(b) > NMS_IOU:
        return True
    inter = a.intersection(b)
    if inter is None:
        return False
    small, large = sorted((a.area, b.area))
    # A face box inside a much larger box is a different object (a face on a torso-sized false
    # detection), not a duplicate: same-face boxes from different passes differ far less in size.
    return inter.area > NMS_CONTAINED * small and small >= NMS_MIN_AREA_RATIO * large


def merge_detections(detections: Sequence[RawDetection]) -> list[RawDetection]:
    """Non-maximum suppression: the highest-scoring detection of each face survives."""
    kept: list[RawDetection] = []
    for det in sorted(detections, key=lambda d: d.score, reverse=True):
        if not any(_same_face(det.box, k.box) for k in kept):
            kept.append(det)
    return kept


def _touches_inner_edge(box: Box, tile: tuple[int, int, int, int], width: int, height: int) -> bool:
    x, y, w, h = tile
    m = TILE_EDGE_MARGIN
    return (
        (x > 0 and box.left <= x + m)
        or (y > 0 and box.top <= y + m)
        or (x + w < width and box.right >= x + w - m)
        or (y + h < height and box.bottom >= y + h - m)
    )


@contextlib.contextmanager
def _native_stderr_captured() -> Iterator[None]:
    """Hold back what MediaPipe/LiteRT's C++ side prints to stderr while models are built (dozens
    of INFO/WARNING lines per model), and replay it only if building fails. Works on file
    descriptor 2, so it catches native writes that ``sys.stderr`` redirection would not."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (GUI app without console): nothing to hide
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        failed = False
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            if failed:
                held.seek(0)
                sys.stderr.write(held.read().decode("utf-8", "replace"))


def _mp_image(rgb: RGB) -> Any:
    from core.mediapipe_tasks import Image, ImageFormat

    return Image(image_format=ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


def _run_detector(
    detector: Any, rgb: RGB, offset: tuple[int, int], min_score: float, source: str
) -> list[RawDetection]:
    """Detections of one detector on ``rgb``, shifted by ``offset`` into the full analysis image."""
    h, w = rgb.shape[:2]
    ox, oy = offset
    out: list[RawDetection] = []
    for d in detector.detect(_mp_image(rgb)).detections:
        score = float(d.categories[0].score) if d.categories else 0.0
        if score < min_score or len(d.keypoints) < 6:
            continue
        bb = d.bounding_box
        box = Box(
            float(bb.origin_x + ox), float(bb.origin_y + oy), float(bb.width), float(bb.height)
        )
        points = tuple(Point(kp.x * w + ox, kp.y * h + oy) for kp in d.keypoints[:6])
        out.append(RawDetection(box, score, points, source))
    return out


def _close_tasks_quietly(tasks: list[Any]) -> None:
    """Close MediaPipe tasks, emptying ``tasks``. Also run by a ``weakref.finalize`` at exit for an
    analyzer nobody closed: MediaPipe's own ``__del__`` during interpreter teardown raises noisy
    TypeErrors ("Exception ignored in FaceDetector.__del__"). Takes the list, not the analyzer, so
    the finaliser keeps no reference to it."""
    if not tasks:
        return
    with _native_stderr_captured():
        while tasks:
            close_task(tasks.pop())


def _holds_another_face(det: RawDetection, detections: Sequence[RawDetection]) -> bool:
    """True when ``det``'s box holds the centre of another, smaller detection's box."""
    return any(
        other is not det
        and other.box.area < det.box.area
        and det.box.contains_point(Point(other.box.cx, other.box.cy))
        for other in detections
    )


def _to_original(det: RawDetection, scale: float) -> tuple[Box, FaceKeypoints]:
    pts = [Point(p.x * scale, p.y * scale) for p in det.keypoints]
    return det.box.scaled(scale), FaceKeypoints(*pts)


class FaceAnalyzer:
    """Finds faces and the person mask in loaded photos. Create once and reuse: the MediaPipe
    detectors are built on first use and kept until ``close()``.

    Thread-safe by serialising: one analysis at a time (an internal lock). The tiled pass may use
    a second short-range detector on a helper thread (``tile_workers``) since the machine's cores
    would otherwise idle while MediaPipe runs one small tile after another.
    """

    def __init__(
        self,
        store: ModelStore | None = None,
        *,
        min_score: float = 0.5,
        tile_workers: int | None = None,
    ) -> None:
        self._store = store
        self.min_score = min_score
        self._tile_workers = max(1, tile_workers if tile_workers else min(2, os.cpu_count() or 1))
        self._lock = threading.RLock()
        self._short: list[Any] = []  # one short-range detector per tile worker
        self._full: Any = None
        self._segmenter: Any = None
        self._pool: ThreadPoolExecutor | None = None
        self._closed = False
        # Every MediaPipe task built, for closing (see _close_tasks_quietly); the finaliser runs
        # when the analyzer is collected or, at the latest, from atexit before module teardown.
        self._tasks: list[Any] = []
        self._finalizer = weakref.finalize(self, _close_tasks_quietly, self._tasks)
        #: MediaPipe face-detector runs in the last analysis (speed diagnostics for benchmarks).
        self.detector_calls = 0

    # -- lifecycle ---------------------------------------------------------------------------
    def _model_path(self, name: str) -> Path:
        from core.models import ModelName, default_store

        store = self._store if self._store is not None else default_store()
        return store.ensure(ModelName[name])

    def _ensure_models(self, *, detectors: bool = True, segmenter: bool = True) -> None:
        """Build the MediaPipe tasks the caller needs that are not built yet: each model is built
        on first use (a ``detect_raw`` never builds the segmenter, a ``segment`` no detector).
        When both kinds are due, the segmenter is built on the pool thread alongside."""
        if self._closed:
            raise RuntimeError("FaceAnalyzer is closed")
        build_detectors = detectors and self._full is None
        build_segmenter = segmenter and self._segmenter is None
        if not (build_detectors or build_segmenter):
            return
        if self._tile_workers > 1 and self._pool is None:
            # One thread per extra short-range detector, plus one for the segmenter.
            self._pool = ThreadPoolExecutor(self._tile_workers, thread_name_prefix="headroom-mp")
        # Paths first, one at a time: installing a missing model is the store's job, not a race.
        face_paths = (
            [self._model_path("FACE_SHORT"), self._model_path("FACE_FULL")]
            if build_detectors
            else []
        )
        seg_path = self._model_path("PERSON_SEGMENTER") if build_segmenter else None
        try:
            with _native_stderr_captured():
                alongside = (
                    self._pool.submit(self._build_segmenter, seg_path)
                    if seg_path is not None and face_paths and self._pool is not None
                    else None
                )
                try:
                    if face_paths:
                        short, full = (self._build_face_detector(p) for p in face_paths)
                        self._short, self._full = [short], full
                finally:  # even when a detector failed: its task must be registered for closing
                    if alongside is not None:
                        self._segmenter = alongside.result()
                if seg_path is not None and alongside is None:
                    self._segmenter = self._build_segmenter(seg_path)
        except ModelUnavailableError:
            self._close_tasks()
            raise

    def _ensure_tile_detectors(self) -> None:
        """The extra short-range detectors (one per tile worker), built when work is first
        spread over them; a photo with one pass of work never pays for them."""
        if len(self._short) >= self._tile_workers or self._pool is None:
            return
        path = self._model_path("FACE_SHORT")
        try:
            with _native_stderr_captured():
                while len(self._short) < self._tile_workers:
                    self._short.append(self._build_face_detector(path))
        except ModelUnavailableError:
            self._close_tasks()
            raise

    def _build_task(self, path: Path, create: Callable[[], Any], warm_up: str) -> Any:
        """A MediaPipe task, registered for closing and run once on a blank image (its first
        inference logs too: XNNPACK delegate, sparsity notes, all held back by the caller)."""
        try:
            task = create()
            self._tasks.append(task)
            getattr(task, warm_up)(_mp_image(np.zeros((64, 64, 3), np.uint8)))
        except Exception as exc:  # MediaPipe raises RuntimeError/ValueError for bad model files
            raise ModelUnavailableError(
                f"Cannot load the MediaPipe model {path}: {exc}. "
                "Run 'python app.py models --install' to reinstall the models."
            ) from exc
        return task

    def _build_face_detector(self, path: Path) -> Any:
        from core import mediapipe_tasks as mpt

        options = mpt.FaceDetectorOptions(
            base_options=mpt.BaseOptions(model_asset_path=str(path)),
            min_detection_confidence=self.min_score,
        )
        return self._build_task(
            path, lambda: mpt.FaceDetector.create_from_options(options), "detect"
        )

    def _build_segmenter(self, path: Path) -> Any:
        from core import mediapipe_tasks as mpt

        options = mpt.ImageSegmenterOptions(
            base_options=mpt.BaseOptions(model_asset_path=str(path)),
            output_confidence_masks=True,
            output_category_mask=False,
        )
        return self._build_task(
            path, lambda: mpt.ImageSegmenter.create_from_options(options), "segment"
        )

    @property
    def tasks_built(self) -> int:
        """MediaPipe tasks built and open (diagnostics: each model is built on first use)."""
        return len(self._tasks)

    def preload(self) -> None:
        """Start building the models on a helper thread and return at once: a command builds
        them while it decodes the photo. The first analysis waits for them (and, if building
        failed, builds again and raises the error itself). Does nothing when a model is not
        installed yet: installing is a download, which a photo that fails to open should not
        start."""
        from core.models import ModelName, default_store

        store = self._store if self._store is not None else default_store()
        if not all(store.has_local_copy(m) for m in ModelName):
            return

        def build() -> None:
            with contextlib.suppress(Exception), self._lock:
                self._ensure_models()

        threading.Thread(target=build, name="headroom-models", daemon=True).start()

    def load_models(self) -> None:
        """Build every model now, the tile workers' detectors included (they are otherwise built
        on first use): the app does this in the background so its first analysis waits for none."""
        with self._lock:
            self._ensure_models()
            if self._tile_workers > 1:
                self._ensure_tile_detectors()

    def _close_tasks(self) -> None:
        _close_tasks_quietly(self._tasks)
        self._short, self._full, self._segmenter = [], None, None

    def close(self) -> None:
        with self._lock:
            self._close_tasks()
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
            self._closed = True

    def __enter__(self) -> FaceAnalyzer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- analysis ----------------------------------------------------------------------------
    def analyze_path(self, path: Path) -> tuple[LoadedPhoto, Analysis]:
        from core.photo import load_photo

        photo = load_photo(path)
        return photo, self.analyze(photo)

    def analyze(self, photo: LoadedPhoto) -> Analysis:
        """Faces (best subject first, ``core.face_rank``) and person mask of ``photo``, in upright
        original pixels."""
        rgb = photo.analysis_rgb
        scale = float(photo.analysis_scale)
        with self._lock:
            self._ensure_models()
            # Segmentation has its own MediaPipe task (and dispatcher thread): overlap it, and the
            # background-line measure that needs its mask, with the face passes.
            pending = (
                self._pool.submit(self._segment_and_lines, rgb) if self._pool is not None else None
            )
            detections = self._detect(rgb)
            detections.sort(key=lambda d: d.box.area, reverse=True)
            top = detections[:ROLL_REFINE_FACES]
            # The main subject gets a second levelling pass; the others one (speed).
            work = [(d, ROLL_REFINE_ITERATIONS if i == 0 else 1) for i, d in enumerate(top)]
            rolls = self._parallel(
                work,
                lambda det, job: self._refined_roll(det, rgb, *job),
                costs=[iterations for _, iterations in work],
            )
            rolls += [None] * (len(detections) - len(top))
            confidence, lines = (
                pending.result() if pending is not None else self._segment_and_lines(rgb)
            )
            # A person the segmenter sees whom no face pass found (a hand across the face).
            extra = self._faceless_person_faces(rgb, confidence, detections)
            detections += extra
            rolls += [None] * len(extra)
            mask = PersonMask(confidence, scale)
            faces = [
                self._face(det, scale, confidence, roll)
                for det, roll in zip(detections, rolls, strict=True)
            ]
            # Subject order (a person, sharp, frontal, large), not box area: see core.face_rank.
            ranked = list(rank_faces(faces, confidence, scale, rgb, scale))
            # The second look in the same locked block: a close() (the window closing) waits for
            # it instead of taking the detectors away between the passes.
            for i, face in enumerate(ranked[:SECOND_LOOK_FACES]):
                if not self._found_again(rgb, face.box.scaled(1.0 / scale)):
                    ranked[i] = replace(face, confirmed=False)
        return Analysis(photo.path, photo.width, photo.height, confirmed_first(ranked), mask, lines)

    def _faceless_person_faces(
        self, rgb: RGB, confidence: npt.NDArray[np.float32], detections: list[RawDetection]
    ) -> list[RawDetection]:
        """Faces found by one more look at the head of a person that has no face on them
        (``core.person_head``): both models on a square around the head, where the face fills
        far more of the model input, each find re-detected like every unsure face."""
        if any(box_support(d.box, confidence, 1.0) >= MIN_PERSON_SUPPORT for d in detections):
            return []
        square = head_square(PersonMask(confidence, 1.0).binary)
        if square is None:
            return []
        left, top, side = square
        height, width = rgb.shape[:2]
        x0, y0 = max(0, left), max(0, top)
        x1, y1 = min(width, left + side), min(height, top + side)
        if min(x1 - x0, y1 - y0) < 16:
            return []
        crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        found = [
            det
            for detector in (self._short[0], self._full)
            for det in _run_detector(detector, crop, (x0, y0), self.min_score, "person-head")
        ]
        self.detector_calls += 2
        candidates = [
            det
            for det in merge_detections(found)
            if box_support(det.box, confidence, 1.0) >= MIN_PERSON_SUPPORT
        ]
        return self._confirmed(rgb, candidates) if candidates else []

    def _found_again(self, rgb: RGB, box: Box) -> bool:
        """The second look at a likely subject (``box`` in analysis px): both models, upright and
        mirrored, on a crop where the face fills about a third of the model input."""
        height, width = rgb.shape[:2]
        side = max(box.w, box.h) * SECOND_LOOK_CROP
        x0, y0 = max(0, int(box.cx - side / 2)), max(0, int(box.cy - side / 2))
        x1, y1 = min(width, int(box.cx + side / 2)), min(height, int(box.cy + side / 2))
        crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        if crop.size == 0:
            return False
        cx, cy = box.cx - x0, box.cy - y0
        for mirrored in (False, True):
            image = np.ascontiguousarray(crop[:, ::-1]) if mirrored else crop
            for detector, needed in (
                (self._short[0], SECOND_LOOK_SHORT),
                (self._full, SECOND_LOOK_FULL),
            ):
                self.detector_calls += 1
                for det in _run_detector(detector, image, (0, 0), needed, "second-look"):
                    x = crop.shape[1] - det.box.cx if mirrored else det.box.cx
                    if abs(x - cx) < box.w / 2 and abs(det.box.cy - cy) < box.h / 2:
                        return True
        return False

    def _parallel(
        self,
        items: Sequence[_T],
        fn: Callable[[Any, _T], _R],
        costs: Sequence[float] | None = None,
    ) -> list[_R]:
        """``fn(detector, item)`` for every item, spread over the short-range detectors (one
        thread each); results in item order. ``costs`` (relative, per item) balances uneven
        work: each item, dearest first, goes to the least loaded detector."""
        if len(items) > 1:
            self._ensure_tile_detectors()
        n = min(len(self._short), len(items))
        if self._pool is None or n <= 1:
            return [fn(self._short[0], item) for item in items]
        indexed = list(enumerate(items))
        chunks: list[list[tuple[int, _T]]] = [indexed[k::n] for k in range(n)]
        if costs is not None:
            chunks = [[] for _ in range(n)]
            loads = [0.0] * n
            for i in sorted(range(len(items)), key=lambda j: costs[j], reverse=True):
                k = loads.index(min(loads))
                chunks[k].append(indexed[i])
                loads[k] += costs[i]

        def run(detector: Any, chunk: list[tuple[int, _T]]) -> list[tuple[int, _R]]:
            return [(i, fn(detector, item)) for i, item in chunk]

        futures = [self._pool.submit(run, self._short[k], chunks[k]) for k in range(1, n)]
        done = run(self._short[0], chunks[0])
        for fut in futures:
            done += fut.result()
        return [r for _, r in sorted(done, key=lambda pair: pair[0])]

    def _refined_roll(
        self, detector: Any, rgb: RGB, det: RawDetection, iterations: int
    ) -> float | None:
        """Roll re-measured on levelled crops; ``None`` when the keypoints give no usable roll
        (profile) or the face is not found again."""
        _, keypoints = _to_original(det, 1.0)
        roll = eye_roll_deg(keypoints, det.box)
        if roll == 0.0:
            return None
        from PIL import Image

        side = round(max(det.box.w, det.box.h) * ROLL_REFINE_CROP)
        left, top = round(det.box.cx - side / 2), round(det.box.cy - side / 2)
        crop = _crop_padded(rgb, left, top, side)
        if side > ROLL_REFINE_MAX_SIDE:  # the model sees 128 px anyway; rotate fewer pixels
            side = ROLL_REFINE_MAX_SIDE
            crop = crop.resize((side, side), Image.Resampling.BILINEAR)
        centre = Point(side / 2, side / 2)
        for _ in range(iterations):
            levelled = np.asarray(crop.rotate(roll, resample=Image.Resampling.BILINEAR))
            again = _run_detector(detector, levelled, (0, 0), self.min_score * 0.6, "roll")
            near = [a for a in again if a.box.contains_point(centre)]
            if not near:
                return None
            best = max(near, key=lambda a: a.score)
            _, kp = _to_original(best, 1.0)
            roll += eye_roll_deg(kp)
        return roll

    def _face(
        self,
        det: RawDetection,
        scale: float,
        confidence: npt.NDArray[np.float32],
        roll: float | None,
    ) -> Face:
        box, keypoints = _to_original(det, scale)
        geo = head_geometry(box, keypoints, confidence, scale, roll)
        return Face(
            box=box,
            score=det.score,
            keypoints=keypoints,
            eye_line_y=geo.eye_line_y,
            crown_y=geo.crown_y,
            chin_y=geo.chin_y,
            roll_deg=geo.roll_deg,
            yaw=geo.yaw,
            crown_source=geo.crown_source,
        )

    def detect_raw(self, rgb: RGB) -> list[RawDetection]:
        """All passes on an analysis image, merged; boxes and keypoints in its pixels."""
        with self._lock:
            self._ensure_models(segmenter=False)
            return self._detect(rgb)

    def segment(self, rgb: RGB) -> npt.NDArray[np.float32]:
        """Person confidence (0..1, float32) at the analysis image's resolution."""
        with self._lock:
            self._ensure_models(detectors=False)
            return self._segment(rgb)

    def _detect(self, rgb: RGB) -> list[RawDetection]:
        height, width = rgb.shape[:2]
        self.detector_calls = 2
        found = _run_detector(self._short[0], rgb, (0, 0), self.min_score, "short")
        found += _run_detector(self._full, rgb, (0, 0), self.min_score, "full")
        whole = self._confirmed(rgb, merge_detections(found))
        largest = max((max(d.box.w, d.box.h) for d in whole), default=0.0)
        min_face = max(MIN_FACE_PX, BYSTANDER_FACE_SHARE * largest)
        tiles = [
            t
            for size in tile_sizes(width, height, min_face)
            for t in iter_tiles(width, height, size)
        ]
        if not tiles:
            return whole
        per_tile = self._parallel(tiles, lambda det, tile: self._detect_tile(det, rgb, tile))
        self.detector_calls += len(tiles)
        candidates = [
            det
            for det in merge_detections([d for dets in per_tile for d in dets])
            if det.score >= TILE_MIN_SCORE and not any(_same_face(det.box, w.box) for w in whole)
        ]
        return merge_detections(whole + self._confirmed(rgb, candidates))

    def _confirmed(self, rgb: RGB, detections: list[RawDetection]) -> list[RawDetection]:
        """``detections`` without the unsure ones that a re-detection does not confirm."""
        unsure = [
            det
            for det in detections
            if det.score < SURE_SCORE or _holds_another_face(det, detections)
        ]
        if not unsure:
            return detections
        verdicts = self._parallel(unsure, lambda det, cand: self._confirm(det, rgb, cand))
        self.detector_calls += len(unsure)
        rejected = {id(c) for c, ok in zip(unsure, verdicts, strict=True) if not ok}
        return [det for det in detections if id(det) not in rejected]

    def _detect_tile(
        self, detector: Any, rgb: RGB, tile: tuple[int, int, int, int]
    ) -> list[RawDetection]:
        height, width = rgb.shape[:2]
        x, y, w, h = tile
        found = _run_detector(
            detector, rgb[y : y + h, x : x + w], (x, y), self.min_score, f"tile{max(w, h)}"
        )
        return [d for d in found if not _touches_inner_edge(d.box, tile, width, height)]

    def _confirm(self, detector: Any, rgb: RGB, det: RawDetection) -> bool:
        """Re-detect a tile candidate in a crop where it fills about a third of the model input."""
        height, width = rgb.shape[:2]
        side = max(det.box.w, det.box.h) * VERIFY_CROP
        x0 = max(0, int(det.box.cx - side / 2))
        y0 = max(0, int(det.box.cy - side / 2))
        x1 = min(width, int(det.box.cx + side / 2))
        y1 = min(height, int(det.box.cy + side / 2))
        crop = rgb[y0:y1, x0:x1]
        again = _run_detector(detector, crop, (x0, y0), TILE_MIN_SCORE, "verify")
        return any(a.box.iou(det.box) > NMS_IOU for a in again)

    def _segment_and_lines(self, rgb: RGB) -> tuple[npt.NDArray[np.float32], SceneLines | None]:
        confidence = self._segment(rgb)
        return confidence, measure_scene_lines(rgb, confidence)

    def _segment(self, rgb: RGB) -> npt.NDArray[np.float32]:
        result = self._segmenter.segment(_mp_image(rgb))
        conf = np.asarray(result.confidence_masks[-1].numpy_view(), dtype=np.float32)
        if conf.ndim == 3:
            conf = conf[..., 0]
        return np.ascontiguousarray(np.clip(conf, 0.0, 1.0))


def _crop_padded(rgb: RGB, left: int, top: int, side: int) -> Any:
    """A ``side`` x ``side`` PIL crop of ``rgb`` at (left, top), black outside the image."""
    from PIL import Image

    height, width = rgb.shape[:2]
    out = np.zeros((side, side, 3), np.uint8)
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(width, left + side), min(height, top + side)
    if x1 > x0 and y1 > y0:
        out[y0 - top : y1 - top, x0 - left : x1 - left] = rgb[y0:y1, x0:x1]
    return Image.fromarray(out)


def largest_face(analysis: Analysis) -> Face | None:
    return analysis.faces[0] if analysis.faces else None


__all__ = [
    "FaceAnalyzer",
    "RawDetection",
    "iter_tiles",
    "largest_face",
    "merge_detections",
    "tile_origins",
    "tile_sizes",
]
