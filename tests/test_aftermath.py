"""After the fighting: ceasefires that age, a status quo that holds, war-weariness, and the season.

Model-level tests run the same replicates with a mechanism on and off (fixed seed, common random
numbers) and compare per-replicate outcomes pairwise: the mean paired difference must have the
expected sign, reach the stated share of the reference mean, and lie at least three standard errors
from zero (``assert_effect`` of tests/test_levers.py), so a pass reflects an effect well above
replicate noise.
"""

from __future__ import annotations

import numpy as np
import pytest

from borderSim.inputs.geography import load_geography
from borderSim.rules import ladder
from borderSim.rules.params import compile_params
from tests.helpers import assert_effect, run_rows

N, DAYS, SEED = 400, 730, 4242


def break_log(params, n=N, days=DAYS, seed=SEED):
    """Every ceasefire breakdown: (replicate, the ceasefire's age in days, the rung the dyad re-entered)."""
    prev = {}
    out = []
    # the state's clock (a ceasefire's start day) counts from the warm start's replay, the observer's from day 0
    replay = params.simulation.warm_start
    offset = 0 if replay == "none" else (params.simulation.start_date
                                         - load_scenario_params(replay).simulation.start_date).days

    def observe(s, day):
        if prev:
            ended = prev["cf"] & ~s.ceasefire[:, 0]
            age = day + offset - prev["start"]
            broken = np.flatnonzero(ended & (age < params.border.ceasefire_durable_days))
            out.extend(zip(broken, age[broken], s.level_base[broken, 0], strict=True))
        prev["cf"], prev["start"] = s.ceasefire[:, 0].copy(), s.cf_start[:, 0].copy()

    run_rows(params, np.arange(n), seed=seed, days=days, observe=observe)
    return np.array(out, dtype=np.int64).reshape(-1, 3)


def test_a_broken_ceasefire_re_enters_lower_the_older_it_is(baseline):
    """The rule: a ceasefire that stopped a major clash and breaks the next day resumes it; after a
    week the dyad returns to a standoff, after four weeks to a local incident."""
    P = compile_params(baseline, load_geography(), batch=4)
    age = np.array([[1], [7], [14], [28]])
    got = ladder.reentry(P, np.full((4, 1), ladder.MAJOR_CLASH), age)[:, 0]
    assert got[0] == ladder.MAJOR_CLASH and np.all(np.diff(got) <= 0) and got[-1] == ladder.INCIDENT
    assert got[1] == ladder.STANDOFF


@pytest.mark.slow
def test_a_longer_lived_ceasefire_breaks_into_a_lower_rung(baseline):
    """In the baseline, breakdowns of ceasefires older than two weeks re-enter at a lower rung than those
    of the first three days, by three standard errors; and with ageing switched off (a memory of ten
    years) the breakdowns that return the dyad to fighting (rung 4+) are more frequent, paired over
    the same replicates."""
    log = break_log(baseline)
    young, old = log[log[:, 1] <= 3, 2], log[log[:, 1] >= 14, 2]
    se = np.sqrt(young.var(ddof=1) / len(young) + old.var(ddof=1) / len(old))
    assert young.mean() - old.mean() > 3 * se, (young.mean(), old.mean(), se)

    def fighting_again(params):
        b = break_log(params)
        return np.bincount(b[b[:, 2] >= ladder.CLASH, 0], minlength=N).astype(float)

    aged = fighting_again(baseline)
    snap = fighting_again(baseline.with_updates({"border.ceasefire_memory_days": 3650.0}, "test"))
    d = aged - snap
    assert_effect(snap.mean(), aged.mean(), d.mean() / (d.std(ddof=1) / np.sqrt(N)), sign=-1, margin=0.10)


@pytest.mark.validation
@pytest.mark.slow
def test_the_status_quo_demarcates_at_the_record_pace_not_on_its_own(baseline):
    """With no fighting (neither government ever escalates; incidents and gunfire only), talks agree
    little (record: 504 km in March 2021, 519 km in September 2022, 1.5 points of the line): after two
    years the demarcated share has risen on average by less than the smallest piece of line a round agrees
    (5.6 points; measured 3.3 in the calibration of 4 December 2026; it rose by 33 before the status quo was
    modelled)."""
    calm = baseline.with_updates({"tajikistan.escalation_intercept": -20.0,
                                  "kyrgyzstan.escalation_intercept": -20.0}, "test")
    s = run_rows(calm, np.arange(N), seed=SEED, days=DAYS).summary
    assert s.max_level.max() <= ladder.GUNFIRE
    gain = s.demarcated_share_final - load_geography().demarcated_share(load_geography().initial_demarcation(0.53))
    assert 0 < gain.mean() < 0.056, gain.mean()


@pytest.mark.validation
@pytest.mark.slow
@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="known shortfall of the calibrated model (docs/validation.md): the ripeness threshold "
                          "(1.63) leaves the talks unripe after the model's September war (+3.8 %: 0.548 -> 0.569)")
def test_a_war_ripens_the_talks(baseline):
    """After the September 2022 war the border was agreed within about two years (record): from the
    September 2022 standoff, talks' ripeness (mutual hurt) raises the share demarcated after two years,
    paired over the same replicates, by at least 10 % of the reference."""
    sept = load_scenario_params("september_2022")
    ripe, unripe = (run_rows(sept.with_updates({"border.talks_ripeness": v}, "test"), np.arange(N), seed=SEED,
                             days=DAYS).summary.demarcated_share_final.to_numpy()
                     for v in (sept.border.talks_ripeness, 0.0))
    d = ripe - unripe
    assert_effect(unripe.mean(), ripe.mean(), d.mean() / (d.std(ddof=1) / np.sqrt(N)), sign=1, margin=0.10)


@pytest.mark.slow
def test_after_a_major_war_the_next_one_is_less_likely_for_a_while(baseline):
    """War-weariness (own recent losses lower the utility of escalating): from the September 2022
    standoff, the days of major fighting (rung 5+) in the year after the first two months fall,
    paired over the same replicates, by at least 10 % (record: no deadly clash after 20 Sept 2022)."""
    sept = load_scenario_params("september_2022")

    def later_war(weariness):
        p = sept.with_updates({"border.war_weariness": weariness}, "test")
        level = run_rows(p, np.arange(N), seed=SEED, days=430, record=["level"]).series[:, :, 0]
        return (level[61:426] >= ladder.MAJOR_CLASH).sum(axis=0).astype(float)

    weary, fresh = later_war(sept.border.war_weariness), later_war(0.0)
    d = weary - fresh
    assert_effect(fresh.mean(), weary.mean(), d.mean() / (d.std(ddof=1) / np.sqrt(N)), sign=-1, margin=0.10)


def load_scenario_params(name: str):
    from borderSim.schema.scenarios import load_scenario

    return load_scenario(name).params.with_updates({"simulation.days": DAYS}, "test")


@pytest.mark.slow
def test_the_season_moves_clashes_into_spring_and_summer(baseline):
    """The farming and grazing season (both major episodes and three of five smaller clashes of 2021-22
    fell in April-September: record) moves the baseline's fighting (days at rung 4+) from October-March
    into April-September: paired over the same replicates, the excess of spring-summer over autumn-winter
    days of fighting rises by three standard errors and by at least a tenth of the replicate's days of
    fighting (measured +5.4 days of 29.6, z 5.6, in the calibration of 4 December 2026, whose season peaks on day 246,
    early September, so part of its weight falls in October; +7.0 of 25.6 with the earlier peak on day
    160). Days, not entries into rung 4+: governments under unrest hold out against ceasefires
    (border.ceasefire_unrest_lock), so clashes are fewer and longer and their count understates the shift.
    Over whole years the season moves clashes, not their number."""
    import datetime as dt

    months = np.array([(dt.date(2022, 1, 1) + dt.timedelta(days=d)).month for d in range(1, DAYS + 1)])
    summer = ((months >= 4) & (months <= 9))[:, None]

    def excess(amplitude):
        p = baseline.with_updates({"border.season_amplitude": amplitude}, "test")
        level = run_rows(p, np.arange(N), seed=SEED, days=DAYS, record=["level"]).series[:, :, 0]
        fighting = level[1:] >= ladder.CLASH
        return (fighting & summer).sum(axis=0) - (fighting & ~summer).sum(axis=0).astype(float), fighting.sum(axis=0)

    (seasonal, days_seasonal), (flat, _) = excess(baseline.border.season_amplitude), excess(0.0)
    d = seasonal - flat
    assert d.mean() >= 0.1 * days_seasonal.mean(), (d.mean(), days_seasonal.mean())
    assert d.mean() / (d.std(ddof=1) / np.sqrt(N)) >= 3, (seasonal.mean(), flat.mean())


@pytest.mark.slow
def test_governments_in_trouble_at_home_hold_out_against_a_ceasefire():
    """From the September 2022 standoff (Tajik unrest above its midpoint after the Gorno-Badakhshan
    crackdown), the hold-out of governments under unrest lengthens the major fighting: days at rung 5+
    in 30 days rise, paired over the same replicates, by at least 10 % (article; Tir 2010)."""
    sept = load_scenario_params("september_2022").with_updates({"simulation.days": 30}, "test")
    n = 2000    # 30-day runs: P(rung 5) ~0.15, so 2,000 replicates hold a few hundred wars

    def days_at_war(lock):
        p = sept.with_updates({"border.ceasefire_unrest_lock": lock}, "test")
        return run_rows(p, np.arange(n), seed=SEED, days=30).summary.days_rung5plus.to_numpy(float)

    held, free = days_at_war(sept.border.ceasefire_unrest_lock), days_at_war(0.0)
    d = held - free
    assert_effect(free.mean(), held.mean(), d.mean() / (d.std(ddof=1) / np.sqrt(n)), sign=1, margin=0.10)
