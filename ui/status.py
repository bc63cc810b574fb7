"""Feedback that never blocks work: an inline banner above the photo and the status bar's message
and model-install progress."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QStatusBar,
    QToolButton,
    QWidget,
)

from core.models import ModelProgress
from core.paths import display_text
from ui.theme import icon


class MessageBanner(QFrame):
    """A one-line message strip with a close button; ``kind`` is "error" or "info"."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self._icon = QLabel()
        self._icon.setFixedSize(18, 18)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setIcon(icon("close"))
        close.setToolTip("Dismiss")
        close.setAutoRaise(True)
        close.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(8)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str, kind: str = "error") -> None:
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        name = "severity-problem" if kind == "error" else "severity-info"
        self._icon.setPixmap(icon(name).pixmap(18, 18))
        self.label.setText(display_text(text))
        self.show()

    def dismiss(self) -> None:
        self.hide()
        self.closed.emit()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


_MODEL_WORDS = {
    "face_short_range": "the face detector (near faces)",
    "face_full_range": "the face detector (small faces)",
    "selfie_segmenter": "the person segmenter",
}


def _size(done: int, total: int) -> str:
    if total < 1_000_000:  # the model files themselves are a few hundred KB
        return f"{done / 1000:.0f} of {total / 1000:.0f} KB"
    return f"{done / 1e6:.1f} of {total / 1e6:.1f} MB"


def progress_text(p: ModelProgress) -> str:
    """Status-bar wording for one model-install step."""
    if p.message:
        return p.message
    name = _MODEL_WORDS.get(p.model.value, p.model.value.replace("_", " "))
    if p.total_bytes:
        return f"Getting {name}: {_size(p.done_bytes, p.total_bytes)}"
    return f"Getting {name} ({p.stage})"


class AppStatusBar(QStatusBar):
    """Message on the left; model install progress and the photo's size on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.message = QLabel()
        self.message.setObjectName("statusMessage")
        self.progress = QProgressBar()
        self.progress.setFixedWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.photo_info = QLabel()
        self.photo_info.setObjectName("photoInfo")
        self.addWidget(self.message, 1)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.photo_info)

    def say(self, text: str) -> None:
        self.message.setText(display_text(text))

    def text(self) -> str:
        return self.message.text()

    def show_model_progress(self, p: ModelProgress) -> None:
        self.say(progress_text(p))
        if p.stage == "done":
            self.progress.hide()
            return
        self.progress.show()
        if p.total_bytes:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * p.done_bytes / max(1, p.total_bytes)))
        else:
            self.progress.setRange(0, 0)  # busy indicator

    def show_busy(self, on: bool) -> None:
        self.progress.setVisible(on)
        if on:
            self.progress.setRange(0, 0)
