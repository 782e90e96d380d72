"""The content-addressed store: ``cache/objects/<ab>/<key>.<kind>`` plus a meta file beside it.

An object is written to a temporary name and renamed, then its meta (the key document, size,
digest) is written the same way. An object counts only when its meta exists and agrees with it,
so a build killed at any moment (SIGKILL included) leaves either a whole object or nothing usable,
and racing builds only ever rename whole files over identical content.

Every meta names its own key and kind and is checked against the ones asked for, so an object and
its meta copied over another's are a miss, not a hit; a meta that is not a JSON object with every
field of the right type is a miss too (with a warning on stderr), and the next build replaces it.

Example:
    >>> import tempfile
    >>> c = Cache(tempfile.mkdtemp())
    >>> meta = c.put("ab12", "copy", [b"1\\n", b"2\\n"], {"kind": "chunk"}, rows=2, key_digest=None)
    >>> c.valid("ab12", "copy"), c.read("ab12", "copy")
    (True, b'1\\n2\\n')
    >>> c.meta("cd34", "copy") is None   # missing
    True
"""

from __future__ import annotations

import contextlib
import json
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import xxhash

from ..errors import CacheError
from ..fileio import READ_SIZE, atomic_write, file_digest, write_json

TMP_GRACE = 3600  # seconds a temporary file is left alone by gc

_warned: set[str] = set()


def warn(message: str) -> None:
    """One warning line on stderr, once per process and message."""
    if message not in _warned:
        _warned.add(message)
        print(f"datagen: warning: {message}", file=sys.stderr)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _is_digest(v: Any) -> bool:
    return isinstance(v, str) and len(v) == 32 and all(c in "0123456789abcdef" for c in v)


def _manifest_problem(m: Any, key: str) -> str | None:
    """What is wrong with a table manifest (None when it is whole)."""
    if not isinstance(m, dict):
        return "its manifest is not an object"
    if m.get("input_key") != key:
        return "its manifest names another table"
    encs = m.get("encodings")
    if not _is_int(m.get("rows")) or not isinstance(encs, dict) or not encs:
        return "its manifest lacks rows or encodings"
    for e in encs.values():
        if not isinstance(e, dict) or not (_is_int(e.get("bytes")) and _is_digest(e.get("digest"))):
            return "its manifest has a malformed encoding"
    if not (m.get("key_digest") is None or _is_digest(m.get("key_digest"))):
        return "its manifest has a malformed key digest"
    chunks = m.get("chunks")
    if not isinstance(chunks, list) or not all(isinstance(c, str) for c in chunks):
        return "its manifest has a malformed chunk list"
    return None


def meta_problem(meta: Any, key: str, kind: str) -> str | None:
    """Why ``meta`` is not the whole meta of object ``key.kind`` (None when it is).

    Table metas carry a manifest; every other kind is a chunk encoding with its row count and the
    digest of its key columns.
    """
    if not isinstance(meta, dict):
        return "it is not a JSON object"
    if meta.get("key") != key or meta.get("kind") != kind:
        return f"it names another object ({meta.get('key')}.{meta.get('kind')})"
    if not _is_int(meta.get("size")) or not _is_int(meta.get("mtime_ns")):
        return "its size or mtime is missing or not a number"
    if not _is_digest(meta.get("digest")) or not isinstance(meta.get("document"), dict):
        return "its digest or key document is missing or malformed"
    if kind == "table":
        return _manifest_problem(meta.get("manifest"), key)
    kd = meta.get("key_digest")
    if not _is_int(meta.get("rows")) or not (kd is None or _is_digest(kd)):
        return "its row count or key digest is missing or malformed"
    return None


class Cache:
    """Objects keyed by input key and kind (``copy``, ``inserts``, ``table``...)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.objects = self.root / "objects"

    def path(self, key: str, kind: str) -> Path:
        return self.objects / key[:2] / f"{key}.{kind}"

    def meta_path(self, key: str, kind: str) -> Path:
        return self.objects / key[:2] / f"{key}.{kind}.meta.json"

    def meta(self, key: str, kind: str) -> dict[str, Any] | None:
        """The object's meta, or None when it is missing, malformed or names another object
        (both warned about: the object counts as missing and the next build replaces it)."""
        path = self.meta_path(key, kind)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            warn(f"cannot read {path} ({e.strerror or e}); its object will be made again")
            return None
        try:
            meta = json.loads(data.decode("utf-8"))
        except ValueError:
            meta = ValueError  # not JSON (or not UTF-8): meta_problem says so
        problem = meta_problem(meta, key, kind)
        if problem is not None:
            warn(f"{path} is malformed ({problem}); its object will be made again")
            return None
        return meta

    def put(
        self,
        key: str,
        kind: str,
        pieces: Iterable[bytes | memoryview],
        document: dict[str, Any],
        expect: tuple[int, str] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Store an object and its meta; returns the meta. With ``expect`` (size, digest), bytes
        that differ are removed again, unvouched for by any meta, and raise CacheError."""
        path = self.path(key, kind)
        size, dig = atomic_write(path, pieces, durable=False)  # checked on read, not synced
        if expect is not None and (size, dig) != tuple(expect):
            path.unlink(missing_ok=True)
            raise CacheError(f"cache object {key}.{kind} is damaged (digest mismatch)")
        st = path.stat()
        meta = {
            "key": key,
            "kind": kind,
            "size": size,
            "digest": dig,
            "mtime_ns": st.st_mtime_ns,
            "document": document,
            **extra,
        }
        write_json(self.meta_path(key, kind), meta, durable=False)
        return meta

    def valid(self, key: str, kind: str, deep: bool = False) -> bool:
        """Whether the object is whole: its meta exists and size (and digest) agree.

        The digest is read only when the file's size or mtime differ from the meta's, or with
        ``deep``: any write to the file changes its mtime, so a truncated or edited object is
        always caught.
        """
        meta = self.meta(key, kind)
        if meta is None:
            return False
        try:
            st = self.path(key, kind).stat()
        except FileNotFoundError:
            return False
        if not stat.S_ISREG(st.st_mode) or st.st_size != meta["size"]:
            return False
        if not deep and st.st_mtime_ns == meta["mtime_ns"]:
            return True
        return file_digest(self.path(key, kind))[1] == meta["digest"]

    def stream(self, key: str, kind: str) -> Iterator[bytes]:
        """The object's bytes in blocks; CacheError at the end if they do not match the meta."""
        meta = self.meta(key, kind)
        if meta is None:
            raise CacheError(f"cache object {key}.{kind} is missing a whole meta")
        h = xxhash.xxh3_128()
        size = 0
        try:
            with open(self.path(key, kind), "rb") as fh:
                while block := fh.read(READ_SIZE):
                    h.update(block)
                    size += len(block)
                    yield block
        except OSError:
            raise CacheError(f"cache object {key}.{kind} is missing or unreadable") from None
        if size != meta["size"] or h.hexdigest() != meta["digest"]:
            raise CacheError(f"cache object {key}.{kind} is damaged (digest mismatch)")

    def read(self, key: str, kind: str) -> bytes:
        return b"".join(self.stream(key, kind))

    def remove(self, key: str, kind: str) -> None:
        self.meta_path(key, kind).unlink(missing_ok=True)
        self.path(key, kind).unlink(missing_ok=True)

    def entries(self) -> Iterator[tuple[str, str, Path]]:
        """(key, kind, path) of every data file in the store, and of stray temporary files."""
        if not self.objects.exists():
            return
        for sub in sorted(self.objects.iterdir()):
            for p in sorted(sub.iterdir()):
                if p.name.endswith(".meta.json"):
                    continue
                key, _, kind = p.name.partition(".")
                yield key, kind, p

    def gc(self, keep: set[tuple[str, str]], since_ns: int | None = None) -> tuple[int, int]:
        """Remove every object (and temporary file) not in ``keep``; returns (files, bytes).
        With ``since_ns``, an object whose file or meta was written at or after that time stays:
        a build running beside this one may have just made it, and need it."""
        files = size = 0
        for key, kind, p in list(self.entries()):
            if (key, kind) in keep or (
                since_ns is not None and self._since(key, kind, p, since_ns)
            ):
                continue
            try:
                st = p.stat()
            except FileNotFoundError:
                continue  # another gc removed it meanwhile
            if p.name.startswith("."):  # temporary file of an interrupted (or running) write
                if time.time() - st.st_mtime < TMP_GRACE:
                    continue  # another build may be writing it right now
                p.unlink(missing_ok=True)
            else:
                self.remove(key, kind)
            size += st.st_size
            files += 1
        if since_ns is not None:  # a build's own prune: another build may be about to write
            return files, size  # into an empty folder (made, then written: never removed between)
        for sub in list(self.objects.iterdir()) if self.objects.exists() else []:
            with contextlib.suppress(OSError):  # not empty, or gone: another build's business
                if sub.is_dir() and not any(sub.iterdir()):
                    sub.rmdir()
        return files, size

    def _since(self, key: str, kind: str, path: Path, since_ns: int) -> bool:
        """Whether the object's file or its meta was written at or after ``since_ns`` (or is
        gone: another gc got there first)."""
        for p in (path, self.meta_path(key, kind)):
            try:
                if p.stat().st_mtime_ns >= since_ns:
                    return True
            except FileNotFoundError:
                if p == path:
                    return True
        return False
