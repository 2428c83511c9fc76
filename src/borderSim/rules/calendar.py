"""The parameters in force on a day: the calendar's dated changes (``calendar.changes``) over a batch.

A dated change makes a parameter take a value from its first day up to the day before its end (days since
each row's day 0, :class:`~borderSim.rules.params.Dated`); where several changes of one parameter are in
effect, the one that began last counts. Both engines ask :func:`params_on` for the day's parameters on the
days :func:`change_days` lists and rebuild the run's context with them; on every other day nothing changes.
"""

from __future__ import annotations

import numpy as np

from borderSim.rules.params import NEVER, ParamArrays


def change_days(P: ParamArrays, last: int) -> list[int]:
    """The days ``1 .. last`` on which some dated change of ``P`` begins or ends on some row."""
    days: set[int] = set()
    for d in P.dated:
        for edge in (d.start, d.end):
            e = np.unique(edge)
            days.update(int(x) for x in e[(e >= 1) & (e <= last)])
    return sorted(days)


def params_on(P: ParamArrays, day: int) -> ParamArrays:
    """``P`` with every dated change in effect on ``day`` applied (``P`` itself where none is)."""
    if not P.dated:
        return P
    columns: dict[str, np.ndarray] = {}
    began: dict[str, np.ndarray] = {}
    for d in P.dated:
        on = (d.start <= day) & (day < d.end)
        if not on.any():
            continue
        base = columns.get(d.name, P.column(d.name))
        later = on & (d.start >= began.get(d.name, np.full(P.batch, -NEVER)))
        columns[d.name] = np.where(later[:, None], np.asarray(d.value, dtype=base.dtype), base)
        began[d.name] = np.where(later, d.start, began.get(d.name, np.full(P.batch, -NEVER)))
    return P.with_columns(columns) if columns else P
