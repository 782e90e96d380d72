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
import socket
import subprocess
import sys
import time
from pathlib import Path

import distributed
import fsspec
import pytest

from datagen.errors import UsageError
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
    pipeline.build(first, out=out, cache=where)
    assert "users: generated public.users (3 of 3 chunks)" in out.getvalue()
    files = stored(where)
    assert (
        sorted(n.rsplit("/", 1)[1].split(".", 1)[1] for n in files)
        == ["copy"] * 3 + ["copy.meta.json"] * 3
    )
    assert not [n for n in files if n.rsplit("/", 1)[1].startswith(".")]  # no temporary left
    second, out = repo(tmp_path / "second"), io.StringIO()
    report = pipeline.build(second, out=out, cache=where)
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


def _publish(where: str, cache_dir: str, key: str, start, done) -> None:
    there = SharedCache(where)  # a process of its own: its own client
    meta = Cache(cache_dir).meta(key, "copy")
    start.wait()
    there.publish(Cache(cache_dir), key, "copy", meta)
    done.put(True)


def test_two_writers_of_one_object_at_once_leave_it_whole(tmp_path, where):
    """Two processes publish the same object at the same moment, 20 times over."""
    cache = Cache(tmp_path / "cache")
    ctx = multiprocessing.get_context("spawn")
    for i in range(20):
        key = f"{i:02x}" + "ab" * 15
        data = os.urandom(300_000 + i)
        meta = cache.put(key, "copy", [data], {"i": i}, rows=1, key_digest=None)
        start, done = ctx.Barrier(2), ctx.Queue()
        writers = [
            ctx.Process(target=_publish, args=(where, str(cache.root), key, start, done))
            for _ in range(2)
        ]
        for w in writers:
            w.start()
        for w in writers:
            w.join(60)
            assert w.exitcode == 0
        assert done.qsize() == 2
        reader = Cache(tmp_path / f"reader{i}")
        got = SharedCache(where).fetch(reader, key, "copy")
        assert got is not None and got["digest"] == meta["digest"]
        assert reader.read(key, "copy") == data
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
    with pytest.raises(Exception, match=r"cannot write .* No space left on device"):
        there.publish(cache, "cd" * 16, "copy", meta)
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
    assert code == 2 and "'foo://x/y' is not a cache location fsspec knows" in err
    code, err = run("s3://no-such-bucket/x")
    assert code == 1 and "cannot write no-such-bucket/x/objects/" in err
    assert "The specified bucket does not exist" in err
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
    from datagen.pipeline.store import location

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
