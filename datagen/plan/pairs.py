"""CHECKs between two columns of a row (``low < high``, ``low <= high``), held by construction.

Both columns are generated as usual; in the rows where they come out in the wrong order, the two
values are swapped, and where a strict CHECK meets two equal values, ``high`` moves one step up
(one unit of the column's scale, one second, one day), or at the top of the range ``low`` one
step down. Swapping keeps each column within its bounds only when both have them alike, so pairs
apply to two non-key columns of one type filled by one generator with the same params (a
``range`` at the type's scale, a ``timeseries``); two lifecycle columns of one group in their
lifecycle order hold already. Others stay in the DDL and are reported as not enforced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import textops
from ..columns import Block, Col
from ..generators import Generator
from ..generators.lifecycle import Moment, UpdatedAt
from ..generators.numeric import Range, number_scale
from ..generators.temporal import DAY, Timeseries, render
from .checks import Pair
from .sources import GenSource, Source

if TYPE_CHECKING:
    from ..pgtypes import PgType
    from ..spec.model import Column

_TEMPORAL = ("date", "timestamp", "timestamptz")
_NUMERIC = frozenset({"smallint", "integer", "bigint", "numeric", "real", "double precision"})


def kind(col: Column) -> tuple[str, int] | None:
    """How values of ``col`` compare: ("int"|"decimal"|temporal type, scale), or None."""
    t = col.type
    if t.is_array:
        return None
    if t.base in _TEMPORAL:
        return t.base, 0
    if t.base in _NUMERIC:
        scale = number_scale(t)
        return ("int" if scale == 0 else "decimal"), scale
    return None


def _units(text: np.ndarray, scale: int) -> np.ndarray:
    """Fixed-scale decimal text (``-12.50``) as integers of its last unit (``-1250``)."""
    if scale == 0:
        return text.astype(np.int64)
    return np.strings.replace(text, b".", b"").astype(np.int64)


def _seconds(text: np.ndarray, base: str) -> np.ndarray:
    """Epoch seconds of our own date / timestamp text (UTC, no offset beyond ``+00``)."""
    width = 10 if base == "date" else 19
    stamps = textops.from_matrix(textops.matrix(text)[:, :width]).astype("U").astype("M8[s]")
    return stamps.astype(np.int64)


class OrderedPair:
    """The values of two columns, swapped per row where they break ``low (<|<=) high``."""

    def __init__(
        self, pair: Pair, low: Source, high: Source, how: tuple[str, int], bounds: tuple[int, int]
    ) -> None:
        self.pair, self.low, self.high = pair, low, high
        self.how, self.bounds = how, bounds

    def fingerprint(self) -> dict[str, Any]:
        return {"ordered": [self.pair.low, self.pair.high], "strict": self.pair.strict}

    def keys(self, text: np.ndarray) -> np.ndarray:
        what, scale = self.how
        if what in ("int", "decimal"):
            return _units(text, scale)
        return _seconds(text, what)

    def values(self, block: Block) -> tuple[Col, Col]:
        def order() -> tuple[Col, Col]:
            lo, hi = self.low.values(block), self.high.values(block)
            both = np.ones(len(block.idx), dtype=bool)
            for null in (lo.null, hi.null):
                if null is not None:
                    both &= ~null
            klo, khi = self.keys(lo.text), self.keys(hi.text)
            swap = both & (klo > khi)
            new_lo = np.where(swap, hi.text, lo.text)
            new_hi = np.where(swap, lo.text, hi.text)
            if self.pair.strict:
                tie = both & (klo == khi)
                if tie.any():  # high one step up, or at the top, low one step down
                    top = tie & (khi >= self.bounds[1])
                    new_hi = np.where(tie & ~top, self.step(khi, 1), new_hi)
                    new_lo = np.where(top, self.step(klo, -1), new_lo)
            return Col(new_lo, lo.null), Col(new_hi, hi.null)

        return block.memo(("pair", self.pair.low, self.pair.high), order)

    def step(self, keys: np.ndarray, sign: int) -> np.ndarray:
        """The text of each key one step up (``sign`` 1) or down (-1): one unit of the column's
        scale, one second, one day."""
        what, scale = self.how
        if what in ("int", "decimal"):
            return textops.decimals(keys + sign, scale)
        return render(keys + sign * (DAY if what == "date" else 1), what)


class PairSide(Source):
    """One column of an :class:`OrderedPair`."""

    def __init__(self, ordered: OrderedPair, side: int, inner: Source, partner: str) -> None:
        self.ordered, self.side, self.inner, self.partner = ordered, side, inner, partner

    def deps(self) -> list[tuple[str, str]]:
        """The inner source's (the partner's values reach this column's too, but the two are
        computed together, never one through the other: see :attr:`partner`)."""
        return self.inner.deps()

    def values(self, block: Block) -> Col:
        return self.ordered.values(block)[self.side]

    def fingerprint(self) -> dict[str, Any]:
        return {**self.inner.fingerprint(), **self.ordered.fingerprint()}


def _swappable(lo: Generator, hi: Generator, t: PgType) -> tuple[int, int] | None:
    """The (smallest, largest) comparison key both generators make, when swapping their values
    keeps each column within its own bounds: one generator, the same params, printing canonical
    text of the column's type (a range at the type's scale, a timeseries); else None."""
    if type(lo) is not type(hi) or lo.fingerprint() != hi.fingerprint():
        return None
    if isinstance(lo, Range) and lo.scale == number_scale(t) and lo.hi > lo.lo:
        return lo.lo, lo.hi
    if isinstance(lo, Timeseries) and not lo.ordered and lo.span > 1:
        return lo.start, lo.start + (lo.span - 1) * lo.step
    return None


def _in_lifecycle_order(lo: Generator, hi: Generator, strict: bool) -> bool:
    """Whether two lifecycle columns of one group already hold ``lo <= hi`` in every row."""
    if not (isinstance(lo, Moment) and isinstance(hi, Moment)) or lo.ctx.group != hi.ctx.group:
        return False
    if lo.chain is not None and hi.chain is not None:
        if not strict:
            return lo.chain <= hi.chain
        # stages are seconds to days apart; equal only as dates, or updated_at at the last stage
        return lo.chain < hi.chain and lo.type.base != "date" and hi.chain != UpdatedAt.chain
    return lo.chain == 0 and not strict  # every moment is at or after creation


def order_pairs(
    sources: dict[str, Source], columns: dict[str, Column], pairs: tuple[Pair, ...], keys: set[str]
) -> list[Pair]:
    """Wrap the sources of each enforceable pair; the pairs left unenforced. Key columns are
    never swapped (their values are distinct by construction), nor a column twice."""
    left: list[Pair] = []
    used: set[str] = set()
    for p in pairs:
        lo, hi = sources.get(p.low), sources.get(p.high)
        plain = all(type(s) is GenSource for s in (lo, hi)) and not {p.low, p.high} & keys
        if not plain or {p.low, p.high} & used:
            left.append(p)
            continue
        assert isinstance(lo, GenSource) and isinstance(hi, GenSource)
        if _in_lifecycle_order(lo.gen, hi.gen, p.strict):
            continue  # holds already
        t = columns[p.low].type
        how = kind(columns[p.low])
        bounds = _swappable(lo.gen, hi.gen, t) if t.ddl() == columns[p.high].type.ddl() else None
        if how is None or bounds is None:
            left.append(p)
            continue
        ordered = OrderedPair(p, lo, hi, how, bounds)
        sources[p.low], sources[p.high] = (
            PairSide(ordered, 0, lo, p.high),
            PairSide(ordered, 1, hi, p.low),
        )
        used |= {p.low, p.high}
    return left
