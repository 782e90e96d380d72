"""Vectorised text: numpy byte arrays ('S' dtype, UTF-8) built, padded and joined in bulk.

A column chunk travels as an 'S' array holding each value's PostgreSQL text form. NUL never occurs
in a value (validation rejects it; PostgreSQL text cannot hold it), so the NUL padding of the 'S'
dtype is free to drop: joining rows is laying columns side by side in a byte matrix and keeping
the non-zero bytes (DESIGN point 1: about 0.5 µs a row against 3.5 µs for Python string joins).

Example:
    >>> join_rows([np.array([b"1", b"22"]), np.array([b"a", b"b"])], b"\\t", b"\\n")
    b'1\\ta\\n22\\tb\\n'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def matrix(col: np.ndarray) -> np.ndarray:
    """The (rows, itemsize) uint8 view of an 'S' array."""
    col = np.ascontiguousarray(col)
    width = col.dtype.itemsize
    return col.view(np.uint8).reshape(len(col), width)


def from_matrix(m: np.ndarray) -> np.ndarray:
    """An 'S' array from a (rows, width) uint8 matrix whose rows end in NUL padding."""
    m = np.ascontiguousarray(m, dtype=np.uint8)
    return (
        m.view(f"S{max(1, m.shape[1])}").reshape(m.shape[0])
        if m.shape[1]
        else np.zeros(m.shape[0], dtype="S1")
    )


def join_rows(
    cols: Sequence[np.ndarray], sep: bytes, end: bytes, start: bytes = b"", between: bytes = b""
) -> bytes:
    """Rows of ``start v1 sep v2 ... end``, one per array element, joined by ``between``."""
    n = len(cols[0])
    if n == 0:
        return b""
    pieces: list[np.ndarray] = []

    def fixed(text: bytes) -> None:
        if text:
            pieces.append(np.broadcast_to(np.frombuffer(text, np.uint8), (n, len(text))))

    fixed(start)
    for k, col in enumerate(cols):
        if k:
            fixed(sep)
        pieces.append(matrix(col))
    fixed(end)
    m = np.hstack(pieces) if len(pieces) > 1 else pieces[0]
    if between:
        m = np.hstack([m, np.broadcast_to(np.frombuffer(between, np.uint8), (n, len(between)))])
    flat = m.ravel()
    out = flat[flat != 0].tobytes()
    return out[: len(out) - len(between)] if between else out


def lengths(col: np.ndarray) -> np.ndarray:
    """Byte length of every element."""
    return np.strings.str_len(col)


def ints(values: np.ndarray) -> np.ndarray:
    """Decimal text of integers."""
    return np.asarray(values, dtype=np.int64).astype("S20")


def fixed_digits(m: np.ndarray, at: int, values: np.ndarray, width: int) -> None:
    """Write ``values`` zero-padded to ``width`` digits into columns ``at..at+width`` of ``m``."""
    v = np.asarray(values, dtype=np.int64).copy()
    for pos in range(at + width - 1, at - 1, -1):
        m[:, pos] = _DIGITS[v % 10]
        v //= 10


def decimals(units: np.ndarray, scale: int) -> np.ndarray:
    """Text of fixed-point numbers given in units of 10**-scale (``numeric(p, s)`` style)."""
    units = np.asarray(units, dtype=np.int64)
    if scale == 0:
        return ints(units)
    mag = np.abs(units)
    whole = ints(mag // 10**scale)
    frac = np.zeros((len(units), scale + 1), dtype=np.uint8)
    frac[:, 0] = ord(".")
    fixed_digits(frac, 1, mag % 10**scale, scale)
    out = np.strings.add(whole, from_matrix(frac))
    neg = units < 0
    if neg.any():
        out = np.where(neg, np.strings.add(b"-", out), out)
    return out


def hex_bytes(raw: np.ndarray) -> np.ndarray:
    """(rows, k) uint8 -> (rows, 2k) uint8 of lowercase hex digits."""
    out = np.empty((raw.shape[0], raw.shape[1] * 2), dtype=np.uint8)
    out[:, 0::2] = _HEX[raw >> 4]
    out[:, 1::2] = _HEX[raw & 15]
    return out


def map_where(col: np.ndarray, mask: np.ndarray, fn: Callable[[bytes], bytes]) -> np.ndarray:
    """Apply a Python function to the few elements selected by ``mask`` (the slow path)."""
    where = np.flatnonzero(mask)
    if not len(where):
        return col
    fixed_vals = [fn(bytes(v)) for v in col[where]]
    width = max(col.dtype.itemsize, max(len(v) for v in fixed_vals), 1)
    out = col.astype(f"S{width}")
    out[where] = fixed_vals
    return out


def any_byte(col: np.ndarray, chars: bytes) -> np.ndarray:
    """Per element: does it contain any of these bytes?"""
    buf = np.ascontiguousarray(col).tobytes()
    if not any(bytes([c]) in buf for c in chars):  # memchr speed: the common case, nothing found
        return np.zeros(len(col), dtype=bool)
    lut = np.zeros(256, dtype=bool)
    lut[list(chars)] = True
    return lut[matrix(col)].any(axis=1)


def truncate_chars(col: np.ndarray, limit: int) -> np.ndarray:
    """Cut every value to at most ``limit`` characters (not bytes), on character boundaries."""
    if col.dtype.itemsize <= limit:
        return col
    long = lengths(col) > limit
    return map_where(col, long, lambda b: b.decode("utf-8")[:limit].encode("utf-8"))
