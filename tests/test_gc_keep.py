"""The cache's bound: every build records a generation, a full build keeps the objects of the last
``DATAGEN_CACHE_KEEP`` builds (5 by default) and removes older ones, ``gc --keep N`` does the same
by hand, and nothing a build running beside this one may have just made is removed."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
import yaml

from datagen.pipeline import build as pipeline
from datagen.pipeline import generations
from datagen.pipeline.cache import Cache
from datagen.pipeline.project import Project

SPEC = """\
version: 1
name: small
seed: 3
tables:
  - name: users
    rows: 200
    columns:
      - {name: id, type: bigserial, primary_key: true}
      - {name: name, type: text}
  - name: events
    rows: 300
    columns:
      - {name: id, type: bigserial, primary_key: true}
      - {name: user_id, type: bigint, references: users.id}
      - {name: score, type: integer, generator: range, params: {min: 0, max: 10}}
"""


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv(generations.KEEP_VARIABLE, raising=False)
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "small.yaml").write_text(SPEC)
    return tmp_path


def edit(repo: Path, i: int) -> str:
    """Edit one column (events.score's range); returns the spec's new text."""
    spec = yaml.safe_load(SPEC)
    spec["tables"][1]["columns"][2]["params"]["max"] = 10 + i
    text = yaml.safe_dump(spec, sort_keys=False)
    (repo / "datasets" / "small.yaml").write_text(text)
    return text


def build(repo: Path, names: list[str] | None = None) -> tuple[pipeline.BuildReport, str]:
    out = io.StringIO()
    report = pipeline.build(repo, names, out=out)
    return report, out.getvalue()


def objects(repo: Path) -> dict[tuple[str, str], int]:
    """(key, kind) -> bytes of every object in the cache (metas and temporary files aside)."""
    return {(key, kind): p.stat().st_size for key, kind, p in Cache(repo / "cache").entries()}


def referenced(repo: Path) -> set[tuple[str, str]]:
    """What the specs on disk now reference."""
    project = Project(repo)
    return generations.referenced_objects(project, pipeline.select(project, None))


def gens(repo: Path) -> list[Path]:
    return sorted((repo / "cache" / "generations").glob("*.json"))


def test_the_cache_stays_within_k_plus_one_builds(repo, monkeypatch):
    monkeypatch.setenv(generations.KEEP_VARIABLE, "2")
    build(repo)
    states = [referenced(repo)]
    one_build = sum(objects(repo).values())
    for i in range(1, 9):
        edit(repo, i)
        report, _ = build(repo)
        assert set(report.generated()["small"]) == {"public.events"}
        states.append(referenced(repo))
        # exactly the objects of this build and of the two before it, never more
        assert set(objects(repo)) == set().union(*states[-3:]), i
        assert sum(objects(repo).values()) <= 3 * one_build
        assert len(gens(repo)) <= 3
    # without the bound the cache would hold every state's objects by now
    assert len(set().union(*states)) > len(objects(repo)) + 10


def test_generation_files_are_bounded_and_numbered_in_order(repo, monkeypatch):
    monkeypatch.setenv(generations.KEEP_VARIABLE, "2")
    for i in range(6):
        edit(repo, i)
        build(repo)
    names = [p.name for p in gens(repo)]
    assert names == ["00000004.json", "00000005.json", "00000006.json"]
    newest = json.loads(gens(repo)[-1].read_text())
    assert newest["datasets"] == ["small"]
    assert {tuple(o) for o in newest["objects"]} == referenced(repo)
    build(repo)  # nothing changed: no duplicate generation
    assert [p.name for p in gens(repo)] == names
    build(repo, ["small"])  # a build of some datasets records too, here the same set
    assert [p.name for p in gens(repo)] == names
    edit(repo, 99)
    build(repo, ["small"])
    assert [p.name for p in gens(repo)][-1] == "00000007.json"
    files, size = pipeline.gc(repo)  # keep 0: the 3 builds before this one go
    assert files == 3 * 3 and size > 0  # events' chunk, table and chunk's score column each
    assert [p.name for p in gens(repo)] == ["00000007.json"]


def test_gc_keep_1_leaves_current_and_previous_build_and_a_revert_reuses_them(
    repo, monkeypatch, capsys
):
    from datagen.cli import main

    monkeypatch.setenv(generations.KEEP_VARIABLE, "off")  # the builds keep everything
    states, texts = [], []
    for i in range(4):
        texts.append(edit(repo, i))
        build(repo)
        states.append(referenced(repo))
    assert set(objects(repo)) == set().union(*states)
    main(["gc", "--keep", "1", "-C", str(repo)])
    # 2 builds x (events' chunk, its table and the chunk's score column)
    assert capsys.readouterr().out.startswith("removed 6 files (")
    assert set(objects(repo)) == states[-1] | states[-2]

    (repo / "datasets" / "small.yaml").write_text(texts[-2])  # back to the previous build
    report, out = build(repo)
    assert report.generated() == {}
    assert "small: reused public.users, public.events" in out
    (repo / "datasets" / "small.yaml").write_text(texts[-4])  # an older one was removed
    assert build(repo)[0].generated() == {"small": {"public.events": 1}}


def test_keep_off_keeps_everything(repo, monkeypatch):
    monkeypatch.setenv(generations.KEEP_VARIABLE, "off")
    states = []
    for i in range(8):
        edit(repo, i)
        _, out = build(repo)
        assert "cache: removed" not in out
        states.append(referenced(repo))
    assert set(objects(repo)) == set().union(*states)
    # users' chunk, table and its chunk's 2 column parts (id; name), events' 2 parts that no
    # edit changes (id; user_id), then 8 of events' chunk, table and score column
    assert len(objects(repo)) == 4 + 2 + 8 * 3


def test_the_default_keeps_five_earlier_builds(repo):
    states = []
    for i in range(8):
        edit(repo, i)
        _, out = build(repo)
        states.append(referenced(repo))
    assert "cache: removed 3 files (" in out and "of builds before the last 5" in out
    assert set(objects(repo)) == set().union(*states[-6:])


@pytest.mark.parametrize("value", ["-1", "five", "2.5", "１"])
def test_a_bad_value_is_a_readable_error(repo, monkeypatch, capsys, value):
    from datagen.cli import main

    monkeypatch.setenv(generations.KEEP_VARIABLE, value)
    with pytest.raises(SystemExit) as info:
        main(["build", "-C", str(repo)])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert err.startswith(f"Error: DATAGEN_CACHE_KEEP={value!r}: ") and "'off'" in err
    assert not (repo / "build").exists()  # refused before anything was built


def test_an_object_newer_than_the_build_start_is_not_pruned(repo, monkeypatch):
    """A build beside this one made an object this one does not reference after this one began:
    it may need it yet. One made long before goes."""
    monkeypatch.setenv(generations.KEEP_VARIABLE, "0")
    cache = Cache(repo / "cache")
    cache.put("00aa" * 8, "copy", [b"old\n"], {"kind": "chunk"}, rows=1, key_digest=None)
    for p in (cache.path("00aa" * 8, "copy"), cache.meta_path("00aa" * 8, "copy")):
        os.utime(p, ns=(10**18, 10**18))  # 2001
    fill = pipeline.fill_cache

    def beside(*args, **kwargs):  # another build writes while this one runs
        cache.put("00bb" * 8, "copy", [b"new\n"], {"kind": "chunk"}, rows=1, key_digest=None)
        return fill(*args, **kwargs)

    monkeypatch.setattr(pipeline, "fill_cache", beside)
    _, out = build(repo)
    assert ("00bb" * 8, "copy") in objects(repo) and cache.valid("00bb" * 8, "copy")
    assert ("00aa" * 8, "copy") not in objects(repo)
    assert not cache.meta_path("00aa" * 8, "copy").exists()
    assert "cache: removed 1 files (4 bytes)" in out
    # the manual gc, run when no build is, removes it
    assert pipeline.gc(repo) == (1, 4)


def test_an_unchanged_build_neither_records_nor_lists_the_cache(repo, monkeypatch):
    """The full path with nothing changed writes no generation and prunes nothing (the last
    build's prune still holds); after a pruning build the no-op stamp answers as before."""
    from datagen import stamp

    build(repo)
    edit(repo, 1)
    _, out = build(repo)
    assert stamp.fresh(repo) == ["small: up to date"]  # the prune came before the stamp
    before = [p.name for p in gens(repo)]

    def listed(self):
        raise AssertionError("the cache was listed")

    monkeypatch.setattr(Cache, "entries", listed)
    report, out = build(repo)
    assert report.generated() == {} and out == "small: up to date\n"
    assert [p.name for p in gens(repo)] == before


def test_a_prune_that_fails_leaves_the_build_whole(repo, monkeypatch, capsys):
    def fails(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(generations, "prune", fails)
    report, out = build(repo)
    assert set(report.generated()["small"]) == {"public.users", "public.events"}
    assert "small: wrote build/small.sql" in out and (repo / "build" / "small.sql").exists()
    err = capsys.readouterr().err
    assert "cannot remove old cache objects" in err and "datagen gc --keep 5" in err
