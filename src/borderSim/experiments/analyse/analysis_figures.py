"""Figures of the analyses of a sampled design: Sobol or Morris indices as bars (``borderSim sensitivity``) and
PRIM's peeling trajectory and box (``borderSim discover``, ``borderSim pareto``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from borderSim.experiments.analyse.figures import save
from borderSim.experiments.analyse.outcomes import label


def sensitivity_bars(table: pd.DataFrame, method: str, path: Path) -> str:
    """Sobol S1/ST (or Morris mu*/sigma) per parameter and outcome, with 95 % intervals."""
    metrics = list(dict.fromkeys(table["metric"]))
    first, second = ("S1", "ST") if method == "sobol" else ("mu_star", "sigma")
    fig = Figure(figsize=(5.2 * len(metrics), 0.38 * table["parameter"].nunique() + 1.6), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False, sharey=True)[0]
    for ax, m in zip(axes, metrics, strict=True):
        g = table[table["metric"] == m].iloc[::-1]
        y = np.arange(len(g))
        ax.barh(y + 0.2, g[first], height=0.38, color="#4393c3", label=first,
                xerr=g.get(f"{first}_conf"), error_kw={"linewidth": 0.8})
        ax.barh(y - 0.2, g[second], height=0.38, color="#d6604d", label=second,
                xerr=g.get(f"{second}_conf") if method == "sobol" else None, error_kw={"linewidth": 0.8})
        ax.set_yticks(y, g["parameter"], fontsize=7.5)
        ax.set_title(label(m), fontsize=9)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlabel("index (95 % interval)" if method == "sobol" else "elementary effect [outcome units]",
                      fontsize=8)
    axes[0].legend(fontsize=8)
    title = "Sobol indices: first order (S1) and total (ST)" if method == "sobol" else \
        "Morris screening: mean absolute effect (mu*) and spread (sigma)"
    fig.suptitle(title, fontsize=10)
    return save(fig, path)


def prim_boxes(trajectory: pd.DataFrame, chosen: int, limits: pd.DataFrame, bounds: dict, outcome: str,
               path: Path) -> str:
    """PRIM: the peeling trajectory (coverage against density) and the chosen box's limits."""
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    a, b = fig.subplots(1, 2, width_ratios=(1, 1.2))
    sc = a.scatter(trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"], cmap="viridis", s=14)
    a.plot(trajectory.loc[chosen, "coverage"], trajectory.loc[chosen, "density"], "o", markersize=11,
           markerfacecolor="none", markeredgecolor="#d6604d", label=f"chosen box {chosen}")
    fig.colorbar(sc, ax=a, label="restricted parameters")
    a.set_xlabel("coverage (share of all cases inside the box)")
    a.set_ylabel("density (share of the box that are cases)")
    a.set_title("Peeling trajectory", fontsize=9)
    a.legend(fontsize=7)
    a.grid(alpha=0.3)
    y = np.arange(len(limits))[::-1]
    for k, (name, row) in enumerate(limits.iterrows()):
        lo, hi = bounds[name]
        span = hi - lo or 1.0
        b.barh(y[k], (row["max"] - row["min"]) / span, left=(row["min"] - lo) / span, color="#4393c3", height=0.5)
        b.text(1.02, y[k], f"{row['min']:.3g} - {row['max']:.3g}", va="center", fontsize=7.5)
    b.set_yticks(y, limits.index, fontsize=8)
    b.set_xlim(0, 1.35)
    b.set_xticks([0, 0.5, 1], ["low", "middle", "high"])
    b.set_xlabel("part of each sampled range inside the box")
    b.set_title(f"Box {chosen}: where {outcome}", fontsize=9)
    b.grid(axis="x", alpha=0.3)
    return save(fig, path)
