"""Starting the desktop app (``python app.py [PHOTO_OR_FOLDER ...]``) and rendering it to a PNG
(``python app.py --screenshot OUT.png [--size WxH] [--screenshot-panel NAME] PHOTO``)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

PANELS = (
    "window",  # the whole window, headshot tab (default)
    "welcome",  # no photo: the sample offer
    "headshot",
    "portrait",
    "group",
    "id",
    "compare",  # best headshot vs best portrait
    "checks",  # a crop through the eyes: the checks panel with a problem
    "error",  # the inline banner after a file that is not a photo
    "export",  # the export dialog (grabbed on its own)
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py",
        description="Headroom desktop app: face-aware headshot and portrait crops.",
    )
    parser.add_argument("paths", nargs="*", type=Path, help="photos or a folder to open")
    parser.add_argument(
        "--screenshot", type=Path, metavar="OUT.png", help="render the window to a PNG and exit"
    )
    parser.add_argument(
        "--size", default="1600x1000", metavar="WxH", help="window size for --screenshot"
    )
    parser.add_argument(
        "--screenshot-panel",
        choices=PANELS,
        default="window",
        help="what --screenshot shows (a suggestion tab, compare, welcome, error, export)",
    )
    parser.add_argument(
        "--settings", type=Path, metavar="FILE.ini", help="keep settings in this INI file"
    )
    return parser


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"error: --size wants WxH, e.g. 1600x1000, not {text!r}") from None
    if w < 400 or h < 300:
        raise SystemExit("error: --size must be at least 400x300")
    return w, h


def launch_gui(argv: Sequence[str]) -> int:
    argv = list(argv)
    if argv and argv[0] == "--help-gui":
        argv = ["--help"]
    args = build_parser().parse_args(argv)
    size = _parse_size(args.size)
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    on_linux = sys.platform.startswith("linux")
    if args.screenshot is not None and headless and on_linux:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif headless and on_linux and not os.environ.get("QT_QPA_PLATFORM"):
        # Qt would abort with a plugin error; say what to do instead.
        print(
            "error: no display found (DISPLAY / WAYLAND_DISPLAY unset); run it in a desktop "
            "session, or render it with --screenshot OUT.png",
            file=sys.stderr,
        )
        return 1

    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "headroom"])
    assert isinstance(app, QApplication)
    app.setOrganizationName("Headroom")
    app.setApplicationName("Headroom")

    from ui.main_window import MainWindow
    from ui.settings import settings_at
    from ui.theme import apply_theme, icon

    apply_theme(app)
    app.setWindowIcon(icon("app"))
    if args.screenshot is not None:
        # A screenshot must not depend on (or change) the photographer's own settings.
        with tempfile.TemporaryDirectory(prefix="headroom-shot-") as tmp:
            window = MainWindow(settings_at(Path(tmp) / "settings.ini"), restore_layout=False)
            try:
                return take_screenshot(
                    window, args.screenshot, size, args.paths, args.screenshot_panel
                )
            finally:
                window.close()
    settings = settings_at(args.settings) if args.settings else QSettings()
    window = MainWindow(settings)
    _report_uncaught_errors_in(window)
    window.show()
    if args.paths:
        # After the first paint: the window appears at once, the photo follows.
        QTimer.singleShot(0, lambda: window.open_paths(args.paths))
    return int(app.exec())


def _report_uncaught_errors_in(window: object) -> None:
    """A bug in a Qt callback is printed and shown in the window's banner; the app carries on."""
    import traceback

    from ui.tasks import describe_error

    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)  # type: ignore[arg-type]
            return
        traceback.print_exception(kind, exc, tb)  # type: ignore[arg-type]
        show = getattr(window, "show_error", None)
        if show is not None:
            show(f"Something went wrong: {describe_error(exc)}")

    sys.excepthook = hook


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
    from core.framing.suggest import first_headshot
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
            bad = Path(tempfile.gettempdir()) / "headroom-not-a-photo.jpg"
            bad.write_bytes(b"this is not a JPEG")
            window.open_photo(bad)
            wait_until(lambda: window.banner.isVisible(), 30)
    wait_until(window.is_settled, timeout_s)
    target = window
    if panel == "export":
        dialog = window.open_export_dialog()
        if dialog is not None:
            dialog.resize(760, 620)
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
