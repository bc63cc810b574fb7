"""Presets as data: built-in file, user overrides, validation messages, the presets command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import PresetError
from core.presets import load_presets

REPO = Path(__file__).resolve().parent.parent


def test_builtin_presets_have_the_reference_sizes() -> None:
    book = load_presets(None)
    expected = {
        "linkedin-profile": (400, 400, None),
        "linkedin-cover": (1584, 396, None),
        "instagram-profile": (320, 320, None),
        "instagram-square": (1080, 1080, None),
        "instagram-portrait": (1080, 1350, None),
        "instagram-story": (1080, 1920, None),
        "facebook-cover": (820, 312, None),
        "x-profile": (400, 400, None),
        "x-header": (1500, 500, None),
        "youtube-profile": (800, 800, None),
        "github-avatar": (500, 500, None),
        "slack-profile": (1024, 1024, None),
        "teams-profile": (648, 648, None),
        "print-4x6": (1200, 1800, 300),
        "print-5x7": (1500, 2100, 300),
        "print-8x10": (2400, 3000, 300),
        "print-11x14": (3300, 4200, 300),
        "print-16x20": (4800, 6000, 300),
        "id-us": (600, 600, 300),
        # mm / 25.4 * ppi, rounded
        "id-icao": (round(35 / 25.4 * 600), round(45 / 25.4 * 600), 600),
        "id-canada": (round(50 / 25.4 * 300), round(70 / 25.4 * 300), 300),
    }
    for preset_id, (w, h, ppi) in expected.items():
        p = book.require(preset_id)
        assert (p.width, p.height, p.ppi) == (w, h, ppi), preset_id
    assert book.require("id-icao").aspect == (7, 9)  # physical ratio, not the pixel one
    assert book.require("print-11x14").aspect == (11, 14)
    assert book.require("facebook-cover").aspect == (205, 78)
    assert book.require("github-avatar").max_bytes == 1_000_000
    assert book.require("id-us").max_bytes == 240_000
    assert book.require("linkedin-profile").circle
    assert not book.require("linkedin-cover").circle
    assert book.require("facebook-profile").width >= 180
    assert book.require("google-profile").width >= 250
    assert book.require("id-uk").width >= 600 and book.require("id-uk").height >= 750
    groups = book.by_group()
    assert list(groups) == ["social", "print", "id"]
    assert {p.framing for p in groups["id"]} == {"icao", "uk", "us", "canada"}
    print_4x6 = book.require("print-4x6")
    assert print_4x6.framings[0] == ("portrait", "half-length")
    assert print_4x6.framings[-1] == ("headshot", "loose")
    assert all(p.genre == "id" for p in groups["id"])


def test_id_presets_reference_real_id_rules() -> None:
    import tomllib

    rules = tomllib.loads((REPO / "resources" / "id_photos.toml").read_text())
    rule_ids = {r["id"] for r in rules["rule"]}
    for preset in load_presets(None).by_group()["id"]:
        assert preset.framing in rule_ids


def test_resolve_accepts_groups_and_ids_in_order() -> None:
    book = load_presets(None)
    chosen = book.resolve(["print-8x10", "id", "print-8x10"])
    assert [p.id for p in chosen] == ["print-8x10", "id-icao", "id-uk", "id-us", "id-canada"]
    with pytest.raises(PresetError, match="unknown preset or group 'nope'"):
        book.resolve(["nope"])


def test_user_file_adds_and_overrides(tmp_path: Path) -> None:
    user = tmp_path / "presets.toml"
    user.write_text(
        """
[[preset]]
id = "linkedin-profile"
format = "png"

[[preset]]
id = "print-8x10"
size_in = [8, 10]
ppi = 600

[[preset]]
id = "team-page"
name = "Team page"
width = 600
height = 750
genre = "headshot"
framing = "tight"
"""
    )
    book = load_presets(user)
    linkedin = book.require("linkedin-profile")
    assert (linkedin.format, linkedin.width, linkedin.circle) == ("png", 400, True)
    assert (book.require("print-8x10").width, book.require("print-8x10").ppi) == (4800, 600)
    team = book.require("team-page")
    assert (team.group, team.aspect, team.ppi) == ("custom", (4, 5), None)
    assert list(book)[-1].id == "team-page"
    assert book.sources == (REPO / "resources" / "presets.toml", user)


def test_default_user_file_comes_from_the_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.presets.user_config_dir", lambda: tmp_path)
    (tmp_path / "presets.toml").write_text(
        '[[preset]]\nid = "mine"\nname = "Mine"\nwidth = 100\nheight = 100\n'
        'genre = "headshot"\nframing = "standard"\n'
    )
    assert "mine" in load_presets()
    assert "mine" not in load_presets(None)


@pytest.mark.parametrize(
    ("entry", "field", "problem"),
    [
        ('id = "x"\nname = "X"\nwidth = 0\nheight = 10', "width", "positive whole number"),
        ('id = "x"\nname = "X"\nwidth = 100\nheight = "big"', "height", "positive whole number"),
        ('id = "x"\nname = "X"\nsize_mm = [35, 45]', "ppi", "required"),
        ('id = "x"\nname = "X"\nwidth = 100\nheight = 100\nformat = "gif"', "format", "one of"),
        ('id = "x"\nname = "X"\nwidth = 100\nheight = 100\ngroup = "misc"', "group", "one of"),
        ('id = "x"\nname = "X"\nwidth = 100\nheight = 100\ncolour = 1', "colour", "not a preset"),
        ('id = "x"\nname = ""\nwidth = 100\nheight = 100', "name", "non-empty"),
        ('id = "x"\nname = "X"\nwidth = 100\nheight = 100\ncircle = "yes"', "circle", "true or"),
        ('id = "x"\nname = "X"\nwidth = 100\nheight = 100\nsize_in = [1, 1]', "width", "one way"),
        (
            'id = "x"\nname = "X"\nwidth = 100\nheight = 100\nfallbacks = ["hat/x"]',
            "fallbacks",
            "genre",
        ),
    ],
)
def test_invalid_entries_name_file_entry_and_field(
    tmp_path: Path, entry: str, field: str, problem: str
) -> None:
    user = tmp_path / "presets.toml"
    text = "[[preset]]\n" + entry + "\n"
    if "genre" not in entry:
        text += 'genre = "headshot"\nframing = "standard"\n'
    user.write_text(text)
    with pytest.raises(PresetError) as info:
        load_presets(user)
    message = str(info.value)
    assert str(user) in message
    assert "preset #1 (x)" in message
    assert f"'{field}'" in message
    assert problem in message


def test_broken_toml_and_bad_ids_are_reported(tmp_path: Path) -> None:
    user = tmp_path / "presets.toml"
    user.write_text("[[preset]\nid = ")
    with pytest.raises(PresetError, match="not valid TOML"):
        load_presets(user)
    user.write_text('[[preset]]\nid = "Bad Id"\n')
    with pytest.raises(PresetError, match="field 'id'"):
        load_presets(user)
    user.write_text('[[preset]]\nid = "a"\n[[preset]]\nid = "a"\n')
    with pytest.raises(PresetError, match="duplicate id"):
        load_presets(user)


def test_presets_command_json(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"), "PATH": "/usr/bin"}
    out = subprocess.run(
        [sys.executable, "app.py", "presets", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    listed = json.loads(out.stdout)
    assert isinstance(listed, list) and len(listed) >= 24
    by_id = {p["id"]: p for p in listed}
    for key in ("id", "name", "group", "width", "height", "ppi"):
        assert key in by_id["linkedin-profile"]
    assert by_id["linkedin-profile"]["ppi"] is None
    assert (by_id["print-4x6"]["width"], by_id["print-4x6"]["ppi"]) == (1200, 300)
    text = subprocess.run(
        [sys.executable, "app.py", "presets"], cwd=REPO, capture_output=True, text=True, env=env
    )
    assert text.returncode == 0 and "print-16x20" in text.stdout


def test_presets_command_reports_a_broken_user_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[preset]]\nid = "x"\nname = "X"\n')
    out = subprocess.run(
        [sys.executable, "app.py", "presets", "--user-file", str(bad)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert out.stderr.startswith("error: ") and str(bad) in out.stderr
