"""One table's plan: the source of every column, chosen once at compile time.

Keys come first: foreign keys pick parent rows, serial and integer primary keys count, unique
columns permute their generator's domain, and multi-column keys decode a permuted index over
their members. Every other column gets its generator by SPEC section 2's rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .. import rand
from ..generators import ColumnContext, Generator, resolve
from ..generators.base import UnknownGenerator
from ..generators.lifecycle import Moment
from ..spec.model import Column, Table
from ..spec.serials import serial_max
from . import timelines
from .checks import fold_checks
from .pairs import order_pairs
from .sources import (
    Composite,
    CompositeSource,
    FkPick,
    FkSource,
    GenSource,
    SerialSource,
    Source,
    UniqueSource,
)

if TYPE_CHECKING:
    import numpy as np

    from ..columns import Block
    from .compile import DatasetPlan
    from .timelines import TimedParent


class TablePlan:
    """Sources for every column of one table; immutable once :meth:`build` returns."""

    def __init__(self, dsplan: DatasetPlan, table: Table) -> None:
        self.dsplan = dsplan
        self.ds = dsplan.ds
        self.table = table
        self.sources: dict[str, Source] = {}
        self.generators: dict[str, Generator] = {}
        self.problems: list[tuple[str, str, str | None]] = []  # (path, message, hint)
        folded = fold_checks(table)
        self.unenforced = folded.unenforced
        self.pairs = folded.pairs
        for path, message, hint in folded.conflicts:
            self.problem(path, message, hint)
        self.overrides = folded.overrides  # columns whose CHECKs reshaped their generator
        self.check_bounds = folded.bounds
        #: foreign keys whose parents' creation this table's rows follow (set by
        #: :func:`datagen.plan.timelines.link` once every table is built)
        self.time_parents: tuple[TimedParent, ...] = ()
        self.people: dict[str, Callable[[np.ndarray], np.ndarray]] = {}

    def anchor(self, block: Block) -> np.ndarray | None:
        """Per row, the latest creation moment among the rows it references (see
        :mod:`datagen.plan.timelines`); None when no parent has a lifecycle."""
        return timelines.anchor(self, block) if self.time_parents else None

    def person_positions(self, block: Block, group: str) -> np.ndarray | None:
        """The permuted positions of the unique email column of ``group`` whose positions
        decode into the group's people (see :mod:`datagen.generators.name_slots`)."""
        perm = self.people.get(group)
        return perm(block.idx) if perm is not None else None

    def standalone_columns(self) -> frozenset[str]:
        """The columns whose bytes depend on their own column alone (see
        :attr:`Generator.standalone <datagen.generators.base.Generator.standalone>`), so each
        can be cached per chunk and regenerated alone when its own spec changes: a serial
        counter, or a generator (unique or not) that keeps the contract, with its NULLs drawn
        from its own stream.

        Never one a CHECK pair orders (its values are swapped with its partner's), a member of
        a composite key or a foreign key (their values come from other columns or tables), the
        unique email whose permutation gives its group's people, nor a lifecycle column (its
        timeline is shared, and anchored to the parents'). A standalone column that another
        column reads (``template`` fields, see :meth:`Source.deps`) is still standalone
        itself: it is the reader whose key must include it. The answer is this plan's: an
        edit of another column can make a CHECK pair enforceable, so key a column's cache by
        its source's :meth:`~Source.fingerprint` (which then changes), not its generator's.
        """
        people = {id(perm) for perm in self.people.values()}
        out = []
        for name, src in self.sources.items():
            if getattr(src, "partner", None) is not None:  # one side of a CHECK pair
                continue
            if type(src) is SerialSource:
                out.append(name)
            elif type(src) in (GenSource, UniqueSource):
                assert isinstance(src, GenSource)
                gen = src.gen
                if isinstance(src, UniqueSource) and id(src.perm) in people:
                    continue
                if isinstance(gen, Moment) or getattr(gen, "decodes_people", False):
                    continue
                if gen.is_standalone():
                    out.append(name)
        return frozenset(out)

    def problem(self, path: str, message: str, hint: str | None = None) -> None:
        self.problems.append((path, message, hint))

    def context(self, col: Column, unique: bool) -> ColumnContext:
        t = col.type.element if col.type.element is not None else col.type
        return ColumnContext(self.ds, self.table, col, t, unique=unique)

    def generator(self, col: Column, unique: bool = False) -> Generator:
        detected = self._detected_within_checks(col, unique)
        if detected is not None:
            self.generators[col.name] = detected
            return detected
        col = self.overrides.get(col.name, col)
        try:
            gen = resolve(self.context(col, unique))
        except UnknownGenerator as e:  # report, then carry on with the default
            self.problem(col.path + ".generator", e.message, e.hint)
            gen = resolve(self.context(replace(col, generator=None, params={}), unique))
        for message, hint in gen.problems:
            where = col.path + (".params" if col.params else "")
            self.problem(where if col.generator else col.path, message, hint)
        self.generators[col.name] = gen
        return gen

    def _detected_within_checks(self, col: Column, unique: bool) -> Generator | None:
        """The generator a column's name selects, when CHECK bounds would otherwise make it a
        plain ``range`` and every value it makes lies within them (``price > 0``)."""
        bounds = self.check_bounds.get(col.name)
        if bounds is None or col.generator or col.params or unique:
            return None
        gen = resolve(self.context(col, unique))
        have = gen.value_bounds() if not gen.problems else None
        if have is None:
            return None
        lo, hi = bounds.get("min"), bounds.get("max")
        return gen if (lo is None or have[0] >= lo) and (hi is None or have[1] <= hi) else None

    def key_columns_sets(self) -> list[tuple[str, ...]]:
        t = self.table
        return [k.columns for k in t.key_constraints()] + [
            ix.columns for ix in t.indexes if ix.unique
        ]

    def build(self) -> None:
        t = self.table
        keys = self.key_columns_sets()
        singles = {k[0] for k in keys if len(k) == 1}
        picks, fk_of = self._picks(keys)
        covered = set(singles) | {c for cols in picks if picks[cols].one_to_one for c in cols}
        serial_cols = {c.name for c in t.columns if self.is_counter(c, singles)}
        composites: dict[str, tuple[Composite, int, int]] = {}
        for kcols in keys:
            if len(kcols) < 2 or covered & set(kcols) or serial_cols & set(kcols):
                continue
            self._composite(kcols, picks, composites)
        for col in t.columns:
            self.sources[col.name] = self.source(col, singles, serial_cols, fk_of, composites)
        key_cols = {c for k in self.key_columns_sets() for c in k}
        left = order_pairs(self.sources, {c.name: c for c in t.columns}, self.pairs, key_cols)
        self.people = {  # group -> the permutation of its people-owning unique email
            src.gen.ctx.group: src.perm
            for src in self.sources.values()
            if isinstance(src, UniqueSource)
            and src.perm is not None
            and getattr(src.gen, "decodes_people", False)
        }
        self.unenforced += tuple((p.path, p.expression) for p in left)

    def _picks(
        self, keys: list[tuple[str, ...]]
    ) -> tuple[dict[tuple[str, ...], FkPick], dict[str, tuple[FkPick, int]]]:
        t = self.table
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
        return picks, fk_of

    def _composite(
        self,
        kcols: tuple[str, ...],
        picks: dict[tuple[str, ...], FkPick],
        composites: dict[str, tuple[Composite, int, int]],
    ) -> None:
        t = self.table
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
        key = rand.stream_key(self.ds.seed, t.schema, t.name, "key", *kcols)
        comp = Composite(key, kcols, members)
        unbounded = [m for m in members if isinstance(m, Generator) and m.domain() is None]
        for m in unbounded:
            self.problem(
                t.column(kcols[0]).path,
                f"generator {m.name!r} of a column in key ({', '.join(kcols)}) cannot "
                "enumerate distinct values",
                "use range, enum, sequence or a key column type",
            )
        if unbounded:
            return
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

    def source(
        self,
        col: Column,
        singles: set[str],
        serial_cols: set[str],
        fk_of: dict[str, tuple[FkPick, int]],
        composites: dict[str, tuple[Composite, int, int]],
    ) -> Source:
        t = self.table
        if col.type.is_serial and (col.generator or col.name in fk_of):
            self._serial_bound(col)
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
            return self._unique(col)
        if col.name in composites:
            comp, mi, pos = composites[col.name]
            return self._nulls(CompositeSource(comp, mi, pos), col)
        gen = self.generators.get(col.name) or self.generator(col)
        return self._nulls(GenSource(self, gen), col)

    def _serial_bound(self, col: Column) -> None:
        """The dump sets a serial column's sequence past the largest value it holds: that value
        must be known (:func:`datagen.spec.serials.serial_max`)."""
        if serial_max(self.ds, self.table, col) is None:
            self.problem(
                col.path,
                f"serial column {col.name!r} gets its values from "
                f"{'a foreign key' if not col.generator else repr(col.generator)}, so datagen "
                "cannot tell where its sequence must continue",
                "use generator sequence, range with max, constant or enum, or make the column "
                "a plain integer type",
            )

    def _unique(self, col: Column) -> Source:
        t = self.table
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

    def _nulls(self, src: Source, col: Column) -> Source:
        rate = col.null_rate
        gen = self.generators.get(col.name)
        if "null_rate" not in col.raw and gen is not None and not col.generator:
            rate = gen.default_null_rate  # detected by name: ``deleted_at`` is mostly NULL
        if not self.table.not_null(col) and rate > 0:
            ctx = self.context(col, False)
            src.null_rate, src.null_key = rate, ctx.key("null")
        return src
