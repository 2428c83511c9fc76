"""The per-replicate summary, computed from the final state's accumulators (both engines)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from borderSim.geography import KG, TJ
from borderSim.rules import mediators
from borderSim.rules.state import State

_BEFORE: dict[str, str] = {
    "replicate": "replicate index (streams keyed by seed and this index)",
    "reached_rung5": "a major clash (rung 5+) happened",
    "first_day_rung5": "first day at rung 5+ [day; NaN if never]",
    "reached_rung6": "sustained war (rung 6) happened",
    "max_level": "highest rung reached",
    "major_episodes": "episodes (runs of rung 3+ joined across short lulls) that reached rung 5",
    "days_rung2plus": "days at rung 2 or above",
    "days_rung3plus": "days at rung 3 or above (standoff or fighting)",
    "days_rung5plus": "days at rung 5 or above",
    "major_clash_days_mean": "days at rung 5+ per major episode [NaN if none]",
    "incidents_total": "village incidents",
    "deaths_total": "deaths, both sides, civilian and military",
    "deaths_TJ": "Tajik deaths", "deaths_KG": "Kyrgyz deaths",
    "deaths_civilian": "civilian deaths, both sides", "deaths_military": "military deaths, both sides",
    "peak_daily_deaths": "most deaths on one day",
    "wounded_total": "wounded, both sides",
    "homes_destroyed_TJ": "Tajik homes destroyed", "homes_destroyed_KG": "Kyrgyz homes destroyed",
    "displaced_peak_TJ": "most Tajik residents displaced at once",
    "displaced_peak_KG": "most Kyrgyz residents displaced at once",
    "displaced_total": "flights from home, both sides (a person fleeing twice counts twice)",
    "days_to_first_ceasefire": "day of the first ceasefire [NaN if none]",
    "ceasefires_agreed": "ceasefires agreed", "ceasefires_broken": "ceasefires broken",
    "ceasefires_survived": "ceasefires that held to the durable mark",
    "ceasefire_survival": "share of ended ceasefires that held to the durable mark [NaN if none ended]",
    "days_to_durable_agreement": "day agreement strength reached the durable threshold [NaN if never]",
    "legitimacy_change_90_TJ": "Tajik legitimacy at day 90 minus day 0 [NaN if horizon shorter]",
    "legitimacy_change_90_KG": "Kyrgyz legitimacy at day 90 minus day 0",
    "legitimacy_change_365_TJ": "Tajik legitimacy at day 365 minus day 0",
    "legitimacy_change_365_KG": "Kyrgyz legitimacy at day 365 minus day 0",
    "protest_wave": "Kyrgyz protest pressure crossed the protest threshold",
    "protest_peak": "highest Kyrgyz protest pressure",
    "escalations_TJ": "days Tajikistan chose to escalate", "escalations_KG": "days Kyrgyzstan chose to escalate",
}
_AFTER: dict[str, str] = {
    "china_pressure_bouts": "bouts of Chinese economic pressure",
    "demarcated_share_final": "share of the border demarcated at the end",
    "agreement_final": "agreement strength at the end",
}


def columns() -> dict[str, str]:
    """Column -> one-line meaning (units in brackets), in the order of the summary table; each
    registered mediator has ``<key>_offers`` and ``<key>_acceptances``."""
    per_mediator = {}
    for m in mediators.MEDIATORS:
        per_mediator[f"{m.key}_offers"] = f"mediation offers by {m.name}"
        per_mediator[f"{m.key}_acceptances"] = f"offers by {m.name} accepted by both sides"
    return {**_BEFORE, **per_mediator, **_AFTER}


def __getattr__(name: str):
    if name == "COLUMNS":   # follows the mediator registry
        return columns()
    raise AttributeError(name)


def _nan_if(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    return np.where(missing, np.nan, values.astype(np.float64))


def summarise(s: State, replicates: np.ndarray, demarcated_share: np.ndarray) -> pd.DataFrame:
    """One row per replicate from a final state (``demarcated_share``: (B, 1) at the end)."""
    c = lambda a: a[:, 0]  # noqa: E731
    deaths_side = s.deaths_civilian + s.deaths_military
    ended = c(s.cf_survived) + c(s.cf_broken)
    out = {
        "replicate": np.asarray(replicates, dtype=np.int64),
        "reached_rung5": c(s.max_level) >= 5,
        "first_day_rung5": _nan_if(c(s.first_day5), c(s.first_day5) < 0),
        "reached_rung6": c(s.reached6),
        "max_level": c(s.max_level),
        "major_episodes": c(s.major_episodes),
        "days_rung2plus": c(s.days_ge2),
        "days_rung3plus": c(s.days_ge3),
        "days_rung5plus": c(s.days_ge5),
        "major_clash_days_mean": _nan_if(c(s.days_ge5) / np.maximum(c(s.major_episodes), 1),
                                         c(s.major_episodes) == 0),
        "incidents_total": c(s.incidents_total),
        "deaths_total": deaths_side.sum(axis=1),
        "deaths_TJ": deaths_side[:, TJ], "deaths_KG": deaths_side[:, KG],
        "deaths_civilian": s.deaths_civilian.sum(axis=1), "deaths_military": s.deaths_military.sum(axis=1),
        "peak_daily_deaths": c(s.peak_daily_deaths),
        "wounded_total": (s.wounded_civilian + s.wounded_military).sum(axis=1),
        "homes_destroyed_TJ": s.homes_destroyed[:, TJ], "homes_destroyed_KG": s.homes_destroyed[:, KG],
        "displaced_peak_TJ": s.displaced_peak[:, TJ], "displaced_peak_KG": s.displaced_peak[:, KG],
        "displaced_total": s.displaced_total.sum(axis=1),
        "days_to_first_ceasefire": _nan_if(c(s.first_cf_day), c(s.first_cf_day) < 0),
        "ceasefires_agreed": c(s.cf_agreed), "ceasefires_broken": c(s.cf_broken),
        "ceasefires_survived": c(s.cf_survived),
        "ceasefire_survival": _nan_if(c(s.cf_survived) / np.maximum(ended, 1), ended == 0),
        "days_to_durable_agreement": _nan_if(c(s.durable_day), c(s.durable_day) < 0),
        "legitimacy_change_90_TJ": s.legitimacy_90[:, TJ] - s.legitimacy0[:, TJ],
        "legitimacy_change_90_KG": s.legitimacy_90[:, KG] - s.legitimacy0[:, KG],
        "legitimacy_change_365_TJ": s.legitimacy_365[:, TJ] - s.legitimacy0[:, TJ],
        "legitimacy_change_365_KG": s.legitimacy_365[:, KG] - s.legitimacy0[:, KG],
        "protest_wave": c(s.protest_wave_days) > 0,
        "protest_peak": c(s.protest_peak),
        "escalations_TJ": s.escalations[:, TJ], "escalations_KG": s.escalations[:, KG],
    }
    for m, spec in enumerate(mediators.MEDIATORS):
        out[f"{spec.key}_offers"] = s.mediator_offers[:, m]
        out[f"{spec.key}_acceptances"] = s.mediator_accepts[:, m]
    out |= {
        "china_pressure_bouts": c(s.china_bouts),
        "demarcated_share_final": demarcated_share[:, 0],
        "agreement_final": c(s.agreement),
    }
    assert list(out) == list(columns())
    return pd.DataFrame(out)
