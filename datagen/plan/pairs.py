"""CHECKs between two columns of a row (``low < high``, ``low <= high``), held by construction.

Both columns are generated as usual; in the rows where they come out in the wrong order, the two
values are swapped, and where a strict CHECK meets two equal values, ``high`` moves one step up
(one unit of the column's scale, one second, one day). Each column keeps its own generator's
values (as a set, nearly), so the order costs no realism, and every row is still a function of
its index alone.

Pairs apply to two non-key columns of one comparable kind: both integer, both numeric of one
scale, or both of one temporal type. Others stay in the DDL and are reported as not enforced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import textops
from ..columns import Block, Col
from ..generators.numeric import number_scale
from ..generators.temporal import DAY, render
from .checks import Pair
from .sources import GenSource, Source

if TYPE_CHECKING:
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

    def __init__(self, pair: Pair, low: Source, high: Source, how: tuple[str, int]) -> None:
        self.pair, self.low, self.high = pair, low, high
        self.how = how

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
                if tie.any():
                    new_hi = np.where(tie, self.step_up(np.where(swap, klo, khi)), new_hi)
            return Col(new_lo, lo.null), Col(new_hi, hi.null)

        return block.memo(("pair", self.pair.low, self.pair.high), order)

    def step_up(self, keys: np.ndarray) -> np.ndarray:
        """The text of each key plus one step of the column's kind."""
        what, scale = self.how
        if what in ("int", "decimal"):
            return textops.decimals(keys + 1, scale)
        return render(keys + (DAY if what == "date" else 1), what)


class PairSide(Source):
    """One column of an :class:`OrderedPair`."""

    def __init__(self, ordered: OrderedPair, side: int, inner: Source) -> None:
        self.ordered, self.side, self.inner = ordered, side, inner

    def deps(self) -> list[tuple[str, str]]:
        return self.inner.deps()

    def values(self, block: Block) -> Col:
        return self.ordered.values(block)[self.side]

    def fingerprint(self) -> dict[str, Any]:
        return {**self.inner.fingerprint(), **self.ordered.fingerprint()}


def order_pairs(sources: dict[str, Source], columns: dict[str, Column], pairs: tuple[Pair, ...]):
    """Wrap the sources of each enforceable pair; the pairs left unenforced."""
    left: list[Pair] = []
    used: set[str] = set()
    for p in pairs:
        lo, hi = sources.get(p.low), sources.get(p.high)
        how = kind(columns[p.low])
        plain = all(type(s) is GenSource for s in (lo, hi))
        if not plain or how is None or how != kind(columns[p.high]) or {p.low, p.high} & used:
            left.append(p)
            continue
        assert lo is not None and hi is not None
        ordered = OrderedPair(p, lo, hi, how)
        sources[p.low], sources[p.high] = PairSide(ordered, 0, lo), PairSide(ordered, 1, hi)
        used |= {p.low, p.high}
    return left
