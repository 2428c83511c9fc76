"""The record's dated changes in the world outside the model (beside the domestic shocks)."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from borderSim.common.tomlcheck import did_you_mean
from borderSim.schema.fields import Group, param
from borderSim.schema.paramspec import ParamTable


class Change(BaseModel):
    """One dated change in the world outside the model: from ``date`` (until the day before ``until``, if
    given) ``parameter`` takes ``value`` instead of the scenario's own value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    parameter: str = Field(min_length=3, max_length=80)
    value: float
    until: dt.date | None = None
    event: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=300)

    @model_validator(mode="after")
    def _ordered(self) -> Change:
        if self.until is not None and self.until <= self.date:
            raise ValueError(f"until {self.until} is not after date {self.date}")
        return self


def check_change(c: Change, table: ParamTable) -> None:
    """``ValueError`` unless ``c`` changes a numeric parameter that may change on a date (not a run control
    or a day-0 value) to a value inside its range, by the schema's ``table`` (checked when parameters
    are validated: :class:`~borderSim.schema.parameters.Parameters`)."""
    try:
        s = table.spec(c.parameter)
    except KeyError:
        hint = table.suggest(c.parameter)
        raise ValueError(f"{c.parameter!r} is no parameter" + did_you_mean(hint)) from None
    if s.role in ("control", "initial") or s.is_list or s.type not in (float, int) or not s.batch:
        raise ValueError(f"{c.parameter} cannot change on a date (only numeric parameters that are not run "
                         "controls or day-0 values)")
    if (s.ge is not None and c.value < s.ge) or (s.le is not None and c.value > s.le):
        raise ValueError(f"value {c.value:g} of {c.parameter} is outside {s.allowed()}")
    if s.type is int and c.value != int(c.value):
        raise ValueError(f"{c.parameter} takes whole numbers")


MAX_CHANGES = 24   # a handful of dated changes; batched per parameter


@functools.cache
def record_changes() -> tuple[Change, ...]:
    """The record's calendar of dated changes outside the model (``data/record_calendar.toml``): the
    default of ``calendar.changes``."""
    text = resources.files("borderSim.data").joinpath("record_calendar.toml").read_text(encoding="utf-8")
    return tuple(Change(**row) for row in tomllib.loads(text)["changes"])


class CalendarParams(Group):
    """The record's dated changes outside the model (beside the domestic shocks): Russia's attention, arms
    deliveries, summits."""

    changes: tuple[Change, ...] = param(
        record_changes(), unit="list of changes",
        description="Dated changes, each {date, parameter, value, until (optional), event, source}: from its date a "
                    "parameter takes the value (until the day before `until`); a change before day 0 is already in "
                    "effect at day 0.",
        source="record (data/record_calendar.toml: Russia's attention after 24 Feb 2022, the SCO summit of "
               "15-16 Sep 2022; Bayraktar TB2s in Kyrgyz service Dec 2021, the Ababil-2 plant May 2022); article",
        role="exogenous")

    @field_validator("changes", mode="before")
    @classmethod
    def _as_tuple(cls, v: Any) -> Any:
        return tuple(v) if isinstance(v, list) else v

    @field_validator("changes")
    @classmethod
    def _few(cls, v: tuple[Change, ...]) -> tuple[Change, ...]:
        if len(v) > MAX_CHANGES:
            raise ValueError(f"at most {MAX_CHANGES} dated changes")
        return v
