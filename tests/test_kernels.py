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
