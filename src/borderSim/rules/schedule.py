"""The day's schedule and the phases that belong to no agent (the dyad, the front, the talks).

Both engines run the same schedule (docs/ODD.md, "Process overview and scheduling"):

1. ``begin_day``;
2. villages observe: incidents and gunfire (agents); ``aggregate_incidents``;
3. third parties act on the previous day's situation: Russia, China, the West, each offer answered
   by both governments (agents);
4. governments decide, simultaneously (agents);
5. ``resolve_ladder``: ceasefire breaches, moves, unchosen escalation, new ceasefires, episodes;
6. ``front_today``; villages on the front endure shelling and flight (agents); ``military_losses``;
7. villages recover: returns and grievance (agents);
8. governments update their domestic position (agents);
9. ``talks``: demarcation rounds;
10. ``bookkeeping`` for the summary.

Agent phases are written twice, vectorised in :mod:`borderSim.core.engine` and per agent in
:mod:`borderSim.model`, both calling the rule functions; the phases here are shared verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from borderSim.geography import Geography
from borderSim.rules import communities, ladder, military, negotiation, thirdparties, tracking
from borderSim.rules.params import ParamArrays
from borderSim.rules.state import State
from borderSim.rules.streams import Stream, uniform

SIDES2 = np.array([0, 1])
SIDES2.flags.writeable = False


@dataclass(frozen=True)
class Context:
    """What stays fixed while a batch runs."""

    P: ParamArrays
    geo: Geography
    keys: np.ndarray          # (B,) uint64 stream keys
    backing: np.ndarray       # (B, 2) expected patron backing
    village_slots: np.ndarray

    @classmethod
    def build(cls, P: ParamArrays, geo: Geography, keys: np.ndarray) -> Context:
        return cls(P=P, geo=geo, keys=keys, backing=thirdparties.backing(P),
                   village_slots=np.arange(geo.n_villages))


def begin_day(s: State) -> np.ndarray:
    """Roll yesterday's moves and clear the day's counters; returns yesterday's rung."""
    s.move_prev[:] = s.move
    s.deaths_today[:] = 0
    s.fled_today[:] = 0
    return s.level.copy()


def aggregate_incidents(s: State, ctx: Context, r: np.ndarray, c: np.ndarray) -> None:
    """Per-segment local rungs and the day's counts from the villages' incidents at (``r``, ``c``)."""
    s.segment_local, s.local_max, s.incidents, s.gunfire = ladder.local_levels(
        r, c, s.gunfire_v[r, c], s.batch, ctx.geo)


def resolve_ladder(s: State, ctx: Context, day: int) -> tuple[ladder.Settled, ladder.Episodes]:
    """Settle the rung, ceasefires and episodes after the governments' moves."""
    P, geo, keys = ctx.P, ctx.geo, ctx.keys
    level_eff = np.maximum(s.level_base, s.local_max)
    water_origin = (s.origin >= 0) & geo.segment_water[np.maximum(s.origin, 0)]
    mediation = (thirdparties.mediation_factor(P, s.russia_engaged, s.west_engaged, water_origin,
                                               s.russia_timing, s.west_timing)
                 * thirdparties.economic_leverage(P, s.china_until >= day))
    cf = ladder.resolve(
        P, day=day, level_base=s.level_base, level_eff=level_eff, local_max=s.local_max, moves=s.move,
        ceasefire=s.ceasefire, cf_from=s.cf_from, cf_start=s.cf_start,
        u_break=uniform(keys, day, Stream.CEASEFIRE_BREAK, 0)[:, None],
        p_break=ladder.break_probability(P, s.cf_strength, s.cf_pressured, s.local_max,
                                         P.western.manipulative_fragility, day - 1 - s.cf_start),
        u_invol=uniform(keys, day, Stream.INVOLUNTARY, 0)[:, None],
        u_cf=uniform(keys, day, Stream.CEASEFIRE, 0)[:, None],
        p_cf=ladder.ceasefire_probability(P, s.hurt, s.audience, mediation))
    strength, pressured = thirdparties.ceasefire_terms(P, s.russia_engaged, s.west_engaged, s.agreement)
    s.cf_strength = np.where(cf.agreed, strength, s.cf_strength)
    s.cf_pressured = np.where(cf.agreed, pressured, s.cf_pressured)
    s.level_base, s.level, s.ceasefire, s.cf_from, s.cf_start = (cf.level_base, cf.level, cf.ceasefire, cf.cf_from,
                                                                 cf.cf_start)
    s.days_since_fight = np.where(s.level >= ladder.CLASH, 0, s.days_since_fight + 1)
    ep = ladder.episodes(P, day=day, level=s.level, episode=s.episode, onset=s.episode_onset,
                         calm_days=s.calm_days, origin=s.origin, origin_hint=s.origin_hint,
                         pick_origin=lambda rows: ladder.origin(s.segment_local[rows], s.demarcated[rows], geo))
    s.episode, s.episode_onset, s.calm_days, s.origin, s.origin_hint = (ep.episode, ep.episode_onset, ep.calm_days,
                                                                        ep.origin, ep.origin_hint)
    s.segment_level[:] = s.segment_local
    return cf, ep


def front_today(s: State, ctx: Context, rows: np.ndarray):
    """For rows at rung 4+: parameters, (n, S) front mask, harm intensity and village exposure."""
    P = ctx.P.take(rows)
    level = s.level[rows]
    on_front = ladder.front(P, level, s.origin[rows], ctx.geo)
    s.segment_level[rows] = ladder.segment_levels(level, on_front, s.segment_local[rows])
    return P, on_front, communities.intensity(P, level), communities.village_exposure(P, s.capability[rows])


def military_losses(s: State, ctx: Context, day: int, rows: np.ndarray, P: ParamArrays, on_front, intens
                    ) -> None:
    """Soldiers killed and wounded on the rows at rung 4+."""
    keys = ctx.keys[rows]
    md, mw = military.losses(P, intens, on_front.sum(axis=1, keepdims=True),
                             communities.exposure(s.capability[rows]),
                             uniform(keys, day, Stream.MILITARY_DEATHS, SIDES2),
                             uniform(keys, day, Stream.MILITARY_WOUNDED, SIDES2))
    s.deaths_military[rows] += md
    s.wounded_military[rows] += mw
    s.deaths_today[rows] += md


def talks(s: State, ctx: Context, day: int) -> None:
    """Demarcation rounds; a conceded segment stops most of its villages' incident hazard."""
    P, geo, keys = ctx.P, ctx.geo, ctx.keys
    out = negotiation.negotiate(
        P, geo, level=s.level, episode=s.episode, agreement=s.agreement, demarcated=s.demarcated,
        hurt=s.hurt, protest=s.protest, u_round=uniform(keys, day, Stream.NEGOTIATION, 0)[:, None],
        u_success=uniform(keys, day, Stream.NEGOTIATION_SUCCESS, 0)[:, None])
    s.agreement = out.agreement
    s.protest = np.minimum(1.0, s.protest + out.conceded * P.kyrgyzstan.protest_concession)
    changed = np.flatnonzero(out.conceded[:, 0])
    if changed.size:
        s.demarcated[changed] = out.demarcated[changed]
        s.hazard_base[changed] = communities.hazard_base(P.take(changed), geo, s.demarcated[changed])


def bookkeeping(s: State, ctx: Context, day: int, cf: ladder.Settled, ep: ladder.Episodes, offers: dict) -> None:
    for name, value in tracking.track(s, ctx.P, day, cf=cf, episode=ep, offers=offers).items():
        setattr(s, name, value)
