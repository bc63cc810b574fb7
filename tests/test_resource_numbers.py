"""The one loader of the numbers in resources/*.toml: a broken or edited file is reported by
file, table and key (a ResourceError a person can act on), not as a bare KeyError traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ResourceError
from core.resource_numbers import load_table, resource_table


def test_the_bundled_tables_load() -> None:
    assert resource_table("faces.toml", "second_look")["crop_boxes"] > 0
    assert set(resource_table("faces.toml", "head")) >= {"chin_below_mouth", "min_eye_span"}


def test_a_missing_key_names_the_file_the_table_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "faces.toml"
    path.write_text("[head]\nchin_below_mouth = 0.7\n", encoding="utf-8")
    table = load_table(path, "head")
    assert table["chin_below_mouth"] == 0.7
    with pytest.raises(ResourceError) as err:
        table["min_eye_span"]
    assert str(path) in str(err.value) and "[head]" in str(err.value)
    assert "'min_eye_span'" in str(err.value)


def test_a_missing_table_a_broken_file_and_no_file_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "faces.toml"
    path.write_text("[head]\nchin_below_mouth = 0.7\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"no table \[ranking\]"):
        load_table(path, "ranking")
    path.write_text("[head\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="not valid TOML"):
        load_table(path, "head")
    with pytest.raises(ResourceError, match="cannot read"):
        load_table(tmp_path / "gone.toml", "head")
