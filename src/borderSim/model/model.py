"""``BorderModel``: the Mesa engine, one replicate, its agents stepping through the day's declared order.

The model runs :data:`borderSim.rules.schedule.DAY`: an agent phase is dispatched to its agents (each
calls the phase for itself), the other phases are called directly. This module is also the Mesa
driver: after each day it feeds the summary's recorder and its DataCollector records the daily series.
"""

from __future__ import annotations

import mesa
import numpy as np

from borderSim.core.engine import step
from borderSim.inputs.geography import Geography, load_geography
from borderSim.model.agents import China, Kyrgyzstan, Mediator, Tajikistan, Village
from borderSim.outputs import variables
from borderSim.outputs.summary import Recorder
from borderSim.rules.context import Context
from borderSim.rules.day import DayRecord
from borderSim.rules.params import compile_params
from borderSim.rules.schedule import DAY, new_day
from borderSim.rules.state import initial_state
from borderSim.rules.streams import replicate_keys
from borderSim.rules.warm import Course, switch
from borderSim.schema import Parameters
from borderSim.schema.scenarios import warm_start_params


class BorderModel(mesa.Model):
    """The Kyrgyz–Tajik border model on Mesa.

    Args:
        params: model parameters (the baseline when omitted).
        rng: root seed (a plain int); defaults to ``params.simulation.seed``. Together with
            ``replicate`` it keys every random stream, so ``BorderModel(p, rng=s, replicate=r)``
            follows exactly the trajectory of replicate ``r`` in a core run with seed ``s``.
        replicate: replicate index.
        geography: border data (the packaged file by default).

    One step is one day. ``model.datacollector`` holds the daily outputs (see
    :mod:`borderSim.outputs.variables`); :meth:`summary` gives the per-replicate summary. With
    ``simulation.warm_start`` the replay's days are run while the model is made, each phase once for the
    whole replicate (the vectorised core's day, :func:`borderSim.core.engine.step`: the same rules and draws,
    about three times faster than agent by agent, and nothing of it is observed); day 0 is the state they
    reach, and the agents step from there (the same course as the core's: :mod:`borderSim.rules.warm`).
    """

    def __init__(self, params: Parameters | None = None, *, rng: int | None = None, replicate: int = 0,
                 geography: Geography | None = None):
        params = params or Parameters()
        seed = params.simulation.seed if rng is None else int(rng)
        super().__init__(rng=seed)
        self.params = params
        self.seed = seed
        self.replicate = int(replicate)
        self.geo = geography or load_geography()
        P = compile_params(params, self.geo)
        if P.warm_start == "none":
            self.course = Course.of(P, params.simulation.days)
        else:
            replay, spin_days = warm_start_params(P.warm_start, P.start)
            self.course = Course.of(P, params.simulation.days, compile_params(replay, self.geo), spin_days)
        self.P = self.course.own
        self._changes = self.course.change_days()
        self.ctx = Context.build(self.course.params_on(0), self.geo, replicate_keys(seed, np.array([self.replicate])))
        self.state = initial_state(self.course.first, self.geo, len(self.ctx.registry.mediators))
        self.today: DayRecord | None = None   # what happened on the last day stepped

        self.tajikistan = Tajikistan(self)
        self.kyrgyzstan = Kyrgyzstan(self)
        self.governments = (self.tajikistan, self.kyrgyzstan)
        self.villages = [Village(self, i) for i in range(self.geo.n_villages)]
        self.china = China(self)
        self.mediators = tuple(Mediator(self, m) for m in range(len(self.ctx.registry.mediators)))
        self._actors = {"villages": self.villages, "governments": self.governments, "china": (self.china,),
                        "mediators": self.mediators}
        for day in range(1, self.course.spin_days + 1):   # the warm start's replay, not observed: in one pass
            if day in self._changes:                       # per phase (the core's day), the same numbers
                self.ctx = self.ctx.with_params(self.course.params_on(day))
            step(self.state, self.ctx, day)
        if self.course.replay is not None:
            switch(self.state, self.course.own, self.course.replay, self.geo)
        self.recorder = Recorder(self.state, self.P, self.geo)

        names = variables.series_names(self.geo)
        self._snapshot: tuple[int, np.ndarray] | None = None
        self.datacollector = mesa.DataCollector(
            model_reporters={name: self._reporter(j) for j, name in enumerate(names)},
            agenttype_reporters={Village: {"residents": "residents", "displaced": "displaced", "dead": "dead",
                                           "grievance": "grievance"}},
        )
        self.datacollector.collect(self)

    # -- recording -------------------------------------------------------------------------------
    def _reporter(self, j: int):
        def report(model: BorderModel) -> float:
            if model._snapshot is None or model._snapshot[0] != model.steps:
                model._snapshot = (model.steps, variables.snapshot(model.state, model.geo)[0])
            return float(model._snapshot[1][j])
        return report

    @property
    def day(self) -> int:
        return self.steps

    def mediator(self, key: str) -> Mediator:
        """The mediator agent of the run's registry key ``key`` (``"russia"``, ``"osce"``, ...)."""
        return self.mediators[self.ctx.registry.index(key)]

    @property
    def level(self) -> int:
        return int(self.state.level[0, 0])

    def series(self) -> np.ndarray:
        """(days + 1, 1, n_series) array of the recorded series (the core's layout)."""
        frame = self.datacollector.get_model_vars_dataframe()
        return frame[variables.series_names(self.geo)].to_numpy(dtype=np.float64)[:, None, :]

    def summary(self):
        """The per-replicate summary row (a one-row DataFrame)."""
        return self.recorder.summary(self.state, np.array([self.replicate]))

    # -- the day -----------------------------------------------------------------------------------
    def step(self) -> None:
        """One day: the declared phases in order, agent phases run by each of their agents."""
        self.today = self._advance(self.course.spin_days + self.steps)
        self.recorder.record(self.state, self.steps, self.today)
        self.datacollector.collect(self)

    def _advance(self, day: int) -> DayRecord:
        """Run ``day`` (counted from the first simulated day, a warm start's replay included)."""
        if day in self._changes:
            self.ctx = self.ctx.with_params(self.course.params_on(day))
        s, ctx = self.state, self.ctx
        today = new_day(s, day)
        for phase in DAY:
            if phase.actors is None:
                phase.run(s, ctx, today)
            else:
                for agent in self._actors[phase.actors]:
                    getattr(agent, phase.method)(today)
        return today.record
