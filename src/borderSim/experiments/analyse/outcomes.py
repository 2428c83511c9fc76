"""The outcomes experiments compare: their labels, units and sides, and the check of metric names.

Shared by the tables (:mod:`.compare`), the figures (:mod:`.figures`), sensitivity and discovery. Each outcome is
declared once, in :mod:`borderSim.outputs.outcomes`; these read the declarations when called, so a registered
mediator's outcomes are labelled and accepted as any other.
"""

from __future__ import annotations

from borderSim.common.errors import InputError
from borderSim.common.tomlcheck import nearest
from borderSim.outputs.outcomes import Outcome, by_name

#: the outcomes ``compare`` shows by default, in this order
OUTCOMES: tuple[str, ...] = ("reached_rung5", "deaths_KG", "deaths_TJ", "displaced_peak_KG", "displaced_peak_TJ",
                             "days_rung5plus", "ceasefire_survival", "legitimacy_change_365_KG",
                             "legitimacy_change_365_TJ", "protest_wave", "demarcated_share_final")


def _declared(metric: str) -> Outcome | None:
    return by_name().get(metric)


def unit(metric: str) -> str:
    """The outcome's unit ("" where none is declared)."""
    o = _declared(metric)
    return o.unit if o else ""


def label(metric: str) -> str:
    o = _declared(metric)
    return o.caption if o else metric[:1].upper() + metric[1:]


def side(metric: str) -> str | None:
    o = _declared(metric)
    if o:
        return o.side
    return "KG" if metric.endswith("_KG") else "TJ" if metric.endswith("_TJ") else None


def check_metrics(metrics: list[str] | None, flag: str = "--metrics") -> list[str]:
    metrics = list(metrics or OUTCOMES)
    allowed = list(by_name())
    for m in metrics:
        if m not in allowed:
            raise InputError(flag, m, f"unknown metric{nearest(m, allowed)}; allowed: the summary columns, e.g. "
                             f"{', '.join(OUTCOMES[:6])} (see docs/experiments.md)")
    return metrics
