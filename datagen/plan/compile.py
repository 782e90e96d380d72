"""Compilation is validation: a validated dataset model becomes one frozen :class:`Compiled` plan.

Every command compiles a spec once and passes the result on: ``validate`` reports its problems and
warnings, ``generate`` and ``build`` run its table plans, the pipeline hashes its fingerprints.
(The library's ``load_spec`` returns the model alone; ``generate`` then compiles it again:
``compile_spec`` gives the compiled plan to pass on instead.)
"""

from __future__ import annotations

import functools
import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from ..columns import Block, Col
from ..errors import Problem, SpecError, suggest
from ..generators.locales import locale_problem
from ..generators.words import available_locales
from ..spec.model import Dataset, ForeignKey, Table
from ..spec.validate import build_model
from ..writers.toc import Toc
from . import chunking, timelines
from .chunking import CHUNK_ROWS
from .source import SpecRef
from .table import TablePlan

if TYPE_CHECKING:
    from ..spec.load import SpecDocument

FRAMES_PER_TABLE = 40  # Python frames a value takes per foreign key it is read through


@contextmanager
def deep_enough(depth: int) -> Iterator[None]:
    """Room on the Python stack for values read through ``depth`` foreign keys (a 400-deep
    one-to-one chain reads a key through 400 parents). The limit is only ever raised: it is the
    interpreter's, shared by threads; Python-to-Python calls do not use the C stack."""
    need = 1000 + FRAMES_PER_TABLE * depth
    if need > sys.getrecursionlimit():
        sys.setrecursionlimit(need)
    yield


class DatasetPlan:
    """Table plans of a dataset.

    Every plan is registered before any is built: a child's build reads only its parents'
    table models, never their sources, so plans build in the spec's order without recursion,
    for foreign key chains of any length, cycles and self references alike.
    """

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.plans: dict[str, TablePlan] = {t.qualname: TablePlan(self, t) for t in ds.tables}
        for p in self.plans.values():
            p.build()
        timelines.link(self)
        self._chunk_rows: dict[str, int] | None = None
        self._depths: dict[str, int] | None = None

    def plan(self, table: Table) -> TablePlan:
        """The plan of ``table``."""
        return self.plans[table.qualname]

    def depth(self, qualname: str) -> int:
        """How many tables deep the table's values reach through foreign keys."""
        if self._depths is None:
            self._depths = chunking.fk_depths(self)
        return self._depths.get(qualname, 0)

    def chunk_rows(self, qualname: str) -> int:
        """Rows per chunk of a table: :data:`CHUNK_ROWS`, fewer for wide rows (a pure function
        of the plan, see :mod:`datagen.plan.chunking`)."""
        if self._chunk_rows is None:
            with deep_enough(max(self.depth(q) for q in self.plans) if self.plans else 0):
                estimates = chunking.row_estimates(self)
            self._chunk_rows = {q: chunking.rows_for(b) for q, b in estimates.items()}
        return self._chunk_rows[qualname]

    def plan_for(self, fk: ForeignKey) -> TablePlan | None:
        found = self.ds.find_tables(fk.ref_table, fk.ref_schema)
        return self.plan(found[0]) if len(found) == 1 else None

    def table_plan(self, qualname: str) -> TablePlan:
        return self.plans[qualname]

    def all(self) -> list[TablePlan]:
        """Table plans in the spec's order."""
        return [self.plans[t.qualname] for t in self.ds.tables]

    def cycles(self) -> list[list[tuple[str, str]]]:
        """Key dependency cycles: columns whose values would need themselves."""
        graph: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for p in self.plans.values():
            for name, src in p.sources.items():
                graph[(p.table.qualname, name)] = src.deps()
        found: list[list[tuple[str, str]]] = []
        state: dict[tuple[str, str], int] = {}
        for start in graph:
            if state.get(start):
                continue
            stack = [(start, iter(graph.get(start, [])))]
            path = [start]
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


@dataclass(frozen=True)
class Compiled:
    """A validated dataset and its plan: what every later stage reads."""

    dataset: Dataset
    plan: DatasetPlan
    warnings: tuple[Problem, ...] = ()
    source: SpecRef | None = None  # how another process compiles the same plan

    def table_plan(self, qualname: str) -> TablePlan:
        return self.plan.plans[qualname]

    @functools.cached_property
    def ref(self) -> SpecRef:
        """How another process compiles this plan: its source, or its dataset's pickle (made
        once per plan, not once per table or job)."""
        if self.source is not None:
            return self.source
        return SpecRef(pickled=pickle.dumps(self.dataset, protocol=5))

    @functools.cached_property
    def toc(self) -> Toc:
        """The dump's table of contents, built once: keys, locks and writers all read it."""
        return Toc.from_dataset(self.dataset)

    def chunk_rows(self, qualname: str) -> int:
        """Rows per chunk of a table (in its key documents)."""
        return self.plan.chunk_rows(qualname)

    def chunks(self, qualname: str) -> Iterator[tuple[int, int]]:
        """(start, stop) of each chunk of a table."""
        return chunks(self.dataset.table(qualname).rows, self.chunk_rows(qualname))


def _locale_hint(locale: str) -> str:
    lang = locale.split("_")[0]
    same = [loc for loc in available_locales() if loc.split("_")[0] == lang]
    if same:
        return f"locales for {lang!r}: {', '.join(sorted(same))}"
    return suggest(locale, available_locales()) or "see Faker's list of locales"


def compile_dataset(ds: Dataset, doc: SpecDocument | None = None) -> Compiled:
    """Plan every table of a validated model; SpecError lists what only the plan can see
    (generator params and domains, key graphs and cycles); unenforced CHECKs become warnings."""
    file = ds.file or "<spec>"

    def line(path: str) -> int | None:
        return doc.line(path) if doc is not None else None

    if ds.locale not in available_locales():
        hint = _locale_hint(ds.locale)
        raise SpecError(
            [Problem(file, "locale", f"unknown locale {ds.locale!r}", line("locale"), hint)]
        )
    unusable = locale_problem(ds.locale)
    if unusable:
        hint = f"choose another locale ({_locale_hint(ds.locale)})"
        raise SpecError([Problem(file, "locale", unusable, line("locale"), hint)])
    dsplan = DatasetPlan(ds)
    problems = []
    for p in dsplan.all():
        for path, message, fix in p.problems:
            problems.append(Problem(file, path, message, line(path), fix))
    for cycle in dsplan.cycles():
        names = " -> ".join(f"{t.split('.', 1)[1]}.{c}" for t, c in cycle)
        path = ds.table(cycle[0][0]).path
        problems.append(
            Problem(
                file,
                path,
                f"key dependencies cannot be resolved: {names}",
                line(path),
                "a key column cannot take its values from itself through foreign keys",
            )
        )
    if problems:
        raise SpecError(problems)
    warnings = tuple(
        Problem(
            file,
            path,
            f"CHECK ({expr}) is not enforced by the generators "
            "(it is kept in the DDL; rows violating it would fail to load)",
            line(path),
        )
        for p in dsplan.all()
        for path, expr in p.unenforced
    )
    return Compiled(ds, dsplan, warnings)


def compile_document(
    doc: SpecDocument,
    *,
    seed: int | None = None,
    rows: dict[str, int] | None = None,
    scale: float | None = None,
) -> Compiled:
    """Validate a loaded spec and compile it: the one entry point every command goes through."""
    c = compile_dataset(build_model(doc, seed=seed, rows=rows, scale=scale), doc)
    if doc.text is None:
        return c
    rows_items = tuple(sorted((rows or {}).items()))
    return replace(c, source=SpecRef(doc.text, doc.file, seed, rows_items, scale))


def chunks(rows: int, size: int = CHUNK_ROWS) -> Iterator[tuple[int, int]]:
    """(start, stop) of each chunk of ``rows`` rows."""
    for start in range(0, rows, size):
        yield start, min(start + size, rows)


def generate_chunk(plan: TablePlan, start: int, stop: int) -> list[Col]:
    """Every column of rows ``start..stop`` of the plan's table, in declared order."""
    cols = generate_columns(plan, start, stop, [c.name for c in plan.table.columns])
    return [cols[c.name] for c in plan.table.columns]


def generate_columns(plan: TablePlan, start: int, stop: int, names: list[str]) -> dict[str, Col]:
    """Columns ``names`` of rows ``start..stop`` (and nothing else but what they read): the
    same values :func:`generate_chunk` gives them, whatever else is or is not generated."""
    block = Block(plan, np.arange(start, stop, dtype=np.int64))
    with deep_enough(plan.dsplan.depth(plan.table.qualname)):
        return {n: block.column(n) for n in names}
