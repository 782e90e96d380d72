"""Plain SQL dumps for psql: ``copy`` (COPY ... FROM stdin blocks, as pg_dump writes them) and
``sql`` (batched multi-row INSERTs). Both stream chunk by chunk: memory does not grow with rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from .. import __version__, textops
from ..columns import Col
from ..idents import comment_line, qualified
from ..plan import DatasetPlan, TablePlan, generate_chunk
from ..versions import byte_shaping_versions
from .schema import Entry, Schema

INSERT_BATCH = 1000

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

_COPY_SPECIAL = b"\\\t\n\r"


def _copy_escape(raw: bytes) -> bytes:
    return (
        raw.replace(b"\\", b"\\\\")
        .replace(b"\t", b"\\t")
        .replace(b"\n", b"\\n")
        .replace(b"\r", b"\\r")
    )


def copy_text(col: Col) -> np.ndarray:
    """A column as COPY text: backslash, tab, newline and CR escaped; NULL as ``\\N``."""
    text = col.text
    if text.dtype.itemsize and text.size:
        text = textops.map_where(text, textops.any_byte(text, _COPY_SPECIAL), _copy_escape)
    if col.null is not None and col.null.any():
        text = np.where(col.null, b"\\N", text)
    return text


def copy_rows(cols: list[Col]) -> bytes:
    return textops.join_rows([copy_text(c) for c in cols], b"\t", b"\n")


def insert_values(col: Col, quoted: bool) -> np.ndarray:
    """A column as SQL literals: quoted (quotes doubled) where the type needs it; NULL."""
    text = col.text
    if quoted:
        text = textops.map_where(
            text, textops.any_byte(text, b"'"), lambda b: b.replace(b"'", b"''")
        )
        text = np.strings.add(np.strings.add(b"'", text), b"'")
    if col.null is not None and col.null.any():
        text = np.where(col.null, b"NULL", text)
    return text


def _comment(e: Entry) -> str:
    # names are validated free of control characters; sanitising here as well means no future
    # path into this comment can end it early and run the rest of a name as SQL
    name, schema = comment_line(e.name), comment_line(e.schema or "-")
    return f"--\n-- Name: {name}; Type: {e.desc}; Schema: {schema}; Owner: -\n--\n\n"


def entry_sql(e: Entry) -> bytes:
    return (_comment(e) + e.sql + "\n").encode("utf-8")


class PlainWriter:
    """Writes one dataset as a plain dump; ``inserts`` switches COPY blocks to INSERTs."""

    def __init__(self, dsplan: DatasetPlan, inserts: bool = False) -> None:
        self.dsplan = dsplan
        self.inserts = inserts
        self.schema = Schema(dsplan.ds)

    def header(self) -> bytes:
        libs = ", ".join(f"{k} {v}" for k, v in byte_shaping_versions().items())
        return HEADER.format(version=__version__, libs=libs).encode()

    def encode(self, plan: TablePlan, start: int, stop: int) -> bytes:
        """Rows ``start..stop`` of a table as COPY lines or INSERT statements."""
        return self.encode_values(plan, generate_chunk(plan, start, stop), start, stop)

    def encode_values(self, plan: TablePlan, values: list[Col], start: int, stop: int) -> bytes:
        """Generated columns of rows ``start..stop`` as COPY lines or INSERT statements."""
        t = plan.table
        if not self.inserts:
            return copy_rows(values)
        q = qualified(t.schema, t.name)
        cols = self.schema.tables[t.qualname].columns_sql
        lits = [insert_values(v, c.type.quoted) for v, c in zip(values, t.columns, strict=True)]
        out = []
        for b in range(0, stop - start, INSERT_BATCH):
            part = [x[b : b + INSERT_BATCH] for x in lits]
            body = textops.join_rows(part, b", ", b")", b"\t(", b",\n")
            out.append(f"INSERT INTO {q} ({cols}) VALUES\n".encode() + body + b";\n")
        return b"".join(out)

    def table_data(self, plan: TablePlan, encoded: Iterator[bytes]) -> Iterator[bytes]:
        t = plan.table
        q = qualified(t.schema, t.name)
        cols = self.schema.tables[t.qualname].columns_sql
        yield _comment(Entry("TABLE DATA", t.name, t.schema, "", "data")).encode()
        if not self.inserts:
            yield f"COPY {q} ({cols}) FROM stdin;\n".encode()
        yield from encoded
        if not self.inserts:
            yield b"\\.\n"
        yield b"\n\n"

    def chunks(self, encode_table: Callable[[TablePlan], Iterator[bytes]]) -> Iterator[bytes]:
        """The whole dump, piece by piece; ``encode_table`` yields a table's encoded chunks."""
        yield self.header()
        for e in self.schema.pre:
            yield entry_sql(e)
        for plan in self.dsplan.all():
            yield from self.table_data(plan, encode_table(plan))
            for e in self.schema.setval(plan.table):
                yield entry_sql(e)
        for e in self.schema.post:
            yield entry_sql(e)
        yield FOOTER.encode()
