"""The writer registry: one class per ``--format``, registered under its name.

A writer renders a whole dump from the dataset's :class:`~datagen.writers.toc.Toc` and the table
data, which it never generates itself: ``table_data(qualname)`` yields the table's chunks, already
encoded in the writer's :attr:`Writer.encoding` (see :mod:`datagen.writers.codecs`), in row order.
Formats that must know a table's data size before its bytes (the custom format's offsets, tar
headers) also get ``chunk_sizes(qualname)``: the byte count of each chunk ``table_data`` will
yield. The build pipeline has them from its cache's metadata; without them (``None``) such a writer
measures the data as it goes (and the custom format rewrites its table of contents at the end).

A format whose output is a directory (``directory``) has :attr:`Writer.directory` set and renders
:meth:`Writer.files` (a name and its pieces per file) instead of :meth:`Writer.pieces`.

Example:
    >>> sorted(WRITERS), WRITERS["sql"].encoding, FORMATS["copy"][0]
    (['copy', 'custom', 'directory', 'sql', 'tar'], 'inserts', '{name}.sql')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, ClassVar

from ..errors import WriterError
from .toc import Toc

TableData = Callable[[str], Iterable[bytes]]  # qualname -> the table's encoded chunks
ChunkSizes = Callable[[str], list[int]]  # qualname -> the byte count of each of those chunks
Files = Iterator[tuple[str, Iterable[bytes]]]  # a directory's files: (name, its pieces), in order


class Writer:
    """One dump format. Subclasses set the class attributes and implement :meth:`pieces`."""

    format: ClassVar[str]  # the --format name
    pattern: ClassVar[str]  # file name, ``{name}`` being the dataset's name
    encoding: str  # the chunk encoding ``table_data`` yields (a key of ENCODINGS)
    #: the zlib levels ``--compress`` may give it (empty: not a compressing format)
    levels: ClassVar[range] = range(0)
    #: whether its output is a directory of files (rendered by :meth:`files`)
    directory: ClassVar[bool] = False
    #: pg_dump's archive formats (for pg_restore), as opposed to plain SQL for psql
    archive: ClassVar[bool] = False
    #: table data goes into the output as it comes, unread: a caller may hand
    #: :class:`~datagen.fileio.FileSlice` pieces (cache objects the kernel copies)
    passes_data_through: ClassVar[bool] = False

    def pieces(
        self, toc: Toc, table_data: TableData, chunk_sizes: ChunkSizes | None = None
    ) -> Iterator[bytes]:
        """The dump, piece by piece, in file order (streamed: memory does not grow with rows)."""
        raise NotImplementedError

    def files(
        self, toc: Toc, table_data: TableData, chunk_sizes: ChunkSizes | None = None
    ) -> Files:
        """A directory format's files, each a name and its pieces, in the order to write them."""
        raise NotImplementedError

    def contents_head(self, toc: Toc) -> bytes:
        """An archive's header and table of contents as its lock digest reads them (see
        :func:`datagen.writers.archive.archive_contents`)."""
        raise NotImplementedError

    def finish(self, fh: BinaryIO) -> None:
        """Called with the output file once :meth:`pieces` is exhausted: a format that learned
        something only at the end (the custom format's data offsets) writes it back here, when
        the file can seek."""

    def write(
        self, toc: Toc, table_data: TableData, sink: BinaryIO, chunk_sizes: ChunkSizes | None = None
    ) -> int:
        """Write the dump to ``sink``; returns the bytes written."""
        n = 0
        for piece in self.pieces(toc, table_data, chunk_sizes):
            sink.write(piece)
            n += len(piece)
        self.finish(sink)
        return n

    def file_name(self, dataset_name: str) -> str:
        return self.pattern.format(name=dataset_name)


WRITERS: dict[str, type[Writer]] = {}

# format -> (file name pattern, writer class): the older view of the registry, kept for callers
# that read ``FORMATS[fmt][0]`` or ``list(FORMATS)``
FORMATS: dict[str, tuple[str, type[Writer]]] = {}


def register(fmt: str) -> Callable[[type[Writer]], type[Writer]]:
    """Class decorator: ``@register("copy")`` makes the class the writer of ``--format copy``."""

    def add(cls: type[Writer]) -> type[Writer]:
        if fmt in WRITERS:
            raise ValueError(f"format {fmt!r} is registered twice")
        cls.format = fmt
        WRITERS[fmt] = cls
        FORMATS[fmt] = (cls.pattern, cls)
        return cls

    return add


def writer_for(fmt: str, compress: int | None = None) -> Writer:
    """The writer of format ``fmt`` (at zlib level ``compress``, for a compressing format);
    WriterError names the formats there are, or says the format does not compress."""
    if fmt not in WRITERS:
        raise WriterError(f"unknown format {fmt!r} (formats: {', '.join(WRITERS)})")
    cls = WRITERS[fmt]
    if compress is None:
        return cls()
    if compress not in cls.levels:
        which = ", ".join(f for f, w in WRITERS.items() if w.levels)
        raise WriterError(f"format {fmt!r} is not compressed (--compress is for {which})")
    return cls(compress)  # type: ignore[call-arg]  # compressing writers take a level
