from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datagen import rand


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 5000), key=st.integers(0, 2**64 - 1))
def test_permutation_is_a_bijection(size, key):
    p = rand.Permutation(key, size)
    out = p(np.arange(size))
    assert sorted(out.tolist()) == list(range(size))


def test_permutation_of_huge_domains_stays_in_range():
    for size in (2**40 + 3, 2**63, 2**64):
        out = rand.Permutation(1, size)(np.arange(1000))
        assert len(set(out.tolist())) == 1000
        assert all(int(v) < size for v in out)


def test_permutation_rejects_empty_domain():
    with pytest.raises(ValueError):
        rand.Permutation(1, 0)


def test_block_permutation_is_distinct_and_local():
    p = rand.BlockPermutation(3, size=1000)
    out = p(np.arange(2500))
    assert len(set(out.tolist())) == 2500
    assert (out // 1000 == np.arange(2500) // 1000).all()


def test_streams_are_addressed_not_sequential():
    k = rand.stream_key(1, "t", "c")
    whole = rand.bits(k, np.arange(100))
    assert (rand.bits(k, np.arange(50, 100)) == whole[50:]).all()
    assert not (rand.bits(k, np.arange(100), draw=1) == whole).any()
    assert rand.stream_key(1, "t", "c") != rand.stream_key(1, "t", "d")


def test_integers_are_in_range_and_roughly_uniform():
    k = rand.stream_key("u")
    for n in (1, 7, 1000, 2**40, 2**63 + 5, 2**64):
        v = rand.integers(k, np.arange(20000), n)
        assert int(v.max()) < n
    counts = np.bincount(rand.integers(k, np.arange(70000), 7).astype(np.int64), minlength=7)
    assert counts.min() > 9000


def test_mulhi_is_exact():
    a = np.array([0, 1, 2**63, 2**64 - 1], dtype=np.uint64)
    for n in (1, 3, 2**32 + 7, 2**64 - 1):
        assert rand.mulhi(a, n).tolist() == [(int(x) * n) >> 64 for x in a]


def test_chance_and_uniform():
    k = rand.stream_key("c")
    idx = np.arange(100000)
    assert not rand.chance(k, idx, 0).any() and rand.chance(k, idx, 1).all()
    assert 0.29 < rand.chance(k, idx, 0.3).mean() < 0.31
    u = rand.uniform(k, idx)
    assert u.min() >= 0 and u.max() < 1 and 0.49 < u.mean() < 0.51


def test_weighted_picks_follow_weights():
    table = rand.alias_table(np.array([70, 25, 5, 0]))
    picks = rand.weighted(rand.stream_key("w"), np.arange(200000), table)
    share = np.bincount(picks, minlength=4) / len(picks)
    assert abs(share[0] - 0.70) < 0.01 and abs(share[2] - 0.05) < 0.005 and share[3] == 0
