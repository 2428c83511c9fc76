"""``BorderModel``: the Mesa engine, one replicate, agents stepping through the shared schedule."""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from borderSim.geography import Geography, load_geography
from borderSim.model.agents import China, Kyrgyzstan, Russia, Tajikistan, Village, WesternMediators
from borderSim.outputs import variables
from borderSim.outputs.summary import summarise
from borderSim.rules import communities, schedule
from borderSim.rules.ladder import CLASH
from borderSim.rules.params import compile_params
from borderSim.rules.schedule import Context
from borderSim.rules.state import initial_state
from borderSim.rules.streams import replicate_keys
from borderSim.schema import Parameters


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
    :mod:`borderSim.outputs.variables`); :meth:`summary` gives the per-replicate summary.
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
        self.P = compile_params(params, self.geo)
        self.keys = replicate_keys(seed, np.array([self.replicate]))
        self.ctx = Context.build(self.P, self.geo, self.keys)
        self.state = initial_state(self.P, self.geo)
        self.today: dict[str, Any] = {}

        self.tajikistan = Tajikistan(self)
        self.kyrgyzstan = Kyrgyzstan(self)
        self.governments = (self.tajikistan, self.kyrgyzstan)
        self.villages = [Village(self, i) for i in range(self.geo.n_villages)]
        self.russia = Russia(self)
        self.china = China(self)
        self.west = WesternMediators(self)

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

    @property
    def level(self) -> int:
        return int(self.state.level[0, 0])

    def series(self) -> np.ndarray:
        """(days + 1, 1, n_series) array of the recorded series (the core's layout)."""
        frame = self.datacollector.get_model_vars_dataframe()
        return frame[variables.series_names(self.geo)].to_numpy(dtype=np.float64)[:, None, :]

    def summary(self):
        """The per-replicate summary row (a one-row DataFrame)."""
        share = variables.BY_NAME["demarcated_share"].read(self.state, self.geo)
        return summarise(self.state, np.array([self.replicate]), share)

    # -- the day -----------------------------------------------------------------------------------
    def step(self) -> None:
        day = self.steps
        s, ctx = self.state, self.ctx
        level_prev = schedule.begin_day(s)
        self.today = {"daily": communities.daily_factor(self.P, s.level_base, s.agreement),
                      "season": communities.season(self.P, day)}
        for v in self.villages:
            v.observe(day)
        schedule.aggregate_incidents(s, ctx, *np.nonzero(s.incident))
        offers = {**self.russia.act(day), **self.china.act(day, level_prev), **self.west.act(day)}
        for g in self.governments:
            g.decide(day)
        cf, ep = schedule.resolve_ladder(s, ctx, day)
        if s.level[0, 0] >= CLASH:
            rows = np.array([0])
            P, on_front, intens, expo = schedule.front_today(s, ctx, rows)
            front_segments = np.flatnonzero(on_front[0])
            for v in self.villages:
                if v.segment in front_segments:
                    v.endure(day, intens, expo[:, v.side:v.side + 1])
            schedule.military_losses(s, ctx, day, rows, P, on_front, intens)
        for v in self.villages:
            v.recover(day)
        for g in self.governments:
            g.update_domestic()
        schedule.talks(s, ctx, day)
        schedule.bookkeeping(s, ctx, day, cf, ep, offers)
        self.datacollector.collect(self)
