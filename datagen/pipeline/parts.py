"""Column parts: a chunk's COPY text cached column by column, so that an edit of one column
generates that column alone and joins the others from the cache.

A table's columns fall into *parts* (:meth:`~datagen.plan.table.TablePlan.standalone_columns`):
each standalone column (its values depend on nothing but its own spec: a serial counter, a range,
a uuid...) is a part of its own; every other column (a foreign key pick, a person's name beside
their email, a CHECK-ordered pair, a timeline) is in one part, *the rest*. A part's key document
is the chunk's with only what the part's values depend on: a standalone column's fingerprint,
type, the seed, locale, versions and row range; for the rest, the whole chunk document but the
fingerprints of standalone columns that no column of the rest reads. Editing a standalone
column's generator, params or null rate changes its part's key alone; editing any other column
changes the rest's. A table of one part is not split (nothing to reuse).

A part object (kind ``cols``) holds each of its columns' COPY text as the fixed-width byte array
the row join takes (``numpy`` ``S`` items, NUL-padded), one after the other; its meta lists the
columns and their widths. The chunk object itself (the joined COPY text) is still what dumps are
assembled from: parts only spare the generation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import xxhash

from ..errors import UsageError
from ..plan import TablePlan
from ..writers.codecs import deflate_level
from .cache import Cache
from .keys import canonical, digest, reads_within

KIND = "cols"

# what a standalone column's values never depend on (the chunk document's other parts)
_NOT_OF_A_COLUMN = ("parents", "key_columns", "chunk_rows", "table", "kind")
_NOT_OF_A_COLUMN_TABLE = ("columns", "order", "timeline")


def textual(encoding: str) -> bool:
    """Whether chunks of ``encoding`` are made from COPY text (and so from column parts):
    ``copy`` and the deflated ``zcopyN``; INSERTs are generated whole."""
    return encoding == "copy" or deflate_level(encoding) is not None


@dataclass(frozen=True)
class Part:
    """Columns cached together under ``key`` (``doc`` is its key document)."""

    columns: tuple[str, ...]
    key: str
    doc: dict[str, Any]


SETTING = "DATAGEN_COLUMN_CACHE"


def enabled() -> bool:
    """Whether chunks are cached in column parts: ``DATAGEN_COLUMN_CACHE`` unset or ``on`` (the
    default), ``off`` to cache chunks whole (a cold build writes about 40% fewer bytes; an edit
    regenerates the whole table). Any other value is a UsageError naming the variable."""
    value = os.environ.get(SETTING, "on").strip().lower()
    if value in ("on", "1", "yes", "true", ""):
        return True
    if value in ("off", "0", "no", "false"):
        return False
    raise UsageError(f"{SETTING}={value!r}: write on (cache each column apart, the default) or off")


def parts(plan: TablePlan, chunk_doc: dict[str, Any]) -> list[Part] | None:
    """The parts of one chunk, in the order their columns first appear; None when the table
    is one part (it is generated and cached whole), or column parts are off."""
    if not enabled():
        return None
    names = [c.name for c in plan.table.columns]
    solo = plan.standalone_columns()
    rest = tuple(n for n in names if n not in solo)
    if sum(n in solo for n in names) + bool(rest) < 2:
        return None
    table = chunk_doc["table"]
    out = []
    for n in names:
        if n not in solo:
            continue
        doc = {k: v for k, v in chunk_doc.items() if k not in _NOT_OF_A_COLUMN}
        doc["table"] = {k: v for k, v in table.items() if k not in _NOT_OF_A_COLUMN_TABLE}
        doc["table"]["columns"] = {n: table["columns"][n]}
        doc.update(kind="columns", part=[n])
        out.append(Part((n,), digest(canonical(doc)), doc))
    if rest:
        reads = reads_within(plan, rest)
        columns = {n: fp for n, fp in table["columns"].items() if n in reads}
        doc = {
            **chunk_doc,
            "kind": "columns",
            "part": list(rest),
            "table": {**table, "columns": columns},
        }
        out.append(Part(rest, digest(canonical(doc)), doc))
    return out


def columns_to_make(cache: Cache, plan: TablePlan, docs: list[dict[str, Any]]) -> list[str] | None:
    """The columns a build would generate for the chunks whose key documents are ``docs`` (the
    chunks the cache lacks): those of the parts it lacks too, in table order; None for all of
    them (the table is one part, or column parts are off)."""
    if not docs:  # every chunk is cached: nothing is generated
        return None
    names = [c.name for c in plan.table.columns]
    want: set[str] = set()
    for doc in docs:
        split = parts(plan, doc)
        if split is None:
            return None
        want.update(n for p in split if not cache.valid(p.key, KIND) for n in p.columns)
    return [n for n in names if n in want] if len(want) < len(names) else None


def load(cache: Cache, part: Part, rows: int) -> dict[str, np.ndarray] | None:
    """The part's columns from the cache, or None when it lacks the part (or holds a damaged
    or malformed one: it is made again)."""
    meta = cache.meta(part.key, KIND)  # the size and digest are checked below, on the bytes
    widths = meta.get("widths") if meta else None
    if (
        meta is None
        or not cache.path(part.key, KIND).is_file()
        or meta["rows"] != rows
        or not isinstance(widths, list)
        or [w[0] for w in widths if isinstance(w, list)] != list(part.columns)
        or not all(isinstance(w[1], int) and w[1] > 0 for w in widths)
        or sum(w[1] for w in widths) * rows != meta["size"]
    ):
        return None
    try:
        data = np.fromfile(cache.path(part.key, KIND), dtype=np.uint8)
    except (OSError, ValueError):
        return None
    # checked against its digest: unlike a chunk copied into a dump (whose lock digest is the
    # meta's), a part's bytes reach the chunk made from it, and so the lock
    if len(data) != meta["size"] or xxhash.xxh3_128_hexdigest(data.data) != meta["digest"]:
        return None
    out, at = {}, 0
    for name, width in widths:
        out[name] = data[at : at + width * rows].view(f"S{width}")
        at += width * rows
    return out


def store(cache: Cache, part: Part, texts: dict[str, np.ndarray], rows: int) -> None:
    """Cache the part's columns (``texts``: each column's COPY text as an ``S`` array)."""
    arrays = []
    for n in part.columns:
        a = texts[n]
        if a.dtype.itemsize == 0:  # every value empty: one NUL byte each
            a = a.astype("S1")
        arrays.append(np.ascontiguousarray(a))
    cache.put(
        part.key,
        KIND,
        [a.view(np.uint8).data for a in arrays],  # the arrays' memory, not a copy of it
        part.doc,
        rows=rows,
        key_digest=None,
        widths=[[n, a.dtype.itemsize] for n, a in zip(part.columns, arrays, strict=True)],
    )
