"""Preview panel and filmstrip costs on a large photo (run by hand; prints numbers only).

    .venv/bin/python benchmarks/bench_preview.py [photo] [--presets id,id,...]

Measures, in the worker code the GUI runs: the one full-resolution decode per photo, then one
preview update (every selected preset re-rendered from the cached decode), which is what each
finished crop drag costs; and a filmstrip thumbnail decode.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.crop_session import CropState
from core.geometry import Box
from core.photo import load_preview, read_image_size
from core.presets import load_presets
from ui.filmstrip import THUMB_SIDE
from ui.preview_render import FullImageCache, PreviewRequest, render_previews

DEFAULT_PHOTO = Path("/work/shared/photos/immich_craft-beer.jpg")
DEFAULT_PRESETS = "linkedin-profile,instagram-portrait,x-profile,print-8x10"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photo", nargs="?", type=Path, default=DEFAULT_PHOTO)
    parser.add_argument("--presets", default=DEFAULT_PRESETS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    book = load_presets(None)
    presets = tuple(book.require(p) for p in args.presets.split(","))
    width, height = read_image_size(args.photo)
    side = min(width, height) * 0.6
    cache = FullImageCache()
    print(
        f"photo {args.photo.name}: {width} x {height}; presets: {', '.join(p.id for p in presets)}"
    )

    start = time.perf_counter()
    cache.get(args.photo)
    print(f"full-resolution decode (once per photo): {time.perf_counter() - start:.3f} s")

    times = []
    for i in range(args.repeat):
        # A slightly different crop each time, as after each finished drag.
        box = Box(width * 0.2 + i * 7, height * 0.1 + i * 5, side, side)
        request = PreviewRequest(args.photo, CropState(box=box, aspect=(1, 1)), presets)
        start = time.perf_counter()
        render_previews(request, cache)
        times.append(time.perf_counter() - start)
    print(
        f"preview update ({len(presets)} presets, cached decode): median "
        f"{statistics.median(times):.3f} s, min {min(times):.3f} s over {args.repeat}"
    )
    for preset in presets:
        request = PreviewRequest(
            args.photo,
            CropState(box=Box(width * 0.2, height * 0.1, side, side), aspect=(1, 1)),
            (preset,),
        )
        start = time.perf_counter()
        render_previews(request, cache)
        print(
            f"  {preset.id:22s} {preset.width:5d} x {preset.height:<5d} "
            f"{time.perf_counter() - start:.3f} s"
        )
    print(f"decodes: {cache.decodes}")

    start = time.perf_counter()
    load_preview(args.photo, THUMB_SIDE)
    print(f"filmstrip thumbnail ({THUMB_SIDE} px): {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
