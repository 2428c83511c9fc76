"""The mediators' compiled kernels compute exactly what the numpy rules state, number for number: the day's settling
(offers answered, mediations begun) and the engaged mediators' terms (pressure, the ceasefire hazard's factor, a
ceasefire's strength and fragility)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderSim.rules import mediation, mediation_terms, mediator, mediator_entries, mediators
from borderSim.rules.mediator import Situation
from borderSim.rules.params import compile_params, compile_rows
from borderSim.rules.streams import replicate_keys
from tests.test_kernels import GEO, same


# -- the mediators' day --------------------------------------------------------------------------------
def settle_reference(P, engaged, offered, accepted, timing, today):
    """:func:`borderSim.rules.mediation.settle` as numpy operations over the registry in force (before its kernel)."""
    engaged, action, timing = engaged.copy(), np.empty(engaged.shape, dtype=np.int64), timing.copy()
    agreed = offered & accepted[:, :, 0] & accepted[:, :, 1]
    for m, spec in enumerate(mediators.MEDIATORS):
        was = engaged[:, m:m + 1]
        action[:, m:m + 1] = np.where(was, mediator.MEDIATING, np.where(spec.speaks(P), mediator.STATEMENT,
                                                                          mediator.NONE))
        i = np.flatnonzero(offered[:, m])
        if i.size:
            action[i, m] = mediation.offer_outcome(accepted[i, m])[:, 0]
        engaged[:, m:m + 1] = was | agreed[:, m:m + 1]
        timing[:, m:m + 1] = np.where(agreed[:, m:m + 1], today, timing[:, m:m + 1])
    for j in mediators.JOINTS:
        lead, partner = mediators.index(j.lead), mediators.index(j.partner)
        joins = agreed[:, lead:lead + 1] & j.active(P) & ~engaged[:, partner:partner + 1]
        engaged[:, partner:partner + 1] |= joins
        action[:, partner:partner + 1] = np.where(joins, mediator.ACCEPTED, action[:, partner:partner + 1])
        timing[:, partner:partner + 1] = np.where(joins, today, timing[:, partner:partner + 1])
    return engaged, action, timing, agreed


@pytest.mark.parametrize("ghost", [False, True], ids=["registry", "with a registered mediator"])
@given(seed=st.integers(0, 2**40))
def test_settle_kernel_equals_the_numpy_rules(seed, ghost, baseline):
    from tests.helpers import ghost_registered

    rng = np.random.default_rng(seed)
    n = 300
    values = {f"{g}.willingness": rng.uniform(0, 1, n) * (rng.random(n) < 0.6) for g in ("osce", "eu", "us")}
    values |= {f"{g}.joint_with_russia": rng.random(n) < 0.5 for g in ("osce", "eu", "us")}
    P = compile_rows(baseline, values, GEO, n)
    with ghost_registered(ghost) as registry:
        m = len(registry.mediators)
        engaged = rng.random((n, m)) < 0.3
        offered = ~engaged & (rng.random((n, m)) < 0.5)
        accepted = rng.random((n, m, 2)) < 0.6
        timing, today = rng.random((n, m)), rng.random((n, 1))
        got = mediation.settle(P, registry, engaged, offered, accepted, timing, today)
        expected = settle_reference(P, engaged, offered, accepted, timing, today)
    assert all(np.array_equal(g, e) and g.dtype == e.dtype for g, e in zip(got, expected, strict=True))



@given(seed=st.integers(0, 2**40), share=st.sampled_from([0.0, 0.01, 0.4, 1.0]), m=st.integers(1, 6))
def test_the_rows_in_an_episode_are_gathered_as_numpy_gathers_them(seed, share, m):
    """The rows in an episode, their keys, days in and engaged mediators (the column-major state's rows), as
    ``np.flatnonzero`` and numpy's indexing give them, dtypes included."""
    rng = np.random.default_rng(seed)
    b, day = 500, int(rng.integers(0, 800))
    episode = rng.random((b, 1)) < share
    onset = rng.integers(0, 800, (b, 1))
    keys = replicate_keys(seed, np.arange(b))
    engaged = np.asfortranarray(rng.random((b, m)) < 0.3)
    rows = np.flatnonzero(episode[:, 0])
    expected = (rows, keys[rows], day - onset[rows], engaged[rows])
    got = mediation.episode_rows(episode, onset, keys, engaged, day)
    assert all(same(g, e) for g, e in zip(got, expected, strict=True))


def rules_chances(sit, P):
    """(n, M) each mediator's chance of offering, from its own rule (``offer_probability``), column by column."""
    return np.concatenate([np.broadcast_to(sit.offer_probability(P, k), (sit.days_in.shape[0], 1))
                           for k in range(len(sit.mediators))], axis=1)


@pytest.mark.parametrize("ghost", [False, True], ids=["registry", "with a registered mediator"])
@given(seed=st.integers(0, 2**40), day=st.integers(0, 800))
def test_the_offers_kernel_equals_the_numpy_rule(seed, day, ghost, baseline):
    """Every mediator's offers drawn in one pass (:func:`mediation.draw_offers`) are :func:`mediation.offers` of
    each, on random situations with the offer chances' parameters varying (willing or not, past the delay or
    not), and for chances at the edges (0, negative, above 1, NaN)."""
    from tests.helpers import ghost_registered

    rng = np.random.default_rng(seed)
    n = 300
    values = {f"{g}.willingness": rng.uniform(0, 1, n) * (rng.random(n) < 0.6) for g in ("osce", "eu", "us")}
    values |= {f"{g}.delay_days": rng.integers(0, 60, n).astype(float) for g in ("osce", "eu", "us")}
    values |= {"russia.mediation_propensity": rng.uniform(0, 0.5, n), "russia.keep_out": rng.uniform(0, 3, n)}
    with ghost_registered(ghost) as registry:
        P = compile_rows(registry.parameters(baseline), values, GEO, n)
        m = len(registry.mediators)
        keys = replicate_keys(seed, np.arange(n))
        sit = Situation(registry.mediators, days_in=rng.integers(0, 100, (n, 1)), level=rng.integers(0, 7, (n, 1)),
                        engaged=rng.random((n, m)) < 0.2)
        expected = np.concatenate([mediation.offers(P, keys, day, sit, k) for k in range(m)], axis=1)
        chance = rules_chances(sit, P)
        streams = np.array([spec.offer_stream for spec in registry.mediators])
    got = np.zeros((n, m), dtype=bool)
    mediation.draw_offers(keys, day, streams, np.arange(m), sit.engaged, chance, got)
    assert np.array_equal(got, expected) and expected.any()
    edges = rng.choice([0.0, -0.0, -0.5, 1.0, 1.5, np.nan, 1e-300, 0.3, 0.9], (n, m))
    edges[:, rng.integers(0, m)] = 0.0                          # a mediator unwilling on every row
    got[:] = False
    mediation.draw_offers(keys, day, streams, np.arange(m), sit.engaged, edges, got)
    edge_sit = Situation(registry.mediators, sit.days_in, sit.level, sit.engaged,
                         _offers={k: edges[:, k:k + 1] for k in range(m)})
    expected = np.concatenate([mediation.offers(P, keys, day, edge_sit, k) for k in range(m)], axis=1)
    assert np.array_equal(got, expected)


@given(seed=st.integers(0, 2**40))
def test_the_registrys_compiled_offer_chances_are_its_entries_rules(seed, baseline):
    """The registry's compiled offer chances are, bit for bit, each entry's ``offer_probability`` (Russia's reading the
    Western mediators' chances and engagement), with their parameters over the schema's ranges, some Western
    mediators unwilling, days in on, before and after each delay and rungs on both sides of a standoff; a registry
    with more entries draws from the rules."""
    from borderSim.schema import spec
    from tests.helpers import ghost_registered

    rng = np.random.default_rng(seed)
    n = 400
    over = lambda name: rng.uniform(spec(name).ge, spec(name).le, n)  # noqa: E731
    values = {name: over(name) for name in ("russia.mediation_propensity", "russia.attention",
                                            "russia.flank_aversion", "russia.keep_out")}
    for g in ("osce", "eu", "us"):
        values[f"{g}.willingness"] = over(f"{g}.willingness") * (rng.random(n) < 0.6)
        values[f"{g}.delay_days"] = np.floor(over(f"{g}.delay_days"))
    P = compile_rows(baseline, values, GEO, n)
    registry = mediators.registry()
    days_in = values["eu.delay_days"][:, None].astype(np.int64) + rng.integers(-2, 3, (n, 1))
    sit = Situation(registry.mediators, days_in=days_in, level=rng.integers(0, 7, (n, 1)),
                    engaged=rng.random((n, len(registry.mediators))) < 0.2)
    got = np.full((n, len(registry.mediators)), np.nan)
    registry.offer_chances(P, sit, got)
    expected = rules_chances(sit, P)
    assert same(got, expected)
    assert (expected[:, 0] < 1.0).any() and (expected[:, 0] == 1.0).any()     # Russia's chance capped on some rows
    shared = compile_params(baseline, GEO, batch=n)          # every column a read-only broadcast view
    sit = Situation(registry.mediators, sit.days_in, sit.level, sit.engaged)
    registry.offer_chances(shared, sit, got)
    assert same(got, rules_chances(sit, shared))
    assert len(mediator_entries._offer_chances.signatures) == 1   # one compiled kernel for shared and own columns
    with ghost_registered() as more:
        assert more.offer_chances is None
    # an entry added to the registry itself (docs/architecture.md) is given its rule's chance, the others theirs
    from tests.helpers import GHOST, WithGhost
    added = mediator.Registry((*registry.mediators, GHOST), registry.joints, WithGhost, registry.offer_chances)
    P = compile_rows(added.parameters(baseline), values, GEO, n)
    sit = Situation(added.mediators, days_in=days_in, level=sit.level, engaged=rng.random((n, 5)) < 0.2)
    got = np.full((n, 5), np.nan)
    added.offer_chances(P, sit, got)
    assert same(got, rules_chances(sit, P))


@given(span=st.floats(1, 365), dip=st.floats(0, 1), seed=st.integers(0, 2**40))
def test_the_timing_twin_is_the_rule(span, dip, seed, baseline):
    rng = np.random.default_rng(seed)
    days_in = np.concatenate([rng.integers(-5, 800, 200), [0, 1, int(span), int(span) + 1]])[:, None]
    P = compile_params(baseline.with_updates({"border.timing_span_days": span, "border.timing_dip": dip}), GEO,
                       batch=days_in.shape[0])
    expected = mediation.timing_factor(P, days_in)
    got = np.array([mediation.timing_of(d, span, dip) for d in days_in[:, 0]])
    assert np.array_equal(got.view(np.uint64), expected[:, 0].view(np.uint64))


@pytest.mark.parametrize("ghost", [False, True], ids=["registry", "with a registered mediator"])
@given(seed=st.integers(0, 2**40))
def test_settle_in_place_equals_settle(seed, ghost, baseline):
    """The day's settling on the rows in an episode, written into the state (the phase's kernel), is
    :func:`mediation.settle` with :func:`mediation.timing_factor` on those rows; other rows are left alone."""
    from tests.helpers import ghost_registered

    rng = np.random.default_rng(seed)
    b = 200
    values = {f"{g}.willingness": rng.uniform(0, 1, b) * (rng.random(b) < 0.6) for g in ("osce", "eu", "us")}
    values |= {f"{g}.joint_with_russia": rng.random(b) < 0.5 for g in ("osce", "eu", "us")}
    values |= {"border.timing_span_days": rng.uniform(1, 365, b), "border.timing_dip": rng.uniform(0, 1, b)}
    P = compile_rows(baseline, values, GEO, b)
    with ghost_registered(ghost) as registry:
        m = len(registry.mediators)
        rows = np.flatnonzero(rng.random(b) < 0.4)
        Pr, n = P.take(rows), rows.size
        engaged = rng.random((n, m)) < 0.3
        offered = ~engaged & (rng.random((n, m)) < 0.5)
        accepted = rng.random((n, m, 2)) < 0.6
        days_in = rng.integers(0, 400, (n, 1))
        timing = rng.random((b, m))
        expected = mediation.settle(Pr, registry, engaged, offered, accepted, timing[rows],
                                    mediation.timing_factor(Pr, days_in))
        speaks, active = mediation.relations(P, registry)
        state = (np.zeros((b, m), dtype=bool), np.full((b, m), -1, dtype=np.int64), timing.copy())
        record = (np.zeros((b, m), dtype=bool), np.zeros((b, m), dtype=bool))
        mediation.settle_rows(rows, days_in, P.border.timing_span_days, P.border.timing_dip, engaged, offered,
                              accepted, speaks, active, *mediation.joint_columns(registry), *state, *record)
    got = (*(a[rows] for a in state), record[1][rows])
    assert all(np.array_equal(g, e) for g, e in zip(got, expected, strict=True))
    assert np.array_equal(record[0][rows], offered)
    others = np.setdiff1d(np.arange(b), rows)
    assert not state[0][others].any() and (state[1][others] == -1).all()
    assert np.array_equal(state[2][others], timing[others]) and not record[0][others].any()

def pressure_reference(terms, engaged, timing):
    total = 0.0
    for m in np.flatnonzero(engaged.any(axis=0)):
        total = total + (engaged[:, m:m + 1] * timing[:, m:m + 1]) * terms.pressure[m]
    return total


def mediation_factor_reference(P, terms, engaged, timing, water_origin):
    b = P.border
    context = b.mediation_regime_factor * (1.0 + b.resource_issue_bonus * water_origin)
    total = engaged[:, :1] * (terms.effect[0] * timing[:, :1])
    for m in range(1, len(terms.effect)):
        total = total + engaged[:, m:m + 1] * (terms.effect[m] * timing[:, m:m + 1])
    return 1.0 + context * total


def ceasefire_terms_reference(P, terms, engaged, agreement):
    strength = P.border.ceasefire_strength_bilateral + agreement
    for m, term in terms.monitors + terms.guarantee:
        strength = strength + engaged[:, m:m + 1] * term
    fragility = np.zeros_like(agreement)
    for m, term in terms.fragility:
        fragility = np.maximum(fragility, engaged[:, m:m + 1] * term)
    return np.minimum(1.0, strength), fragility


@pytest.mark.parametrize("ghost", [False, True], ids=["registry", "with a registered mediator"])
@given(seed=st.integers(0, 2**40))
def test_mediation_term_kernels_equal_the_numpy_rules(seed, ghost, baseline):
    """The mediators' pressure, their factor on the ceasefire hazard and a ceasefire's strength and fragility,
    bit for bit, with every term's parameters varying over their ranges."""
    from borderSim.rules.context import Context
    from tests.helpers import ghost_registered

    rng = np.random.default_rng(seed)
    n = 300
    names = ["border.mediation_regime_factor", "border.resource_issue_bonus", "border.ceasefire_strength_bilateral",
             "mediation.ceasefire_effect", "mediation.pressure", "mediation.manipulative_fragility",
             "mediation.manipulative_boost", "russia.guarantor_strength", "russia.attention", "russia.restraint"]
    names += [f"{g}.{k}" for g in ("osce", "eu", "us") for k in ("resources", "monitoring")]
    names += [f"ghost.{k}" for k in ("pressure", "ceasefire_effect", "monitoring")] if ghost else []
    with ghost_registered(ghost) as registry:
        spec = registry.schema.table().spec
        values = {name: rng.uniform(spec(name).ge, spec(name).le, n) for name in names}
        values |= {f"{g}.style": rng.choice(["facilitative", "manipulative"], n) for g in ("osce", "eu", "us")}
        P = compile_rows(registry.parameters(baseline), values, GEO, n)
        terms = Context.build(P, GEO, replicate_keys(1, np.arange(n))).terms
        m = len(registry.mediators)
        engaged = rng.random((n, m)) < 0.3
        engaged[:, rng.integers(0, m)] = False                   # a mediator engaged nowhere is skipped
        timing, agreement = rng.random((n, m)), rng.random((n, 1))
        water = rng.random((n, 1)) < 0.5
        pairs = [(mediation_terms.pressure(terms, engaged, timing), pressure_reference(terms, engaged, timing)),
                 (mediation_terms.mediation_factor(P, terms, engaged, timing, water),
                  mediation_factor_reference(P, terms, engaged, timing, water)),
                 *zip(mediation_terms.ceasefire_terms(P, terms, engaged, agreement),
                      ceasefire_terms_reference(P, terms, engaged, agreement), strict=True)]
        assert mediation_terms.pressure(terms, np.zeros_like(engaged), timing) == 0.0
    assert all(same(np.ascontiguousarray(got), np.ascontiguousarray(expected)) for got, expected in pairs)
