"""Hypothesis strategies generated from the parameter schema (any valid parameter set)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from borderSim.geography import segment_ids
from borderSim.schema import MAX_SHOCKS, Parameters, Shock, specs


def extreme_shocks(start: dt.date = dt.date(2022, 9, 14)) -> tuple[Shock, ...]:
    """As many shocks as allowed, each of the largest size, half-lives at both ends of their range, on both
    sides, of both kinds, before, on and after ``start``."""
    return tuple(Shock(date=start + dt.timedelta(days=7 * (k - MAX_SHOCKS // 2)),
                       side=("tajikistan", "kyrgyzstan")[k % 2], kind=("unrest", "legitimacy")[(k // 2) % 2],
                       size=1.0, half_life_days=(1.0, 3650.0)[(k // 4) % 2], event="edge", source="test")
                 for k in range(MAX_SHOCKS))


def value_strategy(s):
    if s.name == "domestic.shocks":
        return st.sampled_from(((), extreme_shocks(), s.default))
    if s.is_list:   # calendar.changes: none, or the record's
        return st.sampled_from(((), s.default))
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
