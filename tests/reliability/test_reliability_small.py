"""The smaller holes of issue #11: each one a clear error or the right pixels, never a traceback,
a wrong folder or lost metadata."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import PresetError
from core.photo import load_photo
from core.presets import load_presets
from tests.reliability.cli import run_cli

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format='
    b'"headroom-test"/></rdf:RDF></x:xmpmeta>'
)


@pytest.mark.parametrize("value", ["[inf, 5]", "[nan, 5]", "[-inf, 5]", "[1e300, 5]"])
def test_a_non_finite_physical_size_is_a_preset_error(tmp_path: Path, value: str) -> None:
    user = tmp_path / "presets.toml"
    user.write_text(
        f'[[preset]]\nid = "odd"\nname = "Odd"\nsize_mm = {value}\nppi = 300\n'
        'genre = "headshot"\nframing = "standard"\n'
    )
    with pytest.raises(PresetError, match="size_mm"):
        load_presets(user)


def test_an_empty_out_is_refused(tmp_path: Path, grace_hopper_path: Path) -> None:
    run = run_cli(["export", grace_hopper_path, "--preset", "x-profile", "--out", ""], cwd=tmp_path)
    assert run.returncode == 2
    assert "error:" in run.stderr and "Traceback" not in run.stderr
    assert os.listdir(tmp_path) == []  # nothing written into the current folder


def test_a_32_bit_integer_tiff_with_8_bit_values_keeps_its_brightness(tmp_path: Path) -> None:
    values = (np.arange(64 * 256).reshape(64, 256) % 256).astype(np.int32)
    path = tmp_path / "int32.tif"
    Image.fromarray(values, mode="I").save(path)
    loaded = load_photo(path)
    # Before: read as 16-bit, the mean came out near 0.5 instead of 127.
    assert loaded.analysis_rgb.mean() == pytest.approx(values.mean(), abs=2)


def test_keep_metadata_png_keeps_xmp(tmp_path: Path, grace_hopper_path: Path) -> None:
    photo = tmp_path / "with_xmp.jpg"
    with Image.open(grace_hopper_path) as image:
        image.save(photo, "JPEG", xmp=XMP)
    out = tmp_path / "out"
    run = run_cli(["export", photo, "--preset", "x-profile", "--format", "png", "--keep-metadata",
                   "--out", out])  # fmt: skip
    assert run.returncode == 0, run.stderr
    data = (out / "with_xmp_x-profile.png").read_bytes()
    assert b"headroom-test" in data
    with Image.open(io.BytesIO(data)) as written:
        assert "headroom-test" in str(written.info.get("xmp", ""))
