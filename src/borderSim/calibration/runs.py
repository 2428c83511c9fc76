"""A calibration file's ``[runs.NAME]``: a scenario on a window, how many replicates each candidate runs there, and
optional ``periods`` (parts of the run between two dates, each summarised on its own)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from borderSim.common.errors import InputError
from borderSim.common.tomlcheck import known_keys, whole
from borderSim.schema.scenarios import Scenario, load_scenario, referenced

RUN_KEYS = ("scenario", "days", "replicates", "periods")


@dataclass(frozen=True)
class Period:
    """A part of a run between two dates (inclusive), summarised on its own (``Chunk.periods``).

    Day ``d`` of a run is the state on its start date + ``d`` days; day 0 is the state it starts from,
    on which nothing happens, so a period that begins on the start date begins on day 1 and ``shift``
    = 1 keeps its day numbers counting from its first date (28 April is day 118 of a period from
    1 January, as in the year)."""

    name: str
    first_date: dt.date
    last_date: dt.date
    first: int               # first day of the run the period summarises (>= 1)
    last: int
    shift: int = 0

    @property
    def days(self) -> int:
        """Days of the run the period covers."""
        return self.last - self.first + 1

    def text(self) -> str:
        return f"{self.first_date:%d %b %Y} - {self.last_date:%d %b %Y}"


@dataclass(frozen=True)
class Run:
    """A scenario on a window; each candidate runs ``replicates`` replicates of it."""

    name: str
    scenario: Scenario
    days: int
    replicates: int
    periods: tuple[Period, ...] = ()

    def period(self, name: str) -> Period:
        return next(p for p in self.periods if p.name == name)


def read_run(name: str, value, path: Path, where: str) -> Run:
    key = f"runs.{name}"
    if not isinstance(value, dict):
        raise InputError(where, key, "must be a table with scenario, days and replicates")
    known_keys(value, RUN_KEYS, where, f"{key}.")
    ref = value.get("scenario", "baseline")
    if not isinstance(ref, str):
        raise InputError(where, f"{key}.scenario", "must be the name of a scenario or a scenario file")
    sc = load_scenario(referenced(ref, path, where, f"{key}.scenario"))
    days = whole(value, "days", f"{where}: {key}", sc.params.simulation.days, 1, 36_500)
    reps = whole(value, "replicates", f"{where}: {key}", 1, 1, 10_000)
    periods = _periods(value["periods"], sc, days, where, f"{key}.periods") if "periods" in value else ()
    return Run(name, sc, days, reps, periods)


def _date(v) -> bool:
    return type(v) is dt.date            # a TOML date; not a date-time (a subclass of date)


def _periods(table, sc: Scenario, days: int, where: str, key: str) -> tuple[Period, ...]:
    """A run's periods: NAME = [first date, last date], inside the run's window, as days of the run."""
    start = sc.params.simulation.start_date
    end = start + dt.timedelta(days=days)
    if not isinstance(table, dict) or not table:
        raise InputError(where, key, "must be a table of NAME = [first date, last date], like "
                         "[runs.record.periods] 2021 = [2021-01-01, 2021-12-31]")
    out = []
    for name, value in table.items():
        if not (isinstance(value, list) and len(value) == 2 and all(_date(v) for v in value)):
            raise InputError(where, f"{key}.{name}", f"{value!r} is not allowed; expected [first date, last date] as "
                             "TOML dates, like [2021-01-01, 2021-12-31]")
        first, last = value
        if first > last:
            raise InputError(where, f"{key}.{name}", f"first date {first} is after last date {last}")
        if first < start or last > end:
            raise InputError(where, f"{key}.{name}", f"{first} - {last} is outside the run's window {start} - {end} "
                             f"(scenario {sc.name} starts on {start}; days = {days})")
        if last == start:
            raise InputError(where, f"{key}.{name}", f"ends on the run's start date {start}, day 0, on which nothing "
                             "happens; end it later")
        d0 = (first - start).days
        out.append(Period(str(name), first, last, max(d0, 1), (last - start).days, max(d0, 1) - d0))
    return tuple(out)
