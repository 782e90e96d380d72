"""The values that flow between the plan, the generators and the writers.

A :class:`Col` is one column of a block of rows as PostgreSQL text; a :class:`Block` is a set of row
indices of one table with a per-block memo, so columns that share a latent draw (a row's person,
place or timeline) compute it once. Neither knows how values are made: a block asks its table's
sources (:class:`ValueSource`), which the plan provides. This module imports nothing of datagen's
own, so the plan, the generators and the writers can all depend on it without depending on each
other.

Example:
    >>> import numpy as np
    >>> class Count:
    ...     def values(self, block):
    ...         return Col(np.char.encode((block.idx + 1).astype(str)))
    >>> class Sources:
    ...     sources = {"id": Count()}
    >>> Block(Sources(), np.arange(3)).column("id").text.tolist()
    [b'1', b'2', b'3']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


@dataclass
class Col:
    """One column of a block of rows: PostgreSQL text per row, and which rows are NULL."""

    text: np.ndarray
    null: np.ndarray | None = None


class ValueSource(Protocol):
    """Where one column's values come from (a generator, a counter, a foreign key pick...)."""

    def values(self, block: Block) -> Col: ...


class HasSources(Protocol):
    """A table's plan, as a block sees it: the source of each column by name."""

    @property
    def sources(self) -> Mapping[str, ValueSource]: ...


class Block:
    """A set of rows (by index) of one table, with per-block memory of shared draws.

    A block belongs to one thread of work: the plan and its generators are shared and immutable,
    everything that changes while generating lives here.
    """

    __slots__ = ("_memo", "idx", "plan")

    def __init__(self, plan: HasSources, idx: np.ndarray) -> None:
        self.plan = plan
        self.idx = np.asarray(idx, dtype=np.int64)
        self._memo: dict[Any, Any] = {}

    def memo(self, key: Any, fn: Callable[[], Any]) -> Any:
        """``fn()``, computed once per block and ``key``."""
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def column(self, name: str) -> Col:
        """The values of column ``name`` for these rows."""
        return self.memo(("col", name), lambda: self.plan.sources[name].values(self))

    def anchor(self) -> np.ndarray | None:
        """Per row, the latest creation moment (epoch seconds) of the rows its foreign keys
        reference, where those tables have a lifecycle; None when none does. Lifecycle columns
        start each row's timeline there (:mod:`datagen.generators.lifecycle`)."""
        find = getattr(self.plan, "anchor", None)
        return self.memo(("anchor",), lambda: find(self)) if find is not None else None

    def person_positions(self, group: str) -> np.ndarray | None:
        """Per row, the permuted position of the unique email of ``group`` whose distinct
        people the group's name columns take (:mod:`datagen.generators.name_slots`); None when
        the group has no such column."""
        find = getattr(self.plan, "person_positions", None)
        return self.memo(("people", group), lambda: find(self, group)) if find else None

    def derived(self, idx: np.ndarray) -> Block:
        """Other rows of the same table (array elements, parent rows), with a memo of their own."""
        return Block(self.plan, idx)
