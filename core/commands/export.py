"""``python app.py export PHOTO_OR_FOLDER... --preset ID [--preset ID ...] --out DIR``.

Each photo gets its own face detection and crops (a saved sidecar crop wins unless --suggestion or
--consistent is given), is rendered once per preset and written atomically. Photos without a face
are skipped with the reason; unreadable ones fail with the reason; exit code 1 if any failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from core.batch import BatchItem, BatchResult, run_batch
from core.errors import ExportError, FramingError
from core.export import DEFAULT_NAME_TEMPLATE, ExportOptions
from core.export.tiff16 import COLOUR_SPACES
from core.framing.house_style import HouseStyle
from core.paths import display_text
from core.presets import FORMATS, load_presets
from core.process_guard import StopRequests


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", type=Path, metavar="PHOTO_OR_FOLDER")
    parser.add_argument(
        "--preset",
        action="append",
        required=True,
        dest="presets",
        metavar="ID",
        help="preset id or group (social, print, id, custom); repeat for several",
    )
    parser.add_argument(
        "--out", type=_folder, required=True, help="output folder (created if missing)"
    )
    parser.add_argument(
        "--suggestion", default=None, metavar="ID", help="use this suggestion id for every photo"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="override presets' format (tiff: 16-bit RGB TIFF for retouching)",
    )
    parser.add_argument(
        "--tiff-colour",
        choices=COLOUR_SPACES,
        default="srgb",
        help="colour space of TIFF outputs, its profile embedded (default srgb)",
    )
    parser.add_argument(
        "--quality", type=int, default=ExportOptions.quality, help="JPEG/WebP 1-100"
    )
    parser.add_argument("--keep-metadata", action="store_true", help="keep GPS, serials and XMP")
    parser.add_argument("--overwrite", action="store_true", help="replace existing files")
    parser.add_argument(
        "--consistent",
        action="store_true",
        help="same eye line and head size in every headshot of the set",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: by photo count)"
    )
    parser.add_argument(
        "--cluster",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask cluster: a scheduler address (tcp://host:8786) or local:N "
        "(N worker processes here); needs pip install -e '.[cluster]'",
    )
    parser.add_argument(
        "--name",
        default=DEFAULT_NAME_TEMPLATE,
        help="file name template: {stem} {preset} {width} {height} {ext} {index}",
    )
    parser.add_argument(
        "--no-sidecars", action="store_true", help="ignore saved crops (Headroom's and XMP)"
    )
    parser.add_argument(
        "--style",
        default=None,
        metavar="NAME",
        help="frame every photo in this saved house style (photos that cannot meet it are "
        "skipped with the reason)",
    )
    parser.add_argument(
        "--like",
        type=Path,
        default=None,
        metavar="PHOTO",
        help="frame every photo like PHOTO's saved crop (its Headroom sidecar or XMP crop)",
    )
    parser.add_argument(
        "--save-style",
        default=None,
        metavar="NAME",
        help="with --like: also save that framing as house style NAME for later --style",
    )
    parser.add_argument(
        "--xmp",
        action="store_true",
        help="also write each crop into the photo's XMP sidecar for Lightroom / Camera Raw "
        "(IMG_1.CR3 -> IMG_1.xmp; merged into an existing one; a different crop there is kept "
        "unless --overwrite)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout")


def _folder(text: str) -> Path:
    # Path("") is ".": an empty --out (an unset shell variable) must not mean "here".
    if not text.strip():
        raise argparse.ArgumentTypeError("the output folder is empty; name a folder")
    return Path(text)


def collect_sources(inputs: list[Path]) -> list[Path]:
    from core.photo import list_photos

    sources: list[Path] = []
    for item in inputs:
        if item.is_dir():
            found = list_photos(item)
            if not found:
                raise ExportError(f"{item}: no photos in this folder")
            sources.extend(found)
        elif item.exists():
            sources.append(item)
        else:
            raise ExportError(f"{item}: no such file or folder")
    return sources


def default_workers(photos: int) -> int:
    # Worker processes pay ~2 s each to start MediaPipe: worth it from a handful of photos on.
    if photos < 4:
        return 1
    return max(1, min(os.cpu_count() or 1, 4, photos))


def house_style(args: argparse.Namespace) -> HouseStyle | None:
    """The style asked for with --style or --like (saved with --save-style); None for neither."""
    from core.styles import load_style, save_style

    flags = (
        ("--style", args.style),
        ("--like", args.like),
        ("--consistent", args.consistent),
        ("--suggestion", args.suggestion),
    )
    chosen = [flag for flag, value in flags if value]
    if len(chosen) > 1 and ("--style" in chosen or "--like" in chosen):
        raise ExportError(f"choose one of {' and '.join(chosen)}: each decides the framing")
    if args.save_style and args.like is None:
        raise ExportError("--save-style needs --like PHOTO (the example to measure)")
    if args.style:
        return load_style(args.style)
    if args.like is None:
        return None
    style = style_like(Path(args.like), args.save_style or f"like {Path(args.like).stem}")
    if args.save_style:
        print(f"saved house style {style.name!r} ({style.describe()}) to {save_style(style)}")
    return style


def style_like(example: Path, name: str) -> HouseStyle:
    """The house style of ``example``'s saved crop (FramingError when it has none)."""
    from core.detection import FaceAnalyzer
    from core.framing.house_style import measure_style
    from core.starting_crop import saved_crop

    with FaceAnalyzer() as analyzer:
        loaded, analysis = analyzer.analyze_path(example)
    found = saved_crop(example, (loaded.width, loaded.height), loaded.orientation)
    if found is None:
        raise FramingError(
            f"{example} has no saved crop to copy: crop it in the app (or Lightroom) first"
        )
    return measure_style(analysis, found[0], name)


def run(args: argparse.Namespace) -> int:
    book = load_presets()
    presets = book.resolve(args.presets)
    sources = collect_sources(list(args.inputs))
    options = ExportOptions(
        format=args.format,
        quality=args.quality,
        keep_metadata=args.keep_metadata,
        overwrite=args.overwrite,
        name_template=args.name,
        tiff_colour=args.tiff_colour,
    )
    style = house_style(args)
    workers = args.workers if args.workers is not None else default_workers(len(sources))
    bar = None if args.json else ProgressBar(sys.stderr, len(sources))
    cancel = threading.Event()

    def stopping(_signum: int) -> None:
        print(
            "\nstopping: no new photo starts; the ones being written finish (again to stop now)",
            file=sys.stderr,
        )

    with StopRequests(cancel, stopping) as stop:
        try:
            result = run_batch(
                sources,
                presets,
                args.out,
                options,
                workers=workers,
                consistent=args.consistent,
                suggestion_id=args.suggestion,
                use_sidecars=not args.no_sidecars,
                progress=bar.update if bar else None,
                cancel=cancel,
                cluster=args.cluster,
                write_xmp=args.xmp,
                style=style,
            )
        except KeyboardInterrupt:
            print("\ninterrupted; files already written are complete", file=sys.stderr)
            return 130
    if bar is not None:
        bar.finish()
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print_summary(result, sys.stdout)
    print_errors(result, sys.stderr)
    if stop.signal is not None:
        return stop.exit_code
    return 1 if result.failed else 0


def print_summary(result: BatchResult, out: TextIO) -> None:
    for item in result.items:
        for written in item.written:
            print(
                f"wrote {written.path} ({written.width} x {written.height}, {written.bytes} bytes)",
                file=out,
            )
            for check in item.checks_of(written):
                print(f"  {check.severity}: {check.message}", file=out)
    for shared in result.shared.values():
        print(
            f"consistent {shared.preset}: eye line at {shared.eye_from_top:.1%} from the top, "
            f"head {shared.head_share:.1%} of the height (median of {shared.photos} photos)",
            file=out,
        )
    for item in result.done:
        for _preset, reason in item.unframed:
            print(display_text(f"skipped {item.source}: {reason}"), file=out)
        if item.xmp is not None:
            print(f"{item.source.name}: {item.xmp}", file=out)
    for item in result.skipped:
        print(display_text(f"skipped {item.source}: {item.reason}"), file=out)
    print(
        f"{len(result.done)} done, {len(result.skipped)} skipped, {len(result.failed)} failed; "
        f"{len(result.written)} files",
        file=out,
    )


def print_errors(result: BatchResult, err: TextIO) -> None:
    """One ``error:`` line per photo that failed (its reason names the file)."""
    for item in result.failed:
        reason = item.reason or "failed"
        shown = reason if item.source.name in reason else f"{item.source}: {reason}"
        print(f"error: {display_text(shown)}", file=err)


class ProgressBar:
    """A one-line text progress bar on a terminal stream (plain lines when not a terminal)."""

    def __init__(self, stream: TextIO, total: int, width: int = 30) -> None:
        self.stream = stream
        self.total = max(1, total)
        self.width = width
        self.started = time.monotonic()
        self.tty = stream.isatty()

    def update(self, done: int, total: int, item: BatchItem) -> None:
        filled = int(self.width * done / max(1, total))
        rate = done / max(1e-6, time.monotonic() - self.started)
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} "
            f"{rate:.2f} photos/s  {item.status} {display_text(item.source.name)}"
        )
        if self.tty:
            self.stream.write("\r\x1b[2K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
