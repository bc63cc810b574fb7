"""The MediaPipe Tasks classes Headroom uses, imported without the rest of ``mediapipe``.

``import mediapipe`` (and any ``import mediapipe.tasks.python.<module>``, since a submodule import
runs every parent package's ``__init__``) loads every task MediaPipe ships: the audio tasks with
``sounddevice``, and the drawing utilities with OpenCV and ``matplotlib.pyplot``. On the 2-core
machine that is 0.5-1.2 s of a 0.2 s command, for code Headroom never calls.

So, before importing the few modules it needs, this module registers the four package levels
(``mediapipe`` ... ``mediapipe.tasks.python.vision``) as *shells*: real package modules built from
their installed spec, with ``__path__`` set so submodules import normally, whose ``__init__`` has
not run yet. Nothing installed is changed. A shell runs its real ``__init__`` (and those of the
other shells, innermost first, as a plain ``import mediapipe`` would have) the first time anyone
asks it for a name that is not a submodule, e.g. ``mediapipe.Image`` in someone else's code: that
code then gets the whole package as before, at the old price.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

#: Outermost first. Their ``__init__`` files import every task (the expensive part).
_SHELL_PACKAGES = (
    "mediapipe",
    "mediapipe.tasks",
    "mediapipe.tasks.python",
    "mediapipe.tasks.python.vision",
)

_lock = threading.RLock()
#: name -> (module, spec) of the shells whose ``__init__`` has not run yet.
_pending: dict[str, tuple[ModuleType, importlib.machinery.ModuleSpec]] = {}


def _is_submodule(package: ModuleType, name: str) -> bool:
    path = getattr(package, "__path__", None)
    return importlib.machinery.PathFinder.find_spec(f"{package.__name__}.{name}", path) is not None


def _complete_all() -> None:
    """Run the real ``__init__`` of every shell still pending, innermost first: in a plain
    ``import mediapipe`` the inner packages finish before the outer ones (``mediapipe/__init__``
    rebinds ``mediapipe.tasks`` to ``mediapipe.tasks.python`` only at its end)."""
    with _lock:
        for name in reversed(_SHELL_PACKAGES):
            entry = _pending.pop(name, None)
            if entry is None:
                continue
            module, spec = entry
            module.__dict__.pop("__getattr__", None)
            assert spec.loader is not None
            spec.loader.exec_module(module)


def _shell_getattr(package: ModuleType) -> Any:
    def __getattr__(name: str) -> Any:
        # Dunder probes and submodule names must fail here so that the import system goes on to
        # import the submodule itself (``from package import submodule`` asks hasattr first).
        if name.startswith("__") or _is_submodule(package, name):
            raise AttributeError(name)
        _complete_all()
        return getattr(package, name)

    return __getattr__


def _install_shells() -> None:
    with _lock:
        parent_path: Any = None
        for name in _SHELL_PACKAGES:
            existing = sys.modules.get(name)
            if existing is not None:  # already imported (in full, or a shell): keep it
                parent_path = existing.__path__
                continue
            spec = importlib.machinery.PathFinder.find_spec(name, parent_path)
            if spec is None or spec.loader is None or spec.submodule_search_locations is None:
                raise ImportError(f"cannot find the package {name}", name=name)
            module = importlib.util.module_from_spec(spec)
            module.__dict__["__getattr__"] = _shell_getattr(module)
            sys.modules[name] = module
            _pending[name] = (module, spec)
            parent, _, child = name.rpartition(".")
            if parent:
                setattr(sys.modules[parent], child, module)
            parent_path = module.__path__


_install_shells()

# The modules Headroom uses, each importing only what it needs (numpy, ctypes, the C library).
from core.privacy import keep_mediapipe_offline  # noqa: E402

# Before any task exists: MediaPipe's usage logging must fail without touching the network.
keep_mediapipe_offline()

from mediapipe.tasks.python.core.base_options import BaseOptions  # noqa: E402
from mediapipe.tasks.python.vision.core.image import Image, ImageFormat  # noqa: E402
from mediapipe.tasks.python.vision.face_detector import (  # noqa: E402
    FaceDetector,
    FaceDetectorOptions,
)
from mediapipe.tasks.python.vision.image_segmenter import (  # noqa: E402
    ImageSegmenter,
    ImageSegmenterOptions,
)

__all__ = [
    "BaseOptions",
    "FaceDetector",
    "FaceDetectorOptions",
    "Image",
    "ImageFormat",
    "ImageSegmenter",
    "ImageSegmenterOptions",
]
