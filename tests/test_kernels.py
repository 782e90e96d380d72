"""Each hot-path kernel of datagen/textops.py against the implementation it replaced (kept here
as the oracle): identical bytes and dtype on random inputs and edge cases (issue 10, item 1)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from datagen import textops

I64 = np.iinfo(np.int64)
EDGES = [0, 1, -1, 9, 10, -10, 99, 100, 10**7 - 1, 10**7, -(10**7), 10**8 - 1, 10**8, -(10**8)]
EDGES += [10**15, 10**16 - 1, 10**16, -(10**16), 10**18, I64.max, I64.min, I64.min + 1]


def old_ints(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("S20")


def same(a: np.ndarray, b: np.ndarray) -> None:
    assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


int64s = st.one_of(
    st.integers(I64.min, I64.max),
    st.integers(-(10**9), 10**9),
    st.integers(0, 1000),
    st.sampled_from(EDGES),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(int64s, max_size=60))
def test_ints(values: list[int]) -> None:
    v = np.array(values, dtype=np.int64)
    same(textops.ints(v), old_ints(v))


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.int32, hnp.array_shapes(max_dims=2, max_side=5)))
def test_ints_other_dtypes_and_shapes(v: np.ndarray) -> None:
    same(textops.ints(v), old_ints(v))


def test_ints_edges() -> None:
    same(textops.ints(np.array([], dtype=np.int64)), old_ints(np.array([], dtype=np.int64)))
    v = np.array(EDGES, dtype=np.int64)
    same(textops.ints(v), old_ints(v))
    for p in range(19):  # each power of ten, either side, both signs
        v = np.array([10**p - 1, 10**p, 10**p + 1], dtype=np.int64)
        same(textops.ints(v), old_ints(v))
        same(textops.ints(-v), old_ints(-v))


def old_join_rows(
    cols: list[np.ndarray], sep: bytes, end: bytes, start: bytes = b"", between: bytes = b""
) -> bytes:
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
        pieces.append(textops.matrix(col))
    fixed(end)
    m = np.hstack(pieces) if len(pieces) > 1 else pieces[0]
    if between:
        m = np.hstack([m, np.broadcast_to(np.frombuffer(between, np.uint8), (n, len(between)))])
    flat = m.ravel()
    out = flat[flat != 0].tobytes()
    return out[: len(out) - len(between)] if between else out


values = st.binary(max_size=12).map(lambda b: b.replace(b"\0", b"x"))
fixed_text = st.sampled_from([b"", b"\t", b"\n", b", ", b")", b"\t(", b",\n", "é".encode()])


@st.composite
def columns(draw: st.DrawFn) -> list[np.ndarray]:
    n = draw(st.integers(0, 8))
    cols = []
    for _ in range(draw(st.integers(1, 5))):
        vals = draw(st.lists(values, min_size=n, max_size=n))
        extra = draw(st.integers(0, 4))  # a dtype wider than its longest value
        width = max([1, *map(len, vals)]) + extra
        cols.append(np.array(vals, dtype=f"S{width}"))
    return cols


@settings(max_examples=300, deadline=None)
@given(columns(), fixed_text, fixed_text, fixed_text, fixed_text)
def test_join_rows(
    cols: list[np.ndarray], sep: bytes, end: bytes, start: bytes, between: bytes
) -> None:
    assume_sep = sep or b"\t"  # a join always separates its fields
    want = old_join_rows(cols, assume_sep, end, start, between)
    assert textops.join_rows(cols, assume_sep, end, start, between) == want


def test_join_rows_views_and_empty() -> None:
    base = np.array([b"abc", b"", b"de"], dtype="S5")
    cols = [base[::-1], np.array([b"", b"", b""], dtype="S1"), base[[0, 0, 1]]]
    assert textops.join_rows(cols, b"\t", b"\n") == old_join_rows(cols, b"\t", b"\n")
    assert textops.join_rows([base[:0], base[:0]], b"\t", b"\n") == b""


def old_fixed_digits(m: np.ndarray, at: int, values: np.ndarray, width: int) -> None:
    v = np.asarray(values, dtype=np.int64).copy()
    for pos in range(at + width - 1, at - 1, -1):
        m[:, pos] = np.frombuffer(b"0123456789", dtype=np.uint8)[v % 10]
        v //= 10


@settings(max_examples=300, deadline=None)
@given(st.lists(int64s, max_size=30), st.integers(0, 20), st.integers(0, 3), st.integers(0, 2))
def test_fixed_digits(values: list[int], width: int, at: int, layout: int) -> None:
    v = np.array(values, dtype=np.int64)
    old = np.full((len(v), at + width + 2), 7, dtype=np.uint8)
    wide = np.full((len(v), 2 * old.shape[1]), 7, dtype=np.uint8)
    # contiguous; rows apart (a slice of a wider matrix: commerce's body); bytes apart
    new = [old.copy(), wide[:, 3 : 3 + old.shape[1]], wide[:, ::2]][layout]
    textops.fixed_digits(new, at, v, width)
    old_fixed_digits(old, at, v, width)
    assert (new == old).all()


def test_fixed_digits_scalar_and_range() -> None:
    new, old = np.zeros((3, 6), np.uint8), np.zeros((3, 6), np.uint8)
    textops.fixed_digits(new, 1, np.int64(42), 4)
    old_fixed_digits(old, 1, np.int64(42), 4)
    assert (new == old).all()
    v = np.arange(-10001, 10001, dtype=np.int64)
    for width in range(1, 7):
        new, old = np.zeros((len(v), width), np.uint8), np.zeros((len(v), width), np.uint8)
        textops.fixed_digits(new[:, :width], 0, v, width)
        old_fixed_digits(old, 0, v, width)
        assert (new == old).all()


def old_low_digits(bits: np.ndarray, count: int) -> np.ndarray:
    out = np.empty((len(bits), count), dtype=np.uint8)
    for j in range(count):
        out[:, j] = bits % np.uint64(10)
        bits = bits // np.uint64(10)
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=30), st.integers(0, 19))
def test_low_digits(values: list[int], count: int) -> None:
    bits = np.array(values, dtype=np.uint64)
    assert (textops.low_digits(bits, count) == old_low_digits(bits, count)).all()
    assert textops.low_digits(bits, count).shape == (len(bits), count)


def old_hex_bytes(raw: np.ndarray) -> np.ndarray:
    out = np.empty((raw.shape[0], raw.shape[1] * 2), dtype=np.uint8)
    hexdigits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    out[:, 0::2] = hexdigits[raw >> 4]
    out[:, 1::2] = hexdigits[raw & 15]
    return out


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.uint8, st.tuples(st.integers(0, 6), st.integers(0, 17))), st.booleans())
def test_hex_bytes(raw: np.ndarray, sliced: bool) -> None:
    if sliced:  # callers pass column slices of wider matrices
        raw = raw[:, 1:]
    new = textops.hex_bytes(raw)
    assert new.dtype == np.uint8 and new.flags.writeable
    assert (new == old_hex_bytes(raw)).all() and new.shape == old_hex_bytes(raw).shape


def test_big_endian_machines_take_numpy_s_own_formatting(monkeypatch):
    """The word tables are little-endian; elsewhere ints() falls back to astype (same bytes)."""
    values = np.array([0, -1, 7, 10**18, -(2**63), 2**63 - 1, 42], dtype=np.int64)
    fast = textops.ints(values)
    monkeypatch.setattr(textops, "_LITTLE", False)
    assert textops.ints(values).tobytes() == fast.tobytes() == values.astype("S20").tobytes()
