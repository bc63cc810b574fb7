"""Test-image makers built from real photos, shared by photo, detection, framing and export tests.

Everything here writes real files (or returns real pixels) made from the packaged photos the test
fixtures point at (skimage astronaut/camera/coffee, matplotlib grace_hopper). Nothing is faked:
files go through Pillow's (or pillow-heif's, tifffile's) real encoders.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

from core.export.icc import (
    D50,
    curve_tag,
    description_tag,
    icc_v2_profile,
    s15f16,
    text_tag,
    xyz_tag,
)

ORIENTATION_TAG = 0x0112

#: The transpose that turns an *upright* image into the pixels a camera stores with a given EXIF
#: orientation. Applying the tag (``ImageOps.exif_transpose``) undoes it. Orientations 2, 3, 4, 5
#: and 7 are their own inverses; 6 and 8 are each other's.
STORE_TRANSPOSE: dict[int, Image.Transpose | None] = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def stored_pixels(upright: Image.Image, orientation: int) -> Image.Image:
    """The pixels a file with EXIF ``orientation`` must hold to display as ``upright``."""
    method = STORE_TRANSPOSE[orientation]
    return upright.copy() if method is None else upright.transpose(method)


def exif_with_orientation(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = orientation
    return exif.tobytes()


def write_with_orientation(
    img: Image.Image,
    path: Path,
    orientation: int,
    *,
    format: str | None = None,
    **save_kwargs: Any,
) -> Path:
    """Write ``img`` (the *upright* picture) so that it is upright only after applying the EXIF tag.

    The stored pixels are the inverse transpose of ``img``; the file carries Orientation =
    ``orientation``. The format follows the suffix unless ``format`` is given (JPEG, PNG, WebP and
    TIFF carry the tag; for HEIC pillow-heif moves it into the container's own transform).
    """
    path = Path(path)
    stored = stored_pixels(img, orientation)
    kwargs: dict[str, Any] = {"exif": exif_with_orientation(orientation)}
    kwargs.update(save_kwargs)
    stored.save(path, format=format, **kwargs)
    return path


def make_large_jpeg(
    path: Path,
    size: tuple[int, int] = (4000, 3000),
    *,
    source: Path | None = None,
    quality: int = 90,
    progressive: bool = False,
) -> Path:
    """A big JPEG from a real photo: ``source`` (default skimage's astronaut) cropped to the aspect
    of ``size`` around its centre and upscaled with Lanczos."""
    if source is None:
        import skimage.data

        source = Path(skimage.data.__file__).parent / "astronaut.png"
    with Image.open(source) as opened:
        photo = opened.convert("RGB")
    photo = _crop_to_aspect(photo, size[0] / size[1])
    large = photo.resize(size, Image.Resampling.LANCZOS)
    large.save(path, format="JPEG", quality=quality, progressive=progressive)
    return Path(path)


def _crop_to_aspect(image: Image.Image, aspect: float) -> Image.Image:
    width, height = image.size
    if width / height > aspect:
        new_width = round(height * aspect)
        left = (width - new_width) // 2
        return image.crop((left, 0, left + new_width, height))
    new_height = round(width / aspect)
    top = (height - new_height) // 2
    return image.crop((0, top, width, top + new_height))


@dataclass(frozen=True)
class GroupPhoto:
    """Several real portraits pasted side by side on one canvas.

    ``placements`` are the (x, y, w, h) pixel boxes, on the canvas, where each portrait went, in the
    order of the input paths: a detection test can check one face per box.
    """

    image: Image.Image
    placements: tuple[tuple[int, int, int, int], ...]

    def save(self, path: Path, **save_kwargs: Any) -> Path:
        self.image.save(path, **save_kwargs)
        return Path(path)


def make_group_photo(
    paths: Sequence[Path],
    *,
    portrait_height: int = 600,
    gap: int = 40,
    margin: int = 60,
    background: tuple[int, int, int] = (92, 96, 104),
    stagger: int = 0,
) -> GroupPhoto:
    """Real portraits (each scaled to ``portrait_height``, aspect kept) in a row on a plain canvas.

    ``stagger`` moves every other portrait down by that many pixels, like a second row of people
    standing a little behind, so the faces are not all on one line.
    """
    if not paths:
        raise ValueError("make_group_photo needs at least one portrait")
    portraits: list[Image.Image] = []
    for path in paths:
        with Image.open(path) as opened:
            rgb = opened.convert("RGB")
        scaled_width = max(1, round(rgb.width * portrait_height / rgb.height))
        portraits.append(rgb.resize((scaled_width, portrait_height), Image.Resampling.LANCZOS))
    width = 2 * margin + sum(p.width for p in portraits) + gap * (len(portraits) - 1)
    height = 2 * margin + portrait_height + stagger
    canvas = Image.new("RGB", (width, height), background)
    placements: list[tuple[int, int, int, int]] = []
    x = margin
    for index, portrait in enumerate(portraits):
        y = margin + (stagger if index % 2 else 0)
        canvas.paste(portrait, (x, y))
        placements.append((x, y, portrait.width, portrait.height))
        x += portrait.width + gap
    return GroupPhoto(image=canvas, placements=tuple(placements))


# ------------------------------------------------------------------------------------------------
# Odd colour modes


def write_cmyk_jpeg(
    img: Image.Image, path: Path, *, icc_profile: bytes | None = None, quality: int = 95
) -> Path:
    """CMYK JPEG of an RGB picture (Pillow writes Adobe-style inverted CMYK, APP14 marker)."""
    cmyk = img.convert("RGB").convert("CMYK")
    kwargs: dict[str, Any] = {"quality": quality}
    if icc_profile is not None:
        kwargs["icc_profile"] = icc_profile
    cmyk.save(path, format="JPEG", **kwargs)
    return Path(path)


def write_16bit_grey_png(values: npt.NDArray[np.uint16], path: Path) -> Path:
    """A 16-bit greyscale PNG holding ``values`` exactly (Pillow mode "I;16")."""
    Image.fromarray(np.ascontiguousarray(values, dtype=np.uint16)).save(path, format="PNG")
    return Path(path)


def write_16bit_rgb_tiff(values: npt.NDArray[np.uint16], path: Path) -> Path:
    """A 16-bit-per-channel RGB TIFF (Pillow cannot write one; tifffile, via scikit-image, can)."""
    import tifffile

    tifffile.imwrite(path, np.ascontiguousarray(values, dtype=np.uint16), photometric="rgb")
    return Path(path)


def write_16bit_rgb_png(values: npt.NDArray[np.uint16], path: Path) -> Path:
    """A 16-bit-per-channel RGB PNG, encoded here chunk by chunk (Pillow cannot write one)."""
    data = np.ascontiguousarray(values, dtype=">u2")
    height, width, channels = data.shape
    if channels != 3:
        raise ValueError("expected H x W x 3 values")
    rows = b"".join(b"\x00" + data[row].tobytes() for row in range(height))  # filter 0: none

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)  # 16-bit truecolour
    Path(path).write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )
    return Path(path)


def to_16bit(rgb8: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint16]:
    """Widen 8-bit values to the full 16-bit range (v * 257: 255 -> 65535)."""
    return rgb8.astype(np.uint16) * 257


# ------------------------------------------------------------------------------------------------
# A real (minimal) CMYK ICC profile, so CMYK colour management can be tested without shipping one.

_SRGB_TO_XYZ_D50 = np.array(
    [
        [0.4360747, 0.3850649, 0.1430804],
        [0.2225045, 0.7168786, 0.0606169],
        [0.0139322, 0.0971045, 0.7141733],
    ]
)


def _srgb_to_lab_d50(rgb: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _SRGB_TO_XYZ_D50.T / np.array(D50)
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    lightness = 116 * f[..., 1] - 16
    a = 500 * (f[..., 0] - f[..., 1])
    b = 200 * (f[..., 1] - f[..., 2])
    return np.stack([lightness, a, b], axis=-1)


def make_cmyk_icc_profile(
    channel_order: tuple[int, int, int] = (0, 1, 2), grid_points: int = 9
) -> bytes:
    """A valid ICC v2 CMYK output profile (lut8 A2B0 to Lab) for the naive ink model.

    RGB = (1 - C)(1 - K), (1 - M)(1 - K), (1 - Y)(1 - K) read as sRGB, then re-ordered by
    ``channel_order`` (``(2, 1, 0)`` gives a profile whose cyan ink shows as *blue*: a test can then
    tell a conversion through the profile from a plain, profile-blind one).
    """
    steps = np.linspace(0.0, 1.0, grid_points)
    c, m, y, k = np.meshgrid(steps, steps, steps, steps, indexing="ij")  # first input slowest
    rgb = np.stack([(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)], axis=-1)
    rgb = rgb[..., list(channel_order)]
    lab = _srgb_to_lab_d50(rgb)
    encoded = np.stack([lab[..., 0] * 255 / 100, lab[..., 1] + 128, lab[..., 2] + 128], axis=-1)
    clut = np.clip(np.rint(encoded), 0, 255).astype(np.uint8).tobytes()
    identity_curve = bytes(range(256))
    lut = (
        b"mft1"
        + b"\0" * 4
        + struct.pack(">BBBB", 4, 3, grid_points, 0)
        + b"".join(s15f16(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
        + identity_curve * 4
        + clut
        + identity_curve * 3
    )
    return _test_profile(b"prtr", b"CMYK", b"Lab ", (b"A2B0", lut), "Headroom test CMYK")


def make_grey_icc_profile(gamma: float = 1.8) -> bytes:
    """A valid ICC v2 greyscale display profile: a pure ``gamma`` tone curve, D50 white.

    1.8 differs enough from sRGB's ~2.2 curve that converting through the profile visibly lightens
    mid-tones: a test can tell it from a profile-blind grey-to-RGB copy.
    """
    curve = curve_tag(round(gamma * 256))
    return _test_profile(b"mntr", b"GRAY", b"XYZ ", (b"kTRC", curve), "Headroom test grey")


def _test_profile(
    device_class: bytes, colour_space: bytes, pcs: bytes, tag: tuple[bytes, bytes], description: str
) -> bytes:
    """Core's ICC writer with a description, a copyright, the D50 white and ``tag``."""
    common = [
        (b"desc", description_tag(description)),
        (b"cprt", text_tag("No copyright, test profile")),
        (b"wtpt", xyz_tag(D50)),
    ]
    return icc_v2_profile(device_class, colour_space, pcs, [*common, tag])


def mean_abs_diff(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Mean absolute difference of two same-shaped pixel arrays, in 8-bit levels."""
    first = np.asarray(a, dtype=np.float64)
    second = np.asarray(b, dtype=np.float64)
    if first.shape != second.shape:
        raise ValueError(f"shapes differ: {first.shape} vs {second.shape}")
    return float(np.abs(first - second).mean())


def resized_like(image: Image.Image, size: tuple[int, int]) -> npt.NDArray[np.uint8]:
    """``image`` as RGB at ``size`` (area filter): a reference to compare reduced decodes with."""
    return np.asarray(image.convert("RGB").resize(size, Image.Resampling.BOX), dtype=np.uint8)


__all__ = [
    "ORIENTATION_TAG",
    "STORE_TRANSPOSE",
    "GroupPhoto",
    "exif_with_orientation",
    "make_cmyk_icc_profile",
    "make_grey_icc_profile",
    "make_group_photo",
    "make_large_jpeg",
    "mean_abs_diff",
    "posed_photo",
    "resized_like",
    "stored_pixels",
    "to_16bit",
    "write_16bit_grey_png",
    "write_16bit_rgb_png",
    "write_16bit_rgb_tiff",
    "write_cmyk_jpeg",
    "write_with_orientation",
]


def posed_photo(
    path: Path,
    astronaut_path: Path,
    *,
    turn_deg: float = 0.0,
    head_tilt_deg: float = 8.0,
    wall: str = "brick",
) -> Path:
    """The astronaut's head tilted ``head_tilt_deg`` (Image.rotate's sense) in front of a wall of
    scikit-image's real ``brick`` photo (level mortar lines) or ``grass`` (no straight line
    anywhere); the whole photo turned by ``turn_deg`` (a tilted camera)."""
    import skimage.data

    texture = skimage.data.brick() if wall == "brick" else skimage.data.grass()
    tile = Image.fromarray(texture).convert("RGB").resize((1024, 1024))
    scene = Image.new("RGB", (2048, 1536))
    for x in (0, 1024):
        for y in (0, 1024):
            scene.paste(tile, (x, y))
    sitter = (
        Image.open(astronaut_path)
        .convert("RGB")
        .resize((1024, 1024), Image.Resampling.LANCZOS)
        .rotate(head_tilt_deg, Image.Resampling.BICUBIC, center=(460, 240))
    )
    cutout = Image.new("L", sitter.size, 0)
    ImageDraw.Draw(cutout).ellipse((200, 0, 720, 760), fill=255)
    scene.paste(sitter, (500, 300), cutout.filter(ImageFilter.GaussianBlur(8)))
    if turn_deg:
        big = scene.resize((4096, 3072), Image.Resampling.BICUBIC)
        scene = big.rotate(turn_deg, Image.Resampling.BICUBIC).reduce(2)
    scene.save(path, quality=92)
    return path
