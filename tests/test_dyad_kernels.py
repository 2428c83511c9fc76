"""The compiled dyad kernels compute exactly what the numpy rules state, number for number.

Each dyad-level phase is compared with the phase's code before its kernel (the ``*_reference`` functions here,
written with the documented rules of :mod:`borderSim.rules.governments`, :mod:`~borderSim.rules.ladder`,
:mod:`~borderSim.rules.thirdparties`, :mod:`~borderSim.rules.negotiation`) on states the model reaches from
random parameter points, bit for bit; each scalar twin with its rule over the parameters' whole ranges and over
numpy's edge cases (signed zeros, NaN, infinities).
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from copy import copy
from dataclasses import fields
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderSim.core.engine import step
from borderSim.outputs.summary import Recorder
from borderSim.rules import (
    communities,
    dyad,
    dyad_twins,
    fmath,
    governments,
    ladder,
    mediation,
    mediation_terms,
    negotiation,
    phases,
    rowtable,
    schedule,
    thirdparties,
)
from borderSim.rules.context import Context
from borderSim.rules.day import Offers
from borderSim.rules.ladder import CLASH, GUNFIRE, STANDOFF, UP
from borderSim.rules.mediator import SIDES2
from borderSim.rules.params import compile_params, compile_rows
from borderSim.rules.phases import BOTH, side
from borderSim.rules.state import State, initial_state
from borderSim.rules.streams import Stream, replicate_keys, uniform
from borderSim.schema import Parameters
from tests.strategies import parameters
from tests.test_kernels import GEO, WAR_POINTS, day_until, random_rows

POINTS = st.one_of(st.lists(parameters(), min_size=1, max_size=3), WAR_POINTS)
EDGES = np.array([0.0, -0.0, 1.0, -1.0, 0.5, np.nan, np.inf, -np.inf, 1e-300, 2.0])


def same(a, b) -> bool:
    """Bit for bit (NaN where NaN, the sign of zero), whatever the memory layout."""
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a.view(np.uint8), b.view(np.uint8))


def twin(fn, *columns):
    """``fn`` (a kernel's scalar twin) element by element over (n, 1) or (n,) columns: (n, 1) arrays."""
    out = [fn(*(np.asarray(c).reshape(-1)[i] for c in columns)) for i in range(np.asarray(columns[0]).size)]
    if isinstance(out[0], tuple):
        return tuple(np.array(o)[:, None] for o in zip(*out, strict=True))
    return np.array(out)[:, None]


def keep_layout(s: State) -> State:
    """A copy of ``s`` whose arrays keep their memory layout (the kernels' column-major side arrays)."""
    return State(**{f.name: getattr(s, f.name).copy(order="K") for f in fields(s)})


def assert_same_state(got: State, expected: State):
    for f in fields(got):
        assert same(getattr(got, f.name), np.asarray(getattr(expected, f.name), dtype=getattr(got, f.name).dtype)), \
            f.name


def assert_same_record(got, expected):
    for f in fields(got):
        assert same(getattr(got, f.name), getattr(expected, f.name)), f.name


# -- numpy's elementwise semantics -------------------------------------------------------------------------
def test_the_elementwise_twins_follow_numpy_on_edge_cases():
    """np.maximum and np.minimum give the second argument on a tie (+0 against -0) and propagate NaN; np.clip
    keeps its argument on a tie: the twins give the same bits on every pair of edge values."""
    a, b = np.meshgrid(EDGES, EDGES)
    a, b = a.reshape(-1, 1), b.reshape(-1, 1)
    assert same(twin(dyad.maximum, a, b), np.maximum(a, b))
    assert same(twin(dyad.minimum, a, b), np.minimum(a, b))
    assert same(twin(dyad.clip01, a), np.clip(a, 0.0, 1.0))


# -- the rules' arithmetic ---------------------------------------------------------------------------------
SIDE_NAMES = tuple(f"tajikistan.{k}" for k in ("diversion_weight", "diversion_peak", "reaction_weight",
                                                 "retaliation_weight", "superiority_weight", "mediator_weight",
                                                 "escalation_intercept", "deescalation_intercept", "patron_weight",
                                                 "audience_weight", "cost_weight", "anticipated_deaths",
                                                 "fortification", "unrest_shock", "legitimacy_recovery",
                                                 "death_cost"))


@given(seed=st.integers(0, 2**40))
def test_the_governments_arithmetic_is_the_rules(seed, baseline):
    """Unrest, diversion, casualty cost, local share, the utilities and the logit choice, bit for bit, for
    parameters over their whole ranges (a reordered sum would differ in the last bit for some inputs)."""
    rng = np.random.default_rng(seed)
    n = 400
    P = random_rows(baseline, rng, n, (*SIDE_NAMES, "border.superiority_threshold", "border.violation_cost"))
    g = P.side(0)
    col = lambda lo, hi: rng.uniform(lo, hi, (n, 1))  # noqa: E731
    legit, rally, standing, shocks = col(0, 1), col(0, 0.6), col(0, 1.2), col(-0.5, 0.5)
    u = governments.unrest(legit, rally, standing, shocks)
    assert same(twin(dyad.unrest, legit, rally, standing, shocks), u)
    assert same(twin(dyad.diversion, g.diversion_weight, g.diversion_peak, u),
                governments.diversion(g.diversion_weight, g.diversion_peak, u))
    cap, opp = col(0.1, 3), col(0.1, 3)
    scale, profile, sens = col(0, 5), col(0, 3), col(1, 3)
    assert same(twin(dyad.casualty_cost, g.anticipated_deaths, scale, profile, cap, opp, sens),
                governments.casualty_cost(g, scale, profile, cap, opp, sens))
    presence = rng.uniform(0, 1, (GEO.n_segments + 1, 2))
    presence[-1] = 0.0
    seg = rng.integers(-1, GEO.n_segments, n)
    opp_fort = col(0, 1)
    share = governments.local_share(cap, opp, g.fortification, opp_fort, presence, seg, slice(0, 1), slice(1, 2))
    assert same(twin(dyad.local_share, cap, opp, g.fortification, opp_fort, presence[seg, 0], presence[seg, 1]),
                share)
    level_base = rng.integers(0, 7, (n, 1))
    level_eff = np.maximum(level_base, rng.integers(0, 3, (n, 1)))
    provoked, ceasefire = rng.random((n, 1)) < 0.5, rng.random((n, 1)) < 0.3
    terms = dict(level_eff=level_eff, level_base=level_base, unrest_=u, provoked=provoked, share=share,
                 threshold=P.border.superiority_threshold, backing=col(0, 1), pressure=col(0, 2), pull=col(-2, 2),
                 ceasefire=ceasefire, cf_strength=col(0, 1), violation_cost=P.border.violation_cost,
                 audience=col(0, 1), weariness=col(1, 3), next_cost=col(0, 8), base_cost=col(0, 8),
                 rally_ahead=col(0, 1), casualties=col(0, 5), unready=col(0, 3))
    u_up, u_down = governments.utilities(g, **terms)
    names = ("diversion_weight", "diversion_peak", "reaction_weight", "retaliation_weight", "superiority_weight",
             "mediator_weight", "escalation_intercept", "deescalation_intercept", "patron_weight", "audience_weight")
    got = twin(dyad.utilities, *(getattr(g, k) for k in names), *terms.values())
    assert same(got[0], u_up) and same(got[1], u_down)
    draws = rng.random((n, 1))
    assert same(twin(dyad.choose, draws, u_up, u_down), governments.choose(draws, u_up, u_down))
    big = np.concatenate([u_up[:20] * 200.0, np.full((5, 1), -np.inf), np.full((5, 1), np.nan)])
    assert same(twin(dyad.choose, draws[:30], big, big[::-1]), governments.choose(draws[:30], big, big[::-1]))
    # the escalation utility's bound (no diversion exp, no division by the forces) is never below it, also where
    # the diversion and the superiority are at their greatest (unrest at the peak, the whole local force, no
    # casualties), and where the draw holds under the bound the rule holds
    peak_terms = dict(terms, unrest_=g.diversion_peak, share=np.ones((n, 1)), threshold=np.zeros((n, 1)),
                      casualties=np.zeros((n, 1)))
    for t in (terms, peak_terms):
        u_up_t, u_down_t = governments.utilities(g, **t)
        shared = twin(dyad.shared_terms, g.reaction_weight, g.retaliation_weight, g.mediator_weight,
                      *(t[k] for k in ("level_eff", "provoked", "pressure", "ceasefire", "violation_cost",
                                       "cf_strength")))
        bound = twin(dyad.up_bound, g.diversion_weight, g.superiority_weight, g.escalation_intercept,
                     g.patron_weight * t["backing"], t["pull"], t["rally_ahead"], t["weariness"] * t["next_cost"],
                     *shared, t["unready"], t["level_eff"])
        assert (bound >= u_up_t).all()
        for d in (draws, 1.0 - draws * 0.05):
            held = twin(dyad.holds, d, bound, u_down_t).astype(bool)
            assert (governments.choose(d, u_up_t, u_down_t)[held] == 0).all()


@given(seed=st.integers(0, 2**40))
def test_the_acceptance_arithmetic_is_the_rule(seed, baseline):
    """A government's chance of accepting an offer, bit for bit, for parameters over their whole ranges, biases
    for and against it and either side's sign."""
    rng = np.random.default_rng(seed)
    n = 400
    P = random_rows(baseline, rng, n, ("tajikistan.accept_intercept", "tajikistan.bias_aversion",
                                       "tajikistan.accept_unrest", "border.ripeness_weight"))
    g = P.side(0)
    col = lambda lo, hi: rng.uniform(lo, hi, (n, 1))  # noqa: E731
    bias, hurt, unrest_, bias_protest, patron = col(-1, 1), col(0, 3), col(0, 1), col(0, 5), col(0, 2)
    for sign in (-1.0, 1.0):
        expected = mediation.acceptance(g, bias, hurt, P.border.ripeness_weight, np.array([[sign]]), unrest_,
                                        bias_protest, patron)
        assert same(twin(dyad.acceptance, g.accept_intercept, g.bias_aversion + bias_protest, bias,
                         np.full((n, 1), sign), P.border.ripeness_weight, hurt, g.accept_unrest, unrest_, patron),
                    expected)


@given(seed=st.integers(0, 2**40), scale=st.sampled_from([1e-6, 0.1, 1.0, 10.0, 800.0]))
def test_the_choice_holds_without_exponentials_only_where_the_rule_holds(seed, scale):
    """The choice's shortcut (hold where the draw is above a bound of the chance to move, no ``exp``) gives the
    rule's move for non-positive utilities of any size (``-inf``: a move that is barred), draws spread over
    [0, 1) and draws at the rule's own thresholds and a few ulps either side of them."""
    rng = np.random.default_rng(seed)
    n = 2000
    u_up, u_down = -rng.exponential(scale, (n, 1)), -rng.exponential(scale, (n, 1))
    u_up[rng.random((n, 1)) < 0.1], u_down[rng.random((n, 1)) < 0.3] = -np.inf, -np.inf
    e_up, e_down = fmath.exp(u_up), fmath.exp(u_down)
    total = 1.0 + e_up + e_down
    p_down, p_up = e_down / total, e_up / total
    edge = np.where(rng.random((n, 1)) < 0.5, p_down + p_up, p_down)
    for draws in (rng.random((n, 1)), rng.random((n, 1)) * (p_down + p_up) * 3.0, edge,
                  np.nextafter(edge, 1.0), np.nextafter(edge, 0.0), np.nextafter(np.nextafter(edge, 1.0), 1.0)):
        draws = np.clip(draws, 0.0, np.nextafter(1.0, 0.0))
        assert same(twin(dyad.choose, draws, u_up, u_down), governments.choose(draws, u_up, u_down))
    # and at the shortcut's own threshold, (1/a + 1/b) x SURE, and a few ulps either side of it
    a, b = (np.minimum([[dyad_twins.exp_neg_below(v)] for v in x[:, 0]], dyad_twins.CAP) for x in (u_up, u_down))
    threshold = (1.0 / a + 1.0 / b) * dyad_twins.SURE
    for draws in (threshold, np.nextafter(threshold, 1.0), np.nextafter(threshold, 0.0), threshold * 1.000001):
        draws = np.clip(draws, 0.0, np.nextafter(1.0, 0.0))
        held = twin(dyad.holds, draws, u_up, u_down).astype(bool)
        assert (governments.choose(draws, u_up, u_down)[held] == 0).all()
        assert same(twin(dyad.choose, draws, u_up, u_down), governments.choose(draws, u_up, u_down))
    # where no one can step down (base rung 0: u_down = -inf) the draw holds from about 1/a on, not 2/a
    barred = np.full((n, 1), -np.inf)
    a_up = np.array([[dyad_twins.exp_neg_below(v)] for v in u_up[:, 0]])
    above = 1.01 / a_up
    some = (u_up > -np.inf) & (above < 1.0)
    assert twin(dyad.holds, np.where(some, above, 0.5), u_up, barred).astype(bool)[some].all()
    y = np.concatenate([[0.0, 1e-300, 1e-12, 0.5, 1.0, 30.0, 700.0, 1e300, np.inf], rng.exponential(scale, n)])
    assert (dyad_twins.SURE / np.array([dyad_twins.exp_neg_below(-v) for v in y]) >= fmath.exp(-y)).all()  # margin


@given(seed=st.integers(0, 2**40))
def test_the_ladders_and_talks_arithmetic_is_the_rules(seed, baseline):
    """A ceasefire's breakdown and agreement chances, a broken ceasefire's rung, forces massing and a round's
    success, bit for bit, for parameters over their whole ranges."""
    rng = np.random.default_rng(seed)
    n = 400
    P = random_rows(baseline, rng, n, ("border.ceasefire_break_rate", "border.ceasefire_settling_days",
                                       "border.ceasefire_rate", "border.ripeness_weight",
                                       "border.ceasefire_unrest_lock", "border.ceasefire_memory_days",
                                       "border.mobilisation_days", "border.demobilisation_days",
                                       "border.negotiation_success", "border.talks_ripeness",
                                       "border.ripeness_threshold", "tajikistan.audience_weight",
                                       "kyrgyzstan.audience_weight"))
    b = P.border
    col = lambda lo, hi, k=1: rng.uniform(lo, hi, (n, k))  # noqa: E731
    strength, fragility, local_max, age = col(0, 1), col(0, 2), rng.integers(0, 3, (n, 1)), rng.integers(0, 400, (n, 1))
    assert same(twin(dyad.break_probability, b.ceasefire_break_rate, strength, fragility, local_max, age,
                     b.ceasefire_settling_days),
                ladder.break_probability(P, strength, fragility, local_max, age))
    hurt, audience, unrest_, mediation = col(0, 3, 2), col(0, 1, 2), col(0, 1, 2), col(1, 6)
    aw = P.gov.audience_weight
    assert same(twin(dyad.ceasefire_probability, b.ceasefire_rate, b.ripeness_weight, b.ceasefire_unrest_lock,
                     hurt[:, 0], hurt[:, 1], audience[:, 0], audience[:, 1], aw[:, 0], aw[:, 1], unrest_[:, 0],
                     unrest_[:, 1], mediation),
                ladder.ceasefire_probability(P, hurt, audience, mediation, unrest_))
    cf_from = rng.integers(3, 7, (n, 1))
    assert same(twin(dyad.reentry, cf_from, age, b.ceasefire_memory_days), ladder.reentry(P, cf_from, age))
    readiness, level = col(0, 1), rng.integers(0, 7, (n, 1))
    assert same(twin(dyad.mass_forces, readiness, level, b.mobilisation_days, b.demobilisation_days),
                ladder.mass_forces(P, readiness, level))
    protest, facilitation = col(0, 1), col(1, 3)
    assert same(twin(dyad.success_probability, b.negotiation_success, b.talks_ripeness, b.ripeness_threshold,
                     hurt[:, 0], hurt[:, 1], facilitation, protest),
                negotiation.success_probability(P, hurt, protest, facilitation))


@given(seed=st.integers(0, 2**40))
def test_the_domestic_update_and_daily_factor_arithmetic_is_the_rules(seed, baseline):
    """Rally, audience costs, hurt, the protest's legitimacy cost, legitimacy, capability, protest, succession and
    the day's incident factor, bit for bit, for parameters over their whole ranges."""
    rng = np.random.default_rng(seed)
    n = 400
    P = random_rows(baseline, rng, n, ("tajikistan.rally_jump", "tajikistan.legitimacy_recovery",
                                       "tajikistan.death_cost", "tajikistan.arms_inflow", "tajikistan.succession_rate",
                                       "border.rally_half_life", "border.audience_accrual", "border.audience_decay",
                                       "border.hurt_half_life", "border.hurt_scale", "border.tension_incidents",
                                       "border.agreement_incident_effect", "kyrgyzstan.civil_society",
                                       "kyrgyzstan.protest_threshold", "kyrgyzstan.protest_legitimacy_cost",
                                       "kyrgyzstan.protest_per_death", "kyrgyzstan.protest_displaced",
                                       "kyrgyzstan.protest_decay"))
    g, b, k = P.side(0), P.border, P.kyrgyzstan
    col = lambda lo, hi: rng.uniform(lo, hi, (n, 1))  # noqa: E731
    level_base, agreement, season = rng.integers(0, 7, (n, 1)), col(0, 1), col(0.5, 1.5)
    assert same(twin(dyad.daily_factor, b.agreement_incident_effect, b.tension_incidents, agreement, level_base,
                     season), communities.daily_factor(P, level_base, agreement, season))
    rally, up_in_public = col(0, 1), rng.random((n, 1)) < 0.5
    assert same(twin(dyad.rally_after, rally, governments.decay_factor(b.rally_half_life), g.rally_jump,
                     up_in_public), governments.rally(g, rally, b.rally_half_life, up_in_public))
    stock, public = col(0, 1), rng.random((n, 1)) < 0.5
    assert same(twin(dyad.audience_after, stock, public, b.audience_accrual, b.audience_decay),
                governments.audience(stock, b.audience_accrual, b.audience_decay, public))
    hurt, deaths = col(0, 3), rng.integers(0, 60, (n, 1)).astype(float)
    assert same(twin(dyad.hurt_after, hurt, governments.decay_factor(b.hurt_half_life), deaths, b.hurt_scale),
                governments.hurt(hurt, b.hurt_half_life, deaths, b.hurt_scale))
    pressure = np.where(rng.random((n, 1)) < 0.2, k.protest_threshold, col(0, 1))   # at the threshold too
    cost = governments.protest_cost(k, pressure)
    assert same(twin(dyad.protest_cost, pressure, k.protest_threshold, k.protest_legitimacy_cost), cost)
    legit, anchor = col(0, 1), col(0, 1)
    assert same(twin(dyad.legitimacy_after, legit, g.legitimacy_recovery, anchor, g.death_cost, deaths, cost),
                governments.legitimacy(g, legit, anchor, deaths, cost))
    cap, assistance = col(0.1, 3), col(0, 0.5)
    assert same(twin(dyad.capability_after, cap, g.arms_inflow + assistance),
                governments.capability(cap, g.arms_inflow, assistance))
    fled, population = rng.integers(0, 5000, (n, 1)).astype(float), 400_000.0
    assert same(twin(dyad.protest_after, pressure, k.protest_decay, k.civil_society, k.protest_per_death, deaths,
                     k.protest_displaced, fled, np.full((n, 1), population)),
                governments.protest(k, pressure, deaths, fled / population))
    consolidation = col(0, 1)
    assert same(twin(dyad.succession_after, consolidation, P.tajikistan.succession_rate, rally),
                governments.succession(P.tajikistan, consolidation, rally))


# -- the phases as the numpy rules state them (each phase's code before its kernel) ----------------------------
def begin_reference(s, ctx, today):
    s.move_prev[:] = s.move
    s.deaths_today[:] = 0
    s.fled_today[:] = 0
    today.level_prev = s.level.copy()
    today.daily = communities.daily_factor(ctx.P, s.level_base, s.agreement, communities.season(ctx.P, today.day))


def china_reference(s, ctx, today):
    s.china_until, s.china_action, started = thirdparties.china_step(
        ctx.P, today.level_prev, s.china_until, today.day, uniform(ctx.keys, today.day, Stream.CHINA, 0)[:, None])
    today.record.china_pressure_started = started


def _unrest(P, g, legitimacy, rally, day, col, protest):
    shocks = governments.shock_levels(P.domestic, day)[:, col] * g.shock_scale
    return governments.unrest(legitimacy, rally, g.unrest_shock + protest, shocks)


def decide_reference(s, ctx, today, who):
    P, col, opp, fixed = ctx.P, who.col, who.opp, ctx.fixed
    g = who.params(P.gov)
    protest_unrest = who.each(lambda p: np.zeros_like(p), lambda p: P.kyrgyzstan.protest_unrest * p, s.protest)
    unrest_ = _unrest(P, g, s.legitimacy[:, col], s.rally[:, col], today.day, col, protest_unrest)
    who.put(s, "unrest", unrest_)
    level_eff = np.maximum(s.level_base, s.local_max)
    up = level_eff + 1
    pressure = thirdparties.pressure(P, ctx.terms, s.mediator_engaged, s.mediator_timing, s.china_until >= today.day)
    pressure = (pressure[:, col] if isinstance(pressure, np.ndarray) else pressure) + thirdparties.russian_leverage(
        P.russia, fixed.leverage[:, col], governments.FLANK[up])
    capability, opp_capability = s.capability[:, col], s.capability[:, opp]
    sensitivity = who.each(lambda: np.ones_like(s.protest),
                           lambda: governments.protest_sensitivity(P.kyrgyzstan.protest_casualty, s.protest))
    casualties = governments.casualty_cost(g, fixed.casualty_scale[:, col],
                                           governments.by_rung(fixed.death_profile, up), capability, opp_capability,
                                           sensitivity)
    seg = governments.contested_segment(s.episode, s.origin, s.segment_local, s.local_max)
    share = governments.local_share(capability, opp_capability, g.fortification, P.gov.fortification[:, opp],
                                    ctx.presence, seg, col, opp)
    pull = who.each(lambda: governments.succession_pull(P.tajikistan.succession_effect, s.succession),
                    lambda: governments.protest_pull(P.kyrgyzstan.protest_hawkishness, s.protest))
    u_up, u_down = governments.utilities(
        g, level_eff=level_eff, level_base=s.level_base, unrest_=unrest_,
        provoked=(s.move_prev[:, opp] == UP) | (s.local_max >= GUNFIRE), share=share,
        threshold=P.border.superiority_threshold, backing=ctx.backing[:, col], pressure=pressure,
        pull=pull - ladder.war_weariness(P, s.hurt[:, col]),
        ceasefire=s.ceasefire, cf_strength=s.cf_strength,
        violation_cost=P.border.violation_cost, audience=s.audience[:, col],
        weariness=1.0 + P.border.ripeness_weight * s.hurt[:, col],
        next_cost=governments.rung_cost(g.cost_weight, governments.by_rung(fixed.cost_power, up)),
        base_cost=governments.rung_cost(g.cost_weight, governments.by_rung(fixed.cost_power, s.level_base)),
        rally_ahead=fixed.rally_value[:, col] * unrest_ * governments.PUBLIC[up], casualties=casualties,
        unready=P.border.unprepared_cost * (1.0 - s.readiness) * governments.MAJOR[up])
    s.move[:, col] = governments.choose(uniform(ctx.keys, today.day, Stream.CHOICE, SIDES2[col]), u_up, u_down)


def answer_reference(s, ctx, today, who):
    o, col, shocks = today.offers, who.col, phases.shocks_today(ctx, today)
    for m in range(o.offered.shape[1]):
        i = np.flatnonzero(o.offered[:, m])
        if i.size:
            r = o.rows[i]
            P = ctx.P.take(r)
            g = who.params(P.gov)
            k, protest = P.kyrgyzstan, s.protest[r]
            none = lambda k, p: np.zeros_like(p)  # noqa: E731
            standing = g.unrest_shock + who.each(none, lambda k, p: k.protest_unrest * p, k, protest)
            shocks_r = (shocks if len(shocks) == 1 else shocks[r])[:, col] * g.shock_scale
            unrest_ = governments.unrest(s.legitimacy[r, col], s.rally[r, col], standing, shocks_r)
            bias_protest = who.each(none, lambda k, p: k.protest_bias_aversion * p, k, protest)
            o.accepted[i, m, col] = mediation.answers(P, ctx.registry, g, ctx.keys[r], today.day, s.hurt[r, col], m,
                                                      col, unrest_, bias_protest)


def resolve_reference(s, ctx, today):
    P, geo, keys, day, rec = ctx.P, ctx.geo, ctx.keys, today.day, today.record
    level_eff = np.maximum(s.level_base, s.local_max)
    water_origin = (s.origin >= 0) & geo.segment_water[np.maximum(s.origin, 0)]
    mediation = (mediation_terms.mediation_factor(P, ctx.terms, s.mediator_engaged, s.mediator_timing, water_origin)
                 * thirdparties.economic_leverage(P, s.china_until >= day))
    cf = ladder.resolve(
        P, day=day, level_base=s.level_base, level_eff=level_eff, local_max=s.local_max, moves=s.move,
        ceasefire=s.ceasefire, cf_from=s.cf_from, cf_start=s.cf_start,
        u_break=uniform(keys, day, Stream.CEASEFIRE_BREAK, 0)[:, None],
        p_break=ladder.break_probability(P, s.cf_strength, s.cf_fragility, s.local_max, day - 1 - s.cf_start),
        u_invol=uniform(keys, day, Stream.INVOLUNTARY, 0)[:, None],
        u_cf=uniform(keys, day, Stream.CEASEFIRE, 0)[:, None],
        p_cf=ladder.ceasefire_probability(P, s.hurt, s.audience, mediation, s.unrest), readiness=s.readiness)
    strength, fragility = mediation_terms.ceasefire_terms(P, ctx.terms, s.mediator_engaged, s.agreement)
    strength = np.minimum(1.0, strength + ladder.cost_durability(P, s.hurt))
    s.cf_strength = np.where(cf.agreed, strength, s.cf_strength)
    s.cf_fragility = np.where(cf.agreed, fragility, s.cf_fragility)
    s.level_base, s.level, s.ceasefire, s.cf_from, s.cf_start = (cf.level_base, cf.level, cf.ceasefire, cf.cf_from,
                                                                 cf.cf_start)
    s.days_since_fight = np.where(s.level >= ladder.CLASH, 0, s.days_since_fight + 1)
    s.readiness = ladder.mass_forces(P, s.readiness, s.level)
    ep = ladder.episodes(P, day=day, level=s.level, episode=s.episode, onset=s.episode_onset,
                         calm_days=s.calm_days, origin=s.origin, origin_hint=s.origin_hint,
                         pick_origin=lambda rows: schedule._pick_origin(s, ctx, today, rows))
    s.episode, s.episode_onset, s.calm_days, s.origin, s.origin_hint = (ep.episode, ep.episode_onset, ep.calm_days,
                                                                        ep.origin, ep.origin_hint)
    ended = np.flatnonzero(ep.ending[:, 0])
    if ended.size:
        s.front[ended] = False
    s.segment_level[:] = s.segment_local
    rec.ceasefire_agreed, rec.ceasefire_broken, rec.ceasefire_survived = cf.agreed, cf.broken, cf.survived
    rec.episode_started, rec.episode_ended = ep.starting, ep.ending


def update_reference(s, ctx, today, who):
    P, col, put = ctx.P, who.col, who.put
    g = who.params(P.gov)
    public = s.level >= STANDOFF
    put(s, "rally", governments.rally(g, s.rally[:, col], P.border.rally_half_life, (s.move[:, col] == UP) & public))
    put(s, "audience", governments.audience(s.audience[:, col], P.border.audience_accrual, P.border.audience_decay,
                                            public))
    put(s, "hurt", governments.hurt(s.hurt[:, col], P.border.hurt_half_life, s.deaths_today[:, col],
                                    P.border.hurt_scale))
    k = P.kyrgyzstan
    protest_cost = who.each(lambda: np.zeros_like(s.protest), lambda: governments.protest_cost(k, s.protest))
    put(s, "legitimacy", governments.legitimacy(g, s.legitimacy[:, col], s.legitimacy0[:, col], s.deaths_today[:, col],
                                                protest_cost))
    put(s, "capability", governments.capability(s.capability[:, col], g.arms_inflow, ctx.terms.assistance))
    if 1 in who.index:
        s.protest = governments.protest(P.kyrgyzstan, s.protest, s.deaths_today[:, 1:],
                                        s.fled_today[:, 1:] / ctx.geo.side_population[1])
    if 0 in who.index:
        s.succession = governments.succession(P.tajikistan, s.succession, s.rally[:, :1])


def talks_reference(s, ctx, today):
    P, geo, keys, day = ctx.P, ctx.geo, ctx.keys, today.day
    out = negotiation.negotiate(
        P, geo, level=s.level, episode=s.episode, agreement=s.agreement, demarcated=s.demarcated,
        hurt=s.hurt, protest=s.protest, facilitation=ctx.terms.facilitation,
        u_round=uniform(keys, day, Stream.NEGOTIATION, 0)[:, None],
        u_success=uniform(keys, day, Stream.NEGOTIATION_SUCCESS, 0)[:, None])
    s.agreement = out.agreement
    s.protest = np.minimum(1.0, s.protest + out.conceded * P.kyrgyzstan.protest_concession)
    changed = np.flatnonzero(out.conceded[:, 0])
    if changed.size:
        s.demarcated[changed] = out.demarcated[changed]
        s.hazard_base[changed] = communities.hazard_base(P.take(changed), geo, s.demarcated[changed])
        s.incident_hazard[changed] = communities.incident_hazard(s.hazard_base[changed], s.grievance[changed])


def _copy_today(today):
    """The day's working memory with its own record (the reference writes its own)."""
    other = copy(today)
    other.record = copy(today.record)
    for f in fields(today.record):
        setattr(other.record, f.name, getattr(today.record, f.name).copy())
    return other


# -- each phase, kernel against reference, on states the model reaches ---------------------------------------
@given(points=POINTS, seed=st.integers(0, 2**40), day=st.integers(1, 40))
def test_the_day_begins_and_china_acts_as_the_numpy_rules(points, seed, day):
    s, ctx, today = day_until(points, seed, day, "the day begins")
    expected, theirs = keep_layout(s), _copy_today(today)
    begin_reference(expected, ctx, theirs)
    schedule.begin_day(s, ctx, today)
    assert_same_state(s, expected)
    assert same(today.level_prev, theirs.level_prev) and same(today.daily, theirs.daily)
    china_reference(expected, ctx, theirs)
    phases.china_acts(s, ctx, today)
    assert_same_state(s, expected)
    assert_same_record(today.record, theirs.record)


@pytest.mark.parametrize("one_at_a_time", [False, True], ids=["both governments", "one at a time (Mesa)"])
@given(points=POINTS, seed=st.integers(0, 2**40), day=st.integers(1, 40))
def test_governments_decide_as_the_numpy_rules(points, seed, day, one_at_a_time):
    s, ctx, today = day_until(points, seed, day, "governments decide")
    expected = keep_layout(s)
    decide_reference(expected, ctx, today, BOTH)
    for who in ((side(0), side(1)) if one_at_a_time else (BOTH,)):
        phases.decide(s, ctx, today, who)
    assert_same_state(s, expected)


ANSWER_NAMES = (*(f"{g}.{k}" for g in ("tajikistan", "kyrgyzstan")
                  for k in ("accept_intercept", "bias_aversion", "accept_unrest", "unrest_shock", "shock_scale")),
                "kyrgyzstan.protest_unrest", "kyrgyzstan.protest_bias_aversion", "border.ripeness_weight",
                "russia.bias", "russia.keep_out_pressure", "russia.attention",
                *(f"{g}.perceived_bias" for g in ("osce", "eu", "us")))


@pytest.mark.parametrize("ghost", [False, True], ids=["registry", "with a registered mediator"])
@pytest.mark.parametrize("one_at_a_time", [False, True], ids=["both governments", "one at a time (Mesa)"])
@given(seed=st.integers(0, 2**40), day=st.integers(0, 800), shared=st.booleans())
def test_governments_answer_offers_as_the_numpy_rules(seed, day, shared, one_at_a_time, ghost, baseline):
    """The governments' answers to every mediator's offers (biases joint with Russia's or not, Russia's
    discouragement, the dated shocks, Kyrgyz protest), bit for bit, for parameters over their whole ranges (or one
    parameter point for every row) on random states and offers; the dated shocks by row where the start dates
    differ."""
    from tests.helpers import ghost_registered

    rng = np.random.default_rng(seed)
    n = 120
    with ghost_registered(ghost) as registry:
        spec = registry.schema.table().spec
        names = (*ANSWER_NAMES, "ghost.bias") if ghost else ANSWER_NAMES
        values = {} if shared else {name: rng.uniform(spec(name).ge, spec(name).le, n) for name in names}
        values |= {} if shared else {f"{g}.joint_with_russia": rng.random(n) < 0.5 for g in ("osce", "eu", "us")}
        values |= {} if shared else {"simulation.start_date": [dt.date(2020, 6, 1) + dt.timedelta(days=int(d))
                                                               for d in rng.integers(0, 700, n)]}  # shocks by row
        P = compile_rows(registry.parameters(baseline), values, GEO, n)
        ctx = Context.build(P, GEO, replicate_keys(seed, np.arange(n)), registry)
        m = len(registry.mediators)
    s = initial_state(P, GEO, m)
    for name, hi in (("legitimacy", 1.0), ("rally", 0.6), ("hurt", 3.0)):
        getattr(s, name)[:] = rng.uniform(0, hi, (n, 2))
    s.protest[:] = rng.uniform(0, 1, (n, 1))
    rows = np.flatnonzero(rng.random(n) < 0.6)
    offered = rng.random((rows.size, m)) < 0.5
    today, theirs = schedule.new_day(s, day), schedule.new_day(s, day)
    for t in (today, theirs):
        t.offers = Offers(rows=rows, P=P.take(rows), keys=ctx.keys[rows], days_in=np.zeros((rows.size, 1), dtype=int),
                          engaged=np.zeros((rows.size, m), dtype=bool), offered=offered,
                          accepted=np.zeros((rows.size, m, 2), dtype=bool))
    answer_reference(s, ctx, theirs, BOTH)
    for who in ((side(0), side(1)) if one_at_a_time else (BOTH,)):
        phases.answer(s, ctx, today, who)
    assert same(today.offers.accepted, theirs.offers.accepted)


@given(points=POINTS, seed=st.integers(0, 2**40), day=st.integers(1, 40))
def test_the_ladder_resolves_as_the_numpy_rules(points, seed, day):
    s, ctx, today = day_until(points, seed, day, "the ladder resolves")
    expected, theirs = keep_layout(s), _copy_today(today)
    resolve_reference(expected, ctx, theirs)
    schedule.resolve_ladder(s, ctx, today)
    assert_same_state(s, expected)
    assert_same_record(today.record, theirs.record)


@pytest.mark.parametrize("one_at_a_time", [False, True], ids=["both governments", "one at a time (Mesa)"])
@given(points=POINTS, seed=st.integers(0, 2**40), day=st.integers(1, 40))
def test_governments_update_and_talks_as_the_numpy_rules(points, seed, day, one_at_a_time):
    s, ctx, today = day_until(points, seed, day, "governments update")
    expected = keep_layout(s)
    update_reference(expected, ctx, today, BOTH)
    for who in ((side(0), side(1)) if one_at_a_time else (BOTH,)):
        phases.update_domestic(s, ctx, today, who)
    assert_same_state(s, expected)
    talks_reference(expected, ctx, today)
    schedule.talks(s, ctx, today)
    assert_same_state(s, expected)


# -- the summary's recorder ---------------------------------------------------------------------------------
@given(points=POINTS, seed=st.integers(0, 2**40), days=st.integers(1, 60))
def test_the_recorder_counts_as_its_numpy_reference(points, seed, days):
    """The compiled recorder (:meth:`Recorder.record`) and its numpy statement (:meth:`Recorder.record_numpy`) hold
    the same counts, peaks and first days after every day of runs that reach wars and ceasefires: one point's
    parameters shared by the rows (a threshold read once) or a point per row; 50 rows, so that the mediators'
    tallies (50 x 4) end in a stretch shorter than :func:`~borderSim.outputs.summary._add_events`' 64."""
    P = compile_params(points[0] if len(points) == 1 else [points[i % len(points)] for i in range(50)], GEO, batch=50)
    ctx = Context.build(P, GEO, replicate_keys(seed, np.arange(50)))
    s = initial_state(P, GEO, len(ctx.registry.mediators))
    got, expected = Recorder(s, P, GEO), Recorder(s, P, GEO)
    for day in range(1, days + 1):
        rec = step(s, ctx, day)
        got.record(s, day, rec)
        expected.record_numpy(s, day, rec)
    for name, value in vars(expected).items():
        if isinstance(value, np.ndarray):
            assert same(getattr(got, name), value), name
    for rung, count in expected.episodes.items():
        assert same(got.episodes[rung], count), rung
    reps = np.arange(50)
    pd.testing.assert_frame_equal(got.summary(s, reps), expected.summary(s, reps))


def lone_events(s, rec, rng):
    """Copies of the day's state and record where a few rows each get one more event of a kind the recorder
    counts (some, such as people fleeing with no deaths below a clash, a run does not give alone)."""
    t, r = copy(s), copy(rec)
    for obj, name, value in ((t, "fled_today", 7), (t, "move", UP), (t, "deaths_today", 1), (t, "incidents", 1),
                             (t, "level", CLASH), (t, "mediator_engaged", True), (r, "offered", True),
                             (r, "agreed", True), (r, "ceasefire_agreed", True), (r, "ceasefire_broken", True),
                             (r, "ceasefire_survived", True), (r, "china_pressure_started", True),
                             (r, "episode_started", True)):
        a = getattr(obj, name).copy(order="K")
        a[rng.integers(0, a.shape[0], 2), rng.integers(0, a.shape[1], 2)] = value
        setattr(obj, name, a)
    return t, r


def test_the_recorder_counts_the_baseline_as_its_numpy_reference():
    """The same over 120 days of the baseline at 300 rows (quiet rows, eventful rows and offers all occur), each
    day's state and record given a few lone events (:func:`lone_events`: each way a row becomes one of
    :func:`~borderSim.outputs.summary._eventful`'s), the counts compared after every day."""
    P = compile_params(Parameters(), GEO, batch=300)
    ctx = Context.build(P, GEO, replicate_keys(7, np.arange(300)))
    s = initial_state(P, GEO, len(ctx.registry.mediators))
    got, expected = Recorder(s, P, GEO), Recorder(s, P, GEO)
    rng = np.random.default_rng(7)
    quiet = offers = 0
    for day in range(1, 121):
        rec = step(s, ctx, day)
        quiet += ((s.level < GUNFIRE) & (s.deaths_today.sum(axis=1, keepdims=True) == 0)).sum()
        offers += rec.offered.sum()
        t, r = lone_events(s, rec, rng)
        got.record(t, day, r)
        expected.record_numpy(t, day, r)
        for name, value in vars(expected).items():
            if isinstance(value, np.ndarray):
                assert same(getattr(got, name), value), (day, name)
    assert quiet > 0 and offers > 0


def test_a_recorder_of_some_columns_counts_them_as_the_full_recorder():
    """A recorder of one outcome (its tallies by their numpy statements) holds that outcome's column as the full
    (compiled) recorder does, for every declared outcome, over 150 days of the baseline at 200 rows with each day's
    lone events (:func:`lone_events`); a recorder of several columns holds each of them; an unknown column is
    refused."""
    P = compile_params(Parameters(), GEO, batch=200)
    ctx = Context.build(P, GEO, replicate_keys(11, np.arange(200)))
    s = initial_state(P, GEO, len(ctx.registry.mediators))
    full = Recorder(s, P, GEO)
    names = [o.name for o in full.outcomes]
    some = ("major_episodes", "deaths_total", "episodes_rung4plus", "days_to_first_ceasefire")
    alone = {name: Recorder(s, P, GEO, [name]) for name in names} | {some: Recorder(s, P, GEO, some)}
    assert full.compiled and not any(r.compiled for r in alone.values())
    rng = np.random.default_rng(11)
    for day in range(1, 151):
        rec = step(s, ctx, day)
        t, r = lone_events(s, rec, rng)
        full.record(t, day, r)
        for recorder in alone.values():
            recorder.record(t, day, r)
    reps = np.arange(200)
    expected = full.summary(s, reps)
    assert expected["major_episodes"].sum() > 0 and expected["deaths_total"].sum() > 0
    for key, recorder in alone.items():
        got = recorder.summary(s, reps)
        columns = list(key) if isinstance(key, tuple) else [key]
        assert list(got.columns) == ["replicate", *sorted(columns, key=names.index)]
        pd.testing.assert_frame_equal(got, expected[got.columns], check_exact=True)
    with pytest.raises(ValueError, match="no column deaths_totl"):
        Recorder(s, P, GEO, ["deaths_total", "deaths_totl"])


def test_a_run_of_some_summary_columns_gives_the_full_runs_columns():
    """``evaluate_rows(..., summary_columns=...)`` (a calibration's candidates) gives those columns of the whole run
    and of each period as the run with every column does, and only those."""
    from borderSim.experiments.evaluate.tasks import evaluate_rows

    values = {"border.involuntary_escalation": np.linspace(0.002, 0.1, 40)}
    kept = ("major_episodes", "days_to_first_ceasefire")
    periods = {"first": (1, 90), "second": (91, 200)}
    full, part = (evaluate_rows(Parameters(), values, np.arange(40), seed=3, days=200, periods=periods,
                                summary_columns=columns) for columns in (None, kept))
    assert list(part.summary.columns) == ["replicate", *kept]
    assert list(part.periods.columns) == ["period", "replicate", *kept]
    pd.testing.assert_frame_equal(part.summary, full.summary[part.summary.columns], check_exact=True)
    pd.testing.assert_frame_equal(part.periods, full.periods[part.periods.columns], check_exact=True)
    assert full.summary["major_episodes"].sum() > 0


@given(seed=st.integers(0, 2**40), k=st.integers(1, 6), day=st.integers(-50, 800))
def test_the_shock_levels_kernel_is_the_rule(seed, k, day):
    """The dated shocks' unrest by side, bit for bit, for shocks before, on and after the day, on either side."""
    rng = np.random.default_rng(seed)
    n = 30
    d = SimpleNamespace(shock_day=rng.integers(-100, 800, (n, k)).astype(np.float64),
                        shock_signed=rng.uniform(-0.5, 0.5, (n, k)), shock_factor=rng.uniform(0.5, 1.0, (n, k)),
                        shock_side=rng.integers(0, 2, (n, k)))
    got = dyad.shock_levels(d.shock_day, d.shock_signed, d.shock_factor, d.shock_side, float(day))
    assert same(got, governments.shock_levels(d, day))


def test_each_kernel_reads_its_own_table_and_the_same_values(baseline):
    """Each dyad kernel's table (``rowtable.KERNELS``) holds exactly the fields the kernel reads, with the values of
    the run's whole table, whether the rows share their parameters (one record) or not."""
    for kernel, names in rowtable.KERNELS.items():
        source = inspect.getsource(getattr(dyad, kernel).py_func)
        helpers = [name for name in vars(dyad) if name.startswith("_") and f"{name}(" in source]
        for helper in helpers:      # fields read through the module's own helpers (dyad._weights, ...)
            source += inspect.getsource(getattr(dyad, helper).py_func)
        assert set(re.findall(r"\bp\.(\w+)", source)) == set(names), kernel
    for batch, varied in ((5, False), (5, True)):
        P = compile_params(baseline, GEO, batch=batch)
        if varied:
            P = P.with_columns({"border.ceasefire_rate": np.linspace(0.1, 0.5, batch)[:, None]})
        ctx = Context.build(P, GEO, replicate_keys(1, np.arange(batch)))
        assert ctx.table.shape == (batch if varied else 1,)
        for kernel, names in rowtable.KERNELS.items():
            t = getattr(ctx.tables, kernel)
            rows = batch if varied and "ceasefire_rate" in names else 1    # one record where its fields are shared
            assert t.dtype.names == names and t.shape == (rows,) and not t.flags.writeable
            assert all(same(t[n], ctx.table[n][:rows]) for n in names)
            assert all((t[n][-1] == ctx.table[n]).all() for n in names) if rows == 1 else True


def test_the_rung_tables_read_by_selects_are_the_tables():
    """The choice's bound pass reads the rung tables by comparisons and selects (so that it runs vectorised): the
    very numbers of ``governments.FLANK``, ``PUBLIC``, ``MAJOR`` and of an 8-rung table, bit for bit, at every rung."""
    cost_power = tuple(np.random.default_rng(5).random(8))
    for k in range(8):
        assert same(np.float64(dyad.flank(k)), governments.FLANK[k])
        assert dyad.rung_table(cost_power, k) == cost_power[k]
        assert (k >= 3) == governments.PUBLIC[k] and (k >= 5) == governments.MAJOR[k]
