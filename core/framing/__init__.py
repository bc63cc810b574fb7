"""Framing engine: headshot, portrait, group and ID crop suggestions, composition checks, and the
rule book for manual crops. All boxes are in upright original-image pixels; a box with an angle
lives in the frame of the photo rotated counter-clockwise about its centre (``core.geometry``)."""

from core.framing.house_style import HouseStyle, frame_in_style, measure_style
from core.framing.manual import (
    CropConstraints,
    Handle,
    constrain_crop,
    fit_aspect,
    manual_suggestion,
)
from core.framing.plan import (
    CropChoice,
    CropPlan,
    CropSource,
    PlannedCrops,
    blank_analysis,
    checks_by_preset,
    crop_checks,
    plan_checks,
    plan_crops,
    refit,
    refit_to_presets,
)
from core.framing.rules import IdRule, load_framing_rules, load_id_rules
from core.framing.suggest import (
    compare_pair,
    first_headshot,
    first_suggestion,
    frame_headshot,
    is_group_photo,
    suggest_all,
    suggestion_for,
)

__all__ = [
    "CropChoice",
    "CropConstraints",
    "CropPlan",
    "CropSource",
    "Handle",
    "HouseStyle",
    "IdRule",
    "PlannedCrops",
    "blank_analysis",
    "checks_by_preset",
    "compare_pair",
    "constrain_crop",
    "crop_checks",
    "first_headshot",
    "first_suggestion",
    "fit_aspect",
    "frame_headshot",
    "frame_in_style",
    "is_group_photo",
    "load_framing_rules",
    "load_id_rules",
    "manual_suggestion",
    "measure_style",
    "plan_checks",
    "plan_crops",
    "refit",
    "refit_to_presets",
    "suggest_all",
    "suggestion_for",
]
