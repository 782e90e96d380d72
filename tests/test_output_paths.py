"""Where a dump goes: devices and FIFOs survive, every write failure is one readable line.

The CLI cases run the installed ``datagen`` in a subprocess, so what they check is what a user
sees on stderr (a real traceback would show there).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from datagen import fileio
from datagen.errors import WriterError

ROOT = Path(__file__).parent.parent
SHOP = ROOT / "datasets" / "shop.yaml"
DATAGEN = str(Path(sys.executable).with_name("datagen"))
SMALL = ["--rows", "orders=20", "--rows", "order_items=50"]


def datagen(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DATAGEN, *argv], capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    """A copy of shop.yaml, so a test that overwrote its spec could not damage the repository."""
    path = tmp_path / "shop.yaml"
    shutil.copyfile(SHOP, path)
    return path


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> bytes:
    """The dump of the small shop, written to a regular file."""
    out = tmp_path_factory.mktemp("expected") / "shop.sql"
    r = datagen("generate", str(SHOP), *SMALL, "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out.read_bytes()


# ---- 1. paths that are not regular files are written to, never replaced ----------------------


def _null_device(tmp_path: Path) -> Path:
    """A private character device like /dev/null (mknod needs root or CAP_MKNOD)."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("cannot create device nodes here")
    return node


@pytest.mark.parametrize("where", ["/dev/null", "private"])
def test_a_character_device_survives_generate(tmp_path, where):
    device = Path(where) if where == "/dev/null" else _null_device(tmp_path)
    r = datagen("generate", str(SHOP), *SMALL, "-o", str(device))
    assert r.returncode == 0, r.stderr
    assert os.path.exists(device)
    assert stat.S_ISCHR(os.stat(device).st_mode), f"{device} is no longer a device"
    assert [p.name for p in device.parent.glob(f".{device.name}.*.tmp")] == []


def test_a_fifo_receives_the_whole_dump(tmp_path, expected):
    fifo = tmp_path / "dump.fifo"
    os.mkfifo(fifo)
    os.link(fifo, tmp_path / "spare")  # to unblock the reader if the FIFO were renamed over
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        r = datagen("generate", str(SHOP), *SMALL, "-o", str(fifo))
        assert r.returncode == 0, r.stderr
        reader.join(timeout=30)
    finally:
        if reader.is_alive():  # nobody opened the FIFO for writing: open it, so the read ends
            os.close(os.open(tmp_path / "spare", os.O_WRONLY | os.O_NONBLOCK))
            reader.join(timeout=5)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert got == [expected]


def test_a_symlink_stays_a_link_and_its_file_gets_the_dump(tmp_path, expected):
    real = tmp_path / "real.sql"
    real.write_bytes(b"old")
    link = tmp_path / "latest.sql"
    link.symlink_to(real.name)
    r = datagen("generate", str(SHOP), *SMALL, "-o", str(link))
    assert r.returncode == 0, r.stderr
    assert link.is_symlink()
    assert real.read_bytes() == expected


def test_regular_files_are_still_replaced_whole(tmp_path):
    out = tmp_path / "x.json"
    out.write_text("old")
    before = out.stat().st_ino
    fileio.write_json(out, {"a": 1})
    assert out.read_text() == '{\n  "a": 1\n}\n'
    assert out.stat().st_ino != before  # a new file renamed into place, not rewritten in place
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


# ---- 2. every failure to write is one line: the path and the cause --------------------------


def _cases(tmp_path: Path, spec: Path) -> dict[str, tuple[str, str]]:
    """name -> (the -o argument, the cause the message must give)."""
    (tmp_path / "somefile").write_text("")
    return {
        "proc": ("/proc/x.sql", "No such file or directory"),
        "missing-parent": (str(tmp_path / "no" / "x.sql"), "does not exist"),
        "parent-is-a-file": (str(tmp_path / "somefile" / "x.sql"), "is not a directory"),
        "directory": (str(tmp_path), "is a directory"),
        "disk-full": ("/dev/full", "No space left on device"),
        "the-spec-itself": (str(spec), "is the spec"),
    }


@pytest.mark.parametrize(
    "case",
    ["proc", "missing-parent", "parent-is-a-file", "directory", "disk-full", "the-spec-itself"],
)
def test_write_failures_are_one_line(tmp_path, spec, case):
    out, cause = _cases(tmp_path, spec)[case]
    if out == "/dev/full" and not os.path.exists(out):
        pytest.skip("no /dev/full here")
    before = {p.name: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    r = datagen("generate", str(spec), "-o", out)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"Error: cannot write {out}: "), lines[0]
    assert cause in lines[0]
    after = {p.name: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before  # no partial file, no temporary file, and the spec is intact


def test_spec_reached_through_another_name_is_refused(tmp_path, spec):
    other = tmp_path / "alias.yaml"
    os.link(spec, other)
    r = datagen("generate", str(spec), "-o", str(other))
    assert r.returncode == 1 and "is the spec" in r.stderr
    assert spec.read_bytes() == SHOP.read_bytes()


def _fail(exc: OSError):
    def raiser(*args, **kwargs):
        raise exc

    return raiser


def test_a_failed_rename_is_a_writer_error_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "replace", _fail(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    with pytest.raises(WriterError, match=r"^cannot write .*x\.sql: No space left on device$"):
        fileio.atomic_write(tmp_path / "x.sql", [b"abc"])
    assert list(tmp_path.iterdir()) == []


def test_a_failed_cleanup_never_hides_the_real_error(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "replace", _fail(OSError(errno.EIO, os.strerror(errno.EIO))))
    monkeypatch.setattr(Path, "unlink", _fail(PermissionError(errno.EACCES, "no")))
    with pytest.raises(WriterError, match="Input/output error"):
        fileio.atomic_write(tmp_path / "x.sql", [b"abc"])


def test_a_failed_write_is_a_writer_error(tmp_path, monkeypatch):
    class Full:
        def __init__(self, *a, **k):
            pass

        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def close(self):
            pass

    real_open = open
    monkeypatch.setattr(
        "builtins.open", lambda f, m="r", *a, **k: Full() if m == "xb" else real_open(f, m, *a, **k)
    )
    with pytest.raises(WriterError, match=r"x\.sql: No space left on device"):
        fileio.atomic_write(tmp_path / "x.sql", [b"abc"])


def test_errors_of_the_producer_are_not_dressed_up_as_write_errors(tmp_path):
    def pieces():
        yield b"a"
        raise OSError("cache object unreadable")

    with pytest.raises(OSError, match="cache object unreadable"):
        fileio.atomic_write(tmp_path / "x.sql", pieces())
    assert list(tmp_path.iterdir()) == []


def test_an_unopenable_special_file_is_one_line(tmp_path):
    import socket

    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        with pytest.raises(WriterError, match=r"^cannot write .*s\.sock: "):
            fileio.atomic_write(path, [b"abc"])
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


@pytest.mark.parametrize(
    "case",
    ["proc", "missing-parent", "parent-is-a-file", "directory", "disk-full", "the-spec-itself"],
)
def test_write_failures_in_process(tmp_path, spec, case, capsys):
    """The same table through datagen.cli.main in this process (what coverage sees)."""
    from datagen.cli import main

    out, cause = _cases(tmp_path, spec)[case]
    if out == "/dev/full" and not os.path.exists(out):
        pytest.skip("no /dev/full here")
    with pytest.raises(SystemExit) as info:
        main(["generate", str(spec), *SMALL, "-o", out])
    err = capsys.readouterr().err
    assert info.value.code == 1
    assert err.startswith(f"Error: cannot write {out}: ") and err.count("\n") == 1
    assert cause in err
