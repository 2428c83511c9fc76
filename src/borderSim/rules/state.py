"""Model state as arrays with a leading batch axis, and its initialisation.

Every field is 2-D: ``(B, 1)`` for the dyad, ``(B, 2)`` for the two governments (Tajikistan,
Kyrgyzstan), ``(B, M)`` for the mediators (the run's registry, :class:`borderSim.rules.mediator.Registry`), ``(B, S)``
for border segments and ``(B, V)`` for villages. The Mesa engine holds a state with ``B = 1`` whose
slices its agents read and write; the vectorised core holds thousands of rows. ``-1`` marks "not yet"
in day-valued fields. The state is the model's own: what only the outputs need (totals, peaks, first
days) is accumulated outside it (:class:`borderSim.outputs.summary.Recorder`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from borderSim.inputs.geography import Geography
from borderSim.rules import communities, governments, ladder
from borderSim.rules.params import ParamArrays

F, INT, B_ = np.float64, np.int64, np.bool_
#: A village's residents, displaced, dead and destroyed homes: each at most its census population or housing
#: stock (the largest village has 80,000 residents), so 32 bits hold them exactly. Half the bytes of a row make
#: the village phases' passes over the rows that need them (returns, the front's harm) cheaper: the returns' kernel
#: took a fifth less time at 10,000 rows. Its wounded, Poisson counts with no such cap, stay 64-bit.
COUNT = np.int32
#: A segment's rungs (0-6) in 8 bits: the dyad kernels read and copy a row's eleven of them each day.
RUNG = np.int8

def _f(kind: str, dtype: type, fill: float):
    """A state field: its kind (dyad, side, segment, village), dtype and initial fill."""
    return field(metadata={"kind": kind, "dtype": dtype, "fill": fill})


def _order(kind: str) -> str:
    """Side and mediator arrays are column-major so that (B, 2) op (B, 1) runs as two contiguous passes
    (about 6 x faster than numpy's row-by-row broadcast) and a column is contiguous; layout changes no
    value."""
    return "F" if kind in ("side", "mediator") else "C"


def _width(kind: str, geo: Geography, mediators: int) -> int:
    return {"dyad": 1, "side": 2, "mediator": mediators, "segment": geo.n_segments,
            "village": geo.n_villages}[kind]


@dataclass
class State:
    """All state arrays of a batch. Shapes: dyad (B, 1), side (B, 2), mediator (B, M), segment (B, S),
    village (B, V)."""

    # ladder and episodes
    level_base: np.ndarray = _f("dyad", INT, 0)
    level: np.ndarray = _f("dyad", INT, 0)
    local_max: np.ndarray = _f("dyad", INT, 0)
    origin: np.ndarray = _f("dyad", INT, -1)
    origin_hint: np.ndarray = _f("dyad", INT, -1)
    episode: np.ndarray = _f("dyad", B_, 0)
    episode_onset: np.ndarray = _f("dyad", INT, -1)
    calm_days: np.ndarray = _f("dyad", INT, 0)
    days_since_fight: np.ndarray = _f("dyad", INT, 10**6)
    # ceasefire and agreement
    ceasefire: np.ndarray = _f("dyad", B_, 0)
    cf_strength: np.ndarray = _f("dyad", F, 0)
    cf_from: np.ndarray = _f("dyad", INT, 0)
    cf_start: np.ndarray = _f("dyad", INT, -1)
    cf_fragility: np.ndarray = _f("dyad", F, 0)   # extra breakdown hazard of a deal pressed by manipulation
    agreement: np.ndarray = _f("dyad", F, 0)
    readiness: np.ndarray = _f("dyad", F, 0)      # forces massed on the line for a major offensive, 0-1
    # third parties
    china_until: np.ndarray = _f("dyad", INT, -1)
    china_action: np.ndarray = _f("dyad", INT, 0)
    # domestic, one-sided
    protest: np.ndarray = _f("dyad", F, 0)
    succession: np.ndarray = _f("dyad", F, 0)
    # today's counts
    incidents: np.ndarray = _f("dyad", INT, 0)
    gunfire: np.ndarray = _f("dyad", INT, 0)
    # a cache: some village of the row is away from its grievance baseline (rows to relax)
    grievance_dirty: np.ndarray = _f("dyad", B_, 0)
    # governments: standing, today's move and losses, and their toll so far
    legitimacy: np.ndarray = _f("side", F, 0)
    legitimacy0: np.ndarray = _f("side", F, 0)
    unrest: np.ndarray = _f("side", F, 0)          # the day's unrest (set when the governments decide)
    rally: np.ndarray = _f("side", F, 0)
    audience: np.ndarray = _f("side", F, 0)
    capability: np.ndarray = _f("side", F, 0)
    hurt: np.ndarray = _f("side", F, 0)
    move: np.ndarray = _f("side", INT, 0)
    move_prev: np.ndarray = _f("side", INT, 0)
    deaths_military: np.ndarray = _f("side", INT, 0)
    wounded_military: np.ndarray = _f("side", INT, 0)
    deaths_today: np.ndarray = _f("side", INT, 0)
    fled_today: np.ndarray = _f("side", INT, 0)
    deaths_civilian: np.ndarray = _f("side", INT, 0)
    wounded_civilian: np.ndarray = _f("side", INT, 0)
    homes_destroyed: np.ndarray = _f("side", INT, 0)
    displaced_now: np.ndarray = _f("side", INT, 0)
    # mediators: engaged, timing factor of their entry, today's action (MediatorAction)
    mediator_engaged: np.ndarray = _f("mediator", B_, 0)
    mediator_timing: np.ndarray = _f("mediator", F, 1)
    mediator_action: np.ndarray = _f("mediator", INT, 0)
    # segments
    demarcated: np.ndarray = _f("segment", B_, 0)
    segment_level: np.ndarray = _f("segment", RUNG, 0)
    segment_local: np.ndarray = _f("segment", RUNG, 0)
    front: np.ndarray = _f("segment", B_, 0)          # on the front in the current episode
    # villages
    residents: np.ndarray = _f("village", COUNT, 0)
    displaced: np.ndarray = _f("village", COUNT, 0)
    dead: np.ndarray = _f("village", COUNT, 0)
    wounded: np.ndarray = _f("village", INT, 0)
    homes: np.ndarray = _f("village", COUNT, 0)
    grievance: np.ndarray = _f("village", F, 0)
    grievance0: np.ndarray = _f("village", F, 0)
    hazard_base: np.ndarray = _f("village", F, 0)
    # a cache: hazard_base x grievance (communities.incident_hazard), rewritten wherever either is written, so that
    # the villages' daily draw reads one array of the batch, not two (observe took some 30 % less time)
    incident_hazard: np.ndarray = _f("village", F, 0)
    incident: np.ndarray = _f("village", B_, 0)
    gunfire_v: np.ndarray = _f("village", B_, 0)

    @classmethod
    def allocate(cls, batch: int, geo: Geography, mediators: int) -> State:
        """Arrays of ``batch`` rows for the border of ``geo`` and ``mediators`` mediators, at their fill values."""
        return cls(**{f.name: np.full((batch, _width(f.metadata["kind"], geo, mediators)), f.metadata["fill"],
                                      dtype=f.metadata["dtype"], order=_order(f.metadata["kind"]))
                      for f in fields(cls)})

    @property
    def batch(self) -> int:
        return self.level.shape[0]

    def take(self, rows: np.ndarray) -> State:
        """A copy holding only ``rows``."""
        return State(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    def copy(self) -> State:
        return State(**{f.name: getattr(self, f.name).copy() for f in fields(self)})


def initial_state(P: ParamArrays, geo: Geography, mediators: int) -> State:
    """Day-0 state of every row from its parameters, with ``mediators`` mediator columns (the run's registry's)."""
    b = P.batch
    s = State.allocate(b, geo, mediators)
    s.level_base[:] = P.border.initial_level.astype(np.int64)
    s.level[:] = s.level_base
    s.origin_hint[:] = P.border.trigger_segment
    s.agreement[:] = P.border.agreement_initial
    s.protest[:] = 0.0
    s.succession[:] = P.tajikistan.succession_initial
    s.legitimacy[:] = P.gov.legitimacy
    s.legitimacy0[:] = P.gov.legitimacy
    s.capability[:] = P.gov.capability
    s.unrest[:] = governments.unrest(s.legitimacy, s.rally, P.gov.unrest_shock,
                                     governments.shock_levels(P.domestic, 0) * P.gov.shock_scale)
    s.readiness[:] = s.level_base >= ladder.STANDOFF   # a standoff at day 0 comes with its forces
    share = P.border.demarcated_share[:, 0]
    for value in np.unique(share):
        s.demarcated[share == value] = geo.initial_demarcation(float(value))
    s.residents[:] = geo.population
    s.grievance0[:] = communities.baseline_grievance(P, geo)
    s.grievance[:] = s.grievance0
    s.hazard_base[:] = communities.hazard_base(P, geo, s.demarcated)
    s.incident_hazard[:] = communities.incident_hazard(s.hazard_base, s.grievance)
    return s
