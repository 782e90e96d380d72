"""What users consume is on disk before it counts as written: dumps and locks are fsynced, the file
before its rename and the directory after it; a failed fsync is a one-line error with no file."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest

from datagen.errors import WriterError
from datagen.fileio import atomic_write


@pytest.fixture
def fsyncs(monkeypatch):
    """Every fsync: ('file', path) or ('dir', path)."""
    calls: list[tuple[str, str]] = []
    real = os.fsync

    def spy(fd):
        target = os.readlink(f"/proc/self/fd/{fd}")
        calls.append(("dir" if os.path.isdir(target) else "file", target))
        return real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    return calls


def test_a_durable_write_syncs_the_file_then_its_directory(tmp_path, fsyncs):
    target = tmp_path / "shop.sql"
    atomic_write(target, [b"data"])
    kinds = [kind for kind, _ in fsyncs]
    assert kinds == ["file", "dir"]
    assert fsyncs[0][1].endswith(".tmp") and fsyncs[1][1] == str(tmp_path)
    assert target.read_bytes() == b"data"


def test_cache_writes_skip_the_sync(tmp_path, fsyncs):
    atomic_write(tmp_path / "object", [b"data"], durable=False)
    assert fsyncs == []


def test_generate_and_build_sync_dumps_and_locks(tmp_path, fsyncs, monkeypatch):
    import datagen
    from datagen.pipeline import build

    root = Path(__file__).parent.parent
    out = tmp_path / "shop.sql"
    datagen.api.generate_to_path(datagen.compile_spec(root / "datasets" / "shop.yaml"), str(out))
    assert ("dir", str(tmp_path)) in fsyncs
    repo = tmp_path / "repo"
    (repo / "datasets").mkdir(parents=True)
    (repo / "datasets" / "shop.yaml").write_text((root / "datasets" / "shop.yaml").read_text())
    fsyncs.clear()
    build.build(repo, out=io.StringIO())
    synced_dirs = {p for kind, p in fsyncs if kind == "dir"}
    assert str(repo / "build") in synced_dirs and str(repo / "datasets") in synced_dirs
    assert not any("/objects/" in p for _, p in fsyncs)  # cache objects are checked, not synced


def test_a_failed_sync_is_one_error_and_leaves_nothing(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "shop.sql"
    with pytest.raises(WriterError, match=r"cannot write .*shop.sql: No space left on device"):
        atomic_write(target, [b"data"])
    assert list(tmp_path.iterdir()) == []
