"""Temporary files carry their host, and only this host's dead writers' files are removed."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from datagen import fileio


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_temporary_names_carry_host_pid_and_randomness(tmp_path):
    name = fileio.temp_path(tmp_path / "shop.sql").name
    m = re.fullmatch(r"\.shop\.sql\.([A-Za-z0-9-]+)\.(\d+)\.([0-9a-f]{8})\.tmp", name)
    assert m, name
    assert m[1] == fileio.HOST
    assert int(m[2]) == os.getpid()
    assert fileio.temp_path(tmp_path / "shop.sql").name != name


def test_host_names_are_sanitised(monkeypatch):
    monkeypatch.setattr(fileio.socket, "gethostname", lambda: "db_1.example.com")
    assert fileio._host() == "db-1-example-com"
    monkeypatch.setattr(fileio.socket, "gethostname", lambda: "")
    assert fileio._host() == "localhost"


def test_only_this_hosts_dead_writers_files_are_removed(tmp_path):
    dead, rnd = dead_pid(), "0123abcd"
    files = {
        "mine-dead": f".x.sql.{fileio.HOST}.{dead}.{rnd}.tmp",
        "mine-alive": f".x.sql.{fileio.HOST}.{os.getpid()}.{rnd}.tmp",
        "other-host-dead": f".x.sql.other-{fileio.HOST}.{dead}.{rnd}.tmp",
        "old-form-no-host": f".x.sql.{dead}.{rnd}.tmp",
        "another-file": f".x.sql.bak.{fileio.HOST}.{dead}.{rnd}.tmp",
    }
    for name in files.values():
        (tmp_path / name).write_bytes(b"partial")
    fileio.atomic_write(tmp_path / "x.sql", [b"whole"])
    left = {p.name for p in tmp_path.iterdir()}
    assert files["mine-dead"] not in left  # a killed writer of this host: cleaned up
    assert left == {"x.sql"} | {v for k, v in files.items() if k != "mine-dead"}
    assert (tmp_path / "x.sql").read_bytes() == b"whole"


def test_cache_gc_still_sees_temporary_files(tmp_path):
    import time

    from datagen.pipeline.cache import TMP_GRACE, Cache

    cache = Cache(tmp_path)
    cache.put("ab12", "copy", [b"x"], {}, rows=1, key_digest=None)
    stale = fileio.temp_path(cache.path("ab12", "copy"))
    stale.write_bytes(b"partial")
    old = time.time() - TMP_GRACE - 10
    os.utime(stale, (old, old))
    assert cache.gc(keep={("ab12", "copy")}) == (1, len(b"partial"))
    assert not stale.exists() and cache.valid("ab12", "copy")
