"""Checks on what the DDL creates beside the tables: object names, index methods, stray NULs.

- Names: PostgreSQL keeps 63 bytes of a name; longer index and constraint names are refused
  (cut, two of them could become one). Tables, indexes and the indexes behind primary keys and
  unique constraints share their schema's namespace of relations; a table's constraints share one
  namespace per table; a table's row type shares the namespace of types with the enums.
- Index methods: :data:`INDEX_METHODS` lists, per method, the column types whose default
  operator class PostgreSQL 12 to 18 ships in core (no extension), for the methods the spec's
  ``using`` offers.
- NUL: no string that reaches the dump may hold U+0000 (``"\\0"`` in YAML); generator params are
  checked by their generators, enum labels when the enums are read.
"""

from __future__ import annotations

from typing import Any

from ..idents import NAMEDATALEN
from ..pgtypes import PgType
from .model import Dataset, Table

_SCALAR_ORDERED = frozenset(
    {"smallint", "integer", "bigint", "smallserial", "serial", "bigserial", "numeric", "real",
     "double precision", "char", "varchar", "text", "bytea", "date", "time", "timestamp",
     "timestamptz", "interval", "uuid", "inet", "cidr", "macaddr"}
)  # fmt: skip

#: method -> base types with a default operator class in core PostgreSQL 12-18 ("array": any
#: array whose element type the method's array support covers)
INDEX_METHODS: dict[str, frozenset[str]] = {
    "btree": _SCALAR_ORDERED | {"boolean", "enum", "jsonb", "array"},
    "hash": _SCALAR_ORDERED | {"boolean", "enum", "jsonb", "array"},
    "gin": frozenset({"jsonb", "array"}),
    "gist": frozenset(),  # core has gist opclasses only for geometric, range and text-search types
    "brin": _SCALAR_ORDERED,
}
_MULTI_COLUMN = frozenset({"btree", "gin", "gist", "brin"})


def method_supports(method: str, t: PgType) -> bool:
    """Whether ``CREATE INDEX ... USING method`` has a default operator class for type ``t``."""
    allowed = INDEX_METHODS.get(method, frozenset())
    if t.element is not None:
        # btree and hash compare arrays element by element; gin indexes the elements (by btree)
        inner = "btree" if method == "gin" else method
        return "array" in allowed and t.element.base in INDEX_METHODS[inner]
    return t.base in allowed


Problem = tuple[str, str, str | None]  # (path, message, hint)


def index_problems(t: Table) -> list[Problem]:
    out: list[Problem] = []
    for ix in t.indexes:
        method = ix.using or "btree"
        if ix.unique and method != "btree":
            out.append((f"{ix.path}.using", f"a unique index must use btree, not {method}",
                        "drop 'using', or drop 'unique'"))  # fmt: skip
        if len(ix.columns) > 1 and method not in _MULTI_COLUMN:
            out.append((f"{ix.path}.using", f"{method} indexes take one column",
                        "index each column on its own, or use btree"))  # fmt: skip
        for name in ix.columns:
            if not t.has_column(name):
                continue  # reported by the column check
            ct = t.column(name).type
            if not method_supports(method, ct):
                fits = sorted(m for m in INDEX_METHODS if method_supports(m, ct))
                out.append(
                    (
                        f"{ix.path}.columns",
                        f"column {name!r} ({ct.ddl()}) has no {method} operator class in "
                        "PostgreSQL",
                        f"use {' or '.join(fits)}"
                        if fits
                        else "drop the index"
                        + (" (or make the column jsonb)" if ct.base == "json" else ""),
                    )
                )
    return out


def _too_long(path: str, name: str, what: str) -> Problem | None:
    size = len(name.encode("utf-8"))
    if size <= NAMEDATALEN - 1:
        return None
    return (path, f"{what} name {name!r} is {size} bytes; PostgreSQL keeps only 63",
            "shorten it to 63 bytes or fewer")  # fmt: skip


def name_problems(ds: Dataset) -> list[Problem]:
    """Explicit index and constraint names: length, and clashes with other names of their
    namespace (default names the dump chooses always avoid the explicit ones)."""
    out: list[Problem] = []
    relations: dict[tuple[str, str], str] = {}  # (schema, name) -> what holds it
    types = {("public", e): f"enum {e!r}" for e in ds.enums}
    for t in ds.tables:
        relations[(t.schema, t.name)] = f"table {t.qualname!r}"
        if (t.schema, t.name) in types:
            clash = types[(t.schema, t.name)]
            message = f"table {t.qualname!r} has the name of {clash}: a table's row type "
            out.append((f"{t.path}.name", message + "shares the namespace of types",
                        "rename one of them"))  # fmt: skip
    for t in ds.tables:
        constraints: dict[str, str] = {}
        named: list[tuple[str, str, str, bool]] = []  # (path, name, what, is a relation)
        keys = [(k, "primary key") for k in ([t.primary_key] if t.primary_key else [])]
        for key, what in keys + [(u, "unique constraint") for u in t.uniques]:
            if key.name:
                named.append((f"{key.path}.name", key.name, what, True))
        for fk in t.foreign_keys:
            if fk.name:
                named.append((f"{fk.path}.name", fk.name, "foreign key", False))
        for chk in t.checks:
            if chk.name:
                named.append((f"{chk.path}.name", chk.name, "check constraint", False))
        for ix in t.indexes:
            if ix.name:
                named.append((f"{ix.path}.name", ix.name, "index", True))
        for path, name, what, is_relation in named:
            long = _too_long(path, name, what)
            if long:
                out.append(long)
                continue
            if is_relation:
                other = relations.get((t.schema, name))
                if other:
                    out.append((path, f"{what} name {name!r} is taken by {other} in schema "
                                f"{t.schema!r}", "tables, indexes, sequences and the indexes of "
                                "keys share one namespace per schema: rename one"))  # fmt: skip
                    continue
                relations[(t.schema, name)] = f"the {what} at {path}"
            if what == "index":
                continue  # a plain index is no constraint
            if name in constraints:
                out.append((path, f"{what} name {name!r} is taken by {constraints[name]}",
                            f"constraints of table {t.name!r} need distinct names"))  # fmt: skip
                continue
            constraints[name] = f"the constraint at {path}"
    return out


def nul_problems(data: Any) -> list[Problem]:
    """Every string (key or value) holding a NUL, outside generator params and enum labels."""
    out: list[Problem] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                sub = f"{path}.{k}" if path else str(k)
                if isinstance(k, str) and "\x00" in k:
                    out.append((path, "a key contains a NUL character", "remove it"))
                if k in ("params", "enums"):
                    continue
                stack.append((sub, v))
        elif isinstance(node, list):
            stack += [(f"{path}[{i}]", v) for i, v in enumerate(node)]
        elif isinstance(node, str) and "\x00" in node:
            out.append((path, "the text contains a NUL character, which PostgreSQL cannot hold",
                        "remove it (YAML's \"\\0\")"))  # fmt: skip
    return sorted(out)


#: how child rows pick parents when the spec does not say: a mild zipf, so some parents have
#: many children and most a few (of 1,000 parents, the most referenced holds about 3%)
DEFAULT_FK_DISTRIBUTION = ("zipf", {"exponent": 0.7})


def fk_distribution(ref: dict[str, Any]) -> dict[str, Any]:
    """The ``distribution`` and ``params`` of a reference, the default filled in."""
    if "distribution" in ref:
        return {"distribution": ref["distribution"], "params": ref.get("params", {})}
    dist, params = DEFAULT_FK_DISTRIBUTION
    return {"distribution": dist, "params": {**params, **ref.get("params", {})}}
