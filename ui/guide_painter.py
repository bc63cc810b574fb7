"""Draws core.guides shapes on the canvas: thin light lines with a dark halo, in device pixels.

Shapes arrive in scene units (the crop's frame, original pixels); they are mapped to viewport pixels
here and axis-aligned lines are snapped to pixel centres, so a 1 px guide stays one crisp pixel at
any zoom. The halo keeps the line readable on bright skies and dark suits alike.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF, QTransform

from core.geometry import Point
from core.guides import Band, Ellipse, Line, Polyline, Role, Shape

HALO = QColor(0, 0, 0, 120)
INK: dict[Role, QColor] = {
    "guide": QColor(255, 255, 255, 200),
    "target": QColor(120, 210, 255, 230),
    "face": QColor(255, 196, 64, 235),
}
BAND_FILL = QColor(120, 210, 255, 38)


def _pen(color: QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(color, width, style)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def _snap(v: float) -> float:
    """Centre of the device pixel ``v`` falls in: a 1 px line there covers exactly one pixel."""
    return float(int(v)) + 0.5 if v >= 0 else float(int(v) - 1) + 0.5


def _map(t: QTransform, p: Point) -> QPointF:
    return t.map(QPointF(p.x, p.y))


def _device_line(t: QTransform, line: Line) -> tuple[QLineF, bool]:
    a, b = _map(t, line.p1), _map(t, line.p2)
    if abs(a.x() - b.x()) < 0.01:
        x = _snap(a.x())
        return QLineF(x, a.y(), x, b.y()), True
    if abs(a.y() - b.y()) < 0.01:
        y = _snap(a.y())
        return QLineF(a.x(), y, b.x(), y), True
    return QLineF(a, b), False


#: What one stroke draws: a line, several lines, a polyline or an ellipse (in its box).
Drawable = QLineF | list[QLineF] | QPolygonF | QRectF


def _draw(painter: QPainter, item: Drawable) -> None:
    if isinstance(item, QLineF):
        painter.drawLine(item)
    elif isinstance(item, QPolygonF):
        painter.drawPolyline(item)
    elif isinstance(item, QRectF):
        painter.drawEllipse(item)
    else:
        painter.drawLines(item)


def _stroke(
    painter: QPainter,
    item: Drawable,
    role: Role,
    dashed: bool = False,
    fast: bool = False,
) -> None:
    """Draw twice: a 3 px dark halo, then the 1 px light line on top. ``fast`` (during drags)
    draws the halo of curves without antialiasing: a wide antialiased stroke costs about three
    times as much, and the light line on top stays smooth."""
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    smooth = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
    if fast and smooth:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(_pen(HALO, 3.0))
    _draw(painter, item)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
    painter.setPen(_pen(INK[role], 1.0, style))
    _draw(painter, item)


def paint_shapes(
    painter: QPainter,
    shapes: Sequence[Shape],
    to_view: QTransform,
    clip: QRectF | None = None,
    *,
    fast: bool = False,
) -> list[str]:
    """Paint ``shapes`` (scene units) with ``painter`` in device pixels; ``to_view`` maps scene to
    viewport, ``clip`` (viewport px) keeps them inside the crop; ``fast`` while dragging. Returns
    the labels written."""
    painter.save()
    try:
        return _paint(painter, shapes, to_view, clip, fast)
    finally:
        painter.restore()


def _paint(
    painter: QPainter,
    shapes: Sequence[Shape],
    to_view: QTransform,
    clip: QRectF | None,
    fast: bool,
) -> list[str]:
    painter.setWorldTransform(QTransform())
    if clip is not None:
        painter.setClipRect(clip)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    labels: list[tuple[QPointF, str, Role, bool]] = []  # anchor, text, role, grow left
    for shape in shapes:
        if isinstance(shape, Band):
            r = to_view.mapRect(QRectF(shape.box.x, shape.box.y, shape.box.w, shape.box.h))
            painter.fillRect(r, BAND_FILL)
            top, bottom = _snap(r.top()), _snap(r.bottom())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            edges = (
                QLineF(r.left(), top, r.right(), top),
                QLineF(r.left(), bottom, r.right(), bottom),
            )
            _stroke(painter, list(edges), shape.role, dashed=True)
            if shape.label:
                labels.append((QPointF(r.left() + 6, r.top() + 3), shape.label, shape.role, False))
        elif isinstance(shape, Line):
            line, straight = _device_line(to_view, shape)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, not straight)
            _stroke(painter, line, shape.role, fast=fast)
            if shape.label and shape.role == "face":
                labels.append(
                    (QPointF(line.p2().x() - 6, line.p2().y() + 3), shape.label, shape.role, True)
                )
            elif shape.label and shape.role == "target" and straight and line.dy() == 0:
                labels.append(
                    (QPointF(line.p1().x() - 4, line.p1().y() - 17), shape.label, shape.role, True)
                )
        elif isinstance(shape, Polyline):
            pts = [_map(to_view, p) for p in shape.points]
            if not pts:
                continue
            if shape.closed:
                pts.append(pts[0])
            straight = all(
                abs(a.x() - b.x()) < 0.01 or abs(a.y() - b.y()) < 0.01
                for a, b in itertools.pairwise(pts)
            )
            if straight:
                # Frames of other ratios: pixel-snapped and not antialiased, crisp and cheap.
                pts = [QPointF(_snap(p.x()), _snap(p.y())) for p in pts]
            polygon = QPolygonF(pts)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, not straight)
            _stroke(painter, polygon, shape.role, dashed=shape.closed, fast=fast)
            if shape.label:
                labels.append(
                    (QPointF(pts[0].x() + 4, pts[0].y() + 3), shape.label, shape.role, False)
                )
        elif isinstance(shape, Ellipse):
            r = to_view.mapRect(QRectF(shape.box.x, shape.box.y, shape.box.w, shape.box.h))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            _stroke(painter, r, shape.role, fast=fast)
    return _paint_labels(painter, _worth_reading(labels, clip), clip)


#: A crop drawn smaller than this (device px) gets its guide lines without words: on a small crop
#: the labels would sit on the face.
MIN_LABELLED_CROP = (220.0, 260.0)


def _worth_reading(
    labels: list[tuple[QPointF, str, Role, bool]], clip: QRectF | None
) -> list[tuple[QPointF, str, Role, bool]]:
    """The labels worth their space: none on a small crop; each word once (the detected eye line
    and the eye band would both say "eyes", an ID rule's crown band and the detected crown both
    "crown": the band keeps it); of the head-size ticks only the one nearest the chin (where the
    head sits: tight, standard or loose)."""
    if clip is not None and (
        clip.width() < MIN_LABELLED_CROP[0] or clip.height() < MIN_LABELLED_CROP[1]
    ):
        return []
    chin = next((a.y() for a, text, role, _ in labels if role == "face" and text == "chin"), None)
    ticks = [lab for lab in labels if lab[2] == "target" and lab[3]]
    nearest = (
        min(ticks, key=lambda lab: abs(lab[0].y() + 17 - chin))
        if chin is not None and ticks
        else None
    )
    out: list[tuple[QPointF, str, Role, bool]] = []
    seen: set[str] = set()
    # Bands first: their words name the zone; a detected line of the same name needs none.
    for label in sorted(labels, key=lambda lab: lab[2] == "face"):
        text = label[1]
        if text in seen or (label in ticks and nearest is not None and label is not nearest):
            continue
        seen.add(text)
        out.append(label)
    return out


def _paint_labels(
    painter: QPainter, labels: Sequence[tuple[QPointF, str, Role, bool]], clip: QRectF | None
) -> list[str]:
    if not labels:
        return []
    font = QFont(painter.font())
    font.setPixelSize(11)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    drawn: list[QRectF] = []
    written: list[str] = []
    # What was detected (crown, eyes, chin) outranks the targets; on a small crop a label that
    # would sit on another is dropped rather than stacked into an unreadable pile.
    ordered = sorted(labels, key=lambda label: label[2] != "face")
    for anchor, text, role, grow_left in ordered:
        w = metrics.horizontalAdvance(text) + 8
        h = metrics.height() + 2
        x = anchor.x() - w if grow_left else anchor.x()
        y = anchor.y()
        if clip is not None:
            # A line at (or beyond) the crop's edge still gets its label, inside the crop: the
            # crown label pinned to the top says "the crown is up there".
            y = max(clip.top() + 2, min(y, clip.bottom() - h - 2))
        box = QRectF(x, y, w, h)
        if any(box.intersects(other) for other in drawn):
            continue
        drawn.append(box)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 150))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(INK[role])
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        written.append(text)
    return written
