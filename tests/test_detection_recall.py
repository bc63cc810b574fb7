"""Recall on the shared photos: every person the manifest counts is found, and nothing more.

Issue #14 lets analysis get faster only with no loss of recall; the Solvay conference photo (29
faces of 35-45 px in three rows) is the case a shortcut in the small-face search would break first.
"""

from __future__ import annotations

import csv

import pytest

from core.detection import FaceAnalyzer
from tests.shared_photos import SHARED_PHOTOS


def _manifest_people() -> list[tuple[str, int]]:
    manifest = SHARED_PHOTOS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8", newline="") as handle:
        return [
            (row["filename"], int(row["people"])) for row in csv.DictReader(handle, delimiter="\t")
        ]


PEOPLE = _manifest_people()


@pytest.mark.skipif(
    not PEOPLE, reason=f"{SHARED_PHOTOS}/MANIFEST.tsv not found (../shared is absent)"
)
@pytest.mark.parametrize(("name", "people"), PEOPLE, ids=[name for name, _ in PEOPLE])
def test_every_person_in_the_manifest_is_found(
    analyzer: FaceAnalyzer, name: str, people: int
) -> None:
    analysis = analyzer.analyze_path(SHARED_PHOTOS / name)[1]
    assert len(analysis.faces) == people
