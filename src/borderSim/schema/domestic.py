"""Dated domestic events that move a government's unrest or legitimacy (the record's calendar of shocks)."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from borderSim.schema.fields import Group, param


class Shock(BaseModel):
    """One dated domestic shock: on ``date`` the ``side``'s unrest (or legitimacy) jumps by ``size`` on the
    0-1 index, then halves every ``half_life_days``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    side: Literal["tajikistan", "kyrgyzstan"]
    kind: Literal["unrest", "legitimacy"]
    size: float = Field(ge=0, le=1)
    half_life_days: float = Field(ge=1, le=3_650)
    event: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=300)


MAX_SHOCKS = 24   # a handful per side; they are batched as (B, K) arrays


@functools.cache
def record_shocks() -> tuple[Shock, ...]:
    """The record's calendar of domestic shocks (``data/domestic_events.toml``): the default of
    ``domestic.shocks``."""
    text = resources.files("borderSim.data").joinpath("domestic_events.toml").read_text(encoding="utf-8")
    return tuple(Shock(**row) for row in tomllib.loads(text)["shocks"])


class DomesticParams(Group):
    """Dated domestic events that move a government's unrest or legitimacy (the record's calendar)."""

    shocks: tuple[Shock, ...] = param(
        record_shocks(), unit="list of shocks",
        description="Dated shocks to unrest (kind unrest) or legitimacy (kind legitimacy), each {date, side, kind, "
                    "size 0-1, half_life_days, event, source}; a shock before day 0 still weighs by its decay.",
        source="record (data/domestic_events.toml: KG upheaval Oct 2020, votes Jan and Apr 2021, Vorukh-swap "
               "row Mar 2021, disputed election Nov 2021, Kempir-Abad arrests Oct 2022; TJ Khorog Nov 2021, "
               "Gorno-Badakhshan crackdown May 2022); article", role="exogenous")

    @field_validator("shocks", mode="before")
    @classmethod
    def _as_tuple(cls, v: Any) -> Any:
        return tuple(v) if isinstance(v, list) else v

    @field_validator("shocks")
    @classmethod
    def _few(cls, v: tuple[Shock, ...]) -> tuple[Shock, ...]:
        if len(v) > MAX_SHOCKS:
            raise ValueError(f"at most {MAX_SHOCKS} shocks")
        return v
