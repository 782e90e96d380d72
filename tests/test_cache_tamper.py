"""An honest cache: every tampering with the cache, a lock, a dump or doit's database is caught by
``build`` (repaired, with a warning), ``check`` or ``verify`` as docs/repository.md says, and never
gives a traceback. Plus the inputs a key must cover and the repository-level cases (two datasets
sharing tables, two spec files for one stem, gc of removed datasets)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from datagen.errors import PlanError
from datagen.pipeline import build as pipeline
from datagen.pipeline.cache import Cache

SPEC = """\
version: 1
name: tiny
seed: 3
enums:
  mood: [happy, sad]
tables:
  - name: users
    rows: 50
    columns:
      - {name: id, type: bigserial, primary_key: true}
      - {name: email, type: text}
  - name: posts
    rows: 80
    columns:
      - {name: id, type: bigserial, primary_key: true}
      - {name: user_id, type: bigint, references: users.id}
      - {name: body, type: text}
"""


def make_repo(path: Path, text: str = SPEC, stem: str = "tiny") -> Path:
    (path / "datasets").mkdir(parents=True)
    (path / "datasets" / f"{stem}.yaml").write_text(text)
    (path / "dodo.py").write_text("from datagen.dodo import *  # noqa: F403\n")
    return path


def build(repo: Path) -> dict[str, dict[str, int]]:
    return pipeline.build(repo, out=io.StringIO()).generated()


def lock_path(repo: Path, stem: str = "tiny") -> Path:
    return repo / "datasets" / f"{stem}.lock.json"


def lock(repo: Path, stem: str = "tiny") -> dict:
    return json.loads(lock_path(repo, stem).read_text())


def keys(repo: Path) -> dict[str, str]:
    """table -> the key of its only chunk, from the cache's table manifests."""
    cache = Cache(repo / "cache")
    out = {}
    for q, t in lock(repo)["tables"].items():
        meta = cache.meta(t["input_key"], "table")
        assert meta is not None
        out[q] = meta["manifest"]["chunks"][0]
    return out


def doit(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "doit", *args], cwd=repo, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("clean"))
    build(repo)
    return repo


@pytest.fixture
def repo(tmp_path, clean) -> Path:
    """A built copy of the clean repository (its own cache and build/)."""
    r = tmp_path / "r"
    shutil.copytree(clean, r, ignore=shutil.ignore_patterns("doit.sqlite3"))
    return r


def same_as_clean(repo: Path, clean: Path) -> None:
    assert (repo / "build" / "tiny.sql").read_bytes() == (clean / "build" / "tiny.sql").read_bytes()
    assert lock(repo) == lock(clean)
    assert pipeline.check(repo) == []


# ---- cache objects and metas -------------------------------------------------------------------


@pytest.mark.parametrize("what", ["object and meta", "meta only"])
def test_swapped_objects_are_a_miss_and_rebuilt(repo, clean, what, capsys):
    cache = Cache(repo / "cache")
    k = keys(repo)
    users, posts = k["public.users"], k["public.posts"]
    if what == "object and meta":
        shutil.copyfile(cache.path(users, "copy"), cache.path(posts, "copy"))
    shutil.copyfile(cache.meta_path(users, "copy"), cache.meta_path(posts, "copy"))
    assert not cache.valid(posts, "copy")
    (repo / "build" / "tiny.sql").unlink()  # the dump must be made from the chunks again
    assert build(repo) == {"tiny": {"public.posts": 1}}
    assert "names another object" in capsys.readouterr().err
    same_as_clean(repo, clean)
    assert cache.valid(posts, "copy", deep=True)


MALFORMED = {
    "garbage bytes": b"\xff\xfe\x00garbage",
    "empty file": b"",
    "JSON list": b"[1, 2, 3]",
    "JSON null": b"null",
}


def _edited(meta: dict, change: str) -> bytes:
    if change == "missing size":
        del meta["size"]
    elif change == "mistyped size":
        meta["size"] = "12"
    elif change == "missing manifest field":
        meta.get("manifest", meta).pop("encodings", None)
        meta.pop("rows", None)
    return json.dumps(meta).encode()


@pytest.mark.parametrize("kind", ["copy", "table"])
@pytest.mark.parametrize(
    "change", [*MALFORMED, "missing size", "mistyped size", "missing manifest field"]
)
def test_malformed_metas_are_misses_repaired_with_a_warning(repo, clean, kind, change, capsys):
    cache = Cache(repo / "cache")
    key = keys(repo)["public.posts"] if kind == "copy" else lock(repo)["tables"]["public.posts"]
    key = key if isinstance(key, str) else key["input_key"]
    path = cache.meta_path(key, kind)
    data = MALFORMED.get(change)
    path.write_bytes(data if data is not None else _edited(json.loads(path.read_text()), change))
    assert cache.meta(key, kind) is None and not cache.valid(key, kind)
    assert pipeline.check(repo) == []  # the lock still matches the spec
    assert any("public.posts: rebuild" in line for line in pipeline.plan(repo))
    generated = build(repo)
    assert generated == ({"tiny": {"public.posts": 1}} if kind == "copy" else {})
    err = capsys.readouterr().err
    assert "warning:" in err and "malformed" in err and "Traceback" not in err
    assert cache.valid(key, kind)
    same_as_clean(repo, clean)


@pytest.mark.parametrize("data", [*MALFORMED.values(), b'{"file": 3}'])
def test_malformed_output_meta_rewrites_the_dump(repo, clean, data, capsys):
    (repo / "cache" / "outputs" / "tiny.copy.json").write_bytes(data)
    (repo / "build" / "tiny.sql").write_text("stale\n")
    build(repo)
    assert "Traceback" not in capsys.readouterr().err
    same_as_clean(repo, clean)


def test_damaged_doit_database_is_recreated(repo, clean, capsys):
    db = repo / "cache" / "doit.sqlite3"
    build(repo)
    assert db.exists()
    db.write_bytes(b"this is not a sqlite database" * 100)
    build(repo)
    err = capsys.readouterr().err
    assert "doit.sqlite3 is not a database doit can read" in err
    same_as_clean(repo, clean)
    db.write_bytes(b"\x00" * 4096)
    r = doit(repo)  # plain doit: its dodo.py repairs the database before doit opens it
    assert r.returncode == 0, r.stderr
    assert "not a database doit can read" in r.stderr and "Traceback" not in r.stderr


# ---- locks ------------------------------------------------------------------------------------


def _edit_lock(repo: Path, fn) -> None:
    doc = lock(repo)
    fn(doc)
    lock_path(repo).write_text(json.dumps(doc))


EDITS = {
    "dataset": (lambda d: d.update(dataset="other"), "dataset is 'other', the spec says 'tiny'"),
    "spec": (lambda d: d.update(spec="x.yaml"), "spec is 'x.yaml', the spec says 'tiny.yaml'"),
    "chunk_rows": (lambda d: d.update(chunk_rows=10), "chunk_rows is 10"),
    "versions": (lambda d: d["versions"].update(datagen="0.0.1"), "written by"),
    "input_key": (
        lambda d: d["tables"]["public.users"].update(input_key="0" * 32),
        "table public.users: the spec changed since the lock was written",
    ),
    "rows": (lambda d: d["tables"]["public.users"].update(rows=7), "rows is 7, the spec says 50"),
    "table added": (
        lambda d: d["tables"].update({"public.x": d["tables"]["public.users"]}),
        "table public.x is no longer in the spec",
    ),
    "table removed": (
        lambda d: d["tables"].pop("public.users"),
        "table public.users is not in the lock",
    ),
    "output file": (
        lambda d: d["outputs"]["copy"].update(file="build/evil.sql"),
        "output copy: file is 'build/evil.sql', the spec writes 'build/tiny.sql'",
    ),
    "output added": (
        lambda d: d["outputs"].update(sql=d["outputs"]["copy"]),
        "outputs differ from the spec's",
    ),
}


@pytest.mark.parametrize("field", list(EDITS))
def test_check_catches_every_edited_lock_field(repo, clean, field):
    fn, message = EDITS[field]
    _edit_lock(repo, fn)
    problems = pipeline.check(repo)
    assert len(problems) == 1 and message in problems[0], problems
    assert problems[0].startswith("datasets/tiny.lock.json: ")
    assert pipeline.plan(repo)[-1] == "tiny: write datasets/tiny.lock.json"
    build(repo)
    same_as_clean(repo, clean)


@pytest.mark.parametrize(
    "field", ["tables.public.users.digest", "tables.public.posts.key_digest", "outputs.copy.bytes"]
)
def test_verify_catches_edited_digests(repo, field):
    def fn(d):
        *path, last = field.replace("public.", "public:").split(".")
        for p in path:
            d = d[p.replace(":", ".")]
        d[last] = d[last] + 1 if isinstance(d[last], int) else "0" * 32

    _edit_lock(repo, fn)
    assert pipeline.check(repo) == []  # not knowable without generating
    problems = pipeline.verify(repo)
    assert problems and all("Traceback" not in p for p in problems)
    assert any("differs" in p for p in problems)


MALFORMED_LOCKS = {
    "garbage": b"\xff\xfe garbage",
    "empty": b"",
    "list": b"[]",
    "missing field": None,
    "mistyped rows": None,
    "extra field": None,
}


@pytest.mark.parametrize("case", list(MALFORMED_LOCKS))
def test_malformed_lock_is_one_problem_and_rewritten(repo, clean, case, capsys):
    data = MALFORMED_LOCKS[case]
    if data is not None:
        lock_path(repo).write_bytes(data)
    else:
        doc = lock(repo)
        if case == "missing field":
            del doc["outputs"]["copy"]["digest"]
        elif case == "mistyped rows":
            doc["tables"]["public.posts"]["rows"] = "80"
        else:
            doc["time"] = "now"
        lock_path(repo).write_text(json.dumps(doc))
    problems = pipeline.check(repo)
    assert len(problems) == 1 and problems[0].startswith("datasets/tiny.lock.json: malformed ")
    assert "run 'datagen build tiny' to rewrite it" in problems[0]
    assert pipeline.plan(repo) == ["tiny: write datasets/tiny.lock.json"]
    assert pipeline.verify(repo) == problems
    build(repo)
    same_as_clean(repo, clean)
    assert "Traceback" not in capsys.readouterr().err


def test_cli_reports_a_malformed_lock_in_one_line(repo, capsys):
    from datagen.cli import main

    lock_path(repo).write_text("{")
    with pytest.raises(SystemExit) as info:
        main(["check", "-C", str(repo)])
    err = capsys.readouterr().err
    assert info.value.code == 1 and err.count("\n") == 1 and "malformed (not JSON" in err


# ---- dumps in build/ --------------------------------------------------------------------------


def test_verify_hashes_the_dumps_in_build(repo, clean):
    dump = repo / "build" / "tiny.sql"
    with dump.open("a") as fh:
        fh.write("DROP SCHEMA public CASCADE;\n")
    assert pipeline.check(repo) == []  # check never reads build/
    problems = pipeline.verify(repo)
    assert problems == [
        "build/tiny.sql: differs from datasets/tiny.lock.json (size or digest); "
        "run 'datagen build --deep tiny' to write it again"
    ]
    assert pipeline.plan(repo)[0] == "tiny: write build/tiny.sql"
    build(repo)
    same_as_clean(repo, clean)
    assert pipeline.verify(repo) == []
    dump.unlink()  # a dump not built here is nothing to ship: not a problem
    assert pipeline.verify(repo) == []


# ---- inputs in the keys -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "enums",
    ["  mood: [happy, sad, meh]", "  mood: [sad, happy]", "  mood: [happy]", ""],
    ids=["added label", "reordered", "removed label", "removed enum"],
)
def test_unused_enums_reach_every_key_and_the_dump(repo, clean, enums):
    spec = repo / "datasets" / "tiny.yaml"
    text = SPEC.replace("  mood: [happy, sad]", enums)
    if not enums:
        text = text.replace("enums:\n\n", "")
    spec.write_text(text)
    problems = pipeline.check(repo)
    assert len(problems) == 3 and "the dump's DDL changed" in problems[0]
    assert all("the spec changed" in p for p in problems[1:])  # both tables' keys
    lines = pipeline.plan(repo)
    assert "tiny: public.users: rebuild, 0 of 1 chunks to generate (DDL changed" in lines[0]
    assert lines[-2:] == ["tiny: write build/tiny.sql", "tiny: write datasets/tiny.lock.json"]
    assert build(repo) == {}  # no chunk: the data is the same
    dump = (repo / "build" / "tiny.sql").read_text()
    assert dump != (clean / "build" / "tiny.sql").read_text()
    assert ("CREATE TYPE public.mood" in dump) == bool(enums)
    assert pipeline.check(repo) == [] and pipeline.verify(repo) == []


def test_a_new_unique_column_gets_its_key_digest(repo):
    """Which columns are keys is DDL, but the key digest a chunk's meta holds depends on it."""
    spec = repo / "datasets" / "tiny.yaml"
    spec.write_text(
        SPEC.replace("{name: email, type: text}", "{name: email, type: text, unique: true}")
    )
    build(repo)
    assert pipeline.verify(repo) == []


# ---- repositories -----------------------------------------------------------------------------


def test_two_datasets_sharing_tables_build_once(tmp_path, clean):
    repo = make_repo(tmp_path / "r")
    small = SPEC.replace("name: tiny", "name: tiny_small").replace("rows: 80", "rows: 20")
    (repo / "datasets" / "tiny_small.yaml").write_text(small)
    generated = build(repo)
    assert generated == {
        "tiny": {"public.users": 1, "public.posts": 1},
        "tiny_small": {"public.posts": 1},
    }
    assert (
        lock(repo)["tables"]["public.users"] == lock(repo, "tiny_small")["tables"]["public.users"]
    )
    assert (repo / "build" / "tiny.sql").read_bytes() == (clean / "build" / "tiny.sql").read_bytes()
    assert pipeline.check(repo) == [] and pipeline.verify(repo) == []
    assert build(repo) == {}

    copy = make_repo(tmp_path / "d")
    (copy / "datasets" / "tiny_small.yaml").write_text(small)
    r = doit(copy)
    assert r.returncode == 0, r.stdout + r.stderr
    assert lock(copy) == lock(repo) and lock(copy, "tiny_small") == lock(repo, "tiny_small")
    r = doit(copy, "tiny_small")  # one of them alone
    assert r.returncode == 0, r.stdout + r.stderr


def test_shared_table_with_other_outputs(tmp_path):
    repo = make_repo(tmp_path / "r")
    both = SPEC.replace("name: tiny", "name: both\noutputs: [copy, sql]")
    (repo / "datasets" / "both.yaml").write_text(both)
    build(repo)
    assert pipeline.verify(repo) == []
    pipeline.build(repo, ["both"], out=io.StringIO())
    assert pipeline.check(repo) == [] and pipeline.verify(repo) == []
    assert (repo / "build" / "both.inserts.sql").exists()


def test_two_spec_files_for_one_stem_are_one_clear_error(tmp_path):
    repo = make_repo(tmp_path / "r")
    (repo / "datasets" / "tiny.json").write_text("{}")
    message = "datasets/tiny.json and datasets/tiny.yaml both define dataset 'tiny'"
    for verb in (pipeline.build, pipeline.check, pipeline.plan, pipeline.verify, pipeline.gc):
        with pytest.raises(PlanError, match=message):
            verb(repo)
    r = doit(repo)
    assert r.returncode != 0 and message in r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr


def test_gc_removes_outputs_of_removed_and_renamed_datasets(tmp_path):
    repo = make_repo(tmp_path / "r")
    (repo / "datasets" / "other.yaml").write_text(SPEC.replace("name: tiny", "name: other"))
    build(repo)
    assert (repo / "build" / "other.sql").exists()
    (repo / "datasets" / "other.yaml").unlink()
    spec = repo / "datasets" / "tiny.yaml"
    spec.write_text(SPEC.replace("name: tiny", "name: renamed"))
    build(repo)
    assert (repo / "build" / "tiny.sql").exists()  # until gc
    (repo / "build" / "notes.txt").write_text("mine")
    files, size = pipeline.gc(repo)
    assert files >= 3 and size > 0
    assert sorted(p.name for p in (repo / "build").iterdir()) == ["notes.txt", "renamed.sql"]
    assert sorted(p.name for p in (repo / "cache" / "outputs").iterdir()) == ["tiny.copy.json"]
    assert build(repo) == {} and pipeline.verify(repo) == []
