"""Where episodes start, how the front grows and how people flee.

Statistical tests run the same replicates (fixed seed, common random numbers) and state their
tolerance: a share or a paired difference must clear its bound by three standard errors, so a pass
reflects an effect well above replicate noise.
"""

from __future__ import annotations

import collections

import numpy as np
import pytest

from borderSim.inputs.geography import load_geography
from borderSim.rules import ladder
from borderSim.rules.params import compile_params
from borderSim.schema.scenarios import load_scenario
from tests.helpers import assert_effect, run_rows

N, DAYS, SEED = 300, 730, 4242


def major_origins(params, n=N, days=DAYS, seed=SEED) -> collections.Counter:
    """Origin segment of every episode that reaches a major clash (rung 5+)."""
    geo, counted, found = load_geography(), np.zeros(n, dtype=bool), collections.Counter()

    def observe(s, day):
        counted[:] &= s.episode[:, 0]
        new = s.episode[:, 0] & (s.level[:, 0] >= ladder.MAJOR_CLASH) & ~counted
        found.update(geo.segment_ids[o] for o in s.origin[new, 0])
        counted[:] |= new

    run_rows(params, np.arange(n), seed=seed, days=days, observe=observe)
    return found


def test_origin_is_drawn_in_proportion_to_hazard_and_incidents(baseline):
    """Each segment is drawn with its weight's share (hazard + weight x today's local rung); a segment
    with gunfire today weighs two expected incidents more. 20,000 draws: 3 standard errors of a share
    are below 0.011."""
    geo = load_geography()
    n, s = 20_000, geo.n_segments
    P = compile_params(baseline, geo, batch=n)
    hazard = np.tile(np.linspace(0.01, 0.12, s), (n, 1))
    local = np.zeros((n, s), dtype=np.int64)
    local[:, 3] = 2                                            # gunfire on segment 3 today
    u = np.random.default_rng(1).random((n, 1))
    got = np.bincount(ladder.origin(P, hazard, local, u)[:, 0], minlength=s) / n
    w = hazard[0] + baseline.border.origin_incident_weight * local[0]
    assert np.abs(got - w / w.sum()).max() < 0.011


@pytest.mark.slow
def test_no_segment_starts_more_than_a_third_of_the_baselines_major_episodes(baseline):
    """The record has both major episodes and three of four minor clashes in Batken district, at
    different places (record): the origins of the baseline's major episodes are spread, the largest
    share at least three standard errors below one third, and most lie in Batken district."""
    found = major_origins(baseline)
    total = sum(found.values())
    seg, top = found.most_common(1)[0]
    share = top / total
    assert share + 3 * np.sqrt(share * (1 - share) / total) < 1 / 3, (seg, share, found)
    batken = {"ak_tatyr_road", "kok_tash_golovnoi", "ak_sai", "vorukh", "batken_isfara", "bulak_bashy",
              "chek_kara_bak"}
    assert sum(found[s] for s in batken) / total > 0.5, found


def test_flight_is_a_daily_household_hazard_that_differs_by_side(baseline):
    """Under full fire a Kyrgyz village (civil society 0.8) loses fewer than two in three residents on
    the first day and most within a week; a Tajik village (0.1) under the same fire under a fifth as
    many on the first day: flight accumulates and does not empty a village in a day. Stochastic
    rounding moves each count by less than one person."""
    from borderSim.rules import communities

    P = compile_params(baseline, load_geography(), batch=2)
    civil = np.array([[0.8], [0.1]])
    residents = np.array([[10_000], [10_000]])
    u = np.full((2, 1), 0.5)
    left = residents.copy()
    for day in range(1, 8):
        left = left - communities.flight(P, left, np.ones((2, 1)), civil, u)
        if day == 1:
            first = 1 - left / residents
    gone = 1 - left / residents
    assert 0.2 < first[0, 0] < 2 / 3 and gone[0, 0] > 0.9          # Kyrgyz side
    assert first[1, 0] < first[0, 0] / 5 and gone[1, 0] < 0.6 * gone[0, 0]   # Tajik side
    rate = baseline.communities.flight_rate
    assert abs(first[0, 0] - (1 - np.exp(-rate * 0.8))) < 1e-4


def test_civilian_harm_scales_with_the_residents_exposed(baseline):
    """Deaths in a shelled village grow with the residents at home (per 1,000), homes with its housing:
    a village of 20,000 loses ten times what one of 2,000 does, in expectation (100,000 draws each;
    3 standard errors of the ratio are below 1)."""
    from borderSim.rules import communities

    n = 100_000
    P = compile_params(baseline, load_geography(), batch=n)
    rng = np.random.default_rng(3)
    out = {}
    for pop in (2_000, 20_000):
        col = np.full((n, 1), pop)
        d, _, h = communities.civilian_harm(P, col, col, np.ones((n, 1)), rng.random((n, 1)), rng.random((n, 1)),
                                            rng.random((n, 1)), np.full((n, 1), 10**6))
        out[pop] = d.mean(), h.mean()
    assert 9 < out[20_000][0] / out[2_000][0] < 11
    assert 9 < out[20_000][1] / out[2_000][1] < 11


def _episode(updates: dict, n: int = N, days: int = 30):
    p = load_scenario("september_2022").params.with_updates({"simulation.days": days, **updates}, "test")
    return run_rows(p, np.arange(n), seed=SEED, days=days).summary


def _paired(a, b):
    d = b - a
    return a.mean(), b.mean(), d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))


@pytest.mark.slow
def test_the_front_and_displacement_grow_with_the_rung():
    """From the September 2022 setting, the same replicates starting at a major clash (rung 5) rather
    than a limited clash (rung 4) have a larger front and more Kyrgyz displaced (paired, 3 standard
    errors and at least 20 % of the reference). Unchosen escalation is off in both arms: with forces massed
    at day 0 the calibrated model turns a limited clash into a major one within days (0.15 a day), which
    would compare a major clash with a major clash a few days younger (measured with it on: +18 %, z 8;
    with it off: front 4.2 -> 7.8 segments, Kyrgyz displaced 55,000 -> 104,000, z 17)."""
    held = {"border.involuntary_escalation": 0.0}
    clash = _episode({"border.initial_level": 4, **held})
    major = _episode({"border.initial_level": 5, **held})
    for col in ("front_segments_peak", "displaced_peak_KG"):
        assert_effect(*_paired(clash[col].to_numpy(float), major[col].to_numpy(float)), sign=1, margin=0.2)


@pytest.mark.slow
def test_the_front_and_displacement_grow_with_the_days_at_war():
    """The same replicates with bilateral ceasefires half as likely spend more days at rung 5+, and
    their front and Kyrgyz displacement grow (paired, 3 standard errors and at least 10 %)."""
    rate = load_scenario("september_2022").params.border.ceasefire_rate
    quick, slow = (_episode({"border.initial_level": 5, "border.ceasefire_rate": r}) for r in (rate, rate / 2))
    for col in ("days_rung5plus", "front_segments_peak", "displaced_peak_KG"):
        assert_effect(*_paired(quick[col].to_numpy(float), slow[col].to_numpy(float)), sign=1, margin=0.1)


def test_the_front_spreads_along_the_line_faster_at_higher_rungs(baseline):
    """The rule: after d days at rung r, starting from one segment, the mean front grows with d and with
    r (4000 rows; the front is 1 segment at rung 4 on day 0, can only grow, and never jumps a gap)."""
    geo = load_geography()
    n = 4_000
    P = compile_params(baseline, geo, batch=n)
    origin = np.full((n, 1), geo.segment_index("kok_tash_golovnoi"))
    rng = np.random.default_rng(5)
    size = {}
    for rung in (ladder.CLASH, ladder.MAJOR_CLASH, ladder.WAR):
        f = np.zeros((n, geo.n_segments), dtype=bool)
        for day in range(1, 6):
            before = f.copy()
            f = ladder.front(P, f, np.full((n, 1), rung), origin, geo,
                             lambda step, r: rng.random((len(r), geo.n_segments)))
            assert (f >= before).all()
            size[rung, day] = f.sum(axis=1).mean()
        # every front segment is connected to the origin through front segments
        reach = np.zeros_like(f)
        reach[:, origin[0, 0]] = True
        for _ in range(geo.n_segments):
            reach |= f & (reach.astype(float) @ geo.adjacency_float > 0)
        assert (reach == f).all()
    assert size[ladder.CLASH, 1] < size[ladder.MAJOR_CLASH, 1] < size[ladder.WAR, 1]
    assert size[ladder.MAJOR_CLASH, 1] < size[ladder.MAJOR_CLASH, 3] < size[ladder.MAJOR_CLASH, 5]


def test_a_second_front_opens_away_from_the_front_at_a_major_clash(baseline):
    """At rung 5+ a jump adds one segment that is neither on the front nor next to it, drawn in
    proportion to its expected incidents (20,000 draws: shares within 0.011 of the weights'); below a
    major clash there is none."""
    geo = load_geography()
    n, s = 20_000, geo.n_segments
    P = compile_params(baseline, geo, batch=n)
    front = np.zeros((n, s), dtype=bool)
    front[:, geo.segment_index("bulak_bashy")] = True
    hazard = np.tile(np.linspace(0.01, 0.12, s), (n, 1))
    u = np.random.default_rng(2).random((n, 1))
    for rung in (ladder.CLASH, ladder.MAJOR_CLASH):
        out = ladder.second_front(P, front, np.full((n, 1), rung), hazard, np.zeros((n, 1)), u, geo)
        added = out & ~front
        if rung == ladder.CLASH:
            assert not added.any()
            continue
        assert (added.sum(axis=1) == 1).all()
        near = front[0] | geo.adjacency[geo.segment_index("bulak_bashy")]
        w = np.where(near, 0.0, hazard[0])
        assert np.abs(added.mean(axis=0) - w / w.sum()).max() < 0.011


def _episode_displacement(name: str) -> np.ndarray:
    """Kyrgyz displaced (peak) in the replicates of an episode scenario that reach rung 5 within 30 days."""
    p = load_scenario(name).params.with_updates({"simulation.days": 30}, "test")
    s = run_rows(p, np.arange(4000), seed=SEED, days=30).summary
    return s.displaced_peak_KG[s.reached_rung5].to_numpy(float)


@pytest.mark.xdist_group("displacement")
@pytest.mark.validation
@pytest.mark.slow
def test_each_episode_covers_its_records_displacement():
    """In the replicates of each episode scenario that reach rung 5, the 10-90 % interval of Kyrgyz
    displaced covers that episode's record: ~40,600 in April 2021, 136,000-142,000 in September 2022."""
    for name, low, high in (("april_2021", 40_600, 40_600), ("september_2022", 136_000, 142_000)):
        lo, hi = np.quantile(_episode_displacement(name), [0.1, 0.9])
        assert lo <= low and hi >= high, (name, lo, hi)


@pytest.mark.xdist_group("displacement")
@pytest.mark.validation
@pytest.mark.slow
def test_september_2022_displaces_more_than_april_2021():
    """September 2022 displaced more Kyrgyz than April 2021 (record: ~136,000 against ~40,600): the
    difference of the means exceeds three standard errors (independent replicates: the scenarios
    differ in their start). A strict xfail: with the record's mechanisms (firepower, forces massed on the
    line, the hold-out under unrest) and the calibration, the record's threefold ratio is still not reached."""
    a, b = _episode_displacement("april_2021"), _episode_displacement("september_2022")
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert b.mean() - a.mean() >= 3 * se, (a.mean(), b.mean(), se)
