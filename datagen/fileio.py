"""Files written whole or not at all: a temporary name, then a rename.

Every file datagen writes (dumps, cache objects, metas, locks) goes through :func:`atomic_write`,
so an interrupted run never leaves a half-written file under the real name, and the next write of
the same file removes the temporary files of writers that were killed.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.json"
    >>> write_json(p, {"b": 1, "a": "é"})
    >>> p.read_text("utf-8")
    '{\\n  "a": "é",\\n  "b": 1\\n}\\n'
"""

from __future__ import annotations

import glob
import json
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import xxhash

READ_SIZE = 1 << 20


def atomic_write(path: Path, pieces: Iterable[bytes]) -> tuple[int, str]:
    """Write ``pieces`` to ``path`` via a temporary file and a rename; returns (size, xxh3-128)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    h = xxhash.xxh3_128()
    size = 0
    try:
        with open(tmp, "wb") as fh:
            for piece in pieces:
                fh.write(piece)
                h.update(piece)
                size += len(piece)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _remove_orphans(path)
    return size, h.hexdigest()


def _remove_orphans(path: Path) -> None:
    """Delete temporary files left for ``path`` by writers that were killed (their pid is gone)."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = stale.name[len(path.name) + 2 :].split(".")[0]
        if pid.isdigit() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie nobody reaped does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def stable_json(doc: Any) -> str:
    """JSON that rewrites byte for byte: sorted keys, 2-space indent, UTF-8, final newline."""
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def read_json(path: Path) -> Any:
    """A JSON file's content, or None when it is missing or not whole JSON."""
    try:
        return json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def write_json(path: Path, doc: Any) -> None:
    """:func:`stable_json`, written atomically."""
    atomic_write(path, [stable_json(doc).encode("utf-8")])


def file_digest(path: Path) -> tuple[int, str]:
    """(size, xxh3-128) of a file, read in blocks."""
    h = xxhash.xxh3_128()
    size = 0
    with open(path, "rb") as fh:
        while block := fh.read(READ_SIZE):
            h.update(block)
            size += len(block)
    return size, h.hexdigest()
