"""The README's first look at the page, computed from the model: which seed to show and what to say.

The first look is the September 2022 scenario on day ten, with a seed whose replicate 0 turns the
Bulak-Bashy standoff into a major clash within those ten days, as in September 2022. The seed and
every claim made about it (the day of the clash, how often replicates of the scenario reach one, what
the scenario's own seed does) come from the model here, so ``experiments/viz_readme.py`` can write
them into the README and ``docs/viz.md`` and the tests can check that they are still true.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from borderSim.schema.scenarios import load_scenario

SCENARIO = "september_2022"
DAYS = 10                 # the day the first look shows
REPLICATES = 1000         # replicates of the scenario's own seed behind the share quoted
MAX_SEED = 10_000         # seeds tried, from 1 up


@dataclass(frozen=True)
class FirstLook:
    scenario: str
    seed: int                    # replicate 0 of this seed: a major clash within DAYS, still on at day DAYS
    days: int
    first_major_day: int         # its first day at rung 5+
    rung: int                    # its rung on day DAYS
    deaths: int                  # both sides, by day DAYS
    displaced: int               # both sides, on day DAYS
    horizon: int                 # the scenario's days
    scenario_seed: int
    own_first_major: int | None  # the scenario's own seed, replicate 0: first day at rung 5+ (None: never)
    own_deaths: int              # ... and its deaths over the horizon
    replicates: int
    major_share: float           # share of REPLICATES replicates of the scenario's own seed with rung 5+

    def as_dict(self) -> dict:
        return asdict(self)


def _run(params, seed: int, replicates: int, days: int):
    from borderSim.core.run import run_rows

    return run_rows(params, np.arange(replicates), seed=seed, days=days,
                    record=["level", "deaths_civilian[TJ]", "deaths_civilian[KG]", "deaths_military[TJ]",
                            "deaths_military[KG]", "displaced[TJ]", "displaced[KG]"])


def _first(level: np.ndarray) -> int | None:
    hit = np.flatnonzero(level >= 5)
    return int(hit[0]) if len(hit) else None


def choose_seed(scenario: str = SCENARIO, days: int = DAYS) -> int:
    """The smallest seed from 1 whose replicate 0 reaches a major clash within ``days`` days and is still in
    one on day ``days``."""
    params = load_scenario(scenario).params
    for seed in range(1, MAX_SEED + 1):
        level = _run(params, seed, 1, days).series[:, 0, 0]
        if _first(level) is not None and level[days] >= 5:
            return seed
    raise RuntimeError(f"no seed up to {MAX_SEED} makes {scenario} a major clash within {days} days")


def first_look(scenario: str = SCENARIO, days: int = DAYS, replicates: int = REPLICATES) -> FirstLook:
    """The first look's seed and every number the README says about it, from the model as it is."""
    params = load_scenario(scenario).params
    seed = choose_seed(scenario, days)
    mine = _run(params, seed, 1, days)
    s = {c: mine.series[:, 0, j] for j, c in enumerate(mine.columns)}
    deaths = sum(s[f"deaths_{k}[{side}]"][days] for k in ("civilian", "military") for side in ("TJ", "KG"))
    own_seed = params.simulation.seed
    horizon = params.simulation.days
    own = _run(params, own_seed, replicates, horizon)
    o = {c: own.series[:, :, j] for j, c in enumerate(own.columns)}
    own_deaths = sum(o[f"deaths_{k}[{side}]"][horizon, 0] for k in ("civilian", "military") for side in ("TJ", "KG"))
    return FirstLook(scenario=scenario, seed=seed, days=days, first_major_day=int(_first(s["level"])),
                     rung=int(s["level"][days]), deaths=int(deaths),
                     displaced=int(s["displaced[TJ]"][days] + s["displaced[KG]"][days]), horizon=horizon,
                     scenario_seed=int(own_seed), own_first_major=_first(o["level"][:, 0]), own_deaths=int(own_deaths),
                     replicates=replicates, major_share=float((o["level"] >= 5).any(axis=0).mean()))


def in_ten(share: float) -> str:
    """0.22 -> "about two replicates in ten"."""
    words = ("none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "all")
    k = round(share * 10)
    if k == 0:
        return "fewer than one replicate in ten"
    return "all replicates" if k == 10 else f"about {words[k]} replicate{'s' if k > 1 else ''} in ten"
