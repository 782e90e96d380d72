"""The dump's DDL as pg_dump orders it: pre-data (schemas, types, tables, sequences), data, then
post-data (keys, indexes, foreign keys). Each object is an :class:`Entry`, the unit both the plain
writers and the archive writers (one TOC entry each) are made of.

Constraint, index and sequence names the user did not give get PostgreSQL's own default names
(``orders_pkey``, ``orders_customer_id_fkey``, ``customers_id_seq``), shortened and numbered the way
the server does it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..idents import qualified, quote_ident, quote_literal, unique_name
from ..spec.model import Dataset, Table

PRE, DATA, POST = "pre-data", "data", "post-data"


@dataclass
class Entry:
    """One dump object: its TOC description, and the SQL that creates it."""

    desc: str  # pg_dump's TOC description: TABLE, SEQUENCE, CONSTRAINT, FK CONSTRAINT, ...
    name: str  # tag: the object's name as pg_dump prints it in the comment header
    schema: str | None
    sql: str  # create statement(s), ending in a newline
    section: str
    table: Table | None = None  # the table a TABLE DATA / SEQUENCE SET entry belongs to


@dataclass
class TableSQL:
    """Per-table details the data writers need."""

    table: Table
    columns_sql: str  # the quoted column list
    sequences: list[tuple[str, str]] = field(default_factory=list)  # (qualified seq, column)


_WORD = re.compile(r'"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*')


def _first_column(expr: str, table: Table) -> str | None:
    names = {c.name for c in table.columns}
    for m in _WORD.finditer(expr):
        w = m.group(0)
        w = w[1:-1].replace('""', '"') if w.startswith('"') else w.lower()
        if w in names:
            return w
    return None


def _cols(cols: tuple[str, ...]) -> str:
    return ", ".join(quote_ident(c) for c in cols)


class Schema:
    """Names every object of a dataset and renders its DDL."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.pre: list[Entry] = []
        self.post: list[Entry] = []
        self.tables: dict[str, TableSQL] = {}
        self._relnames: dict[str, set[str]] = {}
        self._build()

    def _taken(self, schema: str) -> set[str]:
        return self._relnames.setdefault(schema, set())

    def _build(self) -> None:
        ds = self.ds
        for t in ds.tables:
            self._taken(t.schema).add(t.name)
        for schema in sorted({t.schema for t in ds.tables} - {"public"}):
            self.pre.append(
                Entry(
                    "SCHEMA",
                    schema,
                    None,
                    f"CREATE SCHEMA {quote_ident(schema)};\n",
                    PRE,
                )
            )
        for name, labels in ds.enums.items():
            body = ",\n".join(f"    {quote_literal(v)}" for v in labels)
            q = qualified("public", name)
            self.pre.append(
                Entry(
                    "TYPE",
                    name,
                    "public",
                    f"CREATE TYPE {q} AS ENUM (\n{body}\n);\n",
                    PRE,
                )
            )
        keys, indexes, fks = [], [], []
        for t in ds.tables:
            self._table(t, keys, indexes, fks)
        self.post = keys + indexes + fks

    def _table(self, t: Table, keys: list[Entry], indexes: list[Entry], fks: list[Entry]) -> None:
        q = qualified(t.schema, t.name)
        info = TableSQL(t, _cols(tuple(c.name for c in t.columns)))
        self.tables[t.qualname] = info
        lines = []
        for c in t.columns:
            line = f"    {quote_ident(c.name)} {c.type.ddl()}"
            if c.default is not None and not c.type.is_serial:
                line += f" DEFAULT {c.default}"
            if t.not_null(c) or c.type.is_serial:
                line += " NOT NULL"
            lines.append(line)
        check_names: set[str] = set()
        for chk in t.checks:
            if chk.name:
                name = chk.name
                check_names.add(name)
            else:
                first = chk.column or _first_column(chk.expression, t)
                name = unique_name(t.name, first, "check", check_names)
            lines.append(f"    CONSTRAINT {quote_ident(name)} CHECK ({chk.expression})")
        self.pre.append(
            Entry(
                "TABLE",
                t.name,
                t.schema,
                f"CREATE TABLE {q} (\n" + ",\n".join(lines) + "\n);\n",
                PRE,
            )
        )
        for c in t.columns:
            if not c.type.is_serial:
                continue
            seq = unique_name(t.name, c.name, "seq", self._taken(t.schema))
            qs = qualified(t.schema, seq)
            as_type = (
                "" if c.type.info.serial_of == "bigint" else f"    AS {c.type.info.serial_of}\n"
            )
            self.pre.append(
                Entry(
                    "SEQUENCE",
                    seq,
                    t.schema,
                    f"CREATE SEQUENCE {qs}\n{as_type}    START WITH 1\n    INCREMENT BY 1\n"
                    "    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1;\n",
                    PRE,
                )
            )
            self.pre.append(
                Entry(
                    "SEQUENCE OWNED BY",
                    seq,
                    t.schema,
                    f"ALTER SEQUENCE {qs} OWNED BY {q}.{quote_ident(c.name)};\n",
                    PRE,
                )
            )
            self.pre.append(
                Entry(
                    "DEFAULT",
                    f"{t.name} {c.name}",
                    t.schema,
                    f"ALTER TABLE ONLY {q} ALTER COLUMN {quote_ident(c.name)} "
                    f"SET DEFAULT nextval({quote_literal(qs)}::regclass);\n",
                    PRE,
                )
            )
            info.sequences.append((qs, c.name))
        taken = self._taken(t.schema)
        for key, kind, label in [(t.primary_key, "PRIMARY KEY", "pkey")] + [
            (u, "UNIQUE", "key") for u in t.uniques
        ]:
            if key is None:
                continue
            name = key.name or unique_name(
                t.name, "_".join(key.columns) if label == "key" else None, label, taken
            )
            keys.append(
                Entry(
                    "CONSTRAINT",
                    f"{t.name} {name}",
                    t.schema,
                    f"ALTER TABLE ONLY {q}\n    ADD CONSTRAINT {quote_ident(name)} "
                    f"{kind} ({_cols(key.columns)});\n",
                    POST,
                )
            )
        for ix in t.indexes:
            # a unique *index* is named _idx; only unique *constraints* get _key
            name = ix.name or unique_name(t.name, "_".join(ix.columns), "idx", taken)
            unique = "UNIQUE " if ix.unique else ""
            indexes.append(
                Entry(
                    "INDEX",
                    name,
                    t.schema,
                    f"CREATE {unique}INDEX {quote_ident(name)} ON {q} "
                    f"USING {ix.using or 'btree'} ({_cols(ix.columns)});\n",
                    POST,
                )
            )
        fk_names: set[str] = set()
        for fk in t.foreign_keys:
            parent = self.ds.find_tables(fk.ref_table, fk.ref_schema)[0]
            name = fk.name or unique_name(t.name, "_".join(fk.columns), "fkey", fk_names)
            fk_names.add(name)
            sql = (
                f"ALTER TABLE ONLY {q}\n    ADD CONSTRAINT {quote_ident(name)} FOREIGN KEY "
                f"({_cols(fk.columns)}) REFERENCES {qualified(parent.schema, parent.name)}"
                f"({_cols(fk.ref_columns)})"
            )
            if fk.on_update and fk.on_update != "no action":
                sql += f" ON UPDATE {fk.on_update.upper()}"
            if fk.on_delete and fk.on_delete != "no action":
                sql += f" ON DELETE {fk.on_delete.upper()}"
            if fk.deferrable:
                sql += " DEFERRABLE"
            fks.append(
                Entry(
                    "FK CONSTRAINT",
                    f"{t.name} {name}",
                    t.schema,
                    sql + ";\n",
                    POST,
                )
            )

    def setval(self, t: Table) -> list[Entry]:
        """``SELECT setval`` per serial column, so the next insert continues after the data."""
        out = []
        for qs, _ in self.tables[t.qualname].sequences:
            value, called = (t.rows, "true") if t.rows > 0 else (1, "false")
            out.append(
                Entry(
                    "SEQUENCE SET",
                    qs.rsplit(".", 1)[-1],
                    t.schema,
                    f"SELECT pg_catalog.setval({quote_literal(qs)}, {value}, {called});\n",
                    DATA,
                    t,
                )
            )
        return out
