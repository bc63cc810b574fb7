"""Results worked out from one analysis, kept as long as the analysis lives.

A set of suggestions asks for the same head geometry many times (a 29-face photo: over a hundred
times); the analysis is immutable and hashed by identity, so its results can go with it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from core.faces import Analysis

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class PerAnalysis(Generic[K, V]):
    """``value(analysis, key, compute)``: ``compute()`` once per analysis and key; dropped with the
    analysis (weakly keyed, so a closed photo frees its entries)."""

    def __init__(self) -> None:
        self._by_analysis: weakref.WeakKeyDictionary[Analysis, dict[K, V]] = (
            weakref.WeakKeyDictionary()
        )

    def value(self, analysis: Analysis, key: K, compute: Callable[[], V]) -> V:
        known = self._by_analysis.get(analysis)
        if known is None:
            known = {}
            self._by_analysis[analysis] = known
        if key not in known:
            known[key] = compute()
        return known[key]

    def __contains__(self, analysis: object) -> bool:
        return analysis in self._by_analysis

    def __len__(self) -> int:
        """How many analyses have entries (they go when their analysis is collected)."""
        return len(self._by_analysis)
