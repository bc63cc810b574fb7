"""Lightroom / Camera Raw crop round trip (core.lightroom): the coordinate conventions against an
independent reader written from RawTherapee's Lightroom import, merging into sidecars that
Lightroom-like tools wrote (every other byte kept), bad sidecars, exiftool's reading of every
written sidecar, and a crop read back as the photo's starting crop."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from core.framing.plan import CropChoice
from core.geometry import Box
from core.lightroom import read_xmp_crop, write_xmp_crop, xmp_path
from core.lightroom.crop import CrsCrop, crop_to_crs, crs_to_crop
from core.lightroom.xmp import XmpFormatError, merge_crop, read_crop

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer

EXIFTOOL = shutil.which("exiftool")


def reference_import(
    crs: CrsCrop, stored_size: tuple[int, int], orientation: int
) -> tuple[float, float, float, float]:
    """The pixel box (left, top, right, bottom in the upright, straightened frame) another reader
    makes of these values: RawTherapee's import, re-derived: the edges are fractions of the
    *stored* image; each 90-degree turn of the orientation (and a mirror) moves the edges round,
    the corner pair swaps diagonal once per turn or mirror, then the two corners, taken about the
    centre of the upright image, are rotated by CropAngle (x' = x cos + y sin, y' = -x sin + y
    cos, y down) and give the box."""
    mirror, quarter_turns = {
        1: (False, 0),
        2: (True, 0),
        3: (False, 2),
        4: (True, 2),
        5: (True, 3),
        6: (False, 1),
        7: (True, 1),
        8: (False, 3),
    }[orientation]
    left, top, right, bottom = crs.left, crs.top, crs.right, crs.bottom
    width, height = stored_size
    swaps = 0
    if mirror:
        left, right = 1.0 - right, 1.0 - left
        swaps += 1
    for _ in range(quarter_turns):
        top, left, bottom, right = left, 1.0 - bottom, right, 1.0 - top
        width, height = height, width
        swaps += 1
    xs = [(left - 0.5) * width, (right - 0.5) * width]
    ys = [(top - 0.5) * height, (bottom - 0.5) * height]
    corners = (
        [(xs[0], ys[0]), (xs[1], ys[1])] if swaps % 2 == 0 else [(xs[1], ys[0]), (xs[0], ys[1])]
    )
    a = math.radians(crs.angle)
    turned = [
        (x * math.cos(a) + y * math.sin(a), -x * math.sin(a) + y * math.cos(a)) for x, y in corners
    ]
    px = sorted(p[0] + width / 2 for p in turned)
    py = sorted(p[1] + height / 2 for p in turned)
    return px[0], py[0], px[1], py[1]


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("angle", [0.0, 3.5, -7.25])
def test_written_values_mean_the_same_box_to_another_reader(orientation: int, angle: float) -> None:
    upright = (4000, 6000) if orientation in (5, 6, 7, 8) else (6000, 4000)
    stored = (6000, 4000)
    box = Box(1400.0, 900.0, 1600.0, 2000.0)
    crs = crop_to_crs(box, angle, upright, orientation)
    assert 0 <= crs.left < crs.right <= 1 and 0 <= crs.top < crs.bottom <= 1
    assert crs.angle == angle
    left, top, right, bottom = reference_import(crs, stored, orientation)
    assert (left, top, right, bottom) == pytest.approx(
        (box.left, box.top, box.right, box.bottom), abs=0.05
    )
    back, back_angle = crs_to_crop(crs, upright, orientation)
    assert back_angle == angle
    assert (back.x, back.y, back.w, back.h) == pytest.approx((box.x, box.y, box.w, box.h), abs=0.05)


def test_known_values_landscape_and_portrait_raw() -> None:
    # An upright crop of the right half of a landscape photo.
    crs = crop_to_crs(Box(3000, 0, 3000, 4000), 0.0, (6000, 4000), 1)
    assert (crs.left, crs.top, crs.right, crs.bottom) == (0.5, 0.0, 1.0, 1.0)
    # The same region of a portrait raw stored sideways (orientation 6: turn 90 clockwise to show):
    # the upright top half is the stored right... no: upright top = stored left edge turned.
    crs = crop_to_crs(Box(0, 0, 4000, 3000), 0.0, (4000, 6000), 6)
    assert (crs.left, crs.top, crs.right, crs.bottom) == (0.0, 0.0, 0.5, 1.0)


def test_bad_values_are_refused() -> None:
    for crs in (
        CrsCrop(0.5, 0.1, 0.4, 0.9, 0.0),
        CrsCrop(-0.1, 0.1, 0.4, 0.9, 0.0),
        CrsCrop(0.1, 0.1, 0.4, 0.9, 60.0),
        CrsCrop(0.1, 0.1, math.nan, 0.9, 0.0),
    ):
        with pytest.raises(ValueError):
            crs_to_crop(crs, (600, 400), 1)


LIGHTROOM_SIDECAR = """<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"
   xmp:Rating="4"
   xmp:Label="Green"
   crs:Version="15.0"
   crs:ProcessVersion="11.0"
   crs:WhiteBalance="As Shot"
   crs:Exposure2012="+0.35"
   crs:HasCrop="False"
   crs:CropTop="0"
   crs:CropLeft="0"
   crs:CropBottom="1"
   crs:CropRight="1"
   crs:CropAngle="0"
   crs:HasSettings="True">
   <dc:subject>
    <rdf:Bag>
     <rdf:li>team page</rdf:li>
     <rdf:li>headshot day</rdf:li>
    </rdf:Bag>
   </dc:subject>
   <crs:ToneCurvePV2012>
    <rdf:Seq>
     <rdf:li>0, 0</rdf:li>
     <rdf:li>255, 255</rdf:li>
    </rdf:Seq>
   </crs:ToneCurvePV2012>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""

#: A sidecar another tool wrote: crs properties as elements, no crop yet, a comment and padding.
ELEMENT_SIDECAR = (
    """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <!-- written by a catalogue tool -->
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
   <photoshop:Credit>Studio North</photoshop:Credit>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:cr="http://ns.adobe.com/camera-raw-settings/1.0/">
   <cr:Exposure2012>-0.20</cr:Exposure2012>
   <cr:CropAngle>0</cr:CropAngle>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""
    + " " * 68
    + """
<?xpacket end="w"?>"""
)


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    import difflib

    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def test_merge_keeps_every_other_byte_of_a_lightroom_sidecar() -> None:
    crop = CrsCrop(0.1, 0.2, 0.7, 0.9, -1.5)
    merged = merge_crop(LIGHTROOM_SIDECAR.encode(), crop, None).decode()
    removed, added = _changed_lines(LIGHTROOM_SIDECAR, merged)
    assert all("crs:HasCrop" in r or "crs:Crop" in r for r in removed)
    assert all("crs:HasCrop" in a or "crs:Crop" in a for a in added)
    assert len(removed) == len(added) == 6  # values replaced in place, nothing moved
    assert read_crop(merged.encode()).crop == crop


def test_merge_into_element_form_and_another_prefix() -> None:
    crop = CrsCrop(0.25, 0.0, 0.75, 0.8, 2.0)
    merged = merge_crop(ELEMENT_SIDECAR.encode("utf-8"), crop, (4, 5)).decode("utf-8")
    assert "<cr:CropAngle>2</cr:CropAngle>" in merged  # changed where it was, in its form
    assert 'cr:CropLeft="0.25"' in merged  # added to the Description declaring the namespace
    assert "<photoshop:Credit>Studio North</photoshop:Credit>" in merged
    assert "<!-- written by a catalogue tool -->" in merged
    assert merged.endswith(
        '                                                                    \n<?xpacket end="w"?>'
    )
    got = read_crop(merged.encode())
    assert got.crop == crop and got.aspect == (4, 5)
    # Everything that was there is still there, byte for byte, in order.
    removed, _added = _changed_lines(ELEMENT_SIDECAR, merged)
    assert removed == ["   <cr:CropAngle>0</cr:CropAngle>"] or all(
        "cr:" in r or "Description" in r for r in removed
    )


def test_not_xml_is_refused() -> None:
    with pytest.raises(XmpFormatError, match="not XML"):
        merge_crop(b"<x:xmpmeta><rdf:RDF>", CrsCrop(0, 0, 1, 1, 0), None)
    with pytest.raises(XmpFormatError):
        read_crop(b"\xff\xfe garbage")


# --- the sidecar policy, on real files ---------------------------------------------------------


def _choice(angle: float = 0.0) -> CropChoice:
    return CropChoice(box=Box(100.0, 80.0, 240.0, 300.0), angle_deg=angle, aspect=(4, 5))


def _exiftool_crop(path: Path) -> dict[str, str]:
    out = subprocess.run(
        [EXIFTOOL, "-s", "-XMP-crs:all", str(path)], capture_output=True, text=True, check=True
    ).stdout
    values = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        values[key.strip()] = value.strip()
    return values


def test_new_sidecar_beside_a_raw_reads_back_and_exiftool_agrees(tmp_path: Path) -> None:
    raw = tmp_path / "IMG_0001.CR3"
    raw.write_bytes(b"raw bytes Headroom must never touch")
    result = write_xmp_crop(raw, _choice(2.5), (600, 800), 6)
    assert result.outcome == "written" and result.path == tmp_path / "IMG_0001.xmp"
    assert raw.read_bytes() == b"raw bytes Headroom must never touch"
    back = read_xmp_crop(raw, (600, 800), 6)
    assert back is not None and back.aspect == (4, 5) and back.angle_deg == 2.5
    assert (back.box.x, back.box.y, back.box.w, back.box.h) == pytest.approx(
        (100, 80, 240, 300), abs=0.01
    )
    if EXIFTOOL is None:
        pytest.skip("exiftool is not installed (Debian: libimage-exiftool-perl)")
    tags = _exiftool_crop(result.path)
    assert tags["HasCrop"] == "True"
    assert float(tags["CropAngle"]) == 2.5
    crs = crop_to_crs(_choice().box, 2.5, (600, 800), 6)
    assert float(tags["CropLeft"]) == pytest.approx(crs.left, abs=1e-6)
    assert float(tags["CropBottom"]) == pytest.approx(crs.bottom, abs=1e-6)


def test_merge_into_lightroom_sidecar_with_exiftool(tmp_path: Path) -> None:
    raw = tmp_path / "a.NEF"
    raw.write_bytes(b"x")
    sidecar = tmp_path / "a.xmp"
    sidecar.write_text(LIGHTROOM_SIDECAR, encoding="utf-8")
    assert write_xmp_crop(raw, _choice(), (600, 400), 1).outcome == "written"
    assert write_xmp_crop(raw, _choice(), (600, 400), 1).outcome == "unchanged"
    if EXIFTOOL is None:
        pytest.skip("exiftool is not installed (Debian: libimage-exiftool-perl)")
    tags = _exiftool_crop(sidecar)
    assert tags["HasCrop"] == "True" and tags["Exposure2012"] == "+0.35"
    assert tags["ToneCurvePV2012"] == "0, 0, 255, 255"
    everything = subprocess.run(
        [EXIFTOOL, "-s", "-XMP:Rating", "-XMP:Subject", str(sidecar)],
        capture_output=True,
        text=True,
    ).stdout
    assert "4" in everything and "team page, headshot day" in everything


def test_a_different_crop_is_kept_unless_overwriting(tmp_path: Path) -> None:
    raw = tmp_path / "b.ARW"
    raw.write_bytes(b"x")
    sidecar = tmp_path / "b.xmp"
    theirs = LIGHTROOM_SIDECAR.replace('crs:HasCrop="False"', 'crs:HasCrop="True"').replace(
        'crs:CropLeft="0"', 'crs:CropLeft="0.3"'
    )
    sidecar.write_text(theirs, encoding="utf-8")
    kept = write_xmp_crop(raw, _choice(), (600, 400), 1)
    assert kept.outcome == "kept" and "different crop" in (kept.reason or "")
    assert sidecar.read_text(encoding="utf-8") == theirs
    assert write_xmp_crop(raw, _choice(), (600, 400), 1, overwrite=True).outcome == "written"
    assert read_xmp_crop(raw, (600, 400), 1) is not None


def test_sidecar_that_is_not_xml_is_left_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    raw = tmp_path / "c.dng"
    raw.write_bytes(b"x")
    sidecar = tmp_path / "c.xmp"
    sidecar.write_bytes(b"this is a note, not XML")
    kept = write_xmp_crop(raw, _choice(), (600, 400), 1, overwrite=True)
    assert kept.outcome == "kept" and "not XML" in (kept.reason or "")
    assert sidecar.read_bytes() == b"this is a note, not XML"
    assert read_xmp_crop(raw, (600, 400), 1) is None
    assert "not XML" in caplog.text


def test_sidecar_of_a_photo_turned_in_lightroom_is_left_alone(tmp_path: Path) -> None:
    raw = tmp_path / "d.cr2"
    raw.write_bytes(b"x")
    turned = LIGHTROOM_SIDECAR.replace(
        'xmp:Rating="4"', 'xmp:Rating="4"\n   tiff:Orientation="8"'
    ).replace(
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n    xmlns:tiff="http://ns.adobe.com/tiff/1.0/"',
    )
    (tmp_path / "d.xmp").write_text(turned, encoding="utf-8")
    kept = write_xmp_crop(raw, _choice(), (600, 400), 1, overwrite=True)
    assert kept.outcome == "kept" and "Orientation" in (kept.reason or "")


def test_read_only_folder_raises_and_loses_nothing(tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "card"
    folder.mkdir()
    raw = folder / "e.RAF"
    raw.write_bytes(b"x")
    folder.chmod(0o555)
    try:
        with pytest.raises(OSError):
            write_xmp_crop(raw, _choice(), (600, 400), 1)
        assert sorted(p.name for p in folder.iterdir()) == ["e.RAF"]
    finally:
        folder.chmod(0o755)


def test_non_raw_sidecar_name_and_embedded_xmp_read_back(tmp_path: Path) -> None:
    photo = tmp_path / "portrait.jpg"
    assert xmp_path(photo) == tmp_path / "portrait.jpg.xmp"
    assert xmp_path(tmp_path / "IMG_1.CR3") == tmp_path / "IMG_1.xmp"
    # A JPEG Lightroom saved its settings into (embedded XMP): its crop is the starting crop.
    xmp = LIGHTROOM_SIDECAR.replace('crs:HasCrop="False"', 'crs:HasCrop="True"').replace(
        'crs:CropLeft="0"', 'crs:CropLeft="0.5"'
    )
    Image.new("RGB", (600, 400), "grey").save(photo, xmp=xmp.encode())
    before = photo.read_bytes()
    back = read_xmp_crop(photo, (600, 400), 1)
    assert back is not None and back.box == Box(300.0, 0.0, 300.0, 400.0)
    assert photo.read_bytes() == before


# --- through the export: a headshot day of raws, crops into XMP, read back next time ----------


def test_export_writes_xmp_beside_raws_and_reads_it_back(
    tmp_path: Path, grace_hopper_path: Path, analyzer: FaceAnalyzer
) -> None:
    from core.batch import run_batch
    from core.presets import load_presets
    from tests.raw_samples import upright_even, write_dng

    with Image.open(grace_hopper_path) as opened:
        source = upright_even(opened)
    day = tmp_path / "day"
    day.mkdir()
    raw = write_dng(source, day / "IMG_0001.dng", 6)
    raw_bytes = raw.read_bytes()
    (day / "IMG_0001.xmp").write_text(LIGHTROOM_SIDECAR, encoding="utf-8")
    preset = load_presets().require("linkedin-profile")
    first = run_batch([raw], [preset], tmp_path / "out1", analyzer=analyzer, write_xmp=True)
    item = first.items[0]
    assert item.status == "done" and item.crop_from == "suggestion"
    assert item.xmp == f"wrote {day / 'IMG_0001.xmp'}"
    assert raw.read_bytes() == raw_bytes  # the raw is never written
    merged = (day / "IMG_0001.xmp").read_text(encoding="utf-8")
    assert 'crs:Exposure2012="+0.35"' in merged and "<rdf:li>team page</rdf:li>" in merged
    # The next run starts from that crop (as Lightroom would show it) and leaves the XMP as is.
    second = run_batch([raw], [preset], tmp_path / "out2", analyzer=analyzer, write_xmp=True)
    assert second.items[0].crop_from == "xmp"
    assert "already holds this crop" in (second.items[0].xmp or "")
    with Image.open(first.written[0].path) as a, Image.open(second.written[0].path) as b:
        assert a.size == b.size
        diff = np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float)).mean()
        assert diff < 2.0
    if EXIFTOOL is not None:
        assert _exiftool_crop(day / "IMG_0001.xmp")["HasCrop"] == "True"


def test_export_reports_a_sidecar_it_cannot_write_and_keeps_the_files(
    tmp_path: Path, grace_hopper_path: Path, analyzer: FaceAnalyzer
) -> None:
    from core.batch import run_batch
    from core.presets import load_presets

    photo = tmp_path / "hopper.jpg"
    photo.write_bytes(grace_hopper_path.read_bytes())
    (tmp_path / "hopper.jpg.xmp").mkdir()  # something that is no file stands in the way
    preset = load_presets().require("linkedin-profile")
    result = run_batch([photo], [preset], tmp_path / "out", analyzer=analyzer, write_xmp=True)
    assert result.items[0].status == "done" and len(result.written) == 1
    assert (result.items[0].xmp or "").startswith("XMP not written")
    assert photo.read_bytes() == grace_hopper_path.read_bytes()


def test_export_into_a_read_only_folder_reports_the_xmp_and_keeps_the_files(
    tmp_path: Path, grace_hopper_path: Path, analyzer: FaceAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card or share Headroom may read but not write (as root, chmod does not stop writes, so the
    refusal the filesystem would give is raised where the sidecar is created)."""
    import core.lightroom.sidecar as lightroom_sidecar
    from core.batch import run_batch
    from core.presets import load_presets

    def read_only(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(lightroom_sidecar, "create_atomically", read_only)
    photo = tmp_path / "card" / "IMG_7.jpg"
    photo.parent.mkdir()
    photo.write_bytes(grace_hopper_path.read_bytes())
    preset = load_presets().require("linkedin-profile")
    result = run_batch([photo], [preset], tmp_path / "out", analyzer=analyzer, write_xmp=True)
    item = result.items[0]
    assert item.status == "done" and len(result.written) == 1
    assert item.xmp == f"XMP not written: cannot write {photo}.xmp (Permission denied)"
    assert sorted(p.name for p in photo.parent.iterdir()) == ["IMG_7.jpg"]
