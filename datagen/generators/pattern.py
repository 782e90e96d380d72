"""``pattern``: text matching a regex (the subset of :mod:`.pattern_parse`), vectorised.

Each node of the parsed tree draws its choices from the column's stream with its own draw number
(a repetition or an alternation's branch derives a key of its own), so a row's value depends only
on its index. Runs of single choices (``[A-Z]{3}-\\d{4}``) take one 64-bit draw per run, decoded
in mixed radix into a byte matrix; alternations render each branch for the rows that chose it;
variable repeats render every repetition and blank the ones past the row's count.

Unique columns: a pattern that is a sequence of choices, each from a set of strings no one of
which starts (or, for all of them, ends) another, has an exact number of distinct values, and
value ``k`` is ``k`` written in mixed radix. Small alternations and short variable repeats are
enumerated into such sets (up to 65,536 strings each); anything else has no domain.
"""

from __future__ import annotations

import itertools
import re
from functools import reduce
from typing import TYPE_CHECKING

import numpy as np

from .. import rand, textops
from .base import TEXT_TYPES, Generator, register
from .pattern_parse import (
    OPEN_REPEAT,
    Alt,
    Chars,
    Node,
    PatternError,
    Repeat,
    Seq,
    max_chars,
    parse,
)
from .text import UNBOUNDED, length_limit

if TYPE_CHECKING:
    from ..columns import Block

ENUMERATE_LIMIT = 65536
_CHUNK = 1 << 63  # a run's draws each cover at most this many combinations


class _Run:
    """Consecutive single choices rendered from shared draws (mixed radix)."""

    def __init__(self, chars: list[Chars], draw: int) -> None:
        self.draw = draw
        self.pools = [_pool(c) for c in chars]
        self.sizes = [len(c.members) for c in chars]
        self.chunks: list[list[int]] = [[]]  # indices of the choices each draw decodes
        product = 1
        for i, size in enumerate(self.sizes):
            if size == 1:
                continue
            if product * size > _CHUNK and self.chunks[-1]:
                self.chunks.append([])
                product = 1
            self.chunks[-1].append(i)
            product *= size

    def digits(self, key: int, idx: np.ndarray) -> list[np.ndarray | None]:
        out: list[np.ndarray | None] = [None] * len(self.sizes)
        for c, chunk in enumerate(self.chunks):
            if not chunk:
                continue
            total = reduce(lambda a, b: a * b, (self.sizes[i] for i in chunk), 1)
            k = rand.integers(key, idx, total, self.draw * 64 + c)
            decode(k, chunk, self.sizes, out)
        return out

    def render(self, digits: list[np.ndarray | None], n: int) -> np.ndarray:
        return render_choices(self.pools, digits, n)


def decode(k: np.ndarray, chunk: list[int], sizes: list[int], out: list) -> None:
    """Mixed-radix digits of ``k`` (uint64) into ``out`` at positions ``chunk`` (last varies
    fastest)."""
    k = k.astype(np.uint64, copy=True)
    for i in reversed(chunk):
        r = np.uint64(sizes[i])
        out[i] = (k % r).astype(np.int64)
        k //= r


def _pool(c: Chars) -> tuple[np.ndarray, int | None]:
    """The members as a byte lookup table (when all have one byte width) or an 'S' array."""
    raw = [m.encode("utf-8") for m in c.members]
    widths = {len(r) for r in raw}
    if len(widths) == 1 and 0 not in widths:
        w = widths.pop()
        return np.frombuffer(b"".join(raw), np.uint8).reshape(len(raw), w), w
    return np.array(raw, dtype=f"S{max(1, *map(len, raw))}"), None


def render_choices(pools: list, digits: list[np.ndarray | None], n: int) -> np.ndarray:
    """Concatenate each choice's member, per row: byte matrices for fixed widths, else 'S'."""
    out: np.ndarray | None = None
    mats: list[np.ndarray] = []

    def flush() -> None:
        nonlocal out, mats
        if mats:
            piece = textops.from_matrix(np.hstack(mats) if len(mats) > 1 else mats[0])
            out = piece if out is None else np.strings.add(out, piece)
            mats = []

    for (pool, width), d in zip(pools, digits, strict=True):
        pick = np.zeros(n, np.int64) if d is None else d
        if width is not None:
            mats.append(np.broadcast_to(pool[0], (n, width)) if d is None else pool[pick])
        else:
            flush()
            piece = pool[pick]
            out = piece if out is None else np.strings.add(out, piece)
    flush()
    return out if out is not None else np.zeros(n, dtype="S1")


def flatten(node: Node) -> list[Chars] | None:
    """The node as a fixed sequence of single choices, or None (alternations, variable repeats)."""
    if isinstance(node, Chars):
        return [node]
    if isinstance(node, Seq):
        out: list[Chars] = []
        for item in node.items:
            part = flatten(item)
            if part is None:
                return None
            out += part
        return out
    if isinstance(node, Repeat) and node.lo == node.hi:
        part = flatten(node.node)
        return None if part is None else part * node.lo
    return None


def count(node: Node) -> int:
    """How many ways the tree can choose (an upper bound on its distinct strings)."""
    if isinstance(node, Chars):
        return len(node.members)
    if isinstance(node, Seq):
        return reduce(lambda a, b: a * b, map(count, node.items), 1)
    if isinstance(node, Alt):
        return sum(map(count, node.options))
    c = count(node.node)
    return sum(c**k for k in range(node.lo, node.hi + 1))


def strings(node: Node) -> list[str]:
    """Every string the node makes (call only when :func:`count` is small)."""
    if isinstance(node, Chars):
        return list(node.members)
    if isinstance(node, Seq):
        out = [""]
        for item in node.items:
            out = [a + b for a in out for b in strings(item)]
        return out
    if isinstance(node, Alt):
        return [s for o in node.options for s in strings(o)]
    inner = strings(node.node)
    out, level = [], [""]
    for k in range(node.hi + 1):
        if k >= node.lo:
            out += level
        if k < node.hi:
            level = [a + b for a in level for b in inner]
    return out


def domain_choices(node: Node) -> list[Chars] | None:
    """The pattern as a sequence of choices whose concatenation is injective, or None."""
    items = node.items if isinstance(node, Seq) else (node,)
    out: list[Chars] = []
    for item in items:
        part = flatten(item)
        if part is None:
            if count(item) > ENUMERATE_LIMIT:
                return None
            part = [Chars(tuple(dict.fromkeys(strings(item))))]
        out += part
    sets = [c.members for c in out if len(c.members) > 1]
    if all(_prefix_free(s) for s in sets) or all(_prefix_free([m[::-1] for m in s]) for s in sets):
        return out
    if count(node) <= ENUMERATE_LIMIT:  # a small pattern: list its distinct strings
        return [Chars(tuple(dict.fromkeys(strings(node))))]
    return None


def _prefix_free(members) -> bool:
    ordered = sorted(members)
    return not any(b.startswith(a) for a, b in itertools.pairwise(ordered))


@register("pattern")
class Pattern(Generator, standalone=True):
    """Text matching ``regex`` (a practical subset: classes, ranges, escapes, quantifiers,
    groups, alternation)."""

    params = {"regex": {"type": "string"}}
    required = ("regex",)
    types = TEXT_TYPES

    def setup(self) -> None:
        regex = self.p.get("regex", "")
        self.tree: Node = Seq(())
        self.choices: list[Chars] | None = None
        try:
            compiled = re.compile(regex)
        except re.error as e:
            self.problem(f"regex {regex!r} is not a valid regular expression: {e}", None)
            return
        try:
            self.tree = parse(regex)
        except PatternError as e:
            self.problem(f"regex {regex!r} at position {e.pos}: {e.message}", e.hint or None)
            return
        self.draws = 0
        self.plan = self.compile(self.tree)
        longest = max_chars(self.tree)
        limit = length_limit(self.type)
        if limit is not None and longest > limit:
            self.problem(
                f"regex {regex!r} makes values of up to {longest} characters; "
                f"{self.type.ddl()} holds {limit}",
                "widen the column or bound the repeats (open ones such as * and + add up to "
                f"{OPEN_REPEAT} repetitions)",
            )
        self.choices = domain_choices(self.tree)
        if self.choices is not None:
            self.pools = [_pool(c) for c in self.choices]
            self.sizes = [len(c.members) for c in self.choices]
        elif self.ctx.unique:
            self.problem(
                f"regex {regex!r} cannot be enumerated for a unique column (it has alternations "
                "of different shapes or variable repeats)",
                "make the parts fixed-length, such as [A-Z]{3}-\\d{6}, or drop the unique "
                "constraint",
            )
        self.self_check(compiled)

    def self_check(self, compiled: re.Pattern[str]) -> None:
        """Generate a sample and match it: a value the regex refuses is a bug, reported as a
        problem rather than written."""
        from ..columns import Block

        block = Block(None, np.arange(256, dtype=np.int64))  # type: ignore[arg-type]
        sample = list(self.generate(block))
        if self.choices is not None:
            dom = self.domain() or 1
            sample += list(self.at(block, np.arange(256, dtype=np.uint64) * (dom // 256 or 1)))
        for v in sample:
            text = v.decode("utf-8")
            if not compiled.fullmatch(text):
                self.problem(
                    f"internal: pattern made {text!r}, which its regex does not match",
                    "simplify the regex and report this",
                )
                return

    def fresh(self) -> int:
        """A draw number no other node of this pattern uses."""
        self.draws += 1
        return self.draws

    def compile(self, node: Node) -> object:
        """Runs of single choices become :class:`_Run` objects with distinct draw numbers."""
        draw = self.fresh()
        part = flatten(node)
        if part is not None:
            return _Run(part, draw)
        if isinstance(node, Seq):
            out: list[object] = []
            pending: list[Chars] = []
            for item in node.items:
                flat = flatten(item)
                if flat is not None:
                    pending += flat
                    continue
                if pending:
                    out.append(_Run(pending, self.fresh()))
                    pending = []
                out.append(self.compile(item))
            if pending:
                out.append(_Run(pending, self.fresh()))
            return ("seq", out)
        if isinstance(node, Alt):
            return ("alt", draw, [self.compile(o) for o in node.options])
        assert isinstance(node, Repeat)
        return ("rep", draw, node.lo, node.hi, self.compile(node.node))

    def generate(self, block: Block) -> np.ndarray:
        return self.render(self.plan, self.ctx.key(), block.idx)

    def render(self, op: object, key: int, idx: np.ndarray) -> np.ndarray:
        n = len(idx)
        if isinstance(op, _Run):
            return op.render(op.digits(key, idx), n)
        assert isinstance(op, tuple)
        if op[0] == "seq":
            pieces = [self.render(o, key, idx) for o in op[1]]
            if not pieces:
                return np.zeros(n, dtype="S1")
            return reduce(np.strings.add, pieces)
        if op[0] == "alt":
            _, draw, options = op
            pick = rand.integers(key, idx, len(options), draw * 64).astype(np.int64)
            parts = []
            for i, o in enumerate(options):
                rows = np.flatnonzero(pick == i)
                parts.append((rows, self.render(o, key, idx[rows]) if len(rows) else None))
            width = max([1] + [p.dtype.itemsize for _, p in parts if p is not None])
            out = np.zeros(n, dtype=f"S{width}")
            for rows, p in parts:
                if p is not None:
                    out[rows] = p
            return out
        _, draw, lo, hi, inner = op
        times = lo + rand.integers(key, idx, hi - lo + 1, draw * 64).astype(np.int64)
        out = np.zeros(n, dtype="S1")
        for j in range(hi):
            sub = rand.stream_key(key, "repeat", draw, j)  # each repetition draws afresh
            piece = self.render(inner, sub, idx)
            out = np.strings.add(out, piece if j < lo else np.where(times > j, piece, b""))
        return out

    def domain(self) -> int | None:
        if self.choices is None:
            return None
        return min(reduce(lambda a, b: a * b, self.sizes, 1), UNBOUNDED)

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        assert self.choices is not None
        digits: list[np.ndarray | None] = [None] * len(self.sizes)
        k = k.astype(np.uint64, copy=True)
        for i in reversed(range(len(self.sizes))):  # the last choice varies fastest
            if self.sizes[i] > 1:
                r = np.uint64(self.sizes[i])
                digits[i] = (k % r).astype(np.int64)
                k //= r
        return render_choices(self.pools, digits, len(k))
