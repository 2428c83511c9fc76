"""Counter-based random streams: uniform, independent, and the same whatever the batch."""

from __future__ import annotations

import numpy as np
from scipy import stats

from borderSim.rules.streams import Stream, replicate_keys, uniform, uniform_at


def test_draws_are_uniform():
    u = uniform(replicate_keys(1, np.arange(2000)), 5, Stream.INCIDENT, np.arange(50)).ravel()
    assert ((u >= 0) & (u < 1)).all()
    # 100,000 draws against U(0, 1): with a fixed seed the statistic is fixed; p > 0.001 would fail
    # only for a generator bias of about 0.6 % in the CDF.
    assert stats.kstest(u, "uniform").pvalue > 1e-3


def test_replicates_days_streams_and_slots_are_uncorrelated():
    keys = replicate_keys(7, np.arange(4000))
    a = uniform(keys, 3, Stream.CHOICE, 0)
    # 4,000 pairs: the standard error of a correlation is 1/sqrt(4000) = 0.016; 0.06 is ~4 SE
    for b in (uniform(keys, 4, Stream.CHOICE, 0), uniform(keys, 3, Stream.CHOICE, 1),
              uniform(keys, 3, Stream.INCIDENT, 0), np.roll(a, 1)):
        assert abs(np.corrcoef(a, b)[0, 1]) < 0.06


def test_keys_are_distinct_and_depend_on_the_seed():
    k = replicate_keys(3, np.arange(1_000_000))
    assert len(np.unique(k)) == len(k)
    assert not np.array_equal(replicate_keys(4, np.arange(10)), k[:10])


def test_a_replicate_draws_the_same_numbers_alone_or_in_a_batch():
    keys = replicate_keys(9, np.arange(500))
    full = uniform(keys, 11, Stream.SHELLING, np.arange(39))
    assert np.array_equal(uniform(keys[[123]], 11, Stream.SHELLING, np.arange(39))[0], full[123])
    assert np.array_equal(uniform(keys[[123]], 11, Stream.SHELLING, [7])[0, 0], full[123, 7])
    assert np.array_equal(uniform_at(keys[[5, 123]], 11, Stream.SHELLING, np.array([2, 7])),
                          full[[5, 123], [2, 7]])
