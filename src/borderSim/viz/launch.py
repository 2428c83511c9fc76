"""How the page learns its starting scenario and seed: two environment variables set by ``serve``.

Solara imports the app module in the server process, so the choice made on the command line
travels as ``BORDERSIM_VIZ_SCENARIO`` (a shipped name or a scenario file's absolute path) and
``BORDERSIM_VIZ_SEED`` (blank: the scenario's own seed). Both are read when a browser session
opens, never at import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from borderSim.schema.scenarios import load_scenario, shipped_dir, shipped_names
from borderSim.viz.model import parse_seed

ENV_SCENARIO = "BORDERSIM_VIZ_SCENARIO"
ENV_SEED = "BORDERSIM_VIZ_SEED"
DEFAULT_SCENARIO = "baseline"


@dataclass(frozen=True)
class Launch:
    """The starting scenario, the seed fixed on the command line (if any), and the selector's options."""

    scenario: str
    seed: int | None
    options: tuple[str, ...]

    @classmethod
    def from_env(cls) -> Launch:
        scenario = os.environ.get(ENV_SCENARIO) or DEFAULT_SCENARIO
        raw = os.environ.get(ENV_SEED, "").strip()
        names = tuple(shipped_names())
        options = names if scenario in names else (*names, scenario)
        return cls(scenario, parse_seed(raw, 0, where=ENV_SEED, key=None) if raw else None, options)


def environment(scenario: str, seed: int | None) -> dict[str, str]:
    """The variables that start the page on ``scenario`` (validated: raises ``InputError``)."""
    sc = load_scenario(scenario)
    if seed is not None:
        seed = parse_seed(seed, sc.params.simulation.seed, where="--seed", key=None)
    shipped = sc.path is not None and sc.path.parent == shipped_dir().resolve()
    return {ENV_SCENARIO: sc.name if shipped else str(sc.path),
            ENV_SEED: "" if seed is None else str(int(seed))}
