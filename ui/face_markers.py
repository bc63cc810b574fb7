"""Detected faces on the canvas: a subtle outline per head, the subject highlighted.

Faces are in upright original pixels; the canvas shows the photo rotated by the crop angle, so the
marker is drawn through the same rotation as the photo.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTransform

from core.faces import Face
from core.geometry import Box, Point

OTHER = QColor(255, 255, 255, 110)
SUBJECT = QColor(255, 196, 64, 190)
HALO = QColor(0, 0, 0, 90)


def marker_box(face: Face) -> Box:
    """The outline drawn for a face: the head (ear to ear, crown to chin), upright original px."""
    return face.head_box


def face_at(faces: Sequence[Face], p: Point) -> int | None:
    """Index of the face whose marker contains ``p`` (upright original px); the smallest wins when
    markers overlap (a child's face in front of a parent's)."""
    hits = [(marker_box(f).area, i) for i, f in enumerate(faces) if marker_box(f).contains_point(p)]
    return min(hits)[1] if hits else None


def paint_faces(
    painter: QPainter,
    faces: Sequence[Face],
    subject: int | None,
    image_to_view: QTransform,
    *,
    fast: bool = False,
) -> None:
    """Ellipses around each head; ``image_to_view`` maps upright original px to viewport px.
    ``fast`` (while dragging) draws the dark halo without antialiasing, which is much cheaper."""
    painter.save()
    try:
        _paint(painter, faces, subject, image_to_view, fast)
    finally:
        painter.restore()


def _paint(
    painter: QPainter,
    faces: Sequence[Face],
    subject: int | None,
    image_to_view: QTransform,
    fast: bool,
) -> None:
    painter.setWorldTransform(image_to_view)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for i, face in enumerate(faces):
        b = marker_box(face)
        r = QRectF(b.x, b.y, b.w, b.h)
        is_subject = i == subject
        for color, width in (
            (HALO, 3.5 if is_subject else 3.0),
            (SUBJECT if is_subject else OTHER, 1.25 if is_subject else 1.0),
        ):
            pen = QPen(color, width, Qt.PenStyle.SolidLine if is_subject else Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, not (fast and color is HALO))
            painter.drawEllipse(r)
