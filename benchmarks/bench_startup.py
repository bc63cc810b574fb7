"""How fast Headroom's command line starts and answers, each run a fresh process, against autocrop.

    .venv/bin/python benchmarks/bench_startup.py [--repeat N] [--photos DIR]

Times (medians of interleaved runs, wall clock of the whole process):

- ``app.py --help`` (target: under 0.3 s);
- ``app.py suggest PHOTO --json`` on a 512 x 512 photo made from matplotlib's Grace Hopper;
- ``autocrop PHOTO -o OUT`` on the same photo, when autocrop is installed (``pip install
  '.[bench]'``; a benchmark extra, never a runtime dependency), and the ratio of the two
  (target: at most 1.0x);
- with ``--photos DIR``: the same two commands once per photo of DIR, and the ratio of the sums.

Every process gets the same environment minus ``PYTHONDONTWRITEBYTECODE``, so both tools run from
compiled bytecode as on an installed machine (one warm-up run of each writes it). The machine's load
average is printed: on a shared machine compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png"}


def make_small_photo(path: Path) -> Path:
    import matplotlib
    from PIL import Image

    src = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    with Image.open(src) as im:
        im.convert("RGB").resize((512, 512), Image.Resampling.LANCZOS).save(path, quality=90)
    return path


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def timed(cmd: list[str], env: dict[str, str], check: bool = True) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if check and done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr.decode(errors='replace')}")
    return elapsed


def headroom_suggest(photo: Path) -> list[str]:
    return [sys.executable, str(ROOT / "app.py"), "suggest", str(photo), "--json"]


def autocrop_command(photo: Path, out: Path) -> list[str] | None:
    exe = shutil.which("autocrop", path=os.pathsep.join([str(Path(sys.executable).parent)]))
    exe = exe or shutil.which("autocrop")
    return None if exe is None else [exe, str(photo), "-o", str(out)]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--photos", type=Path, help="also time one run per photo of this folder")
    args = parser.parse_args()
    env = environment()
    print(f"{load()}; {args.repeat} interleaved runs each (medians)")
    with tempfile.TemporaryDirectory() as tmp:
        photo = make_small_photo(Path(tmp) / "hopper_512.jpg")
        out = Path(tmp) / "autocrop_out.jpg"
        help_cmd = [sys.executable, str(ROOT / "app.py"), "--help"]
        autocrop = autocrop_command(photo, out)
        if autocrop is None:
            print("autocrop is not installed (pip install '.[bench]'): Headroom alone")
        # Warm-up: bytecode written, files in the page cache, models installed.
        timed(headroom_suggest(photo), env)
        if autocrop is not None:
            timed(autocrop, env)
        helps, suggests, autocrops, ratios = [], [], [], []
        for _ in range(args.repeat):
            helps.append(timed(help_cmd, env))
            suggests.append(timed(headroom_suggest(photo), env))
            if autocrop is not None:
                autocrops.append(timed(autocrop, env))
                ratios.append(suggests[-1] / autocrops[-1])
        med = statistics.median
        print(f"app.py --help                     {med(helps):6.3f} s   (target < 0.3 s)")
        print(f"app.py suggest 512x512 --json     {med(suggests):6.3f} s")
        if autocrop is not None:
            print(f"autocrop 512x512                  {med(autocrops):6.3f} s")
            print(
                f"suggest / autocrop                {med(ratios):6.2f} x "
                "(median of per-run ratios; target <= 1.0)"
            )
        if args.photos is not None:
            photos = sorted(p for p in args.photos.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)
            ours = theirs = 0.0
            for p in photos:
                ours += timed(headroom_suggest(p), env)
                theirs_cmd = autocrop_command(p, out)
                if theirs_cmd is not None:  # autocrop exits non-zero when it finds no face
                    theirs += timed(theirs_cmd, env, check=False)
            print(f"{len(photos)} photos of {args.photos}: suggest {ours:.2f} s", end="")
            print(f", autocrop {theirs:.2f} s ({ours / theirs:.2f}x)" if autocrop else "")
    print(load())
    return 0


if __name__ == "__main__":
    sys.exit(main())
