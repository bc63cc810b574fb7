"""Start-up: a command imports what it needs and no more (speed is measured in
benchmarks/bench_startup.py; these tests check what is loaded, not how long it takes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.shared_photos import shared_photo

ROOT = Path(__file__).resolve().parent.parent

#: What MediaPipe's package ``__init__`` files pull in for tasks Headroom never runs, and the
#: network modules the model store needs only to download.
UNUSED_HEAVY = (
    "matplotlib",
    "cv2",
    "sounddevice",
    "mediapipe.tasks.python.vision.drawing_utils",
    "urllib.request",
    "ssl",
)


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_suggest_runs_without_mediapipes_drawing_code_matplotlib_or_qt(model_store: object) -> None:
    photo = shared_photo("matplotlib_grace_hopper.jpg")
    code = (
        "import contextlib, io, json, sys, app\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    rc = app.main(['suggest', sys.argv[1], '--json'])\n"
        "heavy = [m for m in sys.argv[2:] if m in sys.modules]\n"
        "print(json.dumps({'rc': rc, 'faces': len(json.loads(out.getvalue())['faces']),\n"
        "                  'heavy': heavy, 'qt': 'PySide6' in sys.modules}))\n"
    )
    done = run_python(code, str(photo), *UNUSED_HEAVY)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"rc": 0, "faces": 1, "heavy": [], "qt": False}


def test_help_imports_no_photo_or_model_code() -> None:
    done = run_python(
        "import sys, app\n"
        "app.main(['--help'])\n"
        "print([m for m in ('numpy', 'PIL', 'mediapipe', 'PySide6') if m in sys.modules])\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_whole_mediapipe_package_still_imports_after_the_lean_import() -> None:
    """Code that wants all of ``mediapipe`` (``mp.Image``, ``vision.FaceLandmarker``) still gets it
    after Headroom's lean import, and it is the same classes."""
    done = run_python(
        "import core.mediapipe_tasks as lean, sys\n"
        "assert 'matplotlib' not in sys.modules\n"
        "import mediapipe as mp\n"
        "from mediapipe.tasks.python import vision, BaseOptions\n"
        "assert mp.Image is lean.Image and BaseOptions is lean.BaseOptions\n"
        "assert vision.FaceDetector is lean.FaceDetector\n"
        "assert vision.FaceLandmarker is not None and mp.tasks.vision.drawing_utils\n"
        "print('ok')\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
