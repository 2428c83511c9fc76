"""The agents' phases, each written once over a selection of agents, for both engines.

Each function takes the state, the run's :class:`~borderSim.rules.context.Context`, the day's
:class:`~borderSim.rules.day.Today` and *who* acts: the vectorised core passes everyone (all villages,
both governments, every mediator) over all rows; a Mesa agent passes itself (its village column,
its government's side, its mediator column) over its batch of one. Where only some rows matter (the
rows in an episode, at war, with displaced residents) the function selects them itself: draws are
keyed by (replicate, day, stream, slot), so evaluating fewer rows or one agent at a time changes no
number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from borderSim.rules import communities, governments, kernels, ladder, mediators, thirdparties
from borderSim.rules.context import Context
from borderSim.rules.day import Today
from borderSim.rules.ladder import GUNFIRE, STANDOFF, UP
from borderSim.rules.params import ParamArrays, columns, sides
from borderSim.rules.state import State
from borderSim.rules.streams import Stream, uniform, uniform_at

SIDES2 = mediators.SIDES2


@dataclass(frozen=True)
class Sides:
    """Which governments act: both (the core) or one (a Mesa agent)."""

    col: slice          # their columns of the side arrays
    opp: slice          # their opponents' columns, in the same order
    index: tuple[int, ...]

    def params(self, gov):
        """Their parameters, from the ``(B, 2)`` government parameters ``gov``."""
        return gov if len(self.index) == 2 else columns(gov, self.col)

    def put(self, s: State, name: str, value: np.ndarray) -> None:
        """Set these sides' columns of the side array ``name`` of ``s`` (both: the array itself)."""
        if len(self.index) == 2:
            setattr(s, name, value)
        else:
            getattr(s, name)[:, self.col] = value

    def each(self, tajik, kyrgyz, *args) -> np.ndarray:
        """The side-specific values of ``tajik(*args)`` and ``kyrgyz(*args)``, for these sides."""
        if len(self.index) == 2:
            return sides(tajik(*args), kyrgyz(*args))
        return (tajik, kyrgyz)[self.index[0]](*args)


BOTH = Sides(slice(0, 2), slice(None, None, -1), (0, 1))


def side(k: int) -> Sides:
    """Government ``k`` alone (0 Tajikistan, 1 Kyrgyzstan)."""
    return Sides(slice(k, k + 1), slice(1 - k, 2 - k), (k,))


# -- villages ---------------------------------------------------------------------------------------
def observe(s: State, ctx: Context, today: Today, villages: slice) -> None:
    """Villages observe: an incident from grievance, the border's tension and the season; border guards
    may turn it into gunfire. Appends the (rows, villages, gunfire) of the incidents to ``today``."""
    day, keys = today.day, ctx.keys
    slots = ctx.village_slots[villages]
    r, c = kernels.incidents(keys, day, slots, s.hazard_base[:, villages], s.grievance[:, villages], today.daily)
    if villages.start:
        c = slots[c]
    s.incident[:, villages] = False
    s.gunfire_v[:, villages] = False
    if r.size:
        s.incident[r, c] = True
        pg = communities.gunfire_probability(ctx.P.take(r), s.level_base[r])
        gunfire = uniform_at(keys[r], day, Stream.GUNFIRE, c) < pg[:, 0]
        s.gunfire_v[r, c] = gunfire
        today.incidents.append((r, c, gunfire))


def endure(s: State, ctx: Context, today: Today, villages: slice) -> tuple[np.ndarray, np.ndarray]:
    """Villages on the front take fire by their segment's share of it: they may be shelled (deaths,
    wounded, homes destroyed; grievance rises) and residents flee. Returns the (rows, villages) shelled."""
    f, geo, keys, day = today.front, ctx.geo, ctx.keys, today.day
    none = np.zeros(0, dtype=np.int64)
    if f is None:
        return none, none
    under_fire = f.fire[:, geo.segment[villages]]
    if not under_fire.any():
        return none, none
    slots = ctx.village_slots[villages]
    fr, fc = kernels.nonzero_2d(under_fire)
    if villages.start:
        fc = slots[fc]
    rr, side_ = f.rows[fr], geo.side[fc]
    Pp = f.P.take(fr)
    intens = f.intensity[fr] * f.fire[fr, geo.segment[fc]][:, None]
    danger = communities.shelling_probability(Pp, intens, f.exposure[fr, side_][:, None])
    residents = s.residents[rr, fc][:, None]
    shelled = (uniform_at(keys[rr], day, Stream.SHELLING, fc)[:, None] < danger)[:, 0]
    deaths = np.zeros_like(residents)
    i = np.flatnonzero(shelled)
    if i.size:
        ks, ri, ci, si = keys[rr[i]], rr[i], fc[i], side_[i]
        d, w, h = communities.civilian_harm(
            Pp.take(i), residents[i], geo.population[ci][:, None], intens[i],
            uniform_at(ks, day, Stream.CIVILIAN_DEATHS, ci)[:, None],
            uniform_at(ks, day, Stream.CIVILIAN_WOUNDED, ci)[:, None],
            uniform_at(ks, day, Stream.HOMES, ci)[:, None],
            (communities.housing_stock(geo.population[ci]) - s.homes[ri, ci])[:, None])
        deaths[i] = d
        kernels.add_harm(ri, ci, si, d[:, 0], w[:, 0], h[:, 0], s.dead, s.wounded, s.homes,
                         s.deaths_civilian, s.wounded_civilian, s.homes_destroyed, s.deaths_today)
        s.grievance[ri, ci] = communities.grievance_after_losses(
            Pp.take(i), s.grievance[ri, ci][:, None], d, h)[:, 0]
        s.grievance_dirty[ri] = True
    left = residents - deaths
    civil = Pp.gov.civil_society[np.arange(len(fr)), side_][:, None]
    fled = communities.flight(Pp, left, danger, civil, uniform_at(keys[rr], day, Stream.FLIGHT, fc)[:, None])
    kernels.add_flight(rr, fc, side_, left[:, 0], fled[:, 0], s.residents, s.displaced, s.fled_today,
                       s.displaced_now)
    return rr[i], fc[i]


def recover(s: State, ctx: Context, today: Today, villages: slice) -> None:
    """Once fighting has stopped the displaced come home; once a week grievance relaxes toward its
    baseline (on the rows where some village is away from it)."""
    P, keys, day = ctx.P, ctx.keys, today.day
    slots = ctx.village_slots[villages]
    rows = today.returning
    if rows is None:   # rows where fighting stopped long enough ago and someone is displaced, as the phase begins
        ready = s.days_since_fight[:, 0] >= P.communities.return_delay_days[:, 0]
        rows = today.returning = np.flatnonzero(ready & (s.displaced_now.sum(axis=1) > 0))
    if rows.size:
        kernels.apply_returns(keys, day, rows, slots, s.displaced, s.residents, s.displaced_now, ctx.geo.side,
                              P.communities.return_rate[rows])
    if communities.relaxes_today(day):
        dirty = np.flatnonzero(s.grievance_dirty[:, 0])
        if dirty.size:
            kernels.relax_grievance(dirty, slots, s.grievance, s.grievance0,
                                    communities.relax_factor(P.take(dirty))[:, 0], communities.RELAX_SNAP,
                                    s.grievance_dirty[:, 0])


# -- third parties ------------------------------------------------------------------------------------
def china_acts(s: State, ctx: Context, today: Today, who: None = None) -> None:
    """China, on yesterday's rung: a bout of quiet economic pressure when fighting threatens its assets."""
    s.china_until, s.china_action, started = thirdparties.china_step(
        ctx.P, today.level_prev, s.china_until, today.day, uniform(ctx.keys, today.day, Stream.CHINA, 0)[:, None])
    today.record.china_pressure_started = started


def offer(s: State, ctx: Context, today: Today, who: slice) -> None:
    """Mediators ``who`` (columns of the mediator arrays) that are not yet mediating offer mediation
    on the rows in an episode, each with its daily chance."""
    o = today.offers
    if o is None:
        return
    sit = mediators.Situation(days_in=o.days_in, level=s.level[o.rows], engaged=o.engaged)
    for m in range(len(mediators.MEDIATORS))[who]:
        o.offered[:, m:m + 1] = mediators.offers(o.P, o.keys, today.day, sit, m)


# -- governments ---------------------------------------------------------------------------------------
def _no_bias_protest(P: ParamArrays, protest: np.ndarray) -> np.ndarray:
    return np.zeros_like(protest)


def _bias_protest(P: ParamArrays, protest: np.ndarray) -> np.ndarray:
    return P.kyrgyzstan.protest_bias_aversion * protest


def answer(s: State, ctx: Context, today: Today, who: Sides) -> None:
    """Governments ``who`` answer today's mediation offers: more readily the less the mediator leans
    against them (Kyrgyzstan: the less so under protest), the more they hurt and the higher their unrest."""
    o = today.offers
    if o is None:
        return
    col = who.col
    for m in range(o.offered.shape[1]):
        i = np.flatnonzero(o.offered[:, m])
        if i.size:
            r = o.rows[i]
            P = ctx.P.take(r)
            g = who.params(P.gov)
            unrest_ = _unrest(P, g, s.legitimacy[r, col], s.rally[r, col], today.day, col,
                              who.each(_no_protest_unrest, _protest_unrest, P, s.protest[r]))
            o.accepted[i, m, col] = mediators.answers(P, g, ctx.keys[r], today.day, s.hurt[r, col], m, col, unrest_,
                                                      who.each(_no_bias_protest, _bias_protest, P, s.protest[r]))


def _succession_pull(P: ParamArrays, s: State) -> np.ndarray:
    return governments.succession_pull(P.tajikistan.succession_effect, s.succession)


def _protest_pull(P: ParamArrays, s: State) -> np.ndarray:
    return governments.protest_pull(P.kyrgyzstan.protest_hawkishness, s.protest)


def _no_sensitivity(P: ParamArrays, s: State) -> np.ndarray:
    return np.ones_like(s.protest)


def _protest_sensitivity(P: ParamArrays, s: State) -> np.ndarray:
    return governments.protest_sensitivity(P.kyrgyzstan.protest_casualty, s.protest)


def _no_protest_unrest(P: ParamArrays, protest: np.ndarray) -> np.ndarray:
    return np.zeros_like(protest)


def _protest_unrest(P: ParamArrays, protest: np.ndarray) -> np.ndarray:
    return P.kyrgyzstan.protest_unrest * protest


def _unrest(P: ParamArrays, g, legitimacy: np.ndarray, rally: np.ndarray, day: int, col: slice,
            protest: np.ndarray) -> np.ndarray:
    """Unrest of the governments in columns ``col`` (``g`` their parameters) on ``day``: dated shocks and (Kyrgyz)
    protest included."""
    shocks = governments.shock_levels(P.domestic, day)[:, col] * g.shock_scale
    return governments.unrest(legitimacy, rally, g.unrest_shock + protest, shocks)


def decide(s: State, ctx: Context, today: Today, who: Sides) -> None:
    """Governments ``who`` choose, simultaneously, to step down, hold or escalate (multinomial logit)."""
    P, col, opp, fixed = ctx.P, who.col, who.opp, ctx.fixed
    g = who.params(P.gov)
    unrest_ = _unrest(P, g, s.legitimacy[:, col], s.rally[:, col], today.day, col,
                      who.each(_no_protest_unrest, _protest_unrest, P, s.protest))
    who.put(s, "unrest", unrest_)
    level_eff = np.maximum(s.level_base, s.local_max)
    up = level_eff + 1
    pressure = thirdparties.pressure(P, ctx.terms, s.mediator_engaged, s.mediator_timing, s.china_until >= today.day)
    pressure = (pressure[:, col] if isinstance(pressure, np.ndarray) else pressure) + thirdparties.russian_leverage(
        P.russia, fixed.leverage[:, col], governments.FLANK[up])
    capability, opp_capability = s.capability[:, col], s.capability[:, opp]
    casualties = governments.casualty_cost(g, fixed.casualty_scale[:, col],
                                           governments.by_rung(fixed.death_profile, up), capability, opp_capability,
                                           who.each(_no_sensitivity, _protest_sensitivity, P, s))
    seg = governments.contested_segment(s.episode, s.origin, s.segment_local, s.local_max)
    share = governments.local_share(capability, opp_capability, g.fortification, P.gov.fortification[:, opp],
                                    ctx.presence, seg, col, opp)
    u_up, u_down = governments.utilities(
        g, level_eff=level_eff, level_base=s.level_base, unrest_=unrest_,
        provoked=(s.move_prev[:, opp] == UP) | (s.local_max >= GUNFIRE), share=share,
        threshold=P.border.superiority_threshold, backing=ctx.backing[:, col], pressure=pressure,
        pull=who.each(_succession_pull, _protest_pull, P, s) - ladder.war_weariness(P, s.hurt[:, col]),
        ceasefire=s.ceasefire, cf_strength=s.cf_strength,
        violation_cost=P.border.violation_cost, audience=s.audience[:, col],
        weariness=1.0 + P.border.ripeness_weight * s.hurt[:, col],
        next_cost=governments.rung_cost(g.cost_weight, governments.by_rung(fixed.cost_power, up)),
        base_cost=governments.rung_cost(g.cost_weight, governments.by_rung(fixed.cost_power, s.level_base)),
        rally_ahead=fixed.rally_value[:, col] * unrest_ * governments.PUBLIC[up], casualties=casualties,
        unready=P.border.unprepared_cost * (1.0 - s.readiness) * governments.MAJOR[up])
    s.move[:, col] = governments.choose(uniform(ctx.keys, today.day, Stream.CHOICE, SIDES2[col]), u_up, u_down)


def _no_protest_cost(P: ParamArrays, s: State) -> np.ndarray:
    return np.zeros_like(s.protest)


def _protest_cost(P: ParamArrays, s: State) -> np.ndarray:
    k = P.kyrgyzstan
    return (s.protest >= k.protest_threshold) * k.protest_legitimacy_cost


def update_domestic(s: State, ctx: Context, today: Today, who: Sides) -> None:
    """Governments ``who`` update rally, audience costs, hurt, legitimacy and capability after the
    day's events; Tajikistan its succession, Kyrgyzstan its protest pressure."""
    P, col, put = ctx.P, who.col, who.put
    g = who.params(P.gov)
    public = s.level >= STANDOFF
    put(s, "rally", governments.rally(g, s.rally[:, col], P.border.rally_half_life, (s.move[:, col] == UP) & public))
    put(s, "audience", governments.audience(s.audience[:, col], P.border.audience_accrual, P.border.audience_decay,
                                            public))
    put(s, "hurt", governments.hurt(s.hurt[:, col], P.border.hurt_half_life, s.deaths_today[:, col],
                                    P.border.hurt_scale))
    put(s, "legitimacy", governments.legitimacy(g, s.legitimacy[:, col], s.legitimacy0[:, col], s.deaths_today[:, col],
                                                who.each(_no_protest_cost, _protest_cost, P, s)))
    put(s, "capability", governments.capability(s.capability[:, col], g.arms_inflow, ctx.terms.assistance))
    if 1 in who.index:
        s.protest = governments.protest(P.kyrgyzstan, s.protest, s.deaths_today[:, 1:],
                                        s.fled_today[:, 1:] / ctx.geo.side_population[1])
    if 0 in who.index:
        s.succession = governments.succession(P.tajikistan, s.succession, s.rally[:, :1])
