"""Chunk jobs on a Dask cluster (datagen/pipeline/dask_executor.py): a real scheduler and two
worker processes build the committed datasets to the same locks and dumps as ``build -j 1``; a
second build reuses everything; a worker killed mid-build (SIGKILL) still ends in a correct build."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import distributed  # the test extra installs it (pip install -e '.[test]')
import pytest
from click.testing import CliRunner

from datagen.cli import cli
from datagen.errors import UsageError
from datagen.pipeline import build as pipeline
from datagen.pipeline import fill
from datagen.pipeline.executors import ClusterError

ROOT = Path(__file__).resolve().parent.parent
BIG = (ROOT / "bench" / "users.yaml").read_text().replace("rows: 1000000", "rows: 600000")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as c:
        yield c


def copy_datasets(dst: Path) -> Path:
    (dst / "datasets").mkdir(parents=True)
    for p in (ROOT / "datasets").glob("*.yaml"):
        shutil.copyfile(p, dst / "datasets" / p.name)
    return dst


def outputs(repo: Path) -> dict[str, bytes]:
    files = sorted((repo / "build").iterdir()) + sorted((repo / "datasets").glob("*.lock.json"))
    return {p.name: p.read_bytes() for p in files}


def test_a_cluster_builds_the_datasets_as_one_process_does(tmp_path, cluster):
    local = copy_datasets(tmp_path / "local")
    pipeline.build(local, out=io.StringIO())
    repo = copy_datasets(tmp_path / "dask")
    out = io.StringIO()
    report = pipeline.build(repo, out=out, scheduler=cluster.scheduler_address)
    assert report.generated() and "generated" in out.getvalue()
    assert outputs(repo) == outputs(local)
    for lock in (ROOT / "datasets").glob("*.lock.json"):  # the committed locks, too
        assert (repo / "datasets" / lock.name).read_bytes() == lock.read_bytes()
    # the workers wrote the cache: a second build (local or on the cluster) makes nothing
    assert (
        pipeline.build(repo, out=io.StringIO(), scheduler=cluster.scheduler_address).generated()
        == {}
    )
    assert pipeline.build(repo, out=io.StringIO()).generated() == {}
    assert pipeline.verify(repo) == []


def test_the_command_line_and_the_environment_choose_the_executor(tmp_path, cluster, monkeypatch):
    repo = tmp_path / "r"
    (repo / "datasets").mkdir(parents=True)
    (repo / "datasets" / "users.yaml").write_text(BIG.replace("rows: 600000", "rows: 70000"))
    r = CliRunner().invoke(
        cli,
        ["build", "-C", str(repo), "--executor", "dask", "--scheduler", cluster.scheduler_address],
    )
    assert r.exit_code == 0, r.output
    assert "generated public.users (2 of 2 chunks)" in r.output
    monkeypatch.setenv("DATAGEN_SCHEDULER", cluster.scheduler_address)  # implies dask
    (repo / "datasets" / "users.yaml").write_text(BIG.replace("rows: 600000", "rows: 70001"))
    r = CliRunner().invoke(cli, ["build", "-C", str(repo)])
    assert r.exit_code == 0 and "generated public.users (1 of 2 chunks" in r.output, r.output
    # an explicit local build ignores DATAGEN_SCHEDULER (nothing to make: all reused)
    assert pipeline.build(repo, out=io.StringIO(), executor="local").generated() == {}
    monkeypatch.delenv("DATAGEN_SCHEDULER")
    with pytest.raises(UsageError, match="a scheduler address is for the dask executor"):
        pipeline.build(repo, executor="local", scheduler="tcp://127.0.0.1:1")
    monkeypatch.setenv("DATAGEN_EXECUTOR", "cloud")
    with pytest.raises(UsageError, match=r"unknown executor 'cloud' \(executors: local, dask\)"):
        pipeline.build(repo)


def test_an_unreachable_scheduler_is_a_readable_error(tmp_path):
    repo = tmp_path / "r"
    (repo / "datasets").mkdir(parents=True)
    (repo / "datasets" / "users.yaml").write_text(BIG.replace("rows: 600000", "rows: 10"))
    start = time.perf_counter()
    with pytest.raises(
        ClusterError, match=r"Dask scheduler at tcp://127.0.0.1:9 cannot be reached"
    ):
        pipeline.build(repo, out=io.StringIO(), scheduler="tcp://127.0.0.1:9")
    assert time.perf_counter() - start < 60
    assert not (repo / "build").exists() or not any((repo / "build").iterdir())
    with pytest.raises(ClusterError, match=r"'foo' is not a Dask scheduler address .*tcp://HOST"):
        pipeline.build(repo, out=io.StringIO(), scheduler="foo")


def test_without_distributed_the_flag_says_how_to_install_it(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    repo = tmp_path / "r"
    (repo / "datasets").mkdir(parents=True)
    (repo / "datasets" / "users.yaml").write_text(BIG.replace("rows: 600000", "rows: 10"))
    with pytest.raises(UsageError, match=r"pip install 'datagen\[dask\]'"):
        pipeline.build(repo, executor="dask")


def test_a_worker_killed_mid_build_still_ends_in_a_correct_build(tmp_path, cluster):
    local = tmp_path / "local"
    (local / "datasets").mkdir(parents=True)
    (local / "datasets" / "users.yaml").write_text(BIG)
    pipeline.build(local, out=io.StringIO())
    repo = tmp_path / "dask"
    (repo / "datasets").mkdir(parents=True)
    (repo / "datasets" / "users.yaml").write_text(BIG)
    client = distributed.Client(cluster)
    pids = client.run(os.getpid)  # worker address -> pid
    client.close()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            pipeline.build(repo, out=io.StringIO(), scheduler=cluster.scheduler_address)
        except BaseException as e:  # reported below
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    objects = repo / "cache" / "objects"
    deadline = time.monotonic() + 60
    while not list(objects.rglob("*.copy")) and time.monotonic() < deadline:
        time.sleep(0.02)  # the first chunk is written: the others are running or queued
    victim = sorted(pids.values())[0]
    os.kill(victim, signal.SIGKILL)
    t.join(timeout=300)
    assert not t.is_alive() and errors == []
    assert outputs(repo) == outputs(local)
    client = distributed.Client(cluster)
    client.wait_for_workers(2, timeout=60)  # the nanny started another (for the next tests)
    assert victim not in client.run(os.getpid).values()
    client.close()


def test_plain_doit_sends_its_chunk_tasks_to_the_scheduler(tmp_path, cluster):
    """dodo.py: DATAGEN_SCHEDULER makes doit's chunk tasks run on the cluster."""
    import subprocess
    import sys

    spec = BIG.replace("rows: 600000", "rows: 140000").replace("seed: 1", "seed: 77")
    local, repo = tmp_path / "local", tmp_path / "doit"  # chunks no other test submitted
    for r in (local, repo):
        (r / "datasets").mkdir(parents=True)
        (r / "datasets" / "users.yaml").write_text(spec)
    pipeline.build(local, out=io.StringIO())
    (repo / "dodo.py").write_text("from datagen.dodo import *  # noqa: F403\n")
    env = {**os.environ, "DATAGEN_SCHEDULER": cluster.scheduler_address}
    r = subprocess.run(
        [sys.executable, "-m", "doit", "-n", "4", "-P", "thread"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert outputs(repo) == outputs(local)
    with distributed.Client(cluster) as client:
        keys = client.run_on_scheduler(
            lambda dask_scheduler: {str(t[0]) for t in dask_scheduler.transition_log}
        )
    made = {p.name.split(".")[0] for p in (repo / "cache" / "objects").rglob("*.copy")}
    assert made and all(any(x.startswith(f"datagen-chunk-{k}-copy-") for x in keys) for k in made)


def test_a_lost_scheduler_fails_the_build_and_the_next_build_reuses_what_was_made(tmp_path):
    """A separate ``dask scheduler`` and ``dask worker`` processes; the scheduler is killed
    (SIGKILL) once the first chunks are written: the build fails with a one-line error, and the
    next build (here without Dask) makes only the chunks that were missing."""
    import subprocess
    import sys

    dask = str(Path(sys.executable).with_name("dask"))
    info = tmp_path / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    sched = subprocess.Popen(
        [dask, "scheduler", "--scheduler-file", str(info), "--port", "0", "--no-dashboard"], **quiet
    )
    workers = None
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = subprocess.Popen(
            [dask, "worker", "--scheduler-file", str(info), "--nworkers", "2", "--nthreads", "1",
             "--no-dashboard", "--death-timeout", "5"],
            **quiet,
        )  # fmt: skip
        address = json.loads(info.read_text())["address"]
        with distributed.Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        repo = tmp_path / "r"
        (repo / "datasets").mkdir(parents=True)
        (repo / "datasets" / "users.yaml").write_text(BIG.replace("seed: 1", "seed: 5"))
        errors: list[BaseException] = []

        def run() -> None:
            try:
                pipeline.build(repo, out=io.StringIO(), scheduler=address)
            except BaseException as e:  # checked below
                errors.append(e)

        t = threading.Thread(target=run)
        t.start()
        objects = repo / "cache" / "objects"
        while not list(objects.rglob("*.copy")) and time.monotonic() < deadline + 60:
            time.sleep(0.02)
        sched.kill()
        t.join(timeout=120)
        assert not t.is_alive()
        assert len(errors) == 1 and isinstance(errors[0], ClusterError), errors
        assert str(errors[0]).startswith(f"lost the Dask scheduler at {address}")
    finally:
        for p in (sched, workers):
            if p is not None:
                p.kill()
                p.wait()
    # counted once no worker writes any more: a worker process still finishing its chunk when
    # the build failed (killing the `dask worker` parent does not stop its children at once)
    # writes it after; a chunk counts with its meta, written last
    made, still = -1, time.monotonic()
    while time.monotonic() - still < 1.5 and time.monotonic() < deadline + 120:
        now = len(list(objects.rglob("*.copy.meta.json")))
        made, still = now, still if now == made else time.monotonic()
        time.sleep(0.1)
    assert 0 < made < 10
    report = pipeline.build(repo, out=io.StringIO())
    assert report.generated() == {"users": {"public.users": 10 - made}}


def test_workers_that_do_not_share_the_cache_are_a_readable_error(tmp_path, monkeypatch):
    """A worker that wrote its chunk somewhere this machine cannot see (its own disk) is caught
    at once, not redone here chunk by chunk."""
    from datagen.pipeline.jobs import ChunkResult

    class Elsewhere:  # an executor whose workers write into a cache of their own
        def fill(self, jobs):
            return ((job, ChunkResult(job.stop - job.start, meta={})) for job in jobs)

        def close(self):
            pass

    monkeypatch.setattr(fill, "executor_for", lambda *a: Elsewhere())
    repo = tmp_path / "r"
    (repo / "datasets").mkdir(parents=True)
    (repo / "datasets" / "users.yaml").write_text(BIG.replace("rows: 600000", "rows: 10"))
    with pytest.raises(ClusterError, match=r"does not hold it: every worker must see"):
        pipeline.build(repo, out=io.StringIO(), scheduler="tcp://10.0.0.5:8786")
