"""Framing engine: headshot, portrait, group and ID crop suggestions, composition checks, and the
rule book for manual crops. All boxes are in upright original-image pixels; a box with an angle
lives in the frame of the photo rotated counter-clockwise about its centre (``core.geometry``)."""

from core.framing.manual import (
    CropConstraints,
    Handle,
    constrain_crop,
    fit_aspect,
    manual_suggestion,
)
from core.framing.suggest import (
    first_headshot,
    first_suggestion,
    frame_headshot,
    is_group_photo,
    suggest_all,
    suggestion_for,
)

__all__ = [
    "CropConstraints",
    "Handle",
    "constrain_crop",
    "first_headshot",
    "first_suggestion",
    "fit_aspect",
    "frame_headshot",
    "is_group_photo",
    "manual_suggestion",
    "suggest_all",
    "suggestion_for",
]
