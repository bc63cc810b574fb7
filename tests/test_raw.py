"""Camera raw files (core.photo.raw): DNGs built in the test from real photos, every orientation,
the embedded-preview path, folder scans with raw + JPEG pairs, bad raws, and the real path from a
raw through face detection to exported files that agree with the source photo."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from core.errors import PhotoLoadError
from core.photo import (
    develop_raw,
    is_photo_file,
    is_raw_file,
    list_photos,
    load_photo,
    load_photo_and_preview,
    load_preview,
    open_upright,
    read_image_size,
)
from core.photo.raw import RawGeometry, fit_embedded_preview, load_raw_preview
from tests.raw_samples import upright_even, write_dng
from tests.shared_photos import shared_photo

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer


def _correlation(a: Image.Image, b: Image.Image, size: tuple[int, int] = (64, 64)) -> float:
    """Pearson correlation of two pictures' grey levels (LibRaw's tone curve changes brightness,
    not where things are)."""
    x = np.asarray(a.convert("L").resize(size, Image.Resampling.BOX), dtype=np.float64).ravel()
    y = np.asarray(b.convert("L").resize(size, Image.Resampling.BOX), dtype=np.float64).ravel()
    return float(np.corrcoef(x, y)[0, 1])


@pytest.fixture(scope="module")
def hopper(grace_hopper_path: Path) -> Image.Image:
    with Image.open(grace_hopper_path) as opened:
        return upright_even(opened)  # 512 x 600


@pytest.fixture(scope="module")
def wide(hopper: Image.Image) -> Image.Image:
    """A landscape picture, so a missed or wrong turn changes the size."""
    return hopper.crop((0, 0, 512, 384))


def test_raw_suffixes_count_as_photos() -> None:
    for name in ("a.dng", "B.CR2", "c.Cr3", "d.nef", "e.ARW", "f.raf", "g.orf", "h.rw2", "i.pef"):
        assert is_raw_file(Path(name)) and is_photo_file(Path(name)), name
    assert not is_raw_file(Path("a.jpg"))


@pytest.mark.parametrize("orientation", [1, 2, 3, 4, 5, 6, 7, 8])
def test_every_raw_orientation_is_upright(
    tmp_path: Path, wide: Image.Image, orientation: int
) -> None:
    path = write_dng(wide, tmp_path / f"o{orientation}.dng", orientation)
    before = path.read_bytes()
    assert read_image_size(path) == wide.size
    photo = load_photo(path)
    assert (photo.width, photo.height) == wide.size
    assert photo.orientation == orientation
    assert photo.format == "RAW"
    analysis = Image.fromarray(np.asarray(photo.analysis_rgb))
    assert analysis.size == wide.size  # small: never upscaled, never reduced
    assert _correlation(analysis, wide) > 0.95
    full = open_upright(path)
    assert full.size == wide.size and full.mode == "RGB"
    assert _correlation(full, wide) > 0.97
    assert full.info.get("icc_profile")  # sRGB, said so
    preview = load_preview(path, 200)
    assert max(preview.size) == 200
    assert _correlation(preview, wide) > 0.95
    assert path.read_bytes() == before


def test_preview_and_analysis_from_a_half_size_demosaic(
    tmp_path: Path, hopper: Image.Image
) -> None:
    path = write_dng(hopper, tmp_path / "h.dng", 6)
    reduced = load_raw_preview(path, 300)
    assert reduced.source == "half-size demosaic"  # pidng writes no embedded preview
    assert reduced.image.size == (256, 300)
    photo, preview = load_photo_and_preview(path, 256, analysis_max_side=400)
    assert max(preview.size) == 256
    assert max(photo.analysis_rgb.shape[:2]) == 400
    assert photo.analysis_scale == pytest.approx(512 / photo.analysis_rgb.shape[1])


def test_develop_16_bit_and_adobe_rgb(tmp_path: Path, wide: Image.Image) -> None:
    path = write_dng(wide, tmp_path / "w.dng", 8)
    sixteen = develop_raw(path, bits=16)
    assert sixteen.dtype == np.uint16 and sixteen.shape == (384, 512, 3)
    assert int(sixteen.max()) > 255  # real 16-bit values, not 8-bit ones widened
    eight = develop_raw(path, bits=8)
    assert np.abs(sixteen.astype(np.float64) / 257 - eight).mean() < 1.5
    adobe = develop_raw(path, bits=16, colour="adobe-rgb")
    assert adobe.shape == sixteen.shape
    # Adobe RGB's wider primaries: the same colours need less saturated values.
    sat = lambda a: float((a.max(axis=2).astype(float) - a.min(axis=2)).mean())  # noqa: E731
    assert sat(adobe) < sat(sixteen)


def _jpeg(image: Image.Image, orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def test_embedded_preview_is_turned_by_the_raw_flip(wide: Image.Image) -> None:
    # A camera's preview is stored as the sensor saw it: sideways for a portrait-orientation raw.
    upright = wide.resize((1024, 768))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what orientation 6 turns upright
    geometry = RawGeometry(stored_size=(3000, 4000), orientation=6)  # upright 4000 x 3000
    fitted = fit_embedded_preview(_jpeg(stored), geometry, 800)
    assert fitted is not None and fitted.size == (800, 600)
    assert _correlation(fitted, upright) > 0.97
    # A preview written upright with its own orientation tag is turned by that tag instead.
    own = fit_embedded_preview(_jpeg(stored, orientation=6), geometry, 800)
    assert own is not None and _correlation(own, upright) > 0.97


def test_embedded_preview_that_cannot_stand_in_is_refused(wide: Image.Image) -> None:
    geometry = RawGeometry(stored_size=(4000, 3000), orientation=1)
    assert fit_embedded_preview(_jpeg(wide.resize((1024, 576))), geometry, 800) is None  # 16:9
    assert fit_embedded_preview(_jpeg(wide.resize((160, 120))), geometry, 800) is None  # thumb
    assert fit_embedded_preview(b"not a jpeg", geometry, 800) is None
    # ...but a small preview serves a filmstrip thumbnail.
    assert fit_embedded_preview(_jpeg(wide.resize((160, 120))), geometry, 120) is not None


def test_folder_scan_lists_raws_and_a_raw_jpeg_pair_once(tmp_path: Path, wide: Image.Image) -> None:
    write_dng(wide, tmp_path / "IMG_2.DNG")
    wide.save(tmp_path / "IMG_2.JPG")  # the camera's JPEG of the same shot
    wide.save(tmp_path / "IMG_10.jpg")
    write_dng(wide, tmp_path / "IMG_3.dng")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in list_photos(tmp_path)] == ["IMG_2.DNG", "IMG_3.dng", "IMG_10.jpg"]


@pytest.mark.parametrize(
    "content",
    [b"", b"II*\x00" + b"\x00" * 64, b"this is not a raw file at all" * 10],
    ids=["empty", "tiff-header-only", "text"],
)
def test_bad_raw_is_one_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "IMG_1.CR2"
    path.write_bytes(content)
    for load in (load_photo, read_image_size, open_upright):
        with pytest.raises(PhotoLoadError) as caught:
            load(path)
        message = str(caught.value)
        assert str(path) in message and "\n" not in message
        assert "b'" not in message  # LibRaw's message as text, not a bytes repr
    assert path.read_bytes() == content


def test_truncated_dng_is_one_clear_error(tmp_path: Path, wide: Image.Image) -> None:
    good = write_dng(wide, tmp_path / "good.dng").read_bytes()
    path = tmp_path / "cut.dng"
    path.write_bytes(good[: len(good) // 3])
    with pytest.raises(PhotoLoadError, match=r"cut\.dng"):
        open_upright(path)
    assert path.read_bytes() == good[: len(good) // 3]


# --- the real path: detection, crops and exports from a raw agree with the source photo ------


def test_faces_crops_and_exports_from_a_raw_agree_with_the_photo(
    tmp_path: Path, analyzer: FaceAnalyzer
) -> None:
    from core.batch import run_batch
    from core.framing.plan import CropChoice
    from core.geometry import Box
    from core.presets import load_presets
    from core.sidecar import write_sidecar

    with Image.open(shared_photo("matplotlib_grace_hopper.jpg")) as opened:
        source = upright_even(opened)
    jpeg = tmp_path / "jpeg" / "hopper.png"
    jpeg.parent.mkdir()
    source.save(jpeg)
    (tmp_path / "raw").mkdir()
    raw = write_dng(source, tmp_path / "raw" / "hopper.dng", 6)
    raw_bytes = raw.read_bytes()
    _, from_photo = analyzer.analyze_path(jpeg)
    _, from_raw = analyzer.analyze_path(raw)
    assert len(from_raw.faces) == len(from_photo.faces) >= 1
    a, b = from_photo.faces[0], from_raw.faces[0]
    assert a.box.iou(b.box) > 0.85
    assert abs(a.eye_line_y - b.eye_line_y) < 0.02 * source.height
    # The same crop (a saved one, angled) exported from both: the same pixels.
    choice = CropChoice(box=Box(120.0, 60.0, 300.0, 300.0), angle_deg=2.0, aspect=(1, 1))
    write_sidecar(jpeg, choice, source.size)
    write_sidecar(raw, choice, source.size)
    preset = load_presets().require("linkedin-profile")
    out_photo = run_batch([jpeg], [preset], tmp_path / "out_photo", analyzer=analyzer)
    out_raw = run_batch([raw], [preset], tmp_path / "out_raw", analyzer=analyzer)
    assert not out_raw.failed and len(out_raw.written) == 1
    assert out_raw.items[0].crop_from == out_photo.items[0].crop_from == "sidecar"
    with Image.open(out_photo.written[0].path) as x, Image.open(out_raw.written[0].path) as y:
        assert x.size == y.size == (400, 400)
        assert _correlation(x, y) > 0.97
    assert raw.read_bytes() == raw_bytes


def test_small_outputs_from_a_raw_use_the_half_size_develop(
    tmp_path: Path, grace_hopper_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.export.source as export_source
    from core.export import ExportOptions, export_photo
    from core.geometry import Box
    from core.presets import load_presets

    with Image.open(grace_hopper_path) as opened:
        source = upright_even(opened).resize((1536, 1800), Image.Resampling.LANCZOS)
    png = tmp_path / "big.png"
    source.save(png)
    raw = write_dng(source, tmp_path / "big.dng", 6)
    calls: list[Path] = []
    real = export_source.develop_raw_half

    def spy(path: Path) -> tuple[Image.Image, float]:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(export_source, "develop_raw_half", spy)
    preset = load_presets().require("instagram-profile")  # 320 x 320
    crops = {preset.id: (Box(60.0, 100.0, 1400.0, 1400.0), 1.0)}
    [from_raw] = export_photo(raw, [preset], tmp_path / "raw", ExportOptions(), crops)
    [from_png] = export_photo(png, [preset], tmp_path / "png", ExportOptions(), crops)
    assert calls == [raw]
    with Image.open(from_raw.path) as a, Image.open(from_png.path) as b:
        assert a.size == b.size == (320, 320)
        assert _correlation(a, b) > 0.97
