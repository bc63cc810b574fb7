"""Encoding one rendered output: format options, metadata, and fitting under a size limit."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, PngImagePlugin

from core.errors import ExportError

#: Largest side still treated as a small (avatar-sized) output: JPEG keeps full chroma (4:4:4)
#: there, since 4:2:0 visibly smears skin and eye edges at these sizes.
SMALL_OUTPUT_SIDE = 1080
#: Lowest quality tried when a size limit must be met; below this a portrait is visibly damaged.
MIN_QUALITY = 40
PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


@dataclass(frozen=True)
class EncodeSettings:
    format: str  # jpeg | png | webp
    quality: int
    ppi: int | None
    icc_profile: bytes | None
    exif: bytes | None
    xmp: bytes | None = None


@dataclass(frozen=True)
class Encoded:
    data: bytes
    quality: int | None  # None for PNG (lossless)


def prepare_mode(image: Image.Image, fmt: str) -> Image.Image:
    """JPEG has no alpha: flatten onto white. PNG/WebP keep RGBA."""
    if fmt == "jpeg" and image.mode != "RGB":
        if image.mode in ("RGBA", "LA", "PA"):
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return image.convert("RGB")
    if image.mode not in ("RGB", "RGBA"):
        return image.convert("RGBA" if "A" in image.mode else "RGB")
    return image


def encode(
    image: Image.Image,
    settings: EncodeSettings,
    quality: int | None = None,
    *,
    smallest: bool = False,
) -> bytes:
    """The encoded file. ``smallest``: a size limit applies, spend time on every byte."""
    q = settings.quality if quality is None else quality
    params: dict[str, object] = {}
    if settings.icc_profile:
        params["icc_profile"] = settings.icc_profile
    if settings.exif:
        params["exif"] = settings.exif
    if settings.xmp:
        params["xmp"] = settings.xmp
    if settings.ppi is not None and settings.format in ("jpeg", "png"):
        params["dpi"] = (settings.ppi, settings.ppi)
    if settings.format == "jpeg":
        # Progressive with optimised Huffman tables suits screens (shows early, a little
        # smaller). Print and ID files stay baseline: some print kiosks and RIPs still refuse
        # progressive JPEG, and it is 3-4x slower to encode at print sizes. Nor are they
        # optimised unless a size limit applies: libjpeg's optimising pass keeps every
        # coefficient of the image in memory (about 70 MB for a 16 x 20 in print) and took 5x
        # the encoding time (0.40 s against 0.08 s) for a file 8 % smaller.
        screen = settings.ppi is None
        params.update(quality=q, optimize=screen or smallest, progressive=screen)
        params["subsampling"] = 0 if max(image.size) <= SMALL_OUTPUT_SIDE else 2
    elif settings.format == "webp":
        params.update(quality=q, method=4)
    elif settings.format == "png":
        params.update(optimize=False, compress_level=6)
        if settings.xmp:
            # Pillow's PNG writer ignores ``xmp=``: XMP goes in the iTXt chunk the XMP spec names.
            info = PngImagePlugin.PngInfo()
            info.add_itxt("XML:com.adobe.xmp", settings.xmp.decode("utf-8", "replace"), zip=False)
            params["pnginfo"] = info
    buffer = io.BytesIO()
    image.save(buffer, PIL_FORMATS[settings.format], **params)
    return buffer.getvalue()


def encode_within(
    image: Image.Image, settings: EncodeSettings, max_bytes: int | None, *, label: str
) -> Encoded:
    """Encode at the requested quality; with a size limit, the highest quality that fits (binary
    search between MIN_QUALITY and the requested quality). ExportError when nothing fits."""
    image = prepare_mode(image, settings.format)
    lossy = settings.format in ("jpeg", "webp")
    data = encode(image, settings, smallest=max_bytes is not None)
    if max_bytes is None or len(data) <= max_bytes:
        return Encoded(data, settings.quality if lossy else None)
    if not lossy:
        raise ExportError(
            f"{label}: the PNG is {len(data)} bytes, over the {max_bytes}-byte limit; "
            "export as JPEG or WebP so quality can be lowered to fit"
        )
    low, high = MIN_QUALITY, settings.quality - 1
    best: Encoded | None = None
    while low <= high:
        mid = (low + high) // 2
        attempt = encode(image, settings, mid, smallest=True)
        if len(attempt) <= max_bytes:
            best = Encoded(attempt, mid)
            low = mid + 1
        else:
            high = mid - 1
    if best is None:
        raise ExportError(
            f"{label}: cannot fit under {max_bytes} bytes even at quality {MIN_QUALITY}; "
            "choose a smaller size or a different format"
        )
    return best
