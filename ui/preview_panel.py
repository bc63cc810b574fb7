"""The preview panel: the exact file each selected preset will produce, for the current crop.

Renders run in the background (``ui.preview_render``) whenever the photo, the committed crop or the
preset selection changes; a newer render supersedes an older one. Each tile shows the output scaled
to fit the panel, or at actual pixels through a loupe on the subject's eyes (toggle; drag to look
around), round for circle-avatar presets, with the preset's name and output size under it and an
"upscaled" badge when the crop has fewer pixels than the output. Nothing is wider than the panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.crop_session import CropState
from core.faces import Analysis
from core.presets import Preset, PresetBook
from ui.preset_picker import PresetPicker, preset_size_text
from ui.preview_render import (
    FullImageCache,
    PreviewRequest,
    RenderedPreview,
    presets_by_ids,
    render_previews,
)
from ui.tasks import TaskRunner, describe_error

#: Presets shown when nothing has been chosen yet (ids missing from the book are skipped).
DEFAULT_PREVIEW_PRESETS = ("linkedin-profile", "instagram-portrait")
#: Largest side of a tile in "fit" mode, so a tall print preview does not fill the whole panel.
FIT_MAX_HEIGHT = 360


class PreviewTile(QFrame):
    """One preset's output: the image, its name, its size and an upscale warning.

    The tile is never wider than the panel gives it: in "fit" mode the image is scaled to the
    width, and in "actual pixels" mode it is a 100 % loupe, the panel's width of the output
    around the subject's eyes, that the user drags to look around (as Lightroom's 1:1 does).
    """

    def __init__(self, preset: Preset, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.preset = preset
        self.rendered: RenderedPreview | None = None
        self._fit_width = 240
        self._true_size = False
        self._shown_key: tuple[int, bool, int, int, int] | None = None
        #: Top-left of the loupe in output pixels; None: centred on the rendered focus point.
        self._pan: QPoint | None = None
        self._drag_from: QPoint | None = None

        self.image_label = QLabel(self)
        self.image_label.setObjectName("previewImage")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setMinimumSize(64, 64)
        self.image_label.setText("Rendering…")
        self.image_label.installEventFilter(self)
        self.name_label = QLabel(preset.name, self)
        self.name_label.setObjectName("previewName")
        self.name_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name_label.setWordWrap(True)
        self.size_label = QLabel(preset_size_text(preset), self)
        self.size_label.setObjectName("previewSize")
        self.size_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # "2400 × 3000 px · 8 x 10 in at 300 ppi" is wider than a narrow panel: it wraps.
        self.size_label.setWordWrap(True)
        self.badge = QLabel("upscaled", self)
        self.badge.setObjectName("upscaledBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Inline colours so the warning reads as one without a stylesheet; style.qss may refine it.
        self.badge.setStyleSheet(
            "QLabel#upscaledBadge { background: #b8741a; color: white; border-radius: 4px;"
            " padding: 1px 6px; font-weight: 600; }"
        )
        self.badge.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(3)
        layout.addWidget(self.image_label, 1)
        layout.addWidget(self.name_label)
        layout.addWidget(self.size_label)
        # On its own line, so the size text beside it can never push it out of the tile.
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignHCenter)

    @property
    def upscaled(self) -> bool:
        return self.rendered is not None and self.rendered.upscaled

    def set_rendered(self, rendered: RenderedPreview | None) -> None:
        if rendered is None or self.rendered is None:
            self._pan = None  # a new photo: the loupe goes back to its subject
        self.rendered = rendered
        self._shown_key = None
        if rendered is None:
            self.image_label.setPixmap(QPixmap())
            self.image_label.setText("Rendering…")
            self.badge.hide()
            return
        self.badge.setVisible(rendered.upscaled)
        if rendered.upscaled:
            cw, ch = rendered.crop_size
            self.badge.setText(f"upscaled ×{rendered.upscale:.2f}")
            self.badge.setToolTip(
                f"The crop is {cw} × {ch} px of the photo; this output enlarges it "
                f"{rendered.upscale:.2f}× and will look soft. Use a larger crop or a smaller size."
            )
        self._refresh_pixmap()

    def set_error(self, message: str) -> None:
        self.rendered = None
        self._shown_key = None
        self.image_label.setPixmap(QPixmap())
        self.image_label.setText(message)
        self.badge.hide()

    def set_display(self, *, true_size: bool, fit_width: int) -> None:
        self._true_size = true_size
        self._fit_width = max(64, fit_width)
        self.image_label.setCursor(
            Qt.CursorShape.OpenHandCursor if true_size else Qt.CursorShape.ArrowCursor
        )
        self.image_label.setToolTip("100 %: drag to look around the output" if true_size else "")
        self._refresh_pixmap()

    def loupe_rect(self) -> QRect | None:
        """The part of the output shown at 100 % (None in fit mode or before a render)."""
        if self.rendered is None or not self._true_size:
            return None
        image = self.rendered.image
        size = QSize(min(image.width(), self._fit_width), min(image.height(), FIT_MAX_HEIGHT))
        if self._pan is None:
            fx, fy = self.rendered.focus
            origin = QPoint(
                round(fx * image.width() - size.width() / 2),
                round(fy * image.height() - size.height() / 2),
            )
        else:
            origin = QPoint(self._pan)
        origin.setX(max(0, min(origin.x(), image.width() - size.width())))
        origin.setY(max(0, min(origin.y(), image.height() - size.height())))
        return QRect(origin, size)

    def _refresh_pixmap(self) -> None:
        if self.rendered is None:
            return
        loupe = self.loupe_rect()
        origin = loupe.topLeft() if loupe is not None else QPoint()
        key = (id(self.rendered), self._true_size, self._fit_width, origin.x(), origin.y())
        if key == self._shown_key:
            return  # e.g. a resize that did not change the fit width
        self._shown_key = key
        if loupe is not None:
            image = self.rendered.image.copy(loupe)
        else:
            image = self.rendered.display
            bound = QSize(self._fit_width, min(FIT_MAX_HEIGHT, self._fit_width * 2))
            if image.width() > bound.width() or image.height() > bound.height():
                image = image.scaled(
                    bound,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
        self.image_label.setPixmap(QPixmap.fromImage(image))
        self.image_label.setMinimumSize(image.width(), image.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.image_label and self._true_size and self.rendered is not None:
            kind = event.type()
            if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
                if event.button() == Qt.MouseButton.LeftButton:
                    self._drag_from = event.position().toPoint()
                    self.image_label.setCursor(Qt.CursorShape.ClosedHandCursor)
                    return True
            elif kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
                if self._drag_from is not None:
                    loupe = self.loupe_rect()
                    assert loupe is not None
                    here = event.position().toPoint()
                    # The photo follows the hand: dragging left shows more of the right.
                    self._pan = loupe.topLeft() - (here - self._drag_from)
                    self._drag_from = here
                    self._refresh_pixmap()
                    return True
            elif kind == QEvent.Type.MouseButtonRelease and self._drag_from is not None:
                self._drag_from = None
                self.image_label.setCursor(Qt.CursorShape.OpenHandCursor)
                return True
        return super().eventFilter(watched, event)


class PreviewPanel(QWidget):
    """Preset selection (grouped, checkable) above the exact previews of the selected presets."""

    selectedPresetsChanged = Signal(list)  # list[str] of preset ids
    previewsUpdated = Signal()  # a render was delivered (or failed) for the current inputs

    def __init__(
        self, runner: TaskRunner, presets: PresetBook, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("previewPanel")
        self._runner = runner
        self._presets: list[Preset] = list(presets)
        self._cache = FullImageCache()
        self._path: Path | None = None
        self._crop: CropState | None = None
        self._analysis: Analysis | None = None
        self._tiles: dict[str, PreviewTile] = {}
        self._rendering = False
        self._render_key = f"preview-panel-{id(self)}"
        self._pending_render = False

        self.picker = PresetPicker(self._presets, self)
        self.picker.checkedChanged.connect(self._on_checked_changed)
        self.true_size_box = QCheckBox("Actual pixels (100%)", self)
        self.true_size_box.setToolTip(
            "Show each output at its real pixel size (100 %), around the eyes;"
            " drag a preview to look around"
        )
        self.true_size_box.toggled.connect(self._apply_display)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("previewStatus")
        self.status_label.setWordWrap(True)

        self._tiles_host = QWidget(self)
        self._tiles_layout = QVBoxLayout(self._tiles_host)
        self._tiles_layout.setContentsMargins(4, 4, 4, 4)
        self._tiles_layout.setSpacing(8)
        self._tiles_layout.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("previewScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self._tiles_host)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        # Tiles fit the width (fit mode scales, actual pixels is a loupe): never a sideways scroll
        # that would hide the right half of a preview and its badge.
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Fit mode follows the viewport's width, which changes after the panel's own resize.
        self.scroll_area.viewport().installEventFilter(self)

        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(4, 4, 4, 0)
        header = QHBoxLayout()
        title = QLabel("<b>Output preview</b>", bottom)
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.true_size_box)
        bottom_layout.addLayout(header)
        bottom_layout.addWidget(self.status_label)
        bottom_layout.addWidget(self.scroll_area, 1)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.picker)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([240, 660])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

        known = {p.id for p in self._presets}
        self.picker.set_checked_ids([i for i in DEFAULT_PREVIEW_PRESETS if i in known])
        self._rebuild_tiles()
        self._update_status()

    # -- public API -------------------------------------------------------------------------------

    def set_photo(self, path: Path | None) -> None:
        """Show previews of ``path`` (None: no photo). The crop resets until ``set_crop``."""
        new_path = Path(path) if path is not None else None
        if new_path != self._path:
            # Never show the previous photo's outputs under the new one, even for a moment.
            for tile in self._tiles.values():
                tile.set_rendered(None)
        self._path = new_path
        self._crop = None
        self._analysis = None
        if self._path is None:
            self._cache.clear()
            self._runner.cancel(self._render_key)
            self._rendering = False
            for tile in self._tiles.values():
                tile.set_rendered(None)
                tile.image_label.setText("No photo")
        self._schedule_render()

    def set_crop(self, state: CropState | None, analysis: Analysis | None = None) -> None:
        """The committed crop (call when a drag finishes, not during it), and the photo's faces
        when known (ID presets are framed by their rule from them, as export does)."""
        self._crop = state
        self._analysis = analysis
        self._schedule_render()

    def set_selected_presets(self, ids: Sequence[str]) -> None:
        self.picker.set_checked_ids(list(ids))

    def selected_presets(self) -> list[str]:
        return self.picker.checked_ids()

    def set_true_size(self, on: bool) -> None:
        self.true_size_box.setChecked(on)

    def true_size(self) -> bool:
        return self.true_size_box.isChecked()

    def tile(self, preset_id: str) -> PreviewTile | None:
        return self._tiles.get(preset_id)

    def preview_image(self, preset_id: str) -> QImage | None:
        """The exact rendered output of ``preset_id`` (None until rendered)."""
        tile = self._tiles.get(preset_id)
        return tile.rendered.image if tile is not None and tile.rendered is not None else None

    def is_rendering(self) -> bool:
        return self._pending_render or self._rendering

    # -- rendering --------------------------------------------------------------------------------

    def _schedule_render(self) -> None:
        # set_photo + set_crop in one turn of the event loop should render once, not twice.
        if not self._pending_render:
            self._pending_render = True
            QTimer.singleShot(0, self._render_now)

    def _render_now(self) -> None:
        self._pending_render = False
        presets = presets_by_ids(self._presets, self.selected_presets())
        if self._path is None or not presets:
            self._rendering = False
            self._update_status()
            self.previewsUpdated.emit()
            return
        request = PreviewRequest(self._path, self._crop, presets, self._analysis)
        cache = self._cache
        self._rendering = True
        self._update_status()
        self._runner.submit(
            lambda: render_previews(request, cache),
            lambda results: self._on_rendered(request, results),
            lambda exc: self._on_render_failed(request, exc),
            key=self._render_key,
        )

    def _is_stale(self, request: PreviewRequest) -> bool:
        # A render for an older photo or crop can arrive before the newer one is even submitted
        # (renders are scheduled on the next event-loop turn); the newer one is on its way.
        return (
            request.path != self._path
            or request.crop != self._crop
            or request.analysis is not self._analysis
        )

    def _on_rendered(self, request: PreviewRequest, results: list[RenderedPreview]) -> None:
        if self._is_stale(request):
            return
        self._rendering = False
        for rendered in results:
            tile = self._tiles.get(rendered.preset_id)
            if tile is not None:
                tile.set_rendered(rendered)
        self._apply_display()
        self._update_status()
        self.previewsUpdated.emit()

    def _on_render_failed(self, request: PreviewRequest, exc: BaseException) -> None:
        if self._is_stale(request):
            return
        self._rendering = False
        message = describe_error(exc)
        for preset in request.presets:
            tile = self._tiles.get(preset.id)
            if tile is not None:
                tile.set_error("Cannot preview")
        self.status_label.setText(f"Preview failed: {message}")
        self.previewsUpdated.emit()

    # -- tiles ------------------------------------------------------------------------------------

    def _on_checked_changed(self, ids: list[str]) -> None:
        self._rebuild_tiles()
        self._update_status()
        self.selectedPresetsChanged.emit(list(ids))
        self._schedule_render()

    def _rebuild_tiles(self) -> None:
        wanted = presets_by_ids(self._presets, self.selected_presets())
        wanted_ids = [p.id for p in wanted]
        for pid in list(self._tiles):
            if pid not in wanted_ids:
                tile = self._tiles.pop(pid)
                self._tiles_layout.removeWidget(tile)
                tile.deleteLater()
        for index, preset in enumerate(wanted):
            existing = self._tiles.get(preset.id)
            if existing is None:
                tile = PreviewTile(preset, self._tiles_host)
                self._tiles[preset.id] = tile
                if self._path is None:
                    tile.image_label.setText("No photo")
            else:
                tile = existing
                self._tiles_layout.removeWidget(tile)
            self._tiles_layout.insertWidget(index, tile)
        self._apply_display()

    def _apply_display(self, *_args: object) -> None:
        fit_width = self.scroll_area.viewport().width() - 40  # tile frame, margins and spacing
        true_size = self.true_size()
        for tile in self._tiles.values():
            tile.set_display(true_size=true_size, fit_width=fit_width)

    def _update_status(self) -> None:
        if self._path is None:
            text = "Open a photo to preview its exports."
        elif not self._tiles:
            text = "Tick presets above to preview their output."
        elif self.is_rendering():
            text = "Rendering previews…"
        else:
            text = ""
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            self._apply_display()
        return super().eventFilter(watched, event)
