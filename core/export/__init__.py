"""Export: render planned crops from the full-resolution photo to preset sizes and write them
safely. Which crop each preset gets is decided by ``core.framing.plan``; export only writes.

Public API (Qt-free; the GUI calls it from a worker thread):
``export_photo``, ``plan_outputs``, ``ExportOptions``, ``WrittenFile``, ``ExportCancelled``.
"""

from __future__ import annotations

from core.export.multi import (
    ExportCancelled,
    PhotoExportFailed,
    PlannedOutput,
    RenderedFile,
    check_options,
    export_photo,
    plan_batch_outputs,
    plan_outputs,
    refuse_existing,
    refuse_inputs,
    render_outputs,
    render_photo,
    write_rendered,
)
from core.export.types import (
    DEFAULT_NAME_TEMPLATE,
    ExportOptions,
    ProgressCallback,
    WrittenFile,
)

__all__ = [
    "DEFAULT_NAME_TEMPLATE",
    "ExportCancelled",
    "ExportOptions",
    "PhotoExportFailed",
    "PlannedOutput",
    "ProgressCallback",
    "RenderedFile",
    "WrittenFile",
    "check_options",
    "export_photo",
    "plan_batch_outputs",
    "plan_outputs",
    "refuse_existing",
    "refuse_inputs",
    "render_outputs",
    "render_photo",
    "write_rendered",
]
