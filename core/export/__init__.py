"""Export: render planned crops from the full-resolution photo to preset sizes and write them
safely. Which crop each preset gets is decided by ``core.framing.plan``; export only writes.

Public API (Qt-free; the GUI calls it from a worker thread):
``export_photo``, ``plan_outputs``, ``ExportOptions``, ``WrittenFile``, ``ExportCancelled``.
"""

from __future__ import annotations

from core.export.atomic import default_out_dir, prepare_out_dir
from core.export.colour import to_srgb
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
from core.export.naming import check_template
from core.export.render import render_crop
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
    "check_template",
    "default_out_dir",
    "export_photo",
    "plan_batch_outputs",
    "plan_outputs",
    "prepare_out_dir",
    "refuse_existing",
    "refuse_inputs",
    "render_crop",
    "render_outputs",
    "render_photo",
    "to_srgb",
    "write_rendered",
]
