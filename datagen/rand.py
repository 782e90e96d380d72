"""Addressed randomness: every value is a pure function of (stream key, row index, draw number).

There is no sequential generator state anywhere. A stream key is derived by hashing names (dataset
seed, schema, table, column, purpose) with xxhash, never with ``hash()`` and never from the order
of tables, so a table's bytes do not depend on anything but its own spec (SPEC section 3). Row ``i``
of a column is computed from ``i`` itself, which makes chunks independent and lets a child table
compute any row of its parent's keys without the parent's data (DESIGN points 3 and 5).

Only raw 64-bit integer arithmetic is used to make the bits, and our own transforms turn them into
distributions, so numpy's distribution methods changing between releases cannot change our bytes.

Example:
    >>> k = stream_key(42, "public", "users", "score")
    >>> bool((bits(k, np.arange(5)) == bits(k, np.arange(5))).all())
    True
"""

from __future__ import annotations

import numpy as np
import xxhash

MASK64 = (1 << 64) - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_DRAW = 0xD1B54A32D192ED03
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)


def stream_key(*parts: object) -> int:
    """A 64-bit key naming one random stream, from any printable parts (seed, table, column...)."""
    text = "\x1f".join(str(p) for p in parts)
    return xxhash.xxh3_64_intdigest(text.encode("utf-8"))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place on a fresh uint64 array."""
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def bits(key: int, idx: np.ndarray, draw: int = 0) -> np.ndarray:
    """64 random bits per row index, for the ``draw``-th independent draw of stream ``key``."""
    x = np.asarray(idx).astype(np.uint64, copy=True)
    x *= _GOLDEN
    x += np.uint64((key + draw * _DRAW) & MASK64)
    x = _mix(x)
    x ^= np.uint64(key ^ 0x5851F42D4C957F2D)
    return _mix(x)


def uniform(key: int, idx: np.ndarray, draw: int = 0) -> np.ndarray:
    """Floats in [0, 1) with 53 random bits."""
    return (bits(key, idx, draw) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def mulhi(a: np.ndarray, n: int) -> np.ndarray:
    """floor(a * n / 2**64) exactly, for uint64 ``a`` and 0 <= n < 2**64 (Lemire's bound)."""
    lo32 = np.uint64(0xFFFFFFFF)
    a_hi, a_lo = a >> _S32, a & lo32
    n_hi, n_lo = np.uint64(n >> 32), np.uint64(n & 0xFFFFFFFF)
    cross = a_hi * n_lo + ((a_lo * n_lo) >> _S32)
    cross2 = (cross & lo32) + a_lo * n_hi
    return a_hi * n_hi + (cross >> _S32) + (cross2 >> _S32)


def integers(key: int, idx: np.ndarray, n: int, draw: int = 0) -> np.ndarray:
    """Integers in [0, n) as uint64 (n <= 2**64)."""
    if n >= 1 << 64:
        return bits(key, idx, draw)
    return mulhi(bits(key, idx, draw), n)


def chance(key: int, idx: np.ndarray, p: float, draw: int = 0) -> np.ndarray:
    """Booleans that are true with probability ``p``."""
    if p <= 0:
        return np.zeros(len(idx), dtype=bool)
    if p >= 1:
        return np.ones(len(idx), dtype=bool)
    return bits(key, idx, draw) < np.uint64(min(int(p * 2.0**64), MASK64))


class Permutation:
    """A keyed bijection of [0, size): a balanced Feistel network with cycle walking.

    It gives uniqueness by construction: distinct row indices map to distinct positions of a value
    domain, for any number of rows up to ``size``, with no set of seen values and no retries.

    Example:
        >>> p = Permutation(7, 10)
        >>> sorted(p(np.arange(10)).tolist()) == list(range(10))
        True
    """

    ROUNDS = 4

    def __init__(self, key: int, size: int) -> None:
        if size < 1:
            raise ValueError("a permutation needs a domain of at least one value")
        width = max(2, (size - 1).bit_length())
        width += width % 2
        self.size = size
        self.half = np.uint64(width // 2)
        self.mask = np.uint64((1 << (width // 2)) - 1)
        self.keys = [stream_key(key, "feistel", r) for r in range(self.ROUNDS)]
        self.full = size >= 1 << 64 or size == 1 << width

    def _encrypt(self, x: np.ndarray) -> np.ndarray:
        left, right = x >> self.half, x & self.mask
        for k in self.keys:
            left, right = right, left ^ (bits(k, right) & self.mask)
        return (left << self.half) | right

    def __call__(self, idx: np.ndarray) -> np.ndarray:
        x = self._encrypt(np.asarray(idx, dtype=np.uint64))
        if self.full:
            return x
        limit = np.uint64(self.size)
        out = x >= limit
        while out.any():  # cycle walking: expected fewer than 4 rounds, since size > 2**width / 4
            where = np.flatnonzero(out)
            x[where] = self._encrypt(x[where])
            out[where] = x[where] >= limit
        return x


def alias_table(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker's alias table for O(1) weighted picks (built once per pool, deterministic)."""
    w = np.asarray(weights, dtype=np.float64)
    n = len(w)
    prob = w * n / w.sum()
    alias = np.zeros(n, dtype=np.int64)
    small = [i for i in range(n) if prob[i] < 1.0]
    large = [i for i in range(n) if prob[i] >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        alias[s] = g
        prob[g] = prob[g] + prob[s] - 1.0
        (small if prob[g] < 1.0 else large).append(g)
    for i in small + large:
        prob[i] = 1.0
    # Thresholds as 32-bit integers, compared with integer bits: no float rounding at pick time.
    return np.minimum(prob * 2.0**32, 2.0**32).astype(np.uint64), alias


def weighted(key: int, idx: np.ndarray, table: tuple[np.ndarray, np.ndarray], draw: int = 0):
    """Indices picked with the weights behind ``table`` (see :func:`alias_table`)."""
    threshold, alias = table
    n = len(alias)
    b = bits(key, idx, draw)
    slot = ((b >> _S32) * np.uint64(n) >> _S32).astype(np.int64)  # high half picks the slot
    coin = b & np.uint64(0xFFFFFFFF)  # the low half tosses the coin
    return np.where(coin < threshold[slot], slot, alias[slot])


class BlockPermutation:
    """A bijection of the non-negative integers that only shuffles within blocks of ``size``.

    Row ``i`` maps into its own block, so the result is distinct per row, never depends on the
    total number of rows, and stays below the row count rounded up to a block: short numbers for
    disambiguating suffixes (``jane.doe4711@...``).
    """

    def __init__(self, key: int, size: int = 65536) -> None:
        self.size = size
        self.inner = Permutation(key, size)

    def __call__(self, idx: np.ndarray) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.uint64)
        size = np.uint64(self.size)
        return idx - idx % size + self.inner(idx % size)
