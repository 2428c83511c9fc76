"""The compiled kernels compute exactly what the numpy rules state, number for number."""

from __future__ import annotations

import numpy as np
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st

from borderSim.geography import load_geography
from borderSim.rules import communities, draws, kernels, ladder
from borderSim.rules.params import compile_params
from borderSim.rules.streams import Stream, replicate_keys, uniform

GEO = load_geography()


@given(seed=st.integers(0, 2**40), day=st.integers(1, 40_000), scale=st.floats(0.001, 3.0))
def test_incident_kernel_equals_the_numpy_rule(seed, day, scale):
    rng = np.random.default_rng(seed)
    b, v = 300, GEO.n_villages
    keys = replicate_keys(seed, np.arange(b))
    hazard, grievance = rng.uniform(0, 0.05 * scale, (b, v)), rng.uniform(0, 1, (b, v))
    daily = rng.uniform(0.3, 3, (b, 1)) * rng.uniform(0.4, 1.6, (b, 1))
    slots = np.arange(v)
    p = communities.incident_probability(hazard, grievance, daily)
    expected = np.nonzero(uniform(keys, day, Stream.INCIDENT, slots) < p)
    got = kernels.incidents(keys, day, slots, hazard, grievance, daily)
    assert all(np.array_equal(e, g) for e, g in zip(expected, got, strict=True))


@given(seed=st.integers(0, 2**40), day=st.integers(1, 40_000), rate=st.floats(0, 1))
def test_return_kernel_equals_the_numpy_rule(seed, day, rate, baseline):
    rng = np.random.default_rng(seed)
    b, v = 50, GEO.n_villages
    keys = replicate_keys(seed, np.arange(b))
    displaced = rng.integers(0, 3000, (b, v)) * (rng.random((b, v)) < 0.4)
    P = compile_params(baseline.with_updates({"communities.return_rate": rate}), GEO, batch=b)
    expected = communities.returns(P, displaced, uniform(keys, day, Stream.RETURN, np.arange(v)))
    rows = np.arange(b)
    residents = np.zeros_like(displaced)
    left, now = displaced.copy(), displaced @ GEO.side_onehot
    kernels.apply_returns(keys, day, rows, np.arange(v), left, residents, now, GEO.side, P.communities.return_rate)
    assert np.array_equal(residents, expected) and np.array_equal(left, displaced - expected)
    assert np.array_equal(now, left @ GEO.side_onehot)
    # one village at a time (as a Mesa agent does) gives the same numbers
    residents1, left1, now1 = np.zeros_like(displaced), displaced.copy(), displaced @ GEO.side_onehot
    for j in range(v):
        kernels.apply_returns(keys, day, rows, np.array([j]), left1, residents1, now1, GEO.side,
                              P.communities.return_rate)
    assert np.array_equal(residents1, residents) and np.array_equal(now1, now)


@given(seed=st.integers(0, 2**40), scale=st.floats(0.0, 30.0))
def test_poisson_inverts_the_cdf(seed, scale):
    # Each count k is the least with u < F(k); 1e-12 absorbs the difference between summing the
    # pmf term by term (the kernel) and scipy's regularised-gamma CDF, far below any u's spacing that matters.
    rng = np.random.default_rng(seed)
    u, lam = rng.random(2000), rng.uniform(0, scale, 2000)
    k = draws.poisson(u, lam)
    assert (scipy.stats.poisson.cdf(k, lam) > u - 1e-12).all()
    assert (scipy.stats.poisson.cdf(k - 1, lam) <= u + 1e-12).all()
    # elementwise: any subset of the draws gives the same counts
    idx = rng.permutation(2000)[:137]
    assert np.array_equal(draws.poisson(u[idx], lam[idx]), k[idx])


@given(seed=st.integers(0, 2**40), recovery=st.floats(0.0, 0.5))
def test_grievance_kernel_equals_the_numpy_rule(seed, recovery, baseline):
    rng = np.random.default_rng(seed)
    b, v = 40, GEO.n_villages
    g0 = rng.uniform(0.2, 1.0, (b, v))
    g = np.where(rng.random((b, v)) < 0.3, np.minimum(1.0, g0 + rng.exponential(0.3, (b, v))), g0)
    g[:5] = g0[:5] + rng.uniform(0, 2e-4, (5, v))          # some rows within the snap of their baseline
    P = compile_params(baseline.with_updates({"communities.grievance_recovery": recovery}), GEO, batch=b)
    expected = communities.grievance_relax(P, g, g0)
    rows = np.flatnonzero(rng.random(b) < 0.7)
    got, dirty = g.copy(), np.ones(b, dtype=bool)
    kernels.relax_grievance(rows, np.arange(v), got, g0, communities.relax_factor(P.take(rows))[:, 0],
                            communities.RELAX_SNAP, dirty)
    assert np.array_equal(got[rows], expected[rows])          # bit for bit on the rows relaxed
    assert np.array_equal(np.delete(got, rows, 0), np.delete(g, rows, 0))   # the others untouched
    assert np.array_equal(dirty[rows], (expected[rows] != g0[rows]).any(axis=1))


@given(seed=st.integers(0, 2**40), n=st.integers(0, 400))
def test_local_levels_aggregate_the_incidents(seed, n):
    rng = np.random.default_rng(seed)
    b = 30
    flat = np.sort(rng.choice(b * GEO.n_villages, size=n, replace=False))
    rows, cols = np.divmod(flat, GEO.n_villages)
    gunfire = rng.random(n) < 0.3
    seg, worst, incidents, shots = ladder.local_levels(rows, cols, gunfire, b, GEO)
    expected = np.zeros((b, GEO.n_segments), dtype=np.int64)
    np.maximum.at(expected, (rows, GEO.segment[cols]), 1 + gunfire)
    assert np.array_equal(seg, expected)
    assert np.array_equal(worst[:, 0], expected.max(axis=1))
    assert np.array_equal(incidents[:, 0], np.bincount(rows, minlength=b))
    assert np.array_equal(shots[:, 0], np.bincount(rows[gunfire], minlength=b))
