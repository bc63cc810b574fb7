"""Large resamplings split into horizontal strips that run on threads.

Pillow lets go of the GIL while it resizes or transforms, so a print-sized output (a 16 x 20 in
print is 29 megapixels) resampled as two strips keeps both cores busy instead of one. Each strip is
computed with the same filter positions as the whole (a strip of a ``resize`` is the same ``box``
cut at the strip's rows; a strip of an affine transform is the same mapping shifted down). A
transform's strips differ from the single call only by float rounding (one level in a few pixels
per million); a resize's by at most two levels (measured: 0.015 % of the values of a 24 MP JPEG,
5 % of a smooth upscaled portrait's), since Pillow may run a strip's two passes in the other order,
rounding in between. Neither is visible.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from PIL import Image

#: Outputs smaller than this (pixels) are resampled in one call: threads would cost more than
#: they save (an avatar takes a few milliseconds).
MIN_STRIP_OUTPUT_PIXELS = 1_500_000
#: Strips hold about this many pixels, so that the strips waiting to be pasted add little to the
#: peak memory (a 29 MP print in two halves would hold a second print's worth).
STRIP_PIXELS = 2_000_000
#: At most this many threads work on one output.
MAX_THREADS = 4

_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
#: Threads this process may give one output (None: one per core). A batch's worker processes,
#: which already keep every core busy, are given one: strips would only add work (a 2400 x 3000
#: print from a 24 MP photo: 215 ms of CPU in strips against 150 ms in one call, measured).
_budget: int | None = None


def set_thread_budget(threads: int | None) -> None:
    """Let one resampling use at most ``threads`` threads in this process (None: one per core,
    up to ``MAX_THREADS``). With 1 every output is one call: its pixels may differ from the
    strips' by the rounding described above."""
    global _budget
    _budget = None if threads is None else max(1, int(threads))


def _threads() -> int:
    cores = min(os.cpu_count() or 1, MAX_THREADS)
    return cores if _budget is None else min(cores, _budget)


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(MAX_THREADS, thread_name_prefix="headroom-strip")
        return _pool


def _in_strips(
    mode: str, size: tuple[int, int], strip: Callable[[int, int], Image.Image]
) -> Image.Image:
    """``strip(top, bottom)`` renders output rows [top, bottom); the strips pasted together, each
    as soon as it is done, with at most ``_threads()`` strips being rendered at a time."""
    width, height = size
    threads = _threads()
    if threads < 2 or width * height < MIN_STRIP_OUTPUT_PIXELS:
        return strip(0, height)
    count = max(threads, min(height // 16, round(width * height / STRIP_PIXELS)))
    bounds = [round(height * k / count) for k in range(count + 1)]
    out = Image.new(mode, size)
    pending: deque[tuple[int, Future[Image.Image]]] = deque()
    for top, bottom in itertools.pairwise(bounds):
        pending.append((top, _executor().submit(strip, top, bottom)))
        if len(pending) >= threads:
            done_top, done = pending.popleft()
            out.paste(done.result(), (0, done_top))
    for done_top, done in pending:
        out.paste(done.result(), (0, done_top))
    return out


def resize(
    image: Image.Image,
    size: tuple[int, int],
    box: tuple[float, float, float, float],
    resample: Image.Resampling = Image.Resampling.LANCZOS,
) -> Image.Image:
    """``image.resize(size, resample, box=box)``, in strips for a large output."""
    left, top, right, bottom = box
    rows_per_px = (bottom - top) / size[1]

    def strip(v0: int, v1: int) -> Image.Image:
        edges = (left, top + v0 * rows_per_px, right, top + v1 * rows_per_px)
        return image.resize((size[0], v1 - v0), resample, box=edges)

    return _in_strips(image.mode, size, strip)


def affine(
    image: Image.Image,
    size: tuple[int, int],
    coeffs: tuple[float, float, float, float, float, float],
    resample: Image.Resampling,
    fill: tuple[int, ...] | float,
) -> Image.Image:
    """``image.transform(size, AFFINE, coeffs, resample, fillcolor=fill)``, in strips for a large
    output: output row ``v`` of a strip starting at ``v0`` is row ``v0 + v`` of the whole."""
    a, b, c, d, e, f = coeffs

    def strip(v0: int, v1: int) -> Image.Image:
        shifted = (a, b, c + b * v0, d, e, f + e * v0)
        return image.transform(
            (size[0], v1 - v0), Image.Transform.AFFINE, shifted, resample=resample, fillcolor=fill
        )

    return _in_strips(image.mode, size, strip)
