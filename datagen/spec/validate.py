"""Validate a spec document and compile it into a :class:`~datagen.spec.model.Dataset`.

Every problem is collected (structure by JSON Schema, then meaning) and raised once, in one
:class:`~datagen.errors.SpecError`, each with file, line, JSON path and a suggestion where one fits.
"""

from __future__ import annotations

from typing import Any

from ..errors import Problem, SpecError, suggest
from ..idents import NAMEDATALEN
from ..pgtypes import ALL_SPELLINGS, TypeParseError, parse_type
from .load import SpecDocument
from .model import Check, Column, Dataset, ForeignKey, Index, Key, Table
from .outputs import output_problems
from .relations import fk_distribution, index_problems, name_problems, nul_problems
from .structure import structure_problems


def _ident_problems(doc: SpecDocument, path: str, name: Any, what: str) -> list[Problem]:
    if not isinstance(name, str):
        return []
    out = []
    if len(name.encode("utf-8")) > NAMEDATALEN - 1:
        out.append(
            doc.problem(
                path,
                f"{what} name {name!r} is {len(name.encode())} bytes; PostgreSQL keeps only 63",
                "shorten it",
            )
        )
    return out


class _Builder:
    """Builds the model from structurally valid data, collecting semantic problems."""

    def __init__(
        self, doc: SpecDocument, seed: int | None, rows: dict[str, int], scale: float | None
    ) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.seed = seed
        self.rows = rows
        self.scale = scale

    def add(self, path: str, message: str, hint: str | None = None) -> None:
        self.problems.append(self.doc.problem(path, message, hint))

    def build(self) -> Dataset:
        data = self.doc.data
        enums: dict[str, list[str]] = {}
        for name, values in (data.get("enums") or {}).items():
            path = f"enums.{name}"
            self.problems += _ident_problems(self.doc, path, name, "enum type")
            if any("\x00" in v for v in values if isinstance(v, str)):
                self.add(path, "an enum label contains a NUL character", "remove it")
            if any(len(v.encode()) > NAMEDATALEN - 1 for v in values if isinstance(v, str)):
                self.add(path, "an enum label is longer than 63 bytes", "shorten it")
            enums[name] = list(values)
        tables = [self.table(t, i, enums) for i, t in enumerate(data.get("tables", []))]
        ds = Dataset(
            name=data["name"],
            seed=self.seed if self.seed is not None else int(data.get("seed", 0)),
            locale=data.get("locale", "en_US"),
            outputs=list(data.get("outputs", ["copy"])),
            enums=enums,
            tables=tables,
            file=self.doc.file,
            raw=data,
        )
        self.apply_rows(ds)
        self.check_names(ds)
        for t in ds.tables:
            self.check_keys(t)
            self.check_expressions(t, enums)
        for t in ds.tables:
            for fk in t.foreign_keys:
                self.check_fk(ds, t, fk)
        found = nul_problems(data) + name_problems(ds)
        for path, message, hint in found + [p for t in ds.tables for p in index_problems(t)]:
            self.add(path, message, hint)
        return ds

    def apply_rows(self, ds: Dataset) -> None:
        """``--scale`` then ``--rows TABLE=N`` overrides, before any row-count check."""
        if self.scale is not None and not 0 <= self.scale <= 1e6:  # also refuses NaN
            self.problems.append(
                Problem(self.doc.file, "", f"scale {self.scale} is not 0 to 1e6", None, "fix it")
            )
        elif self.scale is not None:
            for t in ds.tables:
                t.rows = max(0, round(t.rows * self.scale))
        for name, n in self.rows.items():
            found = ds.find_tables(name)
            if len(found) != 1:
                hint = suggest(name, [t.name for t in ds.tables]) or "name a table of the spec"
                what = "no table" if not found else "more than one table"
                self.problems.append(
                    Problem(
                        self.doc.file, "", f"--rows {name}={n}: {what} called {name!r}", None, hint
                    )
                )
                continue
            found[0].rows = n

    def table(self, raw: dict[str, Any], i: int, enums: dict[str, list[str]]) -> Table:
        path = f"tables[{i}]"
        self.problems += _ident_problems(self.doc, f"{path}.name", raw["name"], "table")
        self.problems += _ident_problems(self.doc, f"{path}.schema", raw.get("schema"), "schema")
        t = Table(
            name=raw["name"],
            schema=raw.get("schema", "public"),
            rows=raw["rows"],
            columns=[],
            path=path,
            raw=raw,
        )
        pk_cols = []
        for j, rc in enumerate(raw["columns"]):
            col = self.column(rc, f"{path}.columns[{j}]", enums, t)
            t.columns.append(col)
            if rc.get("primary_key"):
                pk_cols.append(col.name)
        if pk_cols and "primary_key" in raw:
            self.add(
                f"{path}.primary_key",
                "the primary key is declared both on columns and on the table",
                "keep one of them",
            )
        if "primary_key" in raw:
            t.primary_key = self.key(raw["primary_key"], f"{path}.primary_key")
        elif pk_cols:
            t.primary_key = Key(tuple(pk_cols), None, path)
        for j, rc in enumerate(raw["columns"]):
            if rc.get("unique"):
                t.uniques.append(Key((rc["name"],), None, f"{path}.columns[{j}].unique"))
        for j, ru in enumerate(raw.get("unique", [])):
            t.uniques.append(self.key(ru, f"{path}.unique[{j}]"))
        for j, rc in enumerate(raw["columns"]):
            ref = rc.get("references")
            if ref is not None:
                t.foreign_keys.append(self.column_fk(rc["name"], ref, f"{path}.columns[{j}]"))
        for j, rf in enumerate(raw.get("foreign_keys", [])):
            r = rf["references"]
            t.foreign_keys.append(
                ForeignKey(
                    columns=tuple(rf["columns"]),
                    ref_table=r["table"],
                    ref_schema=r.get("schema"),
                    ref_columns=tuple(r["columns"]),
                    name=rf.get("name"),
                    on_delete=rf.get("on_delete"),
                    on_update=rf.get("on_update"),
                    deferrable=rf.get("deferrable", False),
                    **fk_distribution(rf),
                    path=f"{path}.foreign_keys[{j}]",
                )
            )
        for j, ri in enumerate(raw.get("indexes", [])):
            t.indexes.append(
                Index(
                    tuple(ri["columns"]),
                    ri.get("unique", False),
                    ri.get("name"),
                    ri.get("using"),
                    f"{path}.indexes[{j}]",
                )
            )
        for j, rc in enumerate(raw["columns"]):
            if "check" in rc:
                t.checks.append(Check(rc["check"], None, rc["name"], f"{path}.columns[{j}].check"))
        for j, rk in enumerate(raw.get("checks", [])):
            if isinstance(rk, str):
                t.checks.append(Check(rk, None, None, f"{path}.checks[{j}]"))
            else:
                t.checks.append(
                    Check(rk["expression"], rk.get("name"), None, f"{path}.checks[{j}]")
                )
        return t

    def key(self, raw: Any, path: str) -> Key:
        if isinstance(raw, dict):
            return Key(tuple(raw["columns"]), raw.get("name"), path)
        return Key(tuple(raw), None, path)

    def column_fk(self, column: str, ref: Any, path: str) -> ForeignKey:
        if isinstance(ref, str):
            parts = ref.split(".")
            schema_name = parts[0] if len(parts) == 3 else None
            where = f"{path}.references"
            dist = fk_distribution({})
            return ForeignKey((column,), parts[-2], (parts[-1],), schema_name, path=where, **dist)
        return ForeignKey(
            columns=(column,),
            ref_table=ref["table"],
            ref_schema=ref.get("schema"),
            ref_columns=(ref["column"],),
            name=ref.get("name"),
            on_delete=ref.get("on_delete"),
            on_update=ref.get("on_update"),
            deferrable=ref.get("deferrable", False),
            **fk_distribution(ref),
            path=f"{path}.references",
        )

    def column(self, raw: dict[str, Any], path: str, enums: dict[str, list[str]], t: Table):
        self.problems += _ident_problems(self.doc, f"{path}.name", raw["name"], "column")
        try:
            pgtype = parse_type(raw["type"], enums)
        except TypeParseError as e:
            pgtype = parse_type("text")
            base = str(raw["type"]).lower().split("(")[0].strip().removesuffix("[]")
            hint = suggest(base, [*ALL_SPELLINGS, *enums]) or (
                "use a PostgreSQL type from SPEC section 1 or one of the dataset's enums"
            )
            self.add(f"{path}.type", str(e), hint)
        null_rate = raw.get("null_rate", 0.0)
        if not 0 <= null_rate <= 1:
            self.add(f"{path}.null_rate", f"null_rate {null_rate} is outside 0..1", "use 0 to 1")
            null_rate = 0.0
        nullable = raw.get("nullable", True)
        not_null = raw.get("nullable") is False or raw.get("primary_key")
        if not_null and null_rate > 0:
            self.add(
                f"{path}.null_rate",
                f"null_rate {null_rate} on NOT NULL column {raw['name']!r}",
                "set null_rate to 0 or make the column nullable",
            )
        default = raw.get("default")
        if isinstance(default, bool):
            default = "true" if default else "false"
        return Column(
            name=raw["name"],
            type=pgtype,
            nullable=nullable,
            null_rate=float(null_rate),
            generator=raw.get("generator"),
            params=raw.get("params", {}),
            default=None if default is None else str(default),
            check=raw.get("check"),
            path=path,
            raw=raw,
        )

    def check_names(self, ds: Dataset) -> None:
        seen: dict[str, str] = {}
        for t in ds.tables:
            if t.qualname in seen:
                self.add(
                    f"{t.path}.name",
                    f"table {t.qualname!r} is declared twice (also at {seen[t.qualname]})",
                    "rename one of them",
                )
            seen[t.qualname] = t.path
            cols: dict[str, str] = {}
            for c in t.columns:
                if c.name in cols:
                    self.add(
                        f"{c.path}.name",
                        f"column {c.name!r} appears twice in table {t.name!r}",
                        "rename one of them",
                    )
                cols[c.name] = c.path

    def check_columns_exist(self, t: Table, columns: tuple[str, ...], path: str) -> bool:
        ok = True
        names = [c.name for c in t.columns]
        for name in columns:
            if name not in names:
                ok = False
                self.add(
                    path,
                    f"table {t.name!r} has no column {name!r}",
                    suggest(name, names) or f"columns: {', '.join(names)}",
                )
        if len(set(columns)) != len(columns):
            ok = False
            self.add(path, "a column is listed twice", "list each column once")
        return ok

    def check_keys(self, t: Table) -> None:
        for key in t.key_constraints():
            self.check_columns_exist(t, key.columns, key.path)
        if t.primary_key:
            for name in t.primary_key.columns:
                if t.has_column(name) and t.column(name).raw.get("nullable") is True:
                    self.add(
                        t.column(name).path + ".nullable",
                        f"primary key column {name!r} is declared nullable",
                        "a primary key is never NULL: remove 'nullable: true'",
                    )
        for ix in t.indexes:
            self.check_columns_exist(t, ix.columns, f"{ix.path}.columns")
        for fk in t.foreign_keys:
            if fk.path.endswith(".references"):
                continue
            self.check_columns_exist(t, fk.columns, f"{fk.path}.columns")

    def check_expressions(self, t: Table, enums: dict[str, list[str]]) -> None:
        """Each CHECK and DEFAULT is exactly one safe expression (see :mod:`.expressions`)."""
        if not t.checks and all(c.default is None for c in t.columns):
            return  # nothing to parse: pglast is not even imported
        from .expression_checks import default_problems, expression_problems

        columns = {c.name: c.type for c in t.columns}
        for chk in t.checks:
            for message, hint in expression_problems(chk.expression, "CHECK", columns, enums):
                self.add(chk.path, message, hint)
        for c in t.columns:
            if c.default is not None:
                for message, hint in default_problems(c.default, c.type, enums):
                    self.add(f"{c.path}.default", message, hint)

    def check_fk(self, ds: Dataset, t: Table, fk: ForeignKey) -> None:
        parents = ds.find_tables(fk.ref_table, fk.ref_schema)
        if not parents:
            self.add(
                fk.path,
                f"references missing table {fk.ref_table!r}",
                suggest(fk.ref_table, [x.name for x in ds.tables]) or "declare that table",
            )
            return
        if len(parents) > 1:
            self.add(
                fk.path,
                f"table name {fk.ref_table!r} is ambiguous: "
                + ", ".join(p.qualname for p in parents),
                "add 'schema:' to the reference",
            )
            return
        parent = parents[0]
        if len(fk.columns) != len(fk.ref_columns):
            self.add(
                fk.path,
                f"foreign key has {len(fk.columns)} column(s) but references "
                f"{len(fk.ref_columns)} column(s) of {parent.name!r}",
                "list as many referenced columns as referencing ones",
            )
            return
        if not self.check_columns_exist(parent, fk.ref_columns, fk.path):
            return
        if not all(t.has_column(c) for c in fk.columns):
            return
        if not any(set(k.columns) == set(fk.ref_columns) for k in parent.key_constraints()):
            cols = ", ".join(fk.ref_columns)
            self.add(
                fk.path,
                f"referenced column(s) {cols} of {parent.name!r} are not its primary key "
                "or a unique constraint",
                f"make ({cols}) the primary key or unique in {parent.name!r}"
                if len(fk.ref_columns) > 1
                else f"add 'unique: true' to {parent.name}.{cols}",
            )
            return
        for c, rc in zip(fk.columns, fk.ref_columns, strict=True):
            ct, pt = t.column(c).type, parent.column(rc).type
            if not ct.same_as(pt):
                self.add(
                    fk.path,
                    f"column {c!r} ({ct.ddl()}) references {parent.name}.{rc} ({pt.ddl()}): "
                    "types differ",
                    f"declare {c!r} as {pt.ddl()}",
                )
        child_not_null = any(t.not_null(t.column(c)) for c in fk.columns)
        if parent.rows == 0 and t.rows > 0 and child_not_null:
            self.add(
                fk.path,
                f"NOT NULL foreign key into {parent.name!r}, which has 0 rows, "
                f"while {t.name!r} has {t.rows}",
                f"give {parent.name!r} rows, or make the column nullable",
            )


def build_model(
    doc: SpecDocument,
    *,
    seed: int | None = None,
    rows: dict[str, int] | None = None,
    scale: float | None = None,
) -> Dataset:
    """Validate ``doc``'s structure and meaning and build the dataset model; one SpecError lists
    every problem. What only the plan can see (generator params, key domains, cycles) is checked
    by :func:`datagen.plan.compile_dataset`."""
    problems = list(doc.problems)
    if not isinstance(doc.data, dict):
        problems.append(doc.problem("", "a spec must be a mapping with version, name and tables"))
        raise SpecError(problems)
    problems += structure_problems(doc)
    if problems:
        raise SpecError(problems)
    builder = _Builder(doc, seed, rows or {}, scale)
    ds = builder.build()
    problems += builder.problems + output_problems(doc, ds)
    if problems:
        raise SpecError(problems)
    return ds
