"""``python app.py presets [--json]``: list the export presets (built-in plus the user's file)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from core.presets import load_presets, user_presets_file


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the presets as a JSON list")
    parser.add_argument(
        "--user-file",
        type=Path,
        default=None,
        help=f"user presets file to merge (default: {user_presets_file()})",
    )


def run(args: argparse.Namespace) -> int:
    book = load_presets(args.user_file) if args.user_file is not None else load_presets()
    if args.json:
        print(json.dumps([p.to_json() for p in book], indent=2))
        return 0
    for group, presets in book.by_group().items():
        print(f"{group}:")
        for p in presets:
            size = f"{p.width} x {p.height} px"
            if p.physical:
                size += f" ({p.physical} at {p.ppi} ppi)"
            extras = [f"{p.genre} {p.framing}", p.format]
            if p.circle:
                extras.append("circle")
            if p.max_bytes:
                extras.append(f"<= {p.max_bytes // 1000} KB")
            print(f"  {p.id:<20} {p.name:<32} {size:<40} {', '.join(extras)}")
    print(f"\nsources: {', '.join(str(s) for s in book.sources)}")
    return 0
