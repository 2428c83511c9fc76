"""The model behind the page: a :class:`BorderModel` built from a scenario, a seed and the inputs.

``VizModel`` only adds bookkeeping for display (the event log); the trajectory is exactly that of
``BorderModel(params, rng=seed)``, i.e. replicate 0 of ``borderSim run SCENARIO --engine core --seed
SEED``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from borderSim import schema
from borderSim.common.errors import InputError
from borderSim.model.model import BorderModel
from borderSim.rules.mediators import registry
from borderSim.schema.scenarios import load_scenario
from borderSim.viz import controls, events

WHERE = "viz"
_RUNS = itertools.count(1)


def parse_seed(seed: Any, default: int, where: str = WHERE, key: str | None = "seed") -> int:
    """The seed typed on the page (or given as an int); ``None`` or blank means ``default``.

    ``where`` and ``key`` name the source in the :class:`InputError` raised for a bad seed.
    """
    if seed is None or (isinstance(seed, str) and not seed.strip()):
        return int(default)
    s = schema.spec("simulation.seed")
    try:
        value = int(str(seed).strip())
    except ValueError:
        raise InputError(where, key, f"{seed!r} is not a whole number") from None
    if not s.ge <= value <= s.le:
        raise InputError(where, key, f"{value} is not allowed; expected {s.allowed()}")
    return value


class VizModel(BorderModel):
    """``BorderModel`` for the browser: a scenario name, a seed and parameter overrides as keywords.

    Args:
        scenario_name: shipped scenario name or scenario file.
        seed: root seed (int or text); the scenario's own seed when ``None`` or blank, or when the
            text is no valid seed (then ``notice`` says so, for the page to show).
        scenario: ignored; Mesa 3.5's Reset passes its own ``Scenario`` object under this name.
        **kwargs: parameter overrides named like ``russia__bias`` (see :mod:`borderSim.viz.controls`).
    """

    def __init__(self, scenario_name: str = "baseline", seed: Any = None, scenario: Any = None,
                 **kwargs: Any):
        sc = load_scenario(scenario_name)
        base = registry().parameters(sc.params)   # with the groups of the mediators in force
        updates = {controls.param_name(k): controls.coerce(controls.param_name(k), v) for k, v in kwargs.items()}
        params = base.with_updates(updates, WHERE)
        default = sc.params.simulation.seed
        try:
            rng, self.notice = parse_seed(seed, default), None
        except InputError as err:  # typed on the page: say so there instead of failing the Reset
            rng, self.notice = default, f"Seed ignored: {err.message}; using the scenario's seed {default}."
        super().__init__(params, rng=rng)
        self.scenario_name = scenario_name
        self.scenario_description = sc.description
        self.changed = {k: (sc.params.get(k), params.get(k)) for k in updates
                        if params.get(k) != sc.params.get(k)}
        self.events: list[tuple[int, list[str]]] = []
        self.run_id = next(_RUNS)          # tells the page's panels that a new trajectory starts
        self.first_major: int | None = 0 if self.level >= 5 else None     # first day at rung 5+
        self._last = events.Snapshot.take(self)

    @property
    def date(self) -> dt.date:
        """Calendar date of the current day."""
        return self.params.simulation.start_date + dt.timedelta(days=self.steps)

    @property
    def horizon(self) -> int:
        """The scenario's number of days; Step and ▶ stop there (Reset starts again)."""
        return self.params.simulation.days

    def step(self) -> None:
        before = self._last
        super().step()
        self.running = self.steps < self.horizon
        self._last = events.Snapshot.take(self, before)
        today = events.describe(before, self._last, self)
        if today:
            self.events.append((self.steps, today))
        if self.first_major is None and self.level >= 5:
            self.first_major = self.steps
