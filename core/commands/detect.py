"""``python app.py detect PHOTO [--json]``: the faces Headroom finds in one photo.

Coordinates are upright original-image pixels (EXIF orientation applied). The JSON is
``Analysis.to_json()``; without ``--json`` a short table is printed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from core.faces import Analysis


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("photo", type=Path, help="photo file (JPEG, PNG, HEIC, TIFF, WebP...)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def format_table(analysis: Analysis) -> str:
    lines = [
        f"{analysis.path}: {analysis.width} x {analysis.height} px, {len(analysis.faces)} face(s)"
    ]
    if analysis.faces:
        lines.append(
            f"  {'#':>2} {'box x,y,w,h':<24} {'score':>5} {'crown':>7} {'eyes':>7} {'chin':>7}"
            f" {'roll':>6} {'yaw':>6}  crown from"
        )
    for i, f in enumerate(analysis.faces, 1):
        box = ",".join(str(v) for v in f.box.as_list())
        lines.append(
            f"  {i:>2} {box:<24} {f.score:>5.2f} {f.crown_y:>7.0f} {f.eye_line_y:>7.0f}"
            f" {f.chin_y:>7.0f} {f.roll_deg:>6.1f} {f.yaw:>6.2f}  {f.crown_source}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from core.detection import FaceAnalyzer
    from core.photo import load_photo

    with FaceAnalyzer() as analyzer:
        # Installed models build while the photo decodes (an unreadable file still fails before
        # any model is installed: preload only builds models already on disk).
        analyzer.preload()
        photo = load_photo(args.photo)
        analysis = analyzer.analyze(photo)
    if args.json:
        print(json.dumps(analysis.to_json(), indent=2))
    else:
        print(format_table(analysis))
    return 0
