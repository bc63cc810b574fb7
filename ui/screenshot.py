"""``app.py --screenshot``: show the window with a photo loaded, wait until everything on screen is
computed, and write it to a PNG (no display needed: Qt offscreen). Also the event-loop wait that the
benchmarks and the Xvfb script use."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def wait_until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    """Run the event loop until ``predicate()`` holds (True) or ``timeout_s`` passes (False)."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if predicate():
            return True
        time.sleep(0.01)
    QApplication.processEvents()
    return predicate()


def take_screenshot(
    window: object,
    out: Path,
    size: tuple[int, int],
    paths: Sequence[Path],
    panel: str = "window",
    timeout_s: float = 180.0,
) -> int:
    """Show ``window`` at ``size`` with the photo loaded, suggestions computed, the first headshot
    applied and guides on (thirds + headshot template), then write ``window.grab()`` to ``out``."""
    from PySide6.QtWidgets import QWidget

    from core.framing import first_headshot
    from core.geometry import Box
    from ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.autosave = False  # looking at a photo must not change its sidecar
    window.resize(*size)
    window.show()
    wait_until(lambda: False, 0.05)
    if panel != "welcome":
        if not paths:
            print(
                "error: --screenshot needs a photo (or --screenshot-panel welcome)", file=sys.stderr
            )
            return 2
        window.open_paths(list(paths))
        if not wait_until(
            lambda: (
                (window.analysed_path is not None and window.analysed_path == window.shown_path())
                or window.banner.isVisible()
            ),
            timeout_s,
        ):
            print("error: the photo did not finish loading in time", file=sys.stderr)
            return 1
        if window.session() is None:
            print(f"error: {window.banner.text()}", file=sys.stderr)
            return 1
        first = first_headshot(window.suggestions.suggestions())
        if first is not None:
            window.apply_suggestion(first)
        window.set_guides({"thirds", "headshot"})
        if panel in ("headshot", "portrait", "group", "id"):
            window.suggestions.set_current_genre(panel)
        elif panel == "compare":
            window.show_compare(True)
        elif panel == "checks":
            session = window.session()
            faces = session.analysis.faces if session and session.analysis else ()
            if session is not None and faces:
                box = session.state.box
                session.set_box(Box(box.x, faces[0].eye_center.y, box.w, box.h))
        elif panel == "error":
            # A private folder (mode 0700, a fresh name): a fixed name in the shared temp folder
            # could be a symlink someone planted, and writing it would write its target.
            with tempfile.TemporaryDirectory(prefix="headroom-shot-") as private:
                bad = Path(private) / "not-a-photo.jpg"
                bad.write_bytes(b"this is not a JPEG")
                window.open_photo(bad)
                wait_until(lambda: window.banner.isVisible(), 30)
    wait_until(window.is_settled, timeout_s)
    target: QWidget = window
    if panel == "export":
        dialog = window.open_export_dialog()
        if dialog is not None:
            wait_until(lambda: False, 0.2)
            target = dialog
    wait_until(lambda: False, 0.1)  # let the last paints land
    image = target.grab()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out), "PNG"):
        print(f"error: could not write {out}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({image.width()}x{image.height()})")
    return 0
