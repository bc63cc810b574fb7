"""The export dialog's per-photo check list stays linear as photos arrive (review finding: each
photo rewrapped every message of the whole list, quadratic in the photos)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

import ui.export_checks as export_checks
from core.batch import check_batch
from core.presets import load_presets
from ui.export_checks import PresetChecksView

PHOTOS = 60


def _message_rows(item) -> int:
    rows, stack = 0, [item]
    while stack:
        row = stack.pop()
        if isinstance(row.data(0, export_checks._MESSAGE_ROLE), str):
            rows += 1
        stack.extend(row.child(c) for c in range(row.childCount()))
    return rows


def test_adding_a_photo_wraps_only_its_own_messages(
    qtbot, monkeypatch: pytest.MonkeyPatch, analyzer, astronaut_path: Path, tmp_path: Path
) -> None:
    book = load_presets(None)
    chosen = [book.require(i) for i in ("linkedin-profile", "linkedin-cover", "instagram-square")]
    photo = tmp_path / "astronaut.png"
    shutil.copy(astronaut_path, photo)
    item = check_batch([photo], chosen, tmp_path / "out", analyzer=analyzer).items[0]
    assert item.status == "done"
    assert sum(len(found) for _, found in item.checks) + len(item.unframed) > 0  # rows to wrap

    calls = 0
    real_wrap = export_checks.wrap_to_width

    def counting_wrap(*args, **kwargs):
        nonlocal calls
        calls += 1
        return real_wrap(*args, **kwargs)

    monkeypatch.setattr(export_checks, "wrap_to_width", counting_wrap)
    view = PresetChecksView()
    qtbot.addWidget(view)
    view.resize(640, 480)
    view.show()
    qtbot.waitExposed(view)
    view.start_photos(PHOTOS)
    per_photo: list[tuple[int, int]] = []
    for n in range(PHOTOS):
        same = dataclasses.replace(item, source=tmp_path / f"photo{n:03}.png")
        before = calls
        view.add_photo(chosen, same, n + 1, PHOTOS)
        own = _message_rows(view.topLevelItem(n))
        per_photo.append((calls - before, own))
    assert len(view.shown_photos()) == PHOTOS
    # Each photo wraps its own message rows, not the list's so far (the last photo used to wrap
    # 60 photos' worth). The one exception is a real resize: the vertical scroll bar appearing
    # narrows the viewport, and resizeEvent rewraps the whole list once.
    assert all(own > 0 for _, own in per_photo)
    extra = [(n, wrapped, own) for n, (wrapped, own) in enumerate(per_photo) if wrapped != own]
    assert len(extra) <= 1, extra
    assert all(wrapped >= own for wrapped, own in per_photo)
    rows_at_end = sum(own for _, own in per_photo)
    assert sum(wrapped for wrapped, _ in per_photo) <= 2 * rows_at_end, per_photo

    # A resize still rewraps every message, to the new width.
    before = calls
    view.resize(420, 480)
    qtbot.waitUntil(lambda: calls > before)
    total = sum(_message_rows(view.topLevelItem(i)) for i in range(view.topLevelItemCount()))
    assert calls - before >= total
