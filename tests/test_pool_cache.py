"""Faker-built lists kept on disk (datagen.generators.poolcache): a later run reads them instead
of calling Faker, the bytes are the same with the cache, without it and with a cold one, and a
damaged, foreign or unwritable cache only means the list is made again."""

from __future__ import annotations

import json

import pytest

import datagen
from datagen.generators import locales, placedata, poolcache, words

SPEC = """\
version: 1
name: pools
seed: 3
tables:
  - name: people
    rows: 300
    columns:
      - {name: id, type: bigserial, primary_key: true}
      - {name: phone, type: text}
      - {name: street_address, type: text}
      - {name: postal_code, type: text}
"""


def clear() -> None:
    """Forget what this process built (as a new process would)."""
    for fn in (
        words.faker_pool,
        words.available_locales,
        locales.phone_templates,
        placedata.places,
    ):
        fn.cache_clear()


def dump() -> bytes:
    import io

    out = io.BytesIO()
    datagen.generate(datagen.compile_spec_text(SPEC), out)
    return out.getvalue()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DATAGEN_POOL_CACHE", str(tmp_path / "pools"))
    clear()
    yield tmp_path / "pools"
    clear()


def test_a_later_run_reads_the_lists_without_faker(cache_dir, monkeypatch):
    cold = dump()
    files = sorted(p.name for p in poolcache.directory().iterdir())  # type: ignore[union-attr]
    assert "en_US.phone_templates.1024.20240101.json" in files
    assert "en_US.street_name.2048.20240101.json" in files
    clear()
    import faker

    def no_faker(*args, **kwargs):
        raise AssertionError("Faker was called to build a list the cache holds")

    monkeypatch.setattr(faker, "Faker", no_faker)
    assert dump() == cold


def test_the_same_bytes_without_the_cache(cache_dir, monkeypatch):
    warm = dump()
    monkeypatch.setenv("DATAGEN_POOL_CACHE", "off")
    clear()
    assert poolcache.directory() is None
    assert dump() == warm


def test_damaged_or_foreign_files_are_made_again(cache_dir):
    made = dump()
    where = poolcache.directory()
    assert where is not None
    phones = where / "en_US.phone_templates.1024.20240101.json"
    doc = json.loads(phones.read_text())
    doc["values"][0] = "+1-###-###-#### (edited)"  # the digest no longer matches
    phones.write_text(json.dumps(doc))
    (where / "en_US.street_name.2048.20240101.json").write_text("{not json")
    clear()
    assert dump() == made
    assert json.loads(phones.read_text())["values"][0] != "+1-###-###-#### (edited)"  # replaced


def test_an_unwritable_cache_is_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("DATAGEN_POOL_CACHE", str(blocker / "pools"))
    clear()
    try:
        assert poolcache.strings("demo", "xx", lambda: ["a"]) == ["a"]
        assert dump()
    finally:
        clear()


def test_the_lists_are_kept_per_faker_and_per_datagen_code(cache_dir):
    where = poolcache.directory()
    assert where is not None and where.parent.name.startswith("faker-")
    assert where.name.startswith(f"datagen-{datagen.__version__}-")  # and a digest of the code


def test_no_home_directory_is_no_cache(monkeypatch):
    from pathlib import Path

    monkeypatch.delenv("DATAGEN_POOL_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert poolcache.directory() is None
    monkeypatch.setenv("DATAGEN_POOL_CACHE", "relative/pools")
    assert poolcache.directory() is None  # never a folder of wherever the run happens to be
