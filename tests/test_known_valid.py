"""A spec (or a generator's params) that passed jsonschema before is not checked again, and so
needs no jsonschema import; anything else is checked as always, and its errors are the same."""

from __future__ import annotations

import json

import pytest

import datagen
from datagen.errors import SpecError
from datagen.spec import known_valid

SPEC = """\
version: 1
name: {name}
seed: 1
tables:
  - name: t
    rows: 5
    columns:
      - {{name: id, type: bigserial, primary_key: true}}
      - {{name: n, type: integer, generator: range, params: {params}}}
"""


@pytest.fixture
def pools(tmp_path, monkeypatch):
    monkeypatch.setenv("DATAGEN_POOL_CACHE", str(tmp_path / "pools"))
    known_valid._entries.cache_clear()
    known_valid._unsaved.clear()  # what earlier tests in this process remembered
    yield tmp_path / "pools"
    known_valid._entries.cache_clear()
    known_valid._unsaved.clear()


def compile_text(tmp_path, name: str = "shop", params: str = "{min: 0, max: 9}"):
    """Compile as a new process would: reading the file first, writing it at the end."""
    path = tmp_path / "s.yaml"
    path.write_text(SPEC.format(name=name, params=params))
    known_valid._entries.cache_clear()
    try:
        return datagen.compile_spec(path)
    finally:
        known_valid.save()


def entries(pools) -> list[str]:
    (path,) = pools.rglob(known_valid.FILE)
    return json.loads(path.read_text())


def test_a_spec_that_passed_is_remembered_and_errors_never_are(tmp_path, pools):
    compile_text(tmp_path)
    first = entries(pools)
    assert len(first) == 2  # the spec's structure, and the range's params
    compile_text(tmp_path)
    assert entries(pools) == first  # known: nothing new
    with pytest.raises(SpecError, match=r"has no parameter 'maxx'"):
        compile_text(tmp_path, params="{min: 0, maxx: 9}")
    with pytest.raises(SpecError, match=r"has no parameter 'maxx'"):  # and again: not known
        compile_text(tmp_path, params="{min: 0, maxx: 9}")
    # its structure passed (params are the generator's to check), its params never do
    assert len(entries(pools)) == 3 and entries(pools)[:2] == first


def test_a_yaml_date_is_not_its_string(tmp_path, pools):
    """name: "2024-01-01" passes; name: 2024-01-01 is a date, which the schema refuses: the
    first must not vouch for the second (JSON would write both the same)."""
    compile_text(tmp_path, name='"2024-01-01"')
    with pytest.raises(SpecError, match=r"name"):
        compile_text(tmp_path, name="2024-01-01")


def test_a_damaged_file_or_no_cache_means_checking(tmp_path, pools, monkeypatch):
    compile_text(tmp_path)
    (path,) = pools.rglob(known_valid.FILE)
    path.write_text("{not json")
    compile_text(tmp_path)  # checked again, and written whole again
    assert len(entries(pools)) == 2
    monkeypatch.setenv("DATAGEN_POOL_CACHE", "off")
    with pytest.raises(SpecError, match=r"has no parameter 'maxx'"):
        compile_text(tmp_path, params="{min: 0, maxx: 9}")


def test_the_file_keeps_the_newest_entries(tmp_path, pools, monkeypatch):
    monkeypatch.setattr(known_valid, "LIMIT", 3)
    for hi in range(5):
        compile_text(tmp_path, params=f"{{min: 0, max: {hi + 9}}}")
    kept = entries(pools)
    assert len(kept) == 3
    compile_text(tmp_path, params="{min: 0, max: 13}")
    assert entries(pools) == kept  # the newest run's entries were kept: nothing to add
    compile_text(tmp_path, params="{min: 0, max: 9}")
    assert entries(pools) != kept  # the oldest were dropped: checked and added again


def test_a_spec_of_bad_structure_is_never_remembered(tmp_path, pools):
    compile_text(tmp_path)
    first = entries(pools)
    for _ in range(2):
        with pytest.raises(SpecError, match=r"unknown key 'rowz'"):
            compile_text(tmp_path, params="{min: 0, max: 9}}\n    rowz: 3\n    x: {y: 1")
    assert entries(pools) == first


def test_an_integer_too_long_to_write_is_checked_every_time(tmp_path, pools):
    """YAML reads 0x... of any length; Python refuses to write an int of over 4300 digits."""
    path = tmp_path / "s.yaml"
    path.write_text(
        SPEC.format(name="shop", params="{min: 0, max: 9}").replace(
            "seed: 1", "seed: 0x" + "f" * 4000
        )
    )
    datagen.compile_spec(path)  # valid (a seed of any size), and no ValueError from the key
    known_valid.save()
    assert len(entries(pools)) == 1  # the range's params; the spec itself cannot be named
