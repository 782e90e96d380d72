"""The layout of pg_dump's archives (version 1.14), shared by the writers (:mod:`.archive`) and
the reader (:mod:`.archive_read`): integers, strings, the header and the table of contents.

Version 1.14 is what pg_dump 12 to 15 write and every pg_restore from 12 to 18 reads. The layout,
read from PostgreSQL's ``pg_backup_archiver.c``, ``pg_backup_custom.c``, ``pg_backup_directory.c``
and ``pg_backup_tar.c``:

* a header: ``PGDMP``, the version bytes (1, 14, 0), the sizes of an int (4) and of an offset
  (8), the format (1: custom; 3: tar, which the directory format writes too), the compression
  level, the creation time (fixed here: a dump's bytes never depend on the day) and three strings
  (database name, server and pg_dump version);
* the table of contents: per entry its dump id, whether it has data, catalog ids, tag, kind,
  section, the SQL to create and drop it, the COPY statement, schema, tablespace, table access
  method, owner, the dump ids it depends on, then what the format adds: where the data block
  starts (custom) or the name of the data file (directory, tar);
* each table's data, the COPY text ending in ``\\.`` as pg_dump ends it: in the custom format a
  block (type 1, the dump id, then frames of a length and bytes, zlib-compressed when the level is
  above 0, closed by a zero length); in the directory format a file ``ID.dat.gz`` (gzip) or
  ``ID.dat``; in the tar format a member ``ID.dat`` (tar archives are never compressed).

Integers are a sign byte and four little-endian bytes; strings an int length (-1: none) and the
bytes.

Example:
    >>> text(None), text("ab")
    (b'\\x01\\x01\\x00\\x00\\x00', b'\\x00\\x02\\x00\\x00\\x00ab')
"""

from __future__ import annotations

from collections.abc import Iterable

import xxhash

from .toc import DATA, POST, PRE, Toc, TocEntry

MAGIC = b"PGDMP"
VERSION = (1, 14, 0)
INT_SIZE, OFF_SIZE = 4, 8
FORMAT_CUSTOM, FORMAT_TAR = 1, 3  # pg_backup.h's archCustom, archTar (directory writes archTar)
SECTION = {PRE: 2, DATA: 3, POST: 4}
OFFSET_NOT_SET, OFFSET_SET, OFFSET_NO_DATA = 1, 2, 3
BLOCK_DATA = 1
SERVER_VERSION = "15.0"  # a constant: what the archive says it was dumped from
FRAME = 1 << 20  # the most bytes one frame of a custom archive's data block holds
DEFAULT_LEVEL = 1  # fast: the archive is for fixtures, not for storage
TERMINATOR = b"\\.\n\n\n"  # as pg_dump ends a COPY: `pg_restore -f` output loads in psql
TAR_MTIME = 946684800  # 2000-01-01, the archive's creation time too
TAR_END = bytes(1024)  # two zero blocks end a tar archive


def integer(i: int) -> bytes:
    """pg_dump's WriteInt: a sign byte, then |i| in four little-endian bytes."""
    return bytes([1 if i < 0 else 0]) + abs(i).to_bytes(INT_SIZE, "little")


def text(s: str | None) -> bytes:
    """pg_dump's WriteStr: the UTF-8 length then the bytes; -1 for no string."""
    if s is None:
        return integer(-1)
    data = s.encode("utf-8")
    return integer(len(data)) + data


def header(fmt: int, level: int, dbname: str) -> bytes:
    out = MAGIC + bytes([*VERSION, INT_SIZE, OFF_SIZE, fmt]) + integer(level)
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


def has_data(e: TocEntry) -> bool:
    return e.desc == "TABLE DATA"


def entry(e: TocEntry, extra: bytes) -> bytes:
    """One entry of the table of contents; ``extra`` is what the format adds after it."""
    out = integer(e.dump_id) + integer(1 if has_data(e) else 0) + text("0") + text("0")
    out += text(e.tag) + text(e.desc) + integer(SECTION[e.section])
    out += text(e.defn) + text(e.drop_stmt) + text(e.copy_stmt)
    out += text(e.namespace) + text(None) + text(None) + text("") + text("false")
    return out + b"".join(text(str(d)) for d in e.dependencies) + text(None) + extra


def offset(e: TocEntry, at: int | None) -> bytes:
    """The custom format's extra: where the entry's data block starts (if known yet)."""
    if not has_data(e):
        return bytes([OFFSET_NO_DATA]) + bytes(OFF_SIZE)
    if at is None:  # the same size either way: a table of contents has one length
        return bytes([OFFSET_NOT_SET]) + bytes(OFF_SIZE)
    return bytes([OFFSET_SET]) + at.to_bytes(OFF_SIZE, "little")


def data_file(e: TocEntry) -> str:
    """The name pg_dump gives an entry's data file in a directory or tar archive."""
    return f"{e.dump_id}.dat" if has_data(e) else ""


def listed(toc: Toc) -> list[TocEntry]:
    """Every entry an archive lists: the session settings, then the dataset's."""
    entries = list(toc)
    return [*settings(len(entries)), *entries]


def toc_file(toc: Toc, level: int) -> bytes:
    """``toc.dat`` of a directory or tar archive: the header and the table of contents."""
    entries = listed(toc)
    head = header(FORMAT_TAR, level, toc.dataset_name) + integer(len(entries))
    return head + b"".join(entry(e, text(data_file(e))) for e in entries)


def table_of(e: TocEntry) -> str:
    assert e.table is not None
    return e.table


def contents_digest(head: bytes, tables: Iterable[tuple[int, int, str]]) -> tuple[int, str]:
    """(bytes, digest) of an archive from its head and (dump id, text length, text digest) per
    table, a table's text digest being that of its chunks' digests (each chunk's COPY text's
    xxh3-128), as a lock's table digest is."""
    h = xxhash.xxh3_128(head)
    size = len(head)
    for dump_id, n, digest in tables:
        h.update(f"{dump_id}\t{n}\t{digest}\n".encode())
        size += n + len(TERMINATOR)
    return size, h.hexdigest()
