"""Compiled kernels of the front's day (numba), used by both engines: the front spreads and may jump, the
fire and exposure it puts on the villages, and the soldiers it kills.

Each kernel does one fighting row's day in one pass, with exactly the same integer and floating-point
operations in the same order as the numpy rules it implements (:func:`borderSim.rules.ladder.front`,
:func:`~borderSim.rules.ladder.second_front`, :func:`~borderSim.rules.ladder.fire`,
:func:`~borderSim.rules.ladder.intensity`, :func:`~borderSim.rules.ladder.firepower`,
:func:`~borderSim.rules.ladder.segment_levels`,
:func:`borderSim.rules.communities.village_exposure`, :func:`borderSim.rules.military.losses`) and the same
draws (slot ``step x S + segment`` of ``FRONT_SPREAD``; slots 0 and 1 of ``SECOND_FRONT``), tested number for
number against them (``tests/test_kernels.py``). No fast-math; ``pow`` is the C library's, as in
:mod:`borderSim.rules.fmath`.
"""

from __future__ import annotations

import math

import numpy as np

from borderSim.common.jit import kernel
from borderSim.rules.kernels import capped, poisson
from borderSim.rules.streams import Stream, counter, to_uniform

_FRONT_SPREAD, _SECOND_FRONT = int(Stream.FRONT_SPREAD), int(Stream.SECOND_FRONT)
_MILITARY_DEATHS, _MILITARY_WOUNDED = int(Stream.MILITARY_DEATHS), int(Stream.MILITARY_WOUNDED)
_SHOOTOUT_DEATHS = int(Stream.SHOOTOUT_DEATHS)
_CLASH, _MAJOR_CLASH, _WAR = 4, 5, 6   # borderSim.rules.ladder.Rung (ladder imports the kernels, not the reverse)


# -- the rules' arithmetic for one row or segment: each the twin of a numpy rule, tested against it ---------
@kernel(inline=True)
def rung_intensity(level, clash_intensity, war_intensity):
    """:func:`borderSim.rules.ladder.intensity` of one row."""
    if level >= _WAR:
        return war_intensity
    if level == _MAJOR_CLASH:
        return 1.0
    if level == _CLASH:
        return clash_intensity
    return 0.0


@kernel(inline=True)
def firepower(capability_tj, capability_kg, elasticity):
    """:func:`borderSim.rules.ladder.firepower` of one row."""
    return math.pow(0.5 * (capability_tj + capability_kg), elasticity)


@kernel(inline=True)
def spread_probability(rate, intens):
    """:func:`borderSim.rules.ladder.spread_probability` of one row (and, with ``second_front_rate``, the chance
    of a second front in :func:`~borderSim.rules.ladder.second_front`)."""
    return capped(rate * intens)


@kernel(inline=True)
def join_probability(p, tries):
    """:func:`borderSim.rules.ladder.join_probability` of one segment."""
    return 1.0 - math.pow(1.0 - p, tries)


@kernel(inline=True)
def fire_share(decay, steps):
    """:func:`borderSim.rules.ladder.fire` of a segment on the front ``steps`` from the origin."""
    return math.pow(decay, float(steps if steps > 0 else 0))


@kernel(inline=True)
def soldier_exposure(opponent, total):
    """One side's soldiers' :func:`~borderSim.rules.communities.exposure` (``total``: both sides' capability)."""
    return 2.0 * opponent / total


@kernel(inline=True)
def village_exposure(opponent, total, incursion):
    """One side's villages' :func:`~borderSim.rules.communities.village_exposure`."""
    return math.pow(soldier_exposure(opponent, total), incursion)


@kernel(inline=True)
def military_mean(death_rate, intens, extent, expo):
    """:func:`borderSim.rules.military.mean_deaths` of one side."""
    return death_rate * intens * extent * expo


@kernel(inline=True)
def segment_hazards(cum, i, segment, incident_hazard, daily):
    """Row ``i``'s incident hazard of each segment into ``cum`` (S,): its villages' ``hazard_base x grievance x
    daily`` (``incident_hazard`` is the state's ``hazard_base x grievance``), added in village order
    (:func:`~borderSim.rules.communities.segment_hazard`)."""
    for j in range(cum.size):
        cum[j] = 0.0
    d = daily[i, 0]
    for v in range(segment.size):
        cum[segment[v]] += incident_hazard[i, v] * d


@kernel
def front(keys, day, rows, level, origin, adjacency, hops, spread_rate, clash_intensity, war_intensity,
          second_rate, decay, incursion, elasticity, capability, incident_hazard, daily, segment,
          front_state, segment_level, segment_local, on_front, fire, intensity, exposure):
    """The front of the fighting ``rows`` after today, in place.

    Per row ``rows[k]``: the harm ``intensity[k]``, its rung's times the sides' :func:`firepower` (``elasticity``);
    its front (``front_state``, with the origin) spreads along ``adjacency`` in a cascade of steps, each front
    segment taken in the last step trying each neighbour off the front with
    :func:`~borderSim.rules.ladder.spread_probability` (of the rung's intensity); at rung 5+ it may jump
    to a segment neither on it nor next to it, drawn by the segments' expected incidents
    (:func:`~borderSim.rules.communities.segment_hazard` of ``incident_hazard`` and ``daily``).
    Writes ``on_front[k]``, the share of the fire each segment takes ``fire[k]`` and the exposure of each side's
    villages ``exposure[k]``, and the row's ``front_state`` and ``segment_level`` (the rung on the front,
    ``segment_local`` elsewhere). Parameters and state are the whole batch's, indexed by row.

    The ``pow`` of a join chance and of a fire share depends only on the spread chance and the number of tries, the
    decay and the distance: each is computed once while these stay the same from one row to the next (a positive
    value: a zero or NaN is not kept), and read again after (the same number: ``front`` on the calibration
    benchmark's candidates 0.44 -> 0.39 ms a call).
    """
    n_seg = adjacency.shape[0]
    new = np.empty(n_seg, dtype=np.bool_)
    join = np.empty(n_seg, dtype=np.bool_)
    cum = np.empty(n_seg)
    shares = np.empty(n_seg + 1)               # fire_share(decay, h) of the last positive decay, h from 0 ...
    shares_of = np.zeros(n_seg + 1, dtype=np.bool_)
    shares_decay = -1.0
    joins = np.empty(n_seg + 1)                # join_probability(p, tries) of the last positive p, tries from 0 ...
    joins_of = np.zeros(n_seg + 1, dtype=np.bool_)
    joins_p = -1.0
    second = (counter(day, _SECOND_FRONT, 0), counter(day, _SECOND_FRONT, 1))
    for k in range(rows.size):
        i = rows[k]
        key = keys[i]
        lv = level[i, 0]
        it = rung_intensity(lv, clash_intensity[i, 0], war_intensity[i, 0])
        intensity[k, 0] = it * firepower(capability[i, 0], capability[i, 1], elasticity[i, 0])
        out = on_front[k]
        for j in range(n_seg):
            out[j] = front_state[i, j]
        o = origin[i, 0]
        out[o] = True
        # the cascade: segments taken in one step try their neighbours in the next
        p = spread_probability(spread_rate[i, 0], it)
        if p != joins_p:
            joins_of[:] = False
            joins_p = p if p > 0.0 else -1.0
        for j in range(n_seg):
            new[j] = out[j]
        for step in range(n_seg):
            hit = False
            for j in range(n_seg):
                join[j] = False
                if out[j]:
                    continue
                tries = 0.0
                for t in range(n_seg):
                    if new[t] and adjacency[t, j]:
                        tries += 1.0
                if tries > 0.0:
                    u = to_uniform(key, counter(day, _FRONT_SPREAD, step * n_seg + j))
                    n_tries = int(tries)
                    if not joins_of[n_tries]:
                        joins[n_tries] = join_probability(p, tries)
                        joins_of[n_tries] = joins_p > 0.0
                    if u < joins[n_tries]:
                        join[j] = True
                        hit = True
            if not hit:
                break
            for j in range(n_seg):
                new[j] = join[j]
                if join[j]:
                    out[j] = True
        # a second front at rung 5+
        if lv >= _MAJOR_CLASH and to_uniform(key, second[0]) < spread_probability(second_rate[i, 0], it):
            segment_hazards(cum, i, segment, incident_hazard, daily)
            total = 0.0
            for j in range(n_seg):             # the cumulative sum of the weights off and away from the front
                near = out[j]
                for t in range(n_seg):
                    near = near or (out[t] and adjacency[t, j])
                w = 0.0 if near else cum[j]
                total = w if j == 0 else total + w
                cum[j] = total
            if total > 0:
                x = to_uniform(key, second[1]) * total
                pick = 0
                for j in range(n_seg):
                    if cum[j] <= x:
                        pick += 1
                out[pick if pick < n_seg - 1 else n_seg - 1] = True
        # the fire along the front, the villages' exposure, and the state
        dk = decay[i, 0]
        if dk != shares_decay:
            shares_of[:] = False
            shares_decay = dk if dk > 0.0 else -1.0
        for j in range(n_seg):
            h = hops[o, j]
            h = h if h > 0 else 0
            if out[j] and not shares_of[h]:
                shares[h] = fire_share(dk, h)
                shares_of[h] = shares_decay > 0.0
            fire[k, j] = shares[h] if out[j] else 0.0
            front_state[i, j] = out[j]
            segment_level[i, j] = lv if out[j] else segment_local[i, j]
        total = capability[i, 0] + capability[i, 1]
        exposure[k, 0] = village_exposure(capability[i, 1], total, incursion[i, 0])
        exposure[k, 1] = village_exposure(capability[i, 0], total, incursion[i, 0])


@kernel
def origins(rows, incident_hazard, daily, segment, weight, segment_local, u):
    """(n, 1) origin segments of the episodes starting on ``rows``: the numbers of
    :func:`borderSim.rules.ladder.origin` with :func:`~borderSim.rules.communities.segment_hazard` of the rows'
    ``incident_hazard`` (``hazard_base x grievance``, (B, V)) and ``daily`` (B, 1) (each segment's villages added in
    village order), the rows' ``weight`` (B, 1) and ``segment_local`` (B, S), and their draws ``u`` (n,)."""
    n_seg = segment_local.shape[1]
    out = np.empty((rows.size, 1), dtype=np.int64)
    cum = np.empty(n_seg)
    for k in range(rows.size):
        i = rows[k]
        segment_hazards(cum, i, segment, incident_hazard, daily)
        total = 0.0
        for j in range(n_seg):
            w = cum[j] + weight[i, 0] * segment_local[i, j]
            total = w if j == 0 else total + w
            cum[j] = total
        x = u[k] * total
        pick = 0
        for j in range(n_seg):
            if cum[j] <= x:
                pick += 1
        out[k, 0] = pick if pick < n_seg - 1 else n_seg - 1
    return out


@kernel
def military_losses(keys, day, rows, intensity, extent, capability, death_rate, wounded_per_death,
                    deaths_military, wounded_military, deaths_today):
    """Each side's soldiers killed and wounded today on the fighting ``rows``, added in place: the numbers
    of :func:`borderSim.rules.military.losses` with the sides' :func:`~borderSim.rules.communities.exposure`;
    ``intensity`` and ``extent`` (the front's fire-weighted segments) are (n, 1), one line per row."""
    c_deaths = (counter(day, _MILITARY_DEATHS, 0), counter(day, _MILITARY_DEATHS, 1))
    c_wounded = (counter(day, _MILITARY_WOUNDED, 0), counter(day, _MILITARY_WOUNDED, 1))
    for k in range(rows.size):
        i = rows[k]
        key = keys[i]
        total = capability[i, 0] + capability[i, 1]
        for sd in range(2):
            expo = soldier_exposure(capability[i, 1 - sd], total)
            mean = military_mean(death_rate[i, 0], intensity[k, 0], extent[k, 0], expo)
            d = poisson(to_uniform(key, c_deaths[sd]), mean)
            w = poisson(to_uniform(key, c_wounded[sd]), wounded_per_death[i, 0] * mean)
            deaths_military[i, sd] += d
            wounded_military[i, sd] += w
            deaths_today[i, sd] += d


@kernel
def shootouts(keys, day, rows, villages, gunfire, lethality, side, deaths_military, deaths_today):
    """Soldiers killed in today's border-guard shoot-outs, added in place: each incident (``rows``, ``villages``
    global indices) with ``gunfire`` kills ``poisson(uniform(keys, day, SHOOTOUT_DEATHS, village), lethality)``
    of the village's ``side`` (``lethality`` (B, 1)): the numbers of :func:`borderSim.rules.draws.poisson` of
    :func:`borderSim.rules.streams.uniform_at`, added as ``np.add.at`` adds them."""
    for k in range(rows.size):
        if not gunfire[k]:
            continue
        i, v = rows[k], villages[k]
        d = poisson(to_uniform(keys[i], counter(day, _SHOOTOUT_DEATHS, v)), lethality[i, 0])
        if d:
            sd = side[v]
            deaths_military[i, sd] += d
            deaths_today[i, sd] += d


def new_front_arrays(n: int, n_segments: int) -> tuple[np.ndarray, ...]:
    """Empty (on_front, fire, intensity, exposure) for ``n`` fighting rows, for :func:`front` to fill."""
    return (np.empty((n, n_segments), dtype=np.bool_), np.empty((n, n_segments)), np.empty((n, 1)),
            np.empty((n, 2)))
