"""Incremental builds: exactly the right tables regenerate, from both `doit` and `datagen build`."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from datagen.errors import SpecError
from datagen.pipeline import build as pipeline
from datagen.pipeline.cache import Cache

FIXTURE = Path(__file__).parent / "fixtures" / "repo" / "five.yaml"
ROOT = Path(__file__).parent.parent
ALL = {
    "public.customers",
    "public.products",
    "public.orders",
    "public.order_items",
    "public.reviews",
}


def make_repo(path: Path, spec: Path = FIXTURE) -> Path:
    (path / "datasets").mkdir(parents=True)
    shutil.copyfile(spec, path / "datasets" / spec.name)
    (path / "dodo.py").write_text("from datagen.dodo import *  # noqa: F403\n")
    return path


def edit(repo: Path, fn) -> None:
    path = repo / "datasets" / "five.yaml"
    spec = yaml.safe_load(path.read_text())
    fn({t["name"]: t for t in spec["tables"]}, spec)
    path.write_text(yaml.safe_dump(spec, sort_keys=False))


def built(repo: Path, jobs: int = 1) -> dict[str, int]:
    """table -> chunks generated, from `datagen build`'s own report."""
    report = pipeline.build(repo, jobs=jobs, out=io.StringIO())
    return report.generated().get("five", {})


def doit(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "doit", *args], cwd=repo, capture_output=True, text=True, check=False
    )


def doit_ran(out: str) -> set[str]:
    """Tables whose chunks `doit` executed (its '.  task' lines)."""
    tables = set()
    for line in out.splitlines():
        if line.startswith(".  five:") and "/" in line:
            tables.add(line[len(".  five:") :].rsplit("/", 1)[0])
    return tables


def lock(repo: Path) -> dict:
    return json.loads((repo / "datasets" / "five.lock.json").read_text())


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("clean"))
    built(repo)
    return repo


def test_edits_regenerate_exactly_what_changed(tmp_path, clean_build):
    repo = make_repo(tmp_path / "r")
    assert built(repo) == {q: (3 if q == "public.orders" else 1) for q in ALL}
    first_lock = (repo / "datasets" / "five.lock.json").read_text()
    assert lock(repo) == lock(clean_build)

    assert built(repo) == {}  # no change: nothing runs

    def leaf(t, s):
        t["reviews"]["columns"][4]["null_rate"] = 0.2

    edit(repo, leaf)
    assert set(built(repo)) == {"public.reviews"}

    def parent_non_key(t, s):
        t["products"]["columns"][2]["type"] = "varchar(40)"

    edit(repo, parent_non_key)
    assert set(built(repo)) == {"public.products"}

    def parent_rows(t, s):
        t["products"]["rows"] = 400

    edit(repo, parent_rows)
    assert set(built(repo)) == {"public.products", "public.order_items", "public.reviews"}

    def seed(t, s):
        s["seed"] = 12

    edit(repo, seed)
    assert set(built(repo)) == ALL

    shutil.copyfile(FIXTURE, repo / "datasets" / "five.yaml")  # revert every edit
    assert built(repo) == {}  # every object is still in the cache
    assert (repo / "datasets" / "five.lock.json").read_text() == first_lock
    assert (repo / "build" / "five.sql").read_bytes() == (
        clean_build / "build" / "five.sql"
    ).read_bytes()


def test_raising_rows_reuses_earlier_chunks(tmp_path):
    repo = make_repo(tmp_path / "r")
    built(repo)

    def grow(t, s):
        t["orders"]["rows"] = 200000

    edit(repo, grow)
    # chunks 0 and 1 are whole and reused; 2 grows, 3 is new; order_items picks among more orders
    assert built(repo) == {"public.orders": 2, "public.order_items": 1}


def test_plain_doit_agrees(tmp_path, clean_build):
    repo = make_repo(tmp_path / "r")
    r = doit(repo)
    assert r.returncode == 0, r.stderr
    assert doit_ran(r.stdout) == ALL
    assert lock(repo) == lock(clean_build)
    r = doit(repo)
    assert doit_ran(r.stdout) == set() and ".  " not in r.stdout
    assert (repo / "cache" / "doit.sqlite3").exists()

    edit(repo, lambda t, s: t["customers"]["columns"][3].update(type="varchar(50)"))
    r = doit(repo)
    assert doit_ran(r.stdout) == {"public.customers"}
    # datagen build sees doit's work: nothing left to do
    assert built(repo) == {}


def test_doit_commands_work(tmp_path):
    repo = make_repo(tmp_path / "r")
    r = doit(repo, "list")
    assert r.returncode == 0 and r.stdout.startswith("five")
    r = doit(repo, "list", "--all")
    assert "five:public.orders/copy-2" in r.stdout and "five:lock" in r.stdout
    r = doit(repo, "info", "five:public.orders")  # exit 1: not up to date yet
    assert r.returncode == 1 and "table public.orders: 150000 rows in 3 chunks" in r.stdout
    assert doit(repo).returncode == 0
    assert doit(repo, "info", "five:public.orders").returncode == 0
    r = doit(repo, "clean")
    assert r.returncode == 0
    assert not (repo / "build" / "five.sql").exists()
    assert doit(repo, "forget").returncode == 0
    r = doit(repo)
    assert r.returncode == 0 and doit_ran(r.stdout) == ALL


def test_jobs_and_process_pools_give_identical_bytes(tmp_path, clean_build):
    expected = (clean_build / "build" / "five.sql").read_bytes()
    two = make_repo(tmp_path / "two")
    assert set(built(two, jobs=2)) == ALL
    assert (two / "build" / "five.sql").read_bytes() == expected
    pooled = make_repo(tmp_path / "pooled")
    r = doit(pooled, "-n", "2", "-P", "process")
    assert r.returncode == 0, r.stderr
    assert (pooled / "build" / "five.sql").read_bytes() == expected


def test_eight_threads_share_one_plan_and_give_identical_bytes(tmp_path, clean_build):
    """doit's thread pool runs every chunk task against the same compiled plan at once."""

    def codes(t, s):  # char(24): random codes made in several draws of up to 12 characters
        t["products"]["columns"].append({"name": "batch", "type": "char(24)"})
        t["products"]["rows"] = 300_000

    threaded = make_repo(tmp_path / "threaded")
    edit(threaded, codes)
    r = doit(threaded, "-n", "8", "-P", "thread")
    assert r.returncode == 0, r.stderr
    single = make_repo(tmp_path / "single")
    edit(single, codes)
    built(single)
    assert lock(threaded) == lock(single)
    assert (threaded / "build" / "five.sql").read_bytes() == (
        single / "build" / "five.sql"
    ).read_bytes()


def test_spawn_start_method(tmp_path, clean_build):
    repo = make_repo(tmp_path / "spawn")
    code = (
        "import multiprocessing as mp, sys\n"
        "mp.set_start_method('spawn')\n"
        "from datagen.pipeline import build\n"
        "if __name__ == '__main__':\n"
        "    build.build(sys.argv[1], jobs=2)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, str(repo)], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stderr
    assert "five: generated" in r.stdout
    assert (repo / "build" / "five.sql").read_bytes() == (
        clean_build / "build" / "five.sql"
    ).read_bytes()


def test_damaged_objects_are_rebuilt_and_deep_repairs_what_was_shipped(tmp_path, clean_build):
    repo = make_repo(tmp_path / "r")
    built(repo)
    cache = Cache(repo / "cache")
    chunk = lock(repo)["tables"]["public.orders"]["input_key"]
    objects = sorted(p for p in (repo / "cache" / "objects").rglob("*.copy"))
    victim = max(objects, key=lambda p: p.stat().st_size)
    key = victim.name.split(".")[0]
    assert chunk != key

    # truncated: the next build notices and regenerates the chunk
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])
    assert sum(built(repo).values()) == 1
    assert victim.read_bytes() == data and cache.valid(key, "copy", deep=True)

    # same size, same mtime, different bytes: assembly trusts the meta and copies the object
    # unread; verify finds the dump wrong, and build --deep reads every object and repairs it
    st = victim.stat()
    victim.write_bytes(data[:100] + (b"X" if data[100:101] != b"X" else b"Y") + data[101:])
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    (repo / "build" / "five.sql").unlink()
    built(repo)
    clean = (clean_build / "build" / "five.sql").read_bytes()
    assert (repo / "build" / "five.sql").read_bytes() != clean
    assert pipeline.check(repo) == []  # the lock is right: it is the dump that is not
    assert pipeline.verify(repo) == [
        "build/five.sql: differs from datasets/five.lock.json (size or digest); "
        "run 'datagen build --deep five' to write it again"
    ]
    out = io.StringIO()
    report = pipeline.build(repo, out=out, deep=True)
    assert f"five: cache object {key}.copy was damaged; made again" in out.getvalue()
    assert report.generated()["five"] == {"public.orders": 1}
    assert (repo / "build" / "five.sql").read_bytes() == clean
    assert victim.read_bytes() == data
    assert pipeline.verify(repo) == []
    out = io.StringIO()  # nothing damaged now: --deep generates nothing, rewrites the dump
    report = pipeline.build(repo, out=out, deep=True)
    assert report.generated() == {} and "damaged" not in out.getvalue()
    assert "five: wrote build/five.sql" in out.getvalue()
    assert (repo / "build" / "five.sql").read_bytes() == clean


def _objects(repo: Path) -> int:
    return sum(1 for p in (repo / "cache" / "objects").rglob("*") if not p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def big_clean(tmp_path_factory) -> tuple[Path, int]:
    """A clean build of the dataset with a million orders, and how many cache files it makes."""
    repo = make_repo(tmp_path_factory.mktemp("big"))
    edit(repo, lambda t, s: t["orders"].update(rows=1_000_000))
    subprocess.run(
        [sys.executable, "-m", "datagen", "build", "-C", str(repo), "-j", "2"],
        check=True,
        capture_output=True,
    )
    return repo, _objects(repo)


# when to kill: after a share of the cache files is written, or while the dump is being written
@pytest.mark.parametrize("moment", [0.1, 0.3, 0.5, 0.7, 0.9, "assembly"])
def test_sigkill_at_any_moment_then_rebuild(tmp_path, big_clean, moment):
    import signal
    import time

    clean, objects = big_clean
    repo = make_repo(tmp_path / "r")
    edit(repo, lambda t, s: t["orders"].update(rows=1_000_000))
    proc = subprocess.Popen(
        [sys.executable, "-m", "datagen", "build", "-C", str(repo), "-j", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    build = repo / "build"

    def reached() -> bool:
        if moment == "assembly":
            return build.is_dir() and any(p.name.endswith(".tmp") for p in build.iterdir())
        return (repo / "cache" / "objects").is_dir() and _objects(repo) >= objects * moment

    deadline = time.monotonic() + 120
    while not reached() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert proc.poll() is None, f"the build finished before it could be killed at {moment}"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    built(repo)
    assert lock(repo) == lock(clean)
    assert (repo / "build" / "five.sql").read_bytes() == (clean / "build" / "five.sql").read_bytes()
    leftovers = [p for p in (repo / "build").iterdir() if p.name.startswith(".")]
    leftovers += [p for p in (repo / "datasets").iterdir() if p.name.startswith(".")]
    assert leftovers == []  # a killed write's temporary file is removed by the next one
    assert Cache(repo / "cache").valid(lock(repo)["tables"]["public.orders"]["input_key"], "table")


def test_two_builds_racing_on_one_cache(tmp_path, clean_build):
    repo = make_repo(tmp_path / "r")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "datagen", "build", "-C", str(repo)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for p in procs:
        p.communicate()
    built(repo)
    assert lock(repo) == lock(clean_build)
    assert pipeline.verify(repo) == []


def test_plan_says_what_and_why(tmp_path):
    repo = make_repo(tmp_path / "r")
    lines = pipeline.plan(repo)
    assert (
        "five: public.orders: rebuild, 3 of 3 chunks to generate (not built before here" in lines[2]
    )
    built(repo)
    assert pipeline.plan(repo) == ["five: up to date"]

    edit(repo, lambda t, s: t["customers"].update(rows=2500))
    lines = pipeline.plan(repo)
    assert (
        "five: public.customers: rebuild, 1 of 1 chunks to generate (rows: 2000 -> 2500)" in lines
    )
    assert any(
        line.startswith("five: public.orders: rebuild, 3 of 3 chunks to generate")
        and "keys of public.customers changed" in line
        for line in lines
    )
    assert not any("public.products" in line for line in lines)
    assert lines[-2:] == ["five: write build/five.sql", "five: write datasets/five.lock.json"]

    edit(repo, lambda t, s: t["products"]["columns"][3]["params"].update(max=400))
    lines = pipeline.plan(repo)
    assert any(
        "public.products" in line and "columns.price.params.max: 300 -> 400" in line
        for line in lines
    )


def test_check_and_verify_catch_stale_locks(tmp_path):
    repo = make_repo(tmp_path / "r")
    assert pipeline.check(repo) == ["datasets/five.lock.json: missing (run 'datagen build five')"]
    built(repo)
    assert pipeline.check(repo) == []
    assert pipeline.verify(repo) == []

    edit(repo, lambda t, s: t["reviews"].update(rows=3001))
    problems = pipeline.check(repo)
    assert problems == [
        "datasets/five.lock.json: table public.reviews: the spec changed since the lock was "
        "written (run 'datagen build')"
    ]
    built(repo)

    doc = lock(repo)
    doc["tables"]["public.orders"]["digest"] = "0" * 32
    doc["outputs"]["copy"]["digest"] = "1" * 32
    (repo / "datasets" / "five.lock.json").write_text(json.dumps(doc))
    problems = pipeline.verify(repo)
    assert "datasets/five.lock.json: table public.orders differs (digest)" in problems
    assert "datasets/five.lock.json: output copy (build/five.sql) differs" in problems


def test_lock_is_stable_and_sorted(tmp_path, clean_build):
    text = (clean_build / "datasets" / "five.lock.json").read_text()
    doc = json.loads(text)
    assert text == json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert set(doc["tables"]) == ALL
    assert set(doc["tables"]["public.orders"]) == {
        "input_key",
        "rows",
        "bytes",
        "digest",
        "key_digest",
    }
    assert doc["outputs"]["copy"]["file"] == "build/five.sql"
    assert "time" not in text


def test_gc_prunes_unreferenced_objects(tmp_path):
    repo = make_repo(tmp_path / "r")
    built(repo)
    before = sorted(p for p in (repo / "cache" / "objects").rglob("*") if p.is_file())
    edit(repo, lambda t, s: t["reviews"].update(rows=10))
    built(repo)
    files, size = pipeline.gc(repo)
    # the old reviews chunk, its table manifest and its chunk's 4 column parts (id, rating and
    # body alone, the foreign keys together: datagen/pipeline/parts.py)
    assert files == 6 and size > 0
    after = sorted(p for p in (repo / "cache" / "objects").rglob("*") if p.is_file())
    assert len(after) == len(before)  # one reviews chunk and manifest replaced the old ones
    assert built(repo) == {}


def test_build_matches_generate(clean_build):
    from dumps import dump

    assert (clean_build / "build" / "five.sql").read_bytes() == dump(FIXTURE)


def test_example_datasets_locks_are_current_and_reproducible():
    """The repository's own datasets/: their committed locks match and regenerate exactly."""
    assert pipeline.check(ROOT) == []
    assert pipeline.verify(ROOT) == []


def test_build_errors_are_readable(tmp_path, capsys):
    from datagen.cli import main

    repo = make_repo(tmp_path / "r")
    with pytest.raises(SystemExit) as info:
        main(["build", "nope", "-C", str(repo)])
    assert info.value.code == 1
    assert "no dataset 'nope'" in capsys.readouterr().err
    (repo / "datasets" / "five.yaml").write_text("version: 1\nname: five\ntables: [{name: t}]\n")
    with pytest.raises(SystemExit) as info:
        main(["build", "-C", str(repo)])
    err = capsys.readouterr().err
    assert info.value.code == 1 and "five.yaml:3: tables[0]: 'rows' is a required property" in err
    r = doit(repo)
    assert r.returncode != 0 and "'rows' is a required property" in r.stdout + r.stderr


def test_cli_verbs(tmp_path, capsys):
    from datagen.cli import main

    repo = make_repo(tmp_path / "r")

    def run(*argv: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as info:
            main([*argv, "-C", str(repo)])
            raise SystemExit(0)
        out = capsys.readouterr()
        return info.value.code or 0, out.out, out.err

    code, out, _ = run("check")
    assert code == 1
    code, out, _ = run("plan")
    assert code == 0 and "five: public.orders: rebuild, 3 of 3 chunks" in out
    code, out, _ = run("build", "five", "-j", "2")
    assert code == 0 and "five: generated" in out and "five: wrote build/five.sql" in out
    assert run("build")[1] == "five: up to date\n"
    assert run("check") == (0, "all locks match their specs\n", "")
    assert run("verify") == (0, "every digest matches its lock\n", "")
    edit(repo, lambda t, s: t["reviews"].update(rows=10))
    code, _, err = run("check")
    assert code == 1 and "table public.reviews: the spec changed" in err
    code, _, err = run("verify")
    assert code == 1 and "table public.reviews differs" in err
    run("build")
    code, out, _ = run("gc")
    # the old reviews chunk, its table manifest and its chunk's 4 column parts
    assert code == 0 and out.startswith("removed 6 files")


def test_a_new_faker_or_numpy_rebuilds_everything(tmp_path, monkeypatch):
    from datagen.pipeline import actions, keys, locks, project

    repo = make_repo(tmp_path / "r")
    built(repo)
    pinned = keys.byte_shaping_versions()["faker"]
    newer = {**keys.byte_shaping_versions(), "faker": "99.0.0"}
    monkeypatch.setattr(keys, "byte_shaping_versions", lambda: newer)
    monkeypatch.setattr(actions, "byte_shaping_versions", lambda: newer)
    monkeypatch.setattr(locks, "byte_shaping_versions", lambda: newer)
    project._spec_build.cache_clear()
    try:
        lines = pipeline.plan(repo)
        assert sum("rebuild" in line for line in lines) == 5
        change = f'versions.faker: "{pinned}" -> "99.0.0"'
        assert all(change in line for line in lines if "rebuild" in line)
        assert any("written by" in p for p in pipeline.check(repo))
    finally:
        project._spec_build.cache_clear()


def test_ddl_only_edits_rewrite_the_dump_but_no_chunk(tmp_path):
    repo = make_repo(tmp_path / "r")
    built(repo)

    def ddl(t, s):
        t["orders"]["indexes"] = [{"columns": ["created_at"], "using": "brin"}]
        t["reviews"]["columns"][1]["references"] = {
            "table": "products",
            "column": "id",
            "on_delete": "cascade",
            "name": "reviews_product",
        }
        t["customers"]["columns"][3]["default"] = "'Springfield'"

    edit(repo, ddl)
    lines = pipeline.plan(repo)
    assert all("0 of" in line for line in lines if "rebuild" in line)
    assert built(repo) == {}
    dump = (repo / "build" / "five.sql").read_text()
    assert "CREATE INDEX orders_created_at_idx ON public.orders USING brin (created_at);" in dump
    assert "ADD CONSTRAINT reviews_product FOREIGN KEY (product_id)" in dump
    assert "ON DELETE CASCADE" in dump and "DEFAULT 'Springfield'" in dump
    assert pipeline.verify(repo) == []


def test_repository_level_problems(tmp_path):
    from datagen.errors import PlanError

    repo = make_repo(tmp_path / "r")
    shutil.copyfile(FIXTURE, repo / "datasets" / "five_copy.yaml")
    with pytest.raises(PlanError, match="both name their dataset 'five'"):
        pipeline.build(repo, out=io.StringIO())
    r = doit(repo)  # plain doit builds the first and fails the second with the same reason
    assert r.returncode != 0 and "dataset name 'five' is also used by" in r.stdout + r.stderr
    (repo / "datasets" / "five_copy.yaml").unlink()
    text = FIXTURE.read_text().replace("version: 1", "version: 1\noutputs: [copy, copy]")
    (repo / "datasets" / "five.yaml").write_text(text)
    with pytest.raises(SpecError, match=r"outputs: \[.copy., .copy.\] has non-unique elements"):
        pipeline.build(repo, out=io.StringIO())
    with pytest.raises(PlanError, match="no specs in"):
        pipeline.build(tmp_path, out=io.StringIO())


def test_progress_on_a_terminal(tmp_path, monkeypatch, capsys):
    repo = make_repo(tmp_path / "r")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    pipeline.build(repo, out=io.StringIO())
    err = capsys.readouterr().err
    assert "five:public.orders/copy-2" in err and "/" in err.split("]")[0]
    assert err.endswith("\r\x1b[K")  # the line is cleared at the end


def test_check_catches_a_ddl_only_reorder(tmp_path):
    """Swapping two indexes changes no table's data, only the dump's DDL order: check says so."""
    repo = make_repo(tmp_path / "r")

    def two(t, s):
        t["orders"]["indexes"] = [{"columns": ["customer_id"]}, {"columns": ["created_at"]}]

    edit(repo, two)
    built(repo)
    assert pipeline.check(repo) == []
    edit(repo, lambda t, s: t["orders"]["indexes"].reverse())
    assert pipeline.check(repo) == [
        "datasets/five.lock.json: the dump's DDL changed since the lock was written "
        "(run 'datagen build')"
    ]
    assert built(repo) == {}  # no chunk is made again
    assert pipeline.check(repo) == [] and pipeline.verify(repo) == []


def test_a_task_that_cannot_write_fails_in_one_line(tmp_path):
    """build/ is a file: the dump task fails naming the path and why, with no traceback, from
    datagen build and from plain doit alike."""
    repo = make_repo(tmp_path / "r")
    (repo / "build").write_text("not a directory")
    r = subprocess.run(
        [sys.executable, "-m", "datagen", "build", "-C", str(repo)], capture_output=True, text=True
    )
    out = r.stdout + r.stderr
    assert r.returncode == 1 and "Traceback" not in out, out
    assert f"cannot write {repo / 'build' / 'five.sql'}: {repo / 'build'} is not a directory" in out
    assert r.stderr.strip().splitlines()[-1] == "Error: build failed (five:dump-copy)"
    d = doit(repo)
    assert d.returncode != 0 and "Traceback" not in d.stdout + d.stderr
    assert "is not a directory" in d.stdout + d.stderr


def test_deep_repairs_every_dataset_that_shares_a_damaged_object(tmp_path):
    """Two datasets holding the same table share its chunks: an object damaged in place (same
    size and time) reached both dumps, and build --deep rewrites both."""
    spec = "version: 1\nname: {}\nseed: 5\ntables:\n  - name: a\n    rows: 500\n    columns:\n"
    spec += "      - {{name: id, type: bigserial, primary_key: true}}\n      - {{name: note, type: text}}\n"
    repo = tmp_path / "r"
    (repo / "datasets").mkdir(parents=True)
    for name in ("one", "two"):
        (repo / "datasets" / f"{name}.yaml").write_text(spec.format(name))
    pipeline.build(repo, out=io.StringIO())
    clean = {p.name: p.read_bytes() for p in (repo / "build").iterdir()}
    (victim,) = (repo / "cache" / "objects").rglob("*.copy")
    st, data = victim.stat(), victim.read_bytes()
    victim.write_bytes(data[:50] + (b"X" if data[50:51] != b"X" else b"Y") + data[51:])
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    shutil.rmtree(repo / "build")
    pipeline.build(repo, out=io.StringIO())  # trusted by its meta: both dumps copy the damage
    assert all(clean[p.name] != p.read_bytes() for p in (repo / "build").iterdir())
    assert len(pipeline.verify(repo)) == 2
    out = io.StringIO()
    pipeline.build(repo, out=out, deep=True)
    assert out.getvalue().count("was damaged; made again") == 1  # read once, for both
    assert {p.name: p.read_bytes() for p in (repo / "build").iterdir()} == clean
    assert pipeline.verify(repo) == []
