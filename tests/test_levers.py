"""Each structural and outside lever moves outcomes in the direction the literature and record say.

Each test runs the same replicates (fixed seed, common random numbers) with the lever off and on and
compares per-replicate outcomes pairwise. Tolerance: the mean paired difference must have the
expected sign, be at least ``margin`` of the reference mean, and be at least three standard errors
from zero. The seed is fixed, so the test is deterministic; the three-standard-error and margin
requirements make sure a pass reflects an effect well above replicate noise, not a lucky draw.
"""

from __future__ import annotations

import pytest

from borderSim.schema.scenarios import load_scenario
from tests.helpers import assert_effect, paired


@pytest.mark.slow
def test_more_demarcation_fewer_incidents(baseline):
    ref, new, z = paired(baseline.with_updates({"border.demarcated_share": 0.2}),
                         {"border.demarcated_share": 0.9}, "incidents_total")
    assert_effect(ref, new, z, sign=-1, margin=0.25)


@pytest.mark.slow
def test_russian_bias_toward_tajikistan_more_tajik_escalation(baseline):
    ref, new, z = paired(baseline.with_updates({"russia.bias": 0.0}), {"russia.bias": 1.0}, "escalations_TJ")
    assert_effect(ref, new, z, sign=1, margin=0.10)


@pytest.mark.slow
def test_western_mediation_more_ceasefires():
    """From the September 2022 standoff, Western (EU) mediation raises the ceasefires agreed per day of
    standoff or fighting (mediated ceasefires also hold better, so the raw count can fall). A per-replicate
    ratio is noisy (about one ceasefire a replicate in 60 days; Russia competes for the mediation: its offers
    rise when the EU steps in), so 4,000 replicates: measured +7 % (+0.0087 of 0.124, z 6.1)."""
    sept = load_scenario("september_2022").params
    per_day = lambda s: s.ceasefires_agreed / (s.days_rung3plus + 1)  # noqa: E731  (+ day 0, at rung 3)
    ref, new, z = paired(sept, {"eu.willingness": 0.8, "eu.resources": 0.8}, per_day, n=4000,
                         scenario_days=60)
    assert_effect(ref, new, z, sign=1, margin=0.05)
