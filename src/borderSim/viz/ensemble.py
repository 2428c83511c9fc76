"""Where the replicate on the page sits among many of the same scenario.

The page shows replicate 0 of a seed. :func:`run` runs replicates 0 .. N-1 of the same parameters and
seed on the vectorised core (replicate 0 is the page's own trajectory, bit for bit), and keeps the daily
series the charts and the status panel compare with: the bands the charts draw behind the replicate's
own lines (:meth:`Ensemble.bands`) and sentences such as "higher than in 84 % of them"
(:meth:`Ensemble.standing`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from borderSim.inputs.geography import SIDES
from borderSim.schema import Parameters

REPLICATES = 200
BAND = (0.05, 0.5, 0.95)
#: the series the ensemble keeps: the ladder, and deaths, displaced and legitimacy by side
SERIES = ("level", *(f"{v}[{s}]" for v in ("deaths_civilian", "deaths_military", "displaced", "legitimacy")
                     for s in SIDES))


@dataclass(frozen=True)
class Ensemble:
    """Daily series of replicates 0 .. N-1: ``series[name]`` is (days + 1, N)."""

    replicates: int
    days: int
    series: dict[str, np.ndarray]

    def deaths(self, side: str) -> np.ndarray:
        return self.series[f"deaths_civilian[{side}]"] + self.series[f"deaths_military[{side}]"]

    def values(self, name: str) -> np.ndarray:
        """(days + 1, N) of a chart's series: ``deaths[TJ]`` (all deaths), or any kept series."""
        if name.startswith("deaths["):
            return self.deaths(name[7:9])
        return self.series[name]

    def bands(self) -> dict:
        """For the charts (JSON-ready): 5 %, 50 % and 95 % of the replicates each day for deaths, displaced and
        legitimacy by side, and the mean rung each day."""
        out: dict = {"replicates": self.replicates}
        for name in (*(f"deaths[{s}]" for s in SIDES), *(f"displaced[{s}]" for s in SIDES),
                     *(f"legitimacy[{s}]" for s in SIDES)):
            q = np.quantile(self.values(name), BAND, axis=1)
            digits = 3 if name.startswith("legitimacy") else 1
            out[name] = [np.round(row, digits).tolist() for row in q]
        out["mean_level"] = np.round(self.series["level"].mean(axis=1), 3).tolist()
        return out

    def standing(self, day: int, deaths: float, displaced: float, first_major: int | None) -> dict:
        """Where today's values of the page's replicate sit among the N replicates on the same day."""
        d = min(day, self.days)
        all_deaths = sum(self.deaths(s)[d] for s in SIDES)
        all_displaced = sum(self.series[f"displaced[{s}]"][d] for s in SIDES)
        major = self.series["level"] >= 5
        return {
            "n": self.replicates, "day": d,
            "deaths": _rank(all_deaths, deaths), "displaced": _rank(all_displaced, displaced),
            "major_by_today": float(major[:d + 1].any(axis=0).mean()),
            "major_by_horizon": float(major.any(axis=0).mean()), "horizon": self.days,
            "first_major": first_major,
        }


def _rank(values: np.ndarray, x: float) -> dict:
    lo, med, hi = np.quantile(values, BAND)
    return {"value": float(x), "low": float(lo), "median": float(med), "high": float(hi),
            "below": float((values < x).mean()), "above": float((values > x).mean())}


def run(params: Parameters, seed: int, replicates: int = REPLICATES) -> Ensemble:
    """Replicates 0 .. ``replicates``-1 of ``params`` with ``seed`` over the scenario's horizon, on the core."""
    from borderSim.core.run import run_rows

    days = params.simulation.days
    res = run_rows(params, np.arange(replicates), seed=seed, days=days, record=list(SERIES))
    return Ensemble(replicates, days, {name: res.series[:, :, j] for j, name in enumerate(res.columns)})


def sentence(standing: dict, what: str, unit: str) -> str:
    """``"higher than in 84 % of the 200 replicates (median 5, 90 % between 0 and 60)"``."""
    r = standing[what]
    n = standing["n"]
    if r["below"] == 1:
        where = f"higher than in all of the {n} replicates"
    elif r["above"] == 1:
        where = f"lower than in all of the {n} replicates"
    elif r["below"] >= 0.5:
        where = f"higher than in {r['below']:.0%} of the {n} replicates"
    elif r["above"] > 0.5:
        where = f"lower than in {r['above']:.0%} of the {n} replicates"
    else:
        where = f"about the middle of the {n} replicates"
    return (f"{where} by day {standing['day']} (median {r['median']:,.0f} {unit}, 90 % between "
            f"{r['low']:,.0f} and {r['high']:,.0f})")
