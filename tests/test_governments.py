"""Domestic politics drives escalation in the direction the literature gives.

Paired runs on common random numbers, as in ``test_levers.py``: the mean paired difference must have the
expected sign, be at least ``margin`` of the reference mean and at least three standard errors from
zero (300 replicates x 730 days, fixed seed). "Public escalations" are the days a government escalated
and the day ended at a standoff or in fighting (rung 3+), "clash escalations" in fighting (rung 4+).
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pytest

from borderSim.rules import governments
from borderSim.schema import Shock
from borderSim.schema.scenarios import load_scenario
from tests.helpers import assert_effect, paired


def test_diversion_rises_with_unrest_below_its_peak_and_falls_beyond():
    """The hump of Tir (2010), with its peak at a parameter: more unrest, more diversion, up to the peak."""
    u = np.linspace(0.0, 1.0, 101)
    d = governments.diversion(np.float64(2.0), np.float64(0.8), u)
    assert np.all(np.diff(d[u <= 0.8]) > 0) and np.all(np.diff(d[u >= 0.8]) < 0)
    assert np.isclose(d.max(), 2.0) and np.isclose(u[np.argmax(d)], 0.8)


@pytest.mark.slow
def test_lower_legitimacy_raises_escalation(baseline):
    """The baseline's unrest lies below the diversion peak: less legitimacy on both sides, more escalation --
    major clashes become likelier and the dyad spends more days at a standoff or in fighting. Escalation is
    measured by P(major clash) and days at rung 3+, not by counts of escalation moves: governments under
    unrest hold out against ceasefires (border.ceasefire_unrest_lock), so episodes become fewer and longer
    and the counts fall (public escalations -30 %) while the fighting grows."""
    lower = {"tajikistan.legitimacy": 0.45, "kyrgyzstan.legitimacy": 0.45}
    for column in ("reached_rung5", "days_rung3plus"):
        ref, new, z = paired(baseline, lower, column)
        assert_effect(ref, new, z, sign=1, margin=0.05)


@pytest.mark.slow
def test_a_dated_domestic_shock_raises_escalation(baseline):
    """A crackdown at home (a Tajik unrest shock of 0.25 on day 200, halving every 120 days, added to the
    record's calendar) raises escalation; and the record's own Tajik shocks, scaled away, lower it. Measured
    by days at a standoff or in fighting (rung 3+), not by counts of escalation moves: under unrest
    governments hold out against ceasefires (border.ceasefire_unrest_lock), so episodes become fewer and
    longer and the counts fall while the days at rung 3+ rise."""
    crackdown = Shock(date=baseline.simulation.start_date + dt.timedelta(days=200), side="tajikistan",
                      kind="unrest", size=0.25, half_life_days=120, event="test", source="test")
    ref, new, z = paired(baseline, {"domestic.shocks": (*baseline.domestic.shocks, crackdown)}, "days_rung3plus")
    assert_effect(ref, new, z, sign=1, margin=0.03)
    ref, new, z = paired(baseline, {"tajikistan.shock_scale": 0.0}, "days_rung3plus")
    assert_effect(ref, new, z, sign=-1, margin=0.03)


@pytest.mark.slow
def test_leaders_anticipate_the_rally(baseline):
    """The rally is a payoff leaders anticipate (Lian & Oneal 1993; Baker & Oneal 2001): without the
    anticipation the governments escalate into major clashes less (P(major clash) and major episodes fall).
    Not measured by counts of escalation moves: the hold-out of governments under unrest against ceasefires
    (border.ceasefire_unrest_lock) makes episodes fewer and longer, which confounds the counts."""
    off = {"tajikistan.rally_anticipation": 0.0, "kyrgyzstan.rally_anticipation": 0.0}
    for column in ("reached_rung5", "major_episodes"):   # measured -3.9 % (z -3.7) and -7.5 % (z -5.7), 1,200
        ref, new, z = paired(baseline, off, column, n=1200)
        assert_effect(ref, new, z, sign=-1, margin=0.03)


@pytest.mark.slow
def test_higher_death_cost_restrains_kyrgyz_escalation(baseline):
    """Casualty sensitivity (Gartner & Segura 1998): five times the Kyrgyz death cost, at least a fifth
    fewer Kyrgyz escalations to a standoff or into fighting."""
    ref, new, z = paired(baseline, {"kyrgyzstan.death_cost": 0.01}, "public_escalations_KG")
    assert_effect(ref, new, z, sign=-1, margin=0.20)
    ref, new, z = paired(baseline, {"kyrgyzstan.death_cost": 0.01}, "clash_escalations_KG")
    assert_effect(ref, new, z, sign=-1, margin=0.20)


@pytest.mark.slow
def test_protest_restrains_kyrgyz_escalation(baseline):
    """Protest over losses and the displaced makes expected deaths weigh more (article): the Kyrgyz
    government escalates into fighting less with it; and on balance with the pull to be seen defending,
    protest still restrains its escalation to a standoff or into fighting (effects of a few per cent:
    protest runs high only during and just after fighting, so both are checked on many replicates). The
    casualty cost is convex in the rung, so its restraint is measured on escalations into fighting (rung
    4+): -1.5 % (z -3.6, 2,000 replicates, calibration of 4 December 2026; -2.8 % before)."""
    ref, new, z = paired(baseline.with_updates({"kyrgyzstan.protest_casualty": 0.0}),
                         {"kyrgyzstan.protest_casualty": baseline.kyrgyzstan.protest_casualty},
                         "clash_escalations_KG", n=2000)
    assert_effect(ref, new, z, sign=-1, margin=0.01)


@pytest.mark.validation
@pytest.mark.slow
@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="known shortfall of the calibrated model (docs/validation.md): on balance the two protest "
                          "terms move Kyrgyz escalations by -0.4 % (-0.016 of 4.21), short of the test's bar")
def test_protest_on_balance_restrains_kyrgyz_escalation(baseline):
    """On balance with the pull to be seen defending, protest restrains Kyrgyz escalation to a standoff or
    into fighting by 1 % and three standard errors (900 replicates). Strict xfail until it does."""
    neither = baseline.with_updates({"kyrgyzstan.protest_casualty": 0.0, "kyrgyzstan.protest_hawkishness": 0.0})
    ref, new, z = paired(neither, {"kyrgyzstan.protest_casualty": baseline.kyrgyzstan.protest_casualty,
                                   "kyrgyzstan.protest_hawkishness": baseline.kyrgyzstan.protest_hawkishness},
                         "public_escalations_KG", n=900)   # a net of two opposing terms: 900 replicates
    assert_effect(ref, new, z, sign=-1, margin=0.01)


@functools.cache
def _without_the_pull():
    """Kyrgyz escalations without the pull to be seen defending, paired on 4,000 replicates (2,000 before
    the recalibration of 5 December 2026, when the effect was larger)."""
    baseline = load_scenario("baseline").params
    return paired(baseline, {"kyrgyzstan.protest_hawkishness": 0.0}, "escalations_KG", n=4000)


@pytest.mark.slow
def test_the_pull_to_be_seen_defending_has_an_effect_of_its_own():
    """The pull to be seen defending (protest_hawkishness) raises Kyrgyz escalation on its own: without it
    the Kyrgyz escalate less, three paired standard errors from zero (measured -0.028 of 9.55 escalations
    a replicate, -0.3 %, z -3.9 on 4,000 replicates; -0.8 %, z -7.7 on 2,000 in the calibration of 4 December 2026).
    Its size is tested in the strict xfail below."""
    ref, new, z = _without_the_pull()
    assert new < ref and z <= -3, (ref, new, z)


@pytest.mark.validation
@pytest.mark.slow
@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="known shortfall of the calibrated model (docs/validation.md): without "
                   "the pull to be seen defending Kyrgyz escalations fall by only 0.3 % (z -3.9), below 1 %")
def test_the_pull_to_be_seen_defending_moves_kyrgyz_escalation_by_at_least_one_per_cent():
    """The pull's effect was at least 1 % of Kyrgyz escalations; the calibrated model gives 0.3 %."""
    ref, new, z = _without_the_pull()
    assert_effect(ref, new, z, sign=-1, margin=0.01)


@pytest.mark.slow
def test_acceptance_of_mediation_follows_the_domestic_position():
    """A government in trouble at home accepts mediation more readily (political cover: Beardsley 2011);
    Kyrgyz protest makes a mediator biased against Kyrgyzstan (Russia) harder to accept."""
    csto = load_scenario("csto_mediation").params
    lower = {"tajikistan.legitimacy": 0.45, "kyrgyzstan.legitimacy": 0.45}
    per_offer = lambda s: s.russia_acceptances / np.maximum(s.russia_offers, 1)  # noqa: E731
    ref, new, z = paired(csto, lower, per_offer)
    assert_effect(ref, new, z, sign=1, margin=0.10)
    ref, new, z = paired(csto.with_updates({"kyrgyzstan.protest_bias_aversion": 0.0}),
                         {"kyrgyzstan.protest_bias_aversion": 3.0}, "russia_acceptances")
    assert_effect(ref, new, z, sign=-1, margin=0.01)


@pytest.mark.slow
def test_local_superiority_where_a_side_has_fortified_its_people(baseline):
    """Tajikistan fortified densely populated disputed areas (article): where its people live its local
    force, and with it its pull to escalate, is greater than the national balance says."""
    ref, new, z = paired(baseline, {"tajikistan.fortification": 0.0}, "public_escalations_TJ")
    assert_effect(ref, new, z, sign=-1, margin=0.02)
