"""Export: render crops from the full-resolution photo to preset sizes and write them safely.

Public API (Qt-free; the GUI calls it from a worker thread):
``export_photo``, ``plan_crops``, ``plan_outputs``, ``ExportOptions``, ``CropChoice``,
``WrittenFile``, ``ExportCancelled``.
"""

from __future__ import annotations

from core.export.multi import (
    ExportCancelled,
    PlannedOutput,
    export_photo,
    plan_batch_outputs,
    plan_crops,
    plan_crops_partial,
    plan_outputs,
    refit,
    refit_to_presets,
    refuse_existing,
)
from core.export.types import (
    DEFAULT_NAME_TEMPLATE,
    CropChoice,
    CropPlan,
    ExportOptions,
    ProgressCallback,
    WrittenFile,
)

__all__ = [
    "DEFAULT_NAME_TEMPLATE",
    "CropChoice",
    "CropPlan",
    "ExportCancelled",
    "ExportOptions",
    "PlannedOutput",
    "ProgressCallback",
    "WrittenFile",
    "export_photo",
    "plan_batch_outputs",
    "plan_crops",
    "plan_crops_partial",
    "plan_outputs",
    "refit",
    "refit_to_presets",
    "refuse_existing",
]
