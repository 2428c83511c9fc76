"""The agents: two governments, the border villages, China and one agent per registered mediator.

Their ``model`` is a :class:`borderSim.model.BorderModel` (annotated as ``mesa.Model``, which keeps this
module free of an import of its model).

Each agent's state lives in the model's batch-1 :class:`~borderSim.rules.state.State` (one source of
truth, recorded by the DataCollector); agents read it through properties and act by calling the day's
phase functions (:mod:`borderSim.rules.phases`) for their own selection (a village column, a side, a
mediator column): the very functions the vectorised core calls once for every agent.
"""

from __future__ import annotations

import mesa

from borderSim.inputs.geography import KG, SIDE_NAMES, SIDES, TJ
from borderSim.rules import phases
from borderSim.rules.day import Today
from borderSim.rules.mediator import MediatorAction
from borderSim.rules.thirdparties import ChinaAction


def _state(name: str, column: str | int, kind=None) -> property:
    """The agent's own cell of the state array ``name`` as a Python scalar, read-only: the column is the agent's
    attribute ``column`` (its village, side or mediator index) or a fixed one; ``kind`` converts the value."""
    if isinstance(column, int):
        def get(self):
            return getattr(self.model.state, name).item(0, column)
    else:
        def get(self):
            return getattr(self.model.state, name).item(0, getattr(self, column))
    if kind is None:
        return property(get)
    return property(lambda self: kind(get(self)))


# --------------------------------------------------------------------------------------------------
class Government(mesa.Agent):
    """A government choosing each day to step down, hold or escalate (multinomial logit)."""

    side: int

    def __init__(self, model: mesa.Model):
        super().__init__(model)
        self.code = SIDES[self.side]
        self.name = SIDE_NAMES[self.side]
        self.sides = phases.side(self.side)

    # -- inspection ------------------------------------------------------------------------------
    legitimacy = _state("legitimacy", "side")
    unrest = _state("unrest", "side")
    rally = _state("rally", "side")
    audience_cost = _state("audience", "side")
    capability = _state("capability", "side")
    move = _state("move", "side")

    # -- behaviour -------------------------------------------------------------------------------
    def answer(self, today: Today) -> None:
        """Answer today's mediation offers: accept more readily the less the mediator leans against this
        side and the more it hurts."""
        phases.answer(self.model.state, self.model.ctx, today, self.sides)

    def decide(self, today: Today) -> None:
        """Choose today's move from the utilities of escalating and stepping down."""
        phases.decide(self.model.state, self.model.ctx, today, self.sides)

    def update_domestic(self, today: Today) -> None:
        """Rally, audience costs, hurt, legitimacy and capability after the day's events (and the
        side's own domestic mechanism)."""
        phases.update_domestic(self.model.state, self.model.ctx, today, self.sides)


class Tajikistan(Government):
    """Long-ruling autocrat preparing a dynastic succession; elite audience only; close to Moscow.
    Escalation helps consolidate the succession, whose lack pulls toward risk."""

    side = TJ
    succession = _state("succession", 0)


class Kyrgyzstan(Government):
    """New populist government; strong civil society and media that can turn to protest, which pulls
    it to be seen defending and costs it legitimacy."""

    side = KG
    protest_pressure = _state("protest", 0)


# --------------------------------------------------------------------------------------------------
class Village(mesa.Agent):
    """A border settlement: grievance, incidents, shelling, flight and return."""

    def __init__(self, model: mesa.Model, index: int):
        super().__init__(model)
        geo = model.geo
        self.index = index
        self.villages = slice(index, index + 1)
        self.name = geo.village_names[index]
        self.side = int(geo.side[index])
        self.side_code = SIDES[self.side]
        self.segment = int(geo.segment[index])
        self.segment_id = geo.segment_ids[self.segment]
        self.lat, self.lon = float(geo.lat[index]), float(geo.lon[index])
        self.population = int(geo.population[index])
        self.water_point = bool(geo.water_point[index])
        self.shelled_today = False   # for display; not part of the shared state

    residents = _state("residents", "index")
    displaced = _state("displaced", "index")
    dead = _state("dead", "index")
    wounded = _state("wounded", "index")
    homes_destroyed = _state("homes", "index")
    grievance = _state("grievance", "index")
    incident_today = _state("incident", "index")
    gunfire_today = _state("gunfire_v", "index")

    def observe(self, today: Today) -> None:
        """Today's incident chance from grievance and the season; border guards may open fire."""
        self.shelled_today = False
        phases.observe(self.model.state, self.model.ctx, today, self.villages)

    def endure(self, today: Today) -> None:
        """On the front: maybe shelled (deaths, wounded, homes), and residents flee."""
        rows, _ = phases.endure(self.model.state, self.model.ctx, today, self.villages)
        self.shelled_today = bool(rows.size)

    def recover(self, today: Today) -> None:
        """Once fighting has stopped the displaced come home; grievance relaxes toward its baseline."""
        phases.recover(self.model.state, self.model.ctx, today, self.villages)


# --------------------------------------------------------------------------------------------------
class China(mesa.Agent):
    """SCO: never mediates; quiet economic pressure through debt when fighting threatens its assets."""

    name = "China"
    action = _state("china_action", 0, ChinaAction)

    def act(self, today: Today) -> None:
        """React to yesterday's rung: start a bout of economic pressure, make statements, or stay quiet."""
        phases.china_acts(self.model.state, self.model.ctx, today)


class Mediator(mesa.Agent):
    """An outside mediator (one per entry of the run's registry, :class:`borderSim.rules.mediator.Registry`): during an
    episode it offers mediation, mediates once both sides accept, or makes statements."""

    def __init__(self, model: mesa.Model, index: int):
        super().__init__(model)
        self.index = index
        self.spec = model.ctx.registry.mediators[index]
        self.name = self.spec.label
        self.mediators = slice(index, index + 1)

    action = _state("mediator_action", "index", MediatorAction)
    engaged = _state("mediator_engaged", "index")

    def act(self, today: Today) -> None:
        """During an episode, if not already mediating, offer mediation with the day's chance."""
        phases.offer(self.model.state, self.model.ctx, today, self.mediators)
