"""The escalation ladder, ceasefires, episodes and the front.

Rungs: 0 routine friction, 1 local incident, 2 border-guard gunfire, 3 militarised standoff,
4 limited clash, 5 major clash, 6 sustained war (brief). The dyad keeps a *base* rung set by the
governments; the day's local incidents (rung 1, or 2 with gunfire) lift the observed rung for the day
without moving the base unless a government escalates on top of them. Either government can
escalate (one rung above the day's effective rung); below a clash either can step down if neither
escalates, while fighting (rung 4+) stops only through a ceasefire, bilateral or mediated (brief).
At rungs 3-4 the ladder can also rise unchosen (Schelling 1966);
sustained war (rung 6) always needs a decision.
A ceasefire (agreed at rung 3+) drops the base to rung 1; it breaks if either side escalates or by a hazard that falls
with its strength (Fortna 2003), returning the dyad to a rung that falls with the ceasefire's age, and
once it has held ``ceasefire_durable_days`` it counts as survived.
An episode runs from the first day at rung 3+ until ``episode_gap_days`` below rung 3; its origin
segment is drawn in proportion to the segments' incident hazard and the day's incidents. The front
starts there at the first clash (rung 4+) and spreads to neighbouring segments along the line with a
daily chance that rises with the rung; it lasts until the episode ends.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

import numpy as np

from borderSim.inputs.geography import Geography
from borderSim.rules import fmath, kernels
from borderSim.rules.params import ParamArrays


class Rung(IntEnum):
    """The escalation ladder (brief)."""

    ROUTINE = 0       # routine friction
    INCIDENT = 1      # local incident
    GUNFIRE = 2       # border-guard gunfire
    STANDOFF = 3      # militarised standoff
    CLASH = 4         # limited clash
    MAJOR_CLASH = 5   # major clash
    WAR = 6           # sustained war

    @property
    def label(self) -> str:
        """``"major clash"``."""
        return _LABELS[self.value]


_LABELS = ("routine friction", "local incident", "border-guard gunfire", "militarised standoff",
           "limited clash", "major clash", "sustained war")


class Move(IntEnum):
    """A government's choice of the day."""

    DOWN = -1
    HOLD = 0
    UP = 1


# Plain ints of the rungs and moves for array arithmetic: numpy takes an IntEnum member through its
# slow object path (several times slower on the small arrays of a Mesa agent).
ROUTINE, INCIDENT, GUNFIRE, STANDOFF, CLASH, MAJOR_CLASH, WAR = (r.value for r in Rung)
DOWN, UP = Move.DOWN.value, Move.UP.value


def local_levels(rows, cols, gunfire, batch: int, geo: Geography, out=None):
    """Aggregate the day's village incidents (``rows``, ``cols``; ``gunfire`` flags) per segment.

    Returns the (B, S) worst local rung per segment (1 incident, 2 gunfire), the (B, 1) worst
    overall, and (B, 1) counts of incidents and of gunfire: new arrays, or ``out`` (those four arrays
    holding the previous day's aggregation) updated in place.
    """
    if out is None:
        out = (np.zeros((batch, geo.n_segments), dtype=np.int64), *(np.zeros((batch, 1), dtype=np.int64)
                                                                     for _ in range(3)))
    kernels.local_levels(np.asarray(rows, dtype=np.int64), geo.segment[cols], np.asarray(gunfire, dtype=np.bool_),
                         *out)
    return out


def step_base(level_base, level_eff, moves):
    """New base rung from the two governments' moves."""
    up = (moves == UP).any(axis=1, keepdims=True)
    down = ~up & (moves == DOWN).any(axis=1, keepdims=True) & (level_base <= STANDOFF)
    return np.where(up, np.minimum(level_eff + 1, WAR), np.where(down, np.maximum(level_base - 1, ROUTINE),
                                                                 level_base))


def break_probability(P: ParamArrays, strength, fragility, local_max, age):
    """Daily breakdown chance of a ceasefire: weaker deals, deals a mediator pressed (``fragility``, the
    extra hazard; Beardsley 2008) and local gunfire break it; the risk is highest in its first days and
    falls as it settles (Fortna 2003)."""
    b = P.border
    hazard = b.ceasefire_break_rate * (1.0 - strength) * (1.0 + fragility)
    return np.minimum(1.0, hazard * (1.0 + local_max) / (1.0 + age / b.ceasefire_settling_days))


def war_weariness(P: ParamArrays, hurt) -> np.ndarray:
    """Utility a government loses by escalating while it still hurts from its own recent losses: after
    a major war the next one is less likely for a while (record: no deadly clash after 20 Sept 2022
    through the 2025 treaty; Zartman 2000)."""
    return P.border.war_weariness * hurt


def ceasefire_probability(P: ParamArrays, hurt, audience, mediation, unrest):
    """Daily chance that a ceasefire is agreed at rung 3+: ripeness, mediation, minus audience costs and the
    hold-out of governments in trouble at home (unrest above its midpoint)."""
    b = P.border
    mutual = np.minimum(hurt[:, :1], hurt[:, 1:])
    locked_in = (P.gov.audience_weight * audience).sum(axis=1, keepdims=True)
    locked_in = locked_in + b.ceasefire_unrest_lock * np.maximum(unrest - 0.5, 0.0).sum(axis=1, keepdims=True)
    hazard = b.ceasefire_rate * (1.0 + b.ripeness_weight * mutual) * mediation / (1.0 + locked_in)
    return 1.0 - fmath.exp(-hazard)


def reentry(P: ParamArrays, cf_from, age):
    """The rung a broken ceasefire returns the dyad to: the rung it stopped, less the more the ceasefire
    aged, halving the way above a local incident every ``ceasefire_memory_days`` (rounded): a violation
    in the first days resumes the fighting, a late one is an incident (Fortna 2003; record: the first
    ceasefire of Sept 2022 broke within a day and the fighting resumed)."""
    above = (cf_from - INCIDENT) * fmath.power(0.5, age / P.border.ceasefire_memory_days)
    return INCIDENT + np.floor(above + 0.5).astype(np.int64)


class Settled(NamedTuple):
    """The day's rung and ceasefire after the governments' moves, and what happened to ceasefires."""

    level_base: np.ndarray
    level: np.ndarray
    ceasefire: np.ndarray
    cf_from: np.ndarray
    cf_start: np.ndarray
    broken: np.ndarray
    agreed: np.ndarray
    survived: np.ndarray


def resolve(P: ParamArrays, *, day, level_base, level_eff, local_max, moves, ceasefire, cf_from, cf_start,
            u_break, p_break, u_invol, u_cf, p_cf, readiness) -> Settled:
    """Settle the day's rung and ceasefire (updated dyad arrays and event flags); ``readiness`` is the forces
    massed before the day (:func:`mass_forces`)."""
    b = P.border
    escalated = (moves == UP).any(axis=1, keepdims=True)
    broken = ceasefire & (escalated | (u_break < p_break))
    stepped = step_base(level_base, level_eff, moves)
    base = np.where(broken, np.maximum(reentry(P, cf_from, day - cf_start), stepped), stepped)
    holding = ceasefire & ~broken
    # unchosen escalation (Schelling): a standoff slips into a clash, a clash into a major clash only as far as
    # forces are massed on the line (readiness): without them fighting stays limited
    invol = b.involuntary_escalation * np.where(base == CLASH, readiness, 1.0)
    drift = ~holding & (base >= STANDOFF) & (base <= CLASH) & (u_invol < invol)
    base = base + drift
    agreed = ~holding & ~broken & (base >= STANDOFF) & (u_cf < p_cf)
    cf_from = np.where(agreed, base, cf_from)
    base = np.where(agreed, INCIDENT, base)
    cf_start = np.where(agreed, day, cf_start)
    survived = holding & (day - cf_start >= b.ceasefire_durable_days)
    ceasefire = (holding & ~survived) | agreed
    return Settled(level_base=base, level=np.maximum(base, local_max), ceasefire=ceasefire, cf_from=cf_from,
                   cf_start=cf_start, broken=broken, agreed=agreed, survived=survived)


def origin(P: ParamArrays, hazard, segment_local_, u) -> np.ndarray:
    """(n, 1) segment where an episode starts, drawn with ``u`` (n, 1) in proportion to each segment's
    expected incidents ``hazard`` (n, S) plus ``border.origin_incident_weight`` per rung of today's worst
    incident there (1 an incident, 2 gunfire): wars start where incidents are likely and where one
    just happened (record: both major episodes grew from a local incident at a water intake and a
    pasture, in Batken district)."""
    w = hazard + P.border.origin_incident_weight * segment_local_
    cum = np.cumsum(w, axis=1)
    return np.minimum((cum <= u * cum[:, -1:]).sum(axis=1), w.shape[1] - 1)[:, None]


class Episodes(NamedTuple):
    """Episode state after the day, and the episodes starting and ending today."""

    episode: np.ndarray
    episode_onset: np.ndarray
    calm_days: np.ndarray
    origin: np.ndarray
    origin_hint: np.ndarray
    starting: np.ndarray
    ending: np.ndarray


def episodes(P: ParamArrays, *, day, level, episode, onset, calm_days, origin, origin_hint, pick_origin
             ) -> Episodes:
    """Start, continue or end episodes (runs of rung 3+ joined across short lulls).

    ``pick_origin(rows)`` gives the (n, 1) origin segment for rows where an episode starts.
    """
    starting = (level >= STANDOFF) & ~episode
    picked = origin_hint.copy()
    rows = np.flatnonzero(starting[:, 0] & (origin_hint[:, 0] < 0))
    if rows.size:
        picked[rows] = pick_origin(rows)
    origin = np.where(starting, picked, origin)
    origin_hint = np.where(starting, -1, origin_hint)
    episode = episode | starting
    calm_days = np.where(level >= STANDOFF, 0, calm_days + episode)
    ending = episode & (calm_days >= P.border.episode_gap_days)
    return Episodes(episode=episode & ~ending, episode_onset=np.where(starting, day, onset),
                    calm_days=np.where(ending, 0, calm_days), origin=origin, origin_hint=origin_hint,
                    starting=starting, ending=ending)


def spread_probability(P: ParamArrays, level) -> np.ndarray:
    """(n, 1) daily chance that fighting on a segment spreads to a neighbouring one: ``front_spread_rate``
    at rung 5, scaled by the harm intensity of the rung (``clash_intensity`` at rung 4,
    ``war_intensity`` at rung 6; 0 below a clash)."""
    return np.minimum(1.0, P.border.front_spread_rate * intensity(P, level))


def firepower(P: ParamArrays, capability) -> np.ndarray:
    """(n, 1) factor on the harm a rung does: the two sides' mean capability to the ``firepower_elasticity``
    (1 for two forces of index 1): drones and artillery bought since make the same rung deadlier (record:
    Bayraktar TB2s from Dec 2021, an Ababil-2 plant from May 2022; the 2022 war killed about twice as many)."""
    mean = 0.5 * (capability[:, :1] + capability[:, 1:])
    return fmath.power(mean, P.border.firepower_elasticity)


def mass_forces(P: ParamArrays, readiness, level) -> np.ndarray:
    """(B, 1) readiness for a major offensive after the day: forces are massed on the line while the dyad stands
    at rung 3+ (reinforcements) and stood down slowly below it (Slantchev 2005; article: a premeditated and
    prepared aggression; record: both major episodes grew out of months of standoffs and smaller clashes)."""
    b = P.border
    return np.where(level >= STANDOFF, readiness + (1.0 - readiness) / b.mobilisation_days,
                    readiness * (1.0 - 1.0 / b.demobilisation_days))


def cost_durability(P: ParamArrays, hurt) -> np.ndarray:
    """(B, 1) strength a ceasefire agreed today gains from the mutual hurt of the fighting it ends (Fortna
    2003: cease-fires after costlier wars hold longer)."""
    return P.border.ceasefire_cost_durability * np.minimum(hurt[:, :1], hurt[:, 1:])


def intensity(P: ParamArrays, level) -> np.ndarray:
    """(n, 1) the rung's harm intensity relative to rung 5 (0 below a clash): it sets the fire on the
    front and how fast the front spreads."""
    b = P.border
    return np.where(level >= WAR, b.war_intensity,
                    np.where(level == MAJOR_CLASH, 1.0, np.where(level == CLASH, b.clash_intensity, 0.0)))


def front(P: ParamArrays, front_, level, origin, geo: Geography, u_spread) -> np.ndarray:
    """(n, S) bool: the front after today's spread, on rows at rung 4+ whose front was ``front_``.

    The front starts at the origin segment and spreads along the line's adjacency: each front segment
    tries each neighbour off the front once a day and takes it with ``spread_probability``; a segment
    taken today tries its own neighbours the same day (fighting can run along several segments in a
    day: record, 29 Apr 2021 and 14-16 Sep 2022). ``u_spread(step, rows)`` gives the (rows, S) draws of
    a step of that cascade. (The engines run this, :func:`second_front` and :func:`fire` through
    :func:`borderSim.rules.frontline.front`, tested against them.)
    """
    out = front_.copy()
    out[np.arange(len(out)), origin[:, 0]] = True
    p = spread_probability(P, level)
    rows, new = np.arange(len(out)), out
    for step in range(geo.n_segments):
        tries = new.astype(np.float64) @ geo.adjacency_float      # neighbours that try (small whole numbers: exact)
        join = ~out[rows] & (tries > 0) & (u_spread(step, rows) < join_probability(p[rows], tries))
        hit = join.any(axis=1)
        if not hit.any():
            break
        rows, new = rows[hit], join[hit]
        out[rows] |= new
    return out


def join_probability(p, tries) -> np.ndarray:
    """Chance that a segment off the front joins it, tried by ``tries`` front neighbours each with chance ``p``."""
    return 1.0 - fmath.power(1.0 - p, tries)


def second_front(P: ParamArrays, front_, level, hazard, u_jump, u_pick, geo: Geography) -> np.ndarray:
    """(n, S) front after a possible jump: at rung 5+ fighting breaks out with daily chance
    ``second_front_rate`` (times the rung's intensity) on a segment neither on the front nor next to it,
    drawn in proportion to its expected incidents ``hazard`` (record: on 16-17 Sept 2022 fighting ran
    along the whole Batken line at once and reached the Alai line at Jekendi, some 300 km east)."""
    p = np.where(level >= MAJOR_CLASH, np.minimum(1.0, P.border.second_front_rate * intensity(P, level)), 0.0)
    jump = np.flatnonzero((u_jump < p)[:, 0])
    if not jump.size:
        return front_
    f = front_[jump]
    near = f | (f.astype(np.float64) @ geo.adjacency_float > 0)
    w = np.where(near, 0.0, hazard[jump])
    cum = np.cumsum(w, axis=1)
    ok = np.flatnonzero(cum[:, -1] > 0)
    out = front_.copy()
    pick = (cum[ok] <= u_pick[jump[ok]] * cum[ok, -1:]).sum(axis=1)
    out[jump[ok], np.minimum(pick, geo.n_segments - 1)] = True
    return out


def fire(P: ParamArrays, on_front, origin, geo: Geography) -> np.ndarray:
    """(n, S) share of the rung's fire each segment takes: ``front_decay`` per step along the line from
    the origin on the front, 0 off it (the fighting is heaviest where it began)."""
    steps = geo.hops[origin[:, 0]]
    return np.where(on_front, fmath.power(P.border.front_decay, np.maximum(steps, 0)), 0.0)


def segment_levels(level, on_front, segment_local_):
    return np.where(on_front, level, segment_local_)
