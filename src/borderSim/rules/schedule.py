"""The day's order, declared once, and the phases that belong to no agent (the dyad, the front, talks).

:data:`DAY` lists the phases; both engines run it (docs/ODD.md, "Process overview and scheduling").
An agent phase (``actors`` set) is one function of :mod:`borderSim.rules.phases` over a selection of
agents: the vectorised core calls it once for everyone, the Mesa model has each agent of ``actors``
call it for itself through its method ``method``. The other phases are called as they are by both.
Phases read yesterday's situation and write today's through the state and the day's
:class:`~borderSim.rules.day.Today`; what the outputs count goes to its :class:`~borderSim.rules.day.DayRecord`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from borderSim.rules import communities, draws, ladder, mediators, military, negotiation, phases, thirdparties
from borderSim.rules.context import Context
from borderSim.rules.day import DayRecord, Front, Offers, Today
from borderSim.rules.mediators import SIDES2
from borderSim.rules.state import State
from borderSim.rules.streams import Stream, uniform, uniform_at


def new_day(s: State, day: int) -> Today:
    """The working memory and an empty record of ``day``."""
    return Today(day=day, record=DayRecord.empty(s.batch, s.mediator_engaged.shape[1]))


def begin_day(s: State, ctx: Context, today: Today) -> None:
    """Roll yesterday's moves and clear the day's counters; note yesterday's rung, the villages'
    common incident factor (tension, agreement, season) and the rows in an episode, where mediators
    may offer."""
    P, day = ctx.P, today.day
    s.move_prev[:] = s.move
    s.deaths_today[:] = 0
    s.fled_today[:] = 0
    today.level_prev = s.level.copy()
    today.daily = communities.daily_factor(P, s.level_base, s.agreement, communities.season(P, day))
    today.offers = _offers_today(s, ctx, day)


def _offers_today(s: State, ctx: Context, day: int) -> Offers | None:
    """The rows in an episode at the start of the day, where mediators may offer (None if none is)."""
    rows = np.flatnonzero(s.episode[:, 0])
    if not rows.size:
        return None
    n = s.mediator_engaged.shape[1]
    return Offers(rows=rows, P=ctx.P.take(rows), keys=ctx.keys[rows], days_in=day - s.episode_onset[rows],
                  engaged=s.mediator_engaged[rows], offered=np.zeros((rows.size, n), dtype=bool),
                  accepted=np.zeros((rows.size, n, 2), dtype=bool))


def aggregate_incidents(s: State, ctx: Context, today: Today) -> None:
    """Per-segment local rungs and the day's counts from the villages' incidents."""
    found = today.incidents
    if len(found) == 1:
        r, c, g = found[0]
    elif found:
        r, c, g = (np.concatenate(a) for a in zip(*found, strict=True))
    else:
        r = c = np.zeros(0, dtype=np.int64)
        g = np.zeros(0, dtype=bool)
    s.segment_local, s.local_max, s.incidents, s.gunfire = ladder.local_levels(r, c, g, s.batch, ctx.geo)


def shootouts(s: State, ctx: Context, today: Today) -> None:
    """Border-guard shoot-outs (incidents turned to gunfire) may kill soldiers of the village's side, on any
    rung, whether or not a capital chose to escalate (record: most of the deadly clashes of 2021-22 were
    such shoot-outs with one or two dead)."""
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


def settle_mediation(s: State, ctx: Context, today: Today) -> None:
    """Mediations begin where both governments accepted an offer (a joint partner's too) and end with the
    episode; outside an episode each mediator does what it does between episodes."""
    o, rec = today.offers, today.record
    s.mediator_engaged[:] = False
    s.mediator_action[:] = ctx.terms.idle
    if o is None:
        return
    entry = mediators.timing_factor(o.P, o.days_in)
    engaged, action, timing, agreed = mediators.settle(o.P, o.engaged, o.offered, o.accepted,
                                                       s.mediator_timing[o.rows], entry)
    s.mediator_engaged[o.rows], s.mediator_action[o.rows], s.mediator_timing[o.rows] = engaged, action, timing
    rec.offered[o.rows], rec.agreed[o.rows] = o.offered, agreed


def resolve_ladder(s: State, ctx: Context, today: Today) -> None:
    """Settle the rung, ceasefires and episodes after the governments' moves."""
    P, geo, keys, day, rec = ctx.P, ctx.geo, ctx.keys, today.day, today.record
    level_eff = np.maximum(s.level_base, s.local_max)
    water_origin = (s.origin >= 0) & geo.segment_water[np.maximum(s.origin, 0)]
    mediation = (mediators.mediation_factor(P, ctx.terms, s.mediator_engaged, s.mediator_timing, water_origin)
                 * thirdparties.economic_leverage(P, s.china_until >= day))
    cf = ladder.resolve(
        P, day=day, level_base=s.level_base, level_eff=level_eff, local_max=s.local_max, moves=s.move,
        ceasefire=s.ceasefire, cf_from=s.cf_from, cf_start=s.cf_start,
        u_break=uniform(keys, day, Stream.CEASEFIRE_BREAK, 0)[:, None],
        p_break=ladder.break_probability(P, s.cf_strength, s.cf_fragility, s.local_max, day - 1 - s.cf_start),
        u_invol=uniform(keys, day, Stream.INVOLUNTARY, 0)[:, None],
        u_cf=uniform(keys, day, Stream.CEASEFIRE, 0)[:, None],
        p_cf=ladder.ceasefire_probability(P, s.hurt, s.audience, mediation, s.unrest))
    strength, fragility = mediators.ceasefire_terms(P, ctx.terms, s.mediator_engaged, s.agreement)
    strength = np.minimum(1.0, strength + ladder.cost_durability(P, s.hurt))
    s.cf_strength = np.where(cf.agreed, strength, s.cf_strength)
    s.cf_fragility = np.where(cf.agreed, fragility, s.cf_fragility)
    s.level_base, s.level, s.ceasefire, s.cf_from, s.cf_start = (cf.level_base, cf.level, cf.ceasefire, cf.cf_from,
                                                                 cf.cf_start)
    s.days_since_fight = np.where(s.level >= ladder.CLASH, 0, s.days_since_fight + 1)
    s.readiness = ladder.mass_forces(P, s.readiness, s.level)
    ep = ladder.episodes(P, day=day, level=s.level, episode=s.episode, onset=s.episode_onset,
                         calm_days=s.calm_days, origin=s.origin, origin_hint=s.origin_hint,
                         pick_origin=lambda rows: _pick_origin(s, ctx, today, rows))
    s.episode, s.episode_onset, s.calm_days, s.origin, s.origin_hint = (ep.episode, ep.episode_onset, ep.calm_days,
                                                                        ep.origin, ep.origin_hint)
    ended = np.flatnonzero(ep.ending[:, 0])
    if ended.size:
        s.front[ended] = False
    s.segment_level[:] = s.segment_local
    rec.ceasefire_agreed, rec.ceasefire_broken, rec.ceasefire_survived = cf.agreed, cf.broken, cf.survived
    rec.episode_started, rec.episode_ended = ep.starting, ep.ending


def _pick_origin(s: State, ctx: Context, today: Today, rows: np.ndarray) -> np.ndarray:
    """The origin segments of the episodes starting today on ``rows`` (drawn from their own stream)."""
    hazard = communities.segment_hazard(s.hazard_base[rows], s.grievance[rows], today.daily[rows], ctx.geo)
    return ladder.origin(ctx.P.take(rows), hazard, s.segment_local[rows],
                         uniform(ctx.keys[rows], today.day, Stream.ORIGIN, 0)[:, None])


def front(s: State, ctx: Context, today: Today) -> None:
    """The front on the rows at rung 4+: it spreads from the origin, and sets the harm intensity and each
    side's exposure."""
    rows = np.flatnonzero(s.level[:, 0] >= ladder.CLASH)
    if not rows.size:
        return
    P, keys, n_seg = ctx.P.take(rows), ctx.keys[rows], ctx.geo.n_segments
    level = s.level[rows]
    on_front = ladder.front(P, s.front[rows], level, s.origin[rows], ctx.geo,
                            lambda step, r: uniform(keys[r], today.day, Stream.FRONT_SPREAD,
                                                    np.arange(step * n_seg, (step + 1) * n_seg)))
    major = np.flatnonzero(level[:, 0] >= ladder.MAJOR_CLASH)
    if major.size:
        r = rows[major]
        u = uniform(keys[major], today.day, Stream.SECOND_FRONT, np.arange(2))
        hazard = communities.segment_hazard(s.hazard_base[r], s.grievance[r], today.daily[r], ctx.geo)
        on_front[major] = ladder.second_front(P.take(major), on_front[major], level[major], hazard, u[:, :1], u[:, 1:],
                                              ctx.geo)
    s.front[rows] = on_front
    s.segment_level[rows] = ladder.segment_levels(level, on_front, s.segment_local[rows])
    today.front = Front(rows=rows, P=P, on_front=on_front, fire=ladder.fire(P, on_front, s.origin[rows], ctx.geo),
                        intensity=ladder.intensity(P, level) * ladder.firepower(P, s.capability[rows]),
                        exposure=communities.village_exposure(P, s.capability[rows]))


def military_losses(s: State, ctx: Context, today: Today) -> None:
    """Soldiers killed and wounded on the rows at rung 4+."""
    f = today.front
    if f is None:
        return
    rows, keys = f.rows, ctx.keys[f.rows]
    md, mw = military.losses(f.P, f.intensity, f.fire.sum(axis=1, keepdims=True),
                             communities.exposure(s.capability[rows]),
                             uniform(keys, today.day, Stream.MILITARY_DEATHS, SIDES2),
                             uniform(keys, today.day, Stream.MILITARY_WOUNDED, SIDES2))
    s.deaths_military[rows] += md
    s.wounded_military[rows] += mw
    s.deaths_today[rows] += md


def talks(s: State, ctx: Context, today: Today) -> None:
    """Demarcation rounds; a conceded segment stops most of its villages' incident hazard."""
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


@dataclass(frozen=True)
class Phase:
    """One step of the day: ``run(state, context, today[, who])``; ``actors`` names who acts in an agent
    phase (``villages``, ``china``, ``mediators``, ``governments``) and ``method`` the Mesa agents' method
    that runs it for their own selection."""

    name: str
    run: Callable[..., object]
    actors: str | None = None
    method: str | None = None


#: The day, in order (docs/ODD.md, "Process overview and scheduling").
DAY: tuple[Phase, ...] = (
    Phase("the day begins", begin_day),
    Phase("villages observe", phases.observe, "villages", "observe"),
    Phase("incidents add up", aggregate_incidents),
    Phase("shoot-outs", shootouts),
    Phase("China acts", phases.china_acts, "china", "act"),
    Phase("mediators offer", phases.offer, "mediators", "act"),
    Phase("governments answer offers", phases.answer, "governments", "answer"),
    Phase("mediations begin and end", settle_mediation),
    Phase("governments decide", phases.decide, "governments", "decide"),
    Phase("the ladder resolves", resolve_ladder),
    Phase("the front forms", front),
    Phase("villages endure", phases.endure, "villages", "endure"),
    Phase("soldiers fall", military_losses),
    Phase("villages recover", phases.recover, "villages", "recover"),
    Phase("governments update", phases.update_domestic, "governments", "update_domestic"),
    Phase("talks", talks),
)
