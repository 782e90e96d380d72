"""pg_dump's archive formats, for ``pg_restore``: ``custom`` (``pg_dump -Fc``), ``directory``
(``-Fd``) and ``tar`` (``-Ft``), at archive version 1.14 (the layout: :mod:`.pgdump`).

Compressed data comes as per-chunk pieces (:mod:`.deflate`), made in parallel and, in a build,
cached: the writers only stitch them into each table's zlib (custom) or gzip (directory) stream.
The custom format's data blocks are frames of a length and bytes, closed by a zero length; the
directory format's data files are ``ID.dat.gz`` (``ID.dat`` uncompressed); the tar format's
members ``ID.dat``, never compressed.
"""

from __future__ import annotations

import fcntl
import io
import itertools
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, BinaryIO

from . import (
    deflate,
    plain,  # noqa: F401  (registered first: the default format leads every list)
)
from .base import ChunkSizes, Files, TableData, Writer, register
from .codecs import copy_encoding
from .pgdump import (
    BLOCK_DATA,
    DEFAULT_LEVEL,
    FORMAT_CUSTOM,
    FRAME,
    INT_SIZE,
    TAR_END,
    TAR_MTIME,
    TERMINATOR,
    contents_digest,
    data_file,
    entry,
    has_data,
    header,
    integer,
    listed,
    offset,
    table_of,
    toc_file,
)
from .toc import Toc, TocEntry


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
    data = [(e.dump_id, *table_text(table_of(e))) for e in listed(toc) if has_data(e)]
    return contents_digest(writer.contents_head(toc), data)


class Compressed(Writer):
    """An archive format whose table data is zlib-compressed at ``level`` (0: the COPY text as
    it is, uncompressed, as pg_dump writes it with ``-Z 0``)."""

    levels = range(10)
    archive = True
    encoding = copy_encoding(DEFAULT_LEVEL)  # what a build uses; an instance has its level's

    def __init__(self, level: int = DEFAULT_LEVEL) -> None:
        self.level = level
        self.encoding = copy_encoding(level)

    def contents_head(self, toc: Toc) -> bytes:
        return toc_file(toc, self.level)

    def terminator(self) -> bytes:
        """The ``\\.`` ending, encoded as a chunk is (a piece of its own when compressed)."""
        return deflate.piece(TERMINATOR, self.level) if self.level else TERMINATOR

    def chunks(self, table_data: TableData, e: TocEntry) -> Iterator[bytes]:
        yield from table_data(table_of(e))
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

    def __init__(self, level: int = DEFAULT_LEVEL) -> None:
        super().__init__(level)
        # what finish() needs to write the offsets: (toc, entries), data starts, archive size
        self._rewrite: tuple[tuple[Toc, list[TocEntry]], dict[int, int], int] | None = None

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
                at += self._block_size(chunk_sizes(table_of(e)))
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
        self._rewrite = ((toc, entries), starts, at)  # for finish(): the offsets, the size

    def finish(self, fh: BinaryIO) -> None:
        """Write the table of contents again with the data offsets, where ``fh`` can seek.

        The offsets are positions in the file: an archive that starts past its file's start
        (a sink already written to) gets them shifted by where it starts. A file opened to
        append (``>>``) cannot be written in place: its offsets stay unset."""
        if self._rewrite is None or not _seekable(fh) or _appending(fh):
            return
        (toc, entries), starts, size = self._rewrite
        self._rewrite = None
        end = fh.tell()
        begin = end - size
        if begin < 0:
            return
        fh.seek(begin)
        fh.write(self._head(toc, entries, {i: begin + at for i, at in starts.items()}))
        fh.seek(end)


def _appending(fh: BinaryIO) -> bool:
    """Whether ``fh`` writes at the end whatever its position (``O_APPEND``)."""
    try:
        return bool(fcntl.fcntl(fh.fileno(), fcntl.F_GETFL) & os.O_APPEND)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return "a" in getattr(fh, "mode", "")


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


def _tar_number(value: int, width: int) -> bytes:
    """A tar header's number field as pg_dump writes it (``print_tar_number``): octal digits
    and a space, or, when octal does not fit (a member of 8 GiB or more), GNU's base-256 form
    (a first byte of 0x80, then the number big-endian), which pg_restore reads too."""
    if value < 1 << 3 * (width - 1):
        return b"%0*o " % (width - 1, value)
    return b"\x80" + value.to_bytes(width - 1, "big")


def tar_header(name: str, size: int) -> bytes:
    """A ustar member header as pg_dump writes them (``tarCreateHeader``): mode 0600, uid 04000,
    gid 02000, owner and group ``postgres``, and a fixed time."""
    raw = name.encode("ascii")
    fields = [
        (0, raw.ljust(100, b"\0")),
        (100, _tar_number(0o600, 8)),
        (108, _tar_number(0o4000, 8)),
        (116, _tar_number(0o2000, 8)),
        (124, _tar_number(size, 12)),
        (136, _tar_number(TAR_MTIME, 12)),
        (148, b" " * 8),  # the checksum counts itself as spaces
        (156, b"0"),  # a regular file
        (257, b"ustar\x0000"),
        (265, b"postgres".ljust(32, b"\0")),
        (297, b"postgres".ljust(32, b"\0")),
        (329, _tar_number(0, 8)),
        (337, _tar_number(0, 8)),
    ]
    head = bytearray(tarfile.BLOCKSIZE)
    for at, value in fields:
        head[at : at + len(value)] = value
    head[148:156] = _tar_number(sum(head), 8)
    return bytes(head)


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
                size = sum(chunk_sizes(table_of(e))) + len(TERMINATOR)
                yield tar_header(data_file(e), size)
                yield from table_data(table_of(e))
                yield TERMINATOR + _padding(size)
                continue
            with tempfile.TemporaryFile() as spool:
                size = _spool(spool, itertools.chain(table_data(table_of(e)), [TERMINATOR]))
                yield tar_header(data_file(e), size)
                spool.seek(0)
                while block := spool.read(1 << 20):
                    yield block
                yield _padding(size)
        yield TAR_END


def _spool(spool: IO[bytes], parts: Iterable[bytes]) -> int:
    return sum(spool.write(p) for p in parts)
