"""Output writers keyed by their ``--format`` name, and the file name each one writes.

- :mod:`.toc`     the dump's objects (pg_dump's table of contents), built once per dataset;
- :mod:`.codecs`  chunk encodings of already-generated rows (COPY text, INSERTs);
- :mod:`.base`    the registry: :func:`register`, :data:`WRITERS`, :func:`writer_for`;
- :mod:`.plain`   the plain SQL formats, ``copy`` and ``sql``;
- :mod:`.archive` pg_dump's archive formats, ``custom``, ``directory`` and ``tar``, for pg_restore;
- :mod:`.pgdump`  their layout (header, table of contents), shared with the reader;
- :mod:`.deflate` per-chunk compressed pieces, stitched into one zlib or gzip stream;
- :mod:`.archive_read` reading an archive back (``datagen verify``).

Nothing here generates data: callers hand writers encoded chunks (see :class:`.base.Writer`).
"""

from __future__ import annotations

from typing import Any

from . import base, plain  # noqa: F401  (registers the plain formats, which lead every list)
from .base import ChunkSizes, TableData, Writer, register
from .toc import Toc, TocEntry

#: every format, in registration order (``list(WRITERS)``), known without importing the archive
#: writers (tests/test_import_cost.py checks the two agree)
FORMAT_NAMES = ("copy", "sql", "custom", "directory", "tar")


def __getattr__(name: str) -> Any:
    """:data:`WRITERS` and :data:`FORMATS` load the archive writers (tarfile, the pg_dump layout)
    on first use: a plain dump never needs them."""
    if name in ("WRITERS", "FORMATS"):
        from . import archive  # noqa: F401  (registers custom, directory and tar)

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def writer_for(fmt: str, compress: int | None = None) -> Writer:
    """:func:`.base.writer_for`, loading the archive writers unless ``fmt`` is plain."""
    if fmt not in base.WRITERS or compress is not None:
        from . import archive  # noqa: F401

    return base.writer_for(fmt, compress)


def file_pattern(fmt: str) -> str:
    """The file name pattern of format ``fmt`` (``{name}.sql``...), a KeyError if unknown."""
    if fmt not in base.WRITERS:
        from . import archive  # noqa: F401

    return base.WRITERS[fmt].pattern


__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "WRITERS",
    "ChunkSizes",
    "TableData",
    "Toc",
    "TocEntry",
    "Writer",
    "file_pattern",
    "register",
    "writer_for",
]
