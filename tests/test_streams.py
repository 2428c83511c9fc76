"""Counter-based random streams: uniform, independent, and the same whatever the batch."""

from __future__ import annotations

import numpy as np
from scipy import stats

from borderSim.rules import streams
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


def _mix(x):
    """SplitMix64's finaliser in numpy (uint64 arithmetic wraps): the reference for the compiled hash."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def test_a_draw_is_the_top_53_bits_of_its_hash_over_2_to_the_53():
    """The compiled conversion (two exact halves, :func:`borderSim.rules.streams.unit`) gives the same double as
    converting the 53 bits at once, on edge patterns and on every draw of a grid, in the vectorised loop and one
    at a time."""
    edges = np.array([0, 1, 2**11 - 1, 2**11, 2**37, 2**37 - 1, 2**63, 2**64 - 1, 0xFFFFFFFF, 0xFFFFFFFF << 32,
                      0x5555555555555555, 0xAAAAAAAAAAAAAAAA], dtype=np.uint64)
    bits = np.concatenate([edges, np.random.default_rng(3).integers(0, 2**64, 10_000, dtype=np.uint64,
                                                                     endpoint=False)])
    expected = (bits >> np.uint64(11)).astype(np.float64) * 2.0**-53
    assert np.array_equal([streams.unit(b) for b in bits], expected)
    assert streams.unit(np.uint64(2**64 - 1)) == 1.0 - 2.0**-53

    keys = replicate_keys(5, np.arange(300))
    slots = np.arange(52)
    base = ((np.uint64(17) << np.uint64(6)) | np.uint64(Stream.RETURN)) << np.uint64(16)
    c = _mix((base + slots.astype(np.uint64)) * np.uint64(0x9E3779B97F4A7C15))      # streams.counter
    reference = (_mix(keys[:, None] ^ c[None, :]) >> np.uint64(11)).astype(np.float64) * 2.0**-53
    assert np.array_equal(uniform(keys, 17, Stream.RETURN, slots), reference)
    assert np.array_equal(uniform_at(keys, 17, Stream.RETURN, np.full(keys.size, 9)), reference[:, 9])


def test_a_draw_from_a_premixed_key_and_counter_is_the_same_draw():
    """``uniform_premixed(premix(key), premix(counter))`` is ``to_uniform(key, counter)`` bit for bit (the finaliser's
    first step distributes over XOR), on edge patterns and random words, as the villages' draws use it."""
    rng = np.random.default_rng(11)
    edges = np.array([0, 1, 2**30 - 1, 2**30, 2**63, 2**64 - 1, 0x5555555555555555, 0xAAAAAAAAAAAAAAAA],
                     dtype=np.uint64)
    words = np.concatenate([edges, rng.integers(0, 2**64, 2_000, dtype=np.uint64, endpoint=False)])
    counters = rng.permutation(words)
    for k, c in zip(words, counters, strict=True):
        premixed = np.uint64(streams.premix(k)), np.uint64(streams.premix(c))   # numba returns a Python int
        assert streams.uniform_premixed(*premixed) == streams.to_uniform(k, c)
    assert np.array_equal(np.array([streams.mix(w) for w in words[:100]], dtype=np.uint64), _mix(words[:100]))
