"""Edge values the schema allows give finite, meaningful numbers (no silent wrong results)."""

from __future__ import annotations

import numpy as np
import pytest

from borderSim.core.run import run_rows
from borderSim.rules.governments import choose
from borderSim.schema.scenarios import load_scenario


def old_choose(u, u_up, u_down):
    """The plain logit form the model used before the overflow guard (the reference where it is finite)."""
    e_up, e_down = np.exp(u_up), np.exp(u_down)
    total = 1.0 + e_up + e_down
    p_down, p_up = e_down / total, e_up / total
    return np.where(u < p_down, -1, np.where(u < p_down + p_up, 1, 0))


def test_choice_is_unchanged_wherever_the_plain_logit_was_finite():
    rng = np.random.default_rng(7)
    u = rng.random((20_000, 2))
    u_up, u_down = rng.normal(0, 30, (2, 20_000, 2))
    u_up[::50] = -np.inf     # rung 6: no escalation
    u_down[1::50] = -np.inf  # rung 0: no stepping down
    assert np.array_equal(choose(u, u_up, u_down), old_choose(u, u_up, u_down))


@pytest.mark.parametrize(("u_up", "u_down", "expected"), [
    (-5.0, 1_000.0, -1),     # overwhelming pressure to step down: always steps down (was NaN -> hold)
    (1_000.0, -5.0, 1),
    (2_000.0, 2_000.0, None),  # two equal, huge utilities: half and half, hold never
])
def test_choice_under_utilities_that_overflow_exp(u_up, u_down, expected):
    u = np.linspace(0, 1, 1001, endpoint=False)[:, None]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = choose(u, np.full_like(u, u_up), np.full_like(u, u_down))
    if expected is not None:
        assert (got == expected).all()
    else:
        assert (got != 0).all() and abs((got == 1).mean() - 0.5) < 0.01


def test_superiority_threshold_at_its_upper_bound_keeps_the_model_running():
    """At threshold 1 no side's capability share can exceed it: the superiority pull is 0, as it is at
    0.999 where no share exceeds it either, so both give the same trajectories (was 0 / 0: every move 0)."""
    base = load_scenario("september_2022").params
    runs = {t: run_rows(base.with_updates({"border.superiority_threshold": t}), np.arange(100), seed=5, days=60)
            for t in (0.999, 1.0)}
    a, b = runs[0.999].summary, runs[1.0].summary
    assert a.equals(b)
    assert b["reached_rung5"].mean() > 0.1 and b["escalations_TJ"].sum() > 0
