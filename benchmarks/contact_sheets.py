"""Contact sheets of every framing suggestion, for looking at (not a test).

    .venv/bin/python benchmarks/contact_sheets.py [PHOTO ...]

Without arguments it uses the photos in /work/shared/photos (when present), the package photos
(skimage astronaut and camera, matplotlib grace_hopper), a mirrored camera (look room must flip)
and a group photo made from real portraits. Each suggestion is drawn as its crop (rotated when the
suggestion levels the eyes) with the thirds (grey), eye line (green), crown (cyan), chin (red) and
its id, score and warning codes. Sheets go to out/contact_sheets/<photo>.png; timings are printed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PIL import Image, ImageDraw, ImageOps  # noqa: E402

from core.detection import FaceAnalyzer  # noqa: E402
from core.faces import Analysis  # noqa: E402
from core.framing import suggest_all  # noqa: E402
from core.framing.subject import frame_face  # noqa: E402
from core.suggestion import Suggestion  # noqa: E402

OUT = REPO / "out" / "contact_sheets"
TILE = 260
LABEL_H = 58
COLS = 6


def default_photos(tmp: Path) -> list[Path]:
    photos: list[Path] = []
    shared = Path("/work/shared/photos")
    if shared.is_dir():
        photos += sorted(p for p in shared.iterdir() if p.suffix.lower() in (".jpg", ".png"))
    import matplotlib
    import skimage.data

    sk = Path(skimage.data.__file__).parent
    grace = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    if not shared.is_dir():
        photos += [sk / "astronaut.png", sk / "camera.png", grace]
    astronaut = Image.open(sk / "astronaut.png").convert("RGB")
    # Tilted 10 degrees (levelling must not show empty corners) and cut so the face nears an edge.
    beer = shared / "immich_craft-beer.jpg"
    if beer.is_file():
        # A roomy photo tilted 8 degrees: levelling must leave no empty corners.
        tilted = tmp / "craft-beer_tilted.png"
        with Image.open(beer) as im:
            small = im.convert("RGB").resize((1500, 1000), Image.Resampling.LANCZOS)
        small.rotate(-8, resample=Image.Resampling.BICUBIC).crop((90, 90, 1410, 910)).save(tilted)
    else:
        tilted = tmp / "astronaut_tilted.png"
        astronaut.rotate(-10, resample=Image.Resampling.BICUBIC).crop((60, 60, 452, 452)).save(
            tilted
        )
    edge = tmp / "astronaut_face_at_edge.png"
    astronaut.crop((170, 0, 512, 512)).save(edge)
    photos += [tilted, edge]
    mirrored = tmp / "camera_mirrored.png"
    ImageOps.mirror(Image.open(sk / "camera.png")).save(mirrored)
    photos.append(mirrored)
    try:
        from tests.photo_samples import make_group_photo

        group = make_group_photo([sk / "astronaut.png", grace, sk / "camera.png"], stagger=60)
        photos.append(group.save(tmp / "group_made.png"))
    except ImportError:
        pass
    return photos


def render_tile(image: Image.Image, analysis: Analysis, s: Suggestion) -> Image.Image:
    src = image.rotate(s.angle_deg, resample=Image.Resampling.BICUBIC) if s.angle_deg else image
    x, y, w, h = s.box.rounded()
    crop = src.crop((x, y, x + w, y + h))
    scale = min(TILE / max(w, 1), TILE / max(h, 1))
    tw, th = max(1, round(w * scale)), max(1, round(h * scale))
    crop = crop.resize((tw, th), Image.Resampling.LANCZOS)
    tile = Image.new("RGB", (TILE, TILE + LABEL_H), (30, 30, 34))
    ox, oy = (TILE - tw) // 2, (TILE - th) // 2
    tile.paste(crop, (ox, oy))
    d = ImageDraw.Draw(tile)
    for k in (1, 2):
        d.line([(ox + tw * k / 3, oy), (ox + tw * k / 3, oy + th)], fill=(160, 160, 160), width=1)
        d.line([(ox, oy + th * k / 3), (ox + tw, oy + th * k / 3)], fill=(160, 160, 160), width=1)

    def hline(yy: float, colour: tuple[int, int, int]) -> None:
        py = oy + (yy - y) * scale
        if oy - 2 <= py <= oy + th + 2:
            d.line([(ox, py), (ox + tw, py)], fill=colour, width=2)

    subjects = [s.subject] if s.subject is not None else range(len(analysis.faces))
    for i in subjects:
        ff = frame_face(analysis, i, s.angle_deg)
        if s.subject is not None:
            hline(ff.eye.y, (60, 220, 60))
            hline(ff.crown_y, (60, 220, 240))
            hline(ff.chin_y, (240, 60, 60))
        else:
            hb = ff.face_box
            d.rectangle(
                [
                    ox + (hb.left - x) * scale,
                    oy + (ff.crown_y - y) * scale,
                    ox + (hb.right - x) * scale,
                    oy + (ff.chin_y - y) * scale,
                ],
                outline=(60, 220, 240),
            )
    d.rectangle([ox, oy, ox + tw - 1, oy + th - 1], outline=(255, 200, 0))
    codes = ", ".join(c.code for c in s.warnings) or "ok"
    d.text((4, TILE + 2), s.id, fill=(255, 255, 255))
    d.text(
        (4, TILE + 16),
        f"score {s.score:.2f} angle {s.angle_deg:+.1f} {w}x{h}",
        fill=(200, 200, 200),
    )
    d.text((4, TILE + 30), codes[:44], fill=(255, 160, 120))
    d.text((4, TILE + 43), codes[44:88], fill=(255, 160, 120))
    return tile


def sheet(path: Path, analyzer: FaceAnalyzer) -> tuple[Path, int, float, float]:
    t0 = time.perf_counter()
    _photo, analysis = analyzer.analyze_path(path)
    t1 = time.perf_counter()
    suggestions = suggest_all(analysis)
    t2 = time.perf_counter()
    image = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    tiles = [render_tile(image, analysis, s) for s in suggestions]
    rows = max(1, (len(tiles) + COLS - 1) // COLS)
    out = Image.new("RGB", (COLS * TILE, rows * (TILE + LABEL_H) + 24), (18, 18, 20))
    ImageDraw.Draw(out).text(
        (6, 6),
        f"{path.name}: {analysis.width}x{analysis.height}, {len(analysis.faces)} face(s), "
        f"{len(suggestions)} suggestion(s)",
        fill=(255, 255, 255),
    )
    for i, tile in enumerate(tiles):
        out.paste(tile, ((i % COLS) * TILE, 24 + (i // COLS) * (TILE + LABEL_H)))
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"{path.stem}.png"
    out.save(target)
    return target, len(suggestions), t1 - t0, t2 - t1


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp, FaceAnalyzer() as analyzer:
        photos = [Path(a) for a in argv] or default_photos(Path(tmp))
        for p in photos:
            target, n, t_detect, t_frame = sheet(p, analyzer)
            print(
                f"{p.name:<36} {n:>3} suggestions  detect {t_detect * 1000:7.0f} ms  "
                f"framing {t_frame * 1000:7.1f} ms  -> {target.relative_to(REPO)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
