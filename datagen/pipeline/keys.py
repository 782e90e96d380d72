"""Input keys: the hash of a canonical document naming everything a table's bytes depend on.

Documents are built from the compiled plan, never from the spelling of the spec: each column
contributes its type and its value source's fingerprint (the resolved generator, its version and
params, or the serial counter, the foreign key pick, the composite key), so ``serial8`` and
``bigserial``, an explicit default and an omitted one, or both spellings of ``references`` give
the same keys, while a change in what a column *resolves to* (a new semantic rule, a generator's
version) changes exactly the tables it reaches (DESIGN point 6).

A table's document holds its columns, rows, the seed and locale, the chunk size, the *key
fingerprints* of the tables it references (point 5: editing a parent's non-key column rebuilds
only the parent), the digest of the dataset's DDL (constraints, indexes, enum types: what the dump
holds besides data) and the versions of datagen, Faker and numpy. A chunk's document is the data
part alone, without ``rows`` unless a column depends on the row count, plus the chunk's bounds and
the table's key columns (whose digest its meta holds): so raising ``rows`` reuses every complete
earlier chunk, and a DDL-only edit generates nothing unless it changes which columns are keys.

Example:
    >>> canonical({"b": 1, "a": [1, 2]})
    '{"a":[1,2],"b":1}'
    >>> len(digest("x"))
    32
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import xxhash

from ..plan import CHUNK_ROWS, Compiled, TablePlan, chunks, timelines
from ..versions import byte_shaping_versions
from ..writers.toc import DATA, Toc, TocEntry

FORMAT_VERSION = 2  # of the key documents themselves: 2 = built from the compiled plan


def json_normal(value: Any) -> Any:
    """A JSON-only copy (YAML dates become ISO strings), so documents hash the same everywhere."""
    if isinstance(value, dict):
        return {str(k): json_normal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_normal(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def canonical(doc: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(json_normal(doc), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(data: str | bytes) -> str:
    """xxh3-128 as 32 hex digits."""
    return xxhash.xxh3_128_hexdigest(data.encode("utf-8") if isinstance(data, str) else data)


@dataclass
class ChunkKey:
    index: int
    start: int
    stop: int
    doc: dict[str, Any]
    key: str


@dataclass
class TableKey:
    """Everything the pipeline needs to know about one table's identity."""

    qualname: str
    rows: int
    doc: dict[str, Any]
    key: str
    fingerprint: str  # of the keys children reference
    chunks: list[ChunkKey] = field(default_factory=list)
    key_columns: list[str] = field(default_factory=list)
    chunk_rows: int = CHUNK_ROWS


def reads_within(plan: TablePlan, names: Iterable[str]) -> set[str]:
    """``names`` and every column of the same table their values read, transitively: what
    their sources read (``deps``) and the partner of a CHECK-ordered pair (plan/pairs.py)."""
    q = plan.table.qualname
    seen = set(names)
    todo = list(seen)
    while todo:
        src = plan.sources.get(todo.pop())
        reads = [c for table, c in src.deps() if table == q] if src else []
        partner = getattr(src, "partner", None)
        if partner is not None:
            reads.append(partner)
        for c in reads:
            if c not in seen:
                seen.add(c)
                todo.append(c)
    return seen


def key_columns(plan: TablePlan) -> list[str]:
    """Columns whose values children may reference, with every same-table column they read."""
    t = plan.table
    wanted = {c for k in t.key_constraints() for c in k.columns}
    wanted |= {c for ix in t.indexes if ix.unique for c in ix.columns}
    wanted = reads_within(plan, wanted)
    return [c.name for c in t.columns if c.name in wanted]


def type_fingerprint(plan: TablePlan, name: str) -> dict[str, Any]:
    ty = plan.table.column(name).type
    labels = (ty.element or ty).enum_values
    return {"type": ty.ddl(), **({"labels": list(labels)} if labels else {})}


def data_document(plan: TablePlan, columns: list[str] | None = None) -> dict[str, Any]:
    """What the data of ``columns`` (all by default) of a table is made from: one entry per
    column, its type and its source's fingerprint; the order of the columns; the row count."""
    t = plan.table
    names = [c.name for c in t.columns] if columns is None else columns
    doc = {
        "schema": t.schema,
        "name": t.name,
        "rows": t.rows,
        "order": names,
        "columns": {
            n: {**plan.sources[n].fingerprint(), **type_fingerprint(plan, n)} for n in names
        },
    }
    if plan.time_parents:  # rows start after their parents' creation (plan/timelines.py)
        doc["timeline"] = timelines.fingerprint(plan)
    return doc


def ddl_lines(entries: Iterable[TocEntry]) -> list[str]:
    """The DDL statements among ``entries`` (data and sequence values are not DDL)."""
    return [f"{e.desc}\0{e.namespace}\0{e.defn}" for e in entries if e.section != DATA]


def ddl_digest(shared: list[str], toc: Toc, qualname: str) -> str:
    """The digest of a table's DDL (its table, sequences, keys, indexes, foreign keys) and of the
    dataset's own, ``shared`` (schemas, enum types, including those no column uses). A set of
    statements: the order of tables in the spec reorders the dump (whose own check compares the
    ordered table list) but reaches no table's key."""
    return digest("\n".join(sorted([*shared, *ddl_lines(toc.for_table(qualname))])))


def compute_keys(c: Compiled, chunk_rows: int | None = None) -> dict[str, TableKey]:
    """Input keys of every table of a compiled dataset, and of their chunks: of the plan's
    chunk size for each table (:meth:`Compiled.chunk_rows`), or of ``chunk_rows`` for all."""
    ds = c.dataset
    plans = {p.table.qualname: p for p in c.plan.all()}
    versions = byte_shaping_versions()
    base = {"format": FORMAT_VERSION, "seed": ds.seed, "locale": ds.locale, "versions": versions}
    kcols = {q: key_columns(p) for q, p in plans.items()}

    def parents_of(q: str, only_key_columns: bool) -> list[str]:
        t = plans[q].table
        out = []
        for fk in t.foreign_keys:
            if only_key_columns and not set(fk.columns) & set(kcols[q]):
                continue
            out.append(ds.find_tables(fk.ref_table, fk.ref_schema)[0].qualname)
        return sorted(set(out))

    fingerprints: dict[str, str] = {}
    for q in plans:
        closure, todo = {q}, [q]
        while todo:  # every table whose keys this table's keys are computed from
            for p in parents_of(todo.pop(), only_key_columns=True):
                if p not in closure:
                    closure.add(p)
                    todo.append(p)
        doc = {
            **base,
            "kind": "keys",
            "tables": {x: data_document(plans[x], kcols[x]) for x in sorted(closure)},
        }
        fingerprints[q] = digest(canonical(doc))

    toc = c.toc
    shared = ddl_lines(e for e in toc if e.table is None)  # once, not once per table
    out = {}
    for q, plan in plans.items():
        t = plan.table
        size = chunk_rows or c.chunk_rows(q)
        data: dict[str, Any] = {
            **base,
            "chunk_rows": size,
            "table": data_document(plan),
            "parents": {p: fingerprints[p] for p in parents_of(q, only_key_columns=False)},
        }
        doc = {**data, "kind": "table", "ddl": ddl_digest(shared, toc, q)}
        tk = TableKey(q, t.rows, doc, digest(canonical(doc)), fingerprints[q], key_columns=kcols[q])
        tk.chunk_rows = size
        counts_rows = any(g.depends_on_row_count() for g in plan.generators.values())
        # the key columns: a chunk's meta holds their digest, so adding a unique index (a DDL edit)
        # must not reuse a chunk whose stored key digest covers other columns
        chunk_base = {
            **data,
            "kind": "chunk",
            "table": dict(data["table"]),
            "key_columns": kcols[q],
        }
        if not counts_rows:
            del chunk_base["table"]["rows"]
        for i, (start, stop) in enumerate(chunks(t.rows, size)):
            cdoc = dict(chunk_base, chunk={"index": i, "start": start, "stop": stop})
            tk.chunks.append(ChunkKey(i, start, stop, cdoc, digest(canonical(cdoc))))
        out[q] = tk
    return out


def diff(old: Any, new: Any, path: str = "") -> list[str]:
    """Human-readable changes between two documents: ``table.rows: 1000 -> 2000``."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in sorted(set(old) | set(new), key=str):
            p = f"{path}.{k}" if path else str(k)
            if k not in old:
                out.append(f"{p} added")
            elif k not in new:
                out.append(f"{p} removed")
            else:
                out += diff(old[k], new[k], p)
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            out += diff(a, b, f"{path}[{i}]")
        return out
    if old == new:
        return []
    if isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
        return [f"{path} changed"]
    return [
        f"{path}: {json.dumps(old, ensure_ascii=False)} -> {json.dumps(new, ensure_ascii=False)}"
    ]
