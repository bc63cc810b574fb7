"""The crop being edited: a typed state, an undo history and events, with no Qt.

Every geometric change goes through :mod:`core.framing.manual` (``constrain_crop``,
``fit_aspect``), which snaps the box to the aspect and clamps it inside the (rotated) image: the
session never invents its own geometry rules. The canvas, the numeric fields and the CLI drive the
same object.

Coordinates: the box is in upright original-image pixels; when ``angle_deg != 0`` it lives in the
frame of the image rotated counter-clockwise by ``angle_deg`` about its centre, canvas size kept
(``core.geometry`` convention).

Two events: ``changing`` fires live during a drag (or a slider drag) and makes no undo step;
``changed`` fires once per committed edit (a finished drag, or any one-shot edit, undo and redo).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.events import Event
from core.faces import Analysis
from core.framing.manual import (
    CropConstraints,
    Handle,
    constrain_crop,
    fit_aspect,
    swap_orientation_box,
)
from core.framing.plan import CropChoice, crop_checks, refit
from core.framing.rotation import box_inside
from core.framing.rules import load_framing_rules
from core.framing.subject import frame_face
from core.geometry import Box, Point
from core.presets import Preset
from core.suggestion import CheckWarning, Suggestion

#: Undo steps kept; older ones are dropped.
MAX_UNDO = 200


@dataclass(frozen=True)
class CropState:
    """One crop: ``box`` in upright original px (in the rotated frame when ``angle_deg != 0``)."""

    box: Box
    aspect: tuple[int, int] | None  # (w, h) ratio; None = free
    angle_deg: float = 0.0
    subject: int | None = None  # index into Analysis.faces
    suggestion_id: str | None = None  # the suggestion this crop came from, until edited

    def to_choice(self, suggestions: Sequence[Suggestion] = ()) -> CropChoice:
        """The export/sidecar record of this crop; genre and framing come from the suggestion it
        still is (``suggestions``), else it is a manual crop."""
        source = next((s for s in suggestions if s.id == self.suggestion_id), None)
        return CropChoice.of_crop(
            self.box, self.angle_deg, self.aspect, self.subject, self.suggestion_id, source
        )

    @classmethod
    def from_choice(cls, choice: CropChoice) -> CropState:
        return cls(
            box=choice.box,
            aspect=choice.aspect,
            angle_deg=choice.angle_deg,
            subject=choice.subject,
            suggestion_id=choice.suggestion_id,
        )


def _aspect_value(aspect: tuple[int, int] | None) -> float | None:
    return aspect[0] / aspect[1] if aspect else None


def _normalise_angle(angle_deg: float) -> float:
    """Fold into (-180, 180] so the same rotation always reads the same."""
    a = math.fmod(angle_deg, 360.0)
    if a <= -180.0:
        a += 360.0
    elif a > 180.0:
        a -= 360.0
    return a


def straighten_angle(p1: Point, p2: Point) -> float:
    """The ``angle_deg`` (core convention) that makes the line p1-p2 level, or vertical when the
    line is closer to vertical. Points are in the upright, unrotated original image."""
    dx, dy = p2.x - p1.x, p2.y - p1.y
    if dx == 0.0 and dy == 0.0:
        raise ValueError("the straighten line needs two different points")
    # rotate_point maps a direction (dx, dy) to (dx cos a + dy sin a, -dx sin a + dy cos a):
    # level when tan a = dy / dx, vertical when tan a = -dx / dy.
    if abs(dx) >= abs(dy):
        return math.degrees(math.atan(dy / dx))
    return math.degrees(math.atan(-dx / dy))


class CropSession:
    """The crop being edited for one photo, with undo/redo and change events."""

    def __init__(
        self,
        image_width: int,
        image_height: int,
        analysis: Analysis | None = None,
        initial: CropState | None = None,
    ) -> None:
        if image_width <= 0 or image_height <= 0:
            raise ValueError(f"image size must be positive, got {image_width}x{image_height}")
        self.image_width = image_width
        self.image_height = image_height
        self.analysis = analysis
        self.changing: Event[CropState] = Event()
        self.changed: Event[CropState] = Event()
        if initial is None:
            initial = CropState(
                Box(0.0, 0.0, float(image_width), float(image_height)),
                aspect=None,
                subject=0 if analysis is not None and analysis.faces else None,
            )
        self._state = self._fitted(initial)
        self._undo: list[CropState] = []
        self._redo: list[CropState] = []
        # State when the current live edit (drag or slider) started; None when idle.
        self._live_start: CropState | None = None
        # The ratio the aspect-lock toggle comes back to after "free".
        self._last_aspect: tuple[int, int] | None = initial.aspect

    # -- reading ------------------------------------------------------------------------------
    def avatar_box(self) -> Box:
        """The square a circle-avatar preset is cut from, as export cuts it (the crop re-fitted
        to 1:1 by ``core.framing.plan.refit``); the platform shows its inscribed circle."""
        return refit(self._state.to_choice(), (1, 1), self.image_width, self.image_height)

    @property
    def state(self) -> CropState:
        return self._state

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def is_live(self) -> bool:
        """True between the first ``drag_to``/live ``set_angle`` and ``finish_drag``."""
        return self._live_start is not None

    def constraints(
        self, aspect: float | tuple[int, int] | None = (0, 0), angle_deg: float | None = None
    ) -> CropConstraints:
        """Core's constraints for the current state; ``aspect``/``angle_deg`` override it."""
        if aspect == (0, 0):
            value = _aspect_value(self._state.aspect)
        elif isinstance(aspect, tuple):
            value = _aspect_value(aspect)
        else:
            value = aspect
        return CropConstraints(
            image_width=self.image_width,
            image_height=self.image_height,
            aspect=value,
            angle_deg=self._state.angle_deg if angle_deg is None else angle_deg,
        )

    def _fitted(self, state: CropState) -> CropState:
        """``state`` with its box moved (or shrunk) onto the photo when it is not (a stale sidecar,
        a photo replaced by a smaller one); a box already on the photo is kept exactly."""
        angle = _normalise_angle(state.angle_deg)
        if box_inside(state.box, self.image_width, self.image_height, angle, tol=1e-3):
            return replace(state, angle_deg=angle) if angle != state.angle_deg else state
        c = self.constraints(state.aspect, angle)
        return replace(state, box=constrain_crop(state.box, c, handle="move"), angle_deg=angle)

    def _analysis(self) -> Analysis:
        if self.analysis is not None:
            return self.analysis
        return Analysis(None, self.image_width, self.image_height, (), None)

    def checks(
        self, presets: Sequence[Preset] = (), suggestions: Sequence[Suggestion] = ()
    ) -> tuple[CheckWarning, ...]:
        """Core's checks for the current crop and what each of ``presets`` gets from it
        (``core.framing.plan.crop_checks``); the crop keeps the genre of the suggestion it still
        is (``suggestions``)."""
        return crop_checks(self._analysis(), self._state.to_choice(suggestions), presets)

    # -- live edits (drag) -------------------------------------------------------------------
    def drag_to(
        self,
        proposed: Box,
        handle: Handle,
        from_center: bool = False,
        *,
        keep_ratio: bool = False,
    ) -> CropState:
        """One step of a drag: ``proposed`` is constrained by core and shown (``changing``), no undo
        step yet. ``keep_ratio`` holds the ratio the box had when the drag started (Shift while
        free)."""
        if self._live_start is None:
            self._live_start = self._state
        start = self._live_start
        aspect: float | tuple[int, int] | None = (0, 0)
        if keep_ratio and start.aspect is None and handle != "move":
            aspect = start.box.w / start.box.h
        box = constrain_crop(
            proposed, self.constraints(aspect), handle=handle, from_center=from_center
        )
        self._set_live(replace(self._state, box=box, suggestion_id=None))
        return self._state

    def finish_drag(self) -> None:
        """End the live edit: the whole drag becomes one undo step and ``changed`` fires."""
        start, self._live_start = self._live_start, None
        if start is None:
            return
        if start != self._state:
            self._push_undo(start)
        self.changed.emit(self._state)

    def cancel_drag(self) -> None:
        """Esc during a drag: back to where the drag started, nothing recorded."""
        start, self._live_start = self._live_start, None
        if start is not None and start != self._state:
            self._state = start
            self.changed.emit(self._state)

    def _set_live(self, state: CropState) -> None:
        self._state = state
        self.changing.emit(state)

    # -- one-shot edits ------------------------------------------------------------------------
    def _commit(self, state: CropState) -> None:
        """Make ``state`` current as one undo step (nothing if it equals the current state)."""
        if self._live_start is not None:  # a one-shot edit ends any live edit first
            self.finish_drag()
        if state == self._state:
            return
        self._push_undo(self._state)
        self._state = state
        self.changed.emit(state)

    def _push_undo(self, state: CropState) -> None:
        self._undo.append(state)
        del self._undo[:-MAX_UNDO]
        self._redo.clear()

    def set_box(self, box: Box) -> None:
        """Numeric fields: the box, constrained to the aspect and the image; undoable.

        The typed values lead and the top-left corner stays where the X and Y fields say: a new
        width keeps that width (the height follows a locked ratio), a new height keeps that
        height; only what does not fit on the photo gives."""
        old, aspect = self._state.box, _aspect_value(self._state.aspect)
        w_changed, h_changed = abs(box.w - old.w) > 1e-9, abs(box.h - old.h) > 1e-9
        if aspect is not None and w_changed != h_changed:
            box = (
                Box(box.x, box.y, box.w, box.w / aspect)
                if w_changed
                else (Box(box.x, box.y, box.h * aspect, box.h))
            )
        constrained = constrain_crop(box, self.constraints(), handle="se")
        self._commit(replace(self._state, box=constrained, suggestion_id=None))

    def _rotated_state(self, angle_deg: float) -> CropState:
        angle = _normalise_angle(angle_deg)
        c = self.constraints(angle_deg=angle)
        # Keep the centre and size, shrinking about the centre only when the rotated image's
        # corners cut into the crop (as Lightroom's straighten does).
        box = constrain_crop(self._state.box, c, handle="move", from_center=True)
        return replace(self._state, box=box, angle_deg=angle, suggestion_id=None)

    def set_angle(self, angle_deg: float, *, live: bool = False) -> None:
        """Rotate the image under the crop; the box is re-clamped into the rotated image.

        ``live=True`` is for a slider drag: shown via ``changing`` and recorded as one undo step
        when :meth:`finish_drag` is called. The box is always re-derived from the box the live edit
        started with, so dragging the slider back and forth does not shrink the crop cumulatively.
        """
        if live:
            if self._live_start is None:
                self._live_start = self._state
            base, self._state = self._state, replace(self._state, box=self._live_start.box)
            try:
                new = self._rotated_state(angle_deg)
            finally:
                self._state = base
            self._set_live(new)
        else:
            self._commit(self._rotated_state(angle_deg))

    def set_aspect(self, aspect: tuple[int, int] | None) -> None:
        """Lock the crop to ``aspect`` (w, h), fitting the box to it; ``None`` frees it."""
        if aspect is not None:
            if aspect[0] <= 0 or aspect[1] <= 0:
                raise ValueError(f"aspect must be two positive numbers, got {aspect}")
            self._last_aspect = aspect
            box = fit_aspect(
                self._state.box, aspect[0] / aspect[1], self.constraints(aspect), keep_area=True
            )
        else:
            box = self._state.box
        self._commit(replace(self._state, box=box, aspect=aspect, suggestion_id=None))

    def toggle_aspect_lock(self) -> None:
        """A: free ↔ locked. Locking comes back to the last locked ratio, or the box's own ratio
        (as whole numbers) when there was none."""
        if self._state.aspect is not None:
            self._last_aspect = self._state.aspect
            self.set_aspect(None)
            return
        aspect = self._last_aspect or _ratio_of(self._state.box)
        self.set_aspect(aspect)

    def swap_orientation(self) -> None:
        """X: portrait <-> landscape (4:5 becomes 5:4), keeping the subject's head and eye line
        where they were in the frame (``swap_orientation_box``)."""
        s = self._state
        aspect = (s.aspect[1], s.aspect[0]) if s.aspect else None
        head = None
        faces = self.analysis.faces if self.analysis is not None else ()
        index = s.subject if s.subject is not None else 0
        if 0 <= index < len(faces):
            assert self.analysis is not None
            head = frame_face(self.analysis, index, s.angle_deg)
        box = swap_orientation_box(
            s.box, aspect[0] / aspect[1] if aspect else None, self.constraints(aspect), head
        )
        if aspect is not None:
            self._last_aspect = aspect
        self._commit(replace(s, box=box, aspect=aspect, suggestion_id=None))

    def nudge(self, dx: float, dy: float) -> None:
        """Arrow keys: move the crop by (dx, dy) px, stopping at the image edge. A move that
        stays on the photo is exact: it does not re-snap the box to its ratio (a suggestion's
        whole-pixel box moved 1.1 px and changed size on its first nudge)."""
        moved = self._state.box.translated(dx, dy)
        s = self._state
        if box_inside(moved, self.image_width, self.image_height, s.angle_deg, tol=1e-3):
            box = moved
        else:
            box = constrain_crop(moved, self.constraints(), handle="move")
        self._commit(replace(self._state, box=box, suggestion_id=None))

    def apply_suggestion(self, s: Suggestion) -> None:
        """Take a suggestion's box, ratio, angle and subject as they are (core made them)."""
        self._last_aspect = s.aspect
        self._commit(self._fitted(CropState(s.box, s.aspect, s.angle_deg, s.subject, s.id)))

    def start_at(self, s: Suggestion) -> None:
        """Where the photo opens (its first suggestion): not an edit, so no undo step; Ctrl+Z
        never goes back to the full frame shown while the faces were being found."""
        self._last_aspect = s.aspect
        self._live_start = None
        self._undo.clear()
        self._redo.clear()
        self._state = self._fitted(CropState(s.box, s.aspect, s.angle_deg, s.subject, s.id))
        self.changed.emit(self._state)

    def reset_to(self, state: CropState) -> None:
        """Replace the whole state (e.g. a sidecar's saved crop); undoable."""
        if state.aspect is not None:
            self._last_aspect = state.aspect
        self._commit(self._fitted(state))

    def level_eyes(self) -> None:
        """Rotate so the subject's eyes are level (angle = the face's roll, core convention)."""
        faces = self.analysis.faces if self.analysis is not None else ()
        if not faces:
            raise ValueError("no face to level")
        index = self._state.subject if self._state.subject is not None else 0
        if not 0 <= index < len(faces):  # a subject saved for another detection of the photo
            index = 0
        self.set_angle(faces[index].roll_deg)

    @property
    def lines_level_angle(self) -> float | None:
        """The rotation that levels the background's straight lines (core.scene_lines), or
        ``None`` when the photo has no dominant lines to go by."""
        lines = self.analysis.scene_lines if self.analysis is not None else None
        if lines is None or lines.strength < load_framing_rules().lines_min_strength:
            return None
        return lines.level_angle_deg

    def level_lines(self) -> None:
        """Rotate so the background's straight lines (horizon, shelves, walls) are level or
        plumb: an automatic straighten that ignores the sitter's head tilt."""
        angle = self.lines_level_angle
        if angle is None:
            raise ValueError("no straight lines in the background to level by")
        self.set_angle(angle)

    def straighten_by_line(self, p1: Point, p2: Point) -> None:
        """Rotate so the line p1-p2 (drawn on the upright, unrotated original image) becomes level,
        or vertical when it is closer to vertical."""
        self.set_angle(straighten_angle(p1, p2))

    def set_subject(self, index: int | None) -> None:
        faces = self.analysis.faces if self.analysis is not None else ()
        if index is not None and not 0 <= index < len(faces):
            raise IndexError(f"no face {index}: the photo has {len(faces)} face(s)")
        self._commit(replace(self._state, subject=index))

    # -- history -------------------------------------------------------------------------------
    def undo(self) -> None:
        if self._live_start is not None:
            self.finish_drag()
        if not self._undo:
            return
        self._redo.append(self._state)
        self._state = self._undo.pop()
        self.changed.emit(self._state)

    def redo(self) -> None:
        if self._live_start is not None:
            self.finish_drag()
        if not self._redo:
            return
        self._undo.append(self._state)
        self._state = self._redo.pop()
        self.changed.emit(self._state)


def _ratio_of(box: Box, max_term: int = 32) -> tuple[int, int]:
    """The box's ratio as small whole numbers (3000x4000 -> (3, 4)), closest within ``max_term``."""
    target = box.w / box.h if box.h else 1.0
    best = (1, 1)
    best_err = math.inf
    for h in range(1, max_term + 1):
        w = max(1, round(target * h))
        err = abs(w / h - target)
        if err < best_err - 1e-12:
            best, best_err = (w, h), err
    return best
