"""The daily outputs: what each variable means and how it is read from the state.

``kind`` says what one series is keyed by (the dyad, each side, or each segment); ``measure`` is
``state`` (a level or stock on that day), ``flow`` (that day's count) or ``cumulative`` (running total
since day 0, never decreasing). Both engines record exactly these through :func:`snapshot`. Each
registered mediator has a ``<key>_action`` series; ``VARIABLES`` and ``BY_NAME`` follow the registry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from borderSim.inputs.geography import SIDES, Geography
from borderSim.rules import mediators
from borderSim.rules.state import State


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str          # dyad | side | segment
    measure: str       # state | flow | cumulative
    unit: str
    description: str
    read: Callable[[State, Geography], np.ndarray]
    integer: bool = True


def _demarcated_share(s: State, geo: Geography) -> np.ndarray:
    km = np.where(s.demarcated, geo.length_km, 0.0).sum(axis=1, keepdims=True)
    return km / geo.length_km.sum()


_BEFORE: tuple[Variable, ...] = (
    Variable("level", "dyad", "state", "rung 0-6", "Escalation ladder rung of the dyad.", lambda s, g: s.level),
    Variable("segment_level", "segment", "state", "rung 0-6",
             "Local rung on each segment (dyad rung on the front, else the day's incidents).",
             lambda s, g: s.segment_level),
    Variable("incidents", "dyad", "flow", "incidents/day", "Village incidents that day.",
             lambda s, g: s.incidents),
    Variable("gunfire", "dyad", "flow", "incidents/day", "Incidents that turned into border-guard gunfire.",
             lambda s, g: s.gunfire),
    Variable("deaths_civilian", "side", "cumulative", "persons", "Civilians killed since day 0.",
             lambda s, g: s.deaths_civilian),
    Variable("deaths_military", "side", "cumulative", "persons", "Soldiers and border guards killed.",
             lambda s, g: s.deaths_military),
    Variable("wounded", "side", "cumulative", "persons", "Civilians and soldiers wounded.",
             lambda s, g: s.wounded_civilian + s.wounded_military),
    Variable("displaced", "side", "state", "persons", "Residents of the modelled villages displaced now.",
             lambda s, g: s.displaced_now),
    Variable("homes_destroyed", "side", "cumulative", "homes", "Homes destroyed since day 0.",
             lambda s, g: s.homes_destroyed),
    Variable("legitimacy", "side", "state", "index 0-1", "Government's domestic legitimacy.",
             lambda s, g: s.legitimacy, integer=False),
    Variable("unrest", "side", "state", "index 0-1",
             "Domestic unrest (legitimacy, rally, standing crises and dated shocks).",
             lambda s, g: s.unrest, integer=False),
    Variable("rally", "side", "state", "legitimacy", "Rally-round-the-flag effect.",
             lambda s, g: s.rally, integer=False),
    Variable("audience_cost", "side", "state", "stock", "Audience-cost stock of backing down.",
             lambda s, g: s.audience, integer=False),
    Variable("capability", "side", "state", "index", "Military capability.",
             lambda s, g: s.capability, integer=False),
    Variable("move", "side", "state", "-1/0/+1", "Government's choice: step down, hold, escalate.",
             lambda s, g: s.move),
    Variable("protest_pressure", "dyad", "state", "index 0-1", "Kyrgyz protest pressure.",
             lambda s, g: s.protest, integer=False),
    Variable("succession_consolidation", "dyad", "state", "index 0-1",
             "Consolidation of the Tajik dynastic succession.", lambda s, g: s.succession, integer=False),
)
_AFTER: tuple[Variable, ...] = (
    Variable("china_action", "dyad", "state", "code", "China's action (ChinaAction code).",
             lambda s, g: s.china_action),
    Variable("ceasefire", "dyad", "state", "0/1", "A ceasefire is in force.", lambda s, g: s.ceasefire),
    Variable("agreement_strength", "dyad", "state", "index 0-1", "Strength of the border agreement.",
             lambda s, g: s.agreement, integer=False),
    Variable("demarcated_share", "dyad", "state", "share of length", "Share of the border demarcated.",
             _demarcated_share, integer=False),
)



def _action(m: int, spec: mediators.Mediator) -> Variable:
    return Variable(f"{spec.key}_action", "dyad", "state", "code", f"{spec.label}: action (MediatorAction code).",
                    lambda s, g: s.mediator_action[:, m:m + 1])


@functools.cache
def _variables(registry: tuple[mediators.Mediator, ...]) -> tuple[Variable, ...]:
    return _BEFORE + tuple(_action(m, spec) for m, spec in enumerate(registry)) + _AFTER


def all_variables() -> tuple[Variable, ...]:
    """Every daily variable, a ``<key>_action`` for each registered mediator among them."""
    return _variables(mediators.MEDIATORS)


def __getattr__(name: str):
    if name == "VARIABLES":
        return all_variables()
    if name == "BY_NAME":
        return {v.name: v for v in all_variables()}
    raise AttributeError(name)


def keys(var: Variable, geo: Geography) -> tuple[tuple[str | None, str | None], ...]:
    """(side, segment) labels of each column of the variable."""
    if var.kind == "side":
        return tuple((side, None) for side in SIDES)
    if var.kind == "segment":
        return tuple((None, sid) for sid in geo.segment_ids)
    return ((None, None),)


def series_names(geo: Geography) -> list[str]:
    """Flat names of every recorded series: ``level``, ``deaths_civilian[KG]``, ``segment_level[vorukh]``."""
    out = []
    for v in all_variables():
        for side, seg in keys(v, geo):
            label = side or seg
            out.append(f"{v.name}[{label}]" if label else v.name)
    return out


def snapshot(s: State, geo: Geography, columns: np.ndarray | None = None, rows: int | None = None
             ) -> np.ndarray:
    """(B, n) float64 matrix of the series on the current day, in :func:`series_names` order.

    ``columns`` selects series by position, ``rows`` keeps only the first rows.
    """
    cols = [np.asarray(v.read(s, geo)[:rows], dtype=np.float64) for v in all_variables()]
    out = np.concatenate(cols, axis=1)
    return out if columns is None else out[:, columns]
