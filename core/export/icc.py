"""An ICC profile for Adobe RGB (1998) pixels, built here (Pillow's LittleCMS has sRGB built in but
no Adobe RGB, and no profile file may be shipped that Headroom did not make).

A version 2 matrix/TRC display profile: Adobe RGB's primaries adapted to the D50 connection
space (Bradford, the values every Adobe RGB profile carries), a pure gamma of 563/256
(2.19921875) per channel, as the Adobe RGB (1998) specification defines.
"""

from __future__ import annotations

import functools
import struct

#: Colorants (D50-adapted XYZ of the red, green and blue primaries) and the D50 white.
_RED = (0.60974, 0.31111, 0.01947)
_GREEN = (0.20528, 0.62567, 0.06087)
_BLUE = (0.14919, 0.06322, 0.74457)
_D50 = (0.96420, 1.00000, 0.82491)
#: The Adobe RGB (1998) transfer function: value ** (563 / 256), stored as u8Fixed8.
GAMMA_U8F8 = 563

DESCRIPTION = "Adobe RGB (1998) compatible (Headroom)"


def _s15f16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ " + b"\0" * 4 + b"".join(_s15f16(v) for v in values)


def _curve() -> bytes:
    return b"curv" + b"\0" * 4 + struct.pack(">IH", 1, GAMMA_U8F8) + b"\0\0"


def _description(text: str) -> bytes:
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


def _text(text: str) -> bytes:
    return b"text" + b"\0" * 4 + text.encode("ascii") + b"\0"


@functools.lru_cache(maxsize=1)
def adobe_rgb_profile_bytes() -> bytes:
    """The profile's bytes (the same in every process and run: no date is stamped)."""
    curve = _curve()
    tags = [
        (b"desc", _description(DESCRIPTION)),
        (b"cprt", _text("No copyright, use freely")),
        (b"wtpt", _xyz(_D50)),
        (b"rXYZ", _xyz(_RED)),
        (b"gXYZ", _xyz(_GREEN)),
        (b"bXYZ", _xyz(_BLUE)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table = struct.pack(">I", len(tags))
    data = b""
    shared: dict[bytes, int] = {}
    for signature, payload in tags:
        if payload in shared:  # the three identical curves are stored once
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
        + b"mntr"
        + b"RGB "
        + b"XYZ "
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 4  # platform
        + b"\0" * 4  # flags
        + b"\0" * 4  # manufacturer
        + b"\0" * 4  # model
        + b"\0" * 8  # attributes
        + struct.pack(">I", 0)  # perceptual intent
        + b"".join(_s15f16(v) for v in _D50)
        + b"\0" * 4  # creator
        + b"\0" * 16  # profile id
        + b"\0" * 28
    )
    assert len(header) == 128
    return header + table + data
