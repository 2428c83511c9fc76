"""The outside actors act as the article and the record show them (issue 12, item 6).

Paired runs on common random numbers (the same replicate indices under both settings), as in
``test_levers.py``: the mean paired difference must have the expected sign, be at least ``margin`` of
the reference mean and at least three standard errors from zero. Seeds are fixed, so the tests are
deterministic; the margins make sure a pass reflects an effect well above replicate noise.
"""

from __future__ import annotations

import numpy as np

from borderSim.core.run import run_rows
from borderSim.scenarios import load_scenario
from tests.test_levers import SEED, N, assert_effect, paired

DAYS = 730


def _summary(params, n: int = N, days: int = DAYS):
    return run_rows(params, np.arange(n), seed=SEED, days=days).summary


# -- China ------------------------------------------------------------------------------------------
def test_chinese_pressure_exists_but_its_effect_is_bounded(baseline):
    """China's quiet pressure shortens major clashes a little (it exists), but does not change how often
    they happen by more than 3 percentage points: the article's prior that China neither can nor will
    restrain the parties."""
    pressed = load_scenario("china_pressure").params
    a, b = _summary(baseline), _summary(pressed)
    d = (b.days_rung5plus - a.days_rung5plus).to_numpy(float)
    z = d.mean() / (d.std(ddof=1) / np.sqrt(N))
    assert d.mean() < 0 and z <= -3, (d.mean(), z)
    assert abs(b.reached_rung5.mean() - a.reached_rung5.mean()) <= 0.03
    assert abs(b.deaths_total.mean() - a.deaths_total.mean()) <= 0.15 * a.deaths_total.mean()


def test_china_restrains_variant_is_what_the_bound_rules_out(baseline):
    """In the variant where China presses early and hard, major clashes become at least 30 % rarer, ten
    times the bounded scenario's effect or more."""
    ref, new, z = paired(baseline, {"china.pressure_propensity": 0.8, "china.pressure_threshold": 4,
                                    "china.pressure_strength": 3.0}, "reached_rung5")
    assert_effect(ref, new, z, sign=-1, margin=0.30)
    bounded = _summary(load_scenario("china_pressure").params).reached_rung5.mean()
    assert abs(new - ref) >= 10 * max(abs(bounded - ref), 0.005)
