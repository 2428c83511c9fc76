"""The compiled kernels compute exactly what the numpy rules state, number for number."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st

from borderSim.core.engine import EVERYONE, step
from borderSim.inputs.geography import load_geography
from borderSim.rules import (
    communities,
    draws,
    fmath,
    frontline,
    kernels,
    ladder,
    military,
    phases,
    schedule,
)
from borderSim.rules.context import Context
from borderSim.rules.day import Front
from borderSim.rules.mediator import SIDES2
from borderSim.rules.params import compile_params, compile_rows
from borderSim.rules.state import COUNT, initial_state
from borderSim.rules.streams import Stream, replicate_keys, uniform, uniform_at
from tests.strategies import parameters

GEO = load_geography()


def each(fn, *columns) -> np.ndarray:
    """``fn`` (a kernel's scalar twin of a rule) applied element by element to (n, 1) or (n,) columns."""
    out = [fn(*(c.item(i) for c in columns)) for i in range(len(columns[0]))]
    return np.array(out)[:, None] if not isinstance(out[0], tuple) else tuple(np.array(o)[:, None]
                                                                               for o in zip(*out, strict=True))


def random_rows(baseline, rng, n: int, names: tuple[str, ...]):
    """Parameters of ``n`` rows with ``names`` drawn uniformly over the schema's ranges."""
    from borderSim.schema import spec
    return compile_rows(baseline, {name: rng.uniform(spec(name).ge, spec(name).le, n) for name in names}, GEO, n)


def same(a, b) -> bool:
    """Bit for bit (NaN where NaN)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a.view(np.uint8), b.view(np.uint8))


@given(day=st.integers(0, 40_000))
def test_the_season_computed_once_for_shared_parameters_is_each_rows(day, baseline):
    """Where every row shares the season's parameters it is computed once: the same bits as row by row."""
    shared = compile_params(baseline, GEO, batch=50)
    one = compile_params(baseline, GEO, batch=1)
    assert shared.border.season_amplitude.strides[0] == 0
    assert same(communities.season(shared, day), np.repeat(communities.season(one, day), 50, axis=0))
    varying = compile_rows(baseline, {"border.season_amplitude": np.linspace(0, 0.9, 50)}, GEO, 50)
    each = [communities.season(compile_params(baseline.with_updates({"border.season_amplitude": a}), GEO), day)
            for a in np.linspace(0, 0.9, 50)]
    assert same(communities.season(varying, day), np.concatenate(each))


def test_the_runs_season_table_is_the_season_of_each_day(baseline):
    """The context's season (a table of the run's days where rows share the season's parameters) is
    communities.season of each day, bit for bit, across the table's blocks; where rows differ, it is the rule."""
    keys = replicate_keys(1, np.arange(20))
    for P in (compile_params(baseline.with_updates({"border.season_amplitude": 0.7, "border.season_peak_day": 200}),
                             GEO, batch=20),
              compile_rows(baseline, {"border.season_amplitude": np.linspace(0, 0.9, 20)}, GEO, 20)):
        ctx = Context.build(P, GEO, keys)
        for day in (*range(0, 1100), 40_000, 3):
            assert same(np.ascontiguousarray(ctx.season(day)), np.ascontiguousarray(communities.season(P, day))), day


@given(seed=st.integers(0, 2**40))
def test_the_village_kernels_arithmetic_is_the_rules(seed, baseline):
    """Each scalar twin the kernels compute with gives the rule's float64 bits, for parameters over their
    whole ranges (no tolerance: a reordered product would differ in the last bit for some inputs)."""
    rng = np.random.default_rng(seed)
    n = 400
    P = random_rows(baseline, rng, n, ("communities.gunfire_probability", "communities.militarisation",
                                       "communities.shelling_probability", "communities.civilian_death_rate",
                                       "border.wounded_per_death", "communities.homes_per_shelling",
                                       "communities.grievance_loss", "communities.grievance_homes",
                                       "communities.flight_rate"))
    c, b = P.communities, P.border
    hazard, grievance, daily = rng.uniform(0, 0.3, (n, 1)), rng.uniform(0, 1, (n, 1)), rng.uniform(0, 4, (n, 1))
    assert same(each(kernels.incident_probability, communities.incident_hazard(hazard, grievance), daily),
                communities.incident_probability(hazard, grievance, daily))
    level = rng.integers(0, 7, (n, 1))
    assert same(each(kernels.gunfire_probability, c.gunfire_probability, c.militarisation, level),
                communities.gunfire_probability(P, level))
    intens, expo = rng.uniform(0, 2.5, (n, 1)), rng.uniform(0, 2, (n, 1)) ** 5
    assert same(each(kernels.shelling_probability, c.shelling_probability, intens, expo),
                communities.shelling_probability(P, intens, expo))
    residents, population = rng.integers(0, 90_000, (n, 1)), rng.integers(0, 90_000, (n, 1))
    got = each(kernels.harm_means, c.civilian_death_rate, b.wounded_per_death, c.homes_per_shelling, intens,
               residents, population)
    assert all(same(g, e) for g, e in zip(got, communities.harm_means(P, residents, population, intens), strict=True))
    deaths, homes = rng.integers(0, 500, (n, 1)), rng.integers(0, 500, (n, 1))
    assert same(each(kernels.grievance_after_losses, grievance, c.grievance_loss, c.grievance_homes, deaths, homes),
                communities.grievance_after_losses(P, grievance, deaths, homes))
    civil, danger = rng.uniform(0, 1, (n, 1)), rng.uniform(0, 1, (n, 1))
    assert same(each(kernels.flight_share, c.flight_rate, civil, danger), communities.flight_share(P, civil, danger))
    x, u = rng.uniform(0, 1e5, (n, 1)), rng.random((n, 1))
    assert same(each(kernels.stochastic_round, x, u), draws.stochastic_round(x, u))


@given(seed=st.integers(0, 2**40))
def test_the_front_kernels_arithmetic_is_the_rules(seed, baseline):
    """As above, for the twins of the ladder's, the front's and the soldiers' rules."""
    rng = np.random.default_rng(seed)
    n = 400
    P = random_rows(baseline, rng, n, ("border.clash_intensity", "border.war_intensity", "border.front_spread_rate",
                                       "border.front_decay", "border.incursion_exponent",
                                       "border.military_death_rate", "border.firepower_elasticity"))
    b = P.border
    level = rng.integers(0, 7, (n, 1))
    intens = each(frontline.rung_intensity, level, b.clash_intensity, b.war_intensity)
    assert same(intens, ladder.intensity(P, level))
    assert same(each(frontline.spread_probability, b.front_spread_rate, intens), ladder.spread_probability(P, level))
    p, tries = rng.random((n, 1)), rng.integers(1, 5, (n, 1)).astype(np.float64)
    assert same(each(frontline.join_probability, p, tries), ladder.join_probability(p, tries))
    origin = rng.integers(0, GEO.n_segments, (n, 1))
    fire = ladder.fire(P, np.ones((n, GEO.n_segments), dtype=bool), origin, GEO)
    for j in range(GEO.n_segments):
        assert same(each(frontline.fire_share, b.front_decay, GEO.hops[origin[:, 0], j]), fire[:, j:j + 1])
    capability = rng.uniform(0.05, 3, (n, 2))
    total = capability[:, :1] + capability[:, 1:]
    soldiers, villages = communities.exposure(capability), communities.village_exposure(P, capability)
    for sd in (0, 1):
        opponent = capability[:, 1 - sd:2 - sd]
        assert same(each(frontline.soldier_exposure, opponent, total), soldiers[:, sd:sd + 1])
        assert same(each(frontline.village_exposure, opponent, total, b.incursion_exponent), villages[:, sd:sd + 1])
    assert same(each(frontline.firepower, capability[:, :1], capability[:, 1:], b.firepower_elasticity),
                ladder.firepower(P, capability))
    extent = rng.uniform(0, 12, (n, 1))
    assert same(each(frontline.military_mean, b.military_death_rate, intens, extent, soldiers[:, :1]),
                military.mean_deaths(P, intens, extent, soldiers[:, :1]))


@given(seed=st.integers(0, 2**40), scale=st.floats(0.0, 3.0))
def test_origin_kernel_equals_the_numpy_rules(seed, scale, baseline):
    rng = np.random.default_rng(seed)
    b, v, s = 300, GEO.n_villages, GEO.n_segments
    P = random_rows(baseline, rng, b, ("border.origin_incident_weight",))
    hazard, grievance = rng.uniform(0, 0.05 * scale, (b, v)), rng.uniform(0, 1, (b, v))
    hazard[:20] = 0.0                                              # rows with no hazard: the incidents decide
    daily = rng.uniform(0.3, 3, (b, 1))
    local = rng.integers(0, 3, (b, s)) * (rng.random((b, s)) < 0.2)
    rows = np.flatnonzero(rng.random(b) < 0.5)
    u = rng.random(rows.size)
    u[:3] = 0.0
    expected = ladder.origin(P.take(rows), communities.segment_hazard(hazard[rows], grievance[rows], daily[rows], GEO),
                             local[rows], u[:, None])
    got = frontline.origins(rows, communities.incident_hazard(hazard, grievance), daily, GEO.segment,
                            P.border.origin_incident_weight, local, u)
    assert np.array_equal(got, expected)


@given(seed=st.integers(0, 2**40), day=st.integers(1, 40_000), scale=st.floats(0.001, 3.0))
def test_observe_kernel_equals_the_numpy_rules(seed, day, scale, baseline):
    rng = np.random.default_rng(seed)
    b, v = 300, GEO.n_villages
    keys = replicate_keys(seed, np.arange(b))
    hazard, grievance = rng.uniform(0, 0.05 * scale, (b, v)), rng.uniform(0, 1, (b, v))
    daily = rng.uniform(0.3, 3, (b, 1)) * rng.uniform(0.4, 1.6, (b, 1))
    level_base = rng.integers(0, 7, (b, 1))
    P = compile_params([baseline.with_updates({"communities.gunfire_probability": g, "communities.militarisation": m})
                        for g, m in rng.uniform(0, 1, (b, 2))], GEO)
    slots = np.arange(v)
    p = communities.incident_probability(hazard, grievance, daily)
    rows, cols = np.nonzero(uniform(keys, day, Stream.INCIDENT, slots) < p)
    shots = uniform_at(keys[rows], day, Stream.GUNFIRE, cols) < communities.gunfire_probability(
        P.take(rows), level_base[rows])[:, 0]
    c = P.communities

    def run(villages):
        incident, gunfire = np.ones((b, v), dtype=bool), np.ones((b, v), dtype=bool)
        hg = communities.incident_hazard(hazard, grievance)
        found = [kernels.observe(keys, day, slots[villages], hg[:, villages], daily, c.gunfire_probability,
                                 c.militarisation, level_base, incident[:, villages], gunfire[:, villages])
                 for villages in villages]
        return [np.concatenate(a) for a in zip(*found, strict=True)], incident, gunfire

    (r, vs, g), incident, gunfire = run([slice(None)])
    assert np.array_equal(r, rows) and np.array_equal(vs, cols) and np.array_equal(g, shots)
    expected = np.zeros((b, v), dtype=bool)
    expected[rows, cols] = True
    assert np.array_equal(incident, expected)
    expected[rows, cols] = shots
    assert np.array_equal(gunfire, expected)
    # one village at a time (as a Mesa agent does) gives the same numbers
    (r1, vs1, g1), incident1, gunfire1 = run([slice(j, j + 1) for j in range(v)])
    order = np.lexsort((vs1, r1))
    assert np.array_equal(r1[order], rows) and np.array_equal(vs1[order], cols) and np.array_equal(g1[order], shots)
    assert np.array_equal(incident1, incident) and np.array_equal(gunfire1, gunfire)


@given(seed=st.integers(0, 2**40), day=st.integers(1, 40_000), rate=st.floats(0, 1))
def test_return_kernel_equals_the_numpy_rule(seed, day, rate, baseline):
    rng = np.random.default_rng(seed)
    b, v = 50, GEO.n_villages
    keys = replicate_keys(seed, np.arange(b))
    # the state's 32-bit counts, up to the largest village's population (80,000)
    displaced = (rng.integers(0, rng.choice([3000, 80_001]), (b, v)) * (rng.random((b, v)) < 0.4)).astype(COUNT)
    P = compile_params(baseline.with_updates({"communities.return_rate": rate}), GEO, batch=b)
    expected = communities.returns(P, displaced, uniform(keys, day, Stream.RETURN, np.arange(v)))
    rows = np.arange(b)
    residents = np.zeros_like(displaced)
    left, now = displaced.copy(), np.asfortranarray(displaced @ GEO.side_onehot)
    kernels.apply_returns(keys, day, rows, np.arange(v), left, residents, now, GEO.side, P.communities.return_rate)
    assert np.array_equal(residents, expected) and np.array_equal(left, displaced - expected)
    assert np.array_equal(now, left @ GEO.side_onehot)
    # one village at a time (as a Mesa agent does) gives the same numbers
    residents1, left1, now1 = np.zeros_like(displaced), displaced.copy(), np.asfortranarray(displaced @ GEO.side_onehot)
    for j in range(v):
        kernels.apply_returns(keys, day, rows, np.array([j]), left1[:, j:j + 1], residents1[:, j:j + 1], now1,
                              GEO.side[j:j + 1], P.communities.return_rate)
    assert np.array_equal(residents1, residents) and np.array_equal(now1, now)


@given(seed=st.integers(0, 2**40), delay=st.integers(0, 60))
def test_returning_rows_are_the_numpy_rule(seed, delay, baseline):
    # days since the fight around the delay (the boundary included) and displaced on one side, both or neither
    rng = np.random.default_rng(seed)
    b = 200
    P = compile_params(baseline.with_updates({"communities.return_delay_days": delay}), GEO, batch=b)
    since = rng.integers(max(0, delay - 2), delay + 3, (b, 1))
    now = np.asfortranarray(rng.integers(0, 3, (b, 2)) * (rng.random((b, 2)) < 0.5))
    expected = np.flatnonzero(communities.may_return(P, since, now))
    assert np.array_equal(kernels.returning_rows(since, P.communities.return_delay_days, now), expected)


@given(seed=st.integers(0, 2**40), scale=st.sampled_from([0.01, 1.0, 30.0, 200.0, 1e5]))
def test_poisson_kernel_equals_the_numpy_rule(seed, scale):
    rng = np.random.default_rng(seed)
    u, lam = rng.random(1000), rng.uniform(0, scale, 1000)
    u[:4], lam[:4] = [0.0, 0.0, 1 - 2**-53, 0.5], [0.0, 31.0, 31.0, 30.0]   # edges: u = 0, u -> 1, the switch
    expected = draws.poisson(u, lam)
    assert np.array_equal([kernels.poisson(a, b) for a, b in zip(u, lam, strict=True)], expected)


def test_poisson_kernel_at_the_first_steps_of_the_cdf():
    # Draws at F(0), F(1), F(2), summed as the rule sums them, and just below: where the kernel's written-out first
    # steps decide the count (fails with the second step one ulp off).
    lam = np.linspace(1e-3, 6.0, 3001)
    p = fmath.exp(-lam)
    edges = [p]
    for k in (1, 2):
        p = p * lam / k
        edges.append(edges[-1] + p)
    for edge in edges:
        for u in (edge, np.nextafter(edge, 0.0)):
            u = np.minimum(u, 1 - 2**-53)
            expected = draws.poisson(u, lam)
            assert np.array_equal([kernels.poisson(a, b) for a, b in zip(u, lam, strict=True)], expected)


def test_poisson_kernel_where_it_skips_the_exponential():
    # The kernel returns 0 without exp where u + lam is below 1 - 2**-40: draws a few ulps either side of F(0) and of
    # that threshold, for means from 1e-18 to 2, give the rule's counts (fails with the threshold at 1 + 2**-40).
    lam = np.geomspace(1e-18, 2.0, 4001)
    for edge in (fmath.exp(-lam), 1.0 - lam - 2.0**-40):
        u = np.clip(edge, 0.0, 1 - 2**-53)
        for _ in range(4):
            for v in (u, np.nextafter(u, 0.0), np.nextafter(np.nextafter(u, 0.0), 0.0)):
                v = np.clip(v, 0.0, 1 - 2**-53)
                assert np.array_equal([kernels.poisson(a, b) for a, b in zip(v, lam, strict=True)],
                                      draws.poisson(v, lam))
            u = np.minimum(np.nextafter(u, 1.0), 1 - 2**-53)


@given(seed=st.integers(0, 2**40), scale=st.floats(0.0, 30.0))
def test_poisson_inverts_the_cdf(seed, scale):
    # Each count k is the least with u < F(k); 1e-12 absorbs the difference between summing the
    # pmf term by term (the kernel) and scipy's regularised-gamma CDF, far below any u's spacing that matters.
    rng = np.random.default_rng(seed)
    u, lam = rng.random(2000), rng.uniform(0, scale, 2000)
    k = draws.poisson(u, lam)
    assert (scipy.stats.poisson.cdf(k, lam) > u - 1e-12).all()
    assert (scipy.stats.poisson.cdf(k - 1, lam) <= u + 1e-12).all()
    # elementwise: any subset of the draws gives the same counts
    idx = rng.permutation(2000)[:137]
    assert np.array_equal(draws.poisson(u[idx], lam[idx]), k[idx])


@given(seed=st.integers(0, 2**40), recovery=st.floats(0.0, 0.5))
def test_grievance_kernel_equals_the_numpy_rule(seed, recovery, baseline):
    rng = np.random.default_rng(seed)
    b, v = 40, GEO.n_villages
    g0 = rng.uniform(0.2, 1.0, (b, v))
    g = np.where(rng.random((b, v)) < 0.3, np.minimum(1.0, g0 + rng.exponential(0.3, (b, v))), g0)
    g[:5] = g0[:5] + rng.uniform(0, 2e-4, (5, v))          # some rows within the snap of their baseline
    P = compile_params(baseline.with_updates({"communities.grievance_recovery": recovery}), GEO, batch=b)
    expected = communities.grievance_relax(P, g, g0)
    rows = np.flatnonzero(rng.random(b) < 0.7)
    hazard = rng.uniform(0, 0.05, (b, v))
    got, dirty, hg = g.copy(), np.ones(b, dtype=bool), communities.incident_hazard(hazard, g)
    kernels.relax_grievance(rows, got, g0, got, g0, communities.relax_factor(P.take(rows))[:, 0],
                            communities.RELAX_SNAP, dirty, hazard, hg)
    assert np.array_equal(got[rows], expected[rows])          # bit for bit on the rows relaxed
    assert np.array_equal(np.delete(got, rows, 0), np.delete(g, rows, 0))   # the others untouched
    assert np.array_equal(dirty[rows], (expected[rows] != g0[rows]).any(axis=1))
    assert np.array_equal(hg, communities.incident_hazard(hazard, got))     # the cache follows the grievance
    # one village at a time (as a Mesa agent does) gives the same numbers
    each, dirty1, hg1 = g.copy(), np.ones(b, dtype=bool), communities.incident_hazard(hazard, g)
    for j in range(v):
        kernels.relax_grievance(rows, each[:, j:j + 1], g0[:, j:j + 1], each, g0,
                                communities.relax_factor(P.take(rows))[:, 0], communities.RELAX_SNAP, dirty1,
                                hazard[:, j:j + 1], hg1[:, j:j + 1])
    assert np.array_equal(each, got) and np.array_equal(dirty1, dirty) and np.array_equal(hg1, hg)


@given(seed=st.integers(0, 2**40))
def test_hazard_kernel_equals_the_numpy_rule(seed, baseline):
    """The talks' rewrite of the conceded rows' hazard: bit for bit the rule's, over the parameters' ranges, on
    rows with no segment, some or every segment demarcated and villages near an exclave or not; the other rows
    untouched."""
    rng = np.random.default_rng(seed)
    b, s = 60, GEO.n_segments
    P = random_rows(baseline, rng, b, ("communities.incident_rate", "border.demarcation_effect",
                                       "border.exclave_multiplier"))
    demarcated = rng.random((b, s)) < 0.5
    demarcated[:3], demarcated[3:6] = False, True
    near = communities.near_exclave(GEO)
    assert near.any() and not near.all()
    rows = np.flatnonzero(rng.random(b) < 0.5)
    expected = communities.hazard_base(P.take(rows), GEO, demarcated[rows])
    got, grievance, hg = (rng.random((b, GEO.n_villages)) for _ in range(3))
    before, hg_before = got.copy(), hg.copy()
    kernels.hazard_rows(rows, P.communities.incident_rate, P.border.demarcation_effect, P.border.exclave_multiplier,
                        GEO.segment, near, demarcated, got, grievance, hg)
    assert same(got[rows], expected)
    assert same(got[rows], communities.hazard_base(P, GEO, demarcated)[rows])
    assert same(np.delete(got, rows, 0), np.delete(before, rows, 0))
    assert same(hg[rows], communities.incident_hazard(expected, grievance[rows]))   # the cache follows the hazard
    assert same(np.delete(hg, rows, 0), np.delete(hg_before, rows, 0))


@given(seed=st.integers(0, 2**40), n=st.integers(0, 400))
def test_local_levels_aggregate_the_incidents(seed, n):
    rng = np.random.default_rng(seed)
    b = 30
    flat = np.sort(rng.choice(b * GEO.n_villages, size=n, replace=False))
    rows, cols = np.divmod(flat, GEO.n_villages)
    gunfire = rng.random(n) < 0.3
    seg, worst, incidents, shots = ladder.local_levels(rows, cols, gunfire, b, GEO)
    expected = np.zeros((b, GEO.n_segments), dtype=np.int64)
    np.maximum.at(expected, (rows, GEO.segment[cols]), 1 + gunfire)
    assert np.array_equal(seg, expected)
    assert np.array_equal(worst[:, 0], expected.max(axis=1))
    assert np.array_equal(incidents[:, 0], np.bincount(rows, minlength=b))
    assert np.array_equal(shots[:, 0], np.bincount(rows[gunfire], minlength=b))
    # in place over the previous day's aggregation: the same arrays as from zeros
    later = np.sort(rng.choice(b * GEO.n_villages, size=n // 2, replace=False))
    r2, c2 = np.divmod(later, GEO.n_villages)
    g2 = rng.random(r2.size) < 0.5
    fresh = ladder.local_levels(r2, c2, g2, b, GEO)
    again = ladder.local_levels(r2, c2, g2, b, GEO, out=(seg, worst, incidents, shots))
    assert all(a is o for a, o in zip(again, (seg, worst, incidents, shots), strict=True))
    assert all(np.array_equal(a, f) for a, f in zip(again, fresh, strict=True))


def shootouts_reference(s, ctx, today):
    """The shoot-out phase as the numpy rules state it (the phase's code before its kernel)."""
    if not today.incidents:
        return
    r, c, g = (np.concatenate(a) for a in zip(*today.incidents, strict=True))
    r, c = r[g], c[g]
    if not r.size:
        return
    lethality = ctx.P.communities.gunfire_lethality[r]
    dead = draws.poisson(uniform_at(ctx.keys[r], today.day, Stream.SHOOTOUT_DEATHS, c)[:, None], lethality)[:, 0]
    hit = np.flatnonzero(dead)
    if hit.size:
        side = ctx.geo.side[c[hit]]
        np.add.at(s.deaths_military, (r[hit], side), dead[hit])
        np.add.at(s.deaths_today, (r[hit], side), dead[hit])


@given(seed=st.integers(0, 2**40), day=st.integers(1, 40_000), n=st.integers(0, 600),
       scale=st.sampled_from([0.01, 1.0, 5.0, 30.0, 200.0]))
def test_shootout_kernel_equals_the_numpy_rules(seed, day, n, scale, baseline):
    """The shoot-outs' deaths, all the day's incidents at once (the core) and one village's at a time (Mesa),
    on dense incidents (rows with several gunfire villages on both sides), Poisson means over the switch to
    the normal approximation (30), none at all."""
    rng = np.random.default_rng(seed)
    b, v = 40, GEO.n_villages
    lethality = rng.uniform(0, scale, b)
    lethality[:3] = [0.0, 30.0, 31.0]
    P = compile_rows(baseline, {"communities.gunfire_lethality": lethality}, GEO, b)
    ctx = SimpleNamespace(P=P, geo=GEO, keys=replicate_keys(seed, np.arange(b)))
    rows, cols = np.divmod(np.sort(rng.choice(b * v, size=n, replace=False)), v)
    shots = rng.random(n) < 0.5
    start = [np.asfortranarray(rng.integers(0, 50, (b, 2))) for _ in range(2)]

    def run(phase, incidents):
        s = SimpleNamespace(deaths_military=start[0].copy(order="F"), deaths_today=start[1].copy(order="F"))
        today = SimpleNamespace(day=day, incidents=incidents)
        phase(s, ctx, today)
        return s.deaths_military, s.deaths_today

    core = [(rows, cols, shots)] if n else []
    expected = run(shootouts_reference, core)
    assert all(np.array_equal(g, e) for g, e in zip(run(schedule.shootouts, core), expected, strict=True))
    by_village = [(rows[cols == j], cols[cols == j], shots[cols == j]) for j in range(v) if (cols == j).any()]
    assert all(np.array_equal(g, e) for g, e in zip(run(schedule.shootouts, by_village), expected, strict=True))
    if (shots & ((rows == 1) | (rows == 2))).any():     # means 30 and 31: deaths, all but surely
        assert (expected[0][1:3] != start[0][1:3]).any()


# -- the day's phases on the front: kernels against the numpy rules, on states the model reaches ----------
def front_reference(s, ctx, today):
    """The front phase as the numpy rules state it (the phase's code before its kernel)."""
    rows = np.flatnonzero(s.level[:, 0] >= ladder.CLASH)
    if not rows.size:
        return None
    P, keys, n_seg, geo = ctx.P.take(rows), ctx.keys[rows], ctx.geo.n_segments, ctx.geo
    level = s.level[rows]
    on_front = ladder.front(P, s.front[rows], level, s.origin[rows], geo,
                            lambda step, r: uniform(keys[r], today.day, Stream.FRONT_SPREAD,
                                                    np.arange(step * n_seg, (step + 1) * n_seg)))
    major = np.flatnonzero(level[:, 0] >= ladder.MAJOR_CLASH)
    if major.size:
        r = rows[major]
        u = uniform(keys[major], today.day, Stream.SECOND_FRONT, np.arange(2))
        hazard = communities.segment_hazard(s.hazard_base[r], s.grievance[r], today.daily[r], geo)
        on_front[major] = ladder.second_front(P.take(major), on_front[major], level[major], hazard, u[:, :1], u[:, 1:],
                                              geo)
    s.front[rows] = on_front
    s.segment_level[rows] = ladder.segment_levels(level, on_front, s.segment_local[rows])
    return Front(rows=rows, P=P, on_front=on_front, fire=ladder.fire(P, on_front, s.origin[rows], geo),
                 intensity=ladder.intensity(P, level) * ladder.firepower(P, s.capability[rows]),
                 exposure=communities.village_exposure(P, s.capability[rows]))


def endure_reference(s, ctx, today, villages):
    """The villages' day on the front as the numpy rules state it (the phase's code before its kernel)."""
    f, geo, keys, day = today.front, ctx.geo, ctx.keys, today.day
    slots = ctx.village_slots[villages]
    fr, fc = np.nonzero(f.fire[:, geo.segment[slots]])
    fc = slots[fc]
    rr, side = f.rows[fr], geo.side[fc]
    P = ctx.P.take(rr)
    intens = f.intensity[fr] * f.fire[fr, geo.segment[fc]][:, None]
    danger = communities.shelling_probability(P, intens, f.exposure[fr, side][:, None])
    residents = s.residents[rr, fc][:, None]
    i = np.flatnonzero(uniform_at(keys[rr], day, Stream.SHELLING, fc) < danger[:, 0])
    deaths = np.zeros_like(residents)
    ri, ci, si = rr[i], fc[i], side[i]
    if i.size:
        u = [uniform_at(keys[ri], day, k, ci)[:, None] for k in (Stream.CIVILIAN_DEATHS, Stream.CIVILIAN_WOUNDED,
                                                                 Stream.HOMES)]
        d, w, h = communities.civilian_harm(P.take(i), residents[i], geo.population[ci][:, None], intens[i], *u,
                                            (communities.housing_stock(geo.population[ci]) - s.homes[ri, ci])[:, None])
        deaths[i] = d
        for a, x in ((s.dead, d), (s.wounded, w), (s.homes, h)):
            np.add.at(a, (ri, ci), x[:, 0])
        for a, x in ((s.deaths_civilian, d), (s.wounded_civilian, w), (s.homes_destroyed, h), (s.deaths_today, d)):
            np.add.at(a, (ri, si), x[:, 0])
        s.grievance[ri, ci] = communities.grievance_after_losses(P.take(i), s.grievance[ri, ci][:, None], d, h)[:, 0]
        s.incident_hazard[ri, ci] = communities.incident_hazard(s.hazard_base[ri, ci], s.grievance[ri, ci])
        s.grievance_dirty[ri] = True
    left = residents - deaths
    civil = P.gov.civil_society[np.arange(len(fr)), side][:, None]
    fled = communities.flight(P, left, danger, civil, uniform_at(keys[rr], day, Stream.FLIGHT, fc)[:, None])[:, 0]
    s.residents[rr, fc] = left[:, 0] - fled
    np.add.at(s.displaced, (rr, fc), fled)
    np.add.at(s.fled_today, (rr, side), fled)
    np.add.at(s.displaced_now, (rr, side), fled)
    return ri, ci


def day_until(points, seed: int, day: int, phase: str, rows: int = 48):
    """State, context and working memory of ``day`` just before ``phase``, rows cycling through ``points``."""
    P = compile_params([points[i % len(points)] for i in range(rows)], GEO)
    ctx = Context.build(P, GEO, replicate_keys(seed, np.arange(rows)))
    s = initial_state(P, GEO, len(ctx.registry.mediators))
    for d in range(1, day):
        step(s, ctx, d)
    today = schedule.new_day(s, day)
    for ph in schedule.DAY:
        if ph.name == phase:
            return s, ctx, today
        ph.run(s, ctx, today) if ph.actors is None else ph.run(s, ctx, today, EVERYONE[ph.actors])
    raise ValueError(phase)


def at_war(draw_points):
    """Parameter points starting at a clash or above on a trigger segment (so that fronts form early)."""
    return [p.with_updates({"border.initial_level": lv, "border.trigger_segment": GEO.segment_ids[seg]})
            for p, lv, seg in draw_points]


WAR_POINTS = st.lists(st.tuples(parameters(), st.integers(4, 6), st.integers(0, GEO.n_segments - 1)),
                      min_size=1, max_size=3).map(at_war)


def assert_same_state(a, b):
    for name in vars(a):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


@given(points=WAR_POINTS, seed=st.integers(0, 2**40), day=st.integers(1, 25))
def test_front_kernel_equals_the_numpy_rules(points, seed, day):
    s, ctx, today = day_until(points, seed, day, "the front forms")
    expected_state = s.copy()
    expected = front_reference(expected_state, ctx, today)
    schedule.front(s, ctx, today)
    assert_same_state(s, expected_state)
    if expected is None:
        assert today.front is None
        return
    got = today.front
    for name in ("rows", "on_front", "fire", "intensity", "exposure"):
        assert np.array_equal(getattr(got, name), getattr(expected, name)), name


@given(points=WAR_POINTS, seed=st.integers(0, 2**40), day=st.integers(1, 25))
def test_endure_and_military_kernels_equal_the_numpy_rules(points, seed, day):
    s, ctx, today = day_until(points, seed, day, "villages endure")
    expected = s.copy()
    pairs = endure_reference(expected, ctx, today, slice(None)) if today.front is not None else None
    got = phases.endure(s, ctx, today, slice(None))
    assert_same_state(s, expected)
    if pairs is not None:
        assert all(np.array_equal(a, b) for a, b in zip(got, pairs, strict=True))
    # soldiers fall
    f = today.front
    if f is not None:
        md, mw = military.losses(f.P, f.intensity, f.fire.sum(axis=1, keepdims=True),
                                 communities.exposure(s.capability[f.rows]),
                                 uniform(ctx.keys[f.rows], today.day, Stream.MILITARY_DEATHS, SIDES2),
                                 uniform(ctx.keys[f.rows], today.day, Stream.MILITARY_WOUNDED, SIDES2))
        expected.deaths_military[f.rows] += md
        expected.wounded_military[f.rows] += mw
        expected.deaths_today[f.rows] += md
    schedule.military_losses(s, ctx, today)
    assert_same_state(s, expected)


@given(points=WAR_POINTS, seed=st.integers(0, 2**40), day=st.integers(1, 25))
def test_endure_one_village_at_a_time_equals_all_at_once(points, seed, day):
    s, ctx, today = day_until(points, seed, day, "villages endure")
    each = s.copy()
    phases.endure(s, ctx, today, slice(None))
    for j in range(GEO.n_villages):
        phases.endure(each, ctx, today, slice(j, j + 1))
    assert_same_state(each, s)
