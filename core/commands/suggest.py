"""``python app.py suggest PHOTO [--json] [--subject N]``: headshot, portrait, group and ID crop
suggestions for one photo.

Boxes are ``[x, y, w, h]`` in upright original-image pixels (EXIF orientation applied). A suggestion
with a non-zero ``angle_deg`` levels the eyes: its box is in the frame of the photo rotated
counter-clockwise by ``angle_deg`` about its centre with the canvas size kept (as Pillow's
``Image.rotate(angle_deg)``). The JSON is the ``detect`` output plus ``"suggestions"``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from core.faces import Analysis
from core.suggestion import Suggestion

EPILOG = (
    "Boxes are x,y,w,h in upright original pixels (EXIF orientation applied). When "
    "angle_deg is not 0 the box is in the frame of the photo rotated counter-clockwise by "
    "angle_deg about its centre, canvas size kept (Pillow Image.rotate). Subjects are "
    "numbered from 0, the main subject first (a person, sharp, frontal, large)."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("photo", type=Path, help="photo file (JPEG, PNG, HEIC, TIFF, WebP...)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--subject",
        type=int,
        default=None,
        metavar="N",
        help="face to frame, numbered from 0 (main subject first); default 0",
    )


def format_table(analysis: Analysis, suggestions: list[Suggestion]) -> str:
    lines = [
        f"{analysis.path}: {analysis.width} x {analysis.height} px, {len(analysis.faces)} face(s), "
        f"{len(suggestions)} suggestion(s)"
    ]
    if not analysis.faces:
        lines.append("  no face found: no crop to suggest")
        return "\n".join(lines)
    lines.append(f"  {'id':<34} {'box x,y,w,h':<22} {'angle':>6} {'score':>5}  warnings")
    for s in suggestions:
        box = ",".join(str(v) for v in s.box.as_list())
        warn = "; ".join(w.code for w in s.warnings) or "-"
        lines.append(f"  {s.id:<34} {box:<22} {s.angle_deg:>6.1f} {s.score:>5.2f}  {warn}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from core.detection import FaceAnalyzer

    with FaceAnalyzer() as analyzer:
        analyzer.preload()  # the models build while the framing code imports and the photo decodes
        from core.framing import suggest_all
        from core.photo import load_photo

        photo = load_photo(args.photo)
        analysis = analyzer.analyze(photo)
    suggestions = suggest_all(analysis, subject=args.subject)
    if args.json:
        data = analysis.to_json()
        data["suggestions"] = [s.to_json() for s in suggestions]
        print(json.dumps(data, indent=2))
    else:
        print(format_table(analysis, suggestions))
    return 0
