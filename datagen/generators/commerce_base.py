"""Helpers the commerce, payment and quantity generators share: their data file, matrices of
random digits and letters, the GS1 check digit, name rules for text columns, and a base class
for weighted word lists that keeps the words fitting the column."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from .base import TEXT_TYPES, Generator
from .semantic import Rule, rule
from .text import length_limit

if TYPE_CHECKING:
    from ..columns import Block

LONGEST = 10_485_760  # PostgreSQL's largest varchar(n)
LETTERS = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)


@functools.cache
def data() -> dict[str, Any]:
    """The shipped word lists and code tables (``data/commerce.json``)."""
    text = resources.files("datagen.generators").joinpath("data/commerce.json").read_text("utf-8")
    return json.loads(text)


def text_rules(word: str, shortest: int, **kw: Any) -> tuple[Rule, Rule]:
    """``word`` for ``text`` columns and for char/varchar(n) with ``n >= shortest``: a column too
    short for the values keeps its type default instead of failing validation."""
    note = f"text, or char/varchar of at least {shortest}"
    if "note" in kw:
        note = f"{kw.pop('note')}; {note}"
    return (
        rule(word, types={"text"}, note=note, **kw),
        rule(word, lengths=(shortest, LONGEST), note=note, **kw),
    )


@functools.cache
def _digit_table(base: int, per: int, alphabet: bytes) -> np.ndarray:
    """Every ``per``-character string over ``alphabet`` (``base`` symbols), by its value, as a
    (base ** per, per) uint8 matrix: one gather writes ``per`` characters."""
    v = np.arange(base**per)
    out = np.empty((len(v), per), dtype=np.uint8)
    for pos in range(per - 1, -1, -1):
        out[:, pos] = np.frombuffer(alphabet, dtype=np.uint8)[v % base]
        v //= base
    out.setflags(write=False)
    return out


def _symbols(key: int, idx: np.ndarray, width: int, draw: int, base: int, per: int, k: int,
             alphabet: bytes) -> np.ndarray:  # fmt: skip
    """(rows, width) uint8 of random symbols: ``k`` groups of ``per`` from each 64-bit draw."""
    unit = np.dtype(f"u{per}")
    table = _digit_table(base, per, alphabet).view(unit).ravel()  # a group is one gather
    groups = -(-width // per)
    out = np.empty((len(idx), groups), dtype=unit)
    size = np.uint64(base**per)
    for d in range(-(-groups // k)):
        b = rand.bits(key, idx, draw + d)
        for g in range(d * k, min(groups, (d + 1) * k)):
            out[:, g] = table[(b % size).astype(np.intp)]
            b //= size
    return np.ascontiguousarray(out.view(np.uint8)[:, :width])


def random_digits(key: int, idx: np.ndarray, width: int, draw: int = 0) -> np.ndarray:
    """A (rows, width) uint8 matrix of random decimal digits 0-9 (16 from each 64-bit draw)."""
    return _symbols(key, idx, width, draw, 10, 4, 4, bytes(range(10)))


def random_letters(key: int, idx: np.ndarray, width: int, draw: int = 0) -> np.ndarray:
    """A (rows, width) uint8 matrix of random ASCII capitals (12 from each 64-bit draw)."""
    return _symbols(key, idx, width, draw, 26, 2, 6, LETTERS.tobytes())


def gs1_check(d: np.ndarray) -> np.ndarray:
    """The GS1 (EAN/UPC/ISBN-13) check digit of each row of a digit matrix: weights 3, 1, 3, ...
    from the right."""
    k = d.shape[1]
    total = 3 * d[:, k - 1 :: -2].sum(axis=1, dtype=np.int32)
    total += d[:, k - 2 :: -2].sum(axis=1, dtype=np.int32) if k > 1 else 0
    return ((10 - total % 10) % 10).astype(np.uint8)


def digit_text(d: np.ndarray) -> np.ndarray:
    """An 'S' array from a digit matrix."""
    return textops.from_matrix(d + np.uint8(48))


def too_short(gen: Generator, width: int, example: str) -> None:
    """A problem if the column cannot hold ``width`` characters (codes are never cut)."""
    limit = length_limit(gen.type)
    if limit is not None and limit < width:
        gen.problem(
            f"{gen.name} values have {width} characters ({example}); "
            f"{gen.type.ddl()} holds {limit}",
            f"declare the column as varchar({width}) or text",
        )


class Vocabulary(Generator, standalone=True):
    """Base: one of a weighted list of words, keeping only those that fit the column."""

    types = TEXT_TYPES

    def vocabulary(self) -> dict[str, float]:
        raise NotImplementedError

    def setup(self) -> None:
        words = self.vocabulary()
        limit = length_limit(self.type)
        fit = {w: f for w, f in words.items() if limit is None or len(w) <= limit}
        if not fit:
            short = min(words, key=len)
            self.problem(
                f"the shortest {self.name} value, {short!r}, does not fit {self.type.ddl()}",
                f"declare the column as varchar({max(map(len, words))}) or text",
            )
            fit = {short: 1.0}
        self.pool = np.array([w.encode("utf-8") for w in fit])
        self.table = rand.alias_table(np.array(list(fit.values()), dtype=np.float64))

    def generate(self, block: Block) -> np.ndarray:
        return self.pool[rand.weighted(self.ctx.key(), block.idx, self.table)]

    def domain(self) -> int:
        return len(self.pool)

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return self.pool[k.astype(np.int64)]
