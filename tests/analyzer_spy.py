"""Counting what a real FaceAnalyzer analyses (tests that promise a photo is analysed once)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer


def count_analyses(analyzer: FaceAnalyzer, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The paths ``analyzer.analyze_path`` is called with from now on (it still analyses)."""
    calls: list[Path] = []
    real = analyzer.analyze_path

    def counting(path: Path):  # type: ignore[no-untyped-def]
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(analyzer, "analyze_path", counting)
    return calls
