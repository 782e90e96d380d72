"""The writer registry: one class per ``--format``, registered under its name.

A writer renders a whole dump from the dataset's :class:`~datagen.writers.toc.Toc` and the table
data, which it never generates itself: ``table_data(qualname)`` yields the table's chunks, already
encoded in the writer's :attr:`Writer.encoding` (see :mod:`datagen.writers.codecs`), in row order.
Formats that must know a table's data size before its bytes (the custom format's offsets, tar
headers) also get ``table_size(qualname)``: the byte count of everything ``table_data`` will yield.
The build pipeline has it from its cache's metadata; without it (``None``) such a writer must
measure the data first.

Example:
    >>> sorted(WRITERS), WRITERS["sql"].encoding, FORMATS["copy"][0]
    (['copy', 'custom', 'sql'], 'inserts', '{name}.sql')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, ClassVar

from ..errors import WriterError
from .toc import Toc

TableData = Callable[[str], Iterable[bytes]]  # qualname -> the table's encoded chunks
TableSize = Callable[[str], int]  # qualname -> byte count of those chunks together


class Writer:
    """One dump format. Subclasses set the class attributes and implement :meth:`pieces`."""

    format: ClassVar[str]  # the --format name
    pattern: ClassVar[str]  # file name, ``{name}`` being the dataset's name
    encoding: ClassVar[str]  # the chunk encoding ``table_data`` yields (a key of ENCODINGS)
    needs_sizes: ClassVar[bool] = False  # whether it asks ``table_size`` before the bytes
    #: whether ``outputs:`` may name it for ``datagen build`` (its lock digest is portable)
    buildable: ClassVar[bool] = True

    def pieces(
        self, toc: Toc, table_data: TableData, table_size: TableSize | None = None
    ) -> Iterator[bytes]:
        """The dump, piece by piece, in file order (streamed: memory does not grow with rows)."""
        raise NotImplementedError

    def write(
        self, toc: Toc, table_data: TableData, sink: BinaryIO, table_size: TableSize | None = None
    ) -> int:
        """Write the dump to ``sink``; returns the bytes written."""
        n = 0
        for piece in self.pieces(toc, table_data, table_size):
            sink.write(piece)
            n += len(piece)
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


def writer_for(fmt: str) -> Writer:
    """The writer of format ``fmt``; WriterError names the formats there are."""
    if fmt not in WRITERS:
        raise WriterError(f"unknown format {fmt!r} (formats: {', '.join(WRITERS)})")
    return WRITERS[fmt]()
