"""The dark theme and the icon set, loaded from resources/ (style.qss, icons/*.svg)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from core.paths import resource_path

#: Neutral greys: a photo is judged against them, so no tint.
WINDOW_GREY = "#262626"
CANVAS_GREY = "#1b1b1b"


@cache
def icon(name: str) -> QIcon:
    """``resources/icons/<name>.svg`` as a QIcon (an empty icon if the file is missing)."""
    path = resource_path("icons", f"{name}.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()


def stylesheet() -> str:
    # Qt resolves url() in a stylesheet against the working directory, not the sheet's folder.
    icons = resource_path("icons").as_posix()
    return resource_path("style.qss").read_text(encoding="utf-8").replace("@ICONS@", icons)


def apply_theme(app: QApplication) -> None:
    """Fusion style + a dark palette (for what the stylesheet does not reach) + style.qss."""
    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: WINDOW_GREY,
        QPalette.ColorRole.WindowText: "#dcdcdc",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#2a2a2a",
        QPalette.ColorRole.Text: "#e0e0e0",
        QPalette.ColorRole.Button: "#363636",
        QPalette.ColorRole.ButtonText: "#e0e0e0",
        QPalette.ColorRole.Highlight: "#555555",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#333333",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#7a7a7a",
        QPalette.ColorRole.Link: "#b8b8b8",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6a6a6a"))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet())
