"""The shared cache (datagen/pipeline/store.py): ``build --cache LOCATION`` on a local folder and
on an S3-compatible server, moto's standalone server (``python -m moto.server``), started here
as the stand-in for S3.

A build publishes each chunk it makes; a build in another repository copies them instead of
making them, to the same bytes as a build without a shared cache; two writers of one object (two
processes publishing it at once, and two whole builds at once) leave it whole; a damaged or
half-present object is made again and published over; errors are one readable line.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import distributed
import fsspec
import pytest

from datagen import stamp
from datagen.errors import CacheError, UsageError
from datagen.pipeline import build as pipeline
from datagen.pipeline.cache import Cache
from datagen.pipeline.store import SharedCache, shared

ROOT = Path(__file__).resolve().parent.parent
SPEC = (ROOT / "bench" / "users.yaml").read_text().replace("rows: 1000000", "rows: 140000")
S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3():
    """moto's S3 server in its own process; the environment points boto (and so s3fs, and
    every process started from here: Dask workers, doit) at it. Yields a bucket's URL."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with pytest.MonkeyPatch.context() as mp:
        for k, v in {**S3_ENV, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}.items():
            mp.setenv(k, v)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "moto's server did not start"
                time.sleep(0.1)
        fs = fsspec.filesystem("s3", skip_instance_cache=True)
        fs.mkdir("fixtures")
        yield "s3://fixtures"
    server.terminate()
    server.wait(10)


@pytest.fixture(params=["folder", "s3"])
def where(request, tmp_path):
    """A fresh shared cache: a folder, or a prefix of the moto bucket."""
    if request.param == "folder":
        return str(tmp_path / "shared")
    return f"{request.getfixturevalue('s3')}/{request.node.name.replace('[', '-')[:-1]}"


def repo(path: Path, spec: str = SPEC) -> Path:
    (path / "datasets").mkdir(parents=True)
    (path / "datasets" / "users.yaml").write_text(spec)
    return path


def outputs(r: Path) -> dict[str, bytes]:
    files = sorted((r / "build").iterdir()) + sorted((r / "datasets").glob("*.lock.json"))
    return {p.name: p.read_bytes() for p in files}


def stored(where: str) -> dict[str, bytes]:
    """Every file under the shared cache: name -> bytes."""
    fs, root = fsspec.core.url_to_fs(where)
    return {p[len(root) :]: fs.cat_file(p) for p in fs.find(root)}


def test_a_build_publishes_and_another_repository_copies(tmp_path, where):
    plain = repo(tmp_path / "plain")
    pipeline.build(plain, out=io.StringIO())
    first, out = repo(tmp_path / "first"), io.StringIO()
    pipeline.build(first, out=out, cache=where, jobs=2)  # forked workers: clients of their own
    assert "users: generated public.users (3 of 3 chunks)" in out.getvalue()
    files = stored(where)
    assert (
        sorted(n.rsplit("/", 1)[1].split(".", 1)[1] for n in files)
        == ["copy"] * 3 + ["copy.meta.json"] * 3
    )
    assert not [n for n in files if n.rsplit("/", 1)[1].startswith(".")]  # no temporary left
    second, out = repo(tmp_path / "second"), io.StringIO()
    report = pipeline.build(second, out=out, cache=where, jobs=2)
    assert report.generated() == {}
    assert "users: copied from the shared cache public.users (3 of 3 chunks)" in out.getvalue()
    assert outputs(second) == outputs(first) == outputs(plain)
    assert pipeline.verify(second) == []


def test_the_environment_names_the_shared_cache_and_plain_doit_uses_it(tmp_path, where):
    first = repo(tmp_path / "first")
    (first / "dodo.py").write_text("from datagen.dodo import *  # noqa: F403\n")
    env = {**os.environ, "DATAGEN_CACHE": where}
    r = subprocess.run(
        [sys.executable, "-m", "doit"], cwd=first, env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(stored(where)) == 6
    second = repo(tmp_path / "second")
    r = subprocess.run(
        [sys.executable, "-m", "datagen", "build", "-C", str(second)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert "copied from the shared cache public.users (3 of 3 chunks)" in r.stdout
    assert outputs(second) == outputs(first)


def _publish(where: str, cache_dir: str, keys: list[str], start, done) -> None:
    """A writer process: publishes each of ``keys`` when the barrier lets it go."""
    there = SharedCache(where)  # a process of its own: its own client
    cache = Cache(cache_dir)
    for key in keys:
        meta = cache.meta(key, "copy")
        start.wait()
        done.put(there.publish(cache, key, "copy", meta, required=True) is None)


def test_two_writers_of_one_object_at_once_leave_it_whole(tmp_path, where):
    """Two processes publish the same object at the same moment, 12 objects over, while this
    one reads it: every read finds it whole (or not there yet), never a meta before its object
    nor bytes half-written; afterwards it is whole, with no temporary file left."""
    cache = Cache(tmp_path / "cache")
    keys, metas, datas = [], [], []
    for i in range(12):
        keys.append(f"{i:02x}" + "ab" * 15)
        datas.append(os.urandom(3_000_000 + i))
        metas.append(cache.put(keys[-1], "copy", [datas[-1]], {"i": i}, rows=1, key_digest=None))
    ctx = multiprocessing.get_context("spawn")
    start, done = ctx.Barrier(3), ctx.Queue()
    writers = [
        ctx.Process(target=_publish, args=(where, str(cache.root), keys, start, done))
        for _ in range(2)
    ]
    for w in writers:
        w.start()
    reader, reads = SharedCache(where), 0
    for i, key in enumerate(keys):
        start.wait(120)
        finished = 0
        while True:
            got = reader.fetch(Cache(tmp_path / f"reader{reads}"), key, "copy")
            reads += 1
            assert not reader.damaged, "a reader found a meta before its whole object"
            assert got is None or got["digest"] == metas[i]["digest"]
            if finished == 2:
                break
            while not done.empty():
                assert done.get() is True
                finished += 1
        assert got is not None
        assert Cache(tmp_path / f"reader{reads - 1}").read(key, "copy") == datas[i]
    for w in writers:
        w.join(60)
        assert w.exitcode == 0
    assert reads > 2 * len(keys)  # the reads overlapped the writes
    assert not [n for n in stored(where) if n.rsplit("/", 1)[1].startswith(".")]


def test_two_builds_at_once_into_one_empty_shared_cache(tmp_path, where):
    repos = [repo(tmp_path / f"r{i}") for i in range(2)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "datagen", "build", "-C", str(r), "--cache", where],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r in repos
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert outputs(repos[0]) == outputs(repos[1])
    third, out = repo(tmp_path / "third"), io.StringIO()
    pipeline.build(third, out=out, cache=where)
    assert "copied from the shared cache public.users (3 of 3 chunks)" in out.getvalue()
    assert outputs(third) == outputs(repos[0])


def _objects(where: str) -> list[str]:
    fs, root = fsspec.core.url_to_fs(where)
    return sorted(p for p in fs.find(root) if p.endswith(".copy"))


@pytest.mark.parametrize("damage", ["bytes", "meta", "object gone"])
def test_a_damaged_shared_object_is_made_again_and_published_over(tmp_path, where, damage, capfd):
    first = repo(tmp_path / "first")
    pipeline.build(first, out=io.StringIO(), cache=where)
    fs, _ = fsspec.core.url_to_fs(where)
    victim = _objects(where)[1]
    whole = fs.cat_file(victim)
    if damage == "bytes":  # same size, other bytes
        fs.pipe_file(victim, whole[:100] + bytes([whole[100] ^ 1]) + whole[101:])
    elif damage == "meta":
        fs.pipe_file(victim + ".meta.json", b'{"key": "not this one"')
    else:
        fs.rm_file(victim)
    second, out = repo(tmp_path / "second"), io.StringIO()
    pipeline.build(second, out=out, cache=where)
    assert "generated public.users (1 of 3 chunks)" in out.getvalue()
    assert "copied from the shared cache public.users (2 of 3 chunks)" in out.getvalue()
    if damage != "object gone":
        assert "datagen: warning:" in capfd.readouterr().err
    assert outputs(second) == outputs(first)
    assert fs.cat_file(victim) == whole  # published over: the next build copies it
    meta = json.loads(fs.cat_file(victim + ".meta.json"))
    assert meta["size"] == len(whole)
    third, out = repo(tmp_path / "third"), io.StringIO()
    pipeline.build(third, out=out, cache=where)
    assert "copied from the shared cache public.users (3 of 3 chunks)" in out.getvalue()


def test_verify_makes_everything_again_whatever_the_shared_cache_says(tmp_path, monkeypatch):
    """A shared object whose bytes and meta were both replaced (a consistent lie) is copied as
    the local cache's would be; `verify` regenerates apart from any cache, and finds it."""
    where = str(tmp_path / "shared")
    first = repo(tmp_path / "first")
    pipeline.build(first, out=io.StringIO(), cache=where)
    victim = _objects(where)[0]
    meta = json.loads(Path(victim + ".meta.json").read_text())
    lie = Path(victim).read_bytes().replace(b"\t", b" ", 1)
    Cache(tmp_path / "liar").put(meta["key"], "copy", [lie], meta["document"], rows=meta["rows"],
                                 key_digest=meta["key_digest"])  # fmt: skip
    liar = Cache(tmp_path / "liar")
    Path(victim).write_bytes(lie)
    Path(victim + ".meta.json").write_bytes(liar.meta_path(meta["key"], "copy").read_bytes())
    second = repo(tmp_path / "second")
    monkeypatch.setenv("DATAGEN_CACHE", where)
    pipeline.build(second, out=io.StringIO())
    problems = pipeline.verify(second)
    assert problems and any("users" in p for p in problems)


def test_workers_that_cannot_see_cache_publish_and_the_client_copies(tmp_path, s3, monkeypatch):
    """DATAGEN_WORKER_SCRATCH: the workers make chunks in folders of their own (as on other
    machines) and publish them to S3; the build's cache/ gets them from there."""
    monkeypatch.setenv("DATAGEN_WORKER_SCRATCH", "1")  # before the workers start: inherited
    where = f"{s3}/dask"
    plain = repo(tmp_path / "plain", SPEC.replace("seed: 1", "seed: 5"))
    pipeline.build(plain, out=io.StringIO())
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        r, out = repo(tmp_path / "dask", SPEC.replace("seed: 1", "seed: 5")), io.StringIO()
        report = pipeline.build(r, out=out, scheduler=cluster.scheduler_address, cache=where)
        assert report.generated() == {"users": {"public.users": 3}}
        assert outputs(r) == outputs(plain)
        assert len(_objects(where)) == 3
        # without a shared cache, chunks made where the client cannot see them fail the build
        other = repo(tmp_path / "other", SPEC.replace("seed: 1", "seed: 6"))
        with pytest.raises(Exception, match="publish to a shared cache"):
            pipeline.build(other, out=io.StringIO(), scheduler=cluster.scheduler_address)


def test_a_write_that_fails_midway_publishes_nothing(tmp_path, monkeypatch):
    cache = Cache(tmp_path / "cache")
    meta = cache.put("cd" * 16, "copy", [b"x" * 1000], {}, rows=1, key_digest=None)
    there = SharedCache(str(tmp_path / "shared"))

    def broken(src, dst, **kw):
        Path(dst).parent.mkdir(parents=True, exist_ok=True)
        Path(dst).write_bytes(b"x" * 10)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(there.fs, "put_file", broken)
    with pytest.raises(CacheError, match=r"cannot write .* No space left on device"):
        there.publish(cache, "cd" * 16, "copy", meta, required=True)
    assert "No space left" in there.publish(cache, "cd" * 16, "copy", meta)  # when not required
    left = sorted(p.relative_to(tmp_path) for p in (tmp_path / "shared").rglob("*"))
    assert left == [Path("shared/objects"), Path("shared/objects/cd")]  # folders, no file
    assert there.fetch(Cache(tmp_path / "other"), "cd" * 16, "copy") is None


def test_errors_are_one_readable_line(tmp_path, monkeypatch, s3):
    r = repo(tmp_path / "r", SPEC.replace("rows: 140000", "rows: 10"))

    def run(location: str, **env: str) -> tuple[int, str]:
        got = subprocess.run(
            [sys.executable, "-m", "datagen", "build", "-C", str(r), "--cache", location],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
        )
        assert got.stdout == "" and got.stderr.count("\n") == 1, got.stderr  # one line
        return got.returncode, got.stderr

    code, err = run("foo://x/y")
    assert code == 2 and "--cache foo://x/y: not a location fsspec knows" in err
    nobody = f"http://127.0.0.1:{_free_port()}"
    code, err = run("s3://fixtures/x", AWS_ENDPOINT_URL=nobody, AWS_MAX_ATTEMPTS="1")
    assert code == 1 and "Could not connect to the endpoint URL" in err
    assert "check the location and its credentials" in err
    assert not (r / "build").exists() or not list((r / "build").iterdir())  # nothing written
    monkeypatch.setitem(sys.modules, "fsspec", None)  # not installed
    shared.cache_clear()
    with pytest.raises(UsageError, match=r"pip install 'datagen\[store\]'"):
        pipeline.build(r, out=io.StringIO(), cache=str(tmp_path / "shared"))


def test_a_relative_folder_is_the_same_for_every_worker(tmp_path, monkeypatch):
    from datagen.locations import location

    monkeypatch.chdir(tmp_path)
    assert location("shared") == str(tmp_path / "shared")
    assert location("s3://b/p") == "s3://b/p"
    monkeypatch.setenv("DATAGEN_CACHE", "elsewhere")
    assert location(None) == str(tmp_path / "elsewhere")
    assert location(None, "/base") == "/base/elsewhere"


TWO = """\
version: 1
name: pub
seed: 3
outputs: [copy, directory]
tables:
  - name: a
    rows: ROWS
    columns:
      - {name: id, type: bigserial, primary_key: true}
      - {name: city, type: text}
  - name: b
    rows: 50
    columns:
      - {name: id, type: bigserial, primary_key: true}
      - {name: a_id, type: bigint, references: a.id}
"""


def test_publish_puts_the_dumps_at_a_location_and_only_what_changed(tmp_path, where):
    r = repo(tmp_path / "r", TWO.replace("ROWS", "100"))
    (r / "datasets" / "users.yaml").rename(r / "datasets" / "pub.yaml")
    fs, root = fsspec.core.url_to_fs(where)

    def published() -> dict[str, bytes]:
        return {p[len(root) + 1 :]: fs.cat_file(p) for p in fs.find(f"{root}/build")}

    def local() -> dict[str, bytes]:
        files = [p for p in (r / "build").rglob("*") if p.is_file()]
        return {p.relative_to(r).as_posix(): p.read_bytes() for p in files}

    out = io.StringIO()
    pipeline.build(r, out=out, publish=where)
    assert f"pub: published build/pub.sql, build/pub.dir to {where}" in out.getvalue()
    got = published()
    assert {k: v for k, v in got.items() if not k.endswith(".meta.json")} == local()
    assert "build/pub.dir/toc.dat" in got and "build/pub.dir.meta.json" in got
    out = io.StringIO()
    pipeline.build(r, out=out, publish=where)  # nothing changed: nothing put
    assert "published" not in out.getvalue() and published() == got
    (r / "datasets" / "pub.yaml").write_text(TWO.replace("ROWS", "120").split("  - name: b")[0])
    out = io.StringIO()
    pipeline.build(r, out=out, publish=where)
    assert "pub: published build/pub.sql, build/pub.dir" in out.getvalue()
    now = {k: v for k, v in published().items() if not k.endswith(".meta.json")}
    assert now == local() and now != got  # table b's file is gone from the archive there too
    # a no-op build with --publish still checks the location (a stamp does not vouch for it)
    fs.rm(f"{root}/build", recursive=True)
    r2 = subprocess.run(
        [sys.executable, "-m", "datagen", "build", "-C", str(r), "--publish", where],
        capture_output=True,
        text=True,
    )
    assert r2.returncode == 0, r2.stderr
    assert "published build/pub.sql, build/pub.dir" in r2.stdout


def test_an_interrupted_publish_of_a_dump_is_put_again(tmp_path, where, monkeypatch):
    r = repo(tmp_path / "r", TWO.replace("ROWS", "100"))
    (r / "datasets" / "users.yaml").rename(r / "datasets" / "pub.yaml")
    pipeline.build(r, out=io.StringIO(), publish=where)
    fs, root = fsspec.core.url_to_fs(where)
    v1 = fs.cat_file(f"{root}/build/pub.sql")
    (r / "datasets" / "pub.yaml").write_text(TWO.replace("ROWS", "110"))
    real, calls = SharedCache._put, []

    def dies_on_the_third_file(self, path, file, data, replace):
        calls.append(path)
        if len(calls) == 3:
            raise ConnectionResetError("the connection went away")
        return real(self, path, file, data, replace)

    monkeypatch.setattr(SharedCache, "_put", dies_on_the_third_file)
    with pytest.raises(CacheError, match=r"the dumps' location .* without --publish"):
        pipeline.build(r, out=io.StringIO(), publish=where)
    monkeypatch.setattr(SharedCache, "_put", real)
    assert fs.cat_file(f"{root}/build/pub.sql") != v1  # the new dump went out, its meta did not
    (r / "datasets" / "pub.yaml").write_text(TWO.replace("ROWS", "100"))  # back to v1
    out = io.StringIO()
    pipeline.build(r, out=out, publish=where)
    assert "pub: published build/pub.sql, build/pub.dir" in out.getvalue()
    assert fs.cat_file(f"{root}/build/pub.sql") == v1 == (r / "build" / "pub.sql").read_bytes()


def test_a_shared_cache_that_cannot_be_written_is_still_copied_from(tmp_path, where, capfd):
    """Read-only credentials: the build copies what is there, makes the rest here with one
    warning, keeps it in cache/, and a later build that can write publishes it."""
    first = repo(tmp_path / "first")
    pipeline.build(first, out=io.StringIO(), cache=where)
    fs, _ = fsspec.core.url_to_fs(where)
    victim = _objects(where)[2]
    fs.rm_file(victim + ".meta.json")  # one chunk missing there
    fs.rm_file(victim)
    real = SharedCache._put

    def refused(self, path, file, data, replace):
        raise PermissionError(13, "Access Denied")

    SharedCache._put = refused
    try:
        shared.cache_clear()
        second, out = repo(tmp_path / "second"), io.StringIO()
        pipeline.build(second, out=out, cache=where, jobs=2)  # workers fail, the build warns
    finally:
        SharedCache._put = real
        shared.cache_clear()
    assert "generated public.users (1 of 3 chunks)" in out.getvalue()
    assert "copied from the shared cache public.users (2 of 3 chunks)" in out.getvalue()
    err = capfd.readouterr().err
    assert err.count("Access Denied") == 1, err  # once, not once per worker
    assert "chunks made here are not published to the shared cache" in err
    assert outputs(second) == outputs(first)
    assert len(_objects(where)) == 2
    assert not (second / stamp.STAMP).exists()  # so the next build is not a no-op
    got = subprocess.run(
        [sys.executable, "-m", "datagen", "build", "-C", str(second), "--cache", where],
        capture_output=True,
        text=True,
    )
    assert f"cache: published 1 chunks of cache/ to {where}" in got.stdout, got.stderr
    assert len(_objects(where)) == 3


def test_chunks_made_before_the_shared_cache_are_published_and_the_stamp_knows(tmp_path, where):
    r = repo(tmp_path / "r")

    def build(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "datagen", "build", "-C", str(r), *args],
            capture_output=True,
            text=True,
        )

    assert build().returncode == 0  # writes the stamp: no shared cache
    got = build("--cache", where)  # the stamp does not answer for a shared cache
    assert got.returncode == 0, got.stderr
    assert got.stdout == f"users: up to date\ncache: published 3 chunks of cache/ to {where}\n"
    assert len(_objects(where)) == 3
    got = build("--cache", where)
    assert got.stdout == "users: up to date\n"
    got = build("--cache", "foo://elsewhere")  # another location: the full path, which refuses
    assert got.returncode == 2 and "not a location fsspec knows" in got.stderr


def test_a_killed_writers_temporary_file_is_removed_by_a_later_build(tmp_path):
    """A writer killed between write and rename (an hour ago) left its temporary file; the
    next publication of that object on this host removes it, not another host's."""
    from datagen.fileio import HOST

    where = tmp_path / "shared"
    pipeline.build(repo(tmp_path / "first"), out=io.StringIO(), cache=str(where))
    victim = Path(_objects(str(where))[0])
    victim.unlink()  # never published: the writer was killed before its rename
    Path(f"{victim}.meta.json").unlink()
    dead = victim.with_name(f".{victim.name}.{HOST}.999999999.0a1b2c3d.tmp")  # no such pid
    other = victim.with_name(f".{victim.name}.otherhost.12.0a1b2c3d.tmp")
    for p in (dead, other):
        p.write_bytes(b"half")
        os.utime(p, (time.time() - 7200, time.time() - 7200))
    second, out = repo(tmp_path / "second"), io.StringIO()
    pipeline.build(second, out=out, cache=str(where))
    assert "generated public.users (1 of 3 chunks)" in out.getvalue()
    assert victim.exists() and not dead.exists() and other.exists()


def test_the_repository_itself_is_refused(tmp_path):
    r = repo(tmp_path / "r", SPEC.replace("rows: 140000", "rows: 10"))
    with pytest.raises(UsageError, match="is the repository or its cache/"):
        pipeline.build(r, out=io.StringIO(), cache=str(r / "cache"))
    with pytest.raises(UsageError, match="that is the repository itself"):
        pipeline.build(r, out=io.StringIO(), publish=str(r))


def test_a_missing_bucket_is_a_warning_and_the_build_goes_on(tmp_path, s3):
    r = repo(tmp_path / "r", SPEC.replace("rows: 140000", "rows: 10"))
    got = subprocess.run(
        [sys.executable, "-m", "datagen", "build", "-C", str(r), "--cache", "s3://no-such/x"],
        capture_output=True,
        text=True,
    )
    assert got.returncode == 0, got.stderr
    assert "not published to the shared cache s3://no-such/x: cannot write no-such/x/" in got.stderr
    assert "The specified bucket does not exist" in got.stderr
    assert (r / "build" / "bench_users.sql").exists()


def test_a_filesystem_whose_put_takes_no_mode_still_publishes(tmp_path, monkeypatch):
    """fsspec's memory filesystem, its puts stripped of ``mode`` (as some backends' are)."""
    there = SharedCache("memory://no-mode")
    fs = there.fs
    real_put, real_pipe = fs.put_file, fs.pipe_file
    monkeypatch.setattr(fs, "put_file", lambda src, dst: real_put(src, dst))
    monkeypatch.setattr(fs, "pipe_file", lambda path, data: real_pipe(path, data))
    cache = Cache(tmp_path / "cache")
    meta = cache.put("ef" * 16, "copy", [b"1\tx\n"], {"d": 1}, rows=1, key_digest=None)
    assert there.publish(cache, "ef" * 16, "copy", meta, required=True) is None
    other = Cache(tmp_path / "other")
    assert there.fetch(other, "ef" * 16, "copy") is not None
    assert other.read("ef" * 16, "copy") == b"1\tx\n"


def test_a_build_with_all_it_needs_known_to_be_there_never_lists(tmp_path, where, monkeypatch):
    """cache/shared/ remembers what is in the shared cache: a fresh clone that copied all it
    needed, and a build after an edit, publish without listing the shared cache."""
    r = repo(tmp_path / "r")
    pipeline.build(r, out=io.StringIO(), cache=where)
    listed = []
    real = SharedCache.published
    monkeypatch.setattr(SharedCache, "published", lambda self: listed.append(1) or real(self))
    clone = repo(tmp_path / "clone")
    pipeline.build(clone, out=io.StringIO(), cache=where)  # copies all
    (r / "datasets" / "users.yaml").write_text(SPEC.replace("rows: 140000", "rows: 140001"))
    pipeline.build(r, out=io.StringIO(), cache=where)  # an edit: one chunk made and published
    assert listed == []
    (r / "datasets" / "users.yaml").write_text(SPEC)  # back: known, nothing listed
    pipeline.build(r, out=io.StringIO(), cache=where)
    assert listed == []
    shutil.rmtree(r / "cache" / "shared")  # forgotten: one listing finds them all there
    (r / "datasets" / "users.yaml").write_text(SPEC.replace("rows: 140000", "rows: 140001"))
    out = io.StringIO()
    pipeline.build(r, out=out, cache=where)
    assert listed == [1] and "cache: published" not in out.getvalue()


def test_an_unreachable_shared_cache_does_not_fail_a_build_that_needs_nothing_from_it(
    tmp_path, s3, capfd
):
    r = repo(tmp_path / "r", SPEC.replace("rows: 140000", "rows: 10"))
    pipeline.build(r, out=io.StringIO())  # all in cache/; the shared cache was never written
    env = {**os.environ, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{_free_port()}"}
    got = subprocess.run(
        [sys.executable, "-m", "datagen", "build", "-C", str(r), "--cache", "s3://fixtures/u"],
        env={**env, "AWS_MAX_ATTEMPTS": "1"},
        capture_output=True,
        text=True,
    )
    assert got.returncode == 0, got.stderr
    assert got.stdout == "users: up to date\n"
    assert "warning: chunks made here are not published" in got.stderr
    assert "cannot list fixtures/u/objects" in got.stderr
    assert not (r / stamp.STAMP).exists()


def test_publish_locations_are_checked_before_the_build_and_say_publish(tmp_path):
    r = repo(tmp_path / "r", SPEC.replace("rows: 140000", "rows: 10"))
    with pytest.raises(UsageError, match=r"--publish foo://x: not a location fsspec knows"):
        pipeline.build(r, out=io.StringIO(), publish="foo://x")
    assert not (r / "build").exists()  # refused before any work
    with pytest.raises(UsageError, match="is the repository or its cache/"):
        pipeline.build(r, out=io.StringIO(), cache=f"file://{r}/cache/")
    with pytest.raises(UsageError, match="that is the repository itself"):
        pipeline.build(r, out=io.StringIO(), publish=f"file://{r}")


def test_a_young_temporary_file_of_a_pid_unknown_here_is_kept(tmp_path):
    """Another pid namespace on this host (a container sharing its name): a pid not running
    here may be a live writer there; only a file older than an hour is removed."""
    from datagen.fileio import HOST

    where = tmp_path / "shared"
    pipeline.build(repo(tmp_path / "first"), out=io.StringIO(), cache=str(where))
    folder = Path(_objects(str(where))[0]).parent
    young = folder / f".{'cd' * 16}.copy.{HOST}.999999998.0a1b2c3d.tmp"
    young.write_bytes(b"being written")
    shared(str(where)).published()
    assert young.exists()


def test_check_answers_from_the_stamp_of_a_build_with_a_shared_cache(tmp_path):
    r = repo(tmp_path / "r", SPEC.replace("rows: 140000", "rows: 10"))
    pipeline.build(r, out=io.StringIO(), cache=str(tmp_path / "shared"))
    assert stamp.fresh(r, any_store=True) == ["users: up to date"]
    assert stamp.fresh(r) is None  # a build without the shared cache takes the full path
    assert stamp.fresh(r, str(tmp_path / "shared")) == ["users: up to date"]


def test_read_only_copies_and_never_publishes_nor_warns(tmp_path, where, monkeypatch, capfd):
    """DATAGEN_CACHE_READ_ONLY=1: a developer with read-only credentials copies what CI
    published, makes the rest here, and is neither warned nor slowed on every build."""
    first = repo(tmp_path / "first")
    pipeline.build(first, out=io.StringIO(), cache=where)
    monkeypatch.setenv("DATAGEN_CACHE_READ_ONLY", "1")
    monkeypatch.setattr(SharedCache, "_put", None)  # any write would fail loudly
    monkeypatch.setattr(SharedCache, "published", None)  # and so would any listing
    dev, out = repo(tmp_path / "dev", SPEC.replace("rows: 140000", "rows: 140001")), io.StringIO()
    pipeline.build(dev, out=out, cache=where)
    assert "copied from the shared cache public.users (2 of 3 chunks)" in out.getvalue()
    assert "generated public.users (1 of 3 chunks)" in out.getvalue()
    assert "warning" not in capfd.readouterr().err
    assert stamp.fresh(dev, stamp.stamp_key(where)) == ["users: up to date"]  # a fast no-op
    assert len(_objects(where)) == 3  # nothing published
    monkeypatch.undo()  # may write again: the stamp does not answer, the chunk goes out
    assert stamp.fresh(dev, stamp.stamp_key(where)) is None
    out = io.StringIO()
    pipeline.build(dev, out=out, cache=where)
    assert f"cache: published 1 chunks of cache/ to {where}" in out.getvalue()


def test_a_failed_publish_is_not_remembered_by_the_next_build_in_one_process(tmp_path, where):
    """A long-lived process (a Dask worker, a program calling build twice) publishes again
    once the shared cache can be written: the failure was the build's, not the process's."""
    r = repo(tmp_path / "r")
    real = SharedCache._put

    def refused(self, path, file, data, replace):
        raise PermissionError(13, "Access Denied")

    SharedCache._put = refused
    try:
        pipeline.build(r, out=io.StringIO(), cache=where)
    finally:
        SharedCache._put = real
    assert _objects(where) == []
    (r / "datasets" / "users.yaml").write_text(SPEC.replace("rows: 140000", "rows: 140001"))
    out = io.StringIO()
    pipeline.build(r, out=out, cache=where)  # the new chunk, then the three unpublished ones
    assert "cache: published 2 chunks of cache/" in out.getvalue()  # 2 of the old 3 are wanted
    assert len(_objects(where)) == 3


def test_plain_doit_warns_once_when_it_cannot_publish(tmp_path, s3):
    r = repo(tmp_path / "r")
    (r / "dodo.py").write_text("from datagen.dodo import *  # noqa: F403\n")
    got = subprocess.run(
        [sys.executable, "-m", "doit", "-n", "2", "-P", "thread"],
        cwd=r,
        env={**os.environ, "DATAGEN_CACHE": "s3://no-such-bucket/p"},
        capture_output=True,
        text=True,
    )
    assert got.returncode == 0, got.stdout + got.stderr
    assert got.stderr.count("chunks made here are not published to the shared cache") == 1
    assert "The specified bucket does not exist" in got.stderr


def test_what_is_remembered_of_the_shared_cache_follows_cache_and_deep(tmp_path):
    where = str(tmp_path / "shared")
    r = repo(tmp_path / "r")
    for rows in (140000, 140001, 140002):
        (r / "datasets" / "users.yaml").write_text(SPEC.replace("rows: 140000", f"rows: {rows}"))
        pipeline.build(r, out=io.StringIO(), cache=where)
    (record,) = (r / "cache" / "shared").iterdir()
    assert len(json.loads(record.read_text())["objects"]) == 5  # 3 + the last chunk of 2 edits
    pipeline.gc(r)
    pipeline.build(r, out=io.StringIO(), cache=where)  # a no-op: the objects gc removed go
    assert len(json.loads(record.read_text())["objects"]) == 3
    shutil.rmtree(Path(where))  # the shared cache emptied behind our back: --deep re-checks
    out = io.StringIO()
    pipeline.build(r, out=out, cache=where, deep=True)
    assert f"cache: published 3 chunks of cache/ to {where}" in out.getvalue()


def test_a_location_that_names_nothing_is_refused(tmp_path):
    r = repo(tmp_path / "r", SPEC.replace("rows: 140000", "rows: 10"))
    for flag in ("--cache", "--publish"):
        got = subprocess.run(
            [sys.executable, "-m", "datagen", "build", "-C", str(r), flag, "s3://"],
            capture_output=True,
            text=True,
        )
        assert got.returncode == 2 and "'s3://' names no bucket or folder" in got.stderr
    assert not (r / "s3:").exists() and not (Path.cwd() / "s3:").exists()
