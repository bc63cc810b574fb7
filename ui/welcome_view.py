"""What the window shows before a photo is open: the sample-photo offer and Open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.theme import icon


def sample_photo_path() -> Path | None:
    """matplotlib's grace_hopper.jpg, the sample Headroom offers; None if matplotlib lacks it."""
    try:
        import matplotlib
    except ImportError:
        return None
    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    return path if path.is_file() else None


class WelcomeView(QWidget):
    sampleRequested = Signal()
    openRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        logo = QLabel()
        logo.setPixmap(icon("app").pixmap(QSize(72, 72)))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("Headroom")
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "Open a portrait and Headroom finds the faces, suggests headshot and portrait crops,\n"
            "checks them against each platform and exports every size you need."
        )
        text.setObjectName("welcomeText")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.sample_button = QPushButton(icon("photo"), "  Open sample photo")
        self.sample_button.setObjectName("primaryButton")
        self.sample_button.setMinimumHeight(34)
        self.sample_button.clicked.connect(self.sampleRequested)
        self.open_button = QPushButton(icon("open"), "  Open photo…")
        self.open_button.setMinimumHeight(34)
        self.open_button.clicked.connect(self.openRequested)
        sample = sample_photo_path()
        self.sample_button.setEnabled(sample is not None)
        self.sample_button.setToolTip(
            str(sample) if sample else "matplotlib's sample data is missing"
        )

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sample_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        hint = QLabel("or drop photos or a folder here  ·  Ctrl+O")
        hint.setObjectName("welcomeHint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addStretch(3)
        layout.addWidget(logo)
        layout.addSpacing(8)
        layout.addWidget(title)
        layout.addSpacing(6)
        layout.addWidget(text)
        layout.addSpacing(22)
        layout.addLayout(buttons)
        layout.addSpacing(12)
        layout.addWidget(hint)
        layout.addStretch(4)
