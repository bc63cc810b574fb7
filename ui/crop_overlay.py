"""The crop frame on the canvas: dimming outside it, the frame, 8 handles, the size label.

Everything here works in viewport (device) pixels, so handles keep their on-screen size at any zoom
and 1 px lines stay crisp. Hit-testing lives next to the painting so both agree on where a handle
is.

A crop shown small (a group member's headshot at fit zoom) keeps its inside for the face: its
handles sit just outside the frame, the grab band reaches out to them and only a hair inside, so a
press anywhere on the face moves the crop instead of resizing it.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)

from core.framing import Handle

#: Half the side of a drawn handle square, and how far from a handle/edge a press still grabs it.
HANDLE_HALF = 4.5
GRAB = 8.0
#: A crop whose shorter side is under this many screen px is "small": its handles move outside the
#: frame (8 handles with their grab bands would cover half of a 55 px box and the face in it),
#: and a suggestion applied that small is zoomed to (ui.canvas).
SMALL_CROP_PX = 120.0
#: Small crops: handle centres this far outside the frame line, and how far inside it still grabs.
OUTSIDE_GAP = HANDLE_HALF + 3.0
INNER_GRAB = 3.0

DIM = QColor(0, 0, 0, 150)
CIRCLE_DIM = QColor(0, 0, 0, 110)
CIRCLE_EDGE = QColor(255, 255, 255, 170)
FRAME_INK = QColor(255, 255, 255, 235)
FRAME_HALO = QColor(0, 0, 0, 140)

CURSORS: dict[Handle, Qt.CursorShape] = {
    "move": Qt.CursorShape.SizeAllCursor,
    "n": Qt.CursorShape.SizeVerCursor,
    "s": Qt.CursorShape.SizeVerCursor,
    "e": Qt.CursorShape.SizeHorCursor,
    "w": Qt.CursorShape.SizeHorCursor,
    "nw": Qt.CursorShape.SizeFDiagCursor,
    "se": Qt.CursorShape.SizeFDiagCursor,
    "ne": Qt.CursorShape.SizeBDiagCursor,
    "sw": Qt.CursorShape.SizeBDiagCursor,
}


def cursor_for(handle: Handle | None) -> QCursor:
    return QCursor(CURSORS[handle] if handle else Qt.CursorShape.ArrowCursor)


@cache
def rotate_cursor() -> QCursor:
    """A curved double arrow (Qt has no rotate cursor): outside the crop, dragging turns the
    photo."""
    size = 24
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    arc = QRectF(5, 5, 14, 14)
    for color, width in ((QColor(0, 0, 0), 3.5), (QColor(255, 255, 255), 1.5)):
        painter.setPen(QPen(color, width))
        painter.drawArc(arc, 30 * 16, 210 * 16)
        # Arrowheads at both ends of the arc.
        painter.setBrush(color)
        painter.drawPolygon(QPolygonF([QPointF(19, 3), QPointF(21, 11), QPointF(14, 9)]))
        painter.drawPolygon(QPolygonF([QPointF(2, 14), QPointF(9, 17), QPointF(3, 21)]))
    painter.end()
    return QCursor(pixmap, size // 2, size // 2)


def handle_points(r: QRectF) -> dict[Handle, QPointF]:
    """Where each resize handle sits on the crop rectangle ``r`` (viewport px)."""
    cx, cy = r.center().x(), r.center().y()
    return {
        "nw": r.topLeft(),
        "n": QPointF(cx, r.top()),
        "ne": r.topRight(),
        "e": QPointF(r.right(), cy),
        "se": r.bottomRight(),
        "s": QPointF(cx, r.bottom()),
        "sw": r.bottomLeft(),
        "w": QPointF(r.left(), cy),
    }


def is_small(r: QRectF) -> bool:
    """Whether the crop is shown too small for handles on its frame (see SMALL_CROP_PX)."""
    return min(r.width(), r.height()) < SMALL_CROP_PX


def drawn_handle_points(r: QRectF) -> dict[Handle, QPointF]:
    """Where the handles are drawn: on the frame, or just outside it for a small crop."""
    if is_small(r):
        g = OUTSIDE_GAP
        return handle_points(r.adjusted(-g, -g, g, g))
    return handle_points(r)


def hit_handle(r: QRectF, pos: QPointF, grab: float = GRAB) -> Handle | None:
    """The handle under ``pos`` (viewport px): corners first, then anywhere along an edge, then
    "move" inside; None outside. A small crop's edges grab from its handles outside down to
    INNER_GRAB inside (its inside is for moving)."""
    x, y = pos.x(), pos.y()
    outer, inner = grab, grab
    if is_small(r):
        outer, inner = max(grab, OUTSIDE_GAP + HANDLE_HALF + 1.0), min(grab, INNER_GRAB)
    near_l = -outer <= x - r.left() <= inner
    near_r = -inner <= x - r.right() <= outer
    near_t = -outer <= y - r.top() <= inner
    near_b = -inner <= y - r.bottom() <= outer
    # A crop shown tiny on screen: prefer the side nearer the pointer.
    if near_l and near_r:
        near_l, near_r = (x < r.center().x(), x >= r.center().x())
    if near_t and near_b:
        near_t, near_b = (y < r.center().y(), y >= r.center().y())
    in_x = r.left() - outer <= x <= r.right() + outer
    in_y = r.top() - outer <= y <= r.bottom() + outer
    if not (in_x and in_y):
        return None
    vertical = "n" if near_t else "s" if near_b else ""
    horizontal = "w" if near_l else "e" if near_r else ""
    name = vertical + horizontal
    if name:
        return _EDGE_HANDLES[name]
    return "move" if r.contains(pos) else None


_EDGE_HANDLES: dict[str, Handle] = {h: h for h in ("n", "s", "e", "w", "ne", "nw", "se", "sw")}


def _pen(color: QColor, width: float) -> QPen:
    pen = QPen(color, width)
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


def _snap_rect(r: QRectF) -> QRectF:
    """Edges on pixel centres so a 1 px frame is one crisp pixel wide."""
    left, top = round(r.left()) + 0.5, round(r.top()) + 0.5
    right, bottom = round(r.right()) - 0.5, round(r.bottom()) - 0.5
    return QRectF(QPointF(left, top), QPointF(max(left, right), max(top, bottom)))


def paint_dimming(
    painter: QPainter, viewport: QRectF, crop: QRectF, circle: QRectF | None = None
) -> None:
    """Darken everything outside the crop; with a circle mask, also the crop's corners."""
    # Four plain rectangles: the raster engine fills those on its fast path (a path with a hole
    # goes through the general rasteriser and costs several times more per frame).
    inner = crop.intersected(viewport)
    if inner.isEmpty():
        painter.fillRect(viewport, DIM)
    else:
        left, top, right, bottom = (
            round(inner.left()),
            round(inner.top()),
            round(inner.right()),
            round(inner.bottom()),
        )
        vw, vh = round(viewport.right()), round(viewport.bottom())
        painter.fillRect(QRectF(0, 0, vw, top), DIM)
        painter.fillRect(QRectF(0, bottom, vw, vh - bottom), DIM)
        painter.fillRect(QRectF(0, top, left, bottom - top), DIM)
        painter.fillRect(QRectF(right, top, vw - right, bottom - top), DIM)
    if circle is not None:
        # The avatar circle is cut from the crop re-fitted to a square, so it may reach past a
        # tall crop's sides: dim what of the crop it leaves out, and outline the whole circle.
        inside, ring = QPainterPath(), QPainterPath()
        inside.addRect(crop)
        ring.addEllipse(circle)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillPath(inside.subtracted(ring), CIRCLE_DIM)
        painter.setPen(_pen(CIRCLE_EDGE, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(circle)


def paint_frame(painter: QPainter, crop: QRectF, *, handles: bool = True) -> None:
    """The crop outline (light line, dark halo) and its 8 handles."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    r = _snap_rect(crop)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(_pen(FRAME_HALO, 3.0))
    painter.drawRect(r)
    painter.setPen(_pen(FRAME_INK, 1.0))
    painter.drawRect(r)
    if not handles:
        return
    painter.setPen(_pen(FRAME_HALO, 1.0))
    painter.setBrush(FRAME_INK)
    h = HANDLE_HALF
    for p in drawn_handle_points(r).values():
        painter.drawRect(QRectF(round(p.x() - h) + 0.5, round(p.y() - h) + 0.5, 2 * h, 2 * h))


def paint_size_label(painter: QPainter, crop: QRectF, viewport: QRectF, text: str) -> None:
    """The crop size while dragging, just under the frame's bottom-right corner (kept on screen)."""
    font = QFont(painter.font())
    font.setPixelSize(12)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    w, h = metrics.horizontalAdvance(text) + 12, metrics.height() + 6
    x = min(max(crop.right() - w, viewport.left() + 4), viewport.right() - w - 4)
    y = crop.bottom() + 10
    if y + h > viewport.bottom() - 4:
        y = crop.bottom() - h - 10
    box = QRectF(x, y, w, h)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 185))
    painter.drawRoundedRect(box, 4, 4)
    painter.setPen(FRAME_INK)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def paint_straighten_line(painter: QPainter, a: QPointF, b: QPointF) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    line = QLineF(a, b)
    painter.setPen(_pen(FRAME_HALO, 3.0))
    painter.drawLine(line)
    painter.setPen(_pen(QColor(255, 196, 64), 1.0))
    painter.drawLine(line)
