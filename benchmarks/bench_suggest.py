"""CPU time of one photo's full set of suggestions (``suggest_all``), against another checkout.

    .venv/bin/python benchmarks/bench_suggest.py [--repeat N] [--baseline CHECKOUT] [PHOTO ...]

Analyses each photo once (default: the shared group photos, where framing work grows with the
number of faces: every one-person crop keeps the others' heads out of its edges), then times
``suggest_all`` on a fresh copy of the analysis each time (nothing remembered from an earlier
call), as process CPU time so the figure holds up on a busy machine. With ``--baseline`` the same
measurement runs, alternating, in a subprocess on that checkout's code, and the ratio is printed
(below 1.0: this checkout is faster).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")
REPO = Path(__file__).resolve().parent.parent

SHARED = REPO.parent / "shared" / "photos"
DEFAULT_PHOTOS = [
    SHARED / "immich_solvay.jpg",
    SHARED / "dev" / "mmpose_7_cheering_cheering_7_16.jpg",
    SHARED / "dev" / "pytorch-retinaface_test.jpg",
    SHARED / "skimage_astronaut.png",
]


def measure(photos: list[Path], repeat: int) -> dict[str, float]:
    """Median CPU ms of ``suggest_all`` per photo, with this process's ``core`` package."""
    from core.detection import FaceAnalyzer
    from core.framing import suggest_all

    out: dict[str, float] = {}
    with FaceAnalyzer() as analyzer:
        for path in photos:
            analysis = analyzer.analyze_path(path)[1]
            times = []
            for _ in range(repeat):
                fresh = dataclasses.replace(analysis)
                t = time.process_time()
                suggest_all(fresh)
                times.append(time.process_time() - t)
            out[path.name] = 1000.0 * statistics.median(times)
    return out


def run_in(checkout: Path, photos: list[Path], repeat: int) -> dict[str, float]:
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2]);"
        "import bench_suggest as b; from pathlib import Path;"
        "print(json.dumps(b.measure([Path(p) for p in sys.argv[4:]], int(sys.argv[3]))))"
    )
    env = dict(os.environ, PYTHONPATH=str(checkout))
    done = subprocess.run(
        [sys.executable, "-c", code, str(checkout), str(REPO / "benchmarks"), str(repeat)]
        + [str(p) for p in photos],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("photos", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=2, help="alternations with the baseline")
    parser.add_argument("--baseline", type=Path, help="another checkout to compare against")
    args = parser.parse_args()
    photos = args.photos or [p for p in DEFAULT_PHOTOS if p.exists()]
    if not photos:
        sys.exit("no photos: pass some, or put ../shared/photos beside the checkout")
    print(f"load {os.getloadavg()[0]:.1f}")
    ours: dict[str, list[float]] = {}
    base: dict[str, list[float]] = {}
    for _ in range(args.rounds if args.baseline else 1):
        if args.baseline:
            for name, ms in run_in(args.baseline, photos, args.repeat).items():
                base.setdefault(name, []).append(ms)
        for name, ms in run_in(REPO, photos, args.repeat).items():
            ours.setdefault(name, []).append(ms)
    for name, values in ours.items():
        line = f"{name[:40]:40s} {min(values):7.1f} ms"
        if name in base:
            b = min(base[name])
            line += f"   baseline {b:7.1f} ms   ratio {min(values) / b:.2f}"
        print(line)
    print(f"load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
