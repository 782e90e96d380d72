"""One-dimensional arrays: ``{a,b,c}`` of elements from the element type's generator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .. import rand
from .base import ColumnContext, Generator

if TYPE_CHECKING:
    from ..columns import Block

MAX_LENGTH = 64
_SPECIAL = frozenset('{}",\\ \t\n\r\v\f')


def array_element(text: str) -> str:
    """An element as PostgreSQL's array_out writes it: quoted when it must be."""
    if text == "" or text.upper() == "NULL" or any(c in _SPECIAL for c in text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


class ArrayOf(Generator, standalone=True):
    """Wraps an element generator; ``params.length: [min, max]`` (default [0, 4])."""

    name: ClassVar[str] = "array"

    def __init__(self, ctx: ColumnContext, params: dict[str, Any], element: Generator) -> None:
        self.element = element
        super().__init__(ctx, params)

    def setup(self) -> None:
        length = self.p["length"]
        shaped = (
            isinstance(length, (list, tuple))
            and len(length) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in length)
        )
        lo, hi = length if shaped else (0, 4)
        if not shaped or not 0 <= lo <= hi <= MAX_LENGTH:
            self.problem(
                f"length {length!r} must be [min, max], whole numbers with "
                f"0 <= min <= max <= {MAX_LENGTH}",
                "e.g. params: {length: [1, 5]}",
            )
            lo, hi = 0, min(max(hi, 0), MAX_LENGTH)
        self.length = (lo, hi)
        self.problems += self.element.problems

    def fingerprint(self) -> dict[str, Any]:
        return {**super().fingerprint(), "element": self.element.fingerprint()}

    def depends_on(self) -> list[str]:
        return self.element.depends_on()

    def is_standalone(self) -> bool:
        """As standalone as its element generator: the element rows of ``block.derived`` are
        this column's own (row * 64 + position), in a memo no other column sees."""
        return super().is_standalone() and self.element.is_standalone()

    def depends_on_row_count(self) -> bool:
        return self.element.depends_on_row_count()

    def generate(self, block: Block) -> np.ndarray:
        lo, hi = self.length
        n = len(block.idx)
        count = lo + rand.integers(self.ctx.key("length"), block.idx, hi - lo + 1).astype(np.int64)
        cells = []
        for j in range(hi):
            sub = block.derived(block.idx.astype(np.int64) * MAX_LENGTH + j)
            cells.append(self.element.generate(sub))
        rows = []
        for r in range(n):
            items = [array_element(cells[j][r].decode("utf-8")) for j in range(count[r])]
            rows.append(("{" + ",".join(items) + "}").encode("utf-8"))
        return np.array(rows, dtype=f"S{max([2, *map(len, rows)])}")
