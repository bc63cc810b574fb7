"""The shared photo sets (``../shared/photos`` beside the repository) for tests on real photos.

CI lays ``shared/`` beside the clone; where it is missing, the tests that need it skip and say why.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

# The repository's parent holds shared/ (a clone at X/main has it at X/shared).
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
SHARED_PHOTOS = SHARED_DIR / "photos"
DEV_PHOTOS = SHARED_PHOTOS / "dev"


def shared_photo(name: str) -> Path:
    """Path of a photo in shared/photos (``"dev/x.jpg"`` for the dev set); skips when absent."""
    path = SHARED_PHOTOS / name
    if not path.is_file():
        pytest.skip(f"shared photo {name} not found under {SHARED_PHOTOS} (../shared is absent)")
    return path


def dev_manifest() -> list[dict[str, str]]:
    """Rows of shared/photos/dev/MANIFEST.tsv (filename, people, ...); skips when absent."""
    manifest = DEV_PHOTOS / "MANIFEST.tsv"
    if not manifest.is_file():
        pytest.skip(f"{manifest} not found (../shared is absent)")
    with manifest.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))
