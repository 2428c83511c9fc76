"""One day of the model over a whole batch: the agents' phases vectorised over rows and villages.

The schedule and the phases that belong to no agent live in :mod:`borderSim.rules.schedule`; this
module writes the agent phases (villages, third parties, governments) as array operations over all
rows at once, calling the same rule functions the Mesa agents call one by one. Phases that touch only
some rows or villages (gunfire, the front, returns, the mediators) are evaluated on those alone: draws are keyed by
(replicate, day, stream, slot), so the numbers do not depend on what else is evaluated.
"""

from __future__ import annotations

import numpy as np

from borderSim.rules import communities, governments, kernels, schedule, thirdparties
from borderSim.rules.ladder import CLASH, GUNFIRE, STANDOFF, UP
from borderSim.rules.params import sides
from borderSim.rules.schedule import SIDES2, Context
from borderSim.rules.state import State
from borderSim.rules.streams import Stream, uniform, uniform_at
from borderSim.rules.thirdparties import SIDE_SIGN, MediatorAction

__all__ = ["Context", "step"]


def step(s: State, ctx: Context, day: int) -> None:
    """Advance every row of ``s`` from ``day - 1`` to ``day`` in place."""
    level_prev = schedule.begin_day(s)
    r, c = _villages_observe(s, ctx, day)
    schedule.aggregate_incidents(s, ctx, r, c)
    offers = _third_parties(s, ctx, day, level_prev)
    _governments_decide(s, ctx, day)
    cf, ep = schedule.resolve_ladder(s, ctx, day)
    fight = np.flatnonzero(s.level[:, 0] >= CLASH)
    if fight.size:
        P, on_front, intens, expo = schedule.front_today(s, ctx, fight)
        _villages_endure(s, ctx, day, fight, P, on_front, intens, expo)
        schedule.military_losses(s, ctx, day, fight, P, on_front, intens)
    _villages_recover(s, ctx, day)
    _governments_update(s, ctx)
    schedule.talks(s, ctx, day)
    schedule.bookkeeping(s, ctx, day, cf, ep, offers)


def _villages_observe(s: State, ctx: Context, day: int) -> tuple[np.ndarray, np.ndarray]:
    P, keys = ctx.P, ctx.keys
    r, c = kernels.incidents(keys, day, ctx.village_slots, s.hazard_base, s.grievance,
                             communities.daily_factor(P, s.level_base, s.agreement),
                             communities.season(P, day), ctx.geo.water_point)
    s.incident[:] = False
    s.gunfire_v[:] = False
    s.incident[r, c] = True
    if r.size:
        pg = communities.gunfire_probability(P.take(r), s.level_base[r])
        s.gunfire_v[r, c] = uniform_at(keys[r], day, Stream.GUNFIRE, c) < pg[:, 0]
    return r, c


def _third_parties(s: State, ctx: Context, day: int, level_prev: np.ndarray) -> dict:
    """China on every row; Russia and the West only on the rows in an episode (outside one nobody
    offers or mediates: the West facilitates talks where it is preventive, else all is quiet)."""
    P, keys = ctx.P, ctx.keys
    s.china_until, s.china_action, c_started = thirdparties.china_step(
        P, level_prev, s.china_until, day, uniform(keys, day, Stream.CHINA, 0)[:, None])
    e = np.flatnonzero(s.episode[:, 0])
    r_engaged, w_engaged = s.russia_engaged[e], s.west_engaged[e]
    s.russia_engaged, s.west_engaged = np.zeros_like(s.russia_engaged), np.zeros_like(s.west_engaged)
    s.russia_action = np.full_like(s.russia_action, MediatorAction.NONE)
    s.west_action = np.where(P.western.preventive, MediatorAction.FACILITATING_TALKS,
                             MediatorAction.NONE).astype(np.int64)
    offers = {k: np.zeros_like(s.episode) for k in ("russia_offered", "russia_agreed", "west_offered",
                                                     "west_agreed")}
    offers["china_started"] = c_started
    if not e.size:
        return offers
    Pe, ke, episode = P.take(e), keys[e], np.ones((e.size, 1), dtype=bool)
    days_in = day - s.episode_onset[e]
    p_offer = thirdparties.russia_offer_probability(Pe)
    u_offer = uniform(ke, day, Stream.RUSSIA_OFFER, 0)[:, None]
    accepted = _answers(s, ctx, day, e, ~r_engaged & (u_offer < p_offer), Pe.russia.bias, Stream.RUSSIA_ACCEPT)
    r_engaged, r_action, r_offered, r_agreed = thirdparties.mediator_step(
        episode, r_engaged, p_offer, u_offer, accepted, True)
    r_timing = np.where(r_agreed, thirdparties.timing_factor(Pe, days_in), s.russia_timing[e])

    p_offer = thirdparties.west_offer_probability(Pe, days_in)
    u_offer = uniform(ke, day, Stream.WEST_OFFER, 0)[:, None]
    accepted = _answers(s, ctx, day, e, ~w_engaged & (u_offer < p_offer), thirdparties.west_bias(Pe),
                        Stream.WEST_ACCEPT)
    w_engaged, w_action, w_offered, w_agreed = thirdparties.mediator_step(
        episode, w_engaged, p_offer, u_offer, accepted, Pe.western.willingness > 0)
    timing = thirdparties.timing_factor(Pe, days_in)
    s.west_timing[e] = np.where(w_agreed, timing, s.west_timing[e])
    joint = w_agreed & Pe.western.joint_with_russia & ~r_engaged
    s.russia_engaged[e], s.russia_action[e] = r_engaged | joint, np.where(joint, MediatorAction.ACCEPTED, r_action)
    s.russia_timing[e] = np.where(joint, timing, r_timing)
    s.west_engaged[e], s.west_action[e] = w_engaged, w_action
    for k, v in (("russia_offered", r_offered), ("russia_agreed", r_agreed), ("west_offered", w_offered),
                 ("west_agreed", w_agreed)):
        offers[k][e] = v
    return offers


def _answers(s: State, ctx: Context, day: int, rows: np.ndarray, offered: np.ndarray, bias: np.ndarray,
             stream: Stream) -> np.ndarray:
    """(len(rows), 2) whether each government of ``rows`` accepts today's offer, where one was made."""
    accepted = np.zeros((rows.size, 2), dtype=bool)
    i = np.flatnonzero(offered[:, 0])
    if i.size:
        r = rows[i]
        P = ctx.P.take(r)
        p = thirdparties.acceptance(P.gov, bias[i], s.hurt[r], P.border.ripeness_weight, SIDE_SIGN)
        accepted[i] = uniform(ctx.keys[r], day, stream, SIDES2) < p
    return accepted


def _governments_decide(s: State, ctx: Context, day: int) -> None:
    P = ctx.P
    pressure = thirdparties.pressure(P, s.russia_engaged, s.west_engaged, s.china_until >= day)
    pull = sides(governments.succession_pull(P.tajikistan.succession_effect, s.succession),
                 governments.protest_pull(P.kyrgyzstan.protest_hawkishness, s.protest))
    u_up, u_down = governments.utilities(
        P.gov, level_eff=np.maximum(s.level_base, s.local_max), level_base=s.level_base,
        unrest_=governments.unrest(s.legitimacy, s.rally, P.gov.unrest_shock),
        provoked=(s.move_prev[:, ::-1] == UP) | (s.local_max >= GUNFIRE), capability=s.capability,
        opp_capability=s.capability[:, ::-1], threshold=P.border.superiority_threshold,
        backing=ctx.backing, pressure=pressure, pull=pull, ceasefire=s.ceasefire,
        cf_strength=s.cf_strength, violation_cost=P.border.violation_cost, audience=s.audience,
        cost_exponent=P.border.cost_exponent, weariness=1.0 + P.border.ripeness_weight * s.hurt)
    s.move[:] = governments.choose(uniform(ctx.keys, day, Stream.CHOICE, SIDES2), u_up, u_down)


def _villages_endure(s: State, ctx: Context, day: int, rows, P, on_front, intens, expo) -> None:
    """Shelling, civilian harm and flight in the villages on the front."""
    geo, keys = ctx.geo, ctx.keys
    fr, fc = kernels.nonzero_2d(on_front[:, geo.segment])
    rr, side = rows[fr], geo.side[fc]
    Pp = P.take(fr)
    intens_p, expo_p = intens[fr], expo[fr, side][:, None]
    residents = s.residents[rr, fc][:, None]
    shelled = (uniform_at(keys[rr], day, Stream.SHELLING, fc)[:, None]
               < communities.shelling_probability(Pp, intens_p, expo_p))[:, 0]
    deaths = np.zeros_like(residents)
    if shelled.any():
        i = np.flatnonzero(shelled)
        ks, ri, ci, si = keys[rr[i]], rr[i], fc[i], side[i]
        d, w, h = communities.civilian_harm(
            Pp.take(i), residents[i], geo.population[ci][:, None], intens_p[i],
            uniform_at(ks, day, Stream.CIVILIAN_DEATHS, ci)[:, None],
            uniform_at(ks, day, Stream.CIVILIAN_WOUNDED, ci)[:, None],
            uniform_at(ks, day, Stream.HOMES, ci)[:, None])
        deaths[i] = d
        kernels.add_harm(ri, ci, si, d[:, 0], w[:, 0], h[:, 0], s.dead, s.wounded, s.homes,
                         s.deaths_civilian, s.wounded_civilian, s.homes_destroyed, s.deaths_today)
        s.grievance[ri, ci] = communities.grievance_after_losses(
            Pp.take(i), s.grievance[ri, ci][:, None], d, h)[:, 0]
        s.grievance_dirty[ri] = True
    left = residents - deaths
    civil = Pp.gov.civil_society[np.arange(len(fr)), side][:, None]
    fled = communities.flight(Pp, left, intens_p, expo_p, civil,
                              uniform_at(keys[rr], day, Stream.FLIGHT, fc)[:, None])[:, 0]
    kernels.add_flight(rr, fc, side, left[:, 0], fled, s.residents, s.displaced, s.fled_today, s.displaced_now)


def _villages_recover(s: State, ctx: Context, day: int) -> None:
    """Returns of the displaced once fighting has stopped; grievance relaxes."""
    P, keys = ctx.P, ctx.keys
    ready = s.days_since_fight[:, 0] >= P.communities.return_delay_days[:, 0]
    rows = np.flatnonzero(ready & (s.displaced_now.sum(axis=1) > 0))
    if rows.size:
        kernels.apply_returns(keys, day, rows, ctx.village_slots, s.displaced, s.residents, s.displaced_now,
                              ctx.geo.side, P.communities.return_rate[rows])
    dirty = np.flatnonzero(s.grievance_dirty[:, 0]) if communities.relaxes_today(day) else ()
    if len(dirty):
        kernels.relax_grievance(dirty, s.grievance, s.grievance0, communities.relax_factor(P.take(dirty))[:, 0],
                                communities.RELAX_SNAP, s.grievance_dirty[:, 0])


def _governments_update(s: State, ctx: Context) -> None:
    P, geo = ctx.P, ctx.geo
    public = s.level >= STANDOFF
    s.rally = governments.rally(P.gov, s.rally, P.border.rally_half_life, (s.move == UP) & public)
    s.audience = governments.audience(s.audience, P.border.audience_accrual, P.border.audience_decay, public)
    s.hurt = governments.hurt(s.hurt, P.border.hurt_half_life, s.deaths_today, P.border.hurt_scale)
    k = P.kyrgyzstan
    protest_cost = sides(np.zeros_like(s.protest), (s.protest >= k.protest_threshold) * k.protest_legitimacy_cost)
    s.legitimacy = governments.legitimacy(P.gov, s.legitimacy, s.legitimacy0, s.deaths_today, protest_cost)
    s.capability = governments.capability(s.capability, P.gov.arms_inflow, P.western.security_assistance)
    s.protest = governments.protest(k, s.protest, s.deaths_today[:, 1:],
                                    s.fled_today[:, 1:] / geo.side_population[1])
    s.succession = governments.succession(P.tajikistan, s.succession, s.rally[:, :1])
