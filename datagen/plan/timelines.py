"""Time across tables: a row is created after the rows it references.

A table is *timed* when a column of group "" takes its values from a lifecycle generator
(:mod:`datagen.generators.lifecycle`). A timed table's rows start their timeline at their
*anchor*: the latest origin among their timed parents, at the parent rows their foreign keys
picked. The parents' origins are computed, as foreign key values are, by evaluating the parents'
timelines at those rows, so any chunk of any table is still computed on its own.

Foreign keys inside a cycle of timed tables (a self-reference, two tables referencing each
other) anchor nothing: there is no order to follow. Which edges those are depends on the graph
alone, never on the order of tables in the spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..columns import Block
from ..generators.lifecycle import Moment, origin
from .sources import CompositeSource, FkPick, FkSource, GenSource

if TYPE_CHECKING:
    from .compile import DatasetPlan
    from .table import TablePlan


@dataclass(frozen=True)
class TimedParent:
    """One foreign key of a timed table into a timed parent."""

    columns: tuple[str, ...]
    parent: TablePlan
    rows: Callable[[Block], np.ndarray]  # parent row numbers of a block of child rows
    timeline: Moment  # a lifecycle generator of the parent's group "": its rows' origin


def lifecycle_generator(plan: TablePlan) -> Moment | None:
    """A lifecycle generator of group "" filling a column of ``plan`` (None: not timed)."""
    for side in plan.sources.values():
        src = getattr(side, "inner", side)  # a column ordered by a CHECK (plan/pairs.py)
        if type(src) is GenSource and isinstance(src.gen, Moment) and src.gen.ctx.group == "":
            return src.gen
    return None


def _rows_of(plan: TablePlan, first: str) -> Callable[[Block], np.ndarray] | None:
    src = plan.sources.get(first)
    if isinstance(src, FkSource):
        pick = src.pick
        return pick.rows
    if isinstance(src, CompositeSource):
        comp, member = src.comp, src.member
        if isinstance(comp.members[member], FkPick):
            return lambda block: comp.digits(block)[member].astype(np.int64)
    return None


def link(dsplan: DatasetPlan) -> None:
    """Give every timed table its timed parents (edges inside cycles left out)."""
    plans = dsplan.plans
    found_gens = {q: lifecycle_generator(p) for q, p in plans.items()}
    gens = {q: g for q, g in found_gens.items() if g is not None}
    timed = set(gens)
    edges: dict[str, list[tuple[str, Any]]] = {q: [] for q in timed}
    for q in sorted(timed):
        for fk in plans[q].table.foreign_keys:
            parent = dsplan.plan_for(fk)
            if parent is not None and parent.table.qualname in timed:
                edges[q].append((parent.table.qualname, fk))

    def reaches(a: str, b: str) -> bool:
        seen, todo = {a}, [a]
        while todo:
            for nxt, _ in edges[todo.pop()]:
                if nxt == b:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    for q in timed:
        found = []
        for up, fk in edges[q]:
            rows = _rows_of(plans[q], fk.columns[0])
            if rows is not None and not reaches(up, q):  # an edge in no cycle
                found.append(TimedParent(fk.columns, plans[up], rows, gens[up]))
        plans[q].time_parents = tuple(found)


def anchor(plan: TablePlan, block: Block) -> np.ndarray | None:
    """Per row of ``block``, the latest creation moment among its timed parents' rows."""
    out = None
    for tp in plan.time_parents:
        seconds = origin(tp.timeline, Block(tp.parent, tp.rows(block)))
        out = seconds if out is None else np.maximum(out, seconds)
    return out


def fingerprint(plan: TablePlan) -> list[Any]:
    """What a timed table's anchors depend on besides its own foreign keys' picks: every timed
    ancestor once (so a diamond of foreign keys does not repeat a subtree), each with its
    lifecycle generator, rows, and the foreign keys it follows to its own timed parents (a
    parent gaining a ``created_at`` re-times its children)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    todo = [plan]
    while todo:
        p = todo.pop()
        for tp in p.time_parents:
            q = tp.parent.table.qualname
            if q in seen:
                continue
            seen.add(q)
            out.append(
                {
                    "table": q,
                    "rows": tp.parent.table.rows,
                    "generator": tp.timeline.fingerprint(),
                    "follows": [
                        {
                            "table": up.parent.table.qualname,
                            "columns": list(up.columns),
                            "pick": tp.parent.sources[up.columns[0]].fingerprint(),
                        }
                        for up in tp.parent.time_parents
                    ],
                }
            )
            todo.append(tp.parent)
    own = [
        {"table": tp.parent.table.qualname, "columns": list(tp.columns)} for tp in plan.time_parents
    ]
    return [{"follows": own}, *sorted(out, key=lambda d: str(d["table"]))]
