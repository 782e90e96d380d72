"""pg_dump's archive formats, for ``pg_restore``: ``custom`` (``pg_dump -Fc``), ``directory``
(``-Fd``) and ``tar`` (``-Ft``), at archive version 1.14.

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
bytes. Compressed data comes as per-chunk pieces (:mod:`.deflate`), made in parallel and, in a
build, cached: the writers only stitch them.

Example:
    >>> text(None), text("ab")
    (b'\\x01\\x01\\x00\\x00\\x00', b'\\x00\\x02\\x00\\x00\\x00ab')
"""

from __future__ import annotations

import itertools
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, BinaryIO

import xxhash

from . import (
    deflate,
    plain,  # noqa: F401  (registered first: the default format leads every list)
)
from .base import ChunkSizes, Files, TableData, Writer, register
from .codecs import copy_encoding
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


def _table(e: TocEntry) -> str:
    assert e.table is not None
    return e.table


def _frames(stream: Iterable[bytes]) -> Iterator[bytes]:
    """A custom archive's data frames: (length, bytes) of at most :data:`FRAME` bytes each."""
    for part in stream:
        for at in range(0, len(part), FRAME):
            piece = part[at : at + FRAME]
            yield integer(len(piece)) + piece


def _framed_size(n: int) -> int:
    """The bytes :func:`_frames` makes of a part of ``n`` bytes."""
    return n + (INT_SIZE + 1) * -(-n // FRAME)


def archive_contents(
    writer: Writer, toc: Toc, table_text: Callable[[str], tuple[int, str]]
) -> tuple[int, str]:
    """(bytes, digest) of what an archive holds, whatever zlib compressed it: its header and
    table of contents (with the data offsets unset) and, per table, the length and digest of
    its COPY text (``table_text(qualname)``: from the chunks' metas, without reading them).

    Deflate's bytes depend on the zlib build (zlib-ng's differ from zlib's), so a lock records
    this for an archive instead of the file's digest, and it holds on any machine.
    :mod:`.archive_read` computes the same from an archive on disk.
    """
    data = [(e.dump_id, *table_text(_table(e))) for e in listed(toc) if has_data(e)]
    return contents_digest(writer.contents_head(toc), data)


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


class Compressed(Writer):
    """An archive format whose table data is zlib-compressed at ``level`` (0: stored)."""

    levels = range(10)
    archive = True

    def __init__(self, level: int = DEFAULT_LEVEL) -> None:
        self.level = level
        self.encoding = copy_encoding(level)

    def contents_head(self, toc: Toc) -> bytes:
        return toc_file(toc, self.level)

    def terminator(self) -> bytes:
        """The ``\\.`` ending, encoded as a chunk is (a piece of its own when compressed)."""
        return deflate.piece(TERMINATOR, self.level) if self.level else TERMINATOR

    def chunks(self, table_data: TableData, e: TocEntry) -> Iterator[bytes]:
        yield from table_data(_table(e))
        yield self.terminator()


@register("custom")
class CustomWriter(Compressed):
    """``pg_dump -Fc``: one file; restore with ``pg_restore`` (``-l``, ``-t``, ``-j N``...).

    The table of contents records where each data block starts, so ``pg_restore -j`` seeks
    straight to them. With the chunks' sizes known (a build) the offsets are computed first; when
    not (``generate``) the table of contents is written with the offsets unset, the data streams
    behind it, and :meth:`finish` writes it again with the offsets where the file can seek, as
    pg_dump does (to a pipe they stay unset: pg_restore then reads the blocks in order).
    """

    pattern = "{name}.dump"
    encoding = copy_encoding(DEFAULT_LEVEL)

    def __init__(self, level: int = DEFAULT_LEVEL) -> None:
        super().__init__(level)
        self._rewrite: bytes | None = None

    def contents_head(self, toc: Toc) -> bytes:
        return self._head(toc, listed(toc), None)

    def _head(self, toc: Toc, entries: list[TocEntry], at: dict[int, int] | None) -> bytes:
        head = header(FORMAT_CUSTOM, self.level, toc.dataset_name) + integer(len(entries))
        where = at or {}
        return head + b"".join(entry(e, offset(e, where.get(e.dump_id))) for e in entries)

    def _block(self, e: TocEntry, table_data: TableData) -> Iterator[bytes]:
        yield bytes([BLOCK_DATA]) + integer(e.dump_id)
        chunks = self.chunks(table_data, e)
        if self.level:
            yield from _frames(deflate.zlib_stream(chunks, self.level))
        else:
            yield from _frames(chunks)
        yield integer(0)

    def _block_size(self, sizes: list[int]) -> int:
        """The bytes of a data block whose chunks have ``sizes``, known before any is read."""
        parts = [*sizes, len(self.terminator())]
        if self.level:
            parts = [2, *(n - deflate.HEAD.size for n in parts), 6]  # zlib head, bodies, end
        return 1 + INT_SIZE + 1 + sum(map(_framed_size, parts)) + INT_SIZE + 1

    def pieces(
        self, toc: Toc, table_data: TableData, chunk_sizes: ChunkSizes | None = None
    ) -> Iterator[bytes]:
        entries = listed(toc)
        data = [e for e in entries if has_data(e)]
        self._rewrite = None
        head_size = len(self._head(toc, entries, None))
        if chunk_sizes is not None:
            at, starts = head_size, {}
            for e in data:
                starts[e.dump_id] = at
                at += self._block_size(chunk_sizes(_table(e)))
            yield self._head(toc, entries, starts)
            for e in data:
                yield from self._block(e, table_data)
            return
        yield self._head(toc, entries, None)
        at, starts = head_size, {}
        for e in data:
            starts[e.dump_id] = at
            for part in self._block(e, table_data):
                at += len(part)
                yield part
        self._rewrite = self._head(toc, entries, starts)

    def finish(self, fh: BinaryIO) -> None:
        """Write the table of contents again with the data offsets, where ``fh`` can seek."""
        if self._rewrite is None or not _seekable(fh):
            return
        end = fh.tell()
        fh.seek(0)
        fh.write(self._rewrite)
        fh.seek(end)
        self._rewrite = None


def _seekable(fh: BinaryIO) -> bool:
    """Whether the table of contents can be written again: a sink with no ``seekable`` (a
    write-only object) or a closed or failing one cannot."""
    try:
        return bool(getattr(fh, "seekable", lambda: False)())
    except (OSError, ValueError):
        return False


@register("directory")
class DirectoryWriter(Compressed):
    """``pg_dump -Fd``: a directory of ``toc.dat`` and one gzip file per table
    (``ID.dat.gz``; ``ID.dat`` uncompressed at level 0); ``pg_restore -j N`` reads it."""

    pattern = "{name}.dir"
    encoding = copy_encoding(DEFAULT_LEVEL)
    directory = True

    def files(
        self, toc: Toc, table_data: TableData, chunk_sizes: ChunkSizes | None = None
    ) -> Files:
        yield "toc.dat", [toc_file(toc, self.level)]
        for e in listed(toc):
            if not has_data(e):
                continue
            chunks = self.chunks(table_data, e)
            if self.level:
                yield data_file(e) + ".gz", deflate.gzip_stream(chunks)
            else:
                yield data_file(e), chunks


def tar_header(name: str, size: int) -> bytes:
    """A ustar member header as pg_dump writes them (mode 0600, uid 04000, gid 02000), with a
    fixed time."""
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.uid, info.gid, info.mtime = size, 0o600, 0o4000, 0o2000, TAR_MTIME
    return info.tobuf(tarfile.USTAR_FORMAT, "utf-8", "strict")


def _padding(size: int) -> bytes:
    return bytes(-size % tarfile.BLOCKSIZE)


@register("tar")
class TarWriter(Writer):
    """``pg_dump -Ft``: one tar file of ``toc.dat`` and ``ID.dat`` per table, never compressed
    (pg_restore reads tar archives uncompressed only); ``pg_restore`` reads it in order.

    A member's header states its size, so a table's data is measured first: from the chunks'
    sizes in a build, else by spooling it to a temporary file (memory stays flat)."""

    pattern = "{name}.tar"
    encoding = "copy"
    archive = True

    def contents_head(self, toc: Toc) -> bytes:
        return toc_file(toc, 0)

    def pieces(
        self, toc: Toc, table_data: TableData, chunk_sizes: ChunkSizes | None = None
    ) -> Iterator[bytes]:
        head = toc_file(toc, 0)
        yield tar_header("toc.dat", len(head)) + head + _padding(len(head))
        for e in listed(toc):
            if not has_data(e):
                continue
            if chunk_sizes is not None:
                size = sum(chunk_sizes(_table(e))) + len(TERMINATOR)
                yield tar_header(data_file(e), size)
                yield from table_data(_table(e))
                yield TERMINATOR + _padding(size)
                continue
            with tempfile.TemporaryFile() as spool:
                size = _spool(spool, itertools.chain(table_data(_table(e)), [TERMINATOR]))
                yield tar_header(data_file(e), size)
                spool.seek(0)
                while block := spool.read(1 << 20):
                    yield block
                yield _padding(size)
        yield TAR_END


def _spool(spool: IO[bytes], parts: Iterable[bytes]) -> int:
    return sum(spool.write(p) for p in parts)
