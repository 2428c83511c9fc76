"""A run's course: a warm start's replay of the record, the switch to the run's own parameters, and the
calendar's dated changes on every day.

A run with ``simulation.warm_start`` names a replay (a scenario such as ``hindcast_2021``) that begins
``spin_days`` before the run's own day 0. The replay days run with the run's *model* parameters and the
replay's day-0 values, outside postures (levers) and outside events (exogenous inputs: dated shocks and
changes, Russia's attention, economic ties), so every scenario of a comparison starts from the same
distribution of states, reached by the record's history under the model being run (parameter roles:
:data:`borderSim.schema.ROLES`). At the switch the run's own parameters take over; of its day-0 values,
those that differ from the replay's act on the state (:func:`switch`): a larger demarcated share or a
stronger agreement (a treaty), a capability or succession shifted by the difference, a rung set. Days keep
counting from the replay's start (draws and dated events run on one clock); the outputs count from the
switch. Without a warm start the course is the run's own parameters from day 0, with its dated changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from borderSim.inputs.geography import Geography
from borderSim.rules import calendar, communities
from borderSim.rules.params import NEVER, ParamArrays
from borderSim.rules.state import State
from borderSim.schema import specs

#: Roles a replay keeps during its days (the run's own model parameters apply throughout).
_REPLAY_ROLES = ("control", "initial", "lever", "exogenous")


def _replayed(P: ParamArrays, replay: ParamArrays) -> ParamArrays:
    """The run's rows with the replay's values of every parameter that is not a model parameter, the
    replay's clock (start date, dated shocks) and its dated changes."""
    columns = {s.name: np.broadcast_to(replay.column(s.name), (P.batch, 1)) for s in specs()
               if s.role in _REPLAY_ROLES and not s.is_list and hasattr(replay._groups[s.group], s.key)}
    columns |= {f"domestic.{k}": np.broadcast_to(v, (P.batch, v.shape[1]))
                for k, v in vars(replay._groups["domestic"]).items()}
    return P.with_columns(columns, dated=tuple(replace(d, start=np.broadcast_to(d.start, (P.batch,)),
                                                       end=np.broadcast_to(d.end, (P.batch,)))
                                               for d in replay.dated))


def _reclocked(P: ParamArrays, replay: ParamArrays, days: int) -> ParamArrays:
    """The run's own parameters on the replay's clock: its start date becomes the replay's and its dated
    shocks and changes move ``days`` later (they count from the replay's start)."""
    shift = lambda a: np.where(a >= NEVER, a, a + days)   # noqa: E731
    dom = P._groups["domestic"]
    return P.with_columns({"simulation.start_date": np.broadcast_to(replay.column("simulation.start_date"),
                                                                    (P.batch, 1)),
                           "domestic.shock_day": _later(dom.shock_day, days)},
                          dated=tuple(replace(d, start=shift(d.start), end=shift(d.end)) for d in P.dated))


def _later(when: np.ndarray, days: int) -> np.ndarray:
    """``when + days``; where ``when`` is one row broadcast along the batch (every row shares the shocks), so is the
    result, and the day's shock levels are computed once for the batch instead of once per row."""
    if when.shape[0] > 1 and when.strides[0] == 0:
        return np.broadcast_to(when[:1] + days, when.shape)
    return when + days


@dataclass
class Course:
    """What parameters are in force on each day of a run (days count from its first simulated day)."""

    spin_days: int                  # replay days before the run's own day 0 (0: no warm start)
    spin: ParamArrays | None        # parameters of the replay days
    own: ParamArrays                # the run's own parameters (on the replay's clock after a warm start)
    replay: ParamArrays | None      # the replay scenario's parameters (for the switch)
    last: int                       # the last simulated day

    @classmethod
    def of(cls, P: ParamArrays, days: int, replay: ParamArrays | None = None, spin_days: int = 0) -> Course:
        """The course of ``days`` own days of ``P``, after ``spin_days`` days of ``replay`` if given."""
        if replay is None:
            return cls(0, None, P, None, days)
        return cls(spin_days, _replayed(P, replay), _reclocked(P, replay, spin_days), replay, spin_days + days)

    @property
    def first(self) -> ParamArrays:
        """The parameters the state is initialised from."""
        return self.spin if self.spin is not None else self.own

    def params_on(self, day: int) -> ParamArrays:
        """The parameters in force on ``day`` (dated changes applied)."""
        base = self.spin if self.spin is not None and day <= self.spin_days else self.own
        return calendar.params_on(base, day)

    def change_days(self) -> set[int]:
        """Days (from 1) on which the parameters in force change: dated changes and the switch."""
        if self.spin is None:
            return set(calendar.change_days(self.own, self.last))
        return ({*calendar.change_days(self.spin, self.spin_days), self.spin_days + 1}
                | {d for d in calendar.change_days(self.own, self.last) if d > self.spin_days})


def switch(s: State, P: ParamArrays, replay: ParamArrays, geo: Geography) -> None:
    """At the end of the replay: the run's day-0 values that differ from the replay's act on the state, in
    place (a larger demarcated share or a stronger agreement is agreed; capability and succession move by the
    difference; a different rung and trigger segment are set)."""
    def differs(name: str) -> np.ndarray:
        return (P.column(name) != replay.column(name))[:, 0]

    rows = np.flatnonzero(differs("border.demarcated_share"))
    if rows.size:
        share = np.broadcast_to(P.column("border.demarcated_share"), (P.batch, 1))[rows, 0]
        for value in np.unique(share):
            r = rows[share == value]
            s.demarcated[r] |= geo.initial_demarcation(float(value))
        s.hazard_base[rows] = communities.hazard_base(P.take(rows), geo, s.demarcated[rows])
        s.incident_hazard[rows] = communities.incident_hazard(s.hazard_base[rows], s.grievance[rows])
    rows = np.flatnonzero(differs("border.agreement_initial"))
    if rows.size:
        s.agreement[rows] = np.maximum(s.agreement[rows], P.column("border.agreement_initial")[rows])
    rows = np.flatnonzero(differs("border.initial_level") | differs("border.trigger_segment"))
    if rows.size:
        s.level_base[rows] = P.column("border.initial_level")[rows].astype(np.int64)
        s.level[rows] = np.maximum(s.level_base[rows], s.local_max[rows])
        s.origin_hint[rows] = P.column("border.trigger_segment")[rows]
    for k, g in enumerate(("tajikistan", "kyrgyzstan")):
        rows = np.flatnonzero(differs(f"{g}.capability"))
        if rows.size:
            moved = s.capability[rows, k] + (P.column(f"{g}.capability") - replay.column(f"{g}.capability"))[rows, 0]
            s.capability[rows, k] = np.maximum(moved, 0.01)
    rows = np.flatnonzero(differs("tajikistan.succession_initial"))
    if rows.size:
        moved = s.succession[rows] + (P.column("tajikistan.succession_initial")
                                      - replay.column("tajikistan.succession_initial"))[rows]
        s.succession[rows] = np.clip(moved, 0.0, 1.0)
