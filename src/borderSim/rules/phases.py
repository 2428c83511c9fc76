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

import functools
from dataclasses import dataclass, field

import numpy as np

from borderSim.inputs.geography import Geography
from borderSim.rules import communities, dyad, kernels, mediation, mediator
from borderSim.rules.context import Context
from borderSim.rules.day import Today
from borderSim.rules.groups import GovernmentArrays
from borderSim.rules.mediator import Situation
from borderSim.rules.params import columns, sides
from borderSim.rules.state import State

SIDES2 = mediator.SIDES2
_NONE = np.zeros(0, dtype=np.int64)
_NONE.flags.writeable = False


@dataclass(frozen=True)
class Sides:
    """Which governments act: both (the core) or one (a Mesa agent)."""

    col: slice          # their columns of the side arrays
    opp: slice          # their opponents' columns, in the same order
    index: tuple[int, ...]
    array: np.ndarray = field(compare=False)   # ``index`` as an array, for the compiled kernels

    def params(self, gov: GovernmentArrays) -> GovernmentArrays:
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


BOTH = Sides(slice(0, 2), slice(None, None, -1), (0, 1), np.array([0, 1]))


def side(k: int) -> Sides:
    """Government ``k`` alone (0 Tajikistan, 1 Kyrgyzstan)."""
    return Sides(slice(k, k + 1), slice(1 - k, 2 - k), (k,), np.array([k]))


# -- villages ---------------------------------------------------------------------------------------
def observe(s: State, ctx: Context, today: Today, villages: slice) -> None:
    """Villages observe: an incident from grievance, the border's tension and the season; border guards
    may turn it into gunfire (:func:`~borderSim.rules.communities.incident_probability`,
    :func:`~borderSim.rules.communities.gunfire_probability`, drawn by :func:`borderSim.rules.kernels.observe`).
    Appends the (rows, villages, gunfire) of the incidents to ``today``."""
    c = ctx.P.communities
    r, v, gunfire = kernels.observe(ctx.keys, today.day, ctx.village_slots[villages], s.incident_hazard[:, villages],
                                    today.daily, c.gunfire_probability, c.militarisation,
                                    s.level_base, s.incident[:, villages], s.gunfire_v[:, villages])
    if r.size:
        today.incidents.append((r, v, gunfire))


@functools.cache
def _housing(geo: Geography) -> np.ndarray:
    """(V,) homes of each village (:func:`~borderSim.rules.communities.housing_stock`)."""
    return communities.housing_stock(geo.population)


def endure(s: State, ctx: Context, today: Today, villages: slice) -> tuple[np.ndarray, np.ndarray]:
    """Villages on the front take fire by their segment's share of it: they may be shelled (deaths,
    wounded, homes destroyed; grievance rises) and residents flee
    (:func:`~borderSim.rules.communities.shelling_probability`, :func:`~borderSim.rules.communities.civilian_harm`,
    :func:`~borderSim.rules.communities.grievance_after_losses`, :func:`~borderSim.rules.communities.flight`,
    run by :func:`borderSim.rules.kernels.endure`). Returns the (rows, villages) shelled."""
    f, geo, P = today.front, ctx.geo, ctx.P
    if f is None:
        return _NONE, _NONE
    c, v = P.communities, villages
    return kernels.endure(
        ctx.keys, today.day, f.rows, f.fire, f.intensity, f.exposure, ctx.village_slots[v], geo.segment[v],
        geo.side[v], geo.population[v], _housing(geo)[v], c.shelling_probability, c.civilian_death_rate,
        P.border.wounded_per_death, c.homes_per_shelling, c.grievance_loss, c.grievance_homes, c.flight_rate,
        P.gov.civil_society, s.residents[:, v], s.displaced[:, v], s.dead[:, v], s.wounded[:, v], s.homes[:, v],
        s.grievance[:, v], s.hazard_base[:, v], s.incident_hazard[:, v], s.grievance_dirty, s.deaths_civilian,
        s.wounded_civilian, s.homes_destroyed, s.deaths_today, s.fled_today, s.displaced_now)


def recover(s: State, ctx: Context, today: Today, villages: slice) -> None:
    """Once fighting has stopped the displaced come home; once a week grievance relaxes toward its
    baseline (on the rows where some village is away from it)."""
    P, keys, day = ctx.P, ctx.keys, today.day
    slots = ctx.village_slots[villages]
    rows = today.returning
    if rows is None:   # rows where fighting stopped long enough ago and someone is displaced, as the phase begins
        rows = today.returning = kernels.returning_rows(s.days_since_fight, P.communities.return_delay_days,
                                                        s.displaced_now)   # communities.may_return
    if rows.size:
        kernels.apply_returns(keys, day, rows, slots, s.displaced[:, villages], s.residents[:, villages],
                              s.displaced_now, ctx.geo.side[villages], P.communities.return_rate)
    if communities.relaxes_today(day):
        dirty = np.flatnonzero(s.grievance_dirty[:, 0])
        if dirty.size:
            kernels.relax_grievance(dirty, s.grievance[:, villages], s.grievance0[:, villages], s.grievance,
                                    s.grievance0, communities.relax_factor(P.take(dirty))[:, 0],
                                    communities.RELAX_SNAP, s.grievance_dirty[:, 0], s.hazard_base[:, villages],
                                    s.incident_hazard[:, villages])


# -- third parties ------------------------------------------------------------------------------------
def china_acts(s: State, ctx: Context, today: Today, who: None = None) -> None:
    """China, on yesterday's rung: a bout of quiet economic pressure when fighting threatens its assets
    (:func:`~borderSim.rules.thirdparties.china_step`, run by :func:`borderSim.rules.dyad.china_step`)."""
    started = today.record.china_pressure_started
    dyad.china_step(ctx.keys, today.day, ctx.tables.china_step, today.level_prev, s.china_until, s.china_action,
                    started)


def offer(s: State, ctx: Context, today: Today, who: slice) -> None:
    """Mediators ``who`` (columns of the mediator arrays) that are not yet mediating offer mediation
    on the rows in an episode, each with its daily chance (:func:`~borderSim.rules.mediation.offers`, drawn by
    :func:`~borderSim.rules.mediation.draw_offers`); the day's :class:`~borderSim.rules.mediator.Situation` is made
    once, for all of them, with every mediator's chance where the registry has them compiled
    (:attr:`~borderSim.rules.mediator.Registry.offer_chances`)."""
    o = today.offers
    if o is None:
        return
    compiled = ctx.registry.offer_chances
    if o.situation is None:
        o.situation = Situation(ctx.registry.mediators, days_in=o.days_in, level=s.level[o.rows], engaged=o.engaged)
        o.chance = np.empty(o.offered.shape)
        if compiled is not None:   # every mediator's chance at once
            compiled(o.P, o.situation, o.chance)
    cols = np.arange(o.offered.shape[1])[who]
    if compiled is None:
        o.situation.fill(o.P, o.chance, cols)
    mediation.draw_offers(o.keys, today.day, ctx.terms.offer_streams, cols, o.engaged, o.chance, o.offered)


# -- governments ---------------------------------------------------------------------------------------
def answer(s: State, ctx: Context, today: Today, who: Sides) -> None:
    """Governments ``who`` answer today's mediation offers: more readily the less the mediator leans
    against them (Kyrgyzstan: the less so under protest), the more they hurt and the higher their unrest
    (:func:`~borderSim.rules.governments.unrest`, dated shocks and Kyrgyz protest included;
    :func:`~borderSim.rules.mediation.acceptance` of the run's offer biases and discouragements,
    :class:`~borderSim.rules.mediation_terms.Terms`); run by :func:`borderSim.rules.dyad.answer`."""
    o = today.offers
    if o is None:
        return
    t = ctx.terms
    dyad.answer(ctx.keys, today.day, who.array, ctx.tables.answer, shocks_today(ctx, today), o.rows, o.offered,
                s.legitimacy, s.rally, s.hurt, s.protest, t.offer_bias, t.discouraged, t.accept_streams, o.accepted)


def shocks_today(ctx: Context, today: Today) -> np.ndarray:
    """(1 or B, 2) the unrest the dated domestic shocks add today (:func:`~borderSim.rules.governments.shock_levels`,
    run by :func:`borderSim.rules.dyad.shock_levels`), computed once a day for the governments' choice and their
    answers to offers."""
    if today.shocks is None:
        d = ctx.P.domestic
        when, signed, factor, side = d.shock_day, d.shock_signed, d.shock_factor, d.shock_side
        if when.shape[0] > 1 and when.strides[0] == 0:   # one row broadcast along the batch: computed once
            when, signed, factor, side = when[:1], signed[:1], factor[:1], side[:1]
        today.shocks = dyad.shock_levels(when, signed, factor, side, float(today.day))
    return today.shocks


def decide(s: State, ctx: Context, today: Today, who: Sides) -> None:
    """Governments ``who`` choose, simultaneously, to step down, hold or escalate (multinomial logit): their
    unrest (:func:`~borderSim.rules.governments.unrest`, dated shocks and Kyrgyz protest included), the pressure
    of engaged mediators, China and Russia's leverage (:func:`~borderSim.rules.thirdparties.pressure`,
    :func:`~borderSim.rules.thirdparties.russian_leverage`), the expected casualties
    (:func:`~borderSim.rules.governments.casualty_cost`), the force balance at the contested segment
    (:func:`~borderSim.rules.governments.local_share`) and the utilities
    (:func:`~borderSim.rules.governments.utilities`) drawn by :func:`~borderSim.rules.governments.choose`; run by
    :func:`borderSim.rules.dyad.decide`."""
    dyad.decide(ctx.keys, today.day, who.array, ctx.tables.decide, shocks_today(ctx, today), s.level_base, s.local_max,
                s.move_prev, s.legitimacy, s.rally, s.hurt, s.audience, s.capability, s.readiness, s.protest,
                s.succession, s.ceasefire, s.cf_strength, s.episode, s.origin, s.segment_local, ctx.presence,
                s.mediator_engaged, s.mediator_timing, ctx.terms.stacked.pressure, s.china_until, s.unrest, s.move)


def update_domestic(s: State, ctx: Context, today: Today, who: Sides) -> None:
    """Governments ``who`` update rally, audience costs, hurt, legitimacy and capability after the day's events
    (:func:`~borderSim.rules.governments.rally`, :func:`~borderSim.rules.governments.audience`,
    :func:`~borderSim.rules.governments.hurt`, :func:`~borderSim.rules.governments.legitimacy`,
    :func:`~borderSim.rules.governments.capability`); Tajikistan its succession
    (:func:`~borderSim.rules.governments.succession`), Kyrgyzstan its protest pressure
    (:func:`~borderSim.rules.governments.protest`); run by :func:`borderSim.rules.dyad.update_domestic`."""
    dyad.update_domestic(who.array, ctx.tables.update_domestic, s.level, s.move, s.deaths_today, s.fled_today,
                         ctx.geo.side_population[1], s.rally, s.audience, s.hurt, s.legitimacy, s.legitimacy0,
                         s.capability, s.protest, s.succession)
