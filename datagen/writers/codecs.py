"""Chunk encodings: already-generated columns in, the bytes of one chunk of a table's data out.

An encoding is a pure function of the table's spec and the chunk's columns (each a
:class:`datagen.columns.Col`: PostgreSQL text per row, and a NULL mask). Generating the columns is
the caller's job; nothing under :mod:`datagen.writers` generates data. Each encoding is keyed by
name in :data:`ENCODINGS`, the name the build cache stores chunks under:

- ``copy``     rows as COPY text (pg_dump's TABLE DATA, the ``copy``/``custom``/... formats);
- ``inserts``  rows as multi-row INSERT statements of :data:`INSERT_BATCH` rows (``sql``);
- ``zcopy1`` to ``zcopy9``  the COPY text deflated at that zlib level, as a piece the archive
  formats stitch into one stream per table (``custom``, ``directory``; see :mod:`.deflate`).

Example:
    >>> import numpy as np
    >>> from datagen.columns import Col
    >>> ids = Col(np.array([b"1", b"2"]))
    >>> notes = Col(np.array([b"a\\tb", b""]), null=np.array([False, True]))
    >>> copy_rows([ids, notes])
    b'1\\ta\\\\tb\\n2\\t\\\\N\\n'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .. import textops
from ..errors import WriterError
from ..idents import qualified, quote_ident
from ..spec.model import Table
from . import deflate

if TYPE_CHECKING:
    from ..columns import Col

INSERT_BATCH = 1000

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
    """Rows as COPY text lines: fields tab-separated, each row ending in a newline."""
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


def insert_rows(table: Table, cols: list[Col]) -> bytes:
    """Rows as ``INSERT INTO ... VALUES`` statements of up to :data:`INSERT_BATCH` rows each."""
    head = (
        f"INSERT INTO {qualified(table.schema, table.name)} "
        f"({', '.join(quote_ident(c.name) for c in table.columns)}) VALUES\n"
    ).encode()
    lits = [insert_values(v, c.type.quoted) for v, c in zip(cols, table.columns, strict=True)]
    rows = len(lits[0]) if lits else 0
    out = []
    for b in range(0, rows, INSERT_BATCH):
        part = [x[b : b + INSERT_BATCH] for x in lits]
        out.append(head + textops.join_rows(part, b", ", b")", b"\t(", b",\n") + b";\n")
    return b"".join(out)


def _deflated(level: int) -> Callable[[Table, list[Col]], bytes]:
    return lambda table, cols: deflate.piece(copy_rows(cols), level)


# encoding name -> function of (the table's spec, the chunk's columns in table order)
ENCODINGS: dict[str, Callable[[Table, list[Col]], bytes]] = {
    "copy": lambda table, cols: copy_rows(cols),
    "inserts": insert_rows,
    **{f"zcopy{level}": _deflated(level) for level in range(1, 10)},
}


def copy_encoding(level: int) -> str:
    """The encoding of COPY text deflated at zlib ``level`` (0: the text as it is)."""
    return f"zcopy{level}" if level else "copy"


def deflate_level(encoding: str) -> int | None:
    """The zlib level of a deflated COPY encoding (``zcopy6`` -> 6); None for any other."""
    tail = encoding.removeprefix("zcopy")
    return int(tail) if tail != encoding and tail.isdigit() else None


def encode(encoding: str, table: Table, cols: list[Col]) -> bytes:
    """One chunk of ``table``'s rows, already generated as ``cols``, in ``encoding``."""
    try:
        fn = ENCODINGS[encoding]
    except KeyError:
        known = ", ".join(ENCODINGS)
        raise WriterError(f"unknown encoding {encoding!r} (encodings: {known})") from None
    return fn(table, cols)
