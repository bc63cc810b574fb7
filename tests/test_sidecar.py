"""Sidecars: the chosen crop saved next to the photo and found again; stale, broken and read-only
cases."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from core.errors import ExportError
from core.framing.plan import CropChoice
from core.geometry import Box
from core.sidecar import (
    fallback_path,
    read_sidecar,
    sidecar_path,
    write_sidecar,
)
from tests.export_samples import sha256


@pytest.fixture()
def photo(grace_hopper_path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "photos" / "hopper.jpg"
    copy.parent.mkdir()
    copy.write_bytes(grace_hopper_path.read_bytes())
    return copy


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setattr("core.sidecar.user_cache_dir", lambda: cache)
    return cache


CHOICE = CropChoice(
    box=Box(40.5, 30.25, 400.0, 500.0),
    angle_deg=2.75,
    aspect=(4, 5),
    suggestion_id="headshot-standard-4x5-s0",
    subject=0,
    genre="headshot",
    framing="standard",
    preset="print-8x10",
)


def test_round_trip_next_to_the_photo(photo: Path) -> None:
    before = sha256(photo)
    where = write_sidecar(photo, CHOICE, (512, 600))
    assert where == sidecar_path(photo) == photo.parent / "hopper.jpg.headroom.json"
    data = json.loads(where.read_text())
    assert data["version"] == 1 and data["photo"] == {
        "name": "hopper.jpg",
        "width": 512,
        "height": 600,
    }
    assert read_sidecar(photo) == CHOICE  # size read from the photo's header
    assert read_sidecar(photo, (512, 600)) == CHOICE
    assert sha256(photo) == before
    assert sorted(p.name for p in photo.parent.iterdir()) == ["hopper.jpg", where.name]


def test_no_sidecar_is_none(photo: Path) -> None:
    assert read_sidecar(photo) is None


def test_stale_sidecar_is_ignored_with_a_warning(
    photo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_sidecar(photo, CHOICE, (1024, 1200))  # the photo was edited since
    with caplog.at_level(logging.WARNING, logger="core.sidecar"):
        assert read_sidecar(photo) is None
    assert "stale" in caplog.text and "1024 x 1200" in caplog.text


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        '{"version": 99}',
        '{"version": 1, "photo": {"width": 512, "height": 600}, "crop": {"box": [0, 0, -5, 10]}}',
    ],
)
def test_broken_sidecar_is_ignored(
    photo: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    sidecar_path(photo).write_text(content)
    with caplog.at_level(logging.WARNING, logger="core.sidecar"):
        assert read_sidecar(photo) is None
    assert "ignoring" in caplog.text


def test_read_only_folder_falls_back_to_the_cache(
    photo: Path,
    private_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import core.sidecar

    real = core.sidecar.replace_atomically

    def read_only_photo_folder(path: Path, data: bytes) -> None:
        if path.parent == photo.parent:
            raise PermissionError(13, "Read-only file system")
        real(path, data)

    monkeypatch.setattr(core.sidecar, "replace_atomically", read_only_photo_folder)
    with caplog.at_level(logging.WARNING, logger="core.sidecar"):
        where = write_sidecar(photo, CHOICE, (512, 600))
    assert where == fallback_path(photo) and where.is_relative_to(private_cache)
    assert "Read-only" in caplog.text
    assert not sidecar_path(photo).exists()
    assert read_sidecar(photo) == CHOICE


def test_nowhere_to_write_is_a_clear_error(photo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def nothing_writable(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("core.sidecar.replace_atomically", nothing_writable)
    with pytest.raises(ExportError, match=r"cannot save the crop for hopper\.jpg"):
        write_sidecar(photo, CHOICE, (512, 600))
