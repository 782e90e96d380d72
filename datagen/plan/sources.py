"""Where each column's values come from: a generator, a counter, a foreign key pick, or a member
of a composite key; each with the :meth:`fingerprint` of everything its bytes depend on.

Every value is a pure function of the row index (see :mod:`datagen.rand`), so a child computes the
keys of any parent row without the parent's data (DESIGN point 5), and keys are unique by
construction: a keyed permutation of the row index picks a distinct position of the key's value
domain (DESIGN point 4). Sources are built once by the table plan and never change afterwards, so
any number of threads may generate from them at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from ..columns import Block, Col
from ..generators import Generator, numeric
from ..spec.model import ForeignKey

if TYPE_CHECKING:
    from .table import TablePlan

MAX_RADIX_PRODUCT = 1 << 62
# the params each foreign key distribution reads, and their defaults
FK_DEFAULTS: dict[str, dict[str, float]] = {
    "zipf": {"exponent": 1.1},
    "normal": {"mean": 0.5, "stddev": 1 / 6},
}


class Source:
    """Where one column's values come from."""

    null_key: int = 0
    null_rate: float = 0.0

    def deps(self) -> list[tuple[str, str]]:
        """(table, column) pairs whose values this source reads."""
        return []

    def text(self, block: Block) -> np.ndarray:
        raise NotImplementedError

    def values(self, block: Block) -> Col:
        text = self.text(block)
        if self.null_rate > 0:
            return Col(text, rand.chance(self.null_key, block.idx, self.null_rate))
        return Col(text)

    def fingerprint(self) -> dict[str, Any]:
        """Everything this source's bytes depend on, besides the column's own stream key."""
        raise NotImplementedError

    def _nulls_fp(self) -> dict[str, Any]:
        return {"null_rate": self.null_rate} if self.null_rate > 0 else {}


class GenSource(Source):
    def __init__(self, plan: TablePlan, gen: Generator) -> None:
        self.plan, self.gen = plan, gen

    def deps(self) -> list[tuple[str, str]]:
        return [(self.plan.table.qualname, c) for c in self.gen.depends_on()]

    def text(self, block: Block) -> np.ndarray:
        return self.gen.generate(block)

    def fingerprint(self) -> dict[str, Any]:
        return {"source": "generator", **self.gen.fingerprint(), **self._nulls_fp()}


class SerialSource(Source):
    """serial / bigserial and integer primary keys: 1, 2, 3, ... in row order."""

    def text(self, block: Block) -> np.ndarray:
        return textops.ints(block.idx + 1)

    def fingerprint(self) -> dict[str, Any]:
        return {"source": "serial", "version": 1}


class UniqueSource(GenSource):
    """A unique column: the generator's value at a permuted position of its domain."""

    def __init__(self, plan: TablePlan, gen: Generator, key: int) -> None:
        super().__init__(plan, gen)
        domain = gen.domain() or 1
        self.perm: Callable[[np.ndarray], np.ndarray] | None
        if gen.injective:
            self.perm, self.kind = None, "injective"
        elif getattr(gen, "compact_suffix", False) and domain >= 1 << 62:
            self.perm, self.kind = rand.BlockPermutation(key), "block"
        else:
            self.perm, self.kind = rand.Permutation(key, domain), "feistel"

    def text(self, block: Block) -> np.ndarray:
        if self.perm is None:
            return self.gen.generate(block)
        return self.gen.at(block, self.perm(block.idx))

    def fingerprint(self) -> dict[str, Any]:
        return {**super().fingerprint(), "source": "unique", "permutation": self.kind}


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

    def fingerprint(self) -> dict[str, Any]:
        """How rows are picked; the parent's keys enter the table key as its key fingerprint."""
        fk = self.fk
        return {
            "pick": "fk",
            "version": 1,
            "columns": list(fk.columns),
            "parent": self.parent.table.qualname,
            "parent_rows": self.parent.table.rows,
            "ref_columns": list(fk.ref_columns),
            "distribution": "one-to-one" if self.one_to_one else fk.distribution,
            "params": self._params(),
            "null_rate": self.null_rate,
            "nullable_refs": self.nullable_refs,
        }

    def _params(self) -> dict[str, float]:
        """The distribution's params as used, defaults filled in (unused ones dropped), so an
        explicit default and an omitted one give the same key."""
        if self.one_to_one or self.fk.distribution not in FK_DEFAULTS:
            return {}
        p = self.fk.params
        return {k: float(p.get(k, v)) for k, v in FK_DEFAULTS[self.fk.distribution].items()}

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
            rank = numeric.zipf_rank(u, n, self._params()["exponent"])
        else:
            params = self._params()
            mean = params["mean"] * n
            sd = params["stddev"] * n
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
                assert rows is not None
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

    def fingerprint(self) -> dict[str, Any]:
        return {"source": "foreign key", "position": self.position, **self.pick.fingerprint()}


@dataclass
class Composite:
    """A composite key built jointly: a permuted index decoded in mixed radix over its members.

    A member is a column (with a generator that enumerates values) or a whole foreign key (its
    domain is the parent's rows), so ``(order_id, product_id)`` pairs are distinct by construction.
    """

    key: int
    columns: tuple[str, ...]
    members: list[Any]  # Generator or FkPick
    radices: list[int] = field(default_factory=list)
    perm: rand.Permutation | None = None

    def prepare(self) -> int:
        """Fix the radices and the permutation; the number of distinct combinations."""
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

    def fingerprint(self) -> dict[str, Any]:
        return {
            "key": list(self.columns),
            "radices": self.radices,
            "members": [m.fingerprint() for m in self.members],
        }

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

    def fingerprint(self) -> dict[str, Any]:
        return {
            "source": "composite key",
            "member": self.member,
            "position": self.position,
            **self.comp.fingerprint(),
            **self._nulls_fp(),
        }
