"""Help > Keyboard shortcuts: every key of ``ui.keymap``'s table, the one that binds them, so the
sheet cannot drift from what the keys do."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ui import keymap

CROP_KEYS_NOTE = (
    "Plain keys work whichever panel you clicked last, as in Lightroom's crop mode; only while "
    "you type in a text or number field do they go to that field."
)


def shortcut_sheet_html() -> str:
    parts = [f"<p>{escape(CROP_KEYS_NOTE)}</p>"]
    for section, rows in keymap.sheet_rows():
        parts.append(f"<h3>{escape(section)}</h3><table cellspacing='0' cellpadding='3'>")
        for keys, does in rows:
            parts.append(
                f"<tr><td style='padding-right:18px'><b>{escape(keys)}</b></td>"
                f"<td>{escape(does)}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)


class ShortcutSheet(QDialog):
    """A non-modal window: it may stay open beside the photo while the keys are tried."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard shortcuts — Headroom")
        self.setModal(False)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setHtml(shortcut_sheet_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(560, 640)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)

    def text(self) -> str:
        return self.browser.toPlainText()
