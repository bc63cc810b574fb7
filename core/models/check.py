"""Checking that bytes are a working model: load them with MediaPipe and run them once.

Also :func:`close_task`, which closes a MediaPipe task without raising; detection uses it for its
own tasks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from core.models.catalog import ModelKind, ModelSpec


class ModelCheckError(Exception):
    """A candidate file is not a usable model (message says why)."""


#: Checks candidate bytes; raises ModelCheckError. Injected in tests, MediaPipe otherwise.
ModelVerifier = Callable[[ModelSpec, bytes], None]


def verify_model_runs(spec: ModelSpec, data: bytes) -> None:
    """Create the model's MediaPipe Tasks object from the bytes and run it once on a blank image.

    Loading alone is not enough: a segmenter model loads as a FaceDetector and only fails on its
    first inference. Tasks are closed explicitly: MediaPipe's ``__del__`` is noisy at interpreter
    exit.
    """
    try:
        import numpy as np

        from core import mediapipe_tasks as vision
        from core.mediapipe_tasks import BaseOptions, Image, ImageFormat
    except ImportError as exc:
        raise ModelCheckError(f"cannot be checked: MediaPipe does not import here ({exc})") from exc

    blank = Image(image_format=ImageFormat.SRGB, data=np.full((64, 64, 3), 128, dtype=np.uint8))
    base = BaseOptions(model_asset_buffer=data)
    task: Any = None
    try:
        if spec.kind is ModelKind.FACE_DETECTOR:
            task = vision.FaceDetector.create_from_options(
                vision.FaceDetectorOptions(base_options=base)
            )
            task.detect(blank)
        else:
            task = vision.ImageSegmenter.create_from_options(
                vision.ImageSegmenterOptions(base_options=base, output_confidence_masks=True)
            )
            result = task.segment(blank)
            if not result.confidence_masks:
                raise ModelCheckError("the segmenter returned no confidence mask")
    except ModelCheckError:
        raise
    except Exception as exc:  # MediaPipe raises ValueError/RuntimeError with native messages
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelCheckError(f"does not load as a {spec.kind.value} model ({first_line})") from exc
    finally:
        if task is not None:
            close_task(task)


def close_task(task: Any) -> None:
    """Close a MediaPipe task and never raise: also safe at interpreter exit, when MediaPipe's
    dispatcher executor is already shut down and its own ``close()`` would raise."""
    try:
        task.close()
        return
    except Exception:
        pass
    # After a failed run MediaPipe's close() raises before it lets go of the native handle, which
    # leaves the task's dispatcher thread alive (the interpreter then hangs at exit) and a __del__
    # that raises again later, possibly on that very thread. Finish close() by hand.
    with contextlib.suppress(Exception):
        task._handle = None
    for part in ("_dispatcher", "_lib"):
        closer = getattr(getattr(task, part, None), "close", None)
        if closer is not None:
            with contextlib.suppress(Exception):
                closer()
