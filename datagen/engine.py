"""From a compiled dataset to column values: each column's source, keys, and chunks of rows.

Every column value is a pure function of the row index (see :mod:`datagen.rand`), so a table is
generated in fixed-size chunks that can run in any order, and a child computes the keys of any
parent row without the parent's data (DESIGN point 5). Keys are unique by construction: a keyed
permutation of the row index picks a distinct position of the key's value domain (DESIGN point 4).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from . import rand, textops
from .errors import Problem
from .generators import ColumnContext, Generator, numeric, resolve
from .generators.words import available_locales
from .spec.model import Column, Dataset, ForeignKey, Table

if TYPE_CHECKING:
    from .spec.load import SpecDocument

CHUNK_ROWS = 65536
MAX_RADIX_PRODUCT = 1 << 62


@dataclass
class Col:
    """One column of a block of rows: PostgreSQL text per row, and which rows are NULL."""

    text: np.ndarray
    null: np.ndarray | None = None


class Block:
    """A set of rows (by index) of one table, with per-block memory of shared draws."""

    def __init__(self, plan: TablePlan, idx: np.ndarray) -> None:
        self.plan = plan
        self.idx = np.asarray(idx, dtype=np.int64)
        self._memo: dict[Any, Any] = {}

    def memo(self, key: Any, fn: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def column(self, name: str) -> Col:
        return self.memo(("col", name), lambda: self.plan.sources[name].values(self))

    def derived(self, idx: np.ndarray) -> Block:
        return Block(self.plan, idx)


class Source:
    """Where one column's values come from."""

    null_key: int = 0
    null_rate: float = 0.0

    def deps(self) -> list[tuple[str, str]]:
        return []

    def text(self, block: Block) -> np.ndarray:
        raise NotImplementedError

    def values(self, block: Block) -> Col:
        text = self.text(block)
        if self.null_rate > 0:
            return Col(text, rand.chance(self.null_key, block.idx, self.null_rate))
        return Col(text)


class GenSource(Source):
    def __init__(self, plan: TablePlan, gen: Generator) -> None:
        self.plan, self.gen = plan, gen

    def deps(self) -> list[tuple[str, str]]:
        return [(self.plan.table.qualname, c) for c in self.gen.depends_on()]

    def text(self, block: Block) -> np.ndarray:
        return self.gen.generate(block)


class SerialSource(Source):
    """serial / bigserial and integer primary keys: 1, 2, 3, ... in row order."""

    def text(self, block: Block) -> np.ndarray:
        return textops.ints(block.idx + 1)


class UniqueSource(GenSource):
    """A unique column: the generator's value at a permuted position of its domain."""

    def __init__(self, plan: TablePlan, gen: Generator, key: int) -> None:
        super().__init__(plan, gen)
        domain = gen.domain() or 1
        self.perm: Callable[[np.ndarray], np.ndarray] | None
        if gen.injective:
            self.perm = None
        elif getattr(gen, "compact_suffix", False) and domain >= 1 << 62:
            self.perm = rand.BlockPermutation(key)
        else:
            self.perm = rand.Permutation(key, domain)

    def text(self, block: Block) -> np.ndarray:
        if self.perm is None:
            return self.gen.generate(block)
        return self.gen.at(block, self.perm(block.idx))


class FkPick:
    """How the rows of a child choose parent rows for one foreign key."""

    def __init__(self, plan: TablePlan, fk: ForeignKey, parent: TablePlan, one_to_one: bool):
        self.plan, self.fk, self.parent = plan, fk, parent
        t = plan.table
        self.key = rand.stream_key(plan.ds.seed, t.schema, t.name, "fk", *fk.columns)
        self.size = max(parent.table.rows, 1)
        self.one_to_one = one_to_one
        self.perm = rand.Permutation(self.key, self.size)
        cols = [t.column(c) for c in fk.columns]
        self.not_null = any(t.not_null(c) for c in cols)
        self.null_rate = 0.0 if self.not_null else max(c.null_rate for c in cols)
        if parent.table.rows == 0:
            self.null_rate = 1.0  # nothing to point at: every row NULL (NOT NULL is a spec error)
        # parent key columns that may be NULL: a child pointing at such a row gets NULL too
        pt = parent.table
        self.nullable_refs = [
            c
            for c in fk.ref_columns
            if not pt.not_null(pt.column(c)) and pt.column(c).null_rate > 0
        ]

    def rows(self, block: Block) -> np.ndarray:
        """Parent row numbers, one per child row."""
        return block.memo(("fk", self.fk.columns), lambda: self._rows(block))

    def _rows(self, block: Block) -> np.ndarray:
        idx, n, dist = block.idx, self.size, self.fk.distribution
        if self.one_to_one:
            return self.perm(idx).astype(np.int64)
        if dist == "uniform":
            return rand.integers(self.key, idx, n).astype(np.int64)
        u = rand.uniform(self.key, idx)
        if dist == "zipf":
            rank = numeric.zipf_rank(u, n, float(self.fk.params.get("exponent", 1.1)))
        else:
            mean = float(self.fk.params.get("mean", 0.5)) * n
            sd = float(self.fk.params.get("stddev", 1 / 6)) * n
            rank = numeric.normal_rank(u, rand.uniform(self.key, idx, 1), n, mean, sd)
        # popular ranks land on scattered parents, not on the first rows
        return self.perm(rank.astype(np.uint64)).astype(np.int64)

    def parent_col(self, block: Block, ref_column: str, rows: np.ndarray) -> Col:
        return block.memo(
            ("fkval", self.fk.columns, ref_column),
            lambda: Block(self.parent, rows).column(ref_column),
        )

    def parent_text(self, block: Block, ref_column: str, rows: np.ndarray) -> np.ndarray:
        return self.parent_col(block, ref_column, rows).text

    def nulls(self, block: Block) -> np.ndarray | None:
        def draw() -> np.ndarray | None:
            out = None
            if self.null_rate > 0:
                out = rand.chance(self.key, block.idx, self.null_rate, 1)
            rows = self.rows(block) if self.nullable_refs else None
            for ref in self.nullable_refs:
                null = self.parent_col(block, ref, rows).null
                if null is not None:
                    out = null if out is None else out | null
            return out

        return block.memo(("fknull", self.fk.columns), draw)


class FkSource(Source):
    def __init__(self, pick: FkPick, position: int) -> None:
        self.pick, self.position = pick, position
        self.ref = pick.fk.ref_columns[position]

    def deps(self) -> list[tuple[str, str]]:
        return [(self.pick.parent.table.qualname, self.ref)]

    def values(self, block: Block) -> Col:
        text = self.pick.parent_text(block, self.ref, self.pick.rows(block))
        return Col(text, self.pick.nulls(block))


@dataclass
class Composite:
    """A composite key built jointly: a permuted index decoded in mixed radix over its members.

    A member is a column (with a generator that enumerates values) or a whole foreign key (its
    domain is the parent's rows), so ``(order_id, product_id)`` pairs are distinct by construction.
    """

    key: int
    members: list[Any]  # Generator or FkPick
    radices: list[int] = field(default_factory=list)
    perm: rand.Permutation | None = None

    def prepare(self) -> int:
        self.radices = [
            (m.size if isinstance(m, FkPick) else (m.domain() or 1)) for m in self.members
        ]
        total = 1
        for r in self.radices:
            total *= r
        full = total
        while total > MAX_RADIX_PRODUCT:  # keep the product in 64 bits: shrink the widest radix
            i = int(np.argmax(self.radices))
            total //= self.radices[i]
            self.radices[i] = max(1, self.radices[i] // 2)
            total *= self.radices[i]
        self.perm = rand.Permutation(self.key, total)
        return full

    def digits(self, block: Block) -> list[np.ndarray]:
        def decode() -> list[np.ndarray]:
            assert self.perm is not None
            j = self.perm(block.idx)
            out = []
            for r in reversed(self.radices):
                out.append(j % np.uint64(r))
                j = j // np.uint64(r)
            return out[::-1]

        return block.memo(("composite", self.key), decode)


class CompositeSource(Source):
    def __init__(self, comp: Composite, member: int, position: int = 0) -> None:
        self.comp, self.member, self.position = comp, member, position

    def deps(self) -> list[tuple[str, str]]:
        m = self.comp.members[self.member]
        if isinstance(m, FkPick):
            return [(m.parent.table.qualname, m.fk.ref_columns[self.position])]
        return []

    def text(self, block: Block) -> np.ndarray:
        k = self.comp.digits(block)[self.member]
        m = self.comp.members[self.member]
        if isinstance(m, FkPick):
            return m.parent_text(block, m.fk.ref_columns[self.position], k.astype(np.int64))
        return m.at(block, k)


# ----------------------------------------------------------------------------------------------
# CHECK constraints of the forms SPEC section 2 promises to honour on number columns.

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_CMP = re.compile(rf"^\(?\s*({_IDENT})\s*(>=|<=|>|<)\s*({_NUMBER})\s*\)?\Z")
_BETWEEN = re.compile(
    rf"^\(?\s*({_IDENT})\s+between\s+({_NUMBER})\s+and\s+({_NUMBER})\s*\)?\Z", re.I
)
_IN = re.compile(rf"^\(?\s*({_IDENT})\s+in\s*\((.*)\)\s*\)?\Z", re.I | re.S)


def _ident(text: str) -> str:
    return text[1:-1].replace('""', '"') if text.startswith('"') else text.lower()


def check_bounds(expr: str) -> tuple[str, dict[str, Any]] | None:
    """(column, params to merge) for an enforceable CHECK, or None."""
    expr = expr.strip()
    m = _CMP.match(expr)
    if m:
        col, op, num = _ident(m[1]), m[2], float(m[3])
        return col, {("min" if op.startswith(">") else "max"): (num, op)}
    m = _BETWEEN.match(expr)
    if m:
        return _ident(m[1]), {"min": (float(m[2]), ">="), "max": (float(m[3]), "<=")}
    m = _IN.match(expr)
    if m:
        items = [i.strip() for i in m[2].split(",")]
        values = []
        for item in items:
            if re.fullmatch(_NUMBER, item):
                values.append(item)
            elif re.fullmatch(r"'(?:[^']|'')*'(?:::\w+(?:\s+\w+)?)?", item):
                values.append(item[1 : item.rindex("'")].replace("''", "'"))
            else:
                return None
        return _ident(m[1]), {"values": values}
    return None


# ----------------------------------------------------------------------------------------------


class TablePlan:
    """Sources for every column of one table."""

    def __init__(self, dsplan: DatasetPlan, table: Table) -> None:
        self.dsplan = dsplan
        self.ds = dsplan.ds
        self.table = table
        self.sources: dict[str, Source] = {}
        self.generators: dict[str, Generator] = {}
        self.problems: list[tuple[str, str, str | None]] = []  # (path, message, hint)
        self.unenforced: list[tuple[str, str]] = []
        self.overrides: dict[str, Column] = {}  # columns whose CHECKs reshaped their generator

    def problem(self, path: str, message: str, hint: str | None = None) -> None:
        self.problems.append((path, message, hint))

    def context(self, col: Column, unique: bool) -> ColumnContext:
        t = col.type.element if col.type.element is not None else col.type
        return ColumnContext(self.ds, self.table, col, t, unique=unique)

    def generator(self, col: Column, unique: bool = False) -> Generator:
        col = self.overrides.get(col.name, col)
        try:
            gen = resolve(self.context(col, unique))
        except KeyError as e:  # unknown generator name: report, then carry on with the default
            self.problem(col.path + ".generator", e.args[0].split(" (")[0], _hint(e.args[0]))
            gen = resolve(self.context(replace(col, generator=None, params={}), unique))
        for message, hint in gen.problems:
            where = col.path + (".params" if col.params else "")
            self.problem(where if col.generator else col.path, message, hint)
        self.generators[col.name] = gen
        return gen

    def build(self) -> None:
        t = self.table
        self.apply_checks()
        keys = [k.columns for k in t.key_constraints()] + [
            ix.columns for ix in t.indexes if ix.unique
        ]
        singles = {k[0] for k in keys if len(k) == 1}
        picks: dict[tuple[str, ...], FkPick] = {}
        fk_of: dict[str, tuple[FkPick, int]] = {}
        for fk in t.foreign_keys:
            parent = self.dsplan.plan_for(fk)
            if parent is None:
                continue
            one_to_one = any(set(k) == set(fk.columns) for k in keys)
            pick = FkPick(self, fk, parent, one_to_one)
            picks[fk.columns] = pick
            if pick.nullable_refs and pick.not_null:
                self.problem(
                    fk.path,
                    f"NOT NULL foreign key into {parent.table.name}."
                    f"{', '.join(pick.nullable_refs)}, which has a null_rate",
                    "make the referencing column nullable, or drop the parent's null_rate",
                )
            for pos, c in enumerate(fk.columns):
                if c in fk_of:
                    self.problem(
                        fk.path,
                        f"column {c!r} is in two foreign keys; datagen can satisfy only one",
                        "give each foreign key its own columns",
                    )
                fk_of.setdefault(c, (pick, pos))
                col = t.column(c)
                if col.generator:
                    self.problem(
                        col.path + ".generator",
                        f"column {c!r} is a foreign key: its values come from "
                        f"{fk.ref_table}.{fk.ref_columns[pos]}",
                        "remove 'generator' (use references.distribution to shape the picks)",
                    )
            if one_to_one and t.rows > parent.table.rows:
                self.problem(
                    fk.path,
                    f"{t.name!r} has {t.rows} rows but each must reference a distinct row of "
                    f"{parent.table.name!r}, which has {parent.table.rows}",
                    f"give {t.name!r} at most {parent.table.rows} rows, or drop the unique key",
                )

        covered = set(singles) | {c for cols in picks if picks[cols].one_to_one for c in cols}
        serial_cols = {c.name for c in t.columns if self.is_counter(c, singles)}
        composites: dict[str, tuple[Composite, int, int]] = {}
        for kcols in keys:
            if len(kcols) < 2 or covered & set(kcols) or serial_cols & set(kcols):
                continue
            members: list[Any] = []
            where: dict[str, tuple[int, int]] = {}
            for cols, pick in picks.items():
                if set(cols) <= set(kcols):
                    for pos, c in enumerate(cols):
                        where[c] = (len(members), pos)
                    members.append(pick)
            for c in kcols:
                if c not in where:
                    where[c] = (len(members), 0)
                    members.append(self.generator(t.column(c), unique=True))
            for c in where:
                if c in composites:
                    self.problem(
                        t.path,
                        f"column {c!r} is in two composite unique keys; datagen can build only "
                        "one of them by construction",
                        f"make {c!r} unique on its own, or merge the keys",
                    )
            comp = Composite(
                rand.stream_key(self.ds.seed, t.schema, t.name, "key", *kcols), members
            )
            for i, m in enumerate(members):
                if isinstance(m, Generator) and m.domain() is None:
                    self.problem(
                        t.column(kcols[0]).path,
                        f"generator {m.name!r} of a column in key ({', '.join(kcols)}) cannot "
                        "enumerate distinct values",
                        "use range, enum, sequence or a key column type",
                    )
                    comp.members[i] = None
            if any(m is None for m in comp.members):
                continue
            total = comp.prepare()
            if total < t.rows:
                self.problem(
                    t.path,
                    f"key ({', '.join(kcols)}) of {t.name!r} has only {total} distinct "
                    f"combinations for {t.rows} rows",
                    "widen the members' ranges or lower rows",
                )
            for c, (mi, pos) in where.items():
                composites[c] = (comp, mi, pos)

        for col in t.columns:
            self.sources[col.name] = self.source(col, singles, serial_cols, fk_of, composites)

    def is_counter(self, col: Column, singles: set[str]) -> bool:
        """Counts 1, 2, 3...: serial types, and integer primary keys without a generator."""
        if col.generator or col.type.is_array:
            return False
        if any(col.name in fk.columns for fk in self.table.foreign_keys):
            return False
        if col.type.is_serial:
            return True
        pk = self.table.primary_key
        return (
            pk is not None
            and pk.columns == (col.name,)
            and col.type.int_range is not None
            and col.name in singles
        )

    def source(self, col, singles, serial_cols, fk_of, composites) -> Source:
        t = self.table
        if col.name in fk_of:
            pick, pos = fk_of[col.name]
            if col.name in singles and not pick.one_to_one:
                self.problem(
                    col.path,
                    f"column {col.name!r} is unique on its own but part of a multi-column "
                    "foreign key; datagen cannot make both hold",
                    "make the whole foreign key unique, or drop the column's unique constraint",
                )
            if col.name in composites and not pick.one_to_one:
                comp, mi, cpos = composites[col.name]
                return self._nulls(CompositeSource(comp, mi, cpos), col)
            return FkSource(pick, pos)
        if col.name in serial_cols:
            if col.type.int_range and t.rows > col.type.int_range[1]:
                self.problem(
                    col.path,
                    f"{t.rows} rows do not fit {col.type.ddl()} counting from 1 "
                    f"(at most {col.type.int_range[1]})",
                    "use a wider type (bigint, bigserial)",
                )
            return SerialSource()
        if col.name in singles:
            gen = self.generator(col, unique=True)
            domain = gen.domain()
            if not gen.injective and domain is None:
                self.problem(
                    col.path,
                    f"generator {gen.name!r} cannot make unique values for column {col.name!r}",
                    "use range, sequence, enum or uuid, or drop the unique constraint",
                )
                return GenSource(self, gen)
            if not gen.injective and domain is not None and domain < t.rows:
                self.problem(
                    col.path,
                    f"unique column {col.name!r} ({col.type.ddl()}) has only {domain} possible "
                    f"values but {t.name!r} has {t.rows} rows",
                    "widen the type or range, or lower rows",
                )
            key = rand.stream_key(self.ds.seed, t.schema, t.name, col.name, "unique")
            return self._nulls(UniqueSource(self, gen, key), col)
        if col.name in composites:
            comp, mi, pos = composites[col.name]
            return self._nulls(CompositeSource(comp, mi, pos), col)
        gen = self.generators.get(col.name) or self.generator(col)
        return self._nulls(GenSource(self, gen), col)

    def _nulls(self, src: Source, col: Column) -> Source:
        if not self.table.not_null(col) and col.null_rate > 0:
            ctx = self.context(col, False)
            src.null_rate, src.null_key = col.null_rate, ctx.key("null")
        return src

    def apply_checks(self) -> None:
        """Fold enforceable CHECKs into the generators' params; note the rest as not enforced."""
        t = self.table
        for chk in t.checks:
            found = check_bounds(chk.expression)
            col = None
            if found and t.has_column(found[0]):
                col = t.column(found[0])
            gen_name = col.generator if col else None
            fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
            if col is not None and col.type.is_serial and "values" not in found[1]:
                lo = found[1].get("min")
                if lo is not None and lo[0] < 1 and "max" not in found[1]:
                    continue  # a serial counts from 1: 'id > 0' holds already
            if col is None or col.type.is_array or col.type.is_serial or col.name in fk_cols:
                self.unenforced.append((chk.path, chk.expression))
                continue
            numeric_col = col.type.base in (
                "smallint",
                "integer",
                "bigint",
                "numeric",
                "real",
                "double precision",
            )
            col = self.overrides.get(col.name, col)
            params = dict(col.params)
            _, bounds = found
            if "values" in bounds and gen_name in (None, "enum") and not numeric_col:
                allowed = bounds["values"]
                current = params.get("values") or list(col.type.enum_values)
                kept = [v for v in current if str(v) in allowed] if current else allowed
                params["values"] = kept or allowed
                self.overrides[col.name] = replace(col, generator="enum", params=params)
            elif "values" not in bounds and numeric_col and gen_name in (None, "range"):
                step = 10.0 ** -numeric.number_scale(col.type)
                for name, (num, op) in bounds.items():
                    edge = num + step if op == ">" else num - step if op == "<" else num
                    old = params.get(name)
                    if (
                        old is None
                        or (name == "min" and edge > old)
                        or (name == "max" and edge < old)
                    ):
                        params[name] = edge
                self.overrides[col.name] = replace(col, generator="range", params=params)
            else:
                self.unenforced.append((chk.path, chk.expression))


class DatasetPlan:
    """Table plans of a dataset, built on demand (children build their parents' plans)."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.plans: dict[str, TablePlan] = {}
        self._building: set[str] = set()

    def plan(self, table: Table) -> TablePlan:
        if table.qualname not in self.plans:
            p = TablePlan(self, table)
            self.plans[table.qualname] = p
            p.build()
        return self.plans[table.qualname]

    def plan_for(self, fk: ForeignKey) -> TablePlan | None:
        found = self.ds.find_tables(fk.ref_table, fk.ref_schema)
        if len(found) != 1:
            return None
        parent = found[0]
        if parent.qualname not in self.plans:
            # a parent's plan may be under construction (self reference, cycles): register first
            p = TablePlan(self, parent)
            self.plans[parent.qualname] = p
            p.build()
        return self.plans[parent.qualname]

    def all(self) -> list[TablePlan]:
        return [self.plan(t) for t in self.ds.tables]

    def cycles(self) -> list[list[tuple[str, str]]]:
        """Key dependency cycles: columns whose values would need themselves."""
        graph: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for p in self.plans.values():
            for name, src in p.sources.items():
                graph[(p.table.qualname, name)] = src.deps()
        found, state = [], {}
        for start in graph:
            stack = [(start, iter(graph.get(start, [])))]
            path = [start]
            if state.get(start):
                continue
            state[start] = 1
            while stack:
                node, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    state[node] = 2
                    stack.pop()
                    path.pop()
                    continue
                if state.get(nxt) == 1:
                    found.append([*path[path.index(nxt) :], nxt])
                elif not state.get(nxt):
                    state[nxt] = 1
                    stack.append((nxt, iter(graph.get(nxt, []))))
                    path.append(nxt)
        return found


def _hint(text: str) -> str | None:
    return text[text.index(" (") + 2 : -1] if " (" in text else None


def _locale_hint(locale: str) -> str:
    from .errors import suggest

    lang = locale.split("_")[0]
    same = [loc for loc in available_locales() if loc.split("_")[0] == lang]
    if same:
        return f"locales for {lang!r}: {', '.join(sorted(same))}"
    return suggest(locale, available_locales()) or "see Faker's list of locales"


def plan_problems(ds: Dataset, doc: SpecDocument | None = None) -> list[Problem]:
    """Problems only the generators and the key graph can see (domains, cycles, params)."""
    file = ds.file

    def line(path: str) -> int | None:
        return doc.line(path) if doc is not None else None

    out: list[Problem] = []
    if ds.locale not in available_locales():
        out.append(
            Problem(
                file,
                "locale",
                f"unknown locale {ds.locale!r}",
                line("locale"),
                _locale_hint(ds.locale),
            )
        )
        return out
    dsplan = DatasetPlan(ds)
    for p in dsplan.all():
        for path, message, hint in p.problems:
            out.append(Problem(file, path, message, line(path), hint))
    for cycle in dsplan.cycles():
        names = " -> ".join(f"{t.split('.', 1)[1]}.{c}" for t, c in cycle)
        path = ds.table(cycle[0][0]).path
        out.append(
            Problem(
                file,
                path,
                f"key dependencies cannot be resolved: {names}",
                line(path),
                "a key column cannot take its values from itself through foreign keys",
            )
        )
    return out


def unenforced_checks(ds: Dataset) -> list[tuple[str, str]]:
    dsplan = DatasetPlan(ds)
    return [u for p in dsplan.all() for u in p.unenforced]


def chunks(rows: int, size: int = CHUNK_ROWS) -> Iterator[tuple[int, int]]:
    for start in range(0, rows, size):
        yield start, min(start + size, rows)


def generate_chunk(plan: TablePlan, start: int, stop: int) -> list[Col]:
    """Every column of rows ``start..stop`` of the plan's table, in declared order."""
    block = Block(plan, np.arange(start, stop, dtype=np.int64))
    return [block.column(c.name) for c in plan.table.columns]
