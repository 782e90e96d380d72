"""Text defaults (words, codes), bytea, uuid and json, plus unique text by disambiguation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import rand, textops
from .base import Generator, register
from .words import lorem_words, make_pool

if TYPE_CHECKING:
    from ..columns import Block

_B36 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
UNBOUNDED = 1 << 62


def length_limit(t) -> int | None:
    return t.length if t.base in ("char", "varchar") else None


def base36(k: np.ndarray, width: int) -> np.ndarray:
    """``k`` written in ``width`` base-36 digits (zero-padded), as an 'S' array."""
    m = np.empty((len(k), width), dtype=np.uint8)
    v = k.astype(np.uint64)
    for pos in range(width - 1, -1, -1):
        m[:, pos] = _B36[(v % np.uint64(36)).astype(np.int64)]
        v //= np.uint64(36)
    return textops.from_matrix(m)


class UniqueText(Generator):
    """Unique text by construction: the row's value with a disambiguator made from ``k``.

    ``k`` comes from a keyed permutation of the row index, so the suffix is distinct per row; the
    value is cut (never the suffix) to keep within ``varchar(n)``.
    """

    separator = b""
    #: unbounded domains take a permutation within blocks of rows: short, distinct suffixes
    compact_suffix = True

    def domain(self) -> int:
        limit = length_limit(self.type)
        if limit is None or limit >= 18:
            return UNBOUNDED
        return 10**limit

    def attach(self, value: np.ndarray, suffix: np.ndarray) -> np.ndarray:
        """Join value and suffix (generators override to put it elsewhere, as emails do)."""
        return np.strings.add(np.strings.add(value, self.separator), suffix)

    def fit(self, value: np.ndarray, room: np.ndarray) -> np.ndarray:
        """``value`` cut to ``room`` characters per row (a hard cut: names, codes; free text
        overrides it to cut at word boundaries)."""
        return np.array(
            [
                v.decode("utf-8")[: max(r, 0)].encode("utf-8")
                for v, r in zip(value, room, strict=True)
            ]
        )

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        suffix = textops.ints(k.astype(np.int64))
        value = self.generate(block)
        limit = length_limit(self.type)
        if limit is None:
            return self.attach(value, suffix)
        room = limit - textops.lengths(suffix) - len(self.separator)
        cut = self.fit(value, room) if (textops.lengths(value) > room).any() else value
        joined = self.attach(cut, suffix)
        too_long = textops.lengths(joined) > limit
        return np.where(too_long, suffix, joined) if too_long.any() else joined


@register("words")
class Words(UniqueText, standalone=True):
    """A few lorem words (``min_words``..``max_words``), cut at a word boundary to fit."""

    params = {
        "min_words": {"type": "integer", "minimum": 1, "maximum": 50, "default": 1},
        "max_words": {"type": "integer", "minimum": 1, "maximum": 50},
    }
    types = frozenset({"text", "varchar", "char"})
    separator = b"-"
    #: 2: cut at word boundaries, never leaving a trailing blank (was: mid-word)
    version = 2

    def fit(self, value: np.ndarray, room: np.ndarray) -> np.ndarray:
        return textops.cut_words(value, room)

    def setup(self) -> None:
        self.pool = lorem_words(self.ctx.dataset.locale)
        limit = length_limit(self.type)
        if limit is not None:  # only words that fit: a cut then never splits a word
            fit = [w.decode("utf-8") for w in self.pool.words if len(w.decode("utf-8")) <= limit]
            if fit and len(fit) < len(self.pool.words):
                self.pool = make_pool(fit)
        self.lo = int(self.param("min_words"))
        self.hi = int(self.p.get("max_words", max(self.lo, 4)))
        if self.lo > self.hi:
            self.problem("min_words is greater than max_words", "swap them")
            self.hi = self.lo

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        count = self.lo + rand.integers(key, idx, self.hi - self.lo + 1, draw=99).astype(np.int64)
        out = self.pool.words[self.pool.pick(key, idx, 0)]
        for j in range(1, self.hi):
            word = np.strings.add(b" ", self.pool.words[self.pool.pick(key, idx, j)])
            out = np.where(count > j, np.strings.add(out, word), out)
        limit = length_limit(self.type)
        return textops.cut_words(out, limit) if limit else out


@register("code")
class Code(Generator, standalone=True):
    """Random codes of ``length`` characters from ``alphabet`` (default: A-Z and 0-9)."""

    params = {
        "length": {"type": "integer", "minimum": 1, "maximum": 64},
        "alphabet": {
            "type": "string",
            "minLength": 2,
            "default": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        },
    }
    types = frozenset({"text", "varchar", "char"})

    def setup(self) -> None:
        limit = length_limit(self.type)
        default = min(limit, 64) if self.type.base == "char" and limit else min(limit or 8, 8)
        self.length = int(self.p.get("length", default))
        if limit is not None and self.length > limit:
            self.problem(f"length {self.length} exceeds {self.type.ddl()}")
        alphabet = self.param("alphabet")
        if not alphabet.isascii() or any(c == "\\" or not c.isprintable() for c in alphabet):
            self.problem(
                "alphabet must be printable ASCII (no control character, no backslash)",
                "use letters, digits, punctuation",
            )
        repeated = sorted({c for c in alphabet if alphabet.count(c) > 1})
        if repeated:
            self.problem(
                f"alphabet repeats {''.join(repeated)!r}: codes would repeat in a unique column",
                "list each character once",
            )
        self.alphabet = np.frombuffer(alphabet.encode("ascii", "replace"), dtype=np.uint8)

    def _encode(self, v: np.ndarray, length: int) -> np.ndarray:
        base = np.uint64(len(self.alphabet))
        m = np.empty((len(v), length), dtype=np.uint8)
        v = v.copy()
        for pos in range(length - 1, -1, -1):
            m[:, pos] = self.alphabet[(v % base).astype(np.int64)]
            v //= base
        return textops.from_matrix(m)

    def generate(self, block: Block) -> np.ndarray:
        per_draw = max(1, int(63 / np.log2(len(self.alphabet))))
        pieces = []
        for d in range(0, self.length, per_draw):
            width = min(per_draw, self.length - d)
            v = rand.integers(self.ctx.key(), block.idx, len(self.alphabet) ** width, draw=d)
            pieces.append(self._encode(v, width))
        out = pieces[0]
        for p in pieces[1:]:
            out = np.strings.add(out, p)
        return out

    def domain(self) -> int:
        return min(len(self.alphabet) ** self.length, UNBOUNDED)

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        if len(self.alphabet) ** self.length > UNBOUNDED:
            # the top positions stay random, the low ones spell k: still distinct per k
            head = self.generate(block)
            per = int(np.floor(62 / np.log2(len(self.alphabet))))
            tail = self._encode(k.astype(np.uint64), per)
            kept = textops.matrix(head)[:, : self.length - per]
            return np.strings.add(textops.from_matrix(kept), tail)
        return self._encode(k.astype(np.uint64), self.length)


@register("bytea")
class Bytea(Generator, standalone=True):
    """Random bytes (``min_length``..``max_length``, default 4..16), in hex format."""

    params = {
        "min_length": {"type": "integer", "minimum": 0, "maximum": 1024},
        "max_length": {"type": "integer", "minimum": 1, "maximum": 1024},
    }
    types = frozenset({"bytea"})

    def setup(self) -> None:
        self.lo = int(self.p.get("min_length", 4))
        self.hi = int(self.p.get("max_length", max(16, self.lo)))
        if self.lo > self.hi:
            self.problem("min_length is greater than max_length", "swap them")
            self.hi = self.lo

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        words = (self.hi + 7) // 8
        raw = np.stack([rand.bits(key, idx, d + 1) for d in range(words)], axis=1)
        raw = raw.astype(">u8").view(np.uint8).reshape(len(idx), words * 8)[:, : self.hi]
        hexed = textops.hex_bytes(raw)
        length = self.lo + rand.integers(key, idx, self.hi - self.lo + 1).astype(np.int64)
        hexed[np.arange(hexed.shape[1])[None, :] >= 2 * length[:, None]] = 0
        return np.strings.add(b"\\x", textops.from_matrix(hexed))

    def domain(self) -> int:
        return 1 << 64

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        raw = k.astype(">u8").view(np.uint8).reshape(len(k), 8)
        return np.strings.add(b"\\x", textops.from_matrix(textops.hex_bytes(raw)))


def uuid_text(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """Render 128-bit values (two uint64 halves) as canonical uuid text."""
    raw = np.stack([hi, lo], axis=1).astype(">u8").view(np.uint8).reshape(len(hi), 16)
    h = textops.hex_bytes(raw)
    m = np.full((len(hi), 36), ord("-"), dtype=np.uint8)
    m[:, 0:8], m[:, 9:13], m[:, 14:18], m[:, 19:23], m[:, 24:36] = (
        h[:, 0:8],
        h[:, 8:12],
        h[:, 12:16],
        h[:, 16:20],
        h[:, 20:32],
    )
    return textops.from_matrix(m)


_V4_HI_CLEAR = np.uint64(0xFFFFFFFFFFFF0FFF)
_V4_HI_SET = np.uint64(0x4000)
_V4_LO_CLEAR = np.uint64(0x3FFFFFFFFFFFFFFF)
_V4_LO_SET = np.uint64(0x8000000000000000)


@register("uuid")
class Uuid(Generator, standalone=True):
    """Version-4 style uuids; unique ones carry a permuted 64-bit row number in their bits."""

    types = frozenset({"uuid"})

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        hi = (rand.bits(key, idx, 0) & _V4_HI_CLEAR) | _V4_HI_SET
        lo = (rand.bits(key, idx, 1) & _V4_LO_CLEAR) | _V4_LO_SET
        return uuid_text(hi, lo)

    def domain(self) -> int:
        return 1 << 64

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        k = k.astype(np.uint64)
        a = k >> np.uint64(4)  # 60 bits around the version nibble, 4 bits in the low half
        hi = ((a >> np.uint64(12)) << np.uint64(16)) | _V4_HI_SET | (a & np.uint64(0xFFF))
        rnd = rand.bits(self.ctx.key(), block.idx, 1)
        lo = (rnd & np.uint64(0x3FFFFFFFFFFFFFF0)) | _V4_LO_SET | (k & np.uint64(0xF))
        return uuid_text(hi, lo)


@register("json")
class Json(Generator, standalone=True):
    """Small JSON objects: ``{"id": 17, "tag": "lorem", "score": 3.25, "active": true}``."""

    types = frozenset({"json", "jsonb", "text", "varchar"})
    _BOOL = np.array([b"false", b"true"])

    def setup(self) -> None:
        self.pool = lorem_words(self.ctx.dataset.locale)
        limit = length_limit(self.type)
        if limit is not None:
            fixed = len('{"id": , "tag": "", "score": , "active": }')
            digits = 19 if self.ctx.unique else 6  # at(): k below 2**62; else below 10**6
            longest = fixed + digits + self.pool.ascii.dtype.itemsize + len("999.99false")
            if limit < longest:
                self.problem(
                    f"generator 'json' makes objects of up to {longest} characters; "
                    f"{self.type.ddl()} holds {limit}",
                    f"declare the column as json, jsonb, text or varchar({longest})",
                )

    def _object(self, block: Block, ident: np.ndarray) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        tag = self.pool.ascii[self.pool.pick(key, idx, 1)]
        score = textops.decimals(rand.integers(key, idx, 100000, 2).astype(np.int64), 2)
        active = self._BOOL[rand.chance(key, idx, 0.5, 3).astype(np.int64)]
        out = np.strings.add(b'{"id": ', ident)
        out = np.strings.add(np.strings.add(out, b', "tag": "'), tag)
        out = np.strings.add(np.strings.add(out, b'", "score": '), score)
        return np.strings.add(np.strings.add(np.strings.add(out, b', "active": '), active), b"}")

    def generate(self, block: Block) -> np.ndarray:
        ident = textops.ints(rand.integers(self.ctx.key(), block.idx, 1_000_000).astype(np.int64))
        return self._object(block, ident)

    def domain(self) -> int:
        return 1 << 62

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return self._object(block, textops.ints(k.astype(np.int64)))
