"""Helpers the test files share (no test file imports another): paired runs on common random numbers and
their effect check, reference runs cached for the session, the throwaway mediator and its schema group.

Cached runs: a summary-only run of the core is a pure function of its parameters, rows, seed, days and the
mediator registry (the same inputs give the same numbers bit for bit, ``tests/test_reproducibility.py``), so
:func:`run_rows` keeps the summaries of the session's runs and hands out copies. The baseline that every
``paired()`` compares against is then run once per test process instead of once per test.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from borderSim.core import run as core_run
from borderSim.outputs.chunk import Chunk
from borderSim.rules import mediators
from borderSim.rules.mediator import Joint, Mediator
from borderSim.schema import Parameters, group, param

#: The paired tests' replicates, days and seed (300 replicates x 730 days, fixed seed).
N, DAYS, SEED = 300, 730, 4242

_SUMMARIES: dict[tuple, pd.DataFrame] = {}


def _key(points, replicates: np.ndarray, seed: int, days: int) -> tuple | None:
    """The cache key of a summary-only run of one parameter point, or None (not cached)."""
    if not isinstance(points, Parameters):
        return None
    registry = tuple(map(id, mediators.MEDIATORS)) + tuple(map(id, mediators.JOINTS))
    return points.model_dump_json(), replicates.tobytes(), int(seed), int(days), registry


def run_rows(points, replicates, *, seed: int, days: int, **options) -> Chunk:
    """:func:`borderSim.core.run.run_rows`, its summary cached for the session when nothing else is asked of it
    (no daily series, observer, periods or progress); every caller gets its own copy of the summary."""
    replicates = np.asarray(replicates, dtype=np.int64)
    key = _key(points, replicates, seed, days) if not any(options.values()) else None
    if key is None:
        return core_run.run_rows(points, replicates, seed=seed, days=days, **options)
    if key not in _SUMMARIES:
        _SUMMARIES[key] = core_run.run_rows(points, replicates, seed=seed, days=days).summary
    return Chunk(replicates, _SUMMARIES[key].copy(), None, [])


def summary(params: Parameters, n: int = N, *, seed: int = SEED, days: int = DAYS) -> pd.DataFrame:
    """Per-replicate summary of replicates ``0 .. n-1`` (cached)."""
    return run_rows(params, np.arange(n), seed=seed, days=days).summary


def paired(base, updates, column, *, n=N, days=DAYS, scenario_days=None):
    """Reference mean, changed mean and paired z of ``column`` (a name, or a function of the summary)."""
    changed = base.with_updates(updates, "test")
    measure = column if callable(column) else (lambda s: s[column])
    a = measure(summary(base, n, days=scenario_days or days)).to_numpy(float)
    b = measure(summary(changed, n, days=scenario_days or days)).to_numpy(float)
    d = b - a
    return a.mean(), b.mean(), d.mean() / (d.std(ddof=1) / np.sqrt(n))


def assert_effect(ref, new, z, *, sign, margin):
    """The paired effect has the expected sign, is at least ``margin`` of the reference mean and at least
    three standard errors from zero."""
    assert np.sign(new - ref) == sign, (ref, new)
    assert abs(new - ref) >= margin * abs(ref), f"effect {new - ref:.3g} below {margin:.0%} of {ref:.3g}"
    assert abs(z) >= 3, f"paired z = {z:.2f}"


class GhostParams(BaseModel):
    """The throwaway mediator's parameter group: eager to offer, mildly pro-Kyrgyz, with pressure, an effect on
    the ceasefire hazard and monitors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    willingness: float = param(0.4, ge=0, le=1, unit="probability/day", description="Daily chance of offering.",
                               source="estimate", role="lever")
    bias: float = param(-0.1, ge=-1, le=1, unit="index -1..1", description="Its bias (+ toward Tajikistan).",
                        source="estimate", role="lever")
    style: Literal["gentle", "ghostly"] = param("ghostly", unit="category", description="How it mediates.",
                                                source="estimate", role="lever")
    pressure: float = param(0.8, ge=0, le=5, unit="utility", description="Pressure on each side while mediating.",
                            source="estimate")
    ceasefire_effect: float = param(3.0, ge=0, le=10, unit="factor", description="Rise of the ceasefire chance.",
                                    source="estimate")
    monitoring: float = param(0.3, ge=0, le=1, unit="index 0-1", description="Ceasefire strength its monitors add.",
                              source="estimate")


class WithGhost(Parameters):
    """The schema with the throwaway mediator's group, for a test's duration (a built-in mediator's group is
    declared in its own module of the schema instead: ``tests/test_mediators.py``)."""

    ghost: GhostParams = group(GhostParams, "The Ghost (a throwaway mediator)")


#: A throwaway mediator, its parameters its own group of the schema, its streams its own (40 and 41); and Russia
#: mediating jointly with it.
GHOST = Mediator(
    key="ghost", group="ghost", name="the Ghost", label="Ghost mediators", streams=40,
    offer_probability=lambda P, sit: P.ghost.willingness, bias=lambda P: P.ghost.bias,
    pressure=lambda P: P.ghost.pressure, ceasefire_effect=lambda P: P.ghost.ceasefire_effect,
    monitors=lambda P: P.ghost.monitoring, describe=lambda p: f"{p.ghost.style} mediation")
GHOST_WITH_RUSSIA = Joint("ghost", "russia", lambda P: np.ones((P.batch, 1), dtype=bool))


def ghost_registered(ghost: bool = True):
    """The registry in force with the throwaway mediator and its schema (or as it is, ``ghost=False``)."""
    if not ghost:
        return mediators.registered()
    return mediators.registered(GHOST, joints=(GHOST_WITH_RUSSIA,), schema=WithGhost)
