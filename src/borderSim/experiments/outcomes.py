"""The outcomes experiments compare: their labels, units and sides, and the check of metric names.

Shared by the tables (:mod:`.compare`), the figures (:mod:`.figures`), sensitivity and discovery.
"""

from __future__ import annotations

from borderSim.errors import InputError
from borderSim.outputs.summary import COLUMNS
from borderSim.tomlcheck import nearest

#: outcome -> (label, unit, side or None); the defaults of ``compare`` in this order
OUTCOMES: dict[str, tuple[str, str, str | None]] = {
    "reached_rung5": ("P(major clash, rung 5+)", "share of replicates", None),
    "deaths_KG": ("Kyrgyz deaths", "persons", "KG"),
    "deaths_TJ": ("Tajik deaths", "persons", "TJ"),
    "displaced_peak_KG": ("Kyrgyz displaced at peak", "persons", "KG"),
    "displaced_peak_TJ": ("Tajik displaced at peak", "persons", "TJ"),
    "days_rung5plus": ("Days at rung 5+", "days", None),
    "ceasefire_survival": ("Ceasefires that held to the durable mark", "share of ended ceasefires", None),
    "legitimacy_change_365_KG": ("Kyrgyz legitimacy change, day 365", "index points (0-1 scale)", "KG"),
    "legitimacy_change_365_TJ": ("Tajik legitimacy change, day 365", "index points (0-1 scale)", "TJ"),
    "protest_wave": ("P(Kyrgyz protest wave)", "share of replicates", "KG"),
    "demarcated_share_final": ("Border demarcated at the end", "share of length", None),
}


#: units of other summary columns that figures show (heatmaps of deaths_total, ``--metrics`` choices)
UNITS: dict[str, str] = {
    "deaths_total": "persons", "deaths_civilian": "persons", "deaths_military": "persons", "wounded_total": "persons",
    "displaced_total": "flights from home", "incidents_total": "incidents", "peak_daily_deaths": "persons",
    "days_rung2plus": "days", "days_rung3plus": "days", "major_clash_days_mean": "days", "first_day_rung5": "day",
    "days_to_first_ceasefire": "day", "ceasefires_agreed": "ceasefires", "ceasefires_broken": "ceasefires",
}


def unit(metric: str) -> str:
    """The outcome's unit ("" where none is recorded)."""
    return OUTCOMES[metric][1] if metric in OUTCOMES else UNITS.get(metric, "")


def label(metric: str) -> str:
    if metric in OUTCOMES:
        return OUTCOMES[metric][0]
    text = COLUMNS.get(metric, metric).split(" [")[0]
    return text[:1].upper() + text[1:]


def side(metric: str) -> str | None:
    if metric in OUTCOMES:
        return OUTCOMES[metric][2]
    return "KG" if metric.endswith("_KG") else "TJ" if metric.endswith("_TJ") else None


def check_metrics(metrics: list[str] | None, flag: str = "--metrics") -> list[str]:
    metrics = list(metrics or OUTCOMES)
    allowed = [c for c in COLUMNS if c != "replicate"]
    for m in metrics:
        if m not in allowed:
            raise InputError(flag, m, f"unknown metric{nearest(m, allowed)}; allowed: the summary columns, e.g. "
                             f"{', '.join(list(OUTCOMES)[:6])} (see docs/experiments.md)")
    return metrics
