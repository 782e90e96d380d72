"""Archives in the incremental build: ``outputs: [custom, directory, tar]`` build into ``build/``
from per-chunk compressed pieces in the cache, a leaf edit recompresses only that table's chunks,
the result equals a cold build and ``generate``, and the lock's archive digests are of what the
archives hold, so a zlib that deflates differently gives the same lock."""

from __future__ import annotations

import io
import shutil
import zlib
from pathlib import Path

import pytest
import yaml
from test_pipeline import ALL, FIXTURE, doit, edit, lock

import datagen
from datagen.api import generate_to_path
from datagen.pipeline import build as pipeline
from datagen.writers import deflate
from datagen.writers.pgdump import TERMINATOR

OUTPUTS = ["copy", "custom", "directory", "tar"]
FILES = {"copy": "five.sql", "custom": "five.dump", "directory": "five.dir", "tar": "five.tar"}


def make_repo(path: Path, outputs: list[str] = OUTPUTS) -> Path:
    (path / "datasets").mkdir(parents=True)
    spec = yaml.safe_load(FIXTURE.read_text())
    spec["outputs"] = outputs
    (path / "datasets" / "five.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def build(repo: Path, jobs: int = 1) -> dict[str, int]:
    return pipeline.build(repo, jobs=jobs, out=io.StringIO()).generated().get("five", {})


def contents(repo: Path) -> dict[str, dict[str, bytes]]:
    """Every output's bytes: a file's, or each file of a directory archive."""
    out = {}
    for fmt, name in FILES.items():
        path = repo / "build" / name
        if path.is_dir():
            out[fmt] = {p.name: p.read_bytes() for p in sorted(path.iterdir())}
        elif path.exists():
            out[fmt] = {"": path.read_bytes()}
    return out


@pytest.fixture
def compressions(monkeypatch):
    """Counts the chunks deflated (the ``\\.`` ending each archive's table is not a chunk)."""
    counted: list[int] = []
    real = deflate.piece

    def counting(text: bytes, level: int) -> bytes:
        if text != TERMINATOR:
            counted.append(len(text))
        return real(text, level)

    monkeypatch.setattr(deflate, "piece", counting)
    return counted


@pytest.fixture(scope="module")
def cold(tmp_path_factory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("cold"))
    build(repo)
    return repo


def test_a_leaf_edit_recompresses_only_that_table(tmp_path, cold, compressions):
    repo = make_repo(tmp_path / "r", ["custom"])
    assert build(repo) == {q: (3 if q == "public.orders" else 1) for q in ALL}
    assert len(compressions) == 7  # every chunk once, for the custom archive
    compressions.clear()
    assert build(repo) == {}
    assert compressions == []

    def leaf(t, s):
        t["reviews"]["columns"][4]["null_rate"] = 0.2

    edit(repo, leaf)
    assert build(repo) == {"public.reviews": 1}
    assert len(compressions) == 1  # reviews' one chunk; the others' pieces are re-stitched

    fresh = make_repo(tmp_path / "fresh", ["custom"])
    (fresh / "datasets" / "five.yaml").write_text((repo / "datasets" / "five.yaml").read_text())
    build(fresh)
    assert contents(repo) == contents(fresh)
    assert lock(repo) == lock(fresh)


def test_copy_and_custom_generate_each_chunk_once(tmp_path, compressions, monkeypatch):
    """A dataset built as both COPY text and an archive deflates the cached COPY text: no chunk
    is generated twice."""
    from datagen.pipeline import jobs

    generated: list[int] = []

    def counting(real):
        def run(plan, start, stop, *names):
            generated.append(start)
            return real(plan, start, stop, *names)

        return run

    for name in ("generate_chunk", "generate_columns"):  # whole, or some columns of it
        monkeypatch.setattr(jobs, name, counting(getattr(jobs, name)))
    repo = make_repo(tmp_path / "r", ["copy", "custom", "tar"])
    build(repo)
    assert len(generated) == 7 and len(compressions) == 7
    fresh = make_repo(tmp_path / "fresh", ["custom"])
    build(fresh)
    assert (repo / "build" / "five.dump").read_bytes() == (
        fresh / "build" / "five.dump"
    ).read_bytes()


def test_build_equals_generate_and_every_job_count(tmp_path, cold):
    ds = datagen.compile_spec(cold / "datasets" / "five.yaml")
    for fmt, name in FILES.items():
        generate_to_path(ds, str(tmp_path / name), fmt)
        built = cold / "build" / name
        if built.is_dir():
            assert sorted(p.name for p in built.iterdir()) == sorted(
                p.name for p in (tmp_path / name).iterdir()
            )
            for p in built.iterdir():
                assert p.read_bytes() == (tmp_path / name / p.name).read_bytes(), (fmt, p.name)
        else:
            assert built.read_bytes() == (tmp_path / name).read_bytes(), fmt
    two = make_repo(tmp_path / "two")
    build(two, jobs=2)
    assert contents(two) == contents(cold)
    assert lock(two) == lock(cold)


def test_the_lock_does_not_depend_on_the_zlib_build(tmp_path, cold, monkeypatch):
    """Another deflate (zlib-ng's bytes differ from zlib's) gives other archive bytes and the
    same lock: the lock records what an archive holds."""
    real = deflate.piece

    def other_deflate(text: bytes, level: int) -> bytes:
        comp = zlib.compressobj(level, zlib.DEFLATED, -15, 9, zlib.Z_FILTERED)
        body = comp.compress(text) + comp.flush(zlib.Z_FULL_FLUSH)
        return real(text, level)[: deflate.HEAD.size] + body

    monkeypatch.setattr(deflate, "piece", other_deflate)
    repo = make_repo(tmp_path / "ng")
    build(repo)
    assert contents(repo)["custom"] != contents(cold)["custom"]
    assert contents(repo)["directory"] != contents(cold)["directory"]
    assert contents(repo)["tar"] == contents(cold)["tar"]  # never compressed
    assert lock(repo) == lock(cold)
    locked = lock(repo)["outputs"]
    assert set(locked) == set(OUTPUTS)
    # what an archive holds is the COPY text plus its table of contents
    assert locked["custom"]["bytes"] > locked["copy"]["bytes"] - 5000
    monkeypatch.undo()  # verify here, with this zlib, reads the other zlib's archives back
    shutil.rmtree(repo / "cache" / "outputs")  # not from the build's own records
    assert pipeline.verify(repo) == []


def test_verify_and_build_catch_a_changed_archive(tmp_path):
    repo = make_repo(tmp_path / "r")
    build(repo)
    assert pipeline.verify(repo) == []
    dump = repo / "build" / "five.dump"
    dump.write_bytes(dump.read_bytes()[:-1] + b"\x01")
    part = next((repo / "build" / "five.dir").glob("*.dat.gz"))
    part.write_bytes(part.read_bytes() + b"junk")
    tar = repo / "build" / "five.tar"
    data = tar.read_bytes()
    at = data.index(b"\\.\n\n\n")  # the end of the first table's data: one row lost
    tar.write_bytes(data[: data.rindex(b"\n", 0, at - 1) + 1] + data[at:])
    problems = pipeline.verify(repo)
    assert len(problems) == 3, problems
    assert any(p.startswith("build/five.dump: ") for p in problems), problems
    assert any(p.startswith("build/five.dir: ") for p in problems), problems
    assert any(p.startswith("build/five.tar: ") for p in problems), problems
    assert all(p.endswith("run 'datagen build --deep five' to write it again") for p in problems)
    out = io.StringIO()
    pipeline.build(repo, out=out)
    assert "wrote build/five.dump, build/five.dir, build/five.tar" in out.getvalue()
    assert pipeline.verify(repo) == []


def test_removed_outputs_are_tidied(tmp_path):
    repo = make_repo(tmp_path / "r")
    build(repo)
    assert (repo / "build" / "five.dir" / "toc.dat").exists()
    spec = yaml.safe_load((repo / "datasets" / "five.yaml").read_text())
    spec["outputs"] = ["copy"]
    (repo / "datasets" / "five.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    build(repo)
    pipeline.gc(repo)
    assert sorted(p.name for p in (repo / "build").iterdir()) == ["five.sql"]
    shutil.rmtree(repo / "build")


def test_doit_clean_removes_a_directory_archive_whole(tmp_path):
    repo = make_repo(tmp_path / "r", ["directory"])
    (repo / "dodo.py").write_text("from datagen.dodo import *  # noqa: F403\n")
    build(repo)
    assert (repo / "build" / "five.dir" / "toc.dat").exists()
    r = doit(repo, "clean", "five:dump-directory")
    assert r.returncode == 0, r.stderr
    assert not (repo / "build" / "five.dir").exists()
    r = doit(repo)  # plain doit writes it again, the same
    assert r.returncode == 0, r.stderr
    assert pipeline.verify(repo) == []


def test_the_lock_does_not_depend_on_what_else_the_cache_holds(tmp_path):
    """A table's lock digest comes from the spec's own outputs: a cache that also holds the
    table's COPY text (from an earlier spec) gives the lock a cold build gives."""
    warm = make_repo(tmp_path / "warm", ["copy"])
    build(warm)
    spec = yaml.safe_load((warm / "datasets" / "five.yaml").read_text())
    spec["outputs"] = ["sql"]
    (warm / "datasets" / "five.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    build(warm)
    cold = make_repo(tmp_path / "cold", ["sql"])
    build(cold)
    assert lock(warm) == lock(cold)


def test_verify_names_a_tar_that_lost_a_member(tmp_path):
    import tarfile

    repo = make_repo(tmp_path / "r", ["tar"])
    build(repo)
    path = repo / "build" / "five.tar"
    with tarfile.open(path) as tar:
        toc = tar.extractfile("toc.dat").read()  # type: ignore[union-attr]
    info = tarfile.TarInfo("toc.dat")
    info.size = len(toc)
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        tar.addfile(info, io.BytesIO(toc))
    (problem,) = pipeline.verify(repo)
    assert problem.startswith("build/five.tar: not the archive datasets/five.lock.json describes")
    assert "cannot be read" in problem and problem.endswith("to write it again")
