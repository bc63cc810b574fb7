"""Options and photo sets of the reliability suite (see README, "What Headroom promises").

``--reliability-full`` (declared in tests/conftest.py, where pytest reads options) runs the larger
version: more kill moments, more concurrent trials, the
whole hostile corpus several times over. The default run is sized for CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def full_run(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--reliability-full"))


@pytest.fixture(scope="session")
def face_photos(grace_hopper_path: Path, astronaut_path: Path) -> list[Path]:
    """Two real photos with one clear face each (from installed packages)."""
    return [grace_hopper_path, astronaut_path]
