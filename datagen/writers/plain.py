"""Plain SQL dumps for psql, rendered from the TOC: ``copy`` (COPY ... FROM stdin blocks, as
pg_dump writes them) and ``sql`` (batched multi-row INSERTs). Both stream the table data chunk by
chunk as the caller yields it: memory does not grow with rows.

Each entry is printed as pg_dump's plain format prints it: a comment header naming the object,
then its definition; a TABLE DATA entry prints its COPY statement, the rows, and ``\\.``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from ..idents import comment_line
from ..versions import byte_shaping_versions
from .base import ChunkSizes, TableData, Writer, register
from .toc import Toc, TocEntry

HEADER = """--
-- PostgreSQL database dump
--

-- Dumped by datagen {version} ({libs})

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

"""

FOOTER = """--
-- PostgreSQL database dump complete
--

"""


def header() -> bytes:
    versions = byte_shaping_versions()
    libs = ", ".join(f"{k} {v}" for k, v in versions.items())
    return HEADER.format(version=versions["datagen"], libs=libs).encode()


def comment(e: TocEntry) -> bytes:
    # names are validated free of control characters; sanitising here as well means no future
    # path into this comment can end it early and run the rest of a name as SQL
    name, schema = comment_line(e.tag), comment_line(e.namespace or "-")
    return f"--\n-- Name: {name}; Type: {e.desc}; Schema: {schema}; Owner: -\n--\n\n".encode()


class PlainWriter(Writer):
    """A plain dump; ``copy`` wraps each table's data in COPY ... ``\\.``, ``sql`` does not."""

    copy: ClassVar[bool]
    passes_data_through = True

    def pieces(
        self, toc: Toc, table_data: TableData, chunk_sizes: ChunkSizes | None = None
    ) -> Iterator[bytes]:
        yield header()
        for e in toc:
            yield comment(e)
            if e.desc != "TABLE DATA":
                yield (e.defn + "\n").encode("utf-8")
                continue
            assert e.table is not None
            if self.copy:
                yield e.copy_stmt.encode("utf-8")
            yield from table_data(e.table)
            if self.copy:
                yield b"\\.\n"
            yield b"\n\n"
        yield FOOTER.encode()


@register("copy")
class CopyWriter(PlainWriter):
    pattern = "{name}.sql"
    encoding = "copy"
    copy = True


@register("sql")
class InsertsWriter(PlainWriter):
    pattern = "{name}.inserts.sql"
    encoding = "inserts"
    copy = False
