"""Compiled kernels of the dyad-level phases (numba), used by both engines: the day's beginning, China, the
governments' choice, the ladder and its ceasefires and episodes, the governments' domestic update and talks.

Each kernel does what one row (and its one or two governments) does in that phase in one pass over the batch,
with exactly the same integer and floating-point operations in the same order as the numpy rules it implements
(:mod:`borderSim.rules.governments`, :mod:`borderSim.rules.ladder`, :mod:`borderSim.rules.thirdparties`,
:mod:`borderSim.rules.negotiation`, :mod:`borderSim.rules.communities`), and the same draws (keyed by replicate,
day, stream and slot, drawn only on the rows that use them), tested number for number against them
(``tests/test_dyad_kernels.py``). The rules stay the documented reference; their arithmetic for one row or side is
in :mod:`borderSim.rules.dyad_twins`. No fast-math; ``exp`` and ``pow`` are the C library's, as in
:mod:`borderSim.rules.fmath`. Parameters come from the run's record table (:mod:`borderSim.rules.rowtable`):
``t[0]`` where every row shares them, ``t[row]`` otherwise. ``sides`` lists the governments that act: both
(the core) or one (a Mesa government).
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from borderSim.common.jit import kernel
from borderSim.rules.dyad_twins import (  # noqa: F401  (the twins are dyad's too: dyad.choose, ...)
    acceptance,
    audience_after,
    break_probability,
    capability_after,
    casualty_cost,
    ceasefire_probability,
    choose,
    clip01,
    daily_factor,
    diversion,
    down_utility,
    exp_neg_below,
    holds,
    hurt_after,
    legitimacy_after,
    local_share,
    mass_forces,
    maximum,
    minimum,
    protest_after,
    protest_cost,
    rally_after,
    reentry,
    row,
    shared_terms,
    success_probability,
    succession_after,
    superiority,
    unrest,
    up_bound,
    up_sum,
    utilities,
)
from borderSim.rules.streams import Stream, counter, to_uniform

_CHOICE, _INVOLUNTARY, _CHINA = int(Stream.CHOICE), int(Stream.INVOLUNTARY), int(Stream.CHINA)
_CEASEFIRE, _CEASEFIRE_BREAK = int(Stream.CEASEFIRE), int(Stream.CEASEFIRE_BREAK)
_NEGOTIATION, _NEGOTIATION_SUCCESS = int(Stream.NEGOTIATION), int(Stream.NEGOTIATION_SUCCESS)
# borderSim.rules.ladder's rungs and moves (ladder imports the kernels, not the reverse)
_INCIDENT, _GUNFIRE, _STANDOFF, _CLASH, _MAJOR_CLASH, _WAR = 1, 2, 3, 4, 5, 6
_DOWN, _UP = -1, 1
_TJ, _KG = 0, 1
# borderSim.rules.thirdparties.ChinaAction
_CHINA_STATEMENT, _CHINA_PRESSURE = 1, 2


# -- the dated shocks ----------------------------------------------------------------------------------------
@kernel
def shock_levels(when, signed, factor, side, day):
    """:func:`borderSim.rules.governments.shock_levels` of the (b, K) shock arrays (b: 1 where every row shares
    them): a new (b, 2) array."""
    out = np.empty((when.shape[0], 2))
    for i in range(when.shape[0]):
        tj, kg = 0.0, 0.0
        for k in range(when.shape[1]):   # in the rule's order
            age = day - when[i, k]
            value = signed[i, k] * math.pow(factor[i, k], maximum(age, 0.0)) if age >= 0 else 0.0
            if side[i, k] == 0:
                tj = tj + value
                kg = kg + 0.0
            else:
                tj = tj + 0.0
                kg = kg + value
        out[i, 0], out[i, 1] = tj, kg
    return out


# -- the day begins; China ------------------------------------------------------------------------------
@kernel
def begin(t, season, level, level_base, agreement, move, move_prev, deaths_today, fled_today, level_prev, daily):
    """Roll yesterday's moves, clear the day's counts, note yesterday's rung (``level_prev``) and the villages'
    common incident factor (``daily``: :func:`borderSim.rules.communities.daily_factor`), in place. One array written
    in each pass, and where every row reads one record its fields read once: passes LLVM vectorises."""
    b = level.shape[0]
    for sd in range(move.shape[1]):
        for i in range(b):
            move_prev[i, sd] = move[i, sd]
        for i in range(b):
            deaths_today[i, sd] = 0
        for i in range(b):
            fled_today[i, sd] = 0
    for i in range(b):
        level_prev[i, 0] = level[i, 0]
    if t.shape[0] == 1:
        p = t[0]
        effect, tension = p.agreement_incident_effect, p.tension_incidents
        for i in range(b):
            daily[i, 0] = daily_factor(effect, tension, agreement[i, 0], level_base[i, 0], season[i, 0])
    else:
        for i in range(b):
            p = row(t, i)
            daily[i, 0] = daily_factor(p.agreement_incident_effect, p.tension_incidents, agreement[i, 0],
                                       level_base[i, 0], season[i, 0])


@kernel
def china_step(keys, day, t, level_prev, until, action, started):
    """:func:`borderSim.rules.thirdparties.china_step` of every row, in place (``until``, ``action``, ``started``);
    the draw only where a bout could start."""
    for i in range(level_prev.shape[0]):
        p = row(t, i)
        start = False
        if level_prev[i, 0] >= p.china_threshold and until[i, 0] < day:
            start = to_uniform(keys[i], counter(day, _CHINA, 0)) < p.china_propensity
        if start:
            until[i, 0] = day + np.int64(p.china_duration) - 1
        started[i, 0] = start
        if until[i, 0] >= day:
            action[i, 0] = _CHINA_PRESSURE
        elif level_prev[i, 0] >= _STANDOFF:
            action[i, 0] = _CHINA_STATEMENT
        else:
            action[i, 0] = 0


# -- governments decide ------------------------------------------------------------------------------------
@kernel
def decide(keys, day, sides, t, shocks, level_base, local_max, move_prev, legitimacy, rally, hurt, audience,
           capability, readiness, protest, succession, ceasefire, cf_strength, episode, origin, segment_local,
           presence, engaged, timing, pressure_terms, china_until, unrest_out, move_out):
    """The governments ``sides`` choose their moves (``move_out``) and note their unrest (``unrest_out``), in place:
    what :func:`borderSim.rules.phases.decide` states with :func:`~borderSim.rules.governments.unrest`,
    :func:`~borderSim.rules.thirdparties.pressure`, :func:`~borderSim.rules.thirdparties.russian_leverage`,
    :func:`~borderSim.rules.governments.casualty_cost`, :func:`~borderSim.rules.governments.contested_segment`,
    :func:`~borderSim.rules.governments.local_share`, :func:`~borderSim.rules.governments.utilities` and
    :func:`~borderSim.rules.governments.choose`, with the draw ``uniform(keys, day, CHOICE, side)``.

    ``shocks`` are the day's (1 or B, 2) :func:`~borderSim.rules.governments.shock_levels`, ``presence`` the
    (S + 1, 2) :func:`~borderSim.rules.governments.presence`, ``pressure_terms`` the mediators' stacked (M, B, 2)
    pressures. A mediator adds to a row's pressure only where it is engaged: elsewhere the rule adds
    ``(0 x timing) x pressure``, a zero (the terms are finite: the schema's ranges), and a sum that starts at +0 is
    never -0, so adding a zero leaves it as it is, bit for bit. As the rule, China's leverage is added wherever China
    presses on some row of the batch.

    Where every row reads one record and the day's shocks are shared (a scenario's replicates), each side's unrest and
    the bound of its choice are computed for every row first, in passes that run vectorised (:func:`_bounds`); the
    sides whose draw does not surely hold are then settled row by row, as every side of every row is otherwise (a side
    that holds is left as the pass set it: the same unrest and a hold, which its row-by-row bound would give again).
    """
    b, n_med = engaged.shape
    china_any = False
    for i in range(b):
        china_any = china_any or china_until[i, 0] >= day
    none = presence.shape[0] - 1
    c_choice = np.empty(2, dtype=np.uint64)
    for sd in range(2):
        c_choice[sd] = counter(day, _CHOICE, sd)
    shared = t.shape[0] == 1 and shocks.shape[0] == 1
    need = np.ones(b, dtype=np.bool_)
    need_side = np.ones((2, b), dtype=np.bool_)     # per side: whether its draw may not hold (all, unless shared)
    if shared:    # every row reads one record: the bound of every row first, in passes that run vectorised
        need[:] = False
        press = np.empty(b)
        for sd in sides:
            w = _weights(t[0], sd)
            _engaged_pressure(engaged, timing, pressure_terms, sd, press)
            for i in range(b):
                standing, pull = _standing(sd, w, protest[i, 0], succession[i, 0])
                unrest_out[i, sd] = unrest(legitimacy[i, sd], rally[i, sd], standing, shocks[0, sd] * w.shock_scale)
                move_out[i, sd] = 0
            _bounds(keys, c_choice[sd], day, sd, w, level_base, local_max, move_prev, unrest_out, hurt, audience,
                    readiness, protest, succession, ceasefire, cf_strength, press, china_any, china_until,
                    need_side[sd])
            for i in range(b):
                need[i] = need[i] | need_side[sd, i]
    for i in range(b):
        if not need[i]:      # every side of the row holds under its bound (set by the pass above)
            continue
        p = row(t, i)
        k = 0 if shocks.shape[0] == 1 else i
        lb, lm = level_base[i, 0], local_max[i, 0]
        level_eff = lb if lb > lm else lm
        up = level_eff + 1
        if episode[i, 0]:
            seg = origin[i, 0]
        elif lm > 0:
            seg = 0
            for j in range(1, segment_local.shape[1]):
                if segment_local[i, j] > segment_local[i, seg]:
                    seg = j
        else:
            seg = -1
        seg = none if seg < 0 else seg
        china_on = 1.0 if china_until[i, 0] >= day else 0.0
        for sd in sides:
            if not need_side[sd, i]:     # holds under its bound: unrest and move already set by the pass above
                continue
            op = 1 - sd
            sensitivity = 1.0 if sd == _TJ else 1.0 + p.protest_casualty * protest[i, 0]
            w = _weights(p, sd)
            standing, pull = _standing(sd, w, protest[i, 0], succession[i, 0])
            unrest_ = unrest(legitimacy[i, sd], rally[i, sd], standing, shocks[k, sd] * p.shock_scale[sd])
            unrest_out[i, sd] = unrest_
            pressure = 0.0
            for m in range(n_med):
                if engaged[i, m]:       # (1 x timing) x pressure, as the rule; the others add 0 (see above)
                    pressure = pressure + timing[i, m] * pressure_terms[m, i, sd]
            if china_any:
                pressure = pressure + china_on * p.china_strength * p.china_debt_share[sd]
            pressure = pressure + p.attention * flank(up) * p.leverage[sd]
            h = hurt[i, sd]
            reaction, restraint, breach, backed, pulled, next_cost, rally_ahead, unready, u_down, bound = _bound_terms(
                w, level_eff, lb, move_prev[i, op] == _UP or lm >= _GUNFIRE, pressure, ceasefire[i, 0],
                cf_strength[i, 0], h, pull, unrest_, readiness[i, 0], audience[i, sd])
            u = to_uniform(keys[i], c_choice[sd])
            if holds(u, bound, u_down):    # holds whatever the diversion, superiority and casualties (most rows)
                move_out[i, sd] = 0
                continue
            cap, opp_cap = capability[i, sd], capability[i, op]
            casualties = casualty_cost(p.anticipated_deaths[sd], p.casualty_scale[sd], p.death_profile[up], cap,
                                       opp_cap, sensitivity)
            share = local_share(cap, opp_cap, p.fortification[sd], p.fortification[op], presence[seg, sd],
                                presence[seg, op])
            u_up = up_sum(p.escalation_intercept[sd], diversion(p.diversion_weight[sd], p.diversion_peak[sd], unrest_),
                          reaction, superiority(p.superiority_weight[sd], share, p.superiority_threshold), backed,
                          pulled, rally_ahead, next_cost, casualties, restraint, breach, unready, level_eff)
            move_out[i, sd] = choose(u, u_up, u_down)   # u_up and u_down: dyad_twins.utilities, terms computed once


@kernel(inline=True)
def flank(up):
    """:data:`borderSim.rules.governments.FLANK` of rung ``up`` (``clip((up - 3) / 3, 0, 1)``, the same operations)."""
    x = (up - _STANDOFF) / 3.0
    return 0.0 if x < 0.0 else (1.0 if x > 1.0 else x)


@kernel(inline=True)
def rung_table(table, k):
    """``table[k]`` of an 8-rung table (the bound pass's ``cost_power``) by selects, not an indexed load, so that a
    loop over rows that reads it runs vectorised."""
    v = table[0]
    v = table[1] if k == 1 else v
    v = table[2] if k == 2 else v
    v = table[3] if k == 3 else v
    v = table[4] if k == 4 else v
    v = table[5] if k == 5 else v
    v = table[6] if k == 6 else v
    return table[7] if k == 7 else v


#: One government's parameters that :func:`_bound_terms` and :func:`_standing` read, as plain numbers: read once per
#: side before :func:`_bounds`' loop (a record's fields read inside it keep it from running vectorised).
Weights = namedtuple("Weights", (
    "unrest_shock", "protest_unrest", "succession_effect", "protest_hawkishness", "shock_scale", "china_strength",
    "china_debt_share", "attention", "leverage", "reaction_weight", "retaliation_weight", "mediator_weight",
    "violation_cost", "patron_weight", "backing", "war_weariness", "ripeness_weight", "cost_weight", "rally_value",
    "unprepared_cost", "deescalation_intercept", "audience_weight", "diversion_weight", "superiority_weight",
    "escalation_intercept", "cost_power"))


@kernel(inline=True)
def _weights(p, sd):
    """Side ``sd``'s :data:`Weights` from the record ``p``."""
    c = p.cost_power
    return Weights(p.unrest_shock[sd], p.protest_unrest, p.succession_effect, p.protest_hawkishness, p.shock_scale[sd],
                   p.china_strength, p.china_debt_share[sd], p.attention, p.leverage[sd], p.reaction_weight[sd],
                   p.retaliation_weight[sd], p.mediator_weight[sd], p.violation_cost, p.patron_weight[sd],
                   p.backing[sd], p.war_weariness, p.ripeness_weight, p.cost_weight[sd], p.rally_value[sd],
                   p.unprepared_cost, p.deescalation_intercept[sd], p.audience_weight[sd], p.diversion_weight[sd],
                   p.superiority_weight[sd], p.escalation_intercept[sd],
                   (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]))


@kernel(inline=True)
def _standing(sd, p, protest, succession):
    """A government's standing unrest (``unrest_shock``, Kyrgyz protest) and its pull toward escalation (Tajik
    succession, Kyrgyz protest): terms of :func:`~borderSim.rules.governments.unrest` and of the utilities (``p``: its
    :data:`Weights`)."""
    if sd == _TJ:
        return p.unrest_shock + 0.0, p.succession_effect * (1.0 - succession)
    return p.unrest_shock + p.protest_unrest * protest, p.protest_hawkishness * protest


@kernel(inline=True)
def _bound_terms(p, level_eff, lb, provoked, pressure, ceasefire, cf_strength, h, pull, unrest_, readiness,
                 audience):
    """The terms of a government's utilities (``p``: its :data:`Weights`) that need neither ``exp`` nor a division by
    the forces, the step-down utility and the escalation utility's bound
    (:func:`~borderSim.rules.dyad_twins.up_bound`); the rung tables (``FLANK``, ``PUBLIC``, ``MAJOR``, ``cost_power``)
    read by comparisons and selects (:func:`flank`, :func:`rung_table`), the same numbers."""
    up = level_eff + 1
    reaction, restraint, breach = shared_terms(p.reaction_weight, p.retaliation_weight, p.mediator_weight, level_eff,
                                               provoked, pressure, ceasefire, p.violation_cost, cf_strength)
    backed, pulled = p.patron_weight * p.backing, pull - p.war_weariness * h
    next_cost = (1.0 + p.ripeness_weight * h) * (p.cost_weight * 4.0 * rung_table(p.cost_power, up))
    rally_ahead = p.rally_value * unrest_ * (up >= _STANDOFF)        # governments.PUBLIC
    unready = p.unprepared_cost * (1.0 - readiness) * (up >= _MAJOR_CLASH)   # governments.MAJOR
    u_down = down_utility(p.deescalation_intercept, p.cost_weight * 4.0 * rung_table(p.cost_power, lb),
                          p.reaction_weight, p.audience_weight, level_eff, lb, audience, restraint)
    bound = up_bound(p.diversion_weight, p.superiority_weight, p.escalation_intercept, backed, pulled, rally_ahead,
                     next_cost, reaction, restraint, breach, unready, level_eff)
    return reaction, restraint, breach, backed, pulled, next_cost, rally_ahead, unready, u_down, bound


@kernel(inline=True)
def _engaged_pressure(engaged, timing, pressure_terms, sd, press):
    """``press[i]``: the pressure of the mediators engaged on row ``i`` against side ``sd``, added in their order
    from +0 (as :func:`decide` adds them)."""
    for i in range(press.size):
        press[i] = 0.0
    for m in range(engaged.shape[1]):
        for i in range(press.size):
            press[i] = press[i] + (timing[i, m] * pressure_terms[m, i, sd] if engaged[i, m] else 0.0)


@kernel
def _bounds(keys, c, day, sd, w, level_base, local_max, move_prev, unrest_, hurt, audience, readiness, protest,
            succession, ceasefire, cf_strength, press, china_any, china_until, need):
    """``need[i]``: whether side ``sd`` of row ``i`` (every row reading the same :data:`Weights` ``w``; its unrest
    already in ``unrest_``) may move, its draw not surely holding under the bound
    (:func:`~borderSim.rules.dyad_twins.holds`); :func:`decide` settles those rows one by one. One pass with one array
    written, no indexed load and no call, so that it runs vectorised; the same operations as :func:`decide`'s row by
    row (a mediator not engaged adds +0: see there)."""
    op = 1 - sd
    for i in range(level_base.shape[0]):
        lb, lm = level_base[i, 0], local_max[i, 0]
        level_eff = lb if lb > lm else lm
        pull = _standing(sd, w, protest[i, 0], succession[i, 0])[1]
        pressure = press[i]
        if china_any:
            on = 1.0 if china_until[i, 0] >= day else 0.0
            pressure = pressure + on * w.china_strength * w.china_debt_share
        pressure = pressure + w.attention * flank(level_eff + 1) * w.leverage
        terms = _bound_terms(w, level_eff, lb, move_prev[i, op] == _UP or lm >= _GUNFIRE, pressure, ceasefire[i, 0],
                             cf_strength[i, 0], hurt[i, sd], pull, unrest_[i, sd], readiness[i, 0], audience[i, sd])
        u_down, bound = terms[8], terms[9]
        need[i] = not holds(to_uniform(keys[i], c), bound, u_down)


# -- governments answer offers -------------------------------------------------------------------------------
@kernel
def answer(keys, day, sides, t, shocks, rows, offered, legitimacy, rally, hurt, protest, bias, patron, streams,
           accepted):
    """The governments ``sides`` answer the offers ``offered`` (n, M) on the rows in an episode ``rows``, in place
    (``accepted``, (n, M, 2)): what :func:`borderSim.rules.phases.answer` states with
    :func:`~borderSim.rules.governments.unrest` and :func:`~borderSim.rules.mediation.acceptance`, with the draws
    ``uniform(keys, day, streams[m], side)``. ``bias`` (B, M) and ``patron`` (B, M, 2) are the run's
    :attr:`~borderSim.rules.mediation_terms.Terms.offer_bias` and ``discouraged``; ``shocks`` the day's (1 or B, 2)
    :func:`~borderSim.rules.governments.shock_levels`."""
    n_med = offered.shape[1]
    c = np.empty((n_med, 2), dtype=np.uint64)
    for m in range(n_med):
        for sd in range(2):
            c[m, sd] = counter(day, streams[m], sd)
    for k in range(rows.size):
        some = False
        for m in range(n_med):
            some = some or offered[k, m]
        if not some:
            continue
        i = rows[k]
        p = row(t, i)
        j = 0 if shocks.shape[0] == 1 else i
        for sd in sides:
            if sd == _TJ:
                standing, aversion, sign = p.unrest_shock[sd] + 0.0, p.bias_aversion[sd] + 0.0, -1.0
            else:
                standing = p.unrest_shock[sd] + p.protest_unrest * protest[i, 0]
                aversion, sign = p.bias_aversion[sd] + p.protest_bias_aversion * protest[i, 0], 1.0
            unrest_ = unrest(legitimacy[i, sd], rally[i, sd], standing, shocks[j, sd] * p.shock_scale[sd])
            for m in range(n_med):
                if offered[k, m]:
                    chance = acceptance(p.accept_intercept[sd], aversion, bias[i, m], sign, p.ripeness_weight,
                                        hurt[i, sd], p.accept_unrest[sd], unrest_, patron[i, m, sd])
                    accepted[k, m, sd] = to_uniform(keys[i], c[m, sd]) < chance


# -- the ladder resolves ---------------------------------------------------------------------------------------
@kernel
def resolve(keys, day, t, segment_water, level_base, local_max, move, ceasefire, cf_from, cf_start, cf_strength,
            cf_fragility, hurt, audience, unrest_, engaged, timing, effect, strength_terms, strength_cols,
            fragility_terms, fragility_cols, agreement, china_until, level, days_since_fight, readiness, episode,
            onset, calm_days, origin, origin_hint, front, segment_level, segment_local, agreed_out, broken_out,
            survived_out, starting_out, ending_out):
    """Settle every row's rung, ceasefire and episode after the governments' moves, in place, and flag what
    happened (``*_out``): what :func:`borderSim.rules.schedule.resolve_ladder` states with
    :func:`~borderSim.rules.ladder.resolve`, :func:`~borderSim.rules.ladder.break_probability`,
    :func:`~borderSim.rules.ladder.reentry`, :func:`~borderSim.rules.ladder.ceasefire_probability` of
    :func:`~borderSim.rules.mediators.mediation_factor` and :func:`~borderSim.rules.thirdparties.economic_leverage`,
    :func:`~borderSim.rules.mediators.ceasefire_terms`, :func:`~borderSim.rules.ladder.cost_durability`,
    :func:`~borderSim.rules.ladder.mass_forces` and :func:`~borderSim.rules.ladder.episodes`; a ceasefire's draw
    only where one holds, the involuntary rise's where it could happen, the agreement's where one could be
    agreed. Returns the rows whose episode starts today without an origin yet (to be drawn by the caller).
    The quiet rows (:func:`_quiet`) are settled first, in passes LLVM vectorises; the others then row by row.

    ``effect`` (B, M), ``strength_terms`` and ``fragility_terms`` (B, K) with their mediators' columns are the
    registry's stacked terms (:class:`borderSim.rules.mediators.Stacked`); ``segment_water`` (S,) flags the
    segments with a water point.
    """
    b = level.shape[0]
    picks = np.empty(b, dtype=np.int64)
    n_pick = 0
    c_break, c_invol = counter(day, _CEASEFIRE_BREAK, 0), counter(day, _INVOLUNTARY, 0)
    c_cf = counter(day, _CEASEFIRE, 0)
    # every row first as a quiet one, in passes LLVM vectorises (one array written in each); the others after
    quiet = _quiet(ceasefire, move, level_base, local_max, episode)
    for i in range(b):
        level[i, 0] = maximum(level_base[i, 0], local_max[i, 0])
    _quiet_days(t, quiet, level, days_since_fight, readiness)
    for out in (agreed_out, broken_out, survived_out, starting_out, ending_out):
        for i in range(b):
            out[i, 0] = False
    for i in range(b):
        for j in range(segment_level.shape[1]):
            segment_level[i, j] = segment_local[i, j]
    others = np.empty(b, dtype=np.int64)
    n = 0
    for i in range(b):
        others[n] = i
        n += not quiet[i]
    for i in others[:n]:
        p = row(t, i)
        key = keys[i]
        lb, lm = level_base[i, 0], local_max[i, 0]
        level_eff = lb if lb > lm else lm
        escalated = move[i, 0] == _UP or move[i, 1] == _UP
        cf = ceasefire[i, 0]
        broken = False
        if cf:
            broken = escalated or to_uniform(key, c_break) < break_probability(
                p.ceasefire_break_rate, cf_strength[i, 0], cf_fragility[i, 0], lm, day - 1 - cf_start[i, 0],
                p.ceasefire_settling_days)
        if escalated:
            base = level_eff + 1 if level_eff + 1 < _WAR else _WAR
        elif (move[i, 0] == _DOWN or move[i, 1] == _DOWN) and lb <= _STANDOFF:
            base = lb - 1 if lb - 1 > 0 else 0
        else:
            base = lb
        if broken:
            back = reentry(cf_from[i, 0], day - cf_start[i, 0], p.ceasefire_memory_days)
            base = back if back > base else base
        holding = cf and not broken
        # a major clash slips out of control only as far as forces are massed (ladder.resolve)
        invol = p.involuntary_escalation * (readiness[i, 0] if base == _CLASH else 1.0)
        if not holding and _STANDOFF <= base <= _CLASH and to_uniform(key, c_invol) < invol:
            base += 1
        agreed = False
        if not holding and not broken and base >= _STANDOFF:
            total = (1.0 if engaged[i, 0] else 0.0) * (effect[i, 0] * timing[i, 0])
            for m in range(1, engaged.shape[1]):
                total = total + (1.0 if engaged[i, m] else 0.0) * (effect[i, m] * timing[i, m])
            o = origin[i, 0]
            water = 1.0 if (o >= 0 and segment_water[o if o > 0 else 0]) else 0.0
            context = p.mediation_regime_factor * (1.0 + p.resource_issue_bonus * water)
            debt = 0.5 * (p.china_debt_share[0] + p.china_debt_share[1])
            china_on = 1.0 if china_until[i, 0] >= day else 0.0
            mediation = (1.0 + context * total) * (1.0 + china_on * p.china_strength * debt)
            p_cf = ceasefire_probability(p.ceasefire_rate, p.ripeness_weight, p.ceasefire_unrest_lock, hurt[i, 0],
                                         hurt[i, 1], audience[i, 0], audience[i, 1], p.audience_weight[0],
                                         p.audience_weight[1], unrest_[i, 0], unrest_[i, 1], mediation)
            agreed = to_uniform(key, c_cf) < p_cf
        if agreed:
            cf_from[i, 0] = base
            base = _INCIDENT
            cf_start[i, 0] = day
            strength = p.ceasefire_strength_bilateral + agreement[i, 0]     # mediators.ceasefire_terms
            for k in range(strength_cols.size):
                strength = strength + (1.0 if engaged[i, strength_cols[k]] else 0.0) * strength_terms[i, k]
            strength = 1.0 if strength > 1.0 else strength
            fragility = 0.0
            for k in range(fragility_cols.size):
                x = (1.0 if engaged[i, fragility_cols[k]] else 0.0) * fragility_terms[i, k]
                fragility = fragility if (fragility >= x or fragility != fragility) else x
            cf_strength[i, 0] = minimum(1.0, strength + p.ceasefire_cost_durability * minimum(hurt[i, 0], hurt[i, 1]))
            cf_fragility[i, 0] = fragility
        survived = holding and day - cf_start[i, 0] >= p.ceasefire_durable_days
        ceasefire[i, 0] = (holding and not survived) or agreed
        level_base[i, 0] = base
        lvl = base if base > lm else lm
        level[i, 0] = lvl
        agreed_out[i, 0], broken_out[i, 0], survived_out[i, 0] = agreed, broken, survived
        days_since_fight[i, 0] = 0 if lvl >= _CLASH else days_since_fight[i, 0] + 1
        readiness[i, 0] = mass_forces(readiness[i, 0], lvl, p.mobilisation_days, p.demobilisation_days)
        # episodes
        was = episode[i, 0]
        starting = lvl >= _STANDOFF and not was
        if starting:
            if origin_hint[i, 0] < 0:
                picks[n_pick] = i
                n_pick += 1
            else:
                origin[i, 0] = origin_hint[i, 0]
            origin_hint[i, 0] = -1
            onset[i, 0] = day
        on = was or starting
        calm = 0 if lvl >= _STANDOFF else calm_days[i, 0] + on
        ending = on and calm >= p.episode_gap_days
        episode[i, 0] = on and not ending
        calm_days[i, 0] = 0 if ending else calm
        starting_out[i, 0], ending_out[i, 0] = starting, ending
        if ending:
            for j in range(front.shape[1]):
                front[i, j] = False
    return picks[:n_pick]


@kernel
def _quiet(ceasefire, move, level_base, local_max, episode):
    """(B,) the rows on which today's ladder changes nothing but the day's count: no ceasefire, no move, below a
    standoff (base and local rung) and in no episode. On these :func:`resolve` settles the rung at
    ``max(base, local)``, adds a day since the last fight and lets forces disperse (:func:`_quiet_days`), and no
    draw, ceasefire or episode can happen: about 57 % of the baseline's row-days."""
    out = np.empty(level_base.shape[0], dtype=np.bool_)
    for i in range(out.size):
        out[i] = (not ceasefire[i, 0]) & (move[i, 0] == 0) & (move[i, 1] == 0) & (level_base[i, 0] < _STANDOFF) \
            & (local_max[i, 0] < _STANDOFF) & (not episode[i, 0])
    return out


@kernel
def _quiet_days(t, quiet, level, days_since_fight, readiness):
    """On the ``quiet`` rows (:func:`_quiet`), in place: a day more since the last fight (below a clash) and
    :func:`~borderSim.rules.dyad_twins.mass_forces` at the day's ``level`` (below a standoff: forces disperse).
    Vectorised where every row reads one record."""
    for i in range(quiet.size):
        d = days_since_fight[i, 0]
        days_since_fight[i, 0] = d + 1 if quiet[i] else d
    if t.shape[0] == 1:
        p = t[0]
        mobilisation, demobilisation = p.mobilisation_days, p.demobilisation_days
        for i in range(quiet.size):
            r = readiness[i, 0]
            readiness[i, 0] = mass_forces(r, level[i, 0], mobilisation, demobilisation) if quiet[i] else r
    else:
        for i in range(quiet.size):
            if quiet[i]:
                p = row(t, i)
                readiness[i, 0] = mass_forces(readiness[i, 0], level[i, 0], p.mobilisation_days,
                                              p.demobilisation_days)


# -- governments update ----------------------------------------------------------------------------------------
@kernel
def update_domestic(sides, t, level, move, deaths_today, fled_today, kg_population, rally, audience, hurt,
                    legitimacy, legitimacy0, capability, protest, succession):
    """The governments ``sides`` update rally, audience costs, hurt, legitimacy and capability, Tajikistan its
    succession and Kyrgyzstan its protest pressure, in place: what :func:`borderSim.rules.phases.update_domestic`
    states with :func:`~borderSim.rules.governments.rally`, :func:`~borderSim.rules.governments.audience`,
    :func:`~borderSim.rules.governments.hurt`, :func:`~borderSim.rules.governments.legitimacy`,
    :func:`~borderSim.rules.governments.capability`, :func:`~borderSim.rules.governments.protest` and
    :func:`~borderSim.rules.governments.succession` (the decay factors computed once per run:
    :class:`~borderSim.rules.governments.Fixed`). ``kg_population`` is the Kyrgyz side's population.

    Where every row reads one record, each quantity is updated for every row in a pass of its own (its fields read
    once, one array written: passes LLVM vectorises), Kyrgyz legitimacy before the protest it reads and Tajik
    rally before the succession that reads it; otherwise row by row. Both use the same twins
    (:func:`~borderSim.rules.dyad_twins.rally_after` ...)."""
    if t.shape[0] > 1:
        _update_rows(sides, t, level, move, deaths_today, fled_today, kg_population, rally, audience, hurt,
                     legitimacy, legitimacy0, capability, protest, succession)
        return
    p = t[0]
    b = level.shape[0]
    for sd in sides:
        jump, recovery, death_cost = p.rally_jump[sd], p.legitimacy_recovery[sd], p.death_cost[sd]
        gain = p.arms_inflow[sd] + p.assistance
        decay, accrual, fade = p.rally_decay, p.audience_accrual, p.audience_decay
        hurt_decay, scale = p.hurt_decay, p.hurt_scale
        threshold, cost = p.protest_threshold, p.protest_legitimacy_cost
        for i in range(b):
            rally[i, sd] = rally_after(rally[i, sd], decay, jump, (move[i, sd] == _UP) & (level[i, 0] >= _STANDOFF))
        for i in range(b):
            audience[i, sd] = audience_after(audience[i, sd], level[i, 0] >= _STANDOFF, accrual, fade)
        for i in range(b):
            hurt[i, sd] = hurt_after(hurt[i, sd], hurt_decay, deaths_today[i, sd], scale)
        for i in range(b):
            legitimacy[i, sd] = legitimacy_after(legitimacy[i, sd], recovery, legitimacy0[i, sd], death_cost,
                                                 deaths_today[i, sd], _protest_loss(sd, protest[i, 0], threshold, cost))
        for i in range(b):
            capability[i, sd] = capability_after(capability[i, sd], gain)
    for sd in sides:
        if sd == _KG:
            civil, per_death, displaced, decay = (p.kg_civil_society, p.protest_per_death, p.protest_displaced,
                                                  p.protest_decay)
            for i in range(b):
                protest[i, 0] = protest_after(protest[i, 0], decay, civil, per_death, deaths_today[i, _KG],
                                              displaced, fled_today[i, _KG], kg_population)
        else:
            rate = p.succession_rate
            for i in range(b):
                succession[i, 0] = succession_after(succession[i, 0], rate, rally[i, _TJ])


@kernel
def _update_rows(sides, t, level, move, deaths_today, fled_today, kg_population, rally, audience, hurt,
                 legitimacy, legitimacy0, capability, protest, succession):
    """:func:`update_domestic` row by row, each row reading its own record."""
    for i in range(level.shape[0]):
        p = row(t, i)
        public = level[i, 0] >= _STANDOFF
        old_protest = protest[i, 0]
        for sd in sides:
            rally[i, sd] = rally_after(rally[i, sd], p.rally_decay, p.rally_jump[sd], move[i, sd] == _UP and public)
            audience[i, sd] = audience_after(audience[i, sd], public, p.audience_accrual, p.audience_decay)
            hurt[i, sd] = hurt_after(hurt[i, sd], p.hurt_decay, deaths_today[i, sd], p.hurt_scale)
            legitimacy[i, sd] = legitimacy_after(legitimacy[i, sd], p.legitimacy_recovery[sd], legitimacy0[i, sd],
                                                 p.death_cost[sd], deaths_today[i, sd],
                                                 _protest_loss(sd, old_protest, p.protest_threshold,
                                                               p.protest_legitimacy_cost))
            capability[i, sd] = capability_after(capability[i, sd], p.arms_inflow[sd] + p.assistance)
            if sd == _KG:
                protest[i, 0] = protest_after(old_protest, p.protest_decay, p.kg_civil_society, p.protest_per_death,
                                              deaths_today[i, _KG], p.protest_displaced, fled_today[i, _KG],
                                              kg_population)
            else:
                succession[i, 0] = succession_after(succession[i, 0], p.succession_rate, rally[i, _TJ])


@kernel(inline=True)
def _protest_loss(sd, pressure, threshold, cost):
    """Side ``sd``'s legitimacy lost to Kyrgyz protest today (:func:`~borderSim.rules.dyad_twins.protest_cost`;
    Tajikistan's is 0), for both of :func:`update_domestic`'s paths."""
    return 0.0 if sd == _TJ else protest_cost(pressure, threshold, cost)


# -- talks -------------------------------------------------------------------------------------------------
@kernel
def negotiate(keys, day, t, rank, level, episode, hurt, agreement, protest, demarcated):
    """A day of demarcation talks on every row, in place (``agreement``, ``protest``, ``demarcated``): what
    :func:`borderSim.rules.negotiation.negotiate` and :func:`borderSim.rules.schedule.talks` state (a round's draw
    only where the border is calm, a success's only where a round is held). ``rank`` (S,) is the segments'
    demarcation order. Returns the rows that agreed a segment today (their villages' hazard is the caller's)."""
    b = level.shape[0]
    changed = np.empty(b, dtype=np.int64)
    n = 0
    c_round, c_success = counter(day, _NEGOTIATION, 0), counter(day, _NEGOTIATION_SUCCESS, 0)
    for i in range(b):
        p = row(t, i)
        lvl = level[i, 0]
        success = False
        calm = lvl <= _GUNFIRE and not episode[i, 0]
        if calm and to_uniform(keys[i], c_round) < minimum(1.0, p.negotiation_rate * p.facilitation):
            success = to_uniform(keys[i], c_success) < success_probability(
                p.negotiation_success, p.talks_ripeness, p.ripeness_threshold, hurt[i, 0], hurt[i, 1],
                p.facilitation, protest[i, 0])
        conceded = False
        if success:
            best = -1
            for j in range(rank.size):
                if not demarcated[i, j] and (best < 0 or rank[j] < rank[best]):
                    best = j
            if best >= 0:
                demarcated[i, best] = True
                conceded = True
                changed[n] = i
                n += 1
        a = agreement[i, 0]
        if success:
            a = a + p.agreement_step * (1.0 - a)
        if lvl >= _STANDOFF:
            a = a * (1.0 - p.agreement_erosion)
        agreement[i, 0] = a
        protest[i, 0] = minimum(1.0, protest[i, 0] + conceded * p.protest_concession)
    return changed[:n]
