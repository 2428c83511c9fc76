"""Figures of an optimisation: parallel coordinates of the Pareto set, the objectives' trade-offs, and the
hypervolume per generation (matplotlib's object interface, no global state)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from borderSim.experiments.analyse.figures import DPI
from borderSim.optimize.problem import Optimization
from borderSim.outputs.palette import CEASEFIRE, DYAD, SHELLED


def _save(fig: Figure, path: Path) -> str:
    fig.savefig(path, dpi=DPI)
    return path.name


def _axis_values(col: pd.Series, lever=None) -> tuple[np.ndarray, list[str] | None, float, float]:
    """Values scaled to 0-1 for a parallel axis (a lever's own range, else the set's), the tick labels of a
    choice axis, and the axis' ends."""
    if lever is not None and lever.kind == "choice":
        cats = [str(c) for c in lever.choices]
        idx = np.array([cats.index(str(v)) for v in col], dtype=float)
        return idx / max(len(cats) - 1, 1), cats, 0.0, 1.0
    x = col.to_numpy(dtype=float)
    lo, hi = (lever.low, lever.high) if lever is not None else (np.nanmin(x), np.nanmax(x))
    return ((x - lo) / (hi - lo) if hi > lo else np.full(len(x), 0.5)), None, lo, hi


def parallel(opt: Optimization, pareto: pd.DataFrame, path: Path) -> str:
    """One line per Pareto design across the levers and the objectives, coloured by the first objective."""
    levers = [lv.name for lv in opt.levers]
    objs = [m.name for m in opt.objectives]
    cols = levers + objs
    fig = Figure(figsize=(max(8, 1.15 * len(cols)), 4.6), layout="constrained")
    ax = fig.subplots()
    first = pareto[objs[0]].to_numpy(dtype=float)
    norm = (first - first.min()) / (np.ptp(first) or 1.0)
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    by_name = {lv.name: lv for lv in opt.levers}
    scaled = {c: _axis_values(pareto[c], by_name.get(c)) for c in cols}
    xs = np.arange(len(cols))
    for i in range(len(pareto)):
        ax.plot(xs, [scaled[c][0][i] for c in cols], color=cmap(norm[i]), alpha=0.8, lw=1.2)
    for k, c in enumerate(cols):
        ax.axvline(k, color="#999999", lw=0.6)
        _, cats, lo, hi = scaled[c]
        if cats is not None:
            for j, name in enumerate(cats):
                ax.text(k + 0.04, j / max(len(cats) - 1, 1), name, fontsize=7, va="center")
        else:
            ax.text(k + 0.04, -0.06, f"{lo:.3g}", fontsize=7, va="top")
            ax.text(k + 0.04, 1.06, f"{hi:.3g}", fontsize=7, va="bottom")
    labels = [c.replace(".", ".\n", 1) for c in levers] + [m.label for m in opt.objectives]
    ax.set_xticks(xs, labels, fontsize=7.5)
    for t in ax.get_xticklabels()[len(levers):]:
        t.set_fontweight("bold")
    ax.set_yticks([0, 1], ["low end", "high end"], fontsize=7.5)
    ax.set_ylim(-0.15, 1.15)
    ax.set_title(f"Pareto set of {opt.name}: {len(pareto)} designs (levers over their search ranges, then the "
                 f"objectives in bold over the set's; colour: {opt.objectives[0].label})", fontsize=9)
    return _save(fig, path)


def tradeoff(opt: Optimization, pareto: pd.DataFrame, evaluated: pd.DataFrame, path: Path,
             highlight: tuple[int, ...] = ()) -> str:
    """Each pair of objectives: every candidate evaluated (grey), the Pareto set (with 95 % intervals and
    numbers when it has at most 25 designs), the same designs re-evaluated on fresh replicate indices, and
    the ``highlight`` designs' numbers."""
    few = len(pareto) <= 25
    pairs = list(itertools.combinations(opt.objectives, 2))
    fig = Figure(figsize=(4.3 * len(pairs), 4.1), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(pairs)))
    for ax, (a, b) in zip(axes, pairs, strict=True):
        ax.scatter(evaluated[a.name], evaluated[b.name], s=5, color="#bbbbbb", label="evaluated candidates")
        base = evaluated[evaluated["base"]].head(1)
        if len(base):
            ax.scatter(base[a.name], base[b.name], marker="*", s=120, color=SHELLED, zorder=5,
                       label=f"{opt.scenario.name} (its own levers)")
        x, y = pareto[a.name].to_numpy(float), pareto[b.name].to_numpy(float)
        if few:
            ax.errorbar(x, y, xerr=[x - pareto[f"{a.name}:low"], pareto[f"{a.name}:high"] - x],
                        yerr=[y - pareto[f"{b.name}:low"], pareto[f"{b.name}:high"] - y], fmt="o", ms=4, color=DYAD,
                        ecolor=DYAD, elinewidth=0.7, alpha=0.9, label="Pareto set (95 % intervals)")
        else:
            ax.scatter(x, y, s=10, color=DYAD, zorder=3, label=f"Pareto set ({len(pareto)} designs; intervals in "
                       "pareto.md)")
        if f"fresh:{a.name}" in pareto:
            stays = pareto["fresh:within_intervals"].to_numpy(bool)
            fx, fy = pareto[f"fresh:{a.name}"].to_numpy(float), pareto[f"fresh:{b.name}"].to_numpy(float)
            ax.scatter(fx[stays], fy[stays], marker="x", s=22 if few else 8, color=CEASEFIRE, linewidths=0.8,
                       label="the same on fresh indices: stays")
            if (~stays).any():
                ax.scatter(fx[~stays], fy[~stays], marker="x", s=22 if few else 8, color=SHELLED, linewidths=0.8,
                           label="the same on fresh indices: dominated")
        if few:
            for i, d in enumerate(pareto["design"]):
                ax.annotate(str(d), (x[i], y[i]), fontsize=6.5, xytext=(3, 3), textcoords="offset points")
        for d in highlight:
            r = pareto[pareto["design"] == d]
            if len(r):
                ax.annotate(str(d), (float(r[a.name].iloc[0]), float(r[b.name].iloc[0])), fontsize=8,
                            fontweight="bold", xytext=(4, 4), textcoords="offset points")
        ax.set_xlabel(f"{a.label} ({a.sense})", fontsize=8.5)
        ax.set_ylabel(f"{b.label} ({b.sense})", fontsize=8.5)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"Trade-offs of {opt.name}", fontsize=10)
    return _save(fig, path)


def hypervolume(history: pd.DataFrame, path: Path) -> str:
    fig = Figure(figsize=(6, 3.6), layout="constrained")
    ax = fig.subplots()
    ax.plot(history["generation"], history["hypervolume"], "o-", ms=3, color=DYAD)
    ax.set_xlabel("generation")
    ax.set_ylabel("hypervolume (objectives scaled by the\nfirst generation's range; reference 1.1)")
    ax.set_title("Hypervolume of the non-dominated set per generation", fontsize=9)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def all_figures(opt: Optimization, pareto: pd.DataFrame, history: pd.DataFrame, evaluated: pd.DataFrame,
                out: Path) -> list[str]:
    return [parallel(opt, pareto, out / "parallel.png"), tradeoff(opt, pareto, evaluated, out / "tradeoff.png"),
            hypervolume(history, out / "hypervolume.png")]
