"""Decode-path timings for core.photo (run by hand; prints numbers, asserts nothing).

    .venv/bin/python benchmarks/bench_decode.py [photo ...]

Without arguments it uses the 24 MP shared photo (/work/shared/photos/immich_craft-beer.jpg, a
progressive JPEG) when present, plus a baseline re-encode of it, plus a 6000x4000 PNG and HEIC made
from it; without /work/shared it makes a 6000x4000 JPEG from skimage's astronaut instead.
Each number is the best of several runs, in milliseconds.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from core.photo import (
    ANALYSIS_MAX_SIDE,
    load_photo,
    load_preview,
    open_upright,
    read_image_size,
)

SHARED_24MP = Path("/work/shared/photos/immich_craft-beer.jpg")


def best_ms(action: Callable[[], object], runs: int = 5) -> float:
    action()  # warm the file cache and any lazy imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def plain_decode(path: Path) -> None:
    with Image.open(path) as image:
        image.load()


def draft_decode(path: Path, scale: int) -> None:
    with Image.open(path) as image:
        image.draft("RGB", (image.width // scale, image.height // scale))
        image.load()


def report(path: Path) -> None:
    with Image.open(path) as image:
        described = f"{image.format} {image.mode} {image.width}x{image.height}"
        progressive = bool(image.info.get("progressive"))
        is_jpeg = image.format in ("JPEG", "MPO")
    size_mb = path.stat().st_size / 1e6
    print(f"\n{path.name}: {described}{' progressive' if progressive else ''}, {size_mb:.1f} MB")
    rows: list[tuple[str, float]] = [("Pillow full decode", best_ms(lambda: plain_decode(path)))]
    if is_jpeg:
        for scale in (2, 4):
            rows.append(
                (f"Pillow draft 1/{scale} decode", best_ms(lambda s=scale: draft_decode(path, s)))
            )
    photo = load_photo(path)
    rows += [
        (
            f"load_photo -> {photo.analysis_rgb.shape[1]}x{photo.analysis_rgb.shape[0]}",
            best_ms(lambda: load_photo(path)),
        ),
        ("load_preview(1024)", best_ms(lambda: load_preview(path, 1024))),
        ("load_preview(256)", best_ms(lambda: load_preview(path, 256))),
        ("read_image_size", best_ms(lambda: read_image_size(path))),
        ("open_upright (full size)", best_ms(lambda: open_upright(path), runs=3)),
    ]
    for name, ms in rows:
        print(f"  {name:<32} {ms:8.1f} ms")


def default_photos(folder: Path) -> list[Path]:
    if SHARED_24MP.exists():
        source = SHARED_24MP
        with Image.open(source) as opened:
            rgb = opened.convert("RGB")
    else:
        import skimage.data

        with Image.open(Path(skimage.data.__file__).parent / "astronaut.png") as opened:
            rgb = opened.convert("RGB").resize((6000, 4000), Image.Resampling.BICUBIC)
        source = folder / "astronaut_6000x4000.jpg"
        rgb.save(source, quality=92, progressive=True)
    baseline = folder / "baseline_6000x4000.jpg"
    rgb.save(baseline, quality=92)
    png = folder / "6000x4000.png"
    rgb.save(png, compress_level=1)
    photos = [source, baseline, png]
    try:
        heic = folder / "6000x4000.heic"
        rgb.save(heic, quality=90)
        photos.append(heic)
    except (OSError, ValueError, KeyError) as exc:
        print(f"(no HEIC: {exc})")
    return photos


def main(argv: list[str]) -> int:
    print(f"ANALYSIS_MAX_SIDE = {ANALYSIS_MAX_SIDE}")
    with tempfile.TemporaryDirectory(prefix="headroom-bench-") as tmp:
        photos = [Path(arg) for arg in argv] or default_photos(Path(tmp))
        for path in photos:
            report(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
