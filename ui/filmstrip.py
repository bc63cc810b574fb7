"""The filmstrip: a horizontal row of thumbnails of the photos in a folder.

Thumbnails are decoded in the background (``core.photo.load_preview`` at ``THUMB_SIDE`` px) a few at
a time, so a folder of hundreds of photos never floods the pool that preview rendering and detection
share. Until a thumbnail arrives the item shows a placeholder; a file that cannot be read shows a
broken-photo icon with the reason as its tooltip. Photos that already have a crop sidecar carry a
small mark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from functools import partial
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QWidget,
)

from core.paths import display_text
from core.photo import list_photos, load_preview
from core.sidecar import fallback_path, sidecar_path
from ui.qt_images import pil_to_qimage
from ui.tasks import TaskRunner, describe_error

#: Long side of the decoded thumbnail, in pixels.
THUMB_SIDE = 160
#: Size the thumbnail is drawn at in the strip.
ICON_SIZE = QSize(132, 99)
#: Thumbnails decoding at once; the rest wait so other background work is not starved.
MAX_IN_FLIGHT = 2

_PATH_ROLE = Qt.ItemDataRole.UserRole
_STATE_ROLE = Qt.ItemDataRole.UserRole + 1


class ThumbState(str, Enum):
    LOADING = "loading"
    READY = "ready"
    BROKEN = "broken"


def _blank(size: QSize) -> QPixmap:
    pixmap = QPixmap(size)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap


def placeholder_pixmap(size: QSize = ICON_SIZE) -> QPixmap:
    """A dim frame drawn while the thumbnail is decoding."""
    pixmap = _blank(size)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(pixmap.rect()).adjusted(4, 4, -4, -4)
    painter.setPen(QPen(QColor(110, 110, 118), 1.5, Qt.PenStyle.DashLine))
    painter.setBrush(QColor(52, 52, 58))
    painter.drawRoundedRect(rect, 6, 6)
    painter.end()
    return pixmap


def broken_pixmap(size: QSize = ICON_SIZE) -> QPixmap:
    """A photo frame crossed out in red: the file could not be read."""
    pixmap = _blank(size)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(pixmap.rect()).adjusted(4, 4, -4, -4)
    painter.setPen(QPen(QColor(150, 70, 70), 2))
    painter.setBrush(QColor(60, 40, 42))
    painter.drawRoundedRect(rect, 6, 6)
    side = min(rect.width(), rect.height()) * 0.45
    cross = QRectF(0, 0, side, side)
    cross.moveCenter(rect.center())
    painter.setPen(QPen(QColor(225, 80, 80), 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawLine(cross.topLeft(), cross.bottomRight())
    painter.drawLine(cross.topRight(), cross.bottomLeft())
    painter.end()
    return pixmap


def thumbnail_pixmap(
    image: QImage, marked: bool, size: QSize = ICON_SIZE, *, flagged: bool = False
) -> QPixmap:
    """The thumbnail centred in an icon-sized pixmap, with a green tick when ``marked`` and an
    amber "!" when ``flagged`` (it needs the photographer's review)."""
    pixmap = _blank(size)
    scaled = image.scaled(
        size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    x = (size.width() - scaled.width()) // 2
    y = (size.height() - scaled.height()) // 2
    painter.drawImage(x, y, scaled)
    if marked:
        _draw_sidecar_mark(painter, QRectF(x, y, scaled.width(), scaled.height()))
    if flagged:
        _draw_review_mark(painter, QRectF(x, y, scaled.width(), scaled.height()))
    painter.end()
    return pixmap


def _draw_review_mark(painter: QPainter, image_rect: QRectF) -> None:
    badge = QRectF(image_rect.left() + 4, image_rect.top() + 4, 18, 18)
    painter.setPen(QPen(QColor(20, 20, 20, 180), 1))
    painter.setBrush(QColor(235, 165, 40))
    painter.drawEllipse(badge)
    painter.setPen(QPen(QColor(30, 30, 30), 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    cx, top = badge.center().x(), badge.top()
    painter.drawLine(int(cx), int(top + 4), int(cx), int(top + 10))
    painter.drawPoint(int(cx), int(top + 14))


def untinted_icon(pixmap: QPixmap) -> QIcon:
    """An icon that looks the same when selected (Qt tints selected icons with the highlight
    colour, which would colour-cast the thumbnail of the photo being judged)."""
    icon = QIcon()
    icon.addPixmap(pixmap, QIcon.Mode.Normal)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)
    return icon


def _draw_sidecar_mark(painter: QPainter, image_rect: QRectF) -> None:
    badge = QRectF(image_rect.right() - 22, image_rect.top() + 4, 18, 18)
    painter.setPen(QPen(QColor(20, 20, 20, 180), 1))
    painter.setBrush(QColor(70, 185, 110))
    painter.drawEllipse(badge)
    painter.setPen(QPen(QColor(255, 255, 255), 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    cx, cy = badge.center().x(), badge.center().y()
    painter.drawLine(int(cx - 5), int(cy), int(cx - 1), int(cy + 4))
    painter.drawLine(int(cx - 1), int(cy + 4), int(cx + 5), int(cy - 4))


def _decode_thumbnail(path: Path) -> QImage:
    """Worker thread: the photo's upright preview at THUMB_SIDE px, as a QImage (not a QPixmap,
    which may only be made on the GUI thread)."""
    return pil_to_qimage(load_preview(path, THUMB_SIDE))


def has_sidecar(path: Path) -> bool:
    """A crop was saved for ``path`` (next to it, or in the cache store for read-only folders)."""
    return sidecar_path(path).is_file() or fallback_path(path).is_file()


class FilmStrip(QListWidget):
    """Horizontal thumbnails of a folder's photos; activating one emits ``photoActivated(Path)``."""

    photoActivated = Signal(Path)

    def __init__(
        self,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        has_sidecar_fn: Callable[[Path], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("filmStrip")
        self._runner = runner
        self._has_sidecar = has_sidecar_fn or has_sidecar
        self._generation = 0
        self._queue: list[Path] = []
        self._in_flight = 0
        self._images: dict[Path, QImage] = {}
        self._items: dict[Path, QListWidgetItem] = {}
        self._flags: dict[Path, str] = {}  # photos to review, with the reason
        self._keyed: list[Path] = []  # item key (_PATH_ROLE) -> path
        self._placeholder = untinted_icon(placeholder_pixmap())
        self._broken = untinted_icon(broken_pixmap())

        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(ICON_SIZE)
        self.setGridSize(QSize(ICON_SIZE.width() + 16, ICON_SIZE.height() + 30))
        self.setUniformItemSizes(True)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setWordWrap(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scrollbar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self.setFixedHeight(self.gridSize().height() + scrollbar + 2 * self.frameWidth() + 6)
        self.currentItemChanged.connect(self._on_current_changed)

    # -- contents ---------------------------------------------------------------------------------

    def set_folder(self, folder: Path) -> None:
        """Show every photo in ``folder`` (core.photo.list_photos decides what is a photo)."""
        self.set_paths(list_photos(Path(folder)))

    def set_paths(self, paths: Sequence[Path]) -> None:
        """Replace the strip's photos. Nothing is selected and nothing is emitted."""
        self._generation += 1
        self._queue = []
        self._in_flight = 0
        self._images.clear()
        self._items.clear()
        self._flags.clear()
        self._keyed = []
        self.blockSignals(True)
        try:
            self.clear()
            for raw in paths:
                path = Path(raw)
                if path in self._items:
                    continue
                # Qt strings cannot hold a name's non-UTF-8 bytes (it drops them): the item keeps
                # a key into self._keyed, and shows the name with U+FFFD in their place.
                item = QListWidgetItem(self._placeholder, display_text(path.name))
                item.setData(_PATH_ROLE, len(self._keyed))
                self._keyed.append(path)
                item.setData(_STATE_ROLE, ThumbState.LOADING.value)
                item.setToolTip(display_text(str(path)))
                item.setSizeHint(self.gridSize())
                self.addItem(item)
                self._items[path] = item
                self._queue.append(path)
        finally:
            self.blockSignals(False)
        self._pump()

    def paths(self) -> list[Path]:
        return list(self._items)

    def current_path(self) -> Path | None:
        item = self.currentItem()
        return self._path_of(item) if item is not None else None

    def _path_of(self, item: QListWidgetItem) -> Path:
        return self._keyed[int(item.data(_PATH_ROLE))]

    def thumbnail_state(self, path: Path) -> ThumbState:
        return ThumbState(self._items[Path(path)].data(_STATE_ROLE))

    def thumbnail_image(self, path: Path) -> QImage | None:
        """The decoded thumbnail (None while loading or when broken)."""
        return self._images.get(Path(path))

    def is_loading(self) -> bool:
        return bool(self._queue) or self._in_flight > 0

    # -- selection --------------------------------------------------------------------------------

    def set_current_path(self, path: Path | None) -> None:
        """Select ``path`` without emitting photoActivated (the caller already knows)."""
        item = self._items.get(Path(path)) if path is not None else None
        self.blockSignals(True)
        try:
            if item is None:
                self.setCurrentRow(-1)
            else:
                self.setCurrentItem(item)
                self.scrollToItem(item)
        finally:
            self.blockSignals(False)

    def select_next(self) -> None:
        self._step(+1)

    def select_previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if self.count() == 0:
            return
        row = self.currentRow()
        target = (0 if delta > 0 else self.count() - 1) if row < 0 else row + delta
        if 0 <= target < self.count():
            self.setCurrentRow(target)
            self.scrollToItem(self.item(target))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown):
            self.select_next()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp):
            self.select_previous()
        else:
            super().keyPressEvent(event)

    def _on_current_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if current is not None:
            self.photoActivated.emit(self._path_of(current))

    # -- sidecar marks ----------------------------------------------------------------------------

    def refresh_marks(self, paths: Sequence[Path] | None = None) -> None:
        """Re-check the sidecar mark of ``paths`` (all photos when None), e.g. after a save."""
        for path in paths if paths is not None else list(self._items):
            path = Path(path)
            image = self._images.get(path)
            item = self._items.get(path)
            if image is not None and item is not None:
                item.setIcon(self._icon(path, image))

    def set_review_flags(self, flags: dict[Path, str]) -> None:
        """Mark the photos in ``flags`` for review (amber "!", the reason in the tooltip); every
        other photo loses its flag."""
        changed = set(self._flags) | set(flags)
        self._flags = {Path(p): reason for p, reason in flags.items()}
        for path in changed:
            item = self._items.get(Path(path))
            if item is None:
                continue
            reason = self._flags.get(Path(path))
            item.setToolTip(display_text(f"{path}\nReview: {reason}" if reason else str(path)))
        self.refresh_marks([Path(p) for p in changed])

    def review_flag(self, path: Path) -> str | None:
        return self._flags.get(Path(path))

    def _icon(self, path: Path, image: QImage) -> QIcon:
        marked = self._safe_has_sidecar(path)
        return untinted_icon(thumbnail_pixmap(image, marked, flagged=path in self._flags))

    def is_marked(self, path: Path) -> bool:
        return self._safe_has_sidecar(Path(path))

    def _safe_has_sidecar(self, path: Path) -> bool:
        try:
            return bool(self._has_sidecar(path))
        except OSError:
            return False

    # -- background thumbnails --------------------------------------------------------------------

    def _pump(self) -> None:
        while self._queue and self._in_flight < MAX_IN_FLIGHT:
            path = self._queue.pop(0)
            self._in_flight += 1
            generation = self._generation
            self._runner.submit(
                partial(_decode_thumbnail, path),
                partial(self._on_thumb_done, generation, path),
                partial(self._on_thumb_failed, generation, path),
            )

    def _on_thumb_done(self, generation: int, path: Path, image: QImage) -> None:
        self._on_thumb(generation, path, image, None)

    def _on_thumb_failed(self, generation: int, path: Path, error: BaseException) -> None:
        self._on_thumb(generation, path, None, error)

    def _on_thumb(
        self, generation: int, path: Path, image: QImage | None, error: BaseException | None
    ) -> None:
        if generation != self._generation:
            return  # the strip was refilled meanwhile; its own loads are running
        self._in_flight -= 1
        item = self._items.get(path)
        if item is not None:
            if image is not None and not image.isNull():
                self._images[path] = image
                item.setIcon(self._icon(path, image))
                item.setData(_STATE_ROLE, ThumbState.READY.value)
            else:
                reason = describe_error(error) if error is not None else "empty image"
                item.setIcon(self._broken)
                item.setData(_STATE_ROLE, ThumbState.BROKEN.value)
                item.setToolTip(display_text(f"{path}\nCannot show this file: {reason}"))
        self._pump()
