"""The photo canvas: the photo, the crop you drag, guides and face markers.

Scene units are upright ORIGINAL pixels in the crop's frame: the crop frame stays level and the
photo turns under it by the crop angle (as Lightroom does), so the crop box from the session is
drawn as is and the photo is rotated counter-clockwise by ``angle_deg`` about its centre
(``core.geometry`` convention). The photo is the screen-size preview scaled up to original size,
never the full decode.

The photo is painted in ``drawBackground`` with Qt's background cache, so a crop drag only repaints
the overlay (dimming, frame, handles, guides), drawn in device pixels in ``drawForeground``.

A suggestion applied (a thumbnail, 1-9, Compare, an undo back to one) is put in view: one too
small to work on at fit zoom (a group member's headshot) is zoomed to as Z does, one partly off
screen brings back the whole photo. Opening a photo leaves it at fit.

The widget holds no framing logic: mouse and keys become calls on the :class:`CropSession`, which
asks core for the constrained box; the canvas draws what the session and ``core.guides`` return.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPixmap,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView, QWidget

from core.crop_session import CropSession, CropState
from core.faces import Face
from core.framing import Handle, IdRule
from core.geometry import Box, Point, rotate_point
from core.guides import GuideSettings, all_guide_shapes, id_rule_for
from ui import crop_overlay, face_markers, guide_painter

BACKGROUND = QColor(30, 30, 32)
ZOOM_STEP = 1.25
MIN_ZOOM_OF_FIT = 0.25  # zoom out to a quarter of "fit"
MAX_ZOOM = 16.0  # device px per original px
CLICK_SLOP = 3.0  # px a press may wander and still count as a click
MAX_DRAG_ANGLE = 45.0  # a rotation drag outside the crop stops here (straightening, not turning)


@dataclass
class _Drag:
    """A left-button gesture under way, in scene units unless named ``*_view``."""

    handle: Handle | None  # None: pressed outside the crop (a face click, or a rotation)
    start_scene: QPointF
    start_view: QPointF
    start_box: Box
    started: bool = False  # moved past CLICK_SLOP: a drag rather than a click
    start_angle: float = 0.0  # for a rotation drag outside the crop


class PhotoCanvas(QGraphicsView):
    """Shows one photo with its crop; turns mouse and keys into :class:`CropSession` calls."""

    subjectClicked = Signal(int)
    resetRequested = Signal()  # right-click: re-apply the active suggestion
    cropChanging = Signal()  # relays session.changing (live drag)
    cropFinished = Signal()  # relays session.changed (committed edit)
    straightenFinished = Signal()  # the straighten tool drew its line and switched itself off

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setMinimumSize(200, 150)

        self._pixmap: QPixmap | None = None
        self._display_cache: QPixmap | None = None  # the preview at on-screen size
        self._original_size: tuple[int, int] | None = None
        self._session: CropSession | None = None
        self._faces: tuple[Face, ...] = ()
        self._subject: int | None = None
        self._guides = GuideSettings()
        self._id_rule: IdRule | None = None
        self._circle_mask = False
        self._straighten = False
        self._straighten_line: tuple[QPointF, QPointF] | None = None  # scene points
        self._drag: _Drag | None = None
        self._pan_from: QPointF | None = None
        self._space_down = False
        self._fit_mode = True
        self._drawn_angle = 0.0
        self._photo_drawn_rough = False  # the cached photo was drawn fast during a live rotation
        #: The suggestion whose crop was last put in view (see _frame_applied_crop), and the one
        #: that was zoomed to for being small.
        self._framed_suggestion: str | None = None
        self._zoomed_suggestion: str | None = None
        #: The guide labels written by the last paint (what the photographer can read).
        self.guide_labels: list[str] = []
        self.destroyed.connect(self._forget_session_callbacks)

    # -- public API ----------------------------------------------------------------------------
    def set_photo(self, preview: QImage | QPixmap, original_size: tuple[int, int]) -> None:
        """Show ``preview`` (a QImage or QPixmap at screen resolution) scaled to ``original_size``
        (upright original px, the scene's units)."""
        w, h = original_size
        if w <= 0 or h <= 0:
            raise ValueError(f"original size must be positive, got {original_size}")
        self._pixmap = preview if isinstance(preview, QPixmap) else QPixmap.fromImage(preview)
        self._display_cache = None
        self._original_size = (int(w), int(h))
        margin = 2.0 * max(w, h)
        self.setSceneRect(QRectF(-margin, -margin, w + 2 * margin, h + 2 * margin))
        self.resetCachedContent()
        self.zoom_fit()

    def clear_photo(self) -> None:
        self._pixmap = None
        self._display_cache = None
        self._original_size = None
        self.set_session(None)
        self.set_faces((), None)
        self.resetCachedContent()
        self.viewport().update()

    def set_session(self, session: CropSession | None) -> None:
        if self._session is not None:
            if self._session.is_live:
                self._session.finish_drag()  # a drag under way ends where it is
            self._straighten_line = None
            self._session.changing.disconnect(self._on_session_changing)
            self._session.changed.disconnect(self._on_session_changed)
        self._session = session
        self._drag = None
        # The crop a photo opens on is shown at fit, with the photo around it.
        self._framed_suggestion = session.state.suggestion_id if session is not None else None
        if session is not None:
            session.changing.connect(self._on_session_changing)
            session.changed.connect(self._on_session_changed)
            self._sync_from_state(session.state)
        self.viewport().update()

    @property
    def session(self) -> CropSession | None:
        return self._session

    def set_faces(self, faces: Sequence[Face], subject: int | None) -> None:
        self._faces = tuple(faces)
        self._subject = subject
        self.viewport().update()

    def set_guide_settings(self, s: GuideSettings) -> None:
        """Raises core.errors.FramingError for an unknown ``s.id_rule`` (checked here, not while
        painting)."""
        self._id_rule = id_rule_for(s)
        self._guides = s
        self.viewport().update()

    @property
    def guide_settings(self) -> GuideSettings:
        return self._guides

    def set_circle_mask(self, on: bool) -> None:
        self._circle_mask = on
        self.viewport().update()

    @property
    def circle_mask(self) -> bool:
        return self._circle_mask

    def set_straighten_tool(self, on: bool) -> None:
        """While on, the next left drag draws a line and the photo is rotated to level it."""
        self._straighten = on
        self._straighten_line = None
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)
        self.viewport().update()

    @property
    def straighten_tool(self) -> bool:
        return self._straighten

    def zoom_fit(self) -> None:
        """The whole photo in view, centred."""
        self._fit_mode = True
        if self._original_size is None:
            return
        w, h = self._original_size
        vw, vh = self.viewport().width(), self.viewport().height()
        s = min(vw / w, vh / h) * 0.96
        if s <= 0:
            return
        self.setTransform(QTransform.fromScale(s, s))
        self.centerOn(QPointF(w / 2.0, h / 2.0))

    def zoom_in(self) -> None:
        self._zoom_about(self.viewport().rect().center().toPointF(), ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom_about(self.viewport().rect().center().toPointF(), 1.0 / ZOOM_STEP)

    @property
    def zoom(self) -> float:
        """Device px per original px."""
        return self.transform().m11()

    # -- coordinates ---------------------------------------------------------------------------
    def _angle(self) -> float:
        return self._session.state.angle_deg if self._session is not None else 0.0

    def _image_center(self) -> Point:
        if self._original_size is not None:
            w, h = self._original_size
        elif self._session is not None:
            w, h = self._session.image_width, self._session.image_height
        else:
            w, h = 0, 0
        return Point(w / 2.0, h / 2.0)

    def image_to_scene(self) -> QTransform:
        """Upright original px -> scene (the photo rotated CCW by the crop angle)."""
        c = self._image_center()
        t = QTransform()
        t.translate(c.x, c.y)
        t.rotate(-self._angle())  # Qt turns clockwise for positive degrees (y down)
        t.translate(-c.x, -c.y)
        return t

    def scene_to_image(self, p: QPointF) -> Point:
        """A scene point in upright original px of the unrotated photo."""
        return rotate_point(Point(p.x(), p.y()), self._image_center(), -self._angle())

    def view_to_scene(self, p: QPointF) -> QPointF:
        inverted, _ok = self.viewportTransform().inverted()
        return inverted.map(p)

    def scene_to_view(self, p: QPointF) -> QPointF:
        return self.viewportTransform().map(p)

    def crop_rect_in_view(self) -> QRectF | None:
        """The crop in viewport px (None without a session)."""
        if self._session is None:
            return None
        b = self._session.state.box
        return self.viewportTransform().mapRect(QRectF(b.x, b.y, b.w, b.h))

    # -- session -------------------------------------------------------------------------------
    def _forget_session_callbacks(self) -> None:
        # Called from Qt's destroyed(): the Python wrapper may outlive the widget, keep the
        # session from calling into a deleted view.
        if self._session is not None:
            self._session.changing.disconnect(self._on_session_changing)
            self._session.changed.disconnect(self._on_session_changed)

    def _sync_from_state(self, state: CropState) -> None:
        if state.angle_deg != self._drawn_angle:
            self._drawn_angle = state.angle_deg
            self.resetCachedContent()
        if state.subject is not None and state.subject < len(self._faces):
            self._subject = state.subject

    def _on_session_changing(self, state: CropState) -> None:
        self._sync_from_state(state)
        self.viewport().update()
        self.cropChanging.emit()

    def _on_session_changed(self, state: CropState) -> None:
        if self._photo_drawn_rough:
            self.resetCachedContent()  # a live rotation ended: redraw the photo smooth
        self._sync_from_state(state)
        if state.suggestion_id is not None and state.suggestion_id != self._framed_suggestion:
            self._framed_suggestion = state.suggestion_id
            self._frame_applied_crop(state.box)
        self.viewport().update()
        self.cropFinished.emit()

    def zoomed_to_suggestion(self, suggestion_id: str) -> bool:
        """Whether applying ``suggestion_id`` zoomed the view to its (small) crop."""
        return suggestion_id == self._zoomed_suggestion

    def _frame_applied_crop(self, box: Box) -> None:
        """A crop that would be small at fit zoom fills the view (as Z); one not wholly on
        screen brings back the whole photo; otherwise the view stays as the user left it."""
        if self._original_size is None:
            return
        self._zoomed_suggestion = None
        if min(box.w, box.h) * self._fit_scale() < crop_overlay.SMALL_CROP_PX:
            self.zoom_to_crop()
            self._zoomed_suggestion = self._framed_suggestion
            return
        crop = self.crop_rect_in_view()
        if crop is not None and not QRectF(self.viewport().rect()).contains(crop):
            self.zoom_fit()

    # -- painting ------------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        painter.fillRect(QRectF(rect), BACKGROUND)
        if self._pixmap is None or self._original_size is None:
            return
        w, h = self._original_size
        pixmap = self._display_pixmap()
        painter.save()
        # While the angle is being dragged the photo is redrawn every frame: nearest-neighbour
        # from the display-size pixmap keeps that fast; the finished angle is drawn smooth.
        rotating = self._session is not None and self._session.is_live and self._angle() != 0.0
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not rotating)
        self._photo_drawn_rough = rotating
        painter.setTransform(self.image_to_scene(), True)
        painter.scale(w / pixmap.width(), h / pixmap.height())
        painter.drawPixmap(0, 0, pixmap)
        painter.restore()

    def _display_pixmap(self) -> QPixmap:
        """The preview scaled once (area-averaged) to the size it shows at on screen, when that is
        smaller: sharper than letting the painter sample it down every frame, and cheaper."""
        assert self._pixmap is not None and self._original_size is not None
        device_scale = self.zoom * self.devicePixelRatioF() * self._original_size[0]
        target_w = math.ceil(device_scale)
        if target_w >= self._pixmap.width():
            return self._pixmap
        target_h = math.ceil(self.zoom * self.devicePixelRatioF() * self._original_size[1])
        cached = self._display_cache
        if cached is None or (cached.width(), cached.height()) != (target_w, target_h):
            cached = self._pixmap.scaled(
                target_w,
                target_h,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            self._display_cache = cached
        return cached

    def _dragging(self) -> bool:
        return (self._drag is not None and self._drag.started) or (
            self._session is not None and self._session.is_live
        )

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        painter.save()
        try:
            self._paint_overlay(painter)
        finally:
            # An exception must not leave saved painter states behind (Qt crashes on those).
            painter.restore()

    def _paint_overlay(self, painter: QPainter) -> None:
        self.guide_labels = []
        to_view = self.viewportTransform()
        painter.setWorldTransform(QTransform())  # device pixels from here on
        viewport = QRectF(self.viewport().rect())
        session = self._session
        crop = self.crop_rect_in_view()
        if session is not None and crop is not None:
            circle = None
            if self._circle_mask:
                c = session.avatar_box()  # the circle export makes, not one drawn in the crop
                circle = to_view.mapRect(QRectF(c.x, c.y, c.w, c.h))
            crop_overlay.paint_dimming(painter, viewport, crop, circle)
            if self._guides_shown():
                self._paint_guides(painter, to_view, crop)
        # The face ovals belong to the guides: "Guides: none" is the photo alone (a face can
        # still be clicked to make it the subject; the pointer shows where).
        if self._faces and self._guides_shown():
            face_markers.paint_faces(
                painter,
                self._faces,
                self._subject,
                self.image_to_scene() * to_view,
                fast=self._dragging(),
            )
        if session is not None and crop is not None:
            crop_overlay.paint_frame(painter, crop, handles=not self._straighten)
            if self._dragging():
                w, h = session.state.box.rounded()[2:]
                text = f"{w} × {h} px"
                if session.state.angle_deg:
                    text += f"  ·  {session.state.angle_deg:+.1f}°"
                crop_overlay.paint_size_label(painter, crop, viewport, text)
        if self._straighten_line is not None:
            a, b = self._straighten_line
            crop_overlay.paint_straighten_line(painter, to_view.map(a), to_view.map(b))

    def _guides_shown(self) -> bool:
        return bool(self._guides.enabled) and self._guides.visible(self._dragging())

    def _paint_guides(self, painter: QPainter, to_view: QTransform, crop: QRectF) -> None:
        assert self._session is not None
        state = self._session.state
        face = None
        if state.subject is not None and state.subject < len(self._faces):
            face = self._faces[state.subject]
        elif self._subject is not None and self._subject < len(self._faces):
            face = self._faces[self._subject]
        shapes = all_guide_shapes(
            state.box,
            self._guides,
            face=face,
            angle_deg=state.angle_deg,
            id_rule=self._id_rule,
            image_size=(self._session.image_width, self._session.image_height),
        )
        self.guide_labels = guide_painter.paint_shapes(
            painter, shapes, to_view, crop.adjusted(0, 0, 1, 1), fast=self._dragging()
        )

    # -- zoom and pan --------------------------------------------------------------------------
    def _fit_scale(self) -> float:
        if self._original_size is None:
            return 1.0
        w, h = self._original_size
        return min(self.viewport().width() / w, self.viewport().height() / h) * 0.96

    def _zoom_about(self, view_pos: QPointF, factor: float) -> None:
        """Zoom by ``factor`` keeping the scene point under ``view_pos`` where it is."""
        current = self.zoom
        target = min(MAX_ZOOM, max(self._fit_scale() * MIN_ZOOM_OF_FIT, current * factor))
        if target == current or current <= 0:
            return
        anchor = self.view_to_scene(view_pos)
        self._fit_mode = False
        self.setTransform(QTransform.fromScale(target, target))
        moved = self.scene_to_view(anchor) - view_pos
        self._scroll_by(moved.x(), moved.y())

    def _scroll_by(self, dx: float, dy: float) -> None:
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + round(dx))
        v.setValue(v.value() + round(dy))

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Wheels send 120 per notch; touchpads may send only pixel deltas.
        steps = event.angleDelta().y() / 120.0 or event.pixelDelta().y() / 120.0
        if steps:
            self._zoom_about(event.position(), ZOOM_STEP**steps)
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit_mode:
            self.zoom_fit()

    # -- mouse ---------------------------------------------------------------------------------
    def _handle_at(self, view_pos: QPointF) -> Handle | None:
        crop = self.crop_rect_in_view()
        return crop_overlay.hit_handle(crop, view_pos) if crop is not None else None

    def _face_at(self, view_pos: QPointF) -> int | None:
        if not self._faces or self._original_size is None:
            return None
        return face_markers.face_at(self._faces, self.scene_to_image(self.view_to_scene(view_pos)))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self._space_down
        ):
            self._pan_from = pos
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if button == Qt.MouseButton.RightButton:
            self.resetRequested.emit()
            event.accept()
            return
        if button != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        scene = self.view_to_scene(pos)
        if self._straighten:
            self._straighten_line = (scene, scene)
            event.accept()
            return
        if self._session is None:
            self._drag = _Drag(None, scene, pos, Box(0, 0, 0, 0))
        else:
            state = self._session.state
            self._drag = _Drag(
                self._handle_at(pos), scene, pos, state.box, start_angle=state.angle_deg
            )
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            self._fit_mode = False
            self._scroll_by(-delta.x(), -delta.y())
            event.accept()
            return
        if self._straighten_line is not None:
            self._straighten_line = (self._straighten_line[0], self.view_to_scene(pos))
            self.viewport().update()
            event.accept()
            return
        drag = self._drag
        if drag is None:
            self._update_hover_cursor(pos)
            return
        if self._session is None:
            return
        if not drag.started:
            d = pos - drag.start_view
            if math.hypot(d.x(), d.y()) < CLICK_SLOP:
                return
            if drag.handle is None and self._face_at(drag.start_view) is not None:
                return  # a press on a face outside the crop is a click, not a rotation
            drag.started = True
        if drag.handle is None:
            self._rotate_drag(drag, self.view_to_scene(pos))
            event.accept()
            return
        mods = event.modifiers()
        scene = self.view_to_scene(pos)
        proposed = _proposed_box(
            drag.start_box,
            drag.handle,
            scene.x() - drag.start_scene.x(),
            scene.y() - drag.start_scene.y(),
            from_center=bool(
                mods & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier)
            ),
        )
        self._session.drag_to(
            proposed,
            drag.handle,
            from_center=bool(
                mods & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier)
            )
            and drag.handle != "move",
            keep_ratio=bool(mods & Qt.KeyboardModifier.ShiftModifier),
        )
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._pan_from is not None and event.button() in (
            Qt.MouseButton.MiddleButton,
            Qt.MouseButton.LeftButton,
        ):
            self._pan_from = None
            self._update_hover_cursor(pos)
            event.accept()
            return
        if self._straighten_line is not None and event.button() == Qt.MouseButton.LeftButton:
            self._finish_straighten(self.view_to_scene(pos))
            event.accept()
            return
        drag, self._drag = self._drag, None
        if drag is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        if drag.started and self._session is not None:
            self._session.finish_drag()  # one undo step; emits changed -> cropFinished
        else:
            face = self._face_at(pos)
            if face is not None:
                self.subjectClicked.emit(face)
        self.viewport().update()
        event.accept()

    def _rotate_drag(self, drag: _Drag, scene: QPointF) -> None:
        """Dragging outside the crop turns the photo about the crop's centre, as in Lightroom:
        the photo follows the pointer (clockwise on screen lowers the counter-clockwise angle)."""
        assert self._session is not None
        c = drag.start_box.center
        a0 = math.atan2(drag.start_scene.y() - c.y, drag.start_scene.x() - c.x)
        a1 = math.atan2(scene.y() - c.y, scene.x() - c.x)
        turned = math.degrees(math.atan2(math.sin(a1 - a0), math.cos(a1 - a0)))
        angle = max(-MAX_DRAG_ANGLE, min(MAX_DRAG_ANGLE, drag.start_angle - turned))
        self._session.set_angle(angle, live=True)

    def _finish_straighten(self, end_scene: QPointF) -> None:
        assert self._straighten_line is not None
        start = self._straighten_line[0]
        self._straighten_line = None
        a_view, b_view = self.scene_to_view(start), self.scene_to_view(end_scene)
        long_enough = math.hypot(b_view.x() - a_view.x(), b_view.y() - a_view.y()) >= 8.0
        if self._session is not None and long_enough:
            self._session.straighten_by_line(
                self.scene_to_image(start), self.scene_to_image(end_scene)
            )
        self.set_straighten_tool(False)
        self.straightenFinished.emit()

    def _update_hover_cursor(self, pos: QPointF) -> None:
        if self._straighten:
            self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        elif self._space_down:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            handle = self._handle_at(pos)
            if handle is None and self._face_at(pos) is not None:
                self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
            elif handle is None and self._session is not None:
                self.viewport().setCursor(crop_overlay.rotate_cursor())
            else:
                self.viewport().setCursor(crop_overlay.cursor_for(handle))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        # Right-click is "reset to the suggestion" (handled on press), not a menu.
        event.accept()

    # -- keys (delivered by ui.keymap.CropKeyRouter, whichever widget has focus) --------------
    def hold_pan(self, held: bool) -> None:
        """Space held: a left drag pans instead of editing the crop."""
        self._space_down = held
        if not held:
            self._pan_from = None
        if not self._straighten:
            self.viewport().setCursor(
                Qt.CursorShape.OpenHandCursor if held else Qt.CursorShape.ArrowCursor
            )

    @property
    def pan_held(self) -> bool:
        return self._space_down

    def is_dragging(self) -> bool:
        """A crop drag, a rotation drag or a straighten line is under way."""
        return self._dragging() or self._straighten_line is not None

    def cancel_drag(self) -> bool:
        """Esc: the gesture under way is dropped and the crop goes back to where it started.
        Returns whether there was one. The mouse release that follows does nothing."""
        if self._straighten_line is not None:
            self._straighten_line = None
            self.viewport().update()
            return True
        session = self._session
        if session is None or not (self._drag is not None or session.is_live):
            return False
        self._drag = None
        if session.is_live:
            session.cancel_drag()
        self.viewport().update()
        return True

    def finish_drag(self) -> bool:
        """Enter: the gesture under way ends where it is (one undo step). Returns whether there
        was one."""
        session = self._session
        if session is None or not (self._drag is not None or session.is_live):
            return False
        self._drag = None
        if session.is_live:
            session.finish_drag()
        self.viewport().update()
        return True

    def zoom_to_crop(self) -> None:
        """The crop fills the view (with a margin to grab its handles): small faces get room.
        (Z, and a small suggestion when it is applied.)"""
        if self._session is None or self._original_size is None:
            return
        b = self._session.state.box
        vw, vh = self.viewport().width(), self.viewport().height()
        s = min(MAX_ZOOM, min(vw / b.w, vh / b.h) * 0.8)
        self._fit_mode = False
        self.setTransform(QTransform.fromScale(s, s))
        self.centerOn(QPointF(b.cx, b.cy))
        self.viewport().update()


def _proposed_box(
    start: Box, handle: Handle, dx: float, dy: float, *, from_center: bool = False
) -> Box:
    """The box the pointer asks for: ``start`` with the grabbed edges moved by (dx, dy) scene px
    (mirrored on the opposite edges when resizing from the centre). Core constrains it after."""
    if handle == "move":
        return start.translated(dx, dy)
    left, top, right, bottom = start.left, start.top, start.right, start.bottom
    if "w" in handle:
        left += dx
        if from_center:
            right -= dx
    if "e" in handle:
        right += dx
        if from_center:
            left -= dx
    if "n" in handle:
        top += dy
        if from_center:
            bottom -= dy
    if "s" in handle:
        bottom += dy
        if from_center:
            top -= dy
    # An edge dragged over its opposite stops there (core's min_size takes over).
    if right - left < 1.0:
        if "w" in handle and not from_center:
            left = right - 1.0
        else:
            right = left + 1.0
    if bottom - top < 1.0:
        if "n" in handle and not from_center:
            top = bottom - 1.0
        else:
            bottom = top + 1.0
    return Box.from_edges(left, top, right, bottom)
