"""Large resamplings in strips on threads (core.export.strips) give the single call's pixels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.export import strips


@pytest.fixture(scope="module")
def photo(grace_hopper_path: Path) -> Image.Image:
    # Big enough to be split: a 2.4 MP output is at least two strips.
    return Image.open(grace_hopper_path).convert("RGB").resize((1800, 2100))


def test_a_large_output_is_rendered_in_several_strips(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []

    def strip(top: int, bottom: int) -> Image.Image:
        calls.append((top, bottom))
        return Image.new("RGB", (1600, bottom - top), (top % 256, 0, 0))

    monkeypatch.setattr(strips, "_threads", lambda: 2)
    out = strips._in_strips("RGB", (1600, 2000), strip)
    assert len(calls) >= 2
    assert sorted(calls)[0][0] == 0 and sorted(calls)[-1][1] == 2000
    for top, _bottom in calls:
        assert out.getpixel((5, top)) == (top % 256, 0, 0)


def test_affine_in_strips_matches_one_transform(
    photo: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(strips, "_threads", lambda: 2)
    coeffs = (0.95, 0.04, 12.3, -0.04, 0.95, 30.7)
    size = (1500, 1800)
    whole = photo.transform(
        size,
        Image.Transform.AFFINE,
        coeffs,
        resample=Image.Resampling.BICUBIC,
        fillcolor=(255, 255, 255),
    )
    split = strips.affine(photo, size, coeffs, Image.Resampling.BICUBIC, (255, 255, 255))
    difference = np.abs(np.asarray(whole, np.int16) - np.asarray(split, np.int16))
    assert difference.max() <= 1  # float rounding of the shifted offsets
    assert (difference > 0).mean() < 1e-4


def test_resize_in_strips_matches_one_resize(
    photo: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(strips, "_threads", lambda: 2)
    box = (10.4, 33.2, 1790.6, 2080.1)
    whole = np.asarray(photo.resize((1300, 1500), Image.Resampling.LANCZOS, box=box), np.int16)
    split = np.asarray(strips.resize(photo, (1300, 1500), box), np.int16)
    difference = np.abs(whole - split)
    # Pillow may run a strip's two passes in the other order: rounding between them differs.
    assert difference.max() <= 2
    assert difference.mean() < 0.1


def test_small_outputs_are_one_call(photo: Image.Image) -> None:
    box = (0.0, 0.0, float(photo.width), float(photo.height))
    small = strips.resize(photo, (400, 400), box)
    assert small.size == (400, 400)


def test_a_thread_budget_of_one_renders_in_one_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch's worker processes that fill the cores get one thread per output: no strips."""
    calls: list[tuple[int, int]] = []

    def strip(top: int, bottom: int) -> Image.Image:
        calls.append((top, bottom))
        return Image.new("RGB", (1600, bottom - top))

    monkeypatch.setattr(strips.os, "cpu_count", lambda: 2)
    try:
        strips.set_thread_budget(1)
        strips._in_strips("RGB", (1600, 2000), strip)
        assert calls == [(0, 2000)]
        strips.set_thread_budget(None)
        calls.clear()
        strips._in_strips("RGB", (1600, 2000), strip)
        assert len(calls) >= 2
    finally:
        strips.set_thread_budget(None)


def test_pool_workers_share_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.batch import strip_threads_per_worker

    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert [strip_threads_per_worker(n) for n in (1, 2, 3)] == [2, 1, 1]
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert [strip_threads_per_worker(n) for n in (1, 2, 4)] == [8, 4, 2]
