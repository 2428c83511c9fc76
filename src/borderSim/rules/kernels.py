"""Compiled kernels for the per-village rules and the draws that feed them (numba), used by both engines.

numpy needs a dozen passes over the (batch, villages) arrays to hash a counter into a uniform and
compare it with an incident probability, and as many again for each step of the harm on the front;
each kernel here does what one village (or one row) does in a day in one pass, with exactly the same
integer and floating-point operations in the same order as the numpy rules it implements
(:mod:`borderSim.rules.communities`, :mod:`borderSim.rules.military`, :func:`borderSim.rules.draws.poisson`,
:func:`borderSim.rules.streams.uniform`), tested number for number against them (``tests/test_kernels.py``).
No fast-math; ``exp``, ``expm1`` and ``pow`` are the C library's, as in :mod:`borderSim.rules.fmath`.
The core passes every village of the rows that need it, a Mesa village only its own column.
"""

from __future__ import annotations

import math

import numpy as np

from borderSim.common.jit import kernel
from borderSim.rules.fmath import ndtri
from borderSim.rules.streams import Stream, counter, premix, to_uniform, uniform_premixed

_INCIDENT, _GUNFIRE, _RETURN = int(Stream.INCIDENT), int(Stream.GUNFIRE), int(Stream.RETURN)
_SHELLING, _FLIGHT, _HOMES = int(Stream.SHELLING), int(Stream.FLIGHT), int(Stream.HOMES)
_CIVILIAN_DEATHS, _CIVILIAN_WOUNDED = int(Stream.CIVILIAN_DEATHS), int(Stream.CIVILIAN_WOUNDED)
_WAR = 6              # rung of sustained war (borderSim.rules.ladder.WAR; ladder imports this module)
_NORMAL_FROM = 30.0   # Poisson means above this use the rounded normal approximation (borderSim.rules.draws)
_REFERENCE_GRIEVANCE = 0.5   # borderSim.rules.communities (which imports this module, through draws)
_MAX_SEARCH = 200
_SURELY_NONE = 1.0 - 2.0**-40   # below it, a draw plus its mean is a Poisson count of 0 (poisson)


@kernel
def _counters(day, stream, cols):
    out = np.empty(cols.size, dtype=np.uint64)
    for m in range(cols.size):
        out[m] = counter(day, stream, cols[m])
    return out


@kernel
def _premixed_counters(day, stream, cols):
    """:func:`_counters`, each through :func:`~borderSim.rules.streams.premix` (for
    :func:`~borderSim.rules.streams.uniform_premixed`)."""
    out = _counters(day, stream, cols)
    for m in range(cols.size):
        out[m] = premix(out[m])
    return out


@kernel(inline=True)
def capped(p):
    """``np.minimum(p, 1.0)`` (a NaN stays NaN)."""
    return 1.0 if p > 1.0 else p


# -- the rules' arithmetic for one element: each the twin of a numpy rule, tested against it ----------------
@kernel(inline=True)
def incident_probability(hazard_grievance, daily):
    """:func:`borderSim.rules.communities.incident_probability` of one village-day, from its ``hazard x grievance``
    (the state's ``incident_hazard``)."""
    return capped(hazard_grievance * daily)


@kernel(inline=True)
def gunfire_probability(rate, militarisation, level_base):
    """:func:`borderSim.rules.communities.gunfire_probability` of one row."""
    return capped(rate * (1.0 + militarisation * level_base / _WAR))


@kernel(inline=True)
def shelling_probability(rate, intens, expo):
    """:func:`borderSim.rules.communities.shelling_probability` of one village-day."""
    return capped(rate * intens * expo)


@kernel(inline=True)
def harm_means(death_rate, wounded_per_death, homes_rate, intens, residents, population):
    """:func:`borderSim.rules.communities.harm_means` of one shelled village."""
    mean_deaths = death_rate * intens * residents / 1000.0
    return mean_deaths, wounded_per_death * mean_deaths, homes_rate * intens * population / 1000.0


@kernel(inline=True)
def grievance_after_losses(grievance, loss, homes_weight, deaths, homes):
    """:func:`borderSim.rules.communities.grievance_after_losses` of one shelled village."""
    return capped(grievance + loss * deaths + homes_weight * homes)


@kernel(inline=True)
def flight_share(flight_rate, civil_society, danger):
    """:func:`borderSim.rules.communities.flight_share` of one village-day."""
    return -math.expm1(-flight_rate * civil_society * danger)


@kernel(inline=True)
def stochastic_round(x, u):
    """:func:`borderSim.rules.draws.stochastic_round` of one number."""
    return np.int64(math.floor(x + u))


@kernel
def poisson(u, lam):
    """One Poisson count by inversion, as :func:`borderSim.rules.draws.poisson`: the least ``k`` with
    ``u < F(k)`` (at most 200) for means up to 30, else ``max(0, floor(lam + sqrt(lam) ndtri(u) + 0.5))``.

    The search's first two steps are written out, their divisions by 1 and 2 as the multiplications they equal bit
    for bit (``x / 1`` is ``x``, ``x / 2`` is ``x * 0.5``): a division's latency is the search's step, and most
    counts on the front are 0, 1 or 2 (``endure`` about 3 % faster).

    A draw surely below ``F(0) = exp(-lam)`` is 0 without the ``exp`` (the front's deaths and wounded: their means
    are mostly below 0.1): where the rounded ``u + lam`` is below ``1 - 2**-40``, ``u`` is below ``1 - lam - 2**-41``,
    so below ``exp(-lam) - 2**-52`` (``exp(-lam) >= 1 - lam``), so below the C library's ``exp(-lam)``, within an ulp
    of it (at most ``2**-53`` here). A negative mean (never drawn) gives 0 either way."""
    if u + lam < _SURELY_NONE:
        return np.int64(0)
    if lam <= _NORMAL_FROM:
        p = math.exp(-lam)
        cdf = p
        if not u >= cdf:
            return np.int64(0)
        p = p * lam                     # / 1
        cdf = cdf + p
        if not u >= cdf:
            return np.int64(1)
        p = p * lam * 0.5               # / 2
        cdf = cdf + p
        k = 2
        while u >= cdf and k < _MAX_SEARCH:
            k += 1
            p = p * lam / k
            cdf = cdf + p
        return np.int64(k)
    x = math.floor(lam + math.sqrt(lam) * ndtri(u) + 0.5)
    return np.int64(x if x > 0.0 else 0.0)


@kernel
def hazard_rows(rows, incident_rate, demarcation_effect, exclave_multiplier, segment, near, demarcated,
                hazard_base, grievance, incident_hazard):
    """Rewrite the ``rows`` of ``hazard_base`` (B, V) in place: the numbers of
    :func:`borderSim.rules.communities.hazard_base` of those rows (``incident_rate / 0.5 x segment factor x
    exclave factor``, in that order), from the parameters (B, 1), each village's ``segment`` and ``near``
    (:func:`~borderSim.rules.communities.near_exclave`) (V,) and ``demarcated`` (B, S); ``incident_hazard``
    follows (``hazard_base x grievance``)."""
    for k in range(rows.size):
        i = rows[k]
        rate = incident_rate[i, 0] / _REFERENCE_GRIEVANCE
        conceded = 1.0 - demarcation_effect[i, 0]
        multiplier = exclave_multiplier[i, 0]
        for v in range(segment.size):
            seg = conceded if demarcated[i, segment[v]] else 1.0
            hazard_base[i, v] = rate * seg * (multiplier if near[v] else 1.0)
            incident_hazard[i, v] = hazard_base[i, v] * grievance[i, v]


# -- villages observe --------------------------------------------------------------------------------
@kernel
def observe(keys, day, slots, hazard, daily, gunfire_rate, militarisation, level_base, incident, gunfire):
    """Today's incidents and gunfire in the villages ``slots`` (global indices) of every row, in place.

    ``hazard`` (the state's ``incident_hazard``: ``hazard_base x grievance``), ``incident`` and ``gunfire`` are
    (B, v) arrays of those villages (the core: all of them; a Mesa village: its own column), ``daily`` and the
    parameters (B, 1). An incident where
    ``uniform(keys, day, INCIDENT, slot) <`` :func:`~borderSim.rules.communities.incident_probability`; it
    turns into gunfire where ``uniform(keys, day, GUNFIRE, slot) <``
    :func:`~borderSim.rules.communities.gunfire_probability` of ``gunfire_rate``, ``militarisation`` and
    ``level_base``: the same numbers as those rules. Returns the (rows, slots, gunfire flags) of the
    incidents, rows ascending, then villages.
    """
    b, v = hazard.shape
    c_incident = _premixed_counters(day, _INCIDENT, slots)
    count = np.empty(b, dtype=np.int64)
    for i in range(b):      # the draw for every village-day: one vectorised pass (no branch, no indirection)
        key = premix(keys[i])
        d = daily[i, 0]
        n = 0
        for j in range(v):
            hit = uniform_premixed(key, c_incident[j]) < incident_probability(hazard[i, j], d)
            incident[i, j] = hit
            gunfire[i, j] = False
            n += hit
        count[i] = n
    total = count.sum()
    rows = np.empty(total, dtype=np.int64)
    villages = np.empty(total, dtype=np.int64)
    shots = np.empty(total, dtype=np.bool_)
    if total == 0:
        return rows, villages, shots
    c_gunfire = _counters(day, _GUNFIRE, slots)
    k = 0
    for i in range(b):
        if count[i] == 0:
            continue
        key = keys[i]
        pg = gunfire_probability(gunfire_rate[i, 0], militarisation[i, 0], level_base[i, 0])
        for j in range(v):
            if incident[i, j]:
                g = to_uniform(key, c_gunfire[j]) < pg
                gunfire[i, j] = g
                rows[k], villages[k], shots[k] = i, slots[j], g
                k += 1
    return rows, villages, shots


# -- villages endure ---------------------------------------------------------------------------------
@kernel
def endure(keys, day, rows, fire, intensity, exposure, slots, segment, side, population, stock,
           shelling, death_rate, wounded_per_death, homes_rate, grievance_loss, grievance_homes, flight_rate,
           civil_society, residents, displaced, dead, wounded, homes, grievance, hazard_base, incident_hazard, dirty,
           deaths_civilian, wounded_civilian, homes_destroyed, deaths_today, fled_today, displaced_now):
    """A day on the front for the villages ``slots`` (global indices) of the fighting ``rows``, in place;
    returns the (rows, slots) shelled.

    ``fire`` (n, S), ``intensity`` (n, 1) and ``exposure`` (n, 2) are the front's (:class:`borderSim.rules.day.Front`,
    one line per fighting row). ``segment``, ``side``, ``population`` and ``stock`` (homes,
    :func:`~borderSim.rules.communities.housing_stock`) describe those villages, and ``residents`` ...
    ``incident_hazard`` are their (B, v) state (``incident_hazard``, ``hazard_base x grievance``, follows a rise in
    grievance); the parameters (``shelling`` ... ``flight_rate`` (B, 1),
    ``civil_society`` (B, 2)), ``dirty`` and the side totals are the whole batch's. A village whose segment
    takes fire is shelled with :func:`~borderSim.rules.communities.shelling_probability`; if it is, it
    suffers :func:`~borderSim.rules.communities.civilian_harm`, added to its own and its side's counts, and
    its grievance rises (:func:`~borderSim.rules.communities.grievance_after_losses`); then its residents
    still alive flee by :func:`~borderSim.rules.communities.flight`. The same numbers as those rules.
    """
    c_shell = _counters(day, _SHELLING, slots)
    c_flight = _counters(day, _FLIGHT, slots)
    c_deaths = _counters(day, _CIVILIAN_DEATHS, slots)
    c_wounded = _counters(day, _CIVILIAN_WOUNDED, slots)
    c_homes = _counters(day, _HOMES, slots)
    hit_rows = np.empty(rows.size * slots.size, dtype=np.int64)
    hit_slots = np.empty(rows.size * slots.size, dtype=np.int64)
    n_hit = 0
    # what depends only on the row, the segment and the side, computed once per row for each (segment, side)
    done = np.full(2 * fire.shape[1], -1, dtype=np.int64)
    intens_, danger_, flee_ = np.empty(2 * fire.shape[1]), np.empty(2 * fire.shape[1]), np.empty(2 * fire.shape[1])
    for k in range(rows.size):
        i = rows[k]
        key = keys[i]
        for j in range(slots.size):
            share = fire[k, segment[j]]
            if share == 0.0:
                continue
            sd = side[j]
            at = 2 * segment[j] + sd
            if done[at] != k:
                intens_[at] = intensity[k, 0] * share
                danger_[at] = shelling_probability(shelling[i, 0], intens_[at], exposure[k, sd])
                flee_[at] = flight_share(flight_rate[i, 0], civil_society[i, sd], danger_[at])
                done[at] = k
            intens, danger = intens_[at], danger_[at]
            left = residents[i, j]
            if to_uniform(key, c_shell[j]) < danger:
                d = w = 0                # no one at home: Poisson(0) is 0 whatever the draw
                mean_d, mean_w, mean_h = harm_means(death_rate[i, 0], wounded_per_death[i, 0], homes_rate[i, 0],
                                                    intens, left, population[j])
                if left > 0:
                    d = poisson(to_uniform(key, c_deaths[j]), mean_d)
                    d = d if d < left else left
                    w = poisson(to_uniform(key, c_wounded[j]), mean_w)
                h = poisson(to_uniform(key, c_homes[j]), mean_h)
                standing = stock[j] - homes[i, j]
                h = h if h < standing else standing
                if d:                    # adding 0 changes nothing: most shelled villages lose no one
                    dead[i, j] += d
                    deaths_civilian[i, sd] += d
                    deaths_today[i, sd] += d
                if w:
                    wounded[i, j] += w
                    wounded_civilian[i, sd] += w
                if h:
                    homes[i, j] += h
                    homes_destroyed[i, sd] += h
                grievance[i, j] = grievance_after_losses(grievance[i, j], grievance_loss[i, 0],
                                                         grievance_homes[i, 0], d, h)
                incident_hazard[i, j] = hazard_base[i, j] * grievance[i, j]
                dirty[i, 0] = True
                hit_rows[n_hit], hit_slots[n_hit] = i, slots[j]
                n_hit += 1
                left = left - d
            if left <= 0:                # no one left to flee (floor(0 + u) is 0 whatever the draw)
                residents[i, j] = left
                continue
            fled = stochastic_round(left * flee_[at], to_uniform(key, c_flight[j]))
            fled = fled if fled < left else left
            residents[i, j] = left - fled
            displaced[i, j] += fled
            fled_today[i, sd] += fled
            displaced_now[i, sd] += fled
    return hit_rows[:n_hit], hit_slots[:n_hit]


def nonzero_2d(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a 2-D mask (the same pairs, in row-major order), through the 1-D fast path (about ten
    times faster)."""
    return np.divmod(np.flatnonzero(mask), mask.shape[1])


@kernel
def returning_rows(days_since_fight, return_delay, displaced_now):
    """The rows where fighting stopped at least ``return_delay`` days ago and someone is displaced
    (``days_since_fight >= return_delay`` and ``displaced_now`` above 0 on either side), ascending: the
    rows :func:`apply_returns` moves people home on."""
    out = np.empty(days_since_fight.shape[0], dtype=np.int64)
    n = 0
    for i in range(days_since_fight.shape[0]):
        if days_since_fight[i, 0] >= return_delay[i, 0] and displaced_now[i, 0] + displaced_now[i, 1] > 0:
            out[n] = i
            n += 1
    return out[:n]


@kernel
def apply_returns(keys, day, rows, slots, displaced, residents, displaced_now, side, rate):
    """Move today's returning displaced home, in place, in the villages ``slots`` (global indices) of ``rows``.

    ``displaced`` and ``residents`` are the (B, v) arrays of those villages (the core: all of them; a Mesa
    village: its own column), ``side`` their (v,) sides and ``rate`` the (B, 1) return rates.
    In each village ``floor(displaced * rate + u)`` (at most all of them) return, with
    ``u = uniform(keys, day, RETURN, slot)``: the same numbers as :func:`borderSim.rules.communities.returns`;
    the per-side totals in ``displaced_now`` (B, 2) follow. A village with no one displaced returns no one
    (its draw is made and ignored, so that the loop has no branch and runs vectorised). The rounded number is
    converted to a 32-bit integer, which a CPU without AVX-512 converts four at a time (64-bit: one at a time): the
    same number, as it is at most ``displaced`` (32-bit) when ``rate`` is at most 1 (the schema's range). It stays
    32-bit, and so does its product with the village's side (0 or 1), which the CPU multiplies four at a time too
    (``recover`` on the calibration benchmark's candidates 0.90 -> 0.83 ms a call).
    """
    counters = _premixed_counters(day, _RETURN, slots)
    for k in range(rows.size):        # row-major: one pass over each row's villages
        i = rows[k]
        key = premix(keys[i])
        r = rate[i, 0]
        back_tj = 0
        back_kg = 0
        for j in range(slots.size):
            d = displaced[i, j]
            back = np.int32(np.floor(d * r + uniform_premixed(key, counters[j])))   # stochastic_round, in 32 bits
            back = back if back < d else d
            back = back if d > 0 else np.int32(0)     # 32 bits throughout (a 0 would make it 64)
            displaced[i, j] = d - back
            residents[i, j] += back
            kg = back * np.int32(side[j])     # 0 or back: a 32-bit product (64-bit: emulated without AVX-512)
            back_kg += kg
            back_tj += back - kg
        displaced_now[i, 0] -= back_tj
        displaced_now[i, 1] -= back_kg


@kernel
def poisson_search(u, lam, p0):
    """Poisson counts by sequential search of the CDF: the least ``k`` with ``u < F(k)``, at most 200.

    ``u``, ``lam`` and ``p0 = exp(-lam)`` are flat arrays (``p0`` comes from :func:`borderSim.rules.fmath.exp`,
    so that every engine, batch size and CPU uses the same exponential). Used by
    :func:`borderSim.rules.draws.poisson`.
    """
    out = np.empty(u.size, dtype=np.int64)
    for i in range(u.size):
        ui, li = u[i], lam[i]
        p = p0[i]
        cdf = p
        k = 0
        while ui >= cdf and k < 200:
            k += 1
            p = p * li / k
            cdf = cdf + p
        out[i] = k
    return out


@kernel
def relax_grievance(rows, grievance, baseline, row_grievance, row_baseline, factor, snap, dirty, hazard_base,
                    incident_hazard):
    """A week of relaxation of the villages' grievance on ``rows``, in place.

    ``grievance`` and ``baseline`` are the (B, v) arrays of the villages that relax (the core: all of them; a
    Mesa village: its own column), ``row_grievance`` and ``row_baseline`` the whole rows'. Each becomes
    ``baseline + (grievance - baseline) * factor``, snapped to the baseline within ``snap``: the same
    operations as :func:`borderSim.rules.communities.grievance_relax` (tested bit for bit); ``factor`` is
    (len(rows),). ``dirty[row]`` is left True where any village of the row (not only these) is still away
    from its baseline. ``incident_hazard`` (``hazard_base x grievance``, (B, v) of the same villages) follows.
    """
    for k in range(rows.size):
        i = rows[k]
        f = factor[k]
        for j in range(grievance.shape[1]):     # no branch: runs vectorised
            b = baseline[i, j]
            g = b + (grievance[i, j] - b) * f
            grievance[i, j] = b if abs(g - b) < snap else g
            incident_hazard[i, j] = hazard_base[i, j] * grievance[i, j]
        away = False
        for j in range(row_grievance.shape[1]):
            away = away | (row_grievance[i, j] != row_baseline[i, j])
        dirty[i] = away


@kernel
def local_levels(rows, segs, gunfire, seg, worst, incidents, shots):
    """Per-row worst local rung per segment ``seg`` (1 incident, 2 gunfire), worst overall ``worst``, and counts
    of ``incidents`` and of gunfire ``shots``, from the day's incidents at (``rows``, ``segs``), in place.

    The arrays hold the previous aggregation (or zeros): only its rows with an incident (``worst > 0``: every
    other entry is zero) are cleared first, then the incidents are added in one pass over them.
    """
    for i in range(worst.shape[0]):
        if worst[i, 0] > 0:
            worst[i, 0] = incidents[i, 0] = shots[i, 0] = 0
            for j in range(seg.shape[1]):
                seg[i, j] = 0
    for k in range(rows.size):
        i, g = rows[k], gunfire[k]
        rung = 2 if g else 1
        if rung > seg[i, segs[k]]:
            seg[i, segs[k]] = rung
        if rung > worst[i, 0]:
            worst[i, 0] = rung
        incidents[i, 0] += 1
        shots[i, 0] += g
