"""core.photo: real files in every format, every EXIF orientation, odd modes and bad input."""

from __future__ import annotations

import hashlib
import io
import math
import random
import struct
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageOps

from core.errors import PhotoLoadError
from core.photo import (
    ANALYSIS_BACKGROUND,
    ANALYSIS_MAX_SIDE,
    DRAFT_SLACK,
    RAW_SUFFIXES,
    SUPPORTED_SUFFIXES,
    is_photo_file,
    list_photos,
    load_photo,
    load_photo_and_preview,
    load_preview,
    open_upright,
    read_image_size,
    srgb_profile_bytes,
)
from tests.photo_samples import (
    exif_with_orientation,
    make_cmyk_icc_profile,
    make_grey_icc_profile,
    make_group_photo,
    make_large_jpeg,
    mean_abs_diff,
    resized_like,
    stored_pixels,
    to_16bit,
    write_16bit_grey_png,
    write_16bit_rgb_png,
    write_16bit_rgb_tiff,
    write_cmyk_jpeg,
    write_with_orientation,
)


@pytest.fixture(scope="module")
def astronaut(astronaut_path: Path) -> Image.Image:
    with Image.open(astronaut_path) as opened:
        return opened.convert("RGB")


@pytest.fixture(scope="module")
def landscape(astronaut: Image.Image) -> Image.Image:
    """A non-square upright picture, so a missed or wrong rotation changes the size."""
    return astronaut.crop((0, 64, 512, 448))  # 512 x 384


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _heic_encoder_available() -> bool:
    import pillow_heif

    return bool(pillow_heif.libheif_info().get("encoders", {}).get("x265"))


# ------------------------------------------------------------------------------------------------
# Folder scans


def test_is_photo_file_by_suffix_any_case() -> None:
    assert {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp", ".heic", ".heif"} == set(
        SUPPORTED_SUFFIXES - RAW_SUFFIXES
    )
    assert is_photo_file(Path("a/IMG_0001.JPG"))
    assert is_photo_file(Path("b.HeIc"))
    assert not is_photo_file(Path("notes.txt"))
    assert is_photo_file(Path("raw.CR2"))  # camera raws: tests/test_raw.py
    assert not is_photo_file(Path("jpg"))


def test_list_photos_sorted_flat_without_hidden(tmp_path: Path, astronaut: Image.Image) -> None:
    for name in ("IMG_10.jpg", "IMG_2.JPG", "img_3.png", ".hidden.jpg", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "folder.jpg").mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.jpg").write_bytes(b"x")
    names = [p.name for p in list_photos(tmp_path)]
    assert names == ["IMG_2.JPG", "img_3.png", "IMG_10.jpg"]


def test_list_photos_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(PhotoLoadError, match="does not exist"):
        list_photos(tmp_path / "nope")


# ------------------------------------------------------------------------------------------------
# Formats


FORMATS = [
    ("JPEG", ".jpg", {"quality": 95}, 4.0),
    ("PNG", ".png", {}, 0.0),
    ("TIFF", ".tif", {}, 0.0),
    ("WEBP", ".webp", {"quality": 95}, 4.0),
    ("BMP", ".bmp", {}, 0.0),
    ("HEIF", ".heic", {"quality": 95}, 4.0),
]


@pytest.mark.parametrize(("fmt", "suffix", "save_kwargs", "tolerance"), FORMATS)
def test_every_format_loads(
    tmp_path: Path,
    landscape: Image.Image,
    fmt: str,
    suffix: str,
    save_kwargs: dict[str, Any],
    tolerance: float,
) -> None:
    if fmt == "HEIF" and not _heic_encoder_available():
        pytest.skip("pillow-heif wheel has no HEVC (x265) encoder to write a test HEIC")
    path = tmp_path / f"photo{suffix}"
    landscape.save(path, **save_kwargs)
    before = _sha256(path)

    photo = load_photo(path)

    assert photo.format == fmt
    assert (photo.width, photo.height) == (512, 384)
    assert photo.analysis_rgb.shape == (384, 512, 3)
    assert photo.analysis_rgb.dtype == np.uint8
    assert photo.analysis_scale == 1.0
    assert photo.orientation == 1
    assert mean_abs_diff(photo.analysis_rgb, np.asarray(landscape)) <= tolerance + 0.01
    assert read_image_size(path) == (512, 384)
    assert _sha256(path) == before


# ------------------------------------------------------------------------------------------------
# EXIF orientation


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_is_made_upright(
    tmp_path: Path, landscape: Image.Image, orientation: int
) -> None:
    path = write_with_orientation(
        landscape, tmp_path / f"o{orientation}.jpg", orientation, quality=95
    )
    with Image.open(path) as raw:
        stored_size = raw.size
        oracle = np.asarray(ImageOps.exif_transpose(raw).convert("RGB"))
    expected_stored = (384, 512) if orientation >= 5 else (512, 384)
    assert stored_size == expected_stored

    photo = load_photo(path)

    assert photo.orientation == orientation
    assert (photo.width, photo.height) == (512, 384)
    assert read_image_size(path) == (512, 384)
    assert photo.analysis_rgb.shape == (384, 512, 3)
    assert mean_abs_diff(photo.analysis_rgb, np.asarray(landscape)) < 3.0
    assert mean_abs_diff(photo.analysis_rgb, oracle) < 1.0
    # A wrong turn or flip would differ by far more than JPEG noise.
    flipped = np.asarray(landscape.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    assert mean_abs_diff(photo.analysis_rgb, flipped) > 20


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_with_draft_decode(
    tmp_path: Path, landscape: Image.Image, orientation: int
) -> None:
    """The reduced JPEG decode and the transpose agree, and sizes are the ORIGINAL upright size."""
    upright = landscape.resize((2048, 1536), Image.Resampling.LANCZOS)
    path = write_with_orientation(
        upright, tmp_path / f"big{orientation}.jpg", orientation, quality=90
    )

    photo = load_photo(path, analysis_max_side=400)

    assert (photo.width, photo.height) == (2048, 1536)
    assert photo.analysis_rgb.shape == (300, 400, 3)
    assert photo.analysis_scale == pytest.approx(2048 / 400)
    assert photo.orientation == orientation
    reference = resized_like(upright, (400, 300))
    assert mean_abs_diff(photo.analysis_rgb, reference) < 4.0


@pytest.mark.parametrize(
    ("suffix", "save_kwargs"), [(".png", {}), (".webp", {"quality": 95}), (".tif", {})]
)
def test_orientation_in_other_formats(
    tmp_path: Path, landscape: Image.Image, suffix: str, save_kwargs: dict[str, Any]
) -> None:
    path = write_with_orientation(landscape, tmp_path / f"o6{suffix}", 6, **save_kwargs)
    photo = load_photo(path)
    assert photo.orientation == 6
    assert (photo.width, photo.height) == (512, 384)
    assert mean_abs_diff(photo.analysis_rgb, np.asarray(landscape)) < 3.0


def _png_chunks(data: bytes) -> list[bytes]:
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(data[position : position + 12 + length])
        position += 12 + length
    return chunks


def test_png_exif_after_pixel_data(tmp_path: Path, landscape: Image.Image) -> None:
    """Some tools write eXIf after IDAT; it still counts, and the size read stays header-only."""
    written = write_with_orientation(landscape, tmp_path / "before.png", 6)
    chunks = _png_chunks(written.read_bytes())
    exif_chunk = next(c for c in chunks if c[4:8] == b"eXIf")
    others = [c for c in chunks if c[4:8] not in (b"eXIf", b"IEND")]
    iend = next(c for c in chunks if c[4:8] == b"IEND")
    moved = tmp_path / "after.png"
    moved.write_bytes(written.read_bytes()[:8] + b"".join([*others, exif_chunk, iend]))
    with Image.open(moved) as raw:
        assert "exif" not in raw.info  # Pillow cannot see it without decoding

    assert read_image_size(moved) == (512, 384)
    photo = load_photo(moved)
    assert photo.orientation == 6
    assert photo.exif is not None
    assert mean_abs_diff(photo.analysis_rgb, np.asarray(landscape)) < 0.01

    # Header-only: cut off the pixel data and the size is still read.
    truncated = tmp_path / "cut.png"
    data = moved.read_bytes()
    truncated.write_bytes(data[: len(data) // 3])
    assert read_image_size(truncated) == (384, 512)  # its eXIf went with the cut-off part


def test_heic_orientation(tmp_path: Path, landscape: Image.Image) -> None:
    if not _heic_encoder_available():
        pytest.skip("pillow-heif wheel has no HEVC (x265) encoder to write a test HEIC")
    path = write_with_orientation(landscape, tmp_path / "o6.heic", 6, quality=95)
    photo = load_photo(path)
    # libheif turns the pixels upright itself; the original tag is still reported.
    assert photo.orientation == 6
    assert (photo.width, photo.height) == (512, 384)
    assert read_image_size(path) == (512, 384)
    assert mean_abs_diff(photo.analysis_rgb, np.asarray(landscape)) < 4.0


def test_heic_preview_from_embedded_thumbnail(tmp_path: Path, landscape: Image.Image) -> None:
    """Phones store a small thumbnail in HEIC; small previews decode it, turned like the image."""
    if not _heic_encoder_available():
        pytest.skip("pillow-heif wheel has no HEVC (x265) encoder to write a test HEIC")
    upright = landscape.resize((640, 480), Image.Resampling.LANCZOS)
    path = write_with_orientation(upright, tmp_path / "phone.heic", 6, quality=90, thumbnails=[160])

    preview = load_preview(path, 120)
    assert preview.size == (120, 90)
    reference = resized_like(upright, (120, 90))
    # The thumbnail is its own (coarser) encode: close, and nowhere near a mirrored picture.
    assert mean_abs_diff(np.asarray(preview), reference) < 12.0
    assert mean_abs_diff(np.asarray(preview), reference[:, ::-1]) > 40.0

    photo = load_photo(path, analysis_max_side=150)
    assert (photo.width, photo.height) == (640, 480)
    assert photo.analysis_rgb.shape == (113, 150, 3)
    assert photo.analysis_scale == pytest.approx(640 / 150)
    assert mean_abs_diff(photo.analysis_rgb, resized_like(upright, (150, 113))) < 12.0


def test_open_upright_and_preview_are_upright(tmp_path: Path, landscape: Image.Image) -> None:
    path = write_with_orientation(landscape, tmp_path / "o8.jpg", 8, quality=95)

    full = open_upright(path)
    assert full.mode == "RGB"
    assert full.size == (512, 384)
    assert mean_abs_diff(np.asarray(full), np.asarray(landscape)) < 3.0

    preview = load_preview(path, 200)
    assert preview.mode == "RGB"
    assert preview.size == (200, 150)
    assert mean_abs_diff(np.asarray(preview), resized_like(landscape, (200, 150))) < 4.0


@pytest.mark.parametrize(
    ("name", "orientation", "preview_side"),
    [("large.jpg", 6, 2400), ("large.png", 1, 2400), ("large.jpg", 1, 800)],
)
def test_photo_and_preview_from_one_decode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, orientation: int, preview_side: int
) -> None:
    import core.photo.api

    upright = Image.open(make_large_jpeg(tmp_path / "source.jpg", (4000, 3000))).convert("RGB")
    path = write_with_orientation(upright, tmp_path / name, orientation, quality=92)
    alone, alone_preview = load_photo(path), load_preview(path, preview_side)
    decodes: list[Path] = []
    real_decode = core.photo.api._decode

    def counted(*args: Any, **kwargs: Any) -> Any:
        decodes.append(args[0])
        return real_decode(*args, **kwargs)

    monkeypatch.setattr(core.photo.api, "_decode", counted)
    photo, preview = load_photo_and_preview(path, preview_side)
    assert decodes == [path]  # one decode serves both
    assert (photo.width, photo.height) == (4000, 3000) == (alone.width, alone.height)
    assert (photo.format, photo.mode, photo.orientation) == (
        alone.format,
        alone.mode,
        alone.orientation,
    )
    assert photo.exif == alone.exif and photo.icc_profile == alone.icc_profile
    assert photo.analysis_rgb.shape == (1200, 1600, 3)
    assert photo.analysis_scale == pytest.approx(2.5)
    assert not photo.analysis_rgb.flags.writeable
    # The same upright picture as the separate loaders give (a JPEG's DCT-scaled decode differs
    # from a box-filtered one by a level or two).
    size = alone.analysis_rgb.shape[1::-1]
    assert (
        mean_abs_diff(resized_like(Image.fromarray(photo.analysis_rgb), size), alone.analysis_rgb)
        < 2.5
    )
    assert preview.size == alone_preview.size == (preview_side, preview_side * 3 // 4)
    assert mean_abs_diff(np.asarray(preview), np.asarray(alone_preview)) < 2.5


@pytest.mark.parametrize("suffix", [".webp", ".tif"])
def test_multi_frame_files_use_the_first_frame(
    tmp_path: Path, landscape: Image.Image, suffix: str
) -> None:
    second = landscape.transpose(Image.Transpose.ROTATE_180)
    path = tmp_path / f"frames{suffix}"
    landscape.save(path, save_all=True, append_images=[second], lossless=True)
    with Image.open(path) as raw:
        assert getattr(raw, "n_frames", 1) == 2
    photo = load_photo(path)
    assert mean_abs_diff(photo.analysis_rgb, np.asarray(landscape)) < 0.5


def test_exif_and_icc_are_kept(tmp_path: Path, landscape: Image.Image) -> None:
    exif = Image.Exif()
    exif[0x0112] = 3
    exif[0x010F] = "Headroom Test Camera"  # Make
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = tmp_path / "meta.jpg"
    stored_pixels(landscape, 3).save(path, exif=exif.tobytes(), icc_profile=icc, quality=95)

    photo = load_photo(path)

    assert photo.icc_profile == icc
    assert photo.exif is not None
    kept = Image.Exif()
    kept.load(photo.exif)
    assert kept[0x010F] == "Headroom Test Camera"
    assert kept[0x0112] == 3  # raw block untouched: the writer of upright pixels resets it
    assert open_upright(path).info.get("icc_profile") == icc


@pytest.mark.parametrize(
    ("suffix", "save_kwargs"),
    [(".jpg", {}), (".png", {}), (".webp", {}), (".tif", {}), (".heic", {})],
)
def test_exif_block_is_kept_in_one_writable_form(
    tmp_path: Path, landscape: Image.Image, suffix: str, save_kwargs: dict[str, Any]
) -> None:
    if suffix == ".heic" and not _heic_encoder_available():
        pytest.skip("pillow-heif wheel has no HEVC (x265) encoder to write a test HEIC")
    exif = Image.Exif()
    exif[0x010F] = "Headroom Test Camera"
    exif[0x8298] = "(c) Test"  # Copyright
    path = tmp_path / f"meta{suffix}"
    landscape.save(path, exif=exif.tobytes(), **save_kwargs)

    photo = load_photo(path)

    assert photo.exif is not None
    assert photo.exif.startswith(b"Exif\x00\x00")
    kept = Image.Exif()
    kept.load(photo.exif)
    assert kept[0x010F] == "Headroom Test Camera"
    assert kept[0x8298] == "(c) Test"
    # The block goes straight back into a Pillow writer.
    out = tmp_path / "rewritten.jpg"
    Image.new("RGB", (8, 8)).save(out, exif=photo.exif)
    with Image.open(out) as reread:
        assert reread.getexif()[0x010F] == "Headroom Test Camera"


def test_mismatched_profile_is_not_passed_on(tmp_path: Path, landscape: Image.Image) -> None:
    """A CMYK profile cannot describe RGB pixels: passing it on would break export's conversion."""
    path = tmp_path / "rgb_with_cmyk_profile.jpg"
    landscape.save(path, icc_profile=make_cmyk_icc_profile(), quality=95)
    photo = load_photo(path)
    assert photo.icc_profile is None
    assert "icc_profile" not in open_upright(path).info
    assert mean_abs_diff(photo.analysis_rgb, np.asarray(landscape)) < 3.0


def test_grey_jpeg_with_grey_profile_becomes_srgb(tmp_path: Path, camera_path: Path) -> None:
    with Image.open(camera_path) as opened:
        grey = opened.convert("L")
    path = tmp_path / "grey_icc.jpg"
    grey.save(path, icc_profile=make_grey_icc_profile(1.8), quality=95)

    photo = load_photo(path)

    assert photo.mode == "L"
    assert photo.icc_profile == srgb_profile_bytes()
    # Gamma 1.8 shown in sRGB: mid-tones lighter, black and white where they were.
    assert photo.analysis_rgb.mean() > np.asarray(grey).mean() + 5
    full = open_upright(path)
    assert full.mode == "RGB"
    assert full.info["icc_profile"] == srgb_profile_bytes()


def test_mpo_camera_jpeg_uses_reduced_decode(tmp_path: Path, landscape: Image.Image) -> None:
    """Many cameras write JPEGs with an MPF preview, which Pillow opens as "MPO"."""
    upright = landscape.resize((2048, 1536), Image.Resampling.LANCZOS)
    stored = stored_pixels(upright, 6)
    path = tmp_path / "camera.jpg"
    stored.save(
        path,
        format="MPO",
        save_all=True,
        append_images=[stored.resize((384, 512))],
        exif=exif_with_orientation(6),
        quality=90,
    )
    photo = load_photo(path, analysis_max_side=400)
    assert photo.format == "MPO"
    assert (photo.width, photo.height) == (2048, 1536)
    assert photo.analysis_rgb.shape == (300, 400, 3)
    assert mean_abs_diff(photo.analysis_rgb, resized_like(upright, (400, 300))) < 4.0


def test_sizes_must_be_positive(grace_hopper_path: Path) -> None:
    with pytest.raises(ValueError):
        load_photo(grace_hopper_path, analysis_max_side=0)
    with pytest.raises(ValueError):
        load_preview(grace_hopper_path, 0)


def test_preview_never_upscales(grace_hopper_path: Path) -> None:
    assert load_preview(grace_hopper_path, 5000).size == (512, 600)


# ------------------------------------------------------------------------------------------------
# Large JPEG: reduced decode


def test_large_jpeg_uses_reduced_decode_and_leaves_file_alone(tmp_path: Path) -> None:
    path = make_large_jpeg(tmp_path / "large.jpg", (4000, 3000))
    before = _sha256(path)
    mtime = path.stat().st_mtime_ns

    photo = load_photo(path)

    assert (photo.width, photo.height) == (4000, 3000)
    # Decoded at 1/2 (2000 px), then reduced: the target is met exactly from above.
    assert max(photo.analysis_rgb.shape[:2]) == ANALYSIS_MAX_SIDE
    assert photo.analysis_rgb.shape == (1200, 1600, 3)
    assert photo.analysis_scale == pytest.approx(2.5)
    assert _sha256(path) == before
    assert path.stat().st_mtime_ns == mtime
    assert not photo.analysis_rgb.flags.writeable


@pytest.mark.parametrize("orientation", [1, 6])
def test_reduced_decode_just_below_target_is_kept_not_upscaled(
    tmp_path: Path, landscape: Image.Image, orientation: int
) -> None:
    """Like a 6000 x 4000 camera JPEG for 1600 px (1/4 decode: 1500 px), scaled down: 2048 px for
    560 decodes at 1/4 to 512 px, within DRAFT_SLACK of 560, and is kept at 512."""
    upright = landscape.resize((2048, 1536), Image.Resampling.LANCZOS)
    path = write_with_orientation(upright, tmp_path / f"slack{orientation}.jpg", orientation)

    photo = load_photo(path, analysis_max_side=560)

    assert max(photo.analysis_rgb.shape[:2]) >= math.ceil(560 * DRAFT_SLACK)
    assert photo.analysis_rgb.shape == (384, 512, 3)
    assert photo.analysis_scale == pytest.approx(4.0)
    assert mean_abs_diff(photo.analysis_rgb, resized_like(upright, (512, 384))) < 4.0
    # Previews still get the exact size asked for.
    assert load_preview(path, 560).size == (560, 420)


def test_large_portrait_jpeg_long_side_is_height(tmp_path: Path) -> None:
    path = make_large_jpeg(tmp_path / "tall.jpg", (1800, 2400))
    photo = load_photo(path, analysis_max_side=800)
    assert (photo.width, photo.height) == (1800, 2400)
    assert photo.analysis_rgb.shape == (800, 600, 3)


def test_small_photo_is_not_upscaled(grace_hopper_path: Path) -> None:
    photo = load_photo(grace_hopper_path)
    assert (photo.width, photo.height) == (512, 600)
    assert photo.analysis_rgb.shape == (600, 512, 3)
    assert photo.analysis_scale == 1.0


# ------------------------------------------------------------------------------------------------
# Odd modes


def test_cmyk_jpeg_without_profile(tmp_path: Path, astronaut: Image.Image) -> None:
    path = write_cmyk_jpeg(astronaut, tmp_path / "cmyk.jpg")
    photo = load_photo(path)
    assert photo.mode == "CMYK"
    assert photo.icc_profile is None
    assert mean_abs_diff(photo.analysis_rgb, np.asarray(astronaut)) < 3.0
    full = open_upright(path)
    assert full.mode == "RGB"
    assert "icc_profile" not in full.info


def test_cmyk_jpeg_with_profile_is_converted_through_it(
    tmp_path: Path, astronaut: Image.Image
) -> None:
    source = np.asarray(astronaut)
    plain = write_cmyk_jpeg(
        astronaut, tmp_path / "cmyk_icc.jpg", icc_profile=make_cmyk_icc_profile()
    )
    photo = load_photo(plain)
    assert photo.icc_profile == srgb_profile_bytes()
    assert mean_abs_diff(photo.analysis_rgb, source) < 4.0

    # A profile whose cyan ink is blue: only a conversion through the profile swaps red and blue.
    swapped = write_cmyk_jpeg(
        astronaut, tmp_path / "cmyk_swap.jpg", icc_profile=make_cmyk_icc_profile((2, 1, 0))
    )
    photo = load_photo(swapped)
    assert mean_abs_diff(photo.analysis_rgb, source[..., ::-1]) < 4.0
    assert mean_abs_diff(photo.analysis_rgb, source) > 20
    full = open_upright(swapped)
    assert full.mode == "RGB"
    assert full.info["icc_profile"] == srgb_profile_bytes()


def test_16bit_grey_png_is_scaled_not_clipped(tmp_path: Path, camera_path: Path) -> None:
    with Image.open(camera_path) as opened:
        grey8 = np.asarray(opened.convert("L"))
    path = write_16bit_grey_png(to_16bit(grey8), tmp_path / "grey16.png")
    with Image.open(path) as raw:
        assert raw.mode == "I;16"

    photo = load_photo(path)

    assert photo.mode == "I;16"
    for channel in range(3):
        assert mean_abs_diff(photo.analysis_rgb[..., channel], grey8) < 0.01
    # Clipping at 255 would make everything above level 0 white.
    assert 60 < photo.analysis_rgb.mean() < 200


def test_16bit_rgb_tiff_is_scaled_not_clipped(tmp_path: Path, astronaut: Image.Image) -> None:
    rgb8 = np.asarray(astronaut)
    path = write_16bit_rgb_tiff(to_16bit(rgb8), tmp_path / "rgb16.tif")
    photo = load_photo(path)
    assert mean_abs_diff(photo.analysis_rgb, rgb8) < 0.01
    assert open_upright(path).mode == "RGB"


def test_16bit_rgb_png_is_scaled_not_clipped(tmp_path: Path, astronaut: Image.Image) -> None:
    rgb8 = np.asarray(astronaut)
    path = write_16bit_rgb_png(to_16bit(rgb8), tmp_path / "rgb16.png")
    assert path.read_bytes()[24:26] == bytes([16, 2])  # IHDR: 16-bit truecolour
    photo = load_photo(path)
    assert mean_abs_diff(photo.analysis_rgb, rgb8) < 0.01


def test_16bit_big_endian_grey_tiff(tmp_path: Path, camera_path: Path) -> None:
    import tifffile

    with Image.open(camera_path) as opened:
        grey8 = np.asarray(opened.convert("L"))
    path = tmp_path / "grey16be.tif"
    tifffile.imwrite(path, to_16bit(grey8), byteorder=">")
    photo = load_photo(path)
    assert photo.mode == "I;16B"
    assert mean_abs_diff(photo.analysis_rgb[..., 0], grey8) < 0.01


def test_lab_tiff(tmp_path: Path, astronaut: Image.Image) -> None:
    path = tmp_path / "lab.tif"
    astronaut.convert("LAB").save(path)
    photo = load_photo(path)
    assert photo.mode == "LAB"
    assert photo.icc_profile == srgb_profile_bytes()
    assert mean_abs_diff(photo.analysis_rgb, np.asarray(astronaut)) < 6.0


def test_palette_png_with_transparency(tmp_path: Path, astronaut: Image.Image) -> None:
    palette = astronaut.convert("P", palette=Image.Palette.ADAPTIVE, colors=63)
    pixels = np.array(palette)
    pixels[:, :100] = 63  # left strip -> an index of its own, the transparent one
    transparent = Image.fromarray(pixels, mode="P")
    colours = [*(palette.getpalette() or [])[: 63 * 3], 255, 0, 255]
    transparent.putpalette(colours)
    path = tmp_path / "palette.png"
    transparent.save(path, transparency=63)

    photo = load_photo(path)

    assert photo.mode == "P"
    assert (photo.analysis_rgb[:, :100] == ANALYSIS_BACKGROUND).all()
    visible = np.asarray(palette.convert("RGB"))[:, 100:]
    assert mean_abs_diff(photo.analysis_rgb[:, 100:], visible) < 0.01
    full = open_upright(path)
    assert full.mode == "RGBA"
    alpha = np.asarray(full.getchannel("A"))
    assert (alpha[:, :100] == 0).all() and (alpha[:, 100:] == 255).all()


def _with_alpha_strip(image: Image.Image) -> Image.Image:
    alpha = np.full((image.height, image.width), 255, dtype=np.uint8)
    alpha[:, :128] = 0
    out = image.copy()
    out.putalpha(Image.fromarray(alpha))
    return out


def test_rgba_png(tmp_path: Path, astronaut: Image.Image) -> None:
    path = tmp_path / "rgba.png"
    _with_alpha_strip(astronaut).save(path)
    photo = load_photo(path)
    assert photo.mode == "RGBA"
    assert (photo.analysis_rgb[:, :128] == ANALYSIS_BACKGROUND).all()
    assert mean_abs_diff(photo.analysis_rgb[:, 128:], np.asarray(astronaut)[:, 128:]) < 0.01
    full = open_upright(path)
    assert full.mode == "RGBA"
    assert mean_abs_diff(np.asarray(full), np.asarray(_with_alpha_strip(astronaut))) == 0


def test_la_png(tmp_path: Path, camera_path: Path) -> None:
    with Image.open(camera_path) as opened:
        grey = opened.convert("L")
    path = tmp_path / "la.png"
    _with_alpha_strip(grey).save(path)
    photo = load_photo(path)
    assert photo.mode == "LA"
    assert (photo.analysis_rgb[:, :128] == ANALYSIS_BACKGROUND).all()
    assert mean_abs_diff(photo.analysis_rgb[:, 128:, 1], np.asarray(grey)[:, 128:]) < 0.01
    assert open_upright(path).mode == "RGBA"


def test_one_bit_png(tmp_path: Path, camera_path: Path) -> None:
    with Image.open(camera_path) as opened:
        bilevel = opened.convert("1")
    path = tmp_path / "bilevel.png"
    bilevel.save(path)
    photo = load_photo(path)
    assert photo.mode == "1"
    expected = np.asarray(bilevel.convert("L"))
    assert set(np.unique(photo.analysis_rgb)) <= {0, 255}
    assert mean_abs_diff(photo.analysis_rgb[..., 0], expected) == 0


def test_float_tiff(tmp_path: Path, camera_path: Path) -> None:
    with Image.open(camera_path) as opened:
        grey8 = np.asarray(opened.convert("L"))
    path = tmp_path / "float.tif"
    Image.fromarray(grey8.astype(np.float32) / 255.0, mode="F").save(path)
    photo = load_photo(path)
    assert photo.mode == "F"
    assert mean_abs_diff(photo.analysis_rgb[..., 0], grey8) < 0.51


def test_grayscale_jpeg(camera_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "grey.jpg"
    with Image.open(camera_path) as opened:
        grey = opened.convert("L")
    grey.save(path, quality=95)
    photo = load_photo(path)
    assert photo.mode == "L"
    assert photo.analysis_rgb.shape == (512, 512, 3)
    assert (photo.analysis_rgb[..., 0] == photo.analysis_rgb[..., 2]).all()


# ------------------------------------------------------------------------------------------------
# Bad input


def _assert_fails(path: Path, *words: str) -> PhotoLoadError:
    for call in (load_photo, lambda p: load_preview(p, 64), open_upright):
        with pytest.raises(PhotoLoadError) as caught:
            call(path)
        message = str(caught.value)
        assert str(path) in message
        assert "\n" not in message
        for word in words:
            assert word in message.lower()
    return caught.value


def test_missing_file(tmp_path: Path) -> None:
    _assert_fails(tmp_path / "gone.jpg", "does not exist")
    with pytest.raises(PhotoLoadError, match="does not exist"):
        read_image_size(tmp_path / "gone.jpg")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "album.jpg"
    folder.mkdir()
    _assert_fails(folder, "folder")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    _assert_fails(path, "empty")


def test_text_file_named_jpg(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("Shopping list: film, batteries\n")
    _assert_fails(path, "not an image")


def test_unsupported_variant(tmp_path: Path) -> None:
    import tifffile

    path = tmp_path / "float_rgb.tif"
    tifffile.imwrite(path, np.zeros((8, 8, 3), dtype=np.float32), photometric="rgb")
    _assert_fails(path, "not an image")


def test_truncated_jpeg(tmp_path: Path, grace_hopper_path: Path) -> None:
    data = grace_hopper_path.read_bytes()
    path = tmp_path / "half.jpg"
    path.write_bytes(data[: len(data) // 2])
    before = _sha256(path)
    _assert_fails(path, "truncated")
    # The header is intact: the size is still known without decoding.
    assert read_image_size(path) == (512, 600)
    assert _sha256(path) == before


def test_truncated_png(tmp_path: Path, astronaut_path: Path) -> None:
    data = astronaut_path.read_bytes()
    path = tmp_path / "half.png"
    path.write_bytes(data[: len(data) // 2])
    _assert_fails(path)


def test_corrupt_png_data(tmp_path: Path, astronaut_path: Path) -> None:
    data = bytearray(astronaut_path.read_bytes())
    start = data.index(b"IDAT") + 200
    # Fixed bytes, not random: deterministic damage in the middle of the compressed stream.
    data[start : start + 400] = bytes((i * 37) % 256 for i in range(400))
    path = tmp_path / "corrupt.png"
    path.write_bytes(bytes(data))
    _assert_fails(path, "damaged")


def test_decompression_bomb_error(
    tmp_path: Path, landscape: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.png"
    landscape.save(path)
    # 512 x 384 = 196,608 pixels: over twice Pillow's limit, where Pillow itself refuses.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50_000)
    error = _assert_fails(path, "196,608 pixels", "100,000 pixels")
    assert "limit" in str(error)
    with pytest.raises(PhotoLoadError, match="196,608"):
        read_image_size(path)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_pillow_warning_range_loads_like_a_medium_format_file(
    tmp_path: Path, landscape: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.png"
    landscape.save(path)
    # Between Pillow's limit and twice it (where 100-150 MP cameras sit) Pillow only warns:
    # Headroom opens the photo.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 150_000)
    photo = load_photo(path)
    assert (photo.width, photo.height) == landscape.size
    assert read_image_size(path) == landscape.size


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp"), ("TIFF", ".tif"), ("HEIF", ".heic")],
)
def test_damaged_files_only_ever_raise_photo_load_error(
    tmp_path: Path, astronaut: Image.Image, fmt: str, suffix: str
) -> None:
    """Cut and bit-flipped copies of real files: each either loads or fails with the one-line
    PhotoLoadError naming it; no decoder exception type leaks out."""
    if fmt == "HEIF" and not _heic_encoder_available():
        pytest.skip("pillow-heif wheel has no HEVC (x265) encoder to write a test HEIC")
    buffer = io.BytesIO()
    astronaut.resize((128, 128)).save(buffer, format=fmt, exif=exif_with_orientation(6))
    data = buffer.getvalue()
    rng = random.Random(fmt)
    variants = [data[: rng.randrange(1, len(data))] for _ in range(6)]
    for _ in range(6):
        damaged = bytearray(data)
        for _ in range(rng.choice((1, 8))):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        variants.append(bytes(damaged))
    failures = 0
    for index, variant in enumerate(variants):
        path = tmp_path / f"damaged{index}{suffix}"
        path.write_bytes(variant)
        try:
            photo = load_photo(path, analysis_max_side=64)
        except PhotoLoadError as error:
            failures += 1
            assert str(path) in str(error) and "\n" not in str(error)
        else:
            assert photo.analysis_rgb.shape[2] == 3 and photo.width > 0
    assert failures > 0  # the cuts at least must be noticed


# ------------------------------------------------------------------------------------------------
# Helpers shared with other tests, and threads


def test_make_group_photo_places_real_portraits(
    astronaut_path: Path, grace_hopper_path: Path, tmp_path: Path
) -> None:
    group = make_group_photo([astronaut_path, grace_hopper_path, astronaut_path], stagger=30)
    assert len(group.placements) == 3
    x0, y0, w0, h0 = group.placements[0]
    x1, y1, _w1, h1 = group.placements[1]
    assert h0 == h1 == 600 and x1 > x0 + w0 and y1 == y0 + 30
    path = group.save(tmp_path / "group.jpg", quality=90)
    photo = load_photo(path)
    assert (photo.width, photo.height) == group.image.size


def test_concurrent_loads_match_serial(tmp_path: Path, landscape: Image.Image) -> None:
    paths = [
        write_with_orientation(landscape, tmp_path / f"t{o}.jpg", o, quality=90)
        for o in (1, 3, 6, 8)
    ]
    serial = [load_photo(p, analysis_max_side=256).analysis_rgb for p in paths]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda p: load_photo(p, analysis_max_side=256), paths * 3))
    for index, photo in enumerate(parallel):
        assert np.array_equal(photo.analysis_rgb, serial[index % len(paths)])


def test_exif_helper_round_trip(tmp_path: Path, landscape: Image.Image) -> None:
    exif = Image.Exif()
    exif.load(exif_with_orientation(7))
    assert exif[0x0112] == 7
    with io.BytesIO() as buffer:
        stored_pixels(landscape, 7).save(buffer, format="PNG", exif=exif_with_orientation(7))
        buffer.seek(0)
        with Image.open(buffer) as reread:
            assert ImageOps.exif_transpose(reread).size == landscape.size
