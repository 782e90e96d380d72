"""A killed ``datagen generate -j 2`` leaves no worker running and, after a rerun, no file behind.

Only the parent is killed (SIGKILL: no handler runs), as an OOM killer or a CI timeout would: the
workers must notice on their own (they ask the kernel for SIGKILL when their parent dies).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

USERS = Path(__file__).parent.parent / "bench" / "users.yaml"


def children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (read from /proc, Linux only)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            out.add(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_generate_leaves_no_worker_and_a_rerun_no_file(tmp_path):
    out = tmp_path / "users.sql"
    cmd = [sys.executable, "-m", "datagen", "generate", str(USERS), "--rows", "users=3000000",
           "-j", "2", "-o", str(out), "-q"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        workers = children(proc.pid)
        time.sleep(0.01)
    assert len(workers) >= 2, "the workers never started"
    time.sleep(0.5)  # let them get busy
    assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir()), "nothing was being written"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if alive(w)], "workers outlived their parent"
    assert not out.exists()  # the half-written dump never took the real name

    small = [*cmd[:5], "--rows", "users=1000", *cmd[7:]]
    subprocess.run(small, check=True, capture_output=True)
    assert [p.name for p in tmp_path.iterdir()] == ["users.sql"]  # the orphan was cleaned up


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigterm_cleans_up_on_the_way_out(tmp_path, jobs):
    out = tmp_path / "users.sql"
    cmd = [sys.executable, "-m", "datagen", "generate", str(USERS), "--rows", "users=3000000",
           "-j", jobs, "-o", str(out), "-q"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "nothing was being written"
        time.sleep(0.01)
    time.sleep(0.3)
    workers = children(proc.pid)
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert err.decode().strip().splitlines()[-1] == "Terminated."
    assert list(tmp_path.iterdir()) == []  # no dump, no temporary file
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if alive(w)]
