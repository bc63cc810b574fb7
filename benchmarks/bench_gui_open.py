"""How fast the desktop app responds (Qt offscreen): window up, models ready, and for each photo the
time from "open" to the preview on the canvas, to faces + suggestions, and to everything settled
(thumbnails and output previews), plus the cost of one live drag step with its checks.

    .venv/bin/python benchmarks/bench_gui_open.py [PHOTO ...]

Default photos: the packaged samples (astronaut, Grace Hopper) and /work/shared/photos when present.
"after preview" is how long the suggestions take to appear once the photo is on the canvas (target,
issue #14: under 0.5 s for a 24 MP photo on a quiet machine; the load average is printed).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GLOG_minloglevel", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def default_photos() -> list[Path]:
    import matplotlib
    import skimage.data

    photos = [
        Path(skimage.data.__file__).parent / "astronaut.png",
        Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg",
    ]
    shared = Path("/work/shared/photos")
    photos += [
        shared / n for n in ("immich_craft-beer.jpg", "immich_solvay.jpg") if (shared / n).exists()
    ]
    return photos


def main(argv: list[str]) -> int:
    import shutil

    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow
    from ui.screenshot import wait_until
    from ui.settings import settings_at
    from ui.theme import apply_theme

    photos = [Path(a) for a in argv] or default_photos()
    app = QApplication([])
    apply_theme(app)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        window = MainWindow(settings_at(Path(tmp) / "s.ini"), restore_layout=False)
        window.autosave = False
        window.resize(1600, 1000)
        window.show()
        app.processEvents()
        t_shown = time.perf_counter() - t0
        wait_until(lambda: window.analyzer() is not None, 300)
        t_models = time.perf_counter() - t0
        one, five, _ = os.getloadavg()
        print(f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores")
        print(f"window shown        {t_shown * 1000:8.0f} ms")
        print(f"models ready        {t_models * 1000:8.0f} ms (cached models; background)")
        print(
            f"{'photo':28} {'size':>11} {'preview':>9} {'analysis':>9} {'after preview':>14} "
            f"{'settled':>9} {'drag':>8}"
        )
        for source in photos:
            photo = Path(tmp) / source.name
            shutil.copyfile(source, photo)
            t = time.perf_counter()
            window.open_paths([photo])
            wait_until(lambda p=photo: window.shown_path() == p, 120)
            t_preview = time.perf_counter() - t
            wait_until(lambda p=photo: window.analysed_path == p, 300)
            t_analysis = time.perf_counter() - t
            wait_until(window.is_settled, 300)
            t_settled = time.perf_counter() - t
            session = window.session()
            assert session is not None
            box = session.state.box
            steps = 100
            t = time.perf_counter()
            for i in range(steps):
                session.drag_to(box.translated(i % 20, 0), "move")
                window._run_checks()  # what each live drag step costs the window
            session.finish_drag()
            drag_ms = (time.perf_counter() - t) / steps * 1000
            w, h = session.image_width, session.image_height
            print(
                f"{source.name[:28]:28} {f'{w}x{h}':>11} {t_preview * 1000:7.0f}ms "
                f"{t_analysis * 1000:7.0f}ms {(t_analysis - t_preview) * 1000:12.0f}ms "
                f"{t_settled * 1000:7.0f}ms {drag_ms:6.2f}ms"
            )
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
