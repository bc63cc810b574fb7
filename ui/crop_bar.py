"""The row of crop controls under the photo: ratio, orientation swap, rotation, level eyes,
straighten tool and the numeric X/Y/W/H of the crop box, all two-way bound to a CropSession.

The widgets only call session methods; the session (core) constrains every value and its events
bring the constrained result back here.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QSlider,
    QSpinBox,
    QToolButton,
    QWidget,
)

from core.crop_session import CropSession, CropState
from ui.theme import icon

#: Ratios offered in the ratio menu and box: (label, (w, h) or None for free).
ASPECT_CHOICES: tuple[tuple[str, tuple[int, int] | None], ...] = (
    ("Free", None),
    ("1:1", (1, 1)),
    ("4:5", (4, 5)),
    ("2:3", (2, 3)),
    ("3:4", (3, 4)),
    ("5:7", (5, 7)),
    ("7:9 ID", (7, 9)),  # 35 x 45 mm passport photos
    ("9:16", (9, 16)),
    ("16:9", (16, 9)),
    ("3:2", (3, 2)),
    ("5:4", (5, 4)),
)

ANGLE_LIMIT = 45.0
ANGLE_STEPS_PER_DEGREE = 10  # the slider moves in 0.1° steps


#: Degrees per pixel of mouse drag on the rotation slider (Shift: a fifth of it). The slider's own
#: scale (±45° over a couple of hundred pixels) gave 14.7° for 60 px; straightening wants 0.1°.
DRAG_DEGREES_PER_PX = 0.1
FINE_DRAG_FACTOR = 0.2


class FineAngleSlider(QSlider):
    """The rotation slider. A drag anywhere on it turns the angle by ``DRAG_DEGREES_PER_PX`` per
    pixel from where it was (the handle follows); it never jumps to where it was clicked."""

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self._press_x: float | None = None
        self._press_value = 0

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self._press_x = event.position().x()
        self._press_value = self.value()
        self.setSliderDown(True)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press_x is None:
            super().mouseMoveEvent(event)
            return
        per_px = DRAG_DEGREES_PER_PX * ANGLE_STEPS_PER_DEGREE
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            per_px *= FINE_DRAG_FACTOR
        self.setValue(self._press_value + round((event.position().x() - self._press_x) * per_px))
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press_x is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        self._press_x = None
        self.setSliderDown(False)  # emits sliderReleased: the drag is one undo step
        event.accept()


def aspect_label(aspect: tuple[int, int] | None) -> str:
    if aspect is None:
        return "Free"
    for label, value in ASPECT_CHOICES:
        if value == aspect:
            return label
    return f"{aspect[0]}:{aspect[1]}"


def _spin(prefix: str, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setPrefix(prefix)
    spin.setToolTip(tip)
    spin.setRange(0, 100000)
    spin.setKeyboardTracking(False)  # commit on Enter / focus out, not per digit
    spin.setMinimumWidth(76)  # below its size hint (sized for 100000) so the bar fits one row
    return spin


class CropBar(QFrame):
    """Controls for the session set with ``set_session`` (disabled without one)."""

    straightenToggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cropBar")
        self._session: CropSession | None = None

        self.aspect_box = QComboBox()
        self.aspect_box.setToolTip("Crop ratio (A toggles the lock)")
        for label, value in ASPECT_CHOICES:
            self.aspect_box.addItem(label, value)
        self.aspect_box.activated.connect(self._on_aspect_chosen)
        self.aspect_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.aspect_box.setMinimumContentsLength(5)

        self.swap_button = QToolButton()
        self.swap_button.setIcon(icon("swap"))
        self.swap_button.setToolTip("Swap portrait / landscape (X)")
        self.swap_button.clicked.connect(lambda: self._call("swap_orientation"))

        self.angle_slider = FineAngleSlider()
        limit = int(ANGLE_LIMIT * ANGLE_STEPS_PER_DEGREE)
        self.angle_slider.setRange(-limit, limit)
        self.angle_slider.setPageStep(ANGLE_STEPS_PER_DEGREE)
        self.angle_slider.setMinimumWidth(80)
        self.angle_slider.setToolTip(
            "Rotate the photo under the crop: 0.1° per pixel of drag, Shift for finer"
        )
        self.angle_slider.valueChanged.connect(self._on_slider_moved)
        self.angle_slider.sliderReleased.connect(self._on_slider_released)
        self.angle_spin = QDoubleSpinBox()
        self.angle_spin.setRange(-ANGLE_LIMIT, ANGLE_LIMIT)
        self.angle_spin.setDecimals(1)
        self.angle_spin.setSingleStep(0.1)
        self.angle_spin.setSuffix("°")
        self.angle_spin.setKeyboardTracking(False)
        self.angle_spin.setMinimumWidth(72)
        self.angle_spin.setToolTip("Rotation in degrees, counter-clockwise")
        self.angle_spin.valueChanged.connect(self._on_angle_typed)

        self.level_button = QToolButton()
        self.level_button.setIcon(icon("level-eyes"))
        self.level_button.setText("Level eyes")
        self.level_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.level_button.setToolTip("Rotate so the subject's eyes are level")
        self.level_button.clicked.connect(lambda: self._call("level_eyes"))

        self.level_lines_button = QToolButton()
        self.level_lines_button.setIcon(icon("level-lines"))
        self.level_lines_button.setText("Level lines")
        self.level_lines_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.level_lines_button.setToolTip(
            "Rotate so the background's straight lines (horizon, shelves, walls) are level"
        )
        self.level_lines_button.clicked.connect(lambda: self._call("level_lines"))

        self.straighten_button = QToolButton()
        self.straighten_button.setIcon(icon("straighten"))
        self.straighten_button.setText("Straighten")
        self.straighten_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.straighten_button.setCheckable(True)
        self.straighten_button.setToolTip("Draw a line along something that should be level")
        self.straighten_button.toggled.connect(self.straightenToggled)

        self.x_spin = _spin("X ", "Left edge of the crop, original pixels")
        self.y_spin = _spin("Y ", "Top edge of the crop, original pixels")
        self.w_spin = _spin("W ", "Crop width, original pixels")
        self.h_spin = _spin("H ", "Crop height, original pixels")
        for spin, field in (
            (self.x_spin, "x"),
            (self.y_spin, "y"),
            (self.w_spin, "w"),
            (self.h_spin, "h"),
        ):
            spin.valueChanged.connect(lambda value, field=field: self._on_box_typed(field, value))

        # Two groups side by side, stacked when the bar is too narrow for both (small screens).
        self._rotate_group = QWidget()
        rotate = QHBoxLayout(self._rotate_group)
        rotate.setContentsMargins(0, 0, 0, 0)
        rotate.setSpacing(6)
        rotate.addWidget(self.aspect_box)
        rotate.addWidget(self.swap_button)
        rotate.addSpacing(8)
        rotate.addWidget(self.angle_slider, 1)
        rotate.addWidget(self.angle_spin)
        rotate.addWidget(self.level_button)
        rotate.addWidget(self.level_lines_button)
        rotate.addWidget(self.straighten_button)
        self._box_group = QWidget()
        box = QHBoxLayout(self._box_group)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        box.addStretch(1)
        for spin in (self.x_spin, self.y_spin, self.w_spin, self.h_spin):
            box.addWidget(spin)
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(8, 4, 8, 4)
        self._layout.setSpacing(12)
        self._layout.addWidget(self._rotate_group, 1)
        self._layout.addWidget(self._box_group)
        self.setMinimumWidth(
            max(
                self._rotate_group.minimumSizeHint().width(),
                self._box_group.minimumSizeHint().width(),
            )
            + 16
        )
        self.set_session(None)

    def is_stacked(self) -> bool:
        return self._layout.direction() == QBoxLayout.Direction.TopToBottom

    def resizeEvent(self, event: QResizeEvent) -> None:
        one_row = (
            self._rotate_group.minimumSizeHint().width()
            + self._box_group.minimumSizeHint().width()
            + 12
            + 16
        )
        direction = (
            QBoxLayout.Direction.LeftToRight
            if event.size().width() >= one_row
            else QBoxLayout.Direction.TopToBottom
        )
        if direction != self._layout.direction():
            self._layout.setDirection(direction)
            self.updateGeometry()
        super().resizeEvent(event)

    # -- binding ------------------------------------------------------------------------------

    def set_session(self, session: CropSession | None) -> None:
        if self._session is not None:
            self._session.changing.disconnect(self.show_state)
            self._session.changed.disconnect(self.show_state)
        self._session = session
        for widget in self._controls():
            widget.setEnabled(session is not None)
        if session is None:
            self.straighten_button.setChecked(False)
            return
        session.changing.connect(self.show_state)
        session.changed.connect(self.show_state)
        for spin, limit in (
            (self.x_spin, session.image_width),
            (self.y_spin, session.image_height),
            (self.w_spin, session.image_width),
            (self.h_spin, session.image_height),
        ):
            spin.blockSignals(True)
            spin.setRange(0 if spin in (self.x_spin, self.y_spin) else 1, limit)
            spin.blockSignals(False)
        self.show_state(session.state)
        self.update_level_enabled()

    def update_level_enabled(self) -> None:
        s = self._session
        self.level_button.setEnabled(
            s is not None and s.analysis is not None and bool(s.analysis.faces)
        )
        self.level_lines_button.setEnabled(s is not None and s.lines_level_angle is not None)

    def _controls(self) -> tuple[QWidget, ...]:
        return (
            self.aspect_box,
            self.swap_button,
            self.angle_slider,
            self.angle_spin,
            self.level_button,
            self.level_lines_button,
            self.straighten_button,
            self.x_spin,
            self.y_spin,
            self.w_spin,
            self.h_spin,
        )

    def show_state(self, state: CropState) -> None:
        """Reflect ``state`` without feeding it back into the session."""
        x, y, w, h = state.box.rounded()
        for spin, value in ((self.x_spin, x), (self.y_spin, y), (self.w_spin, w), (self.h_spin, h)):
            if not spin.hasFocus() or spin.value() != value:
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)
        angle = max(-ANGLE_LIMIT, min(ANGLE_LIMIT, state.angle_deg))
        if not self.angle_slider.isSliderDown():
            self.angle_slider.blockSignals(True)
            self.angle_slider.setValue(round(angle * ANGLE_STEPS_PER_DEGREE))
            self.angle_slider.blockSignals(False)
        self.angle_spin.blockSignals(True)
        self.angle_spin.setValue(angle)
        self.angle_spin.blockSignals(False)
        index = self.aspect_index(state.aspect)
        self.aspect_box.blockSignals(True)
        if index < 0:
            self.aspect_box.addItem(aspect_label(state.aspect), state.aspect)
            index = self.aspect_box.count() - 1
        self.aspect_box.setCurrentIndex(index)
        self.aspect_box.blockSignals(False)

    def aspect_index(self, aspect: tuple[int, int] | None) -> int:
        """Row of ``aspect`` in the ratio box, -1 if absent (findData cannot compare tuples)."""
        for i in range(self.aspect_box.count()):
            data = self.aspect_box.itemData(i)
            if (tuple(data) if data is not None else None) == aspect:
                return i
        return -1

    # -- widget → session -------------------------------------------------------------------

    def _call(self, method: str) -> None:
        if self._session is not None:
            getattr(self._session, method)()

    def _on_aspect_chosen(self, index: int) -> None:
        if self._session is not None:
            data = self.aspect_box.itemData(index)
            self._session.set_aspect(tuple(data) if data is not None else None)

    def _on_slider_moved(self, value: int) -> None:
        if self._session is None:
            return
        angle = value / ANGLE_STEPS_PER_DEGREE
        # A drag is one live edit (one undo step on release); a click or key step commits at once.
        self._session.set_angle(angle, live=self.angle_slider.isSliderDown())

    def _on_slider_released(self) -> None:
        if self._session is not None:
            self._session.finish_drag()

    def _on_angle_typed(self, value: float) -> None:
        if self._session is not None:
            self._session.set_angle(value)

    def _on_box_typed(self, field: str, value: int) -> None:
        """Only the typed field changes; the others keep their exact (unrounded) values, so the
        session knows which value leads."""
        if self._session is None:
            return
        self._session.set_box(replace(self._session.state.box, **{field: float(value)}))
