"""generate -j N hands chunks from the workers to the writer through files in a private folder:
the bytes are the same as -j 1, and the folder is gone afterwards, on success and on failure."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import datagen

SPEC = Path(__file__).parent / "fixtures" / "realism" / "app.yaml"


@pytest.fixture
def tmpdir_env(tmp_path, monkeypatch):
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setenv("TMPDIR", str(spool))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    yield spool
    tempfile.tempdir = None


def test_the_spool_goes_and_the_bytes_are_the_same(tmpdir_env, monkeypatch):
    made = []
    real = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    ds = datagen.compile_spec(SPEC, rows={"events": 200_000})
    one, two = io.BytesIO(), io.BytesIO()
    datagen.generate(ds, one, jobs=1)
    datagen.generate(ds, two, jobs=2)
    assert one.getvalue() == two.getvalue()
    assert [Path(m).parent for m in made] == [tmpdir_env]  # -j 2 spooled there
    assert Path(made[0]).name.startswith("datagen-chunks-")
    assert list(tmpdir_env.iterdir()) == []


def test_the_spool_goes_when_the_write_fails(tmpdir_env):
    class Full(io.BytesIO):
        def write(self, data) -> int:
            if self.tell() > 1_000_000:
                raise OSError(28, "No space left on device")
            return super().write(data)

    ds = datagen.compile_spec(SPEC, rows={"events": 400_000})
    with pytest.raises(OSError, match="No space left"):
        datagen.generate(ds, Full(), jobs=2)
    assert list(tmpdir_env.iterdir()) == []


def test_no_room_for_the_spool_sends_the_bytes_through_the_pipe(tmp_path):
    from datagen import api
    from datagen.pipeline.executors import _collect, _run_to_file

    ds = datagen.compile_spec(SPEC)
    job = next(api.chunk_jobs(ds, ds.dataset.tables[0].qualname, "copy"))
    result = _run_to_file(job, str(tmp_path / "missing"))  # cannot create a file there
    assert result.file is None and result.data
    assert _collect(result).data == result.data


def test_a_killed_runs_spool_goes_with_the_next_run(tmpdir_env, tmp_path):
    """A run killed mid-way (SIGKILL: no clean-up) leaves its folder; the next run on this host
    removes it, not a running one's. Written to a file, chunks are copied from the spool."""
    from datagen.api import generate_to_path
    from datagen.fileio import HOST

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmpdir_env / f"datagen-chunks-{HOST}.{dead.pid}.abc"
    live = tmpdir_env / f"datagen-chunks-{HOST}.{os.getpid()}.def"
    other = tmpdir_env / f"datagen-chunks-elsewhere.{dead.pid}.ghi"
    for d in (stale, live, other):
        d.mkdir()
        (d / "chunk-x").write_bytes(b"x" * 10)
    ds = datagen.compile_spec(SPEC, rows={"events": 200_000})
    one, two = tmp_path / "one.sql", tmp_path / "two.sql"
    generate_to_path(ds, str(one), jobs=1)
    assert stale.exists()  # -j 1 makes no spool
    generate_to_path(ds, str(two), jobs=2)
    assert one.read_bytes() == two.read_bytes()
    assert not stale.exists() and live.exists() and other.exists()
    assert sorted(p.name for p in tmpdir_env.iterdir()) == sorted([live.name, other.name])


def test_only_the_command_tunes_malloc(monkeypatch):
    """The datagen command keeps freed memory for the next chunk (datagen/malloc.py); a program
    that uses the library keeps its own malloc settings."""
    from datagen import malloc

    calls = []
    monkeypatch.setattr(malloc, "keep_freed_memory", lambda: calls.append(1))
    monkeypatch.setattr(malloc, "requested", False)
    ds = datagen.compile_spec(SPEC, rows={"events": 10})
    datagen.generate(ds, io.BytesIO(), jobs=1)
    assert calls == []
    monkeypatch.setattr(malloc, "requested", True)
    datagen.generate(ds, io.BytesIO(), jobs=1)
    assert calls == [1]
    code = "import sys; from datagen import entry, malloc; entry.main(['version']); print(malloc.requested)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip().endswith("True")
