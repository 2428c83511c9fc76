"""Hypothesis strategies generated from the parameter schema (any valid parameter set)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from borderSim.inputs.geography import segment_ids
from borderSim.schema import MAX_CHANGES, MAX_SHOCKS, Change, Parameters, Shock, specs


def extreme_shocks(start: dt.date = dt.date(2022, 9, 14)) -> tuple[Shock, ...]:
    """As many shocks as allowed, each of the largest size, half-lives at both ends of their range, on both
    sides, of both kinds, before, on and after ``start``."""
    return tuple(Shock(date=start + dt.timedelta(days=7 * (k - MAX_SHOCKS // 2)),
                       side=("tajikistan", "kyrgyzstan")[k % 2], kind=("unrest", "legitimacy")[(k // 2) % 2],
                       size=1.0, half_life_days=(1.0, 3650.0)[(k // 4) % 2], event="edge", source="test")
                 for k in range(MAX_SHOCKS))


#: Parameters the extreme dated changes move, each between the ends of its range.
_DATED = (("russia.attention", 0.0, 1.0), ("kyrgyzstan.arms_inflow", 0.0, 5.0), ("tajikistan.arms_inflow", 5.0, 0.0),
          ("china.pressure_propensity", 1.0, 0.0), ("communities.gunfire_lethality", 5.0, 0.0),
          ("border.ceasefire_rate", 0.0, 1.0))


def extreme_changes(start: dt.date = dt.date(2022, 9, 14)) -> tuple[Change, ...]:
    """As many dated changes as allowed, to the ends of their parameters' ranges, open-ended and for a few days,
    before, on and after ``start``, overlapping one another."""
    out = []
    for k in range(MAX_CHANGES):
        name, lo, hi = _DATED[k % len(_DATED)]
        date = start + dt.timedelta(days=5 * (k - MAX_CHANGES // 2))
        until = None if k % 3 == 0 else date + dt.timedelta(days=1 + k)
        out.append(Change(date=date, parameter=name, value=(lo, hi)[k % 2], until=until, event="edge", source="test"))
    return tuple(out)


def extreme_list(s) -> tuple:
    """The most extreme value of a list parameter (dated shocks or dated changes)."""
    return extreme_changes() if s.name == "calendar.changes" else extreme_shocks()


def value_strategy(s):
    if s.is_list:
        return st.sampled_from(((), extreme_list(s), s.default))
    if s.name == "border.trigger_segment":
        return st.sampled_from(("none", *segment_ids()))
    if s.choices is not None:
        return st.sampled_from(s.choices)
    if s.type is dt.date:
        return st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
    if s.type is int:
        return st.integers(int(s.ge), int(min(s.le, s.ge + 400)))
    return st.floats(s.ge, s.le, allow_nan=False)


@st.composite
def parameters(draw, vary: float = 0.35) -> Parameters:
    """A valid parameter set: each model parameter varies with probability ``vary``, else its default."""
    updates = {}
    for s in specs():
        if s.group == "simulation" and s.name != "simulation.start_date":
            continue
        if draw(st.floats(0, 1)) < vary:
            updates[s.name] = draw(value_strategy(s))
    return Parameters().with_updates(updates)
