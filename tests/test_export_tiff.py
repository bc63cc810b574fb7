"""16-bit TIFF export (core.export.tiff16): the Adobe RGB profile Headroom builds, 16-bit renders
from a raw develop and from a 16-bit TIFF, the same crop as the 8-bit outputs, ppi and profile in
the file, and the CLI / batch path."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
import tifffile
from PIL import Image, ImageCms

from core.errors import ExportError
from core.export import ExportOptions
from core.export.colour import srgb_profile_bytes
from core.export.icc import adobe_rgb_profile_bytes
from core.export.tiff16 import encode_tiff, open_16bit, render_16, srgb_to_adobe
from core.framing.plan import CropChoice
from core.geometry import Box
from core.presets import load_presets
from core.sidecar import write_sidecar
from tests.raw_samples import upright_even, write_dng

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer

BOOK = load_presets()


def test_adobe_rgb_profile_is_a_working_icc_profile() -> None:
    profile = ImageCms.ImageCmsProfile(io.BytesIO(adobe_rgb_profile_bytes()))
    assert "Adobe RGB (1998)" in ImageCms.getProfileDescription(profile)
    to_adobe = ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"),
        profile,
        "RGB",
        "RGB",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )
    expected = {  # the published sRGB -> Adobe RGB (1998) values of the primaries
        (255, 0, 0): (219, 0, 0),
        (0, 255, 0): (144, 255, 60),
        (0, 0, 255): (0, 0, 250),
        (255, 255, 255): (255, 255, 255),
    }
    for srgb, adobe in expected.items():
        got = ImageCms.applyTransform(Image.new("RGB", (1, 1), srgb), to_adobe).getpixel((0, 0))
        assert all(abs(a - b) <= 1 for a, b in zip(got, adobe, strict=True)), (srgb, got)
    # The numpy conversion of 16-bit pixels agrees with LittleCMS.
    ours = srgb_to_adobe(np.array([[[65535, 0, 0], [0, 65535, 0], [0, 0, 65535]]], np.uint16))
    assert np.abs(ours[0] / 257.0 - np.array([[219, 0, 0], [144, 255, 60], [0, 0, 250]])).max() < 1


def test_16bit_tiff_carries_profile_and_ppi() -> None:
    pixels = (np.arange(40 * 30 * 3, dtype=np.uint32).reshape(30, 40, 3) * 37 % 65536).astype(
        np.uint16
    )
    data = encode_tiff(pixels, ppi=300, icc_profile=adobe_rgb_profile_bytes())
    with tifffile.TiffFile(io.BytesIO(data)) as tif:
        page = tif.pages.first
        assert page.dtype == np.uint16 and page.shape == (30, 40, 3)
        assert np.array_equal(page.asarray(), pixels)  # lossless
        assert page.tags[34675].value == adobe_rgb_profile_bytes()
        assert page.tags["XResolution"].value == (300, 1)
        assert page.tags["ResolutionUnit"].value == 2  # inch


def test_render_16_matches_the_8bit_render(grace_hopper_path: Path) -> None:
    from core.export.render import render_crop

    with Image.open(grace_hopper_path) as opened:
        rgb = opened.convert("RGB")
    box, angle, size = Box(100.0, 120.0, 300.0, 360.0), 4.0, (250, 300)
    eight = np.asarray(render_crop(rgb, box, angle, size), dtype=np.float64)
    sixteen = render_16(np.asarray(rgb, dtype=np.uint16) * np.uint16(257), box, angle, size)
    assert sixteen.dtype == np.uint16 and sixteen.shape == (300, 250, 3)
    assert np.abs(sixteen / 257.0 - eight).mean() < 0.6


def test_16bit_source_keeps_its_bits(tmp_path: Path) -> None:
    ramp = np.linspace(0, 65535, 256 * 3, dtype=np.uint16).reshape(16, 16, 3)
    path = tmp_path / "ramp.tif"
    tifffile.imwrite(path, ramp, photometric="rgb")
    got = open_16bit(path, "srgb")
    assert np.array_equal(got, ramp)  # not squeezed through 8 bits
    assert len(np.unique(got)) > 256


# --- through the batch: a raw's 16-bit develop ------------------------------------------------


def test_tiff_export_from_a_raw_is_16_bit_and_matches_the_jpeg(
    tmp_path: Path, grace_hopper_path: Path, analyzer: FaceAnalyzer
) -> None:
    from core.batch import run_batch

    with Image.open(grace_hopper_path) as opened:
        source = upright_even(opened)
    raw = write_dng(source, tmp_path / "hopper.dng", 8)
    choice = CropChoice(box=Box(90.0, 40.0, 330.0, 424.0), angle_deg=-1.5, aspect=(35, 45))
    write_sidecar(raw, choice, source.size)
    preset = BOOK.require("id-icao")
    jpeg = run_batch([raw], [preset], tmp_path / "jpeg", analyzer=analyzer)
    results = {}
    for colour in ("srgb", "adobe-rgb"):
        options = ExportOptions(format="tiff", tiff_colour=colour)
        result = run_batch([raw], [preset], tmp_path / colour, options, analyzer=analyzer)
        assert not result.failed, result.failed
        written = result.written[0]
        assert written.path.suffix == ".tif" and written.quality is None
        with tifffile.TiffFile(written.path) as tif:
            page = tif.pages.first
            pixels = page.asarray()
            assert pixels.dtype == np.uint16 and pixels.shape == (1063, 827, 3)
            assert page.tags["XResolution"].value == (600, 1)
            icc = page.tags[34675].value
        results[colour] = (pixels, icc)
    assert results["adobe-rgb"][1] == adobe_rgb_profile_bytes()
    assert results["srgb"][1] == srgb_profile_bytes()
    srgb16 = results["srgb"][0]
    assert len(np.unique(srgb16)) > 256  # a real 16-bit develop, not 8-bit values widened
    with Image.open(jpeg.written[0].path) as eight:
        reference = np.asarray(eight.convert("RGB"), dtype=np.float64)
    assert np.abs(srgb16 / 257.0 - reference).mean() < 3.0  # the same crop, the same look
    assert raw.stat().st_size > 0


def test_tiff_over_a_size_limit_is_refused(tmp_path: Path, grace_hopper_path: Path) -> None:
    from core.export import export_photo

    photo = tmp_path / "hopper.jpg"
    photo.write_bytes(grace_hopper_path.read_bytes())
    preset = BOOK.require("id-us")  # 240 KB limit
    crops = {preset.id: (Box(100.0, 100.0, 300.0, 300.0), 0.0)}
    with pytest.raises(ExportError, match="TIFF"):
        export_photo(photo, [preset], tmp_path / "out", ExportOptions(format="tiff"), crops)
    assert not list((tmp_path / "out").glob("*.tif"))
