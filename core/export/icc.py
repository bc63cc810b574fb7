"""An ICC profile for Adobe RGB (1998) pixels, built here (Pillow's LittleCMS has sRGB built in but
no Adobe RGB, and no profile file may be shipped that Headroom did not make).

A version 2 matrix/TRC display profile: Adobe RGB's primaries adapted to the D50 connection
space (Bradford, the values every Adobe RGB profile carries), a pure gamma of 563/256
(2.19921875) per channel, as the Adobe RGB (1998) specification defines.

``icc_v2_profile`` and the tag builders are the one ICC writer in the project (the tests build
their CMYK, grey and swapped-primaries profiles with it).
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Sequence

#: Colorants (D50-adapted XYZ of the red, green and blue primaries) and the D50 white.
_RED = (0.60974, 0.31111, 0.01947)
_GREEN = (0.20528, 0.62567, 0.06087)
_BLUE = (0.14919, 0.06322, 0.74457)
#: The profile connection space's white (ICC: D50).
D50 = (0.96420, 1.00000, 0.82491)
#: The Adobe RGB (1998) transfer function: value ** (563 / 256), stored as u8Fixed8.
GAMMA_U8F8 = 563

DESCRIPTION = "Adobe RGB (1998) compatible (Headroom)"

#: CIE XYZ, the connection space's coordinates.
XYZ = tuple[float, float, float]


def s15f16(value: float) -> bytes:
    """ICC's s15Fixed16Number."""
    return struct.pack(">i", round(value * 65536))


def xyz_tag(values: XYZ) -> bytes:
    return b"XYZ " + b"\0" * 4 + b"".join(s15f16(v) for v in values)


def curve_tag(gamma_u8f8: int) -> bytes:
    """A pure gamma tone curve; ``gamma_u8f8`` is the gamma times 256."""
    return b"curv" + b"\0" * 4 + struct.pack(">IH", 1, gamma_u8f8) + b"\0\0"


def description_tag(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    return (
        b"desc"
        + b"\0" * 4
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + struct.pack(">II", 0, 0)  # no Unicode description
        + struct.pack(">HB", 0, 0)
        + b"\0" * 67  # no ScriptCode description
    )


def text_tag(text: str) -> bytes:
    return b"text" + b"\0" * 4 + text.encode("ascii") + b"\0"


def icc_v2_profile(
    device_class: bytes,
    colour_space: bytes,
    pcs: bytes,
    tags: Sequence[tuple[bytes, bytes]],
) -> bytes:
    """A version 2.1 ICC profile of ``tags`` ((signature, payload), in order) for a device class
    (b"mntr", b"prtr"), a colour space (b"RGB ", b"GRAY", b"CMYK") and a connection space
    (b"XYZ ", b"Lab "). Identical payloads are stored once; no date is stamped, so the same tags
    give the same bytes in every process and run."""
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table = struct.pack(">I", len(tags))
    data = b""
    shared: dict[bytes, int] = {}
    for signature, payload in tags:
        if payload in shared:  # e.g. an RGB profile's three identical curves
            table += signature + struct.pack(">II", shared[payload], len(payload))
            continue
        while (offset + len(data)) % 4:
            data += b"\0"
        start = offset + len(data)
        shared[payload] = start
        table += signature + struct.pack(">II", start, len(payload))
        data += payload
    while len(data) % 4:
        data += b"\0"
    size = 128 + table_size + len(data)
    header = (
        struct.pack(">I", size)
        + b"\0" * 4  # preferred CMM: none
        + struct.pack(">I", 0x02100000)  # version 2.1
        + device_class
        + colour_space
        + pcs
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 4  # platform
        + b"\0" * 4  # flags
        + b"\0" * 4  # manufacturer
        + b"\0" * 4  # model
        + b"\0" * 8  # attributes
        + struct.pack(">I", 0)  # perceptual intent
        + b"".join(s15f16(v) for v in D50)
        + b"\0" * 4  # creator
        + b"\0" * 16  # profile id
        + b"\0" * 28
    )
    assert len(header) == 128
    return header + table + data


def rgb_matrix_profile(
    description: str, copyright: str, primaries: tuple[XYZ, XYZ, XYZ], gamma_u8f8: int
) -> bytes:
    """A matrix/TRC display profile for RGB pixels: the D50-adapted XYZ of its red, green and
    blue ``primaries`` and one pure gamma (times 256) for every channel."""
    red, green, blue = primaries
    curve = curve_tag(gamma_u8f8)
    return icc_v2_profile(
        b"mntr",
        b"RGB ",
        b"XYZ ",
        [
            (b"desc", description_tag(description)),
            (b"cprt", text_tag(copyright)),
            (b"wtpt", xyz_tag(D50)),
            (b"rXYZ", xyz_tag(red)),
            (b"gXYZ", xyz_tag(green)),
            (b"bXYZ", xyz_tag(blue)),
            (b"rTRC", curve),
            (b"gTRC", curve),
            (b"bTRC", curve),
        ],
    )


@functools.lru_cache(maxsize=1)
def adobe_rgb_profile_bytes() -> bytes:
    """The profile's bytes (the same in every process and run: no date is stamped)."""
    return rgb_matrix_profile(
        DESCRIPTION, "No copyright, use freely", (_RED, _GREEN, _BLUE), GAMMA_U8F8
    )
