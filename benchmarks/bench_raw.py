"""Opening a camera raw against opening the same picture as a JPEG (run by hand; prints numbers,
asserts nothing).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_raw.py

Makes a 6000 x 4000 picture from the shared 24 MP photo (or skimage's astronaut), writes it as a
camera-style JPEG (quality 92) and as a 12-bit Bayer DNG (pidng; no embedded preview, so the raw
path is the half-size demosaic, the slower of its two), then times what the app does on opening
(``load_photo_and_preview``: analysis image + screen preview), and the full develop that export
uses, in the same run. Best of several runs, milliseconds, with the ratio raw / JPEG.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image

from core.photo import load_photo_and_preview, open_upright
from core.photo.raw import RawGeometry, fit_embedded_preview

SHARED_24MP = Path(__file__).resolve().parents[2] / "shared" / "photos" / "immich_craft-beer.jpg"


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench_decode import best_ms  # benchmarks/ is on sys.path when run as a script

    from tests.raw_samples import write_dng

    if SHARED_24MP.is_file():
        source = Image.open(SHARED_24MP).convert("RGB").resize((6000, 4000))
    else:
        import skimage.data

        source = Image.fromarray(skimage.data.astronaut()).resize((6000, 4000))
    with tempfile.TemporaryDirectory() as folder:
        jpeg = Path(folder) / "shot.jpg"
        source.save(jpeg, quality=92)
        raw = write_dng(source, Path(folder) / "shot.dng")
        rows = [
            ("open (analysis + 1600 px preview)", lambda p: load_photo_and_preview(p, 1600)),
            ("full decode / develop for export", open_upright),
        ]
        print(f"{'':36} {'JPEG ms':>9} {'raw ms':>9} {'ratio':>6}")
        for label, action in rows:
            j = best_ms(lambda a=action: a(jpeg))
            r = best_ms(lambda a=action: a(raw))
            print(f"{label:36} {j:9.0f} {r:9.0f} {r / j:6.2f}")
        # A camera raw usually carries a full-size JPEG preview: that path decodes it (DCT-scaled)
        # instead of demosaicing. Timed here on the same JPEG's bytes (the DNG above has none).
        data = jpeg.read_bytes()
        geometry = RawGeometry(stored_size=(6000, 4000), orientation=1)
        j = best_ms(lambda: load_photo_and_preview(jpeg, 1600))
        e = best_ms(lambda: fit_embedded_preview(data, geometry, 1600))
        print(f"{'embedded-preview path (1600 px)':36} {j:9.0f} {e:9.0f} {e / j:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
