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
_RETURN = int(Stream.RETURN)


@njit(cache=True)
def _incident_mask(keys, day, slots, hazard, grievance, daily, season, water, out):
    b, v = hazard.shape
    counters = np.empty(v, dtype=np.uint64)
    for j in range(v):
        counters[j] = counter(day, _INCIDENT, slots[j])
    for i in range(b):
        key = keys[i]
        d = daily[i, 0]
        sea = season[i, 0]
        for j in range(v):
            p = hazard[i, j] * grievance[i, j]
            p = p * d
            if water[j]:
                p = p * sea
            if p > 1.0:
                p = 1.0
            u = to_uniform(key, counters[j])
            out[i, j] = u < p


def incidents(keys, day, slots, hazard, grievance, daily, season, water):
    """Row and column indices of today's village incidents (rows ascending, then columns).

    ``keys`` (B,) uint64; ``slots`` (V,) village indices; ``hazard``, ``grievance`` (B, V);
    ``daily``, ``season`` (B, 1); ``water`` (V,) bool. The same pairs as
    ``np.nonzero(uniform(keys, day, INCIDENT, slots) < incident_probability(...))``; the draw and
    comparison run in one vectorised pass, the (sparse) pairs are then collected.
    """
    out = np.empty(hazard.shape, dtype=np.bool_)
    _incident_mask(keys, day, slots, hazard, grievance, daily, season, water, out)
    return np.nonzero(out)


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
    for j in cols:
        c = counter(day, _RETURN, j)
        sd = side[j]
        for k in range(rows.size):
            i = rows[k]
            d = displaced[i, j]
            if d > 0:
                back = _returning(keys[i], c, d, rate[k, 0])
                displaced[i, j] = d - back
                residents[i, j] += back
                displaced_now[i, sd] -= back
