"""Standalone columns (``Generator.standalone``, ``TablePlan.standalone_columns``), checked
against the bytes over a corpus of specs: every committed dataset, template and test fixture
that compiles, the one-column-per-generator corpus, and bench/users.yaml.

A column the plan calls standalone must be computable first and alone, must come out the same
in a table of its own, must not move when any other column is edited, and editing it must move
no column that does not read it. A column that is not standalone must not need a standalone
column it does not read to have been computed first.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from generator_corpus import spec_text

import datagen.api
from datagen.columns import Block, Col
from datagen.errors import SpecError
from datagen.generators import REGISTRY, Generator
from datagen.generators.arrays import ArrayOf
from datagen.generators.lifecycle import Moment
from datagen.plan import generate_chunk
from datagen.plan.checks import check_bounds, check_pair
from datagen.plan.compile import Compiled, compile_dataset
from datagen.plan.pairs import PairSide
from datagen.plan.sources import CompositeSource, FkSource, GenSource, SerialSource, UniqueSource
from datagen.plan.table import TablePlan
from datagen.spec.model import Column, Dataset, Table

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
ROWS = 300  # rows per range checked: the first ones, and as many from the middle


#: what the committed specs lack: CHECK pairs (enforced, and one that is not: different
#: params), templates naming a column or generators only, arrays of standalone elements and of
#: a person's names, a unique column, a composite key
EXTRA = textwrap.dedent(
    """\
    version: 1
    name: extra
    seed: 11
    tables:
      - name: t
        rows: 2000
        columns:
          - {name: id, type: bigserial, primary_key: true}
          - {name: a, type: integer, generator: range, params: {min: 0, max: 10}}
          - {name: b, type: integer, generator: range, params: {min: 0, max: 10}}
          - {name: x, type: integer, generator: range, params: {min: 0, max: 10}}
          - {name: y, type: integer, generator: range, params: {min: 0, max: 12}}
          - {name: lo, type: "numeric(8,2)"}
          - {name: hi, type: "numeric(8,2)", null_rate: 0.2}
          - {name: s, type: timestamptz, generator: timeseries}
          - {name: e, type: timestamptz, generator: timeseries}
          - {name: code, type: varchar(12), unique: true}
          - {name: label, type: text, generator: template, params: {template: "{code}-{a}"}}
          - {name: tag, type: text, generator: template, params: {template: "#{ipv4}/{words}"}}
          - {name: who, type: text, generator: template, params: {template: "{first_name}!"}}
          - {name: nums, type: "integer[]", generator: range, params: {min: 1, max: 9}}
          - {name: first_name, type: "text[]"}
          - {name: note, type: text, null_rate: 0.3}
        checks:
          - a < b
          - lo <= hi
          - e >= s
          - x < y
      - name: u
        rows: 500
        primary_key: [k1, k2]
        columns:
          - {name: k1, type: smallint, generator: range, params: {min: 1, max: 40}}
          - {name: k2, type: smallint, generator: range, params: {min: 1, max: 40}}
          - {name: v, type: text, generator: enum, params: {values: [p, q, r]}}
    """
)


def _spec_files() -> list[Path]:
    found = [
        *sorted((ROOT / "datasets").glob("*.yaml")),
        *sorted((ROOT / "datagen" / "templates").glob("*.yaml")),
        *sorted((FIXTURES / "specs").glob("*.yaml")),
        *sorted((FIXTURES / "realism").glob("*.yaml")),
        *sorted((FIXTURES / "repo").glob("*.yaml")),
        *sorted((FIXTURES / "hostile").glob("*.y*ml")),
        *sorted((FIXTURES / "hostile").glob("*.json")),
        ROOT / "bench" / "users.yaml",
    ]
    return found


@functools.cache
def corpus() -> tuple[tuple[str, Compiled], ...]:
    """(label, compiled plan) of every spec of the corpus that compiles (the hostile and
    invalid fixtures are mostly meant not to)."""
    out = [
        ("generator_corpus", datagen.api.compile_spec_text(spec_text())),
        ("extra", datagen.api.compile_spec_text(EXTRA)),
    ]
    for path in _spec_files():
        try:
            out.append((str(path.relative_to(ROOT)), datagen.api.compile_spec(path)))
        except SpecError:
            continue
    return tuple(out)


def ranges(rows: int) -> list[tuple[int, int]]:
    """The first rows, and as many from the middle of the table."""
    out = [(0, min(rows, ROWS))]
    mid = rows // 2
    if mid >= ROWS:
        out.append((mid, min(rows, mid + ROWS)))
    return [r for r in out if r[1] > r[0]]


def tables(c: Compiled) -> list[TablePlan]:
    return [p for p in c.plan.all() if p.table.rows > 0]


def texts(col: Col) -> tuple[list[bytes], list[bool]]:
    """A column as comparable values: its text per row, and which rows are NULL."""
    n = len(col.text)
    null = np.zeros(n, dtype=bool) if col.null is None else np.asarray(col.null, dtype=bool)
    return col.text.tolist(), null.tolist()


def same(a: Col, b: Col) -> bool:
    return texts(a) == texts(b)


def reads(plan: TablePlan, name: str) -> set[tuple[str, str]]:
    """(table, column) pairs column ``name`` reads: its sources' deps, and for a foreign key
    every referenced column (a nullable one's NULLs reach every column of the key)."""
    src = plan.sources[name]
    out = set(src.deps())
    inner = getattr(src, "inner", src)
    pick = getattr(inner, "pick", None)
    if pick is None and isinstance(inner, CompositeSource):
        pick = inner.comp.members[inner.member]
    if pick is not None and hasattr(pick, "fk"):
        out |= {(pick.parent.table.qualname, r) for r in pick.fk.ref_columns}
    return out


def readers(c: Compiled, of: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every column reading one of ``of``, directly or through others (and ``of`` itself)."""
    graph = {(p.table.qualname, name): reads(p, name) for p in c.plan.all() for name in p.sources}
    found = set(of)
    grew = True
    while grew:
        grew = False
        for node, deps in graph.items():
            if node not in found and deps & found:
                found.add(node)
                grew = True
    return found


# ---- (a) standalone columns: first and alone, and in a table of their own ---------------------


def test_the_corpus_has_standalone_and_other_columns():
    labels = [label for label, _ in corpus()]
    assert "datasets/shop.yaml" in labels and "bench/users.yaml" in labels
    assert "datagen/templates/ecommerce.yaml" in labels
    counts = [0, 0]
    for _, c in corpus():
        for p in tables(c):
            alone = p.standalone_columns()
            assert alone <= set(p.sources)
            counts[0] += len(alone)
            counts[1] += len(p.sources) - len(alone)
    assert counts[0] > 100 and counts[1] > 100, counts


def full_chunks() -> Iterator[tuple[str, TablePlan, np.ndarray, dict[str, Col]]]:
    """(label, plan, row indices, every column's value there) for each table and row range of
    the corpus: what a column computed some other way must equal."""
    for label, c in corpus():
        for p in tables(c):
            names = [col.name for col in p.table.columns]
            for start, stop in ranges(p.table.rows):
                full = dict(zip(names, generate_chunk(p, start, stop), strict=True))
                yield label, p, np.arange(start, stop, dtype=np.int64), full


def test_a_standalone_column_computed_first_and_alone_is_its_full_chunk_value():
    checked = 0
    for label, p, idx, full in full_chunks():
        for name in sorted(p.standalone_columns()):
            got = Block(p, idx).column(name)
            assert same(got, full[name]), f"{label}: {p.table.name}.{name} {idx[0]}"
            checked += 1
    assert checked > 300


def _own_checks(t: Table, name: str) -> list[Any]:
    keep = []
    for chk in t.checks:
        if check_pair(chk.expression):
            continue
        found = check_bounds(chk.expression)
        if chk.column == name or (found is not None and found[0] == name):
            keep.append(chk)
    return keep


def isolated(ds: Dataset, t: Table, col: Column) -> Dataset:
    """The dataset with one table: ``t`` with ``col`` as its only column, keeping what is the
    column's own (its single-column keys and indexes, its CHECKs, whether it is NOT NULL), and
    the dataset's seed, locale and enums."""
    name = col.name
    pk = t.primary_key if t.primary_key and t.primary_key.columns == (name,) else None
    table = replace(
        t,
        columns=[replace(col, nullable=not t.not_null(t.column(name)))],
        primary_key=pk,
        uniques=[k for k in t.uniques if k.columns == (name,)],
        foreign_keys=[],
        indexes=[ix for ix in t.indexes if ix.columns == (name,)],
        checks=_own_checks(t, name),
    )
    return replace(ds, tables=[table])


def test_a_standalone_column_makes_the_same_bytes_in_a_table_of_its_own():
    """The strongest form of 'depends on its own column alone': with every other column, key,
    foreign key and table gone, the column's fingerprint and values are unchanged."""
    checked = 0
    for label, c in corpus():
        for p in tables(c):
            for name in sorted(p.standalone_columns()):
                one = compile_dataset(isolated(c.dataset, p.table, p.table.column(name)))
                q = one.table_plan(p.table.qualname)
                where = f"{label}: {p.table.name}.{name}"
                assert q.sources[name].fingerprint() == p.sources[name].fingerprint(), where
                assert name in q.standalone_columns(), where
                for start, stop in ranges(p.table.rows):
                    idx = np.arange(start, stop, dtype=np.int64)
                    assert same(Block(q, idx).column(name), Block(p, idx).column(name)), where
                checked += 1
    assert checked > 300


# ---- (b) the other columns: generation order does not matter ----------------------------------


def test_a_column_that_is_not_standalone_needs_no_standalone_column_computed_first():
    checked = 0
    for label, p, idx, full in full_chunks():
        alone = p.standalone_columns()
        others = [col.name for col in p.table.columns if col.name not in alone]
        for name in others:  # first and alone
            got = Block(p, idx).column(name)
            assert same(got, full[name]), f"{label}: {p.table.name}.{name} alone"
            checked += 1
        block = Block(p, idx)  # all of them, in reverse order, before any other
        for name in reversed(others):
            got = block.column(name)
            assert same(got, full[name]), f"{label}: {p.table.name}.{name} reversed"
    assert checked > 200


# ---- (c) perturbation: editing one kind of column moves none of the other kind ----------------


def _param_edits(gen: Generator, col: Column) -> list[dict[str, Any]]:
    """Params of ``col`` with one enum or numeric param of its generator changed."""
    if isinstance(gen, ArrayOf):
        return []
    out = []
    for name, schema in type(gen).params.items():
        current = gen.p.get(name, schema.get("default"))
        if "enum" in schema:
            other = [v for v in schema["enum"] if v != current]
            if other:
                out.append({**col.params, name: other[0]})
        elif schema.get("type") in ("integer", "number") and current is not None:
            if isinstance(current, bool):
                continue
            step = 1 if schema.get("type") == "integer" else 0.125
            up, down = current + step, current - step
            top, bottom = schema.get("maximum"), schema.get("minimum")
            value = up if top is None or up <= top else down
            if bottom is not None and value < bottom:
                continue
            out.append({**col.params, name: value})
    return out


_SWAPS = {
    "text": ("code", {"length": 7}),
    "varchar": ("code", {"length": 7}),
    "char": ("code", {}),
    "boolean": ("boolean", {"true_rate": 0.125}),
    "date": ("timeseries", {"start": "2001-02-03", "end": "2001-12-31"}),
    "timestamp": ("timeseries", {"start": "2001-02-03", "end": "2001-12-31"}),
    "timestamptz": ("timeseries", {"start": "2001-02-03", "end": "2001-12-31"}),
    "smallint": ("range", {"min": 3, "max": 30000}),
    "integer": ("range", {"min": 3, "max": 10**9}),
    "bigint": ("range", {"min": 3, "max": 10**12}),
    "numeric": ("range", {"min": 0, "max": 99}),
    "real": ("range", {"min": 0, "max": 99}),
    "double precision": ("range", {"min": 0, "max": 99}),
}


def edits(t: Table, col: Column, gen: Generator, swap_first: bool) -> list[Column]:
    """Edited versions of ``col``: a changed param, a changed null_rate, another generator."""
    params = [replace(col, params=p) for p in _param_edits(gen, col)]
    nulls = []
    if not t.not_null(col):
        rate = 0.5 if col.null_rate != 0.5 else 0.25
        nulls.append(replace(col, null_rate=rate, raw={**col.raw, "null_rate": rate}))
    swaps = []
    base = col.type.base
    if base in _SWAPS and not col.type.is_array and not col.type.is_serial:
        name, p = _SWAPS[base]
        if base in ("char", "varchar") and col.type.length:
            p = {"length": min(col.type.length, 7)}
        if (name, p) != (col.generator, col.params):
            swaps.append(replace(col, generator=name, params=p))
    return swaps + params + nulls if swap_first else params + nulls + swaps


def edited_column(c: Compiled, p: TablePlan, name: str, swap_first: bool) -> Column | None:
    """The first edit of column ``name`` that compiles (in a table of its own) and changes its
    source's fingerprint; None when there is none."""
    t = p.table
    col, gen = t.column(name), getattr(p.sources[name], "gen", None)
    if gen is None:
        gen = getattr(getattr(p.sources[name], "inner", None), "gen", None)
    if gen is None:
        return None
    try:
        compile_dataset(isolated(c.dataset, t, col))
        alone = True
    except SpecError:  # a template naming other columns: edit it within the whole dataset
        alone = False
    before = p.sources[name].fingerprint()
    for new in edits(t, col, gen, swap_first):
        try:
            if alone:
                one = compile_dataset(isolated(c.dataset, t, new))
            else:
                one = compile_dataset(with_columns(c.dataset, {(t.qualname, name): new}))
        except SpecError:
            continue
        if one.table_plan(t.qualname).sources[name].fingerprint() != before:
            return new
    return None


def with_columns(ds: Dataset, new: dict[tuple[str, str], Column]) -> Dataset:
    out = []
    for t in ds.tables:
        cols = [new.get((t.qualname, col.name), col) for col in t.columns]
        out.append(replace(t, columns=cols))
    return replace(ds, tables=out)


def _values(c: Compiled, qualname: str, name: str, start: int, stop: int) -> Col:
    return Block(c.table_plan(qualname), np.arange(start, stop, dtype=np.int64)).column(name)


def test_editing_standalone_columns_moves_no_column_that_does_not_read_them():
    """Every standalone column that can be edited (a param, its null_rate, else its generator)
    is edited at once; every column reading none of them keeps its bytes, and the edited ones
    do change (so the edits are real)."""
    edited_total = moved = compared = 0
    for label, c in corpus():
        new: dict[tuple[str, str], Column] = {}
        for p in tables(c):
            for name in sorted(p.standalone_columns()):
                col = edited_column(c, p, name, swap_first=False)
                if col is not None:
                    new[(p.table.qualname, name)] = col
        if not new:
            continue
        after = compile_dataset(with_columns(c.dataset, new))
        touched = readers(c, set(new))
        for p in tables(c):
            q = p.table.qualname
            for name, src in p.sources.items():
                if (q, name) in new or (q, name) in touched:
                    continue
                now = after.table_plan(q).sources[name]
                if now.fingerprint() != src.fingerprint():
                    # only a CHECK pair an edit made enforceable (or not) changes an unedited
                    # column's source: its fingerprint says so, and its bytes may move
                    assert isinstance(now, PairSide) != isinstance(src, PairSide), (label, name)
                    touched.add((q, name))
            for start, stop in ranges(p.table.rows):
                for name in p.sources:
                    a = _values(c, q, name, start, stop)
                    b = _values(after, q, name, start, stop)
                    if (q, name) in new:
                        moved += not same(a, b)
                    elif (q, name) not in touched:
                        assert same(a, b), f"{label}: {p.table.name}.{name} moved"
                        compared += 1
        edited_total += len(new)
    assert edited_total > 100 and compared > 100
    assert moved > edited_total  # two ranges each; a rare edit moves no value of a range


def test_editing_other_columns_moves_no_standalone_column():
    """Every column that is not standalone and can be edited (its generator, else a param or
    its null_rate; not foreign keys, composite key members or counters) is edited at once;
    every column standalone before and after keeps its bytes."""
    edited_total = compared = 0
    for label, c in corpus():
        new: dict[tuple[str, str], Column] = {}
        for p in tables(c):
            alone = p.standalone_columns()
            for name, src in p.sources.items():
                inner = getattr(src, "inner", src)
                if name in alone or type(inner) not in (GenSource, UniqueSource):
                    continue
                col = edited_column(c, p, name, swap_first=True)
                if col is not None:
                    new[(p.table.qualname, name)] = col
        if not new:
            continue
        after = compile_dataset(with_columns(c.dataset, new))
        for p in tables(c):
            q = p.table.qualname
            still = p.standalone_columns() & after.table_plan(q).standalone_columns()
            for start, stop in ranges(p.table.rows):
                for name in sorted(still):
                    a, b = _values(c, q, name, start, stop), _values(after, q, name, start, stop)
                    assert same(a, b), f"{label}: {p.table.name}.{name} moved"
                    compared += 1
        edited_total += len(new)
    assert edited_total > 100 and compared > 300


# ---- what comes out standalone ----------------------------------------------------------------


def _fraction(specs: list[tuple[str, Compiled]]) -> tuple[int, int]:
    alone = total = 0
    for _, c in specs:
        for p in c.plan.all():
            alone += len(p.standalone_columns())
            total += len(p.sources)
    return alone, total


def test_the_share_of_standalone_columns_is_reported():
    found = dict(corpus())
    datasets = [(k, v) for k, v in found.items() if k.startswith("datasets/")]
    alone, total = _fraction(datasets)
    print(f"\nstandalone columns in datasets/: {alone}/{total} ({alone / total:.0%})")
    users = found["bench/users.yaml"].table_plan("public.users")
    names = [c.name for c in users.table.columns]
    marked = [f"{n}{'*' if n in users.standalone_columns() else ''}" for n in names]
    print(f"bench/users.yaml (* standalone): {' '.join(marked)}")
    assert len(datasets) == 2 and 0 < alone < total
    assert users.standalone_columns() == {"id", "uuid", "phone", "status", "score"}
    assert not {"email", "first_name", "created_at"} & users.standalone_columns()


def test_known_columns_come_out_right():
    shop = dict(corpus())["datasets/shop.yaml"]
    customers = shop.table_plan("public.customers")
    orders = shop.table_plan("public.orders")
    items = shop.table_plan("public.order_items")
    assert isinstance(customers.sources["id"], SerialSource)
    assert "id" in customers.standalone_columns()  # a serial
    assert items.generators["quantity"].name == "range"
    assert "quantity" in items.standalone_columns()  # a range integer
    assert "tier" in customers.standalone_columns()  # a weighted_enum
    assert isinstance(orders.sources["customer_id"], FkSource)
    assert "customer_id" not in orders.standalone_columns()  # a foreign key
    assert not {"order_id", "product_id"} & items.standalone_columns()  # a composite key
    assert not {"email", "first_name", "last_name"} & customers.standalone_columns()  # a person
    assert "city" not in customers.standalone_columns()  # a place
    assert isinstance(orders.generators["created_at"], Moment)
    assert "created_at" not in orders.standalone_columns()  # a lifecycle
    users = dict(corpus())["datasets/saas.yaml"].table_plan("public.users")
    assert users.time_parents  # after its organization: anchored
    assert not {"created_at", "updated_at"} & users.standalone_columns()
    extra = dict(corpus())["extra"]
    t, u = extra.table_plan("public.t"), extra.table_plan("public.u")
    assert {"id", "x", "y", "code", "tag", "nums", "note"} <= t.standalone_columns()
    assert not {"a", "b", "lo", "hi", "s", "e", "label", "who", "first_name"} & (
        t.standalone_columns()
    )
    assert u.standalone_columns() == {"v"}


def test_pairs_templates_and_arrays_follow_their_parts():
    pairs = templates = arrays = 0
    for _, c in corpus():
        for p in c.plan.all():
            alone = p.standalone_columns()
            for name, src in p.sources.items():
                if isinstance(src, PairSide):
                    assert name not in alone
                    pairs += 1
                gen = getattr(src, "gen", None)
                if gen is not None and gen.name == "template":
                    assert gen.is_standalone() == (
                        not gen.depends_on()
                        and all(v.is_standalone() for k, v in gen.parts if k == "gen")
                    )
                    templates += 1
                if isinstance(gen, ArrayOf):
                    assert (name in alone) == gen.element.is_standalone()
                    arrays += 1
    assert pairs and templates and arrays


def test_generators_that_share_draws_or_timelines_are_not_standalone():
    """Nothing reading a group's shared latents or the lifecycle claims the flag; the plain
    value generators do."""
    shared = ("first_name", "email", "city", "created_at", "company_name", "credit_card",
              "user_agent", "price", "file_name", "age", "job_title", "iban")  # fmt: skip
    assert [n for n in shared if REGISTRY[n].standalone] == []
    assert [n for n, cls in REGISTRY.items() if issubclass(cls, Moment) and cls.standalone] == []
    alone = ("range", "enum", "uuid", "words", "sequence", "phone", "boolean", "constant")
    assert [n for n in alone if not REGISTRY[n].standalone] == []
