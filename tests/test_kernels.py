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
