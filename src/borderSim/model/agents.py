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

from borderSim.geography import KG, SIDE_NAMES, SIDES, TJ
from borderSim.rules import mediators, phases
from borderSim.rules.day import Today
from borderSim.rules.mediators import MediatorAction
from borderSim.rules.thirdparties import ChinaAction


def _one(a):
    """A (1, 1) array as a Python scalar."""
    return a.item()


# --------------------------------------------------------------------------------------------------
class Government(mesa.Agent):
    """A government choosing each day to step down, hold or escalate (multinomial logit)."""

    side: int

    def __init__(self, model: mesa.Model):
        super().__init__(model)
        self.code = SIDES[self.side]
        self.name = SIDE_NAMES[self.side]
        self.sides = phases.side(self.side)
        self._col = self.sides.col

    # -- inspection ------------------------------------------------------------------------------
    legitimacy = property(lambda self: _one(self.model.state.legitimacy[:, self._col]))
    unrest = property(lambda self: _one(self.model.state.unrest[:, self._col]))
    rally = property(lambda self: _one(self.model.state.rally[:, self._col]))
    audience_cost = property(lambda self: _one(self.model.state.audience[:, self._col]))
    capability = property(lambda self: _one(self.model.state.capability[:, self._col]))
    move = property(lambda self: _one(self.model.state.move[:, self._col]))

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
    succession = property(lambda self: _one(self.model.state.succession))


class Kyrgyzstan(Government):
    """New populist government; strong civil society and media that can turn to protest, which pulls
    it to be seen defending and costs it legitimacy."""

    side = KG
    protest_pressure = property(lambda self: _one(self.model.state.protest))


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

    def _get(self, name: str):
        return _one(getattr(self.model.state, name)[:, self.villages])

    residents = property(lambda self: self._get("residents"))
    displaced = property(lambda self: self._get("displaced"))
    dead = property(lambda self: self._get("dead"))
    wounded = property(lambda self: self._get("wounded"))
    homes_destroyed = property(lambda self: self._get("homes"))
    grievance = property(lambda self: self._get("grievance"))
    incident_today = property(lambda self: bool(self._get("incident")))
    gunfire_today = property(lambda self: bool(self._get("gunfire_v")))

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
    action = property(lambda self: ChinaAction(_one(self.model.state.china_action)))

    def act(self, today: Today) -> None:
        """React to yesterday's rung: start a bout of economic pressure, make statements, or stay quiet."""
        phases.china_acts(self.model.state, self.model.ctx, today)


class Mediator(mesa.Agent):
    """An outside mediator (one per entry of :data:`borderSim.rules.mediators.MEDIATORS`): during an
    episode it offers mediation, mediates once both sides accept, or makes statements."""

    def __init__(self, model: mesa.Model, index: int):
        super().__init__(model)
        self.index = index
        self.spec = mediators.MEDIATORS[index]
        self.name = self.spec.label
        self.mediators = slice(index, index + 1)

    action = property(lambda self: MediatorAction(_one(self.model.state.mediator_action[:, self.mediators])))
    engaged = property(lambda self: bool(_one(self.model.state.mediator_engaged[:, self.mediators])))

    def act(self, today: Today) -> None:
        """During an episode, if not already mediating, offer mediation with the day's chance."""
        phases.offer(self.model.state, self.model.ctx, today, self.mediators)
