"""Compiled kernels for the hottest per-village rules (numba), used by both engines.

numpy needs a dozen passes over the (batch, villages) arrays to hash a counter into a uniform and
compare it with an incident probability; this kernel does it in one, with exactly the same integer
and floating-point operations in the same order as :func:`borderSim.rules.streams.uniform` and
:func:`borderSim.rules.communities.incident_probability` (tested bit for bit). No fast-math: IEEE
results are the same as numpy's.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from borderSim.rules.streams import Stream, counter, to_uniform

_INCIDENT = int(Stream.INCIDENT)
_SMALL = 64
_NONE = np.zeros(0, dtype=np.int64)
_NONE.flags.writeable = False
_RETURN = int(Stream.RETURN)


@njit(cache=True)
def _incident_mask(keys, day, slots, hazard, grievance, daily, out):
    b, v = hazard.shape
    counters = np.empty(v, dtype=np.uint64)
    for j in range(v):
        counters[j] = counter(day, _INCIDENT, slots[j])
    for i in range(b):
        key = keys[i]
        d = daily[i, 0]
        for j in range(v):
            p = hazard[i, j] * grievance[i, j]
            p = p * d
            if p > 1.0:
                p = 1.0
            u = to_uniform(key, counters[j])
            out[i, j] = u < p


def incidents(keys, day, slots, hazard, grievance, daily):
    """Row and column indices of today's village incidents (rows ascending, then columns).

    ``keys`` (B,) uint64; ``slots`` (V,) village indices; ``hazard``, ``grievance`` (B, V); ``daily``
    (B, 1). The same pairs as ``np.nonzero(uniform(keys, day, INCIDENT, slots) < incident_probability(...))``;
    the draw and comparison run in one vectorised pass, the (sparse) pairs are then collected.
    """
    out = np.empty(hazard.shape, dtype=np.bool_)
    _incident_mask(keys, day, slots, hazard, grievance, daily, out)
    if out.size <= _SMALL and not out.any():   # one Mesa village on a quiet day: skip the index arithmetic
        return _NONE, _NONE
    return nonzero_2d(out)


def nonzero_2d(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a 2-D mask (the same pairs, in row-major order), through the 1-D fast path (about ten
    times faster)."""
    return np.divmod(np.flatnonzero(mask), mask.shape[1])


@njit(cache=True, inline="always")
def _returning(key, mixed, displaced, rate):
    u = to_uniform(key, mixed)
    back = np.int64(np.floor(displaced * rate + u))
    return back if back < displaced else displaced


@njit(cache=True)
def apply_returns(keys, day, rows, cols, displaced, residents, displaced_now, side, rate):
    """Move today's returning displaced home, in place, for villages ``cols`` of ``rows``.

    For each village with anyone displaced, ``floor(displaced * rate + u)`` (at most all of them)
    return, with ``u = uniform(keys, day, RETURN, village)``: the same numbers as
    :func:`borderSim.rules.communities.returns`. ``rate`` is (len(rows), 1); the per-side totals in
    ``displaced_now`` follow. The core passes every village of the rows with displaced residents, a
    Mesa village only its own column.
    """
    counters = np.empty(cols.size, dtype=np.uint64)
    for m in range(cols.size):
        counters[m] = counter(day, _RETURN, cols[m])
    for k in range(rows.size):        # row-major: one pass over each row's villages
        i = rows[k]
        key = keys[i]
        r = rate[k, 0]
        for m in range(cols.size):
            j = cols[m]
            d = displaced[i, j]
            if d > 0:
                back = _returning(key, counters[m], d, r)
                displaced[i, j] = d - back
                residents[i, j] += back
                displaced_now[i, side[j]] -= back


@njit(cache=True)
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


@njit(cache=True)
def relax_grievance(rows, cols, grievance, baseline, factor, snap, dirty):
    """A week of relaxation of the grievance of villages ``cols`` on ``rows``, in place.

    ``baseline + (grievance - baseline) * factor``, snapped to the baseline within ``snap``: the same
    operations as :func:`borderSim.rules.communities.grievance_relax` (tested bit for bit); ``factor``
    is (len(rows),). ``dirty[row]`` is left True where any village of the row (not only ``cols``) is
    still away from its baseline. The core passes every village, a Mesa village only its own column.
    """
    for k in range(rows.size):
        i = rows[k]
        f = factor[k]
        for m in range(cols.size):
            j = cols[m]
            b = baseline[i, j]
            g = b + (grievance[i, j] - b) * f
            if abs(g - b) < snap:
                g = b
            grievance[i, j] = g
        away = False
        for j in range(grievance.shape[1]):
            if grievance[i, j] != baseline[i, j]:
                away = True
                break
        dirty[i] = away


@njit(cache=True)
def add_harm(rows, cols, side, deaths, wounded, homes, dead_v, wounded_v, homes_v,
             dead_side, wounded_side, homes_side, deaths_today):
    """Add each shelled village's deaths, wounded and homes destroyed to its own and its side's counts.

    One pass instead of three village scatters and four ``np.add.at`` on the sides; integers only,
    so the order of the additions changes nothing.
    """
    for k in range(rows.size):
        i, j, sd = rows[k], cols[k], side[k]
        dead_v[i, j] += deaths[k]
        wounded_v[i, j] += wounded[k]
        homes_v[i, j] += homes[k]
        dead_side[i, sd] += deaths[k]
        wounded_side[i, sd] += wounded[k]
        homes_side[i, sd] += homes[k]
        deaths_today[i, sd] += deaths[k]


@njit(cache=True)
def add_flight(rows, cols, side, left, fled, residents, displaced, fled_today, displaced_now):
    """Residents of the front villages after today's deaths (``left``) and flight, in one pass."""
    for k in range(rows.size):
        i, j, sd = rows[k], cols[k], side[k]
        residents[i, j] = left[k] - fled[k]
        displaced[i, j] += fled[k]
        fled_today[i, sd] += fled[k]
        displaced_now[i, sd] += fled[k]


@njit(cache=True)
def local_levels(rows, segs, gunfire, batch, n_segments):
    """Per-row worst local rung per segment (1 incident, 2 gunfire), worst overall, and counts of
    incidents and of gunfire, from the day's incidents at (``rows``, ``segs``): one pass over them."""
    seg = np.zeros((batch, n_segments), dtype=np.int64)
    worst = np.zeros((batch, 1), dtype=np.int64)
    incidents = np.zeros((batch, 1), dtype=np.int64)
    shots = np.zeros((batch, 1), dtype=np.int64)
    for k in range(rows.size):
        i, g = rows[k], gunfire[k]
        rung = 2 if g else 1
        if rung > seg[i, segs[k]]:
            seg[i, segs[k]] = rung
        if rung > worst[i, 0]:
            worst[i, 0] = rung
        incidents[i, 0] += 1
        shots[i, 0] += g
    return seg, worst, incidents, shots
