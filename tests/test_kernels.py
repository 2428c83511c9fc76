"""The compiled kernels compute exactly what the numpy rules state, number for number."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from borderSim.geography import load_geography
from borderSim.rules import communities, kernels
from borderSim.rules.params import compile_params
from borderSim.rules.streams import Stream, replicate_keys, uniform

GEO = load_geography()


@given(seed=st.integers(0, 2**40), day=st.integers(1, 40_000), scale=st.floats(0.001, 3.0))
def test_incident_kernel_equals_the_numpy_rule(seed, day, scale):
    rng = np.random.default_rng(seed)
    b, v = 300, GEO.n_villages
    keys = replicate_keys(seed, np.arange(b))
    hazard, grievance = rng.uniform(0, 0.05 * scale, (b, v)), rng.uniform(0, 1, (b, v))
    daily, season = rng.uniform(0.3, 3, (b, 1)), rng.uniform(0.4, 1.6, (b, 1))
    slots = np.arange(v)
    p = communities.incident_probability(hazard, grievance, daily, season, np.flatnonzero(GEO.water_point))
    expected = np.nonzero(uniform(keys, day, Stream.INCIDENT, slots) < p)
    got = kernels.incidents(keys, day, slots, hazard, grievance, daily, season, GEO.water_point)
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
