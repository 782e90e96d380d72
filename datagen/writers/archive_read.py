"""Reading an archive back: its table of contents and each table's COPY text, streamed.

``datagen verify`` reads the archives in ``build/`` with this to check them against the lock on
any machine: the lock records what an archive holds (see :func:`.archive.contents_digest`), not
its compressed bytes, which depend on the zlib build. It reads what datagen writes (archive
version 1.14, 4-byte ints, 8-byte offsets; custom, directory and tar) and says plainly what it
cannot read, never guesses.

Example:
    >>> import io
    >>> from datagen.writers.pgdump import integer, text
    >>> r = _Reader(io.BytesIO(integer(-7) + text("ab") + text(None)))
    >>> r.int(), r.str(), r.str()
    (-7, 'ab', None)
"""

from __future__ import annotations

import gzip
import tarfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import xxhash

from ..fileio import combine_digests
from .pgdump import (
    BLOCK_DATA,
    FORMAT_CUSTOM,
    FORMAT_TAR,
    INT_SIZE,
    MAGIC,
    OFF_SIZE,
    OFFSET_NOT_SET,
    TERMINATOR,
    VERSION,
)

READ = 1 << 20


class ArchiveReadError(ValueError):
    """The file is not an archive this reader knows, or it is damaged."""


@dataclass(frozen=True)
class DataEntry:
    """A TABLE DATA entry: its dump id, schema and table, and where its data is."""

    dump_id: int
    namespace: str
    tag: str
    offset: int | None = None  # custom: where its block starts, when recorded
    file: str | None = None  # directory and tar: its data file

    @property
    def qualname(self) -> str:
        return f"{self.namespace}.{self.tag}"


class _Reader:
    """pg_dump's ReadInt and ReadStr over a binary file, remembering every byte read."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.seen = bytearray()

    def take(self, n: int) -> bytes:
        data = self.fh.read(n)
        if len(data) != n:
            raise ArchiveReadError("it ends early")
        self.seen += data
        return data

    def int(self) -> int:
        raw = self.take(1 + INT_SIZE)
        value = int.from_bytes(raw[1:], "little")
        return -value if raw[0] else value

    def str(self) -> str | None:
        n = self.int()
        if n < 0:
            return None
        try:
            return self.take(n).decode("utf-8")
        except UnicodeDecodeError:
            raise ArchiveReadError("a string of its table of contents is not UTF-8") from None


def read_head(fh: IO[bytes], fmt: int) -> tuple[bytes, int, list[DataEntry]]:
    """The header and table of contents (with any data offsets unset, as the lock reads them),
    the compression level and the TABLE DATA entries, from ``fh`` positioned at ``PGDMP``."""
    r = _Reader(fh)
    if r.take(len(MAGIC)) != MAGIC:
        raise ArchiveReadError("it does not start with PGDMP")
    version, int_size, off_size, got = r.take(3), *r.take(3)
    if tuple(version) != VERSION or (int_size, off_size) != (INT_SIZE, OFF_SIZE):
        raise ArchiveReadError(f"archive version {'.'.join(map(str, version))} is not 1.14")
    if got != fmt:
        raise ArchiveReadError(f"its format code is {got}, not {fmt}")
    level = r.int()
    for _ in range(7):
        r.int()  # creation time
    for _ in range(3):
        r.str()  # database, server and pg_dump versions
    entries = []
    for _ in range(r.int()):
        dump_id = r.int()
        r.int()  # has data
        _, _, tag, desc = (r.str() for _ in range(4))
        r.int()  # section
        defn_to_owner = [r.str() for _ in range(8)]
        while r.str() is not None:  # dependencies
            pass
        namespace = defn_to_owner[3] or ""
        if fmt == FORMAT_CUSTOM:
            at = len(r.seen)
            state, where = r.take(1)[0], int.from_bytes(r.take(OFF_SIZE), "little")
            if desc == "TABLE DATA":
                r.seen[at : at + 1 + OFF_SIZE] = bytes([OFFSET_NOT_SET]) + bytes(OFF_SIZE)
                where_set = where if state == 2 else None  # 1: not set (written to a pipe)
                entries.append(DataEntry(dump_id, namespace, tag or "", where_set))
        else:
            name = r.str() or ""
            if desc == "TABLE DATA":
                entries.append(DataEntry(dump_id, namespace, tag or "", file=name))
    return bytes(r.seen), level, entries


def _inflated(chunks: Iterator[bytes], wbits: int) -> Iterator[bytes]:
    d = zlib.decompressobj(wbits)
    try:
        for chunk in chunks:
            if out := d.decompress(chunk):
                yield out
        if tail := d.flush():
            yield tail
    except zlib.error as e:
        raise ArchiveReadError(f"its compressed data is damaged ({e})") from None
    if not d.eof or d.unused_data:
        raise ArchiveReadError("its compressed data is damaged or ends early")


def _blocks(fh: IO[bytes], e: DataEntry, level: int, data_start: int) -> Iterator[bytes]:
    """A custom archive's data block for ``e``: its frames, inflated when compressed. Without
    a recorded offset (an archive written to a pipe) the blocks before it are skipped."""
    fh.seek(e.offset if e.offset is not None else data_start)
    r = _Reader(fh)
    while True:
        if r.take(1)[0] != BLOCK_DATA:
            raise ArchiveReadError(f"the data of entry {e.dump_id} is not a data block")
        if r.int() == e.dump_id:
            break
        if e.offset is not None:
            raise ArchiveReadError(f"the data block of entry {e.dump_id} is not where it says")
        while n := r.int():  # another table's block
            fh.seek(n, 1)
        r.seen.clear()

    def frames() -> Iterator[bytes]:
        while n := r.int():
            yield r.take(n)
            r.seen.clear()

    return _inflated(frames(), 15) if level else frames()


@dataclass
class Archive:
    """An archive opened for reading: its head and each table's COPY text, in TOC order."""

    head: bytes
    level: int
    entries: list[DataEntry]
    path: Path
    fmt: str

    def text(self, e: DataEntry) -> Iterator[bytes]:
        """The COPY text of ``e``, as the archive holds it (ending in ``\\.``), in blocks."""
        if self.fmt == "custom":
            with open(self.path, "rb") as fh:
                yield from _blocks(fh, e, self.level, len(self.head))
        elif self.fmt == "directory":
            plain, packed = self.path / (e.file or ""), self.path / f"{e.file}.gz"
            if packed.is_file():
                try:
                    with gzip.open(packed, "rb") as fh:
                        yield from iter(lambda: fh.read(READ), b"")
                except (gzip.BadGzipFile, EOFError, zlib.error) as err:
                    raise ArchiveReadError(f"{packed.name} is damaged ({err})") from None
            elif plain.is_file():
                with open(plain, "rb") as fh:
                    yield from iter(lambda: fh.read(READ), b"")
            else:
                raise ArchiveReadError(f"its data file {e.file} (or {e.file}.gz) is missing")
        else:
            try:
                with tarfile.open(self.path, "r:") as tar:
                    member = tar.extractfile(e.file or "")
                    if member is None:
                        raise ArchiveReadError(f"member {e.file} is not a file")
                    yield from iter(lambda: member.read(READ), b"")
            except (KeyError, tarfile.TarError) as err:
                raise ArchiveReadError(f"its member {e.file} cannot be read ({err})") from None


def text_digest(blocks: Iterable[bytes], rows: list[int]) -> tuple[int, str]:
    """(length, digest) of a table's COPY text cut into chunks of ``rows`` rows (a row is one
    line: COPY escapes newlines in values), the digest being that of the chunks' digests, as
    a build's manifest has it; the text must end in exactly the ``\\.`` terminator."""
    digests: list[str] = []
    h, size, i, tail = xxhash.xxh3_128(), 0, 0, bytearray()
    left = rows[0] if rows else 0

    def close() -> None:
        nonlocal h, i, left
        digests.append(h.hexdigest())
        h, i = xxhash.xxh3_128(), i + 1
        left = rows[i] if i < len(rows) else 0

    for block in blocks:
        view = memoryview(block)
        while len(view):
            while i < len(rows) and left == 0:
                close()  # a chunk of no rows
            if i == len(rows):
                tail += view
                if len(tail) > len(TERMINATOR):
                    raise ArchiveReadError("a table holds more rows than the spec gives it")
                break
            lines = np.flatnonzero(np.frombuffer(view, np.uint8) == 10)
            if len(lines) < left:
                h.update(view)
                size += len(view)
                left -= len(lines)
                break
            cut = int(lines[left - 1]) + 1
            h.update(view[:cut])
            size += cut
            left = 0
            view = view[cut:]
    while i < len(rows) and left == 0:
        close()
    if i < len(rows) or bytes(tail) != TERMINATOR:
        raise ArchiveReadError("a table holds fewer rows than the spec gives it, or no \\. end")
    return size, combine_digests(digests)


def open_archive(path: Path, fmt: str) -> Archive:
    """Read the head of the archive at ``path`` in format ``fmt``; ArchiveReadError says why not
    (OSError when it cannot be read at all)."""
    try:
        if fmt == "custom":
            with open(path, "rb") as fh:
                head, level, entries = read_head(fh, FORMAT_CUSTOM)
        elif fmt == "directory":
            with open(path / "toc.dat", "rb") as fh:
                head, level, entries = read_head(fh, FORMAT_TAR)
        else:
            with tarfile.open(path, "r:") as tar:
                member = tar.extractfile("toc.dat")
                if member is None:
                    raise ArchiveReadError("its toc.dat is not a file")
                head, level, entries = read_head(member, FORMAT_TAR)
    except (tarfile.TarError, KeyError) as e:
        raise ArchiveReadError(f"not a readable tar archive ({e})") from None
    return Archive(head, level, entries, path, fmt)


__all__ = ["Archive", "ArchiveReadError", "DataEntry", "open_archive", "text_digest"]
