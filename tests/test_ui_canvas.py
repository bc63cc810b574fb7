"""PhotoCanvas with real photos, real Qt events on the viewport and a real CropSession."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.crop_session import CropSession, CropState
from core.faces import Analysis
from core.framing.rotation import box_inside
from core.geometry import Box, Point, rotate_point
from core.guides import GUIDE_KINDS, GuideSettings
from core.models import ModelStore
from core.photo import load_preview
from tests.framing_factory import make_analysis, make_face
from ui.canvas import PhotoCanvas
from ui.qt_images import pil_to_qimage

SCREENSHOTS = Path(__file__).resolve().parent.parent / "out" / "screenshots"
LEFT = Qt.MouseButton.LeftButton
NO_MODS = Qt.KeyboardModifier.NoModifier


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hopper(grace_hopper_path: Path) -> tuple[QImage, tuple[int, int]]:
    """Grace Hopper (512 x 600) as a 300 px preview, the way the app feeds the canvas."""
    preview = load_preview(grace_hopper_path, 300)
    return pil_to_qimage(preview), (512, 600)


@pytest.fixture
def canvas(qtbot: QtBot, hopper: tuple[QImage, tuple[int, int]]) -> PhotoCanvas:
    view = PhotoCanvas()
    qtbot.addWidget(view)
    view.resize(800, 640)
    view.show()
    qtbot.waitExposed(view)
    view.set_photo(*hopper)
    return view


def hand_built_analysis() -> Analysis:
    # Roughly where Grace Hopper's face is (eyes near y 230, head ~270 px tall with the cap).
    return make_analysis(512, 600, make_face(262, 232, 250))


@pytest.fixture
def session(canvas: PhotoCanvas) -> CropSession:
    s = CropSession(512, 600, hand_built_analysis(), CropState(Box(106, 60, 300, 375), (4, 5)))
    canvas.set_session(s)
    canvas.set_faces(s.analysis.faces if s.analysis else (), 0)
    return s


# -- real input ------------------------------------------------------------------------------
def view_point(canvas: PhotoCanvas, scene: Point) -> QPoint:
    return canvas.mapFromScene(QPointF(scene.x, scene.y))


def send_move(
    canvas: PhotoCanvas, pos: QPoint, mods: Qt.KeyboardModifier = NO_MODS, buttons=LEFT
) -> None:
    vp = canvas.viewport()
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(pos),
        QPointF(vp.mapToGlobal(pos)),
        Qt.MouseButton.NoButton,
        buttons,
        mods,
    )
    QApplication.sendEvent(vp, event)


def drag(
    qtbot: QtBot,
    canvas: PhotoCanvas,
    start: QPoint,
    end: QPoint,
    mods: Qt.KeyboardModifier = NO_MODS,
    steps: int = 8,
) -> None:
    vp = canvas.viewport()
    qtbot.mousePress(vp, LEFT, mods, start)
    for i in range(1, steps + 1):
        p = QPoint(
            round(start.x() + (end.x() - start.x()) * i / steps),
            round(start.y() + (end.y() - start.y()) * i / steps),
        )
        send_move(canvas, p, mods)
    qtbot.mouseRelease(vp, LEFT, mods, end)


def scene_delta(canvas: PhotoCanvas, a: QPoint, b: QPoint) -> tuple[float, float]:
    pa, pb = canvas.view_to_scene(QPointF(a)), canvas.view_to_scene(QPointF(b))
    return pb.x() - pa.x(), pb.y() - pa.y()


# -- drags -----------------------------------------------------------------------------------
def test_photo_is_shown_in_original_pixel_units_fitted(canvas: PhotoCanvas) -> None:
    # Scene units are original px although the preview is 300 px tall.
    assert canvas.zoom == pytest.approx(min(800 / 512, 640 / 600) * 0.96)
    vp = canvas.viewport()
    centre = canvas.view_to_scene(QPointF(vp.width() / 2, vp.height() / 2))
    # Centred to within one screen pixel (scroll positions are whole pixels).
    assert (centre.x(), centre.y()) == pytest.approx((256, 300), abs=1.0 / canvas.zoom)


def test_drag_se_handle_grows_the_box_by_the_pointer_delta_and_keeps_aspect(
    qtbot: QtBot, canvas: PhotoCanvas, session: CropSession
) -> None:
    before = session.state.box
    start = view_point(canvas, Point(before.right, before.bottom))
    end = start + QPoint(40, 50)
    changing: list[object] = []
    canvas.cropChanging.connect(lambda: changing.append(1))
    with qtbot.waitSignal(canvas.cropFinished, timeout=1000):
        drag(qtbot, canvas, start, end)
    dx, dy = scene_delta(canvas, start, end)
    assert dx == pytest.approx(40 / canvas.zoom) and dy == pytest.approx(50 / canvas.zoom)
    box = session.state.box
    # core projects the dragged corner on the 4:5 diagonal; the top-left corner stays.
    a = 0.8
    expected_h = ((before.w + dx) * a + (before.h + dy)) / (a * a + 1)
    assert box.h == pytest.approx(expected_h, abs=1e-6)
    assert box.w / box.h == pytest.approx(0.8, abs=1e-9)
    assert (box.x, box.y) == pytest.approx((before.x, before.y))
    assert len(changing) >= 2
    # The whole drag is one undo step.
    session.undo()
    assert session.state.box == before and not session.can_undo


def test_drag_inside_moves_the_crop(
    qtbot: QtBot, canvas: PhotoCanvas, session: CropSession
) -> None:
    before = session.state.box
    start = view_point(canvas, Point(before.cx, before.cy + 100))
    end = start + QPoint(-30, 20)
    drag(qtbot, canvas, start, end)
    dx, dy = scene_delta(canvas, start, end)
    box = session.state.box
    assert (box.w, box.h) == pytest.approx((before.w, before.h))
    assert (box.x - before.x, box.y - before.y) == pytest.approx((dx, dy))


def test_drag_past_the_edge_is_clamped(
    qtbot: QtBot, canvas: PhotoCanvas, session: CropSession
) -> None:
    before = session.state.box
    start = view_point(canvas, Point(before.cx, before.cy))
    drag(qtbot, canvas, start, start + QPoint(600, 600))
    box = session.state.box
    assert box_inside(box, 512, 600)
    assert box.right == pytest.approx(512) and box.bottom == pytest.approx(600)
    corner = view_point(canvas, Point(box.left, box.top))
    drag(qtbot, canvas, corner, corner - QPoint(900, 900))
    assert box_inside(session.state.box, 512, 600)
    assert session.state.box.w / session.state.box.h == pytest.approx(0.8)


def test_shift_keeps_ratio_while_free_and_alt_resizes_from_the_centre(
    qtbot: QtBot, canvas: PhotoCanvas, session: CropSession
) -> None:
    session.set_aspect(None)
    before = session.state.box
    start = view_point(canvas, Point(before.right, before.bottom))
    drag(qtbot, canvas, start, start + QPoint(-60, 10), Qt.KeyboardModifier.ShiftModifier)
    assert session.state.box.w / session.state.box.h == pytest.approx(before.w / before.h)
    before = session.state.box
    east = view_point(canvas, Point(before.right, before.cy))
    drag(qtbot, canvas, east, east + QPoint(-20, 0), Qt.KeyboardModifier.AltModifier)
    box = session.state.box
    assert box.cx == pytest.approx(before.cx, abs=1e-6)
    assert box.w < before.w and box.h == pytest.approx(before.h)


def test_hover_cursor_matches_the_handle(canvas: PhotoCanvas, session: CropSession) -> None:
    b = session.state.box
    cases = {
        Point(b.right, b.bottom): Qt.CursorShape.SizeFDiagCursor,
        Point(b.right, b.top): Qt.CursorShape.SizeBDiagCursor,
        Point(b.cx, b.top): Qt.CursorShape.SizeVerCursor,
        Point(b.left, b.cy): Qt.CursorShape.SizeHorCursor,
        Point(b.cx, b.bottom - 40): Qt.CursorShape.SizeAllCursor,
    }
    for p, shape in cases.items():
        send_move(canvas, view_point(canvas, p), buttons=Qt.MouseButton.NoButton)
        assert canvas.viewport().cursor().shape() == shape


# -- what the crop keys call (the keys themselves: tests/test_ui_keys.py) ----------------------
def test_right_click_resets_and_zoom_steps_fit_and_crop(
    qtbot: QtBot, canvas: PhotoCanvas, session: CropSession
) -> None:
    with qtbot.waitSignal(canvas.resetRequested, timeout=1000):
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.RightButton, pos=QPoint(20, 20))
    fit = canvas.zoom
    canvas.zoom_in()
    assert canvas.zoom == pytest.approx(fit * 1.25)
    canvas.zoom_out()
    canvas.zoom_out()
    assert canvas.zoom == pytest.approx(fit / 1.25)
    canvas.zoom_fit()
    assert canvas.zoom == pytest.approx(fit)
    session.set_box(Box(200, 150, 80, 100))
    canvas.zoom_to_crop()
    crop = canvas.crop_rect_in_view()
    assert crop is not None
    vp = canvas.viewport().rect()
    assert crop.height() == pytest.approx(0.8 * vp.height(), rel=0.02)
    assert crop.center().x() == pytest.approx(vp.center().x(), abs=2)
    assert crop.center().y() == pytest.approx(vp.center().y(), abs=2)


def test_wheel_zooms_about_the_cursor(canvas: PhotoCanvas) -> None:
    pos = QPointF(200, 150)
    anchor = canvas.view_to_scene(pos)
    vp = canvas.viewport()
    event = QWheelEvent(
        pos,
        QPointF(vp.mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        NO_MODS,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    fit = canvas.zoom
    QApplication.sendEvent(vp, event)
    assert canvas.zoom == pytest.approx(fit * 1.25**2)
    after = canvas.view_to_scene(pos)
    # Scrolling is in whole device px: the point stays within one screen pixel.
    assert abs(after.x() - anchor.x()) * canvas.zoom <= 1.0
    assert abs(after.y() - anchor.y()) * canvas.zoom <= 1.0


def test_middle_drag_pans(qtbot: QtBot, canvas: PhotoCanvas) -> None:
    vp = canvas.viewport()
    before = canvas.view_to_scene(QPointF(400, 300))
    qtbot.mousePress(vp, Qt.MouseButton.MiddleButton, pos=QPoint(400, 300))
    send_move(canvas, QPoint(450, 330), buttons=Qt.MouseButton.MiddleButton)
    qtbot.mouseRelease(vp, Qt.MouseButton.MiddleButton, pos=QPoint(450, 330))
    after = canvas.view_to_scene(QPointF(400, 300))
    assert (before.x() - after.x()) * canvas.zoom == pytest.approx(50, abs=1)
    assert (before.y() - after.y()) * canvas.zoom == pytest.approx(30, abs=1)


# -- faces, straighten -----------------------------------------------------------------------
def test_clicking_a_face_marker_selects_the_subject(
    qtbot: QtBot, canvas: PhotoCanvas, session: CropSession
) -> None:
    extra = make_face(60, 520, 60)  # a second, small face outside the crop
    analysis = make_analysis(512, 600, *(session.analysis.faces if session.analysis else ()), extra)
    canvas.set_faces(analysis.faces, 0)
    before = session.state
    with qtbot.waitSignal(canvas.subjectClicked, timeout=1000) as blocker:
        qtbot.mouseClick(canvas.viewport(), LEFT, pos=view_point(canvas, Point(60, 520)))
    assert blocker.args == [1]
    # A click on the subject's face inside the crop is a click, not a move.
    with qtbot.waitSignal(canvas.subjectClicked, timeout=1000) as blocker:
        qtbot.mouseClick(canvas.viewport(), LEFT, pos=view_point(canvas, Point(262, 232)))
    assert blocker.args == [0]
    assert session.state == before


def test_straighten_tool_levels_a_drawn_line(
    qtbot: QtBot, canvas: PhotoCanvas, session: CropSession
) -> None:
    canvas.set_straighten_tool(True)
    a, b = QPoint(150, 300), QPoint(550, 330)
    with qtbot.waitSignal(canvas.straightenFinished, timeout=1000):
        drag(qtbot, canvas, a, b)
    pa, pb = canvas.view_to_scene(QPointF(a)), canvas.view_to_scene(QPointF(b))
    expected = math.degrees(math.atan2(pb.y() - pa.y(), pb.x() - pa.x()))
    assert session.state.angle_deg == pytest.approx(expected, abs=1e-6)
    assert not canvas.straighten_tool
    assert box_inside(session.state.box, 512, 600, session.state.angle_deg)
    # Drawing along the (now rotated) photo's same feature again gives the same, absolute angle.
    ia = rotate_point(Point(pa.x(), pa.y()), Point(256, 300), session.state.angle_deg)
    ib = rotate_point(Point(pb.x(), pb.y()), Point(256, 300), session.state.angle_deg)
    canvas.set_straighten_tool(True)
    drag(qtbot, canvas, view_point(canvas, ia), view_point(canvas, ib))
    assert session.state.angle_deg == pytest.approx(expected, abs=0.3)


# -- pixels ----------------------------------------------------------------------------------
def grab_array(canvas: PhotoCanvas) -> np.ndarray:
    img = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, np.uint8, count=img.sizeInBytes()).reshape(
        img.height(), img.bytesPerLine()
    )
    return arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3).copy()


def test_outside_of_the_crop_is_dimmed_and_guides_mode(
    canvas: PhotoCanvas, session: CropSession
) -> None:
    canvas.set_guide_settings(GuideSettings(enabled=frozenset(), mode="always"))
    plain = grab_array(canvas)
    box = session.state.box
    inside = view_point(canvas, Point(box.cx, box.bottom - 20))
    outside = view_point(canvas, Point(box.right + 30, box.bottom - 20))
    session.set_box(Box(0, 0, 512, 600))
    canvas.set_guide_settings(GuideSettings(enabled=frozenset(), mode="always"))
    undimmed = grab_array(canvas)
    assert plain[inside.y(), inside.x()].tolist() == undimmed[inside.y(), inside.x()].tolist()
    assert plain[outside.y(), outside.x()].sum() < 0.6 * undimmed[outside.y(), outside.x()].sum()

    session.set_box(box)
    canvas.set_guide_settings(GuideSettings(enabled=frozenset({"thirds"}), mode="always"))
    with_guides = grab_array(canvas)
    canvas.set_guide_settings(GuideSettings(enabled=frozenset({"thirds"}), mode="dragging"))
    idle = grab_array(canvas)
    assert (with_guides != plain).any() and (idle == plain).all()


@pytest.fixture(scope="module")
def real_analysis(grace_hopper_path: Path, model_store: ModelStore) -> Iterator[Analysis]:
    """One FaceAnalyzer run on Grace Hopper through the real MediaPipe models."""
    from core.detection import FaceAnalyzer

    with FaceAnalyzer(model_store) as analyzer:
        yield analyzer.analyze_path(grace_hopper_path)[1]


def test_real_analysis_face_click_and_every_guide_rendered(
    qtbot: QtBot, canvas: PhotoCanvas, real_analysis: Analysis
) -> None:
    """The real detector's face drives the markers and the headshot template; every guide kind
    is rendered to out/screenshots/ (for eyes) and changes pixels inside the crop."""
    assert len(real_analysis.faces) == 1
    face = real_analysis.faces[0]
    session = CropSession(512, 600, real_analysis, CropState(Box(62, 40, 400, 500), (4, 5), 0, 0))
    canvas.set_session(session)
    canvas.set_faces(real_analysis.faces, 0)
    with qtbot.waitSignal(canvas.subjectClicked, timeout=1000) as blocker:
        qtbot.mouseClick(canvas.viewport(), LEFT, pos=view_point(canvas, face.eye_center))
    assert blocker.args == [0]

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    canvas.set_guide_settings(GuideSettings(enabled=frozenset()))
    base = grab_array(canvas)
    crop = canvas.crop_rect_in_view()
    assert crop is not None
    top, bottom = int(crop.top()) + 3, int(crop.bottom()) - 3
    left, right = int(crop.left()) + 3, int(crop.right()) - 3
    for kind in GUIDE_KINDS:
        settings = GuideSettings(enabled=frozenset({kind}), id_rule="icao")
        canvas.set_guide_settings(settings)
        canvas.grab().save(str(SCREENSHOTS / f"canvas_{kind}.png"))
        diff = grab_array(canvas) != base
        assert diff[top:bottom, left:right].any(), kind
    # The headshot template's eye line is drawn at the detected eye height.
    canvas.set_guide_settings(GuideSettings(enabled=frozenset({"headshot"})))
    shot = grab_array(canvas)
    eye_row = view_point(canvas, Point(face.eye_center.x, face.eye_line_y)).y()
    near = (
        shot[eye_row - 2 : eye_row + 3, right - 40 : right - 5]
        != base[eye_row - 2 : eye_row + 3, right - 40 : right - 5]
    )
    assert near.any()

    # Rotated, level crop frame, circle mask: a look at the whole thing.
    session.level_eyes()
    canvas.set_circle_mask(True)
    canvas.set_guide_settings(GuideSettings(enabled=frozenset({"thirds", "headshot"})))
    canvas.grab().save(str(SCREENSHOTS / "canvas_rotated_circle.png"))
    assert session.state.angle_deg == pytest.approx(face.roll_deg)


def test_size_label_shows_only_while_dragging_and_escape_cancels(
    qtbot: QtBot, canvas: PhotoCanvas, session: CropSession
) -> None:
    canvas.set_guide_settings(GuideSettings(enabled=frozenset()))
    before = session.state
    idle = grab_array(canvas)
    vp = canvas.viewport()
    start = view_point(canvas, Point(before.box.right, before.box.bottom))
    qtbot.mousePress(vp, LEFT, NO_MODS, start)
    for i in range(1, 6):
        send_move(canvas, start + QPoint(-8 * i, -10 * i))
    during = grab_array(canvas)
    crop = canvas.crop_rect_in_view()
    assert crop is not None
    # The label sits just under the frame's bottom-right corner, outside the crop.
    y0, x1 = int(crop.bottom()) + 8, int(crop.right())
    label_zone = (slice(y0, y0 + 24), slice(x1 - 110, x1))
    assert (during[label_zone] != idle[label_zone]).any()
    assert session.is_live
    assert canvas.cancel_drag()  # what Esc calls (tests/test_ui_keys.py sends the key)
    assert session.state == before and not session.can_undo
    qtbot.mouseRelease(vp, LEFT, NO_MODS, start)
    assert session.state == before
    assert (grab_array(canvas) == idle).all()


def test_space_drag_pans_instead_of_moving_the_crop(
    qtbot: QtBot, canvas: PhotoCanvas, session: CropSession
) -> None:
    before = session.state
    b = before.box
    start = view_point(canvas, Point(b.cx, b.cy + 100))
    anchor = canvas.view_to_scene(QPointF(start))
    canvas.hold_pan(True)  # Space held (tests/test_ui_keys.py sends the key)
    drag(qtbot, canvas, start, start + QPoint(60, 0))
    canvas.hold_pan(False)
    assert session.state == before
    moved = canvas.view_to_scene(QPointF(start + QPoint(60, 0)))
    assert moved.x() == pytest.approx(anchor.x(), abs=1.0 / canvas.zoom)


def test_unknown_id_rule_is_refused_up_front(canvas: PhotoCanvas) -> None:
    from core.errors import FramingError

    before = canvas.guide_settings
    with pytest.raises(FramingError, match="unknown ID photo rule"):
        canvas.set_guide_settings(GuideSettings(enabled=frozenset({"id_bands"}), id_rule="mars"))
    assert canvas.guide_settings == before


def test_photo_turns_under_the_level_frame_by_the_core_convention(qtbot: QtBot) -> None:
    """A white dot on a made photo lands where core.geometry.rotate_point puts it."""
    photo = QImage(800, 600, QImage.Format.Format_RGB32)
    photo.fill(0xFF202020)
    dot = Point(470.0, 250.0)
    for y in range(int(dot.y) - 6, int(dot.y) + 7):
        for x in range(int(dot.x) - 6, int(dot.x) + 7):
            photo.setPixel(x, y, 0xFFFFFFFF)
    view = PhotoCanvas()
    qtbot.addWidget(view)
    view.resize(820, 640)
    view.show()
    qtbot.waitExposed(view)
    view.set_photo(photo, (800, 600))
    session = CropSession(800, 600, initial=CropState(Box(330, 180, 220, 170), None))
    view.set_session(session)
    view.set_guide_settings(GuideSettings(enabled=frozenset()))
    session.set_angle(25.0)  # counter-clockwise
    assert session.state.box == Box(330, 180, 220, 170)  # still fits: not moved
    shot = grab_array(view).astype(int).sum(axis=2)
    crop = view.crop_rect_in_view()
    assert crop is not None
    # Look inside the crop only (the frame's white line is not the dot).
    top, left = int(crop.top()) + 6, int(crop.left()) + 6
    inner = shot[top : int(crop.bottom()) - 6, left : int(crop.right()) - 6]
    ys, xs = np.nonzero(inner > 3 * 200)
    assert len(xs) > 20
    found = QPointF(xs.mean() + left, ys.mean() + top)
    expected = view.mapFromScene(QPointF(*_xy(rotate_point(dot, Point(400, 300), 25.0))))
    assert abs(found.x() - expected.x()) <= 2 and abs(found.y() - expected.y()) <= 2
    # Counter-clockwise on screen: a point right of the centre moves up.
    assert found.y() < view.mapFromScene(QPointF(dot.x, dot.y)).y()


def _xy(p: Point) -> tuple[float, float]:
    return (p.x, p.y)


def test_dragging_outside_the_crop_turns_the_photo(
    qtbot: QtBot, canvas: PhotoCanvas, session: CropSession
) -> None:
    b = session.state.box
    # Left of the crop, level with its centre; drag straight down: the photo turns
    # counter-clockwise on screen (the pointer goes round the crop's centre that way).
    start = view_point(canvas, Point(b.left - 60, b.cy))
    send_move(canvas, start, buttons=Qt.MouseButton.NoButton)
    assert canvas.viewport().cursor().shape() == Qt.CursorShape.BitmapCursor
    changing: list[object] = []
    canvas.cropChanging.connect(lambda: changing.append(1))
    drag(qtbot, canvas, start, start + QPoint(0, 40))
    a, p = (
        canvas.view_to_scene(QPointF(start)),
        canvas.view_to_scene(QPointF(start + QPoint(0, 40))),
    )
    d = math.atan2(p.y() - b.cy, p.x() - b.cx) - math.atan2(a.y() - b.cy, a.x() - b.cx)
    turned = math.degrees(math.atan2(math.sin(d), math.cos(d)))
    assert turned < 0  # counter-clockwise on screen (y down)
    assert session.state.angle_deg == pytest.approx(-turned, abs=1e-6)
    assert box_inside(session.state.box, 512, 600, session.state.angle_deg)
    assert changing
    session.undo()
    assert session.state.angle_deg == 0.0 and not session.can_undo


def test_guides_in_dragging_mode_appear_only_during_a_drag(
    qtbot: QtBot, canvas: PhotoCanvas, session: CropSession
) -> None:
    canvas.set_guide_settings(GuideSettings(enabled=frozenset({"thirds"}), mode="dragging"))
    vp = canvas.viewport()
    b = session.state.box
    start = view_point(canvas, Point(b.cx, b.cy))
    qtbot.mousePress(vp, LEFT, NO_MODS, start)
    send_move(canvas, start + QPoint(0, 12))
    during = grab_array(canvas)
    box = session.state.box
    third = view_point(canvas, Point(box.x + box.w / 3, box.y + box.h / 2))
    canvas.set_guide_settings(GuideSettings(enabled=frozenset(), mode="dragging"))
    no_guides = grab_array(canvas)
    column = slice(third.x() - 1, third.x() + 2)
    assert (
        during[third.y() - 20 : third.y() + 20, column]
        != no_guides[third.y() - 20 : third.y() + 20, column]
    ).any()
    qtbot.mouseRelease(vp, LEFT, NO_MODS, start + QPoint(0, 12))
    idle = grab_array(canvas)  # no guides, not dragging
    canvas.set_guide_settings(GuideSettings(enabled=frozenset({"thirds"}), mode="dragging"))
    assert (grab_array(canvas) == idle).all()


def test_hit_handle_corners_edges_inside_and_tiny_crops() -> None:
    from PySide6.QtCore import QRectF

    from ui.crop_overlay import hit_handle

    r = QRectF(100, 100, 300, 200)
    cases = {
        (100, 100): "nw",
        (404, 297): "se",
        (400, 100): "ne",
        (103, 300): "sw",
        (250, 95): "n",
        (250, 305): "s",
        (96, 200): "w",
        (405, 200): "e",
        (250, 200): "move",
        (50, 50): None,
        (250, 320): None,
    }
    for (x, y), expected in cases.items():
        assert hit_handle(r, QPointF(x, y)) == expected, (x, y)
    tiny = QRectF(100, 100, 6, 6)  # a crop shown a few pixels wide: the nearer side wins
    assert hit_handle(tiny, QPointF(101, 101)) == "nw"
    assert hit_handle(tiny, QPointF(105, 105)) == "se"
