"""The sampler on a toy problem whose exact posterior is known (``borderSim.calibration.toy``: eleven
parameters, eight of them log-uniform as in the project's calibration file; twelve noisy linear statistics
that pin four parameters, inform two weakly and leave five alone). What the shipped calibration relies on:

* log-uniform priors are sampled on the log scale, so ABC-SMC's importance weights (prior / proposal) stay
  even: on the raw scale the proposal's Gaussian kernel misses the prior's 1/x density near the lower
  edges and a few samples take most of the weight (the shipped posterior's effective sample size was 9.5
  of 500);
* rejection keeps equally weighted samples (effective sample size = population) and the linear regression
  adjustment brings them close to the exact posterior.

Everything is seeded, so each assertion is deterministic; the margins (stated at each) leave room for a
change of ELFI's or numpy's random streams.
"""

from __future__ import annotations

import numpy as np
import pytest

from borderSim.calibration import toy
from borderSim.calibration.abc import effective_sample_size
from borderSim.calibration.adjust import reflect
from borderSim.calibration.problem import Settings


@pytest.fixture(scope="module")
def truth():
    record = toy.observed()
    return record, toy.exact(record)


def test_effective_sample_size_is_kish():
    assert effective_sample_size(np.ones(4)) == pytest.approx(4)
    assert effective_sample_size(np.array([0.5, 0.0, 0.0])) == pytest.approx(1)
    assert effective_sample_size(np.array([2.0, 1.0, 1.0])) == pytest.approx(16 / 6)


def test_reflection_folds_places_back_at_the_edge_they_crossed():
    assert np.allclose(reflect(np.array([-0.1, 1.2, 0.5, 2.3, -1.4])), [0.1, 0.8, 0.5, 0.3, 0.6])


def test_smc_weights_stay_even_on_the_log_scale_and_collapse_on_the_raw_scale(truth):
    """One SMC step from 150 samples: on the log scale the weights are prior / proposal with a flat prior
    (measured: effective sample size 0.8 of the population); on the raw scale 1/x densities of eight
    log-uniform priors multiply (measured 0.1). Asserted: above 0.5 and below 0.3."""
    record, _ = truth
    s = Settings("smc", 150, 300, (0.2, 0.5), None, 10**9, 0)
    log = toy.sample(s, 3, record, log_scale=True)[0][-1]
    raw = toy.sample(s, 3, record, log_scale=False)[0][-1]
    assert log.ess > 0.5 * 150 and raw.ess < 0.3 * 150


def test_rejection_with_linear_adjustment_recovers_the_exact_posterior(truth):
    """500 of 40,000 prior candidates: the accepted sample is about twice as wide as the exact posterior
    (measured 1.8); adjusted, its 90 % intervals are about as wide as the exact ones (0.94) and its means
    within 0.06 exact sd of the exact means. Asserted: width 0.75-1.3, means within 0.3 sd, the
    unadjusted sample wider than 1.5, the uninformed parameters left at the prior (above 0.9)."""
    record, exact = truth
    s = Settings("rejection", 500, 2000, (500 / 40_000,), None, 10**9, 0, adjustment="linear")
    gens, adj, candidates, _ = toy.sample(s, 1, record)
    last = gens[-1]
    assert candidates == 40_000 and len(last.samples) == 500
    assert last.ess == pytest.approx(500)
    raw = toy.score("raw", toy.unit(last.samples), last.weights, exact, candidates, 0, last.tolerance)
    fit = toy.score("adjusted", toy.unit(adj.samples), last.weights, exact, candidates, 0, last.tolerance)
    assert raw.width_ratio > 1.5
    assert 0.75 < fit.width_ratio < 1.3 and fit.mean_error < 0.3 and fit.flat_width > 0.9
    for j, p in enumerate(toy.calibration(s).priors):
        lo, hi = p.support
        assert ((adj.samples[:, j] >= lo) & (adj.samples[:, j] <= hi)).all()
    assert (adj.r2[: toy.IDENTIFIED] > 0.5).all() and (adj.r2[6:] < 0.1).all()
