"""The content-addressed store: ``cache/objects/<ab>/<key>.<kind>`` plus a meta file beside it.

An object is written to a temporary name and renamed, then its meta (the key document, size,
digest) is written the same way. An object counts only when its meta exists and agrees with it,
so a build killed at any moment (SIGKILL included) leaves either a whole object or nothing usable,
and racing builds only ever rename whole files over identical content.

Example:
    >>> import tempfile
    >>> c = Cache(tempfile.mkdtemp())
    >>> meta = c.put("ab12", "copy", [b"1\\n", b"2\\n"], {"kind": "chunk"})
    >>> c.valid("ab12", "copy"), c.read("ab12", "copy")
    (True, b'1\\n2\\n')
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import xxhash

from ..errors import CacheError
from ..fileio import READ_SIZE, atomic_write, file_digest, read_json, write_json

TMP_GRACE = 3600  # seconds a temporary file is left alone by gc


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
        return read_json(self.meta_path(key, kind))

    def put(
        self, key: str, kind: str, pieces: Iterable[bytes], document: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        """Store an object and its meta; returns the meta."""
        path = self.path(key, kind)
        size, dig = atomic_write(path, pieces, durable=False)  # checked on read, not synced
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
        if st.st_size != meta["size"]:
            return False
        if not deep and st.st_mtime_ns == meta["mtime_ns"]:
            return True
        return file_digest(self.path(key, kind))[1] == meta["digest"]

    def stream(self, key: str, kind: str) -> Iterator[bytes]:
        """The object's bytes in blocks; CacheError at the end if they do not match the meta."""
        meta = self.meta(key, kind)
        if meta is None:
            raise CacheError(f"cache object {key}.{kind} is missing its meta")
        h = xxhash.xxh3_128()
        size = 0
        try:
            with open(self.path(key, kind), "rb") as fh:
                while block := fh.read(READ_SIZE):
                    h.update(block)
                    size += len(block)
                    yield block
        except FileNotFoundError:
            raise CacheError(f"cache object {key}.{kind} is missing") from None
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

    def gc(self, keep: set[tuple[str, str]]) -> tuple[int, int]:
        """Remove every object (and temporary file) not in ``keep``; returns (files, bytes)."""
        files = size = 0
        for key, kind, p in list(self.entries()):
            if (key, kind) in keep:
                continue
            if p.name.startswith("."):  # temporary file of an interrupted (or running) write
                if time.time() - p.stat().st_mtime < TMP_GRACE:
                    continue  # another build may be writing it right now
                size += p.stat().st_size
                p.unlink(missing_ok=True)
                files += 1
                continue
            size += p.stat().st_size
            self.remove(key, kind)
            files += 1
        for sub in list(self.objects.iterdir()) if self.objects.exists() else []:
            if sub.is_dir() and not any(sub.iterdir()):
                sub.rmdir()
        return files, size
