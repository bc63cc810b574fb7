"""Headshot vs portrait: the best suggestion of each genre for the same photo, side by side, large,
so the photographer can see the difference between the two genres before choosing."""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.suggestion import Suggestion
from ui.qt_images import crop_thumbnail, pil_to_qimage
from ui.tasks import TaskRunner

COMPARE_SIDE = 900  # rendered long side; the view scales it down to fit


class ImageView(QWidget):
    """Paints one image scaled to fit, centred, with a thin frame; text when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._text = ""
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_image(self, image: QImage | None, text: str = "") -> None:
        self._image, self._text = image, text
        self.update()

    def image(self) -> QImage | None:
        return self._image

    def sizeHint(self) -> QSize:
        return QSize(360, 440)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        area = self.rect().adjusted(8, 8, -8, -8)
        if self._image is None or self._image.isNull():
            painter.setPen(QColor("#7a7a7a"))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self._text)
            return
        size = self._image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, size.width(), size.height())
        target.moveCenter(area.center())
        painter.drawImage(target, self._image)
        painter.setPen(QColor("#4a4a4a"))
        painter.drawRect(target.adjusted(-1, -1, 0, 0))


class _Side(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.suggestion: Suggestion | None = None
        self.caption = QLabel(title)
        self.caption.setObjectName("compareCaption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view = ImageView()
        self.detail = QLabel()
        self.detail.setObjectName("compareDetail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.detail.setMinimumHeight(60)
        self.detail.setWordWrap(True)
        self.use_button = QPushButton(f"Use this {title.lower()}")
        self.use_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.use_button)
        row.addStretch(1)
        layout.addLayout(row)

    def show_suggestion(self, s: Suggestion | None) -> None:
        self.suggestion = s
        self.use_button.setEnabled(s is not None)
        if s is None:
            self.caption.setText(self.title)
            self.detail.setText("")
            self.view.set_image(None, f"No {self.title.lower()} suggestion for this photo")
            return
        self.caption.setText(f"{self.title} — {s.label}")
        head = f"score {s.score:.0%}"
        if abs(s.angle_deg) >= 0.05:
            head += f" · rotated {s.angle_deg:+.1f}°"
        lines = [head, *(f"• {w.message}" for w in s.warnings)]
        self.detail.setText("\n".join(lines))
        self.view.set_image(None, "Rendering…")


class CompareView(QWidget):
    """Two large crops side by side; "Use this" emits ``suggestionChosen``."""

    suggestionChosen = Signal(object)  # Suggestion
    closeRequested = Signal()

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._runner = runner
        self.headshot = _Side("Headshot")
        self.portrait = _Side("Portrait")
        for side in (self.headshot, self.portrait):
            side.use_button.clicked.connect(lambda _=False, side=side: self._use(side))
        back = QPushButton("Back to the crop")
        back.setToolTip("Esc")
        back.clicked.connect(self.closeRequested)
        intro = QLabel(
            "A headshot is a centred, close head-and-shoulders likeness; a portrait can be any "
            "length and places the subject for the story."
        )
        intro.setObjectName("compareDetail")
        intro.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(back)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.addWidget(self.headshot, 0, 0)
        grid.addWidget(self.portrait, 0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        self._pending = False

    def show_pair(
        self,
        preview: Image.Image | None,
        original_size: tuple[int, int],
        headshot: Suggestion | None,
        portrait: Suggestion | None,
    ) -> None:
        """Render both crops (in a worker) from the screen ``preview`` of the photo."""
        self.headshot.show_suggestion(headshot)
        self.portrait.show_suggestion(portrait)
        wanted = [s for s in (headshot, portrait) if s is not None]
        if preview is None or not wanted:
            self._pending = False
            return
        self._pending = True

        def render() -> dict[str, QImage]:
            return {
                s.id: pil_to_qimage(
                    crop_thumbnail(preview, original_size, s.box, s.angle_deg, COMPARE_SIDE)
                )
                for s in wanted
            }

        def done(images: dict[str, QImage]) -> None:
            self._pending = False
            for side in (self.headshot, self.portrait):
                if side.suggestion is not None and side.suggestion.id in images:
                    side.view.set_image(images[side.suggestion.id])

        def failed(exc: BaseException) -> None:
            self._pending = False
            for side in (self.headshot, self.portrait):
                side.view.set_image(None, f"Could not render: {exc}")

        self._runner.submit(render, done, failed, key=f"compare-{id(self)}", priority=5)

    def is_rendering(self) -> bool:
        return self._pending

    def _use(self, side: _Side) -> None:
        if side.suggestion is not None:
            self.suggestionChosen.emit(side.suggestion)
