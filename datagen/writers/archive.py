"""pg_dump's custom archive format (``pg_dump -Fc``, archive version 1.14), for ``pg_restore``.

Version 1.14 is what pg_dump 12 to 15 write and every pg_restore from 12 to 18 reads. The layout,
read from PostgreSQL's ``pg_backup_archiver.c`` and ``pg_backup_custom.c``:

* a header: ``PGDMP``, the version bytes (1, 14, 0), the sizes of an int (4) and of an offset
  (8), the format (1: custom), the compression level, the creation time (fixed here: a dump's
  bytes never depend on the day) and three strings (database name, server and pg_dump version);
* the table of contents: per entry its dump id, whether it has data, catalog ids, tag, kind,
  section, the SQL to create and drop it, the COPY statement, schema, tablespace, table access
  method, owner, the dump ids it depends on, and where its data block starts;
* one data block per table: a block type (1), the dump id, then the COPY text (ending in ``\\.``)
  in frames of a length and bytes, zlib-compressed when the level is above 0, closed by a
  zero-length frame.

Integers are a sign byte and four little-endian bytes; strings an int length (-1: none) and the
bytes. Each table's data block is made into a temporary file before anything is written, so the
table of contents records where every block starts (``pg_restore -j`` seeks straight to them)
and the archive still streams, to a pipe too, in memory that does not grow with rows.

Example:
    >>> text(None), text("ab")
    (b'\\x01\\x01\\x00\\x00\\x00', b'\\x00\\x02\\x00\\x00\\x00ab')
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Iterator
from typing import IO

from . import plain  # noqa: F401  (registered first: the default format leads every list)
from .base import TableData, TableSize, Writer, register
from .toc import DATA, POST, PRE, Toc, TocEntry

MAGIC = b"PGDMP"
VERSION = (1, 14, 0)
INT_SIZE, OFF_SIZE = 4, 8
FORMAT_CUSTOM = 1
SECTION = {PRE: 2, DATA: 3, POST: 4}
OFFSET_NOT_SET, OFFSET_SET, OFFSET_NO_DATA = 1, 2, 3
BLOCK_DATA = 1
SERVER_VERSION = "15.0"  # a constant: what the archive says it was dumped from
FRAME = 1 << 16  # uncompressed bytes per compressor call: frames stay small for any table
DEFAULT_LEVEL = 1  # fast: the archive is for fixtures, not for storage


def integer(i: int) -> bytes:
    """pg_dump's WriteInt: a sign byte, then |i| in four little-endian bytes."""
    return bytes([1 if i < 0 else 0]) + abs(i).to_bytes(INT_SIZE, "little")


def text(s: str | None) -> bytes:
    """pg_dump's WriteStr: the UTF-8 length then the bytes; -1 for no string."""
    if s is None:
        return integer(-1)
    data = s.encode("utf-8")
    return integer(len(data)) + data


def header(level: int, dbname: str) -> bytes:
    out = MAGIC + bytes([*VERSION, INT_SIZE, OFF_SIZE, FORMAT_CUSTOM]) + integer(level)
    # creation time as struct tm (sec, min, hour, mday, mon, year - 1900, isdst): 2000-01-01
    out += b"".join(integer(v) for v in (0, 0, 0, 1, 0, 100, 0))
    return out + text(dbname) + text(SERVER_VERSION) + text(SERVER_VERSION)


def settings(after: int) -> list[TocEntry]:
    """The session settings pg_dump records first (pg_restore applies them to its connection,
    and to a script it writes): the encoding, standard strings (without it pg_restore assumes
    ``off``, and a backslash in a quoted name or label would become an escape) and an empty
    search path. Their dump ids follow the dataset's entries."""
    sets = [
        ("ENCODING", "SET client_encoding = 'UTF8';\n"),
        ("STDSTRINGS", "SET standard_conforming_strings = 'on';\n"),
        ("SEARCHPATH", "SELECT pg_catalog.set_config('search_path', '', false);\n"),
    ]
    return [
        TocEntry(after + i, tag, tag, None, PRE, defn, "") for i, (tag, defn) in enumerate(sets, 1)
    ]


def toc_entry(e: TocEntry, offset: int | None = None) -> bytes:
    has_data = e.desc == "TABLE DATA"
    out = integer(e.dump_id) + integer(1 if has_data else 0) + text("0") + text("0")
    out += text(e.tag) + text(e.desc) + integer(SECTION[e.section])
    out += text(e.defn) + text(e.drop_stmt) + text(e.copy_stmt)
    out += text(e.namespace) + text(None) + text(None) + text("") + text("false")
    out += b"".join(text(str(d)) for d in e.dependencies) + text(None)
    if not has_data:
        return out + bytes([OFFSET_NO_DATA]) + bytes(OFF_SIZE)
    if offset is None:  # the same size either way: a table of contents has one length
        return out + bytes([OFFSET_NOT_SET]) + bytes(OFF_SIZE)
    return out + bytes([OFFSET_SET]) + offset.to_bytes(OFF_SIZE, "little")


def frames(chunks: Iterator[bytes], level: int) -> Iterator[bytes]:
    """The data stream as pg_dump frames it: (length, bytes) frames, a zero length to close."""
    comp = zlib.compressobj(level) if level else None
    for chunk in chunks:
        for at in range(0, len(chunk), FRAME):
            piece = chunk[at : at + FRAME]
            out = comp.compress(piece) if comp is not None else piece
            if out:
                yield integer(len(out)) + out
    if comp is not None:
        tail = comp.flush()
        if tail:
            yield integer(len(tail)) + tail
    yield integer(0)


@register("custom")
class CustomWriter(Writer):
    """``pg_dump -Fc``: restore with ``pg_restore`` (``-l``, ``-t``, ``--section``, ``-j N``)."""

    pattern = "{name}.dump"
    encoding = "copy"
    level: int = DEFAULT_LEVEL  # zlib's, 0 to 9 (0: the data as it is); --compress sets it
    #: not in builds yet: deflate's bytes depend on the zlib build, so a lock would need a
    #: digest of the archive's contents, and a rebuild per-chunk compression (issue 9)
    buildable = False

    def pieces(
        self, toc: Toc, table_data: TableData, table_size: TableSize | None = None
    ) -> Iterator[bytes]:
        entries = list(toc)
        special = settings(len(entries))
        listed = [*special, *entries]
        head = header(self.level, toc.dataset_name)
        # the data blocks are made first, into one temporary file (memory stays flat), so the
        # table of contents can say where each block starts: pg_restore -j seeks to them
        with tempfile.TemporaryFile() as spool:
            starts: dict[int, int] = {}
            for e in entries:
                if e.desc == "TABLE DATA":
                    starts[e.dump_id] = spool.tell()
                    _spool(spool, e, table_data, self.level)
            base = len(head) + len(integer(len(listed))) + sum(map(len, map(toc_entry, listed)))
            yield head + integer(len(listed))
            for e in listed:
                at = starts.get(e.dump_id)
                yield toc_entry(e, None if at is None else base + at)
            spool.seek(0)
            while piece := spool.read(1 << 20):
                yield piece


def _spool(spool: IO[bytes], e: TocEntry, table_data: TableData, level: int) -> int:
    """Write the data block of entry ``e`` to ``spool``; its size."""
    assert e.table is not None
    qualname = e.table

    def rows() -> Iterator[bytes]:
        yield from table_data(qualname)
        yield b"\\.\n\n\n"  # as pg_dump ends a COPY: `pg_restore -f` output loads in psql

    size = spool.write(bytes([BLOCK_DATA]) + integer(e.dump_id))
    for frame in frames(rows(), level):
        size += spool.write(frame)
    return size
