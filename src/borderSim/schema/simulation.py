"""Run controls: horizon, replicates, seed, calendar start, warm start."""

from __future__ import annotations

import datetime as dt

from pydantic import field_validator

from borderSim.schema.fields import Group, param


class SimulationParams(Group):
    """Run controls: horizon, replicates, seed, calendar."""

    days: int = param(730, ge=1, le=36_500, unit="day", batch=False, role="control",
                      description="Number of simulated days (one step is one day).",
                      source="brief (typical horizon 730 days)")
    replicates: int = param(100, ge=1, le=10_000_000, unit="runs", batch=False, role="control",
                            description="Number of stochastic replicates.", source="brief")
    seed: int = param(20220914, ge=0, le=2**63 - 1, unit="-", batch=False, role="control",
                      description="Root seed; replicate r draws from streams keyed by (seed, r).",
                      source="design (common random numbers)")
    start_date: dt.date = param(dt.date(2022, 1, 1), unit="date", role="control",
                                description="Calendar date of day 0; places the farming and grazing season.",
                                source="brief (baseline is the 2022 status quo)")
    warm_start: str = param(
        "none", unit="scenario", batch=False, role="control",
        description="Scenario whose replay gives the state at day 0 ('none': the day-0 values of this one). The "
                    "replay runs from its own start date to this one's with this run's model parameters and the "
                    "replay's day-0 values, postures and outside events; this run's own then apply from day 0.",
        source="design (a baseline that does not hinge on hand-set initial values; docs/validation.md)")

    @field_validator("warm_start")
    @classmethod
    def _scenario_name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("a scenario name, or 'none'")
        return v
