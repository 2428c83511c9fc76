"""The day's order, declared once, and the phases that belong to no agent (the dyad, the front, talks).

:data:`DAY` lists the phases; both engines run it (docs/ODD.md, "Process overview and scheduling").
An agent phase (``actors`` set) is one function of :mod:`borderSim.rules.phases` over a selection of
agents: the vectorised core calls it once for everyone, the Mesa model has each agent of ``actors``
call it for itself through its method ``method``. The other phases are called as they are by both.
Phases read yesterday's situation and write today's through the state and the day's
:class:`~borderSim.rules.day.Today`; what the outputs count goes to its :class:`~borderSim.rules.day.DayRecord`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from borderSim.inputs.geography import Geography
from borderSim.rules import communities, dyad, frontline, kernels, ladder, mediation, phases
from borderSim.rules.context import Context
from borderSim.rules.day import DayRecord, Front, Offers, Today
from borderSim.rules.state import State
from borderSim.rules.streams import Stream, uniform


def new_day(s: State, day: int) -> Today:
    """The working memory and an empty record of ``day``."""
    return Today(day=day, record=DayRecord.empty(s.batch, s.mediator_engaged.shape[1]))


def begin_day(s: State, ctx: Context, today: Today) -> None:
    """Roll yesterday's moves and clear the day's counters; note yesterday's rung, the villages'
    common incident factor (:func:`~borderSim.rules.communities.daily_factor`: tension, agreement, season) and the
    rows in an episode, where mediators may offer; run by :func:`borderSim.rules.dyad.begin`."""
    today.level_prev, today.daily = np.empty_like(s.level), np.empty((s.batch, 1))
    dyad.begin(ctx.tables.begin, ctx.season(today.day), s.level, s.level_base, s.agreement, s.move,
               s.move_prev, s.deaths_today, s.fled_today, today.level_prev, today.daily)
    today.offers = _offers_today(s, ctx, today.day)


def _offers_today(s: State, ctx: Context, day: int) -> Offers | None:
    """The rows in an episode at the start of the day, where mediators may offer (None if none is); gathered by
    :func:`borderSim.rules.mediation.episode_rows`."""
    rows, keys, days_in, engaged = mediation.episode_rows(s.episode, s.episode_onset, ctx.keys, s.mediator_engaged,
                                                          day)
    if not rows.size:
        return None
    n = engaged.shape[1]
    return Offers(rows=rows, P=ctx.P.take(rows), keys=keys, days_in=days_in, engaged=engaged,
                  offered=np.zeros((rows.size, n), dtype=bool), accepted=np.zeros((rows.size, n, 2), dtype=bool))


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
    ladder.local_levels(r, c, g, s.batch, ctx.geo, out=(s.segment_local, s.local_max, s.incidents, s.gunfire))


def shootouts(s: State, ctx: Context, today: Today) -> None:
    """Border-guard shoot-outs (incidents turned to gunfire) may kill soldiers of the village's side, on any
    rung, whether or not a capital chose to escalate (record: most of the deadly clashes of 2021-22 were
    such shoot-outs with one or two dead): Poisson deaths of mean ``gunfire_lethality``, run by
    :func:`borderSim.rules.frontline.shootouts` (the core passes one day's incidents, a Mesa village its own)."""
    lethality, side = ctx.P.communities.gunfire_lethality, ctx.geo.side
    for r, c, g in today.incidents:
        frontline.shootouts(ctx.keys, today.day, r, c, g, lethality, side, s.deaths_military, s.deaths_today)


def settle_mediation(s: State, ctx: Context, today: Today) -> None:
    """Mediations begin where both governments accepted an offer (a joint partner's too) and end with the
    episode; outside an episode each mediator does what it does between episodes
    (:func:`~borderSim.rules.mediation.settle` with :func:`~borderSim.rules.mediation.timing_factor`, run by
    :func:`borderSim.rules.mediation.settle_rows`)."""
    o, rec = today.offers, today.record
    s.mediator_engaged[:] = False
    s.mediator_action[:] = ctx.terms.idle
    if o is None:
        return
    speaks, active = ctx.terms.relations
    b = ctx.P.border
    mediation.settle_rows(o.rows, o.days_in, b.timing_span_days, b.timing_dip, o.engaged, o.offered, o.accepted,
                          speaks, active, *ctx.terms.joints, s.mediator_engaged, s.mediator_action,
                          s.mediator_timing, rec.offered, rec.agreed)


def resolve_ladder(s: State, ctx: Context, today: Today) -> None:
    """Settle the rung, ceasefires and episodes after the governments' moves: the base rung steps
    (:func:`~borderSim.rules.ladder.resolve`), a ceasefire breaks (:func:`~borderSim.rules.ladder.break_probability`,
    :func:`~borderSim.rules.ladder.reentry`) or is agreed (:func:`~borderSim.rules.ladder.ceasefire_probability` of
    :func:`~borderSim.rules.mediation_terms.mediation_factor` and
    :func:`~borderSim.rules.thirdparties.economic_leverage`; its strength
    :func:`~borderSim.rules.mediation_terms.ceasefire_terms` and :func:`~borderSim.rules.ladder.cost_durability`),
    forces mass (:func:`~borderSim.rules.ladder.mass_forces`) and episodes start and end
    (:func:`~borderSim.rules.ladder.episodes`, an origin drawn by :func:`_pick_origin`);
    run by :func:`borderSim.rules.dyad.resolve`."""
    rec, t = today.record, ctx.terms.stacked
    rows = dyad.resolve(ctx.keys, today.day, ctx.tables.resolve, ctx.geo.segment_water, s.level_base, s.local_max,
                        s.move, s.ceasefire, s.cf_from, s.cf_start, s.cf_strength, s.cf_fragility, s.hurt, s.audience,
                        s.unrest, s.mediator_engaged, s.mediator_timing, t.effect, t.strength, t.strength_cols,
                        t.fragility, t.fragility_cols, s.agreement, s.china_until, s.level, s.days_since_fight,
                        s.readiness, s.episode, s.episode_onset, s.calm_days, s.origin, s.origin_hint, s.front,
                        s.segment_level, s.segment_local, rec.ceasefire_agreed, rec.ceasefire_broken,
                        rec.ceasefire_survived, rec.episode_started, rec.episode_ended)
    if rows.size:
        s.origin[rows] = _pick_origin(s, ctx, today, rows)


def _pick_origin(s: State, ctx: Context, today: Today, rows: np.ndarray) -> np.ndarray:
    """The origin segments of the episodes starting today on ``rows`` (drawn from their own stream):
    :func:`~borderSim.rules.ladder.origin` of :func:`~borderSim.rules.communities.segment_hazard`, run by
    :func:`borderSim.rules.frontline.origins`."""
    return frontline.origins(rows, s.incident_hazard, today.daily, ctx.geo.segment,
                             ctx.P.border.origin_incident_weight, s.segment_local,
                             uniform(ctx.keys[rows], today.day, Stream.ORIGIN, 0))


def front(s: State, ctx: Context, today: Today) -> None:
    """The front on the rows at rung 4+: it spreads from the origin, and sets the harm intensity and each
    side's exposure (:func:`~borderSim.rules.ladder.front`, :func:`~borderSim.rules.ladder.second_front`,
    :func:`~borderSim.rules.ladder.fire`, :func:`~borderSim.rules.ladder.firepower`,
    :func:`~borderSim.rules.communities.village_exposure`, run by
    :func:`borderSim.rules.frontline.front`)."""
    rows = np.flatnonzero(s.level[:, 0] >= ladder.CLASH)
    if not rows.size:
        return
    P, geo = ctx.P, ctx.geo
    b = P.border
    on_front, fire, intensity, exposure = frontline.new_front_arrays(rows.size, geo.n_segments)
    frontline.front(ctx.keys, today.day, rows, s.level, s.origin, geo.adjacency, geo.hops, b.front_spread_rate,
                    b.clash_intensity, b.war_intensity, b.second_front_rate, b.front_decay, b.incursion_exponent,
                    b.firepower_elasticity, s.capability, s.incident_hazard, today.daily, geo.segment,
                    s.front, s.segment_level, s.segment_local, on_front, fire, intensity, exposure)
    today.front = Front(rows=rows, P=P.take(rows), on_front=on_front, fire=fire, intensity=intensity,
                        exposure=exposure)


def military_losses(s: State, ctx: Context, today: Today) -> None:
    """Soldiers killed and wounded on the rows at rung 4+ (:func:`~borderSim.rules.military.losses`, run by
    :func:`borderSim.rules.frontline.military_losses`)."""
    f = today.front
    if f is None:
        return
    b = ctx.P.border
    frontline.military_losses(ctx.keys, today.day, f.rows, f.intensity, f.fire.sum(axis=1, keepdims=True),
                              s.capability, b.military_death_rate, b.wounded_per_death, s.deaths_military,
                              s.wounded_military, s.deaths_today)


def talks(s: State, ctx: Context, today: Today) -> None:
    """Demarcation rounds (:func:`~borderSim.rules.negotiation.negotiate`, run by
    :func:`borderSim.rules.dyad.negotiate`); a conceded segment stops most of its villages' incident hazard
    (:func:`~borderSim.rules.communities.hazard_base`, run by :func:`borderSim.rules.kernels.hazard_rows`) and
    costs the Kyrgyz government protest pressure."""
    geo = ctx.geo
    changed = dyad.negotiate(ctx.keys, today.day, ctx.tables.negotiate, geo.demarcation_rank, s.level, s.episode,
                             s.hurt, s.agreement, s.protest, s.demarcated)
    if changed.size:
        b = ctx.P.border
        kernels.hazard_rows(changed, ctx.P.communities.incident_rate, b.demarcation_effect, b.exclave_multiplier,
                            geo.segment, _near_exclave(geo), s.demarcated, s.hazard_base, s.grievance,
                            s.incident_hazard)


@functools.cache
def _near_exclave(geo: Geography) -> np.ndarray:
    """(V,) :func:`~borderSim.rules.communities.near_exclave`, once per geography."""
    return communities.near_exclave(geo)


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
