"""The dump's table of contents: every object pg_dump would list, built once from the dataset.

Every writer renders from a :class:`Toc`: the plain writers print its entries in order, the archive
formats (``-Fc``, ``-Fd``, ``-Ft``) store them with their dump ids, sections and dependencies. The
order is pg_dump's: pre-data (schemas, types, tables with their sequences), data (each table's rows,
then its ``SEQUENCE SET``), post-data (keys, indexes, foreign keys). Dump ids count up from 1 in
that order, so they are a pure function of the dataset.

Constraint, index and sequence names the user did not give get PostgreSQL's own default names
(``orders_pkey``, ``orders_customer_id_fkey``, ``customers_id_seq``), shortened to 63 bytes and
numbered the way the server does it (:func:`datagen.idents.unique_name`).

Example:
    >>> import datagen
    >>> toc = Toc.from_dataset(datagen.load_spec_text('''
    ... version: 1
    ... name: tiny
    ... tables:
    ...   - name: users
    ...     rows: 2
    ...     columns:
    ...       - {name: id, type: bigserial, primary_key: true}
    ... '''))
    >>> [(e.dump_id, e.desc, e.tag, e.dependencies) for e in toc]  # doctest: +NORMALIZE_WHITESPACE
    [(1, 'TABLE', 'users', ()), (2, 'SEQUENCE', 'users_id_seq', (1,)),
     (3, 'SEQUENCE OWNED BY', 'users_id_seq', (1, 2)), (4, 'DEFAULT', 'users id', (1, 2)),
     (5, 'TABLE DATA', 'users', (1,)), (6, 'SEQUENCE SET', 'users_id_seq', (2,)),
     (7, 'CONSTRAINT', 'users users_pkey', (1,))]
    >>> toc.data_entry("public.users").copy_stmt
    'COPY public.users (id) FROM stdin;\\n'
    >>> toc.entry(7).drop_stmt
    'ALTER TABLE ONLY public.users DROP CONSTRAINT users_pkey;\\n'
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import xxhash

from ..idents import qualified, quote_ident, quote_literal, unique_name
from ..pgtypes import PgType
from ..spec.expressions import referenced_columns, sql_text
from ..spec.model import Dataset, Table
from ..spec.serials import serial_max, setval_args

PRE, DATA, POST = "pre-data", "data", "post-data"
SECTIONS = (PRE, DATA, POST)

# bumped whenever the canonical text of an entry changes shape (it feeds Toc.digest)
TOC_FORMAT = 1


@dataclass(frozen=True)
class TocEntry:
    """One object of the dump, as pg_dump's archive TOC describes it.

    ``defn``, ``drop_stmt`` and ``copy_stmt`` are the exact SQL text, each ending in a newline (or
    empty: TABLE DATA has no definition, TABLE DATA / SEQUENCE SET / SEQUENCE OWNED BY have no drop
    statement, only TABLE DATA has a COPY statement).
    """

    dump_id: int
    desc: str  # SCHEMA, TYPE, TABLE, SEQUENCE, SEQUENCE OWNED BY, DEFAULT, TABLE DATA, ...
    tag: str  # the object's name as pg_dump lists it (unquoted; "table constraint" for keys)
    namespace: str | None  # the schema the object lives in; None for a SCHEMA
    section: str  # PRE, DATA or POST
    defn: str
    drop_stmt: str
    copy_stmt: str = ""
    dependencies: tuple[int, ...] = ()  # dump ids this entry needs restored first, ascending
    table: str | None = None  # qualname of the table the object belongs to

    def canonical(self) -> str:
        """The entry as one line of stable text (sorted keys, no hash or dict-order dependence)."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class Toc:
    """Entries in dump order (dump ids 1, 2, 3, ...), with lookups by dump id and by table."""

    def __init__(self, entries: list[TocEntry] | tuple[TocEntry, ...], name: str = "") -> None:
        self.entries: tuple[TocEntry, ...] = tuple(entries)
        self.dataset_name = name  # an archive's header names it as the database dumped
        self._by_id = {e.dump_id: e for e in self.entries}
        self._by_table: dict[str, list[TocEntry]] = {}
        for e in self.entries:
            if e.table is not None:
                self._by_table.setdefault(e.table, []).append(e)

    @classmethod
    def from_dataset(cls, ds: Dataset) -> Toc:
        return cls(_Builder(ds).entries(), ds.name)

    def __iter__(self) -> Iterator[TocEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def entry(self, dump_id: int) -> TocEntry:
        return self._by_id[dump_id]

    def tables(self) -> list[str]:
        """Qualnames of the tables, in the order their data is dumped."""
        return [e.table for e in self.entries if e.desc == "TABLE DATA" and e.table]

    def for_table(self, qualname: str) -> list[TocEntry]:
        """Every entry that belongs to a table (its TABLE, sequences, data, keys, indexes, FKs)."""
        return list(self._by_table.get(qualname, []))

    def table_entry(self, qualname: str) -> TocEntry:
        return self._find(qualname, "TABLE")

    def data_entry(self, qualname: str) -> TocEntry:
        return self._find(qualname, "TABLE DATA")

    def section(self, name: str) -> list[TocEntry]:
        return [e for e in self.entries if e.section == name]

    def digest(self) -> str:
        """xxh3-128 of every entry outside the data section: it changes exactly when the DDL does.

        Row data is never part of the TOC, and the data section's entries (TABLE DATA, SEQUENCE SET)
        are left out too, so new rows or a new seed leave the digest alone.
        """
        h = xxhash.xxh3_128()
        h.update(f"datagen-toc {TOC_FORMAT}\n".encode())
        for e in self.entries:
            if e.section != DATA:
                h.update(e.canonical().encode("utf-8") + b"\n")
        return h.hexdigest()

    def _find(self, qualname: str, desc: str) -> TocEntry:
        for e in self._by_table.get(qualname, []):
            if e.desc == desc:
                return e
        raise KeyError(f"{desc} {qualname}")


# ---- building -------------------------------------------------------------------------------


def _check_column(expr: str, table: Table) -> str | None:
    """The column PostgreSQL names a CHECK after: the only one it references, if exactly one."""
    names = {c.name for c in table.columns}
    found = {n for n in referenced_columns(expr) if n in names}
    return found.pop() if len(found) == 1 else None


def _cols(cols: tuple[str, ...]) -> str:
    return ", ".join(quote_ident(c) for c in cols)


def _enum_of(t: PgType) -> str | None:
    while t.element is not None:
        t = t.element
    return t.enum


Key = tuple[str, ...]  # symbolic identity of an entry, resolved to a dump id once all are placed


@dataclass
class _Proto:
    key: Key
    desc: str
    tag: str
    namespace: str | None
    section: str
    defn: str
    drop_stmt: str = ""
    copy_stmt: str = ""
    deps: list[Key] = field(default_factory=list)
    table: str | None = None


class _Builder:
    """Names every object of a dataset, renders its SQL, and links the entries by dump id."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.pre: list[_Proto] = []
        self.data: list[_Proto] = []
        self.keys: list[_Proto] = []
        self.indexes: list[_Proto] = []
        self.fks: list[_Proto] = []
        self.relnames: dict[str, set[str]] = {}
        # (qualname, sorted columns) -> key of the constraint or unique index that backs FKs
        self.unique_keys: dict[tuple[str, tuple[str, ...]], Key] = {}
        self.unique_indexes: dict[tuple[str, tuple[str, ...]], Key] = {}
        self.pending_fks: list[tuple[_Proto, str, tuple[str, ...]]] = []

    def entries(self) -> list[TocEntry]:
        ds = self.ds
        for t in ds.tables:
            # default names never take a name the spec gives explicitly (validate refuses clashes
            # between explicit names)
            taken = self.relnames.setdefault(t.schema, set())
            taken.add(t.name)
            taken.update(k.name for k in t.key_constraints() if k.name)
            taken.update(ix.name for ix in t.indexes if ix.name)
        for schema in sorted({t.schema for t in ds.tables} - {"public"}):
            q = quote_ident(schema)
            self.pre.append(
                _Proto(("SCHEMA", schema), "SCHEMA", schema, None, PRE,
                       f"CREATE SCHEMA {q};\n", f"DROP SCHEMA {q};\n")
            )  # fmt: skip
        for name, labels in ds.enums.items():
            body = ",\n".join(f"    {quote_literal(v)}" for v in labels)
            q = qualified("public", name)
            self.pre.append(
                _Proto(("TYPE", "public", name), "TYPE", name, "public", PRE,
                       f"CREATE TYPE {q} AS ENUM (\n{body}\n);\n", f"DROP TYPE {q};\n",
                       deps=[("SCHEMA", "public")])
            )  # fmt: skip
        for t in ds.tables:
            self._table(t)
        for fk, parent, ref_cols in self.pending_fks:
            # the referenced table's primary key or unique constraint, else its unique index
            backing = self.unique_keys.get((parent, ref_cols))
            backing = backing or self.unique_indexes.get((parent, ref_cols))
            if backing is not None:
                fk.deps.append(backing)
        protos = self.pre + self.data + self.keys + self.indexes + self.fks
        ids: dict[Key, int] = {}
        for i, p in enumerate(protos, 1):
            ids.setdefault(p.key, i)  # a clash (two indexes given one name) would fail to load
        return [
            TocEntry(
                dump_id=i,
                desc=p.desc,
                tag=p.tag,
                namespace=p.namespace,
                section=p.section,
                defn=p.defn,
                drop_stmt=p.drop_stmt,
                copy_stmt=p.copy_stmt,
                dependencies=tuple(sorted({ids[k] for k in p.deps if k in ids})),
                table=p.table,
            )
            for i, p in enumerate(protos, 1)
        ]

    def _table(self, t: Table) -> None:
        q = qualified(t.schema, t.name)
        tkey: Key = ("TABLE", t.qualname)
        lines = []
        for c in t.columns:
            line = f"    {quote_ident(c.name)} {c.type.ddl()}"
            if c.default is not None and not c.type.is_serial:
                line += f" DEFAULT {sql_text(c.default)}"  # printed from its parse tree
            if t.not_null(c) or c.type.is_serial:
                line += " NOT NULL"
            lines.append(line)
        explicit = {k.name for k in t.key_constraints() if k.name}
        explicit |= {c.name for c in t.checks if c.name}
        explicit |= {fk.name for fk in t.foreign_keys if fk.name}
        check_names: set[str] = set(explicit)
        for chk in t.checks:
            if chk.name:
                name = chk.name
                check_names.add(name)
            else:
                first = _check_column(chk.expression, t)
                name = unique_name(t.name, first, "check", check_names)
            lines.append(f"    CONSTRAINT {quote_ident(name)} CHECK ({sql_text(chk.expression)})")
        types = sorted({e for c in t.columns if (e := _enum_of(c.type)) is not None})
        self.pre.append(
            _Proto(tkey, "TABLE", t.name, t.schema, PRE,
                   f"CREATE TABLE {q} (\n" + ",\n".join(lines) + "\n);\n", f"DROP TABLE {q};\n",
                   deps=[("SCHEMA", t.schema)] + [("TYPE", "public", e) for e in types],
                   table=t.qualname)
        )  # fmt: skip
        self.data.append(
            _Proto(("TABLE DATA", t.qualname), "TABLE DATA", t.name, t.schema, DATA, "",
                   copy_stmt=f"COPY {q} ({_cols(tuple(c.name for c in t.columns))}) FROM stdin;\n",
                   deps=[tkey], table=t.qualname)
        )  # fmt: skip
        taken = self.relnames.setdefault(t.schema, set())
        for c in t.columns:
            if not c.type.is_serial:
                continue
            seq = unique_name(t.name, c.name, "seq", taken)
            qs = qualified(t.schema, seq)
            skey: Key = ("SEQUENCE", t.schema, seq)
            serial_of = c.type.info.serial_of
            as_type = "" if serial_of == "bigint" else f"    AS {serial_of}\n"
            col = quote_ident(c.name)
            self.pre += [
                _Proto(skey, "SEQUENCE", seq, t.schema, PRE,
                       f"CREATE SEQUENCE {qs}\n{as_type}    START WITH 1\n    INCREMENT BY 1\n"
                       "    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1;\n",
                       f"DROP SEQUENCE {qs};\n", deps=[("SCHEMA", t.schema), tkey],
                       table=t.qualname),
                _Proto(("SEQUENCE OWNED BY", t.schema, seq), "SEQUENCE OWNED BY", seq, t.schema,
                       PRE, f"ALTER SEQUENCE {qs} OWNED BY {q}.{col};\n", deps=[skey, tkey],
                       table=t.qualname),
                _Proto(("DEFAULT", t.qualname, c.name), "DEFAULT", f"{t.name} {c.name}", t.schema,
                       PRE, f"ALTER TABLE ONLY {q} ALTER COLUMN {col} "
                       f"SET DEFAULT nextval({quote_literal(qs)}::regclass);\n",
                       f"ALTER TABLE {q} ALTER COLUMN {col} DROP DEFAULT;\n",
                       deps=[tkey, skey], table=t.qualname),
            ]  # fmt: skip
            value, called = setval_args(t.rows, serial_max(self.ds, t, c))
            self.data.append(
                _Proto(("SEQUENCE SET", t.schema, seq), "SEQUENCE SET", seq, t.schema, DATA,
                       f"SELECT pg_catalog.setval({quote_literal(qs)}, {value}, {called});\n",
                       deps=[skey], table=t.qualname)
            )  # fmt: skip
        for key, kind, label in [(t.primary_key, "PRIMARY KEY", "pkey")] + [
            (u, "UNIQUE", "key") for u in t.uniques
        ]:
            if key is None:
                continue
            # a key's name is both a relation (its index) and one of the table's constraints
            avoid = taken | check_names | explicit
            name = key.name or unique_name(
                t.name, "_".join(key.columns) if label == "key" else None, label, avoid
            )
            taken.add(name)
            ckey: Key = ("CONSTRAINT", t.qualname, name)
            self.unique_keys.setdefault((t.qualname, tuple(sorted(key.columns))), ckey)
            self.keys.append(
                _Proto(ckey, "CONSTRAINT", f"{t.name} {name}", t.schema, POST,
                       f"ALTER TABLE ONLY {q}\n    ADD CONSTRAINT {quote_ident(name)} "
                       f"{kind} ({_cols(key.columns)});\n",
                       f"ALTER TABLE ONLY {q} DROP CONSTRAINT {quote_ident(name)};\n",
                       deps=[tkey], table=t.qualname)
            )  # fmt: skip
        for ix in t.indexes:
            # a unique *index* is named _idx; only unique *constraints* get _key
            name = ix.name or unique_name(t.name, "_".join(ix.columns), "idx", taken)
            ikey: Key = ("INDEX", t.schema, name)
            if ix.unique:
                self.unique_indexes.setdefault((t.qualname, tuple(sorted(ix.columns))), ikey)
            unique = "UNIQUE " if ix.unique else ""
            self.indexes.append(
                _Proto(ikey, "INDEX", name, t.schema, POST,
                       f"CREATE {unique}INDEX {quote_ident(name)} ON {q} "
                       f"USING {ix.using or 'btree'} ({_cols(ix.columns)});\n",
                       f"DROP INDEX {qualified(t.schema, name)};\n", deps=[tkey],
                       table=t.qualname)
            )  # fmt: skip
        fk_names: set[str] = set(explicit) | check_names
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
            proto = _Proto(
                ("FK CONSTRAINT", t.qualname, name), "FK CONSTRAINT", f"{t.name} {name}",
                t.schema, POST, sql + ";\n",
                f"ALTER TABLE ONLY {q} DROP CONSTRAINT {quote_ident(name)};\n",
                deps=[tkey, ("TABLE", parent.qualname)], table=t.qualname,
            )  # fmt: skip
            self.fks.append(proto)
            # the key it references may belong to a table not built yet: linked at the end
            self.pending_fks.append((proto, parent.qualname, tuple(sorted(fk.ref_columns))))
