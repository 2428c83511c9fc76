"""The samplers of an experiment's ranged axes (``[design] kind``), one registry entry each.

An entry says how many design points a number of samples gives, what the design allows (several scenarios, a
reference point, any number of samples) and how it samples: scipy's Latin hypercube
(``scipy.stats.qmc.LatinHypercube``), SALib's Saltelli scheme for Sobol indices and its Morris trajectories.
A ``grid`` takes every listed value and is no sampler. A new sampler is one entry in :data:`SAMPLERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Sampler:
    """One way of sampling ranges: ``draw(problem, samples, seed, levels)`` -> an (n, axes) array of values,
    ``problem`` in SALib's form (``num_vars``, ``names``, ``bounds``)."""

    name: str
    points: Callable[[int, int], int]     # (samples, axes) -> design points per scenario
    how: Callable[[int], str]             # (axes) -> how the points are counted, for messages
    draw: Callable[[dict, int, int, int], np.ndarray]
    one_scenario: bool = False            # varies one base scenario (no reference point either)
    power_of_two: bool = False            # samples must be a power of two


def _lhs(problem: dict, samples: int, seed: int, levels: int) -> np.ndarray:
    from scipy.stats import qmc

    low, high = zip(*problem["bounds"], strict=True)
    return qmc.scale(qmc.LatinHypercube(d=problem["num_vars"], seed=seed).random(samples), low, high)


def _sobol(problem: dict, samples: int, seed: int, levels: int) -> np.ndarray:
    from SALib.sample import sobol

    return sobol.sample(problem, samples, calc_second_order=False, seed=seed)


def _morris(problem: dict, samples: int, seed: int, levels: int) -> np.ndarray:
    from SALib.sample import morris

    return morris.sample(problem, samples, num_levels=levels, seed=seed)


#: The samplers, by the name an experiment file gives as ``[design] kind``.
SAMPLERS: dict[str, Sampler] = {s.name: s for s in (
    Sampler("lhs", lambda n, d: n, lambda d: "samples", _lhs),
    Sampler("sobol", lambda n, d: n * (d + 2), lambda d: f"samples x ({d} axes + 2)", _sobol, one_scenario=True,
            power_of_two=True),
    Sampler("morris", lambda n, d: n * (d + 1), lambda d: f"samples x ({d} axes + 1)", _morris, one_scenario=True),
)}

#: Every design kind: the grid, then the samplers.
KINDS = ("grid", *SAMPLERS)


def sampler_names() -> str:
    """``lhs, sobol and morris``: the samplers, for messages."""
    names = list(SAMPLERS)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
