"""Crop planning (core.framing.plan): which crop each preset gets."""

from __future__ import annotations

import pytest

from core.framing.plan import CropChoice, refit
from core.geometry import Box


def test_refit_contains_the_chosen_crop_with_the_same_upper_third() -> None:
    choice = CropChoice(box=Box(300, 100, 400, 500), aspect=(4, 5))
    assert refit(choice, (4, 5), 1000, 1000) == choice.box
    square = refit(choice, (1, 1), 1000, 1000)
    assert square.w == pytest.approx(square.h) == pytest.approx(500)
    assert square.contains_box(choice.box)
    assert square.cx == pytest.approx(500)
    assert square.top + square.h / 3 == pytest.approx(100 + 500 / 3)
    wide = refit(choice, (4, 1), 1000, 1000)  # too wide for the photo: the largest 4:1 there is
    assert (wide.w, wide.h) == pytest.approx((1000, 250))
    assert wide.top + wide.h / 3 == pytest.approx(100 + 500 / 3)
    tall = refit(CropChoice(box=Box(0, 600, 300, 300)), (1, 2), 1000, 1000)  # moved inside
    assert (tall.w, tall.h) == pytest.approx((300, 600))
    assert tall.bottom == pytest.approx(1000)
