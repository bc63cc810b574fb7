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
- start-up: what is left of ``t_small``;
- the same in CPU time of every process involved, which a busy machine does not change: the
  steady CPU seconds of a photo on the cluster is what the projection uses.

From the cluster's core-seconds per photo it projects a 100,000-photo job onto N machines, and says
how many bytes of output per photo travel to the machine that writes them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import DEFAULT_PRESETS, cpu_seconds, free_cores, load_average, make_batch

REPO = Path(__file__).resolve().parent.parent
WORKERS = 2
JOB = 100_000


def become_subreaper() -> bool:
    """Make the timed commands' orphans this process's children. ``local:N``'s workers are forked
    by Python's fork server, a child of the command that outlives it by a moment: reaped here,
    its CPU time and its workers' count in RUSAGE_CHILDREN like the pool's workers do."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    pr_set_child_subreaper = 36
    return int(ctypes.CDLL(None).prctl(pr_set_child_subreaper, 1, 0, 0, 0)) == 0


def reap_orphans(timeout_s: float = 30.0) -> None:
    """Wait for every process the last command left behind (they stop once it is gone)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)


def timed_export(
    photos: list[Path], presets: list[str], out: Path, runner: list[str]
) -> tuple[float, float]:
    """Wall time and CPU time (all processes: the command, its workers, Dask's scheduler) of
    ``app.py export`` over ``photos`` in a fresh process."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, str(REPO / "app.py"), "export", *map(str, photos), "--out", str(out)]
    for preset in presets:
        command += ["--preset", preset]
    command += [*runner, "--no-sidecars", "--json"]
    started, cpu = time.perf_counter(), cpu_seconds()
    run = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    wall = time.perf_counter() - started
    reap_orphans()
    used = cpu_seconds() - cpu
    if run.returncode != 0:
        raise SystemExit(f"export failed ({run.returncode}): {run.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(run.stdout)
    if report["summary"]["done"] != len(photos):
        raise SystemExit(f"not every photo was exported: {report['summary']}")
    return wall, used


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

    if not become_subreaper():
        print("(not Linux: the CPU time of local:N's workers may be missing)")
    presets = args.presets.split(",")
    photos = make_batch(args.folder / "photos", args.photos)
    small = photos[: args.small]
    print(
        f"{len(photos)} photos (12-24 MP JPEGs), presets {', '.join(presets)}; "
        f"load {load_average()}, free cores {free_cores():.2f}"
    )
    runners = {"pool": ["--workers", str(WORKERS)], "cluster": ["--cluster", f"local:{WORKERS}"]}
    best: dict[tuple[str, int], float] = {}
    best_cpu: dict[tuple[str, int], float] = {}
    out = args.folder / "out"
    for _round in range(args.repeat):
        # Interleaved, so a busier moment of a shared machine hits both alike.
        for batch in (small, photos):
            for name, runner in runners.items():
                wall, cpu = timed_export(batch, presets, out, runner)
                key = (name, len(batch))
                best[key] = min(best.get(key, wall), wall)
                best_cpu[key] = min(best_cpu.get(key, cpu), cpu)
    bytes_per_photo = sum(p.stat().st_size for p in out.iterdir()) / len(photos)
    shutil.rmtree(out, ignore_errors=True)

    n, s = len(photos), len(small)
    print(
        f"\n{'':8} {'wall small':>10} {'wall big':>9} {'photos/s':>9} {'s/photo':>8} "
        f"{'start':>6} | {'CPU s/photo':>11} {'CPU start':>9}"
    )
    steady: dict[str, float] = {}
    steady_cpu: dict[str, float] = {}
    for name in runners:
        t_small, t_big = best[(name, s)], best[(name, n)]
        c_small, c_big = best_cpu[(name, s)], best_cpu[(name, n)]
        steady[name] = (t_big - t_small) / (n - s)
        steady_cpu[name] = (c_big - c_small) / (n - s)
        print(
            f"{name:8} {t_small:9.2f}s {t_big:8.2f}s {n / t_big:9.2f} {steady[name]:8.3f} "
            f"{t_small - s * steady[name]:5.2f}s | {steady_cpu[name]:11.3f} "
            f"{c_small - s * steady_cpu[name]:8.2f}s"
        )
    ratio = best[("cluster", n)] / best[("pool", n)]
    print(
        f"\ncluster / pool on {n} photos: wall {ratio:.2f}x, CPU "
        f"{best_cpu[('cluster', n)] / best_cpu[('pool', n)]:.2f}x; steady per photo: wall "
        f"{steady['cluster'] / steady['pool']:.2f}x, CPU "
        f"{steady_cpu['cluster'] / steady_cpu['pool']:.2f}x"
    )
    # CPU time does not depend on how busy the machine is: it gives the capacity of a core.
    core_s = steady_cpu["cluster"]
    print(
        f"a photo costs {core_s:.2f} CPU seconds on a worker (scheduler included); "
        f"{bytes_per_photo / 1e3:.0f} KB of output per photo travel to the writing machine"
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
