"""Chunk sizes: how many rows a table makes at once, a pure function of its compiled plan.

A chunk's columns are fixed-width byte arrays (each as wide as its widest value), held together
until the chunk is encoded, so a chunk's memory is its rows times its row's width, times the
copies generating and encoding make. Narrow tables use :data:`CHUNK_ROWS` rows per chunk; a wide
one (hundreds of columns, long arrays) fewer, a power of two chosen so that the chunk's
estimated working memory stays under :data:`CHUNK_BUDGET`.

The estimate reads the plan, never the machine: the widths of the first :data:`PROBE_ROWS` rows
of each column (a foreign key column takes its parent column's width), plus, for an array
column, its element arrays (``max length`` of them, made before they are joined). The chunk size
is in every key document, so a change of estimate shows as a change of keys.

Example:
    >>> rows_for(100)
    65536
    >>> rows_for(10_000)
    16384
    >>> rows_for(10**12)
    1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..columns import Block
from ..generators.arrays import MAX_LENGTH, ArrayOf

if TYPE_CHECKING:
    from .compile import DatasetPlan
    from .table import TablePlan

CHUNK_ROWS = 65536  # rows per chunk of a narrow table (every table of the example datasets)
CHUNK_BUDGET = 192 << 20  # estimated working bytes of one chunk
PROBE_ROWS = 64  # rows whose widths are measured
WORK_FACTOR = 4  # working bytes per byte of the columns' widths (3.6 measured, 300 columns)
COLUMN_OVERHEAD = 8  # bytes per row and column besides its text (NULL masks, row numbers)
UNKNOWN_WIDTH = 64  # the width assumed for a column read through a foreign key cycle


def rows_for(row_bytes: int) -> int:
    """Rows per chunk for an estimated ``row_bytes`` working bytes per row."""
    fit = CHUNK_BUDGET // max(row_bytes, 1)
    if fit >= CHUNK_ROWS:
        return CHUNK_ROWS
    return 1 << max(fit.bit_length() - 1, 0)


def parents_first(dsplan: DatasetPlan) -> list[str]:
    """Tables (qualified names) ordered so that a table comes after the tables it reads keys
    from (except along cycles); iterative, for foreign key chains of any length."""
    graph = {q: sorted(other_tables(p)) for q, p in dsplan.plans.items()}
    order: list[str] = []
    state: dict[str, int] = {}
    for start in graph:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(graph[start]))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                state[node] = 2
                order.append(node)
            elif nxt not in state and nxt in graph:
                state[nxt] = 1
                stack.append((nxt, iter(graph[nxt])))
    return order


def other_tables(plan: TablePlan) -> set[str]:
    """The tables whose columns this table's sources read."""
    q = plan.table.qualname
    return {t for src in plan.sources.values() for t, _ in src.deps() if t != q}


def fk_depths(dsplan: DatasetPlan) -> dict[str, int]:
    """How many tables deep each table's values reach through foreign keys (0: none)."""
    depth: dict[str, int] = {}
    for q in parents_first(dsplan):
        parents = other_tables(dsplan.plans[q])
        depth[q] = 1 + max((depth.get(p, 0) for p in parents), default=-1)
    return depth


def row_estimates(dsplan: DatasetPlan) -> dict[str, int]:
    """Estimated working bytes per row of every table (see the module's docstring)."""
    widths: dict[tuple[str, str], int] = {}
    out: dict[str, int] = {}
    for q in parents_first(dsplan):
        plan = dsplan.plans[q]
        n = min(PROBE_ROWS, plan.table.rows)
        if n == 0:
            out[q] = 0
            continue
        block = Block(plan, np.arange(n, dtype=np.int64))
        total, arrays = 0, 0
        for col in plan.table.columns:
            deps = plan.sources[col.name].deps()
            if deps and all(t != q for t, _ in deps):  # a foreign key: its parent's width
                w = max(widths.get(d, UNKNOWN_WIDTH) for d in deps)
            else:
                w = block.column(col.name).text.dtype.itemsize
            widths[(q, col.name)] = w
            total += w + COLUMN_OVERHEAD
            gen = plan.generators.get(col.name)
            if isinstance(gen, ArrayOf):  # its elements, made before they are joined
                sub = block.derived(block.idx * MAX_LENGTH)
                arrays += gen.length[1] * gen.element.generate(sub).dtype.itemsize
        out[q] = WORK_FACTOR * total + arrays
    return out
