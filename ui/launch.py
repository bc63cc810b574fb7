"""Starting the desktop app (``python app.py [PHOTO_OR_FOLDER ...]``) and rendering it to a PNG
(``python app.py --screenshot OUT.png [--size WxH] [--screenshot-panel NAME] PHOTO``)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

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
    from ui.screenshot import take_screenshot
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

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        traceback.print_exception(kind, exc, tb)
        show = getattr(window, "show_error", None)
        if show is not None:
            show(f"Something went wrong: {describe_error(exc)}")

    sys.excepthook = hook
