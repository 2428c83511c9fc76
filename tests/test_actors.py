"""The outside actors act as the article and the record show them.

Paired runs on common random numbers (the same replicate indices under both settings), as in
``test_levers.py``: the mean paired difference must have the expected sign, be at least ``margin`` of
the reference mean and at least three standard errors from zero. Seeds are fixed, so the tests are
deterministic; the margins make sure a pass reflects an effect well above replicate noise.
"""

from __future__ import annotations

import numpy as np
import pytest

from borderSim.rules.mediator import MediatorAction
from borderSim.schema.scenarios import load_scenario
from tests.helpers import SEED, N, assert_effect, paired, run_rows

DAYS = 730


def _summary(params, n: int = N, days: int = DAYS):
    return run_rows(params, np.arange(n), seed=SEED, days=days).summary


# -- China ------------------------------------------------------------------------------------------
@pytest.mark.slow
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


@pytest.mark.slow
def test_china_restrains_variant_is_what_the_bound_rules_out(baseline):
    """In the variant where China presses early and hard, major clashes become at least 10 % rarer, ten
    times the bounded scenario's effect or more (measured -17 %, 0.88 -> 0.73, z -6.4, in the calibration
    of 4 December 2026, whose two-year baseline has a major clash in most replicates; -30 % or more before)."""
    ref, new, z = paired(baseline, {"china.pressure_propensity": 0.8, "china.pressure_threshold": 4,
                                    "china.pressure_strength": 3.0}, "reached_rung5")
    assert_effect(ref, new, z, sign=-1, margin=0.10)
    bounded = _summary(load_scenario("china_pressure").params).reached_rung5.mean()
    assert abs(new - ref) >= 10 * max(abs(bounded - ref), 0.005)


# -- Russia -----------------------------------------------------------------------------------------
def _without_russian_leverage(baseline):
    """Tajik escalations into fighting without Moscow's leverage, at the attention it had before the war in
    Ukraine (0.6, as in april_2021), paired on 3,000 replicates."""
    before_ukraine = baseline.with_updates({"russia.attention": 0.6})
    return paired(before_ukraine, {"russia.remittance_leverage": 0.0, "russia.arms_leverage": 0.0},
                  "clash_escalations_TJ", n=3000)


@pytest.mark.slow
def test_russian_leverage_changes_tajik_escalation(baseline):
    """Remittances (a third to a half of Tajik GDP) and arms give Moscow leverage it uses against
    escalation into fighting on its flank: switching the leverage off makes Tajikistan escalate into
    fighting more, three paired standard errors from zero (measured +2.6 %, 2.50 -> 2.56 a replicate, z 3.4
    on 3,000 replicates, after the recalibration of 5 December 2026; +4.9 % in the calibration of 4 December 2026).
    Its size is tested in the strict xfail below."""
    ref, new, z = _without_russian_leverage(baseline)
    assert new > ref and z >= 3, (ref, new, z)


@pytest.mark.validation
@pytest.mark.slow
@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="known shortfall of the calibrated model (docs/validation.md): without Moscow's "
                   "leverage Tajik escalations into fighting rise by only 2.6 % (z 3.4), below 3 %")
def test_russian_leverage_moves_tajik_escalation_by_at_least_three_per_cent(baseline):
    """The leverage's effect was at least 3 % of Tajik escalations into fighting (+8 % or more before issue
    16); the recalibrated model gives 2.6 %."""
    ref, new, z = _without_russian_leverage(baseline)
    assert_effect(ref, new, z, sign=1, margin=0.03)


@pytest.mark.slow
def test_russia_offers_as_fighting_grows_and_when_the_west_steps_in(baseline):
    """Russia's offers rise with fighting on its flank and when a Western mediator is about (article).
    Offers are rare (about one per two replicates), so the flank term is checked on 900 replicates; without
    it the calibrated baseline has 18 % fewer offers (-0.088 of 0.49 a replicate, z -8.7)."""
    ref, new, z = paired(baseline, {"russia.flank_aversion": 0.0}, "russia_offers", n=900)
    assert_effect(ref, new, z, sign=-1, margin=0.10)
    ref, new, z = paired(load_scenario("osce_facilitative").params, {"russia.keep_out": 0.0}, "russia_offers")
    assert_effect(ref, new, z, sign=-1, margin=0.20)


@pytest.mark.slow
def test_russian_mediation_is_rare_in_the_baseline(baseline):
    """The record has phone calls only: accepted Russian mediation well under once per two-year replicate
    (it was 0.84 before Russia had objectives of its own), but not never."""
    s = _summary(baseline)
    assert 0.02 < s.russia_acceptances.mean() < 0.4


# -- Western mediators --------------------------------------------------------------------------------
@pytest.mark.slow
def test_each_western_mediator_has_an_effect_of_its_own(baseline):
    """The OSCE, the EU and the US, each willing alone, change the deaths of the baseline by at least 10 %
    (three standard errors); the facilitative OSCE and EU lower them (measured -27 % and -32 %). That the
    manipulative US raises them is a known shortfall (strict xfail below): it lowers them by 31 %."""
    for key in ("osce", "eu"):
        ref, new, z = paired(baseline, {f"{key}.willingness": 0.3}, "deaths_total")
        assert_effect(ref, new, z, sign=-1, margin=0.10)
    ref, new, z = paired(baseline, {"us.willingness": 0.3}, "deaths_total")
    assert abs(new - ref) >= 0.10 * ref and abs(z) >= 3, (ref, new, z)


@pytest.mark.validation
@pytest.mark.slow
@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="known shortfall of the calibrated model (docs/validation.md): "
                   "manipulative US mediation lowers the baseline's deaths (-33 %: 164.1 -> 110.3) instead of "
                   "raising them")
def test_the_manipulative_us_raises_deaths(baseline):
    """The manipulative US's pressed deals break more often (Beardsley 2008), so its mediation raises deaths."""
    ref, new, z = paired(baseline, {"us.willingness": 0.3}, "deaths_total")
    assert_effect(ref, new, z, sign=1, margin=0.10)


def _us_saves(baseline, fragility):
    """Per-replicate deaths with US mediation (willingness 0.3) minus without, at this fragility."""
    base = baseline.with_updates({"mediation.manipulative_fragility": fragility})
    a = _summary(base).deaths_total.to_numpy(float)
    return _summary(base.with_updates({"us.willingness": 0.3}, "test")).deaths_total.to_numpy(float) - a, a


@pytest.mark.slow
def test_us_mediation_saves_lives_at_low_fragility(baseline):
    """At the low end of mediation.manipulative_fragility (0, Beardsley et al. 2006: manipulation abates
    crises) US mediation lowers deaths by at least 10 % (measured -29 %, 166 -> 118, z -8.3)."""
    d, a = _us_saves(baseline, 0.0)
    assert_effect(a.mean(), a.mean() + d.mean(), d.mean() / (d.std(ddof=1) / np.sqrt(N)), sign=-1, margin=0.10)


@pytest.mark.validation
@pytest.mark.slow
@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="known shortfall of the calibrated model (docs/validation.md): at fragility 3 US "
                          "mediation saves about as many lives as at 0 (-53.5 against -53.4 deaths)")
def test_manipulative_fragility_shrinks_what_us_mediation_saves(baseline):
    """The mechanism behind the sign turn: at the top of its documented range (3, Beardsley 2008: pressed
    deals do not last) the reduction is smaller than at 0, by at least a tenth of it, the difference of
    paired differences three standard errors from zero (measured before the calibration of 4 December 2026:
    -56.4 deaths at 0, -29.7 at 3; difference +26.7). Strict xfail: a model that meets it turns this test red until
    it is unmarked."""
    effect = {f: _us_saves(baseline, f)[0] for f in (0.0, 3.0)}
    dd = effect[3.0] - effect[0.0]
    z = dd.mean() / (dd.std(ddof=1) / np.sqrt(N))
    assert_effect(effect[0.0].mean(), effect[3.0].mean(), z, sign=1, margin=0.10)


@pytest.mark.validation
@pytest.mark.slow
@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="known shortfall of the calibrated model (docs/validation.md): at "
                   "manipulative_fragility 3.0, the top of its documented range, US mediation still lowers "
                   "deaths (-33 %: 164.1 -> 110.6), so the sign does not turn within the range")
def test_manipulative_mediation_sign_turns_within_its_documented_range(baseline):
    """At the low end of mediation.manipulative_fragility (Beardsley et al. 2006: manipulation abates crises)
    US mediation lowers deaths; at the high end (Beardsley 2008: pressed deals do not last) it raises them."""
    for fragility, sign in ((0.0, -1), (3.0, 1)):
        base = baseline.with_updates({"mediation.manipulative_fragility": fragility})
        ref, new, z = paired(base, {"us.willingness": 0.3}, "deaths_total")
        assert_effect(ref, new, z, sign=sign, margin=0.10)


def _entry_ceasefires(params, replicates: int, window: int):
    """Per replicate with an EU entry: whether a ceasefire was agreed within ``window`` days of the EU's
    first entry into mediation (None where it did not enter early enough to be followed)."""
    days = params.simulation.days
    r = run_rows(params, np.arange(replicates), seed=SEED, days=days, record=["eu_action", "ceasefire"])
    action, cf = r.series[1:, :, 0], r.series[:, :, 1]
    agreed = (cf[1:] == 1) & (cf[:-1] == 0)
    entered = action == MediatorAction.ACCEPTED
    first = np.argmax(entered, axis=0)
    out = np.full(replicates, np.nan)
    ok = entered.any(axis=0) & (first + window <= days)
    for j in np.flatnonzero(ok):
        out[j] = agreed[first[j]:first[j] + window, j].any()
    return out


def _timing_rates(delays, n=40_000, window=5):
    """Share of the EU's entries (from the September 2022 standoff, willing every day, entering after
    ``delay`` days) followed by a ceasefire within ``window`` days, and its binomial standard error."""
    sept = load_scenario("september_2022").params.with_updates({"eu.willingness": 1.0})
    rates = {}
    for delay in delays:
        hits = _entry_ceasefires(sept.with_updates({"eu.delay_days": delay}), n, window)
        hits = hits[~np.isnan(hits)]
        rates[delay] = (hits.mean(), np.sqrt(hits.mean() * (1 - hits.mean()) / hits.size))
    return rates


@pytest.mark.slow
def test_mediation_timing_early_entry_beats_mid_span():
    """Regan & Stam 2000: the same mediator (the EU, willing every day, from the September 2022 standoff)
    entering at the start of an episode brings a ceasefire within five days of its entry more often than
    one entering mid-span. Entries are pooled over 40,000 replicates of 90 days (margin three binomial
    standard errors): measured 28.6 % early, 20.0 % mid-span (calibration of 4 December 2026). Part of the shape is the
    episodes' own course (mid-span entries meet the stickiest standoffs); the timing factor's share is
    checked on common random numbers over 20,000 replicates: with it, mid-span entries bring fewer
    ceasefires than without it (three paired standard errors; measured -1.5 points, z -10.7), early entries
    lose at most half as many (measured -0.4 points)."""
    sept = load_scenario("september_2022").params.with_updates({"eu.willingness": 1.0})
    span, window = int(sept.border.timing_span_days), 5
    rates = _timing_rates((0, span // 2))
    (early, se_e), (mid, se_m) = rates.values()
    assert early - mid >= 3 * np.hypot(se_e, se_m), rates

    losses = {}
    for delay in (0, span // 2):
        timed = sept.with_updates({"eu.delay_days": delay})
        a = _entry_ceasefires(timed.with_updates({"border.timing_dip": 0.0}), 20_000, window)
        b = _entry_ceasefires(timed, 20_000, window)
        both = ~np.isnan(a) & ~np.isnan(b)
        d = b[both] - a[both]
        losses[delay] = (-d.mean(), d.std(ddof=1) / np.sqrt(both.sum()))
    mid_loss, mid_se = losses[span // 2]
    assert mid_loss >= 3 * mid_se, losses
    assert losses[0][0] <= 0.5 * mid_loss, losses


@pytest.mark.validation
@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="known shortfall of the calibrated model (docs/validation.md): a late entry "
                   "(16.5 %) brings no more ceasefires within five days than a mid-span one (19.5 %)")
def test_mediation_timing_late_entry_beats_mid_span():
    """Regan & Stam 2000's other arm: entering late (at the end of border.timing_span_days) beats mid-span,
    as above (three binomial standard errors over 40,000 replicates). Strict xfail: a model that meets it
    turns this test red until it is unmarked."""
    span = int(load_scenario("september_2022").params.border.timing_span_days)
    (mid, se_m), (late, se_l) = _timing_rates((span // 2, span)).values()
    assert late - mid >= 3 * np.hypot(se_l, se_m), (mid, late)
