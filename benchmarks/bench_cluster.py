"""Batch export on a local Dask cluster against the local process pool (by hand; prints numbers).

    .venv/bin/python benchmarks/bench_cluster.py [--photos 24] [--small 8] [--presets id,id,id]

The photos are bench_batch's camera-sized JPEGs (12-24 MP, made from the packaged real photos).
For ``--workers 2`` (the local pool) and ``--cluster local:2`` (a LocalCluster of 2 worker
processes, started and stopped by the command) it times ``app.py export`` in a fresh process, as a
photographer runs it, on ``--small`` photos and on ``--photos`` photos (best of ``--repeat``):

- whole command: photos/s, and the cluster's time over the pool's (the scheduler's overhead; the
  aim is under 1.15x);
- the steady cost of a photo, ``(t_big - t_small) / (big - small)``: start-up cancels out; times 2
  worker processes it is the core-seconds a photo costs on a worker;
- start-up: what is left of ``t_small``.

From the cluster's core-seconds per photo it projects a 100,000-photo job onto N machines, and says
how many bytes of output per photo travel to the machine that writes them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import DEFAULT_PRESETS, free_cores, load_average, make_batch

REPO = Path(__file__).resolve().parent.parent
WORKERS = 2
JOB = 100_000


def timed_export(photos: list[Path], presets: list[str], out: Path, runner: list[str]) -> float:
    """Wall time of ``app.py export`` over ``photos`` in a fresh process."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, str(REPO / "app.py"), "export", *map(str, photos), "--out", str(out)]
    for preset in presets:
        command += ["--preset", preset]
    command += [*runner, "--no-sidecars", "--json"]
    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    wall = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"export failed ({run.returncode}): {run.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(run.stdout)
    if report["summary"]["done"] != len(photos):
        raise SystemExit(f"not every photo was exported: {report['summary']}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=24)
    parser.add_argument("--small", type=int, default=8)
    parser.add_argument("--presets", default=DEFAULT_PRESETS)
    parser.add_argument("--repeat", type=int, default=2, help="rounds; the fastest is reported")
    parser.add_argument(
        "--folder", type=Path, default=Path(tempfile.gettempdir()) / "headroom-bench-batch"
    )
    args = parser.parse_args()
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise SystemExit("needs the cluster extra: pip install -e '.[cluster]'") from None

    presets = args.presets.split(",")
    photos = make_batch(args.folder / "photos", args.photos)
    small = photos[: args.small]
    print(
        f"{len(photos)} photos (12-24 MP JPEGs), presets {', '.join(presets)}; "
        f"load {load_average()}, free cores {free_cores():.2f}"
    )
    runners = {"pool": ["--workers", str(WORKERS)], "cluster": ["--cluster", f"local:{WORKERS}"]}
    best: dict[tuple[str, int], float] = {}
    out = args.folder / "out"
    for _round in range(args.repeat):
        # Interleaved, so a busier moment of a shared machine hits both alike.
        for batch in (small, photos):
            for name, runner in runners.items():
                wall = timed_export(batch, presets, out, runner)
                key = (name, len(batch))
                best[key] = min(best.get(key, wall), wall)
    bytes_per_photo = sum(p.stat().st_size for p in out.iterdir()) / len(photos)
    shutil.rmtree(out, ignore_errors=True)

    n, s = len(photos), len(small)
    print(f"\n{'':8} {'small':>9} {'big':>9} {'photos/s':>9} {'s/photo':>8} {'start':>7}")
    steady: dict[str, float] = {}
    for name in runners:
        t_small, t_big = best[(name, s)], best[(name, n)]
        steady[name] = (t_big - t_small) / (n - s)
        start = t_small - s * steady[name]
        print(
            f"{name:8} {t_small:8.2f}s {t_big:8.2f}s {n / t_big:9.2f} {steady[name]:8.3f} "
            f"{start:6.2f}s"
        )
    ratio = best[("cluster", n)] / best[("pool", n)]
    print(
        f"\ncluster / pool, whole command on {n} photos: {ratio:.2f}x; "
        f"steady per photo: {steady['cluster'] / steady['pool']:.2f}x"
    )
    core_s = steady["cluster"] * WORKERS
    print(
        f"a photo costs {core_s:.2f} core-seconds on a worker; {bytes_per_photo / 1e3:.0f} KB of "
        "output per photo travel to the writing machine"
    )
    print(f"\n{JOB:,} photos projected (no start-up; the writing machine receives the outputs):")
    for machines, cores in ((1, 2), (4, 8), (16, 8), (64, 8)):
        rate = machines * cores / core_s
        hours = JOB / rate / 3600
        print(
            f"  {machines:3d} machines x {cores} cores: {rate:7.1f} photos/s, {hours:6.2f} h, "
            f"{rate * bytes_per_photo / 1e6:6.1f} MB/s into the writing machine"
        )


if __name__ == "__main__":
    main()
