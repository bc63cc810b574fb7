"""Issue #9 regressions through real MediaPipe: the subject is a person, neighbours are not sliced
by a headshot's edge, every variant is offered, on real shared photos and on constructed ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps

from core.detection import FaceAnalyzer
from core.faces import Analysis
from core.framing import suggest_all, suggestion_for
from core.framing.neighbours import cut_heads, neighbour_heads
from core.framing.rules import load_framing_rules
from core.suggestion import Suggestion
from tests.shared_photos import shared_photo


def codes(s: Suggestion) -> set[str]:
    return {w.code for w in s.warnings}


def analyse(analyzer: FaceAnalyzer, path: Path) -> Analysis:
    return analyzer.analyze_path(path)[1]


def round_logo(face_source: Path, radius: int) -> tuple[Image.Image, Image.Image]:
    """A round TV-network emblem: a posterised two-tone portrait in a ring, with letters. BlazeFace
    finds a face in it; nobody stands behind it."""
    with Image.open(face_source) as src:
        face = src.convert("RGB").crop((150, 60, 450, 360)).resize((2 * radius, 2 * radius))
    grey = ImageOps.grayscale(ImageOps.posterize(ImageOps.grayscale(face).convert("RGB"), 2))
    emblem = ImageOps.colorize(grey, (10, 20, 90), (240, 240, 250))
    draw = ImageDraw.Draw(emblem)
    draw.ellipse([0, 0, 2 * radius - 1, 2 * radius - 1], outline=(10, 20, 90), width=radius // 12)
    font = ImageFont.load_default(size=int(radius * 0.3))
    draw.text((radius * 0.55, radius * 1.55), "TVN", fill=(220, 30, 30), font=font)
    mask = Image.new("L", emblem.size, 0)
    ImageDraw.Draw(mask).ellipse([0, 0, 2 * radius - 1, 2 * radius - 1], fill=255)
    return emblem, mask


def test_logo_on_press_wall_is_not_the_subject(
    analyzer: FaceAnalyzer, grace_hopper_path: Path, tmp_path: Path
) -> None:
    # A man on a press wall; a round logo bigger than his face pasted on the wall beside him.
    with Image.open(shared_photo("dev/facenet_shea_whigham_1.jpg")) as im:
        photo = im.convert("RGB")
    emblem, mask = round_logo(grace_hopper_path, 380)
    photo.paste(emblem, (1640 - 380, 430 - 380), mask)
    path = tmp_path / "press_wall_logo.jpg"
    photo.save(path, quality=92)
    # The detector does find a face in the logo, larger than the man's ...
    loaded = analyzer.analyze_path(path)[0]
    raw = analyzer.detect_raw(loaded.analysis_rgb)
    logo = [d for d in raw if d.box.cx * loaded.analysis_scale > 1400]
    man = [d for d in raw if d.box.cx * loaded.analysis_scale < 1300]
    assert logo, "the constructed logo no longer looks like a face to BlazeFace"
    assert logo[0].box.area > max(d.box.area for d in man)
    # ... but the subject is the man, and the logo (no person behind it) is gone.
    analysis = analyse(analyzer, path)
    subject = analysis.faces[0]
    assert 900 < subject.center_x < 1200
    assert subject.person_support > 0.9
    assert all(f.center_x < 1300 for f in analysis.faces)
    s = suggestion_for(analysis, genre="headshot", framing="standard", aspect=(4, 5))
    assert s.box.left < subject.center_x < s.box.right


@pytest.mark.parametrize("artwork", ["ipadapter_vermeer.jpg", "ipadapter_statue.png"])
def test_a_painting_or_statue_beside_a_person_is_not_the_subject(
    analyzer: FaceAnalyzer, tmp_path: Path, artwork: str
) -> None:
    # A painted face (Vermeer) or a marble bust hung beside a man on a press wall, its face as
    # large as his: the segmenter calls it half to two-thirds person, so it stays, ranked after
    # the man.
    with Image.open(shared_photo("dev/facenet_shea_whigham_1.jpg")) as im:
        photo = im.convert("RGB")
    with Image.open(shared_photo(f"dev/{artwork}")) as im:
        art = im.convert("RGB").resize((im.width * 3, im.height * 3))
    wall = Image.new("RGB", (photo.width + art.width + 40, photo.height), (128, 128, 128))
    wall.paste(photo, (0, 0))
    wall.paste(art, (photo.width + 20, 60))
    path = tmp_path / "wall.jpg"
    wall.save(path, quality=92)
    analysis = analyse(analyzer, path)
    assert len(analysis.faces) == 2  # the artwork's face is found: the ranking decides
    assert analysis.faces[0].center_x < photo.width  # the man
    s = suggestion_for(analysis, genre="headshot", framing="standard", aspect=(4, 5))
    assert s.box.right <= photo.width + 20


def test_old_press_print_keeps_its_faces_when_the_mask_sees_nobody(analyzer: FaceAnalyzer) -> None:
    # The segmenter finds no person in the black-and-white Solvay print: the mask says nothing
    # there, so no face may be dropped for lack of it.
    analysis = analyse(analyzer, shared_photo("immich_solvay.jpg"))
    assert len(analysis.faces) >= 25


def test_headshot_warns_when_the_neighbour_is_cut(analyzer: FaceAnalyzer) -> None:
    # Two heads together in a selfie: no headshot of one can leave the other whole or out, so
    # the crop must say the other face is cut (this one had no warning at all).
    analysis = analyse(analyzer, shared_photo("dev/photoprism_1.jpg"))
    assert len(analysis.faces) == 2
    rules = load_framing_rules()
    for s in suggest_all(analysis):
        if s.genre != "headshot" or s.subject is None:
            continue
        heads = neighbour_heads(analysis, s.subject, s.angle_deg, load_framing_rules().neighbours)
        if cut_heads(s.box, heads, rules.neighbours):
            assert "faces-cut" in codes(s), s.id


def test_headshot_warns_when_it_cuts_the_back_of_a_turned_head(analyzer: FaceAnalyzer) -> None:
    # A man turned aside beside the woman: his hair and ear reach x = 245 (measured by eye on the
    # photo), 40 px past his face box and keypoints. Her headshot's left edge fell between the
    # two and said nothing.
    analysis = analyse(analyzer, shared_photo("dev/realesrgan_00017_gray.png"))
    his_head_right = 245.0 - 3.0  # a 3 px sliver of hair is what measuring by eye can miss
    woman = max(range(len(analysis.faces)), key=lambda i: analysis.faces[i].center_x)
    assert analysis.faces[woman].box.left > his_head_right
    for framing in ("tight", "standard", "loose"):
        s = suggestion_for(
            analysis, genre="headshot", framing=framing, aspect=(4, 5), subject=woman
        )
        if s.box.left < his_head_right:
            assert "faces-cut" in codes(s), framing


def test_crowd_headshot_moves_off_the_neighbours(analyzer: FaceAnalyzer) -> None:
    # Cheering crowd, faces side by side: every headshot and one-person portrait either cuts no
    # other face or says so.
    analysis = analyse(analyzer, shared_photo("dev/mmpose_7_cheering_cheering_7_16.jpg"))
    rules = load_framing_rules()
    unwarned = []
    clean = 0
    for s in suggest_all(analysis):
        if s.genre not in ("headshot", "portrait") or s.subject is None:
            continue
        heads = neighbour_heads(analysis, s.subject, s.angle_deg, load_framing_rules().neighbours)
        cut = cut_heads(s.box, heads, rules.neighbours)
        if cut and "faces-cut" not in codes(s):
            unwarned.append(s.id)
        whole = [h for h in heads if s.box.contains_box(h.box, tol=1.0)]
        if whole and s.framing != "environmental" and "several-faces" not in codes(s):
            unwarned.append(s.id)
        clean += not cut
    assert not unwarned
    assert clean >= 1  # moving and tightening found at least one crop that cuts nobody


def test_every_headshot_variant_is_offered_on_a_cramped_photo(analyzer: FaceAnalyzer) -> None:
    # The face fills much of this studio portrait: tight, standard and loose come out as the same
    # box, and standard used to be dropped as a repeat of tight.
    analysis = analyse(analyzer, shared_photo("dev/controlnet_old.png"))
    ids = {s.id for s in suggest_all(analysis)}
    rules = load_framing_rules()
    for v in rules.headshot.variants:
        for w, h in rules.headshot.aspects:
            assert f"headshot-{v.name}-{w}x{h}-s0" in ids


def test_astronaut_turned_15_degrees_keeps_its_tilt_as_a_pose(
    analyzer: FaceAnalyzer, astronaut_path: Path, tmp_path: Path
) -> None:
    # Issue #9.3: corrections of 13-18 degrees left the scene visibly slanted. A tilt this big is
    # kept and noted; Level eyes (L) is one key away; ID photos level the eyes by rule.
    with Image.open(astronaut_path) as im:
        turned = im.convert("RGB").rotate(-15, resample=Image.Resampling.BICUBIC, expand=True)
    path = tmp_path / "astronaut_turned_15.png"
    turned.save(path)
    analysis = analyse(analyzer, path)
    rules = load_framing_rules()
    face = analysis.faces[0]
    assert abs(face.roll_deg) > rules.auto_max_deg
    suggestions = suggest_all(analysis)
    for s in suggestions:
        if s.genre in ("headshot", "portrait") and s.subject == 0:
            assert s.angle_deg == 0.0, s.id
            notes = [w.message for w in s.warnings if w.code == "roll-not-corrected"]
            assert notes and "(L)" in notes[0], s.id
    ids = [s for s in suggestions if s.genre == "id"]
    levelled = [s for s in ids if s.angle_deg != 0.0]
    # Where the turned photo has room for the ID framing at all, its eyes are levelled.
    assert levelled
    assert all(s.angle_deg == pytest.approx(face.roll_deg) for s in levelled)


def test_crown_touching_the_top_raises_crown_cut(analyzer: FaceAnalyzer) -> None:
    # Issue #9.5: hair touching the photo's top edge; the proportions put the crown inside the
    # photo, so no headshot said the head was cut.
    analysis = analyse(analyzer, shared_photo("dev/facenet_paul_rudd_1.jpg"))
    assert analysis.faces[0].crown_source == "edge"
    for s in suggest_all(analysis):
        if s.genre == "headshot" and s.subject == 0:
            assert "crown-cut" in codes(s), s.id


def test_head_with_room_above_has_no_crown_cut(analyzer: FaceAnalyzer) -> None:
    # A photo too narrow for a standard 4:5 headshot: the smaller crop used to be shrunk about
    # the asked box's centre, which cut the crown although the photo has room above the head.
    analysis = analyse(analyzer, shared_photo("dev/u2net_man.jpg"))
    assert analysis.faces[0].crown_source != "edge"
    for variant in ("standard", "loose"):
        s = suggestion_for(analysis, genre="headshot", framing=variant, aspect=(4, 5))
        assert "crown-cut" not in codes(s), variant
        assert s.box.top <= analysis.faces[0].crown_y


def test_heads_behind_the_subject_are_not_her_head(analyzer: FaceAnalyzer) -> None:
    # Children seen from the back stand above the girl's head up to the photo's top edge; the
    # person mask runs through them, which made her head "cut by the top": a full-height headshot
    # holding their heads, with a false crown-cut.
    analysis = analyse(analyzer, shared_photo("dev/mmpose_13609937564_5.jpg"))
    face = analysis.faces[0]
    assert face.crown_source != "edge"
    assert face.crown_y > 0.0
    s = suggestion_for(analysis, genre="headshot", framing="standard", aspect=(4, 5))
    assert "crown-cut" not in codes(s)
    assert face.crown_y - s.box.top >= 0.05 * s.box.h
    # The top of the photo (the heads behind) is left out.
    assert s.box.top >= 0.1 * analysis.height


def test_group_keeps_the_shoulders_of_the_man_at_the_end_of_the_row(
    analyzer: FaceAnalyzer,
) -> None:
    # Issue #9.6: the Solvay group crops cut the man at the right end of the front row through
    # arm and hat although the photo has room; a member the photo itself cuts is named.
    from core.framing.subject import frame_face

    analysis = analyse(analyzer, shared_photo("immich_solvay.jpg"))
    rules = load_framing_rules()
    half = rules.group.shoulder_half_h
    groups = [
        s for s in suggest_all(analysis) if s.genre == "group" and "faces-cut" not in codes(s)
    ]
    assert {s.aspect for s in groups} >= {(3, 2), (16, 9)}
    for s in groups:
        framed = [frame_face(analysis, i, 0.0) for i in range(len(analysis.faces))]
        right_end = max(framed, key=lambda f: f.cx)
        assert s.box.right >= right_end.cx + half * right_end.head_height - 1.0, s.id
        for f in framed:
            inside = (
                f.cx - half * f.head_height >= s.box.left - 1.0
                and f.cx + half * f.head_height <= s.box.right + 1.0
            )
            if not inside:
                people = [w.message for w in s.warnings if w.code == "people-cut"]
                assert people, (s.id, f.index)
                named = re.search(r"faces ([0-9, ]+),", people[0])
                assert named and f.index in {int(n) for n in re.findall(r"\d+", named.group(1))}


def test_half_length_is_not_cut_through_the_hands_holding_glasses(analyzer: FaceAnalyzer) -> None:
    # Issue #9.7: the half-length of the craft-beer photo ended across the hands on the bar
    # holding glasses (3.2 H, a fixed head-height average). The person mask's outline widens
    # there; the cut moves above it.
    from core.framing.portrait import _subject, arms_zone

    analysis = analyse(analyzer, shared_photo("immich_craft-beer.jpg"))
    rules = load_framing_rules()
    margin = rules.portrait.arms_margin_h * analysis.faces[0].head_height
    checked = 0
    for s in suggest_all(analysis):
        if s.genre != "portrait" or s.framing != "half-length":
            continue
        zone = arms_zone(analysis, _subject(analysis, 0, rules, s.angle_deg), rules)
        assert zone is not None, "the hands on the bar no longer widen the person's outline"
        top, bottom = zone
        assert not top - margin + 1.0 < s.box.bottom < bottom + margin - 1.0, s.id
        assert "cut-through-hands" not in codes(s)
        checked += 1
    assert checked
