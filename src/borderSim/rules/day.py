"""One day's record (what happened, for the outputs) and working memory (what earlier phases found for
later ones).

A phase writes what the outputs count into :class:`DayRecord` (one row per replicate) and what later
phases of the same day need into :class:`Today`; neither outlives the day. The model's lasting state is
:class:`borderSim.rules.state.State`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from borderSim.rules.mediator import Situation
from borderSim.rules.params import ParamArrays


@dataclass
class DayRecord:
    """What happened on one day: ``(B, 1)`` flags per row, ``(B, M)`` per mediator."""

    ceasefire_agreed: np.ndarray
    ceasefire_broken: np.ndarray
    ceasefire_survived: np.ndarray     # held long enough to count as durable (and ended as a ceasefire)
    episode_started: np.ndarray
    episode_ended: np.ndarray
    offered: np.ndarray                # each mediator offered mediation
    agreed: np.ndarray                 # ... and both governments accepted
    china_pressure_started: np.ndarray  # China began a bout of economic pressure

    @classmethod
    def empty(cls, batch: int, mediators: int) -> DayRecord:
        dyad = lambda: np.zeros((batch, 1), dtype=bool)  # noqa: E731
        return cls(ceasefire_agreed=dyad(), ceasefire_broken=dyad(), ceasefire_survived=dyad(),
                   episode_started=dyad(), episode_ended=dyad(),
                   offered=np.zeros((batch, mediators), dtype=bool), agreed=np.zeros((batch, mediators), dtype=bool),
                   china_pressure_started=dyad())


@dataclass
class Front:
    """The rows fighting today (rung 4+) and what their front looks like."""

    rows: np.ndarray          # (n,) row indices
    P: ParamArrays            # their parameters
    on_front: np.ndarray      # (n, S) segments on the front
    fire: np.ndarray          # (n, S) share of the rung's fire each segment takes (0 off the front)
    intensity: np.ndarray     # (n, 1) harm intensity relative to rung 5
    exposure: np.ndarray      # (n, 2) each side's villages' exposure to fire


@dataclass
class Offers:
    """Today's mediation offers on the rows in an episode, and the governments' answers."""

    rows: np.ndarray          # (n,) rows in an episode at the start of the day
    P: ParamArrays            # their parameters
    keys: np.ndarray          # their stream keys
    days_in: np.ndarray       # (n, 1) days since their episode began
    engaged: np.ndarray       # (n, M) mediating at the start of the day
    offered: np.ndarray       # (n, M)
    accepted: np.ndarray      # (n, M, 2) each government's answer (False where nothing was offered)
    situation: Situation | None = None   # what the mediators see (set by the first to offer)
    chance: np.ndarray | None = None     # (n, M) each mediator's chance of offering (set with the situation)


@dataclass
class Today:
    """The working memory of one day."""

    day: int
    record: DayRecord
    level_prev: np.ndarray | None = None      # (B, 1) yesterday's rung
    daily: np.ndarray | None = None           # (B, 1) incident factor common to all villages (incl. the season)
    incidents: list[tuple[np.ndarray, ...]] = field(default_factory=list)  # (rows, villages, gunfire) arrays
    offers: Offers | None = None              # None when no row is in an episode
    front: Front | None = None                # None when no row is fighting
    returning: np.ndarray | None = None       # rows where the displaced may return (set by the first village)
    shocks: np.ndarray | None = None          # (1 or B, 2) the dated shocks' unrest today (set when first needed)
