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

from . import archive, plain  # noqa: F401  (registers the formats)
from .base import FORMATS, WRITERS, ChunkSizes, TableData, Writer, register, writer_for
from .toc import Toc, TocEntry

__all__ = [
    "FORMATS",
    "WRITERS",
    "ChunkSizes",
    "TableData",
    "Toc",
    "TocEntry",
    "Writer",
    "register",
    "writer_for",
]
