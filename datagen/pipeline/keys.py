"""Input keys: the hash of a canonical document naming everything a table's bytes depend on.

A table's document holds its own spec fragment, the seed and locale, the enums it uses, the chunk
size, the *key fingerprints* of the tables it references and the versions of datagen, Faker and
numpy (DESIGN point 6). A key fingerprint covers only what a table's key columns depend on, so
editing a parent's non-key column changes the parent's input key and nobody else's (point 5).

A chunk's document is its table's without ``rows`` (unless a column depends on the row count), plus
the chunk's bounds, so raising ``rows`` reuses every complete earlier chunk.

Example:
    >>> canonical({"b": 1, "a": [1, 2]})
    '{"a":[1,2],"b":1}'
    >>> len(digest("x"))
    32
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import xxhash

from ..engine import CHUNK_ROWS, DatasetPlan, TablePlan, chunks
from ..spec.model import Dataset, Table
from ..versions import byte_shaping_versions

FORMAT_VERSION = 1  # of the key documents themselves


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


def _enums_used(ds: Dataset, tables: list[Table]) -> dict[str, list[str]]:
    used = {}
    for t in tables:
        for c in t.columns:
            ty = c.type.element or c.type
            if ty.enum is not None:
                used[ty.enum] = ds.enums[ty.enum]
    return used


def _table_fragment(t: Table) -> dict[str, Any]:
    raw = json_normal(t.raw)
    raw["rows"] = t.rows  # --rows / --scale overrides apply
    raw.setdefault("schema", t.schema)
    return raw


_DDL_ONLY = ("name", "on_delete", "on_update", "deferrable")


def data_fragment(table: dict[str, Any]) -> dict[str, Any]:
    """A table fragment without what only shapes the DDL: plain indexes, constraint names, foreign
    key actions, column defaults. Editing those rewrites the dump but regenerates no chunk."""
    out = dict(table)
    out["indexes"] = [ix for ix in table.get("indexes", []) if ix.get("unique")]
    out["foreign_keys"] = [
        {k: v for k, v in fk.items() if k not in _DDL_ONLY} for fk in table.get("foreign_keys", [])
    ]
    columns = []
    for col in table.get("columns", []):
        col = {k: v for k, v in col.items() if k != "default"}
        ref = col.get("references")
        if isinstance(ref, str):  # "table.column" and its mapping form generate the same data
            parts = ref.split(".")
            ref = {
                "table": parts[-2],
                "column": parts[-1],
                **({"schema": parts[0]} if len(parts) == 3 else {}),
            }
        if isinstance(ref, dict):
            col["references"] = {k: v for k, v in ref.items() if k not in _DDL_ONLY}
        columns.append(col)
    out["columns"] = columns
    checks = [c["expression"] if isinstance(c, dict) else c for c in table.get("checks", [])]
    out["checks"] = checks
    for key in ("primary_key", "unique"):
        if isinstance(table.get(key), dict):
            out[key] = table[key]["columns"]
    if isinstance(table.get("unique"), list):
        out["unique"] = [u["columns"] if isinstance(u, dict) else u for u in table["unique"]]
    return out


def key_columns(plan: TablePlan) -> list[str]:
    """Columns whose values children may reference, with every same-table column they read."""
    t = plan.table
    wanted = {c for k in t.key_constraints() for c in k.columns}
    wanted |= {c for ix in t.indexes if ix.unique for c in ix.columns}
    todo = list(wanted)
    while todo:
        src = plan.sources.get(todo.pop())
        for table, col in src.deps() if src else []:
            if table == t.qualname and col not in wanted:
                wanted.add(col)
                todo.append(col)
    return [c.name for c in t.columns if c.name in wanted]


def _keyspec(plan: TablePlan, cols: list[str]) -> dict[str, Any]:
    t = plan.table
    raw = _table_fragment(t)
    return {
        "name": t.name,
        "schema": t.schema,
        "rows": t.rows,
        "columns": [json_normal(t.column(c).raw) for c in cols],
        "primary_key": raw.get("primary_key"),
        "unique": raw.get("unique"),
        "indexes": [ix for ix in raw.get("indexes", []) if ix.get("unique")],
        "foreign_keys": [
            fk for fk in raw.get("foreign_keys", []) if set(fk["columns"]) & set(cols)
        ],
        "checks": raw.get("checks"),
    }


def compute_keys(ds: Dataset, chunk_rows: int = CHUNK_ROWS) -> dict[str, TableKey]:
    """Input keys of every table of a (validated) dataset, and of their chunks."""
    dsplan = DatasetPlan(ds)
    plans = {p.table.qualname: p for p in dsplan.all()}
    versions = byte_shaping_versions()
    base = {"format": FORMAT_VERSION, "seed": ds.seed, "locale": ds.locale, "versions": versions}
    kcols = {q: key_columns(p) for q, p in plans.items()}

    def parents_of(q: str, only_key_columns: bool) -> list[str]:
        t = plans[q].table
        out = []
        for fk in t.foreign_keys:
            if only_key_columns and not set(fk.columns) & set(kcols[q]):
                continue
            found = ds.find_tables(fk.ref_table, fk.ref_schema)
            out.append(found[0].qualname)
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
            "enums": _enums_used(ds, [plans[x].table for x in closure]),
            "tables": {x: _keyspec(plans[x], kcols[x]) for x in sorted(closure)},
        }
        fingerprints[q] = digest(canonical(doc))

    out = {}
    for q, plan in plans.items():
        t = plan.table
        doc = {
            **base,
            "kind": "table",
            "chunk_rows": chunk_rows,
            "enums": _enums_used(ds, [t]),
            "table": _table_fragment(t),
            "parents": {p: fingerprints[p] for p in parents_of(q, only_key_columns=False)},
        }
        tk = TableKey(q, t.rows, doc, digest(canonical(doc)), fingerprints[q], key_columns=kcols[q])
        counts_rows = any(g.depends_on_row_count() for g in plan.generators.values())
        chunk_base = dict(doc, kind="chunk", table=data_fragment(doc["table"]))
        if not counts_rows:
            del chunk_base["table"]["rows"]
        for i, (start, stop) in enumerate(chunks(t.rows, chunk_rows)):
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
