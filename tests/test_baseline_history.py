"""The baseline shows a recognisable history (200 replicates over 730 days)."""

from __future__ import annotations

import numpy as np
import pytest

from borderSim.core.run import run_rows

# the module's fixtures are built once: its tests run on one worker (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("baseline_history")


@pytest.fixture(scope="module")
def history(baseline):
    return run_rows(baseline, np.arange(200), seed=baseline.simulation.seed, days=730,
                    record=["level", "incidents"])


@pytest.mark.validation
@pytest.mark.slow
def test_incidents_recur(history):
    incidents = history.series[:, :, 1]
    first, second = incidents[1:366].sum(axis=0), incidents[366:].sum(axis=0)
    assert (first > 0).mean() >= 0.95 and (second > 0).mean() >= 0.95
    assert np.median(history.summary.incidents_total) >= 20


@pytest.mark.validation
@pytest.mark.slow
def test_a_minority_of_days_at_rung_2_or_above(history):
    share = (history.series[1:, :, 0] >= 2).mean()
    assert 0.01 < share < 0.5


@pytest.mark.validation
@pytest.mark.slow
def test_major_clashes_in_some_replicates_but_not_all(history):
    reached = history.summary.reached_rung5.mean()
    assert 0.2 <= reached <= 0.95
