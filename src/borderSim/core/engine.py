"""One day of the model over a whole batch: the day's phases, each called once for every agent.

The order of the day and its phases live in :mod:`borderSim.rules` (:data:`~borderSim.rules.schedule.DAY`,
:mod:`~borderSim.rules.phases`); the Mesa engine runs the same ones agent by agent. Here each agent
phase is called once with everyone selected: all villages, both governments, every mediator, over all
rows (the phases themselves evaluate only the rows that matter: in an episode, at war, with displaced
residents; draws are keyed by (replicate, day, stream, slot), so that changes no number).
"""

from __future__ import annotations

from borderSim.rules.context import Context
from borderSim.rules.day import DayRecord
from borderSim.rules.phases import BOTH
from borderSim.rules.schedule import DAY, new_day
from borderSim.rules.state import State

__all__ = ["Context", "step"]

#: The selection that means "every agent of this kind".
EVERYONE = {"villages": slice(None), "governments": BOTH, "mediators": slice(None), "china": None}


def step(s: State, ctx: Context, day: int) -> DayRecord:
    """Advance every row of ``s`` from ``day - 1`` to ``day`` in place; returns what happened."""
    today = new_day(s, day)
    for phase in DAY:
        if phase.actors is None:
            phase.run(s, ctx, today)
        else:
            phase.run(s, ctx, today, EVERYONE[phase.actors])
    return today.record
