"""A corpus of bad, odd and hostile photo files and names, made by code in a temporary folder
(nothing binary is committed). ``make_corpus`` returns what it made; the reliability tests run
every command over it and check what Headroom promises (README, "What Headroom promises")."""

from __future__ import annotations

import io
import os
import shutil
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image


@dataclass
class Corpus:
    folder: Path
    #: Every entry made, regular files or not (names as made, possibly not UTF-8).
    entries: list[Path] = field(default_factory=list)

    def add(self, name: str | bytes) -> Path:
        path = self.folder / (os.fsdecode(name) if isinstance(name, bytes) else name)
        self.entries.append(path)
        return path

    @property
    def files(self) -> list[Path]:
        """The entries a command can be pointed at (regular files and links to them)."""
        return [p for p in self.entries if p.is_file() and not p.is_dir()]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_declaring(width: int, height: int) -> bytes:
    """A PNG header that declares ``width`` x ``height`` pixels, with almost no data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _jpeg(image: Image.Image, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **params)
    return buffer.getvalue()


def _damaged_exif() -> bytes:
    """A TIFF-structured EXIF block whose one tag points past its end."""
    return (
        b"Exif\x00\x00II*\x00"
        + struct.pack("<I", 8)
        + struct.pack("<H", 1)
        + struct.pack("<HHII", 0x010F, 2, 100, 26)
        + b"\0\0\0\0Canon"
    )


def make_corpus(folder: Path, face: Path, no_face: Path) -> Corpus:
    """Fill ``folder`` with about 35 entries: real photos in odd encodings and with odd names, and
    files that are not photos at all. ``face`` has one clear face, ``no_face`` none."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(folder)
    face_bytes = face.read_bytes()
    with Image.open(face) as opened:
        face_image = opened.convert("RGB")

    # Real photos, odd encodings.
    shutil.copyfile(face, corpus.add("face.jpg"))
    shutil.copyfile(no_face, corpus.add("no_face" + no_face.suffix))
    face_image.save(corpus.add("face_as.png"))
    corpus.add("cmyk.jpg").write_bytes(_jpeg(face_image.convert("CMYK")))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned: shown upright
    corpus.add("orientation_6.jpg").write_bytes(
        _jpeg(face_image.transpose(Image.Transpose.ROTATE_90), exif=exif.tobytes())
    )
    grey16 = (np.asarray(face_image.convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
    Image.fromarray(grey16).save(corpus.add("grey16.png"))
    int32 = np.asarray(face_image.convert("L"), dtype=np.int32)
    Image.fromarray(int32, mode="I").save(corpus.add("int32.tif"))
    face_image.convert("P", palette=Image.Palette.ADAPTIVE).save(
        corpus.add("palette.png"), transparency=0
    )
    Image.new("RGB", (1, 1), (128, 128, 128)).save(corpus.add("one_pixel.jpg"))
    Image.new("RGB", (3000, 8), (90, 90, 90)).save(corpus.add("sliver.jpg"))
    corpus.add("damaged_exif.jpg").write_bytes(_jpeg(face_image, exif=_damaged_exif()))
    corpus.add("png_named_jpg.jpg").write_bytes((folder / "face_as.png").read_bytes())

    # Not photos.
    corpus.add("empty.jpg").write_bytes(b"")
    corpus.add("truncated.jpg").write_bytes(face_bytes[: len(face_bytes) // 3])
    corpus.add("header_only.jpg").write_bytes(face_bytes[:200])
    corpus.add("random.jpg").write_bytes(np.random.default_rng(11).bytes(5000))
    corpus.add("text.png").write_bytes(b"this is a note, not a picture\n")
    corpus.add("html.jpg").write_bytes(b"<html><body>404 not found</body></html>")
    corpus.add("bomb.png").write_bytes(_png_declaring(60000, 60000))
    corpus.add("zero_size.png").write_bytes(_png_declaring(0, 0))
    corpus.add("float.tif").write_bytes(b"II*\x00" + b"\xff" * 64)
    corpus.add("dir.jpg").mkdir()
    os.mkfifo(corpus.add("fifo.jpg"))
    corpus.add("loop.jpg").symlink_to("loop.jpg")
    corpus.add("dangling.jpg").symlink_to("missing.jpg")

    # Good photos under hostile names.
    for name in (
        b"caf\xe9 \xff.jpg",  # not UTF-8
        "spaces 'quotes' \"double\".jpg",
        "-starts-with-dash.jpg",
        "new\nline.jpg",
        "cafe\u0301 nfd.jpg",
        "UPPER.JPG",
        "semi;colon&amp$(x).jpg",
        "s" * 230 + ".jpg",
    ):
        shutil.copyfile(face, corpus.add(name))
    corpus.add("link_to_face.jpg").symlink_to("face.jpg")
    # A sidecar that is not one, beside a good photo.
    shutil.copyfile(face, corpus.add("with_bad_sidecar.jpg"))
    corpus.add("with_bad_sidecar.jpg.headroom.json").write_text("[" * 100_000)
    return corpus
