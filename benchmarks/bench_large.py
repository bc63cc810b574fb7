"""Time and peak memory of exporting one large JPEG, 12 to 100 MP, against a bare Pillow loop.

    .venv/bin/python benchmarks/bench_large.py [--sizes 12,24,48,69,100] [--repeat 2]

For each size, makes a portrait JPEG (quality 90, sensor-like grain; 69 MP is 7680 x 9000) from
matplotlib's Grace Hopper, then runs, each in a fresh process (interleaved, best of ``--repeat``):

- Headroom: ``app.py export PHOTO --preset print-16x20 --preset linkedin-profile`` (start-up,
  face analysis, the levelling rotation it gives this slightly tilted head, colour, metadata,
  atomic writes all included);
- the bare Pillow loop: open, load, then for each of the same two outputs ``resize(size, LANCZOS,
  box=...)`` and ``save(quality=92)``, with the boxes Headroom chose (found once, not timed) and
  no rotation.

Prints wall time, CPU time (all threads; steadier than wall time on a shared machine), peak
resident memory (the process's own maximum RSS) and Headroom's ratios to the bare loop. Targets
(issue #14): at most 1.5x the time, no more than the bare loop's peak.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

PRESETS = ("print-16x20", "linkedin-profile")

BARE_LOOP = """
import sys
from PIL import Image
photo, out = sys.argv[1], sys.argv[2]
jobs = [a.split(",") for a in sys.argv[3:]]
with Image.open(photo) as image:
    image.load()
    for name, w, h, left, top, right, bottom in jobs:
        box = (float(left), float(top), float(right), float(bottom))
        result = image.resize((int(w), int(h)), Image.Resampling.LANCZOS, box=box)
        result.save(f"{out}/{name}.jpg", quality=92)
        del result
"""


def make_photo(path: Path, megapixels: float) -> Path:
    import matplotlib
    import numpy as np
    from PIL import Image

    # 7680 x 9000 at 69 MP: the photo; other sizes keep its aspect.
    scale = (megapixels * 1e6 / (7680 * 9000)) ** 0.5
    width, height = round(7680 * scale), round(9000 * scale)
    src = Image.open(Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg")
    src = src.convert("RGB")
    person = src.resize((width, round(width * src.height / src.width)), Image.Resampling.BICUBIC)
    canvas = Image.new("RGB", (width, height), (92, 100, 108))
    canvas.paste(person, (0, height - person.height))
    del person
    rows = []
    rng = np.random.default_rng(69)
    # Grain in bands of rows: a camera file's entropy without a 100 MP float array in memory.
    for top in range(0, height, 1024):
        band = np.asarray(canvas.crop((0, top, width, min(height, top + 1024))), dtype=np.int16)
        grain = rng.normal(0.0, 4.0, band.shape[:2]).astype(np.int16)[..., None]
        rows.append(np.clip(band + grain, 0, 255).astype(np.uint8))
    Image.fromarray(np.concatenate(rows)).save(path, quality=90)
    return path


def run_measured(cmd: list[str], repo: Path = ROOT) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (all threads) and peak RSS (MiB) of one child process running
    ``repo``'s code. (Linux starts a forked child's peak at its parent's size, which is why this
    process never holds a photo: it makes them in a helper process.)"""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repo), env.get("PYTHONPATH")]))
    start = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux: KiB


def bare_jobs(photo: Path) -> list[str]:
    from core.detection import FaceAnalyzer
    from core.framing.plan import plan_crops
    from core.presets import load_presets

    book = load_presets(None)
    presets = [book.require(p) for p in PRESETS]
    with FaceAnalyzer() as analyzer:
        plan = plan_crops(analyzer.analyze_path(photo)[1], presets)
    jobs = []
    for preset in presets:
        box, _angle = plan.crops[preset.id][:2]
        jobs.append(
            f"{preset.id},{preset.width},{preset.height},"
            f"{box.left},{box.top},{box.right},{box.bottom}"
        )
    return jobs


def prepare(photo: Path, megapixels: float) -> None:
    """Helper process: make the photo and print the bare loop's jobs, one per line."""
    make_photo(photo, megapixels)
    print("\n".join(bare_jobs(photo)))


def main() -> int:
    if sys.argv[1:2] == ["--prepare"]:
        prepare(Path(sys.argv[2]), float(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="12,24,48,69,100", help="megapixels, comma-separated")
    parser.add_argument("--repeat", type=int, default=2, help="rounds; the fastest is reported")
    parser.add_argument(
        "--repo", type=Path, default=ROOT, help="run this checkout's app.py (before/after)"
    )
    args = parser.parse_args()
    one, five, _ = os.getloadavg()
    print(f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores")
    print(f"presets: {', '.join(PRESETS)}; best of {args.repeat} (fresh process each)\n")
    print(
        f"{'MP':>5} {'file MB':>8} | {'bare s':>7} {'CPU s':>6} {'MiB':>6} | "
        f"{'Headroom s':>10} {'CPU s':>6} {'MiB':>6} | {'time x':>6} {'CPU x':>6} {'memory x':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for mp in (float(s) for s in args.sizes.split(",")):
            photo = Path(tmp) / f"photo_{mp:g}mp.jpg"
            made = subprocess.run(
                [sys.executable, __file__, "--prepare", str(photo), str(mp)],
                capture_output=True,
                text=True,
                check=True,
            )
            jobs = made.stdout.split()
            out = Path(tmp) / "out"
            bare_cmd = [sys.executable, "-c", BARE_LOOP, str(photo), str(out), *jobs]
            ours_cmd = [sys.executable, str(args.repo / "app.py"), "export", str(photo)]
            ours_cmd += [a for p in PRESETS for a in ("--preset", p)]
            ours_cmd += ["--out", str(out), "--overwrite", "--no-sidecars"]
            out.mkdir(exist_ok=True)
            bare, ours = [], []
            for _ in range(args.repeat):
                bare.append(run_measured(bare_cmd))
                ours.append(run_measured(ours_cmd, args.repo))
            b_time, b_cpu, b_mem = (min(run[k] for run in bare) for k in range(3))
            o_time, o_cpu, o_mem = (min(run[k] for run in ours) for k in range(3))
            print(
                f"{mp:>5g} {photo.stat().st_size / 1e6:>8.1f} | "
                f"{b_time:>7.2f} {b_cpu:>6.2f} {b_mem:>6.0f} | "
                f"{o_time:>10.2f} {o_cpu:>6.2f} {o_mem:>6.0f} | "
                f"{o_time / b_time:>6.2f} {o_cpu / b_cpu:>6.2f} {o_mem / b_mem:>8.2f}",
                flush=True,
            )
            photo.unlink()
    one, five, _ = os.getloadavg()
    print(f"\nload average {one:.2f} (1 min), {five:.2f} (5 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
