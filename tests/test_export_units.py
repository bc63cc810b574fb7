"""Export building blocks through real files and real encoders (no face models needed): rendering
geometry, colour, metadata, encoding limits, safe names and atomic writes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from core.errors import ExportError
from core.export import ExportOptions, export_photo
from core.export.colour import srgb_profile_bytes
from core.export.encode import MIN_QUALITY
from core.export.render import render_crop
from core.geometry import Box
from core.presets import Preset, load_presets
from tests.export_samples import (
    EXIF_IFD,
    GPS_IFD,
    icc_description,
    private_exif,
    sha256,
    swapped_primaries_profile,
)
from tests.photo_samples import (
    make_large_jpeg,
    stored_pixels,
    write_16bit_rgb_tiff,
    write_cmyk_jpeg,
)

BOOK = load_presets(None)


def screen_preset(w: int, h: int, *, fmt: str = "jpeg", max_bytes: int | None = None) -> Preset:
    return Preset(
        id=f"test-{w}x{h}",
        name="Test",
        group="custom",
        width=w,
        height=h,
        ppi=None,
        genre="headshot",
        framing="standard",
        max_bytes=max_bytes,
        format=fmt,
    )


def full(image_path: Path) -> Box:
    with Image.open(image_path) as im:
        return Box(0, 0, im.width, im.height)


def mean_diff(a: Image.Image, b: Image.Image) -> float:
    return float(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)).mean())


# -- rendering geometry ---------------------------------------------------------------------------


@pytest.mark.parametrize("angle", [0.0, 6.5, -11.0, 90.0])
def test_render_matches_pillow_rotate_then_crop(astronaut_path: Path, angle: float) -> None:
    image = Image.open(astronaut_path).convert("RGB")
    box = Box(120, 80, 240, 300)
    reference = image.rotate(angle, resample=Image.Resampling.BICUBIC).crop((120, 80, 360, 380))
    same_size = render_crop(image, box, angle, (240, 300))
    assert mean_diff(same_size, reference) < 0.2
    small = render_crop(image, box, angle, (80, 100))
    assert mean_diff(small, reference.resize((80, 100), Image.Resampling.LANCZOS)) < 1.5


def test_crops_sharing_an_angle_are_straightened_once_with_the_same_result(
    astronaut_path: Path,
) -> None:
    from core.export.render import CropRenderer

    image = Image.open(astronaut_path).convert("RGB")
    requests = [
        (Box(100, 40, 300, 300), 4.0, (100, 100)),
        (Box(120, 20, 240, 300), 4.0, (80, 100)),
        (Box(60, 60, 400, 100), 4.0, (100, 25)),
        (Box(100, 40, 300, 300), -3.0, (100, 100)),
    ]
    renderer = CropRenderer(image, requests)
    for box, angle, size in requests:
        together = renderer.render(box, angle, size)
        alone = render_crop(image, box, angle, size)
        assert together.size == size
        assert mean_diff(together, alone) < 2.0  # resampling grids differ slightly
    assert len(renderer._shared) == 1  # one straightening for the three 4-degree crops


def test_render_outside_the_photo_is_white_not_garbage(astronaut_path: Path) -> None:
    image = Image.open(astronaut_path).convert("RGB")
    out = render_crop(image, Box(-100, 0, 200, 200), 0.0, (100, 100))
    left = np.asarray(out)[:, :45]
    assert left.min() >= 250
    rgba = render_crop(image.convert("RGBA"), Box(-100, 0, 200, 200), 3.0, (100, 100))
    assert np.asarray(rgba)[:, :40, 3].max() == 0


def test_reduced_jpeg_decode_matches_full_decode(tmp_path: Path) -> None:
    """Large JPEG, small output: export decodes at reduced DCT scale; the result must not differ
    visibly from a full-resolution decode."""
    src = make_large_jpeg(tmp_path / "big.jpg", (4000, 3000))
    preset = screen_preset(400, 400, fmt="png")
    box = Box(1500, 500, 1600, 1600)
    written = export_photo(
        src, [preset], tmp_path / "out", ExportOptions(), {preset.id: (box, 0.0)}
    )
    fast = Image.open(written[0].path).convert("RGB")
    with Image.open(src) as im:
        slow = im.convert("RGB").resize(
            (400, 400), Image.Resampling.LANCZOS, box=(1500, 500, 3100, 2100)
        )
    assert mean_diff(fast, slow) < 1.0


# -- colour ---------------------------------------------------------------------------------------


def test_non_srgb_source_is_converted_and_tagged_srgb(
    grace_hopper_path: Path, tmp_path: Path
) -> None:
    photo = Image.open(grace_hopper_path).convert("RGB")
    src = tmp_path / "swapped.png"
    photo.save(src, icc_profile=swapped_primaries_profile())
    preset = screen_preset(photo.width, photo.height, fmt="png")
    written = export_photo(
        src, [preset], tmp_path / "out", ExportOptions(), {preset.id: (full(src), 0.0)}
    )
    out = Image.open(written[0].path)
    assert "sRGB" in icc_description(out)
    before = np.asarray(photo, np.float64)
    after = np.asarray(out.convert("RGB"), np.float64)
    # The profile's red is sRGB's blue and vice versa: converting swaps the channels (gamma 2.2 vs
    # the sRGB curve leaves only a small tone difference).
    assert np.abs(after[..., 0] - before[..., 2]).mean() < 6
    assert np.abs(after[..., 2] - before[..., 0]).mean() < 6
    assert np.abs(after[..., 0] - before[..., 0]).mean() > 30  # really changed


def test_embedded_srgb_profile_is_the_same_bytes_in_every_process_and_second() -> None:
    # lcms stamps a new profile with the time it was made: two worker processes (or two runs a
    # second apart) embedded different profiles, so the same export was not byte-identical.
    code = "from core.export.colour import srgb_profile_bytes as p; print(p().hex())"
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    time.sleep(1.1)
    second = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert first.stdout == second.stdout == srgb_profile_bytes().hex() + "\n"
    profile = ImageCms.ImageCmsProfile(io.BytesIO(srgb_profile_bytes()))
    assert "sRGB" in (ImageCms.getProfileDescription(profile) or "")


def test_srgb_source_pixels_pass_through(grace_hopper_path: Path, tmp_path: Path) -> None:
    photo = Image.open(grace_hopper_path).convert("RGB")
    src = tmp_path / "srgb.png"
    photo.save(src, icc_profile=srgb_profile_bytes())
    preset = screen_preset(photo.width, photo.height, fmt="png")
    written = export_photo(
        src, [preset], tmp_path / "out", ExportOptions(), {preset.id: (full(src), 0.0)}
    )
    out = Image.open(written[0].path)
    assert "sRGB" in icc_description(out)
    assert mean_diff(out.convert("RGB"), photo) < 0.01


def test_cmyk_and_16bit_sources_export_as_srgb_rgb(astronaut_path: Path, tmp_path: Path) -> None:
    rgb = Image.open(astronaut_path).convert("RGB")
    cmyk = write_cmyk_jpeg(rgb, tmp_path / "cmyk.jpg")
    deep = write_16bit_rgb_tiff(np.asarray(rgb).astype(np.uint16) * 257, tmp_path / "deep.tif")
    preset = screen_preset(256, 256)
    for src in (cmyk, deep):
        written = export_photo(
            src, [preset], tmp_path / "out", ExportOptions(), {preset.id: (full(src), 0.0)}
        )
        out = Image.open(written[0].path)
        assert out.mode == "RGB" and out.size == (256, 256)
        assert "sRGB" in icc_description(out)
        assert mean_diff(out.convert("RGB"), rgb.resize((256, 256), Image.Resampling.LANCZOS)) < 25


# -- metadata -------------------------------------------------------------------------------------


def _camera_jpeg(src: Path, path: Path, orientation: int = 6) -> Path:
    upright = Image.open(src).convert("RGB")
    stored_pixels(upright, orientation).save(
        path, quality=92, exif=private_exif(orientation).tobytes()
    )
    return path


def test_metadata_policy_strips_gps_and_serials_keeps_credits(
    grace_hopper_path: Path, tmp_path: Path
) -> None:
    src = _camera_jpeg(grace_hopper_path, tmp_path / "camera.jpg", orientation=6)
    before = sha256(src)
    upright_h = Image.open(grace_hopper_path).height
    preset = BOOK.require("print-8x10")
    box = Box(16, 0, 480, 600)
    assert upright_h == 600
    written = export_photo(
        src, [preset], tmp_path / "out", ExportOptions(), {preset.id: (box, 0.0)}
    )
    out = Image.open(written[0].path)
    exif = out.getexif()
    assert exif.get(0x0112, 1) == 1
    assert GPS_IFD not in exif or not exif.get_ifd(GPS_IFD)
    assert 0xC62F not in exif
    sub = exif.get_ifd(EXIF_IFD)
    for private in (0xA431, 0xA435, 0xA420):
        assert private not in sub
    assert exif[0x8298] == "(c) 2026 Test Photographer"
    assert exif[0x013B] == "Test Photographer"
    assert exif[0x0132] == "2026:01:02 03:04:05"
    assert sub[0x9003] == "2026:01:02 03:04:05"
    assert (sub[0xA002], sub[0xA003]) == (2400, 3000)
    assert out.info["dpi"] == pytest.approx((300, 300))
    assert float(exif[0x011A]) == 300
    assert not out.info.get("progressive")  # print files stay baseline JPEG
    # Upright: the top of the output is the top of the upright photo (her cap), not a side.
    reference = (
        Image.open(grace_hopper_path)
        .convert("RGB")
        .resize((2400, 3000), Image.Resampling.LANCZOS, box=(16, 0, 496, 600))
    )
    assert mean_diff(out.convert("RGB"), reference) < 4
    assert sha256(src) == before


def test_keep_metadata_keeps_gps_and_serials_but_not_orientation(
    grace_hopper_path: Path, tmp_path: Path
) -> None:
    src = _camera_jpeg(grace_hopper_path, tmp_path / "camera.jpg", orientation=8)
    preset = BOOK.require("linkedin-profile")
    written = export_photo(
        src,
        [preset],
        tmp_path / "out",
        ExportOptions(keep_metadata=True),
        {preset.id: (Box(50, 50, 400, 400), 0.0)},
    )
    exif = Image.open(written[0].path).getexif()
    assert exif.get(0x0112, 1) == 1
    assert exif.get_ifd(GPS_IFD)[1] == "N"
    assert exif.get_ifd(EXIF_IFD)[0xA431] == "BODY-12345"
    assert exif[0xC62F] == "CAMSERIAL-9"


# -- encoding -------------------------------------------------------------------------------------


def test_formats_alpha_and_subsampling(astronaut_path: Path, tmp_path: Path) -> None:
    rgba = Image.open(astronaut_path).convert("RGBA")
    alpha = np.zeros((rgba.height, rgba.width), np.uint8)
    alpha[:, 256:] = 255
    rgba.putalpha(Image.fromarray(alpha))
    src = tmp_path / "alpha.png"
    rgba.save(src)
    crops = {p: (Box(0, 0, 512, 512), 0.0) for p in ("test-256x256",)}
    jpeg = export_photo(src, [screen_preset(256, 256)], tmp_path / "j", ExportOptions(), crops)[0]
    out = Image.open(jpeg.path)
    assert (out.format, out.mode) == ("JPEG", "RGB")
    assert np.asarray(out)[:, :100].min() > 240  # transparent half flattened onto white
    from PIL import JpegImagePlugin

    assert JpegImagePlugin.get_sampling(out) == 0  # 4:4:4 for small outputs
    assert out.info.get("progressive")  # screen files are progressive
    png = export_photo(
        src, [screen_preset(256, 256)], tmp_path / "p", ExportOptions(format="png"), crops
    )[0]
    out_png = Image.open(png.path)
    assert (out_png.format, out_png.mode, png.path.suffix) == ("PNG", "RGBA", ".png")
    assert np.asarray(out_png)[:, :100, 3].max() == 0
    webp = export_photo(
        src,
        [screen_preset(256, 256)],
        tmp_path / "w",
        ExportOptions(format="webp", quality=80),
        crops,
    )[0]
    assert Image.open(webp.path).format == "WEBP" and webp.path.suffix == ".webp"


def test_size_limit_lowers_quality_until_it_fits(tmp_path: Path) -> None:
    src = make_large_jpeg(tmp_path / "big.jpg", (2400, 2400), quality=95)
    preset = BOOK.require("id-us")  # 600 x 600, <= 240 KB
    plain = screen_preset(600, 600)
    crops = {preset.id: (Box(0, 0, 2400, 2400), 0.0), plain.id: (Box(0, 0, 2400, 2400), 0.0)}
    options = ExportOptions(quality=100)
    written = export_photo(src, [preset, plain], tmp_path / "out", options, crops)
    limited, free = written
    assert limited.bytes <= 240_000 < free.bytes
    assert limited.quality is not None and MIN_QUALITY <= limited.quality < 100
    assert os.path.getsize(limited.path) == limited.bytes
    assert Image.open(limited.path).info["dpi"] == pytest.approx((300, 300))


def test_impossible_size_limit_fails_clearly_and_writes_nothing(tmp_path: Path) -> None:
    src = make_large_jpeg(tmp_path / "big.jpg", (1200, 1200))
    preset = screen_preset(1000, 1000, max_bytes=3_000)
    out = tmp_path / "out"
    with pytest.raises(ExportError, match="cannot fit under 3000 bytes"):
        export_photo(src, [preset], out, ExportOptions(), {preset.id: (Box(0, 0, 1200, 1200), 0.0)})
    assert list(out.iterdir()) == []


# -- names and folders ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "../{stem}.{ext}",
        "/tmp/{stem}.{ext}",
        "{stem}/{preset}.{ext}",
        "{stem.__class__}",
        "",
        "{secret}",
        "..",
        "{stem!r}",
    ],
)
def test_template_escapes_are_refused(
    grace_hopper_path: Path, tmp_path: Path, template: str
) -> None:
    preset = BOOK.require("linkedin-profile")
    with pytest.raises(ExportError):
        export_photo(
            grace_hopper_path,
            [preset],
            tmp_path / "out",
            ExportOptions(name_template=template),
            {preset.id: (Box(0, 0, 400, 400), 0.0)},
        )
    assert not any(tmp_path.rglob("*.jpg"))


def test_field_values_are_sanitised(grace_hopper_path: Path, tmp_path: Path) -> None:
    src = tmp_path / "..evil name.jpg"
    src.write_bytes(grace_hopper_path.read_bytes())
    preset = BOOK.require("linkedin-profile")
    written = export_photo(
        src,
        [preset],
        tmp_path / "out",
        ExportOptions(name_template="{index:03d}-{stem}-{width}x{height}.{ext}"),
        {preset.id: (Box(0, 0, 400, 400), 0.0)},
        index=7,
    )
    assert written[0].path == tmp_path / "out" / "007-evil name-400x400.jpg"


def test_name_clash_is_refused_before_anything_is_written(
    grace_hopper_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    a, b = BOOK.require("linkedin-profile"), BOOK.require("x-profile")
    crops = {p.id: (Box(0, 0, 400, 400), 0.0) for p in (a, b)}
    first = export_photo(grace_hopper_path, [b], out, ExportOptions(), crops)[0]
    stamp = (first.path.stat().st_mtime_ns, sha256(first.path))
    with pytest.raises(ExportError, match="already exist") as info:
        export_photo(grace_hopper_path, [a, b], out, ExportOptions(), crops)
    assert first.path.name in str(info.value)
    assert not (out / "grace_hopper_linkedin-profile.jpg").exists()  # checked all names first
    assert (first.path.stat().st_mtime_ns, sha256(first.path)) == stamp
    again = export_photo(grace_hopper_path, [a, b], out, ExportOptions(overwrite=True), crops)
    assert [w.path.exists() for w in again] == [True, True]
    with pytest.raises(ExportError, match="both be written"):
        export_photo(
            grace_hopper_path,
            [a, b],
            out,
            ExportOptions(name_template="{stem}.{ext}", overwrite=True),
            crops,
        )


def test_output_folder_rules(grace_hopper_path: Path, tmp_path: Path) -> None:
    preset = BOOK.require("linkedin-profile")
    crops = {preset.id: (Box(0, 0, 400, 400), 0.0)}
    created = tmp_path / "new"
    export_photo(grace_hopper_path, [preset], created, ExportOptions(), crops)
    assert created.is_dir()
    with pytest.raises(ExportError, match="neither does its parent"):
        export_photo(grace_hopper_path, [preset], tmp_path / "no" / "such", ExportOptions(), crops)
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(ExportError, match="is a file"):
        export_photo(grace_hopper_path, [preset], a_file, ExportOptions(), crops)


def test_missing_or_corrupt_source_is_a_clear_error(tmp_path: Path) -> None:
    from core.errors import HeadroomError

    preset = BOOK.require("linkedin-profile")
    crops = {preset.id: (Box(0, 0, 400, 400), 0.0)}
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg" * 10)
    for src in (bad, tmp_path / "missing.jpg"):
        with pytest.raises(HeadroomError, match=src.name):
            export_photo(src, [preset], tmp_path / "out", ExportOptions(), crops)
    assert list((tmp_path / "out").iterdir()) == []


# -- atomic writes --------------------------------------------------------------------------------


def test_disk_full_midway_leaves_no_partial_or_temp_file(
    grace_hopper_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    presets = [BOOK.require(i) for i in ("linkedin-profile", "print-8x10", "x-profile")]
    crops = {p.id: (Box(0, 0, 400, 500 if p.id == "print-8x10" else 400), 0.0) for p in presets}
    real_write = os.write
    calls = {"n": 0}

    def flaky_write(fd: int, data: bytes | memoryview) -> int:
        calls["n"] += 1
        if len(data) > 300_000:  # the print-sized file: write part of it, then the disk is full
            real_write(fd, bytes(data[:1000]))
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr("core.export.atomic.os.write", flaky_write)
    with pytest.raises(ExportError, match="No space left"):
        export_photo(grace_hopper_path, presets, out, ExportOptions(), crops)
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "grace_hopper_linkedin-profile.jpg"
    ]  # the file before is complete, nothing else
    assert Image.open(out / names[0]).size == (400, 400)


@pytest.mark.parametrize("overwrite", [False, True])
def test_failed_rename_leaves_nothing(
    grace_hopper_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, overwrite: bool
) -> None:
    out = tmp_path / "out"
    preset = BOOK.require("linkedin-profile")

    def broken_move(src: object, dst: object) -> None:
        raise OSError(5, "Input/output error")

    # The last step: a replacing rename with overwrite, a no-replace move without.
    monkeypatch.setattr("core.export.atomic.os.replace", broken_move)
    monkeypatch.setattr("core.export.atomic._move_no_replace", broken_move)
    with pytest.raises(ExportError, match="Input/output error"):
        export_photo(
            grace_hopper_path,
            [preset],
            out,
            ExportOptions(overwrite=overwrite),
            {preset.id: (Box(0, 0, 400, 400), 0.0)},
        )
    assert list(out.iterdir()) == []


def test_encoder_crash_leaves_nothing(
    grace_hopper_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    preset = BOOK.require("linkedin-profile")

    def exploding_save(self: Image.Image, fp: object, *args: object, **kwargs: object) -> None:
        if isinstance(fp, io.BytesIO):
            fp.write(b"\xff\xd8 half a jpeg")
        raise RuntimeError("encoder crashed")

    monkeypatch.setattr(Image.Image, "save", exploding_save)
    with pytest.raises(RuntimeError, match="encoder crashed"):
        export_photo(
            grace_hopper_path,
            [preset],
            out,
            ExportOptions(),
            {preset.id: (Box(0, 0, 400, 400), 0.0)},
        )
    assert list(out.iterdir()) == []


def test_cancel_between_outputs_keeps_complete_files(
    grace_hopper_path: Path, tmp_path: Path
) -> None:
    import threading

    from core.export import ExportCancelled

    presets = [BOOK.require(i) for i in ("linkedin-profile", "x-profile", "teams-profile")]
    crops = {p.id: (Box(0, 0, 400, 400), 0.0) for p in presets}
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append((done, total))
        cancel.set()

    with pytest.raises(ExportCancelled) as info:
        export_photo(
            grace_hopper_path,
            presets,
            tmp_path / "out",
            ExportOptions(),
            crops,
            cancel=cancel,
            progress=progress,
        )
    assert seen == [(1, 3)]
    assert [w.preset for w in info.value.written] == ["linkedin-profile"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "grace_hopper_linkedin-profile.jpg"
    ]


def test_several_presets_come_from_one_decode(
    grace_hopper_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.export.multi

    calls: list[Path] = []
    real = core.export.multi.open_for_export

    def counting(path: Path, needed: float) -> tuple[Image.Image, float]:
        calls.append(path)
        return real(path, needed)

    monkeypatch.setattr(core.export.multi, "open_for_export", counting)
    presets = [BOOK.require(i) for i in ("linkedin-profile", "print-8x10", "id-us", "x-header")]
    crops = {p.id: (Box(0, 0, 480, 480 * p.height / p.width), 0.0) for p in presets}
    written = export_photo(grace_hopper_path, presets, tmp_path, ExportOptions(), crops)
    assert len(written) == 4 and calls == [grace_hopper_path]


def test_unwritable_output_folder_fails_before_any_work(
    grace_hopper_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.export.atomic

    real_open = os.open
    out = tmp_path / "readonly"
    out.mkdir()

    def read_only(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if Path(path).parent == out and flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, mode)

    monkeypatch.setattr(core.export.atomic.os, "open", read_only)
    decoded: list[Path] = []
    monkeypatch.setattr("core.export.multi.open_for_export", lambda p, n: decoded.append(p))
    preset = BOOK.require("linkedin-profile")
    with pytest.raises(ExportError, match="not writable: Permission denied"):
        export_photo(
            grace_hopper_path,
            [preset],
            out,
            ExportOptions(),
            {preset.id: (Box(0, 0, 400, 400), 0.0)},
        )
    assert decoded == []


def test_default_output_folder_is_beside_the_photo_unless_that_folder_is_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.export.atomic
    import core.paths
    from core.export.atomic import default_out_dir

    shoot = tmp_path / "shoot"
    shoot.mkdir()
    photo = shoot / "portrait.jpg"
    assert default_out_dir(photo) == shoot / "exports"

    real_open = os.open

    def card_is_locked(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if Path(path).parent == shoot and flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, mode)

    pictures = tmp_path / "Pictures"
    pictures.mkdir()
    monkeypatch.setattr(core.export.atomic.os, "open", card_is_locked)
    monkeypatch.setattr(core.paths, "user_pictures_dir", lambda: pictures)
    assert default_out_dir(photo) == pictures / "Headroom exports"
    assert list(shoot.iterdir()) == []  # the probe left nothing behind


def test_unserialisable_camera_exif_keeps_credits_instead_of_failing() -> None:
    from core.export.metadata import output_exif

    exif = Image.Exif()
    exif[0x8298] = "(c) 2026 Test Photographer"
    exif[0x9999] = object()  # nothing Pillow can write back
    data = output_exif(exif, width=10, height=10, ppi=300, keep_metadata=True)
    assert data is not None
    back = Image.Exif()
    back.load(data)
    assert back[0x8298] == "(c) 2026 Test Photographer"
    assert float(back[0x011A]) == 300


@pytest.mark.parametrize("box", [Box(0, 0, 0, 10), Box(0, 0, float("nan"), 10), Box(0, 0, -5, 5)])
def test_unusable_crop_box_is_an_export_error(
    grace_hopper_path: Path, tmp_path: Path, box: Box
) -> None:
    preset = BOOK.require("linkedin-profile")
    with pytest.raises(ExportError, match="not usable"):
        export_photo(
            grace_hopper_path, [preset], tmp_path / "out", ExportOptions(), {preset.id: (box, 0.0)}
        )
    assert not (tmp_path / "out").exists()


def test_only_a_large_full_decode_gives_the_freed_heap_back_first(
    grace_hopper_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Giving glibc's free heap back costs page faults on the next decode: only worth it before
    a decode large enough for the peak memory to matter (``RELEASE_HEAP_MIN_PIXELS``)."""
    from core.export import source

    released: list[bool] = []
    monkeypatch.setattr(source, "release_free_heap", lambda: released.append(True))
    source.open_for_export(grace_hopper_path, 1.0)  # 512 x 600: full size, small
    assert released == []
    monkeypatch.setattr(source, "RELEASE_HEAP_MIN_PIXELS", 512 * 600)
    source.open_for_export(grace_hopper_path, 0.1)  # reduced decode: nothing to give back
    assert released == []
    source.open_for_export(grace_hopper_path, 1.0)
    assert released == [True]
