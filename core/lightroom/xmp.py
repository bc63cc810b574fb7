"""Reading and merging Camera Raw crop settings in an XMP packet, as text.

Merging edits only the crop properties' values (attribute or element form) and, where they are
missing, adds them to the ``rdf:Description`` that declares Camera Raw's namespace (declaring it
when nobody does). Every other byte of the packet is kept: tags, order, whitespace, comments,
the ``xpacket`` padding. The packet is parsed as XML before and after, so a file that is not XML
is refused rather than rewritten, and an edit that broke it would be caught.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from core.lightroom.crop import CrsCrop

CRS_NS = "http://ns.adobe.com/camera-raw-settings/1.0/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#: Headroom's own namespace: the aspect the crop was made for (Camera Raw keeps no such tag).
HEADROOM_NS = "urn:headroom:xmp:1.0/"
#: A sidecar larger than this is not a sidecar.
MAX_XMP_BYTES = 16 * 1024 * 1024

CROP_KEYS = ("HasCrop", "CropLeft", "CropTop", "CropRight", "CropBottom", "CropAngle")
ASPECT_KEY = "CropAspect"

_NAME = r"[A-Za-z_][\w.-]*"
_ATTRIBUTE = rf"\s+{_NAME}(?::{_NAME})?\s*=\s*(?:\"[^\"]*\"|'[^']*')"


class XmpFormatError(ValueError):
    """The packet is not XML, or not an XMP packet Headroom can edit safely."""


@dataclass(frozen=True)
class XmpCrop:
    """The crop settings found in a packet: ``crop`` is None when ``HasCrop`` is not True."""

    crop: CrsCrop | None
    aspect: tuple[int, int] | None


def _decode(data: bytes) -> str:
    if len(data) > MAX_XMP_BYTES:
        raise XmpFormatError(f"it is {len(data):,} bytes, too large for an XMP sidecar")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise XmpFormatError("it is not UTF-8 text") from exc
    _parse(text)
    return text


def _parse(text: str) -> ET.Element:
    try:
        return ET.fromstring(text.lstrip("\ufeff"))
    except ET.ParseError as exc:
        raise XmpFormatError(f"it is not XML ({exc})") from exc


def _properties(root: ET.Element, namespace: str) -> dict[str, str]:
    """Values of ``namespace``'s simple properties anywhere in the packet (attribute or element
    form; the first one found wins)."""
    found: dict[str, str] = {}
    prefix = "{" + namespace + "}"
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.startswith(prefix):
                found.setdefault(key[len(prefix) :], value)
        if element.tag.startswith(prefix) and len(element) == 0:
            found.setdefault(element.tag[len(prefix) :], (element.text or "").strip())
    return found


def read_crop(data: bytes) -> XmpCrop:
    """The Camera Raw crop of an XMP packet. Raises XmpFormatError (not XML / not UTF-8) and
    ValueError (crop values that are not numbers)."""
    root = _parse(_decode(data))
    crs = _properties(root, CRS_NS)
    aspect = _parse_aspect(_properties(root, HEADROOM_NS).get(ASPECT_KEY))
    if crs.get("HasCrop", "").strip().lower() != "true":
        return XmpCrop(None, aspect)
    try:
        crop = CrsCrop(
            left=float(crs.get("CropLeft", "0")),
            top=float(crs.get("CropTop", "0")),
            right=float(crs.get("CropRight", "1")),
            bottom=float(crs.get("CropBottom", "1")),
            angle=float(crs.get("CropAngle", "0")),
        )
    except ValueError as exc:
        raise ValueError(f"its crop values are not numbers ({exc})") from None
    return XmpCrop(crop, aspect)


def _parse_aspect(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*:\s*(\d+)\s*", value)
    if not match or min(int(match[1]), int(match[2])) <= 0:
        return None
    return int(match[1]), int(match[2])


def _format(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def crop_values(crop: CrsCrop) -> dict[str, str]:
    return {
        "HasCrop": "True",
        "CropLeft": _format(crop.left),
        "CropTop": _format(crop.top),
        "CropRight": _format(crop.right),
        "CropBottom": _format(crop.bottom),
        "CropAngle": _format(round(crop.angle, 4)),
    }


def new_packet(crop: CrsCrop, aspect: tuple[int, int] | None) -> bytes:
    """A fresh sidecar holding only the crop (what Camera Raw writes, minus its other settings)."""
    values = crop_values(crop)
    lines = [f'    crs:{key}="{value}"' for key, value in values.items()]
    namespaces = [f'    xmlns:crs="{CRS_NS}"']
    if aspect is not None:
        namespaces.append(f'    xmlns:headroom="{HEADROOM_NS}"')
        lines.append(f'    headroom:{ASPECT_KEY}="{aspect[0]}:{aspect[1]}"')
    body = "\n".join(namespaces + lines)
    text = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Headroom">\n'
        f' <rdf:RDF xmlns:rdf="{RDF_NS}">\n'
        '  <rdf:Description rdf:about=""\n'
        f"{body}/>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
    )
    return text.encode("utf-8")


def _prefix_for(text: str, namespace: str) -> str | None:
    match = re.search(rf"xmlns:({_NAME})\s*=\s*([\"']){re.escape(namespace)}\2", text)
    return match.group(1) if match else None


def _set_property(text: str, prefix: str, key: str, value: str) -> tuple[str, bool]:
    """Replace ``prefix:key``'s value where it is (attribute or element); False when absent."""
    attribute = re.compile(rf"(\s{re.escape(prefix)}:{key}\s*=\s*)([\"'])(.*?)\2", re.DOTALL)
    match = attribute.search(text)
    if match:
        start, end = match.span(3)
        return text[:start] + value + text[end:], True
    element = re.compile(
        rf"(<{re.escape(prefix)}:{key}(?:{_ATTRIBUTE})*\s*>)([^<]*)(</{re.escape(prefix)}:{key}\s*>)"
    )
    match = element.search(text)
    if match:
        start, end = match.span(2)
        return text[:start] + value + text[end:], True
    return text, False


def _description_tags(text: str, rdf: str) -> list[re.Match[str]]:
    return list(re.finditer(rf"<{re.escape(rdf)}:Description(?:{_ATTRIBUTE})*\s*(/?)>", text))


def merge_crop(data: bytes, crop: CrsCrop, aspect: tuple[int, int] | None) -> bytes:
    """``data`` with its Camera Raw crop set to ``crop`` (and Headroom's aspect), every other
    byte kept. Raises XmpFormatError when the packet is not XML or has no ``rdf:Description``
    / ``rdf:RDF`` to hold the settings."""
    text = _decode(data)
    rdf = _prefix_for(text, RDF_NS)
    if rdf is None:
        raise XmpFormatError("it is XML but not an XMP packet (no rdf:RDF)")
    wanted: list[tuple[str, str, str, str]] = [
        (CRS_NS, "crs", key, value) for key, value in crop_values(crop).items()
    ]
    if aspect is not None:
        wanted.append((HEADROOM_NS, "headroom", ASPECT_KEY, f"{aspect[0]}:{aspect[1]}"))
    for namespace, preferred, key, value in wanted:
        prefix = _prefix_for(text, namespace)
        if prefix is not None:
            text, done = _set_property(text, prefix, key, value)
            if done:
                continue
        text = _add_property(
            text, rdf, namespace, prefix or _free_prefix(text, preferred), key, value
        )
    _parse(text)
    return text.encode("utf-8")


def _free_prefix(text: str, preferred: str) -> str:
    prefix, n = preferred, 1
    while re.search(rf"xmlns:{re.escape(prefix)}\s*=", text):
        n += 1
        prefix = f"{preferred}{n}"
    return prefix


def _add_property(text: str, rdf: str, namespace: str, prefix: str, key: str, value: str) -> str:
    """Add ``prefix:key="value"`` to the Description declaring ``namespace`` (or the first one,
    declaring it there when nothing in the packet does)."""
    declared_anywhere = _prefix_for(text, namespace) is not None
    tags = _description_tags(text, rdf)
    target = next(
        (t for t in tags if re.search(rf"xmlns:{re.escape(prefix)}\s*=", t.group(0))), None
    )
    if target is None and tags:
        target = tags[0]
    addition = f'\n   {prefix}:{key}="{value}"'
    if not declared_anywhere:
        addition = f'\n   xmlns:{prefix}="{namespace}"' + addition
    if target is None:
        rdf_tag = re.search(rf"<{re.escape(rdf)}:RDF(?:{_ATTRIBUTE})*\s*>", text)
        if rdf_tag is None:
            raise XmpFormatError("it has no rdf:RDF element to hold the crop")
        element = f'\n  <{rdf}:Description {rdf}:about=""{addition}/>'
        return text[: rdf_tag.end()] + element + text[rdf_tag.end() :]
    insert_at = target.start(1) if target.group(1) else target.end() - 1
    # Before the closing '>' (or '/>'), after any whitespace the writer left there.
    while insert_at > target.start() and text[insert_at - 1].isspace():
        insert_at -= 1
    return text[:insert_at] + addition + text[insert_at:]
