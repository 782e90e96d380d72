"""How another process gets the same compiled plan: a :class:`SpecRef` to compile again.

A reference is hashable and self-contained: the spec's text with the command line's overrides
(compiled once per process, see :func:`compile_ref`), or, for a dataset made in code, its pickle.
It travels with every job, so its size is the spec's.
"""

from __future__ import annotations

import functools
import pickle
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..spec.load import load_text

if TYPE_CHECKING:
    from .compile import Compiled


@dataclass(frozen=True)
class SpecRef:
    """How a worker compiles the plan: spec text and overrides, or a pickled dataset."""

    text: str | None = None
    file: str = "<spec>"
    seed: int | None = None
    rows: tuple[tuple[str, int], ...] = ()
    scale: float | None = None
    pickled: bytes | None = None

    @classmethod
    def of(cls, c: Compiled) -> SpecRef:
        """The reference a compiled plan came from (a dataset made in code is pickled).

        The plan is remembered, so this process (and workers forked from it) reuse it."""
        ref = c.ref
        if ref not in _KNOWN:
            _KNOWN[ref] = c if c.source is not None else replace(c, source=ref)
            while len(_KNOWN) > 16:
                del _KNOWN[next(iter(_KNOWN))]
        return ref


_KNOWN: dict[SpecRef, Compiled] = {}  # plans compiled in this process, by reference


def compile_ref(ref: SpecRef) -> Compiled:
    """The compiled plan of ``ref``, once per process."""
    return _KNOWN.get(ref) or _compile_ref(ref)


@functools.lru_cache(maxsize=16)  # as many as the pipeline keeps (pipeline/project.py)
def _compile_ref(ref: SpecRef) -> Compiled:
    from .compile import compile_dataset, compile_document

    if ref.pickled is not None:
        return replace(compile_dataset(pickle.loads(ref.pickled)), source=ref)
    assert ref.text is not None
    fmt = "json" if ref.file.lower().endswith(".json") else None  # as spec/load.py decides
    doc = load_text(ref.text, ref.file, fmt)
    c = compile_document(doc, seed=ref.seed, rows=dict(ref.rows), scale=ref.scale)
    return replace(c, source=ref)
