"""Figures of a calibration report: posterior predictive checks, marginals, pairs, shrinkage, Sobol.

matplotlib ``Figure`` objects (no pyplot state). Targets about one country take its colour
(:mod:`borderSim.outputs.palette`); the record is drawn in black; the prior in grey.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from borderSim import schema
from borderSim.calibration.problem import Calibration
from borderSim.experiments.evaluate.posterior import Posterior
from borderSim.outputs.palette import BY_SIDE, DYAD

DPI = 150
PRIOR = "#9e9e9e"
RECORD = "black"


def _colour(column: str) -> str:
    return BY_SIDE.get(column.rsplit("_", 1)[-1], DYAD)


def _grid(n: int, width: float = 3.2, height: float = 2.4):
    ncol = min(3, n)
    nrow = -(-n // ncol)
    fig = Figure(figsize=(width * ncol, height * nrow + 0.5), layout="constrained")
    axes = fig.subplots(nrow, ncol, squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat)


def _unit(column: str) -> str:
    from borderSim.outputs.summary import columns

    text = columns().get(column, column)
    return text.split("[")[1].rstrip("]") if "[" in text else ""


def _axis(t) -> str:
    """A target's statistic as an axis label, with its unit and period."""
    if t.statistic == "share_all":
        return f"share of replicates with {t.column} > 0 in {' and '.join(t.periods)}"
    unit = _unit(t.column)
    return f"{t.statistic} of {t.column}" + (f" [{unit}]" if unit else "") + (f" in {t.period}" if t.period else "")


def predictive(cal: Calibration, stats: np.ndarray, pilot: np.ndarray | None, path: Path) -> str:
    """Each target's statistic over posterior draws (and over the prior pilot), with the record."""
    fig, axes = _grid(len(cal.targets))
    for j, (ax, t) in enumerate(zip(axes, cal.targets, strict=False)):
        x = stats[:, j][np.isfinite(stats[:, j])]
        pieces = [x]
        if pilot is not None:
            pieces.append(pilot[:, j][np.isfinite(pilot[:, j])])
        allx = np.concatenate([*pieces, np.array(t.observed)])
        bins = np.histogram_bin_edges(allx, bins=30) if np.ptp(allx) > 0 else 10
        if pilot is not None:
            ax.hist(pieces[1], bins=bins, density=True, color=PRIOR, alpha=0.45, label="prior predictive")
        ax.hist(x, bins=bins, density=True, color=_colour(t.column), alpha=0.75, label="posterior predictive")
        if len(x):
            lo, hi = np.quantile(x, [0.05, 0.95])
            ax.axvspan(lo, hi, color=_colour(t.column), alpha=0.12, label="90 % interval")
        if t.observed[0] == t.observed[1]:
            ax.axvline(t.observed[0], color=RECORD, linewidth=1.6, label="record")
        else:
            ax.axvspan(*t.observed, facecolor="none", edgecolor=RECORD, hatch="//", linewidth=1.0, label="record")
        ax.set_title(f"{t.name}{' (held out)' if t.held_out else ''}", fontsize=9)
        ax.set_xlabel(_axis(t), fontsize=7.5)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=4, fontsize=8, frameon=False)
    fig.suptitle(f"{cal.name}: targets against the posterior predictive distribution", fontsize=10)
    fig.savefig(path, dpi=DPI)
    return path.name


def _bins(prior, n: int = 30) -> np.ndarray:
    lo, hi = prior.support
    return np.geomspace(lo, hi, n + 1) if prior.kind == "loguniform" else np.linspace(lo, hi, n + 1)


def _label(name: str) -> str:
    unit = schema.spec(name).unit
    return f"{name} [{unit}]" if unit and unit != "-" else name


def marginals(cal: Calibration, post: Posterior, path: Path) -> str:
    """Weighted posterior histogram of each parameter over its prior density."""
    fig, axes = _grid(len(cal.priors))
    for j, (ax, p) in enumerate(zip(axes, cal.priors, strict=False)):
        lo, hi = p.support
        grid = np.linspace(lo, hi, 400)
        ax.plot(grid, p.scipy().pdf(grid), color=PRIOR, linewidth=1.4, label="prior")
        ax.hist(post.samples[:, j], bins=_bins(p), weights=post.weights, density=True, color=DYAD, alpha=0.7,
                label="posterior")
        if p.kind == "loguniform":
            ax.set_xscale("log")
        ax.set_xlabel(_label(p.name), fontsize=7.5)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=2, fontsize=8, frameon=False)
    fig.suptitle(f"{cal.name}: posterior marginals and priors", fontsize=10)
    fig.savefig(path, dpi=DPI)
    return path.name


def pairs(cal: Calibration, post: Posterior, path: Path) -> str:
    """Pair plot of the weighted posterior (point size by weight), marginals on the diagonal."""
    d = len(cal.priors)
    fig = Figure(figsize=(1.9 * d + 1, 1.9 * d + 0.6), layout="constrained")
    axes = fig.subplots(d, d, squeeze=False)
    size = 40 * post.weights / post.weights.max()
    for i, pi in enumerate(cal.priors):
        for j, pj in enumerate(cal.priors):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                ax.hist(post.samples[:, j], bins=_bins(pj, 25), weights=post.weights, color=DYAD, alpha=0.7)
                ax.set_yticks([])
            else:
                ax.scatter(post.samples[:, j], post.samples[:, i], s=size, color=DYAD, alpha=0.35, linewidths=0)
                ax.set_ylim(*pi.support)
                if pi.kind == "loguniform":
                    ax.set_yscale("log")
            ax.set_xlim(*pj.support)
            if pj.kind == "loguniform":
                ax.set_xscale("log")
            ax.tick_params(labelsize=6)
            if i == d - 1:
                ax.set_xlabel(pj.name, fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel(pi.name, fontsize=7)
    fig.suptitle(f"{cal.name}: posterior pairs (axes span the priors)", fontsize=10)
    fig.savefig(path, dpi=DPI)
    return path.name


def shrinkage(table: pd.DataFrame, path: Path) -> str:
    """Posterior 90 % interval width as a share of the prior's, per parameter."""
    fig = Figure(figsize=(6.4, 0.45 * len(table) + 1.3), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(table))[::-1]
    colours = [DYAD if ok else PRIOR for ok in table["identified"]]
    ax.barh(y, table["width_ratio"], color=colours)
    ax.axvline(0.5, color=RECORD, linewidth=0.8, linestyle="--")
    ax.axvline(1.0, color=PRIOR, linewidth=0.8)
    ax.set_yticks(y, table["parameter"], fontsize=7.5)
    ax.set_xlabel("posterior 90 % interval width / prior's (below 0.5: identified by the record)", fontsize=8)
    ax.set_xlim(0, max(1.05, float(table["width_ratio"].max()) * 1.05))
    ax.set_title("Which parameters the record identifies", fontsize=10)
    fig.savefig(path, dpi=DPI)
    return path.name


def sobol(table: pd.DataFrame, path: Path) -> str:
    """First-order and total Sobol indices of each target, with 95 % intervals."""
    t = table[table["parameter"].notna()]
    targets = list(dict.fromkeys(t["target"]))
    fig, axes = _grid(len(targets), width=3.6, height=0.35 * t["parameter"].nunique() + 1.2)
    for ax, name in zip(axes, targets, strict=False):
        g = t[t["target"] == name]
        y = np.arange(len(g))[::-1]
        ax.barh(y + 0.18, g["S1"], height=0.36, xerr=g["S1_conf"], color=DYAD, label="first order S1")
        ax.barh(y - 0.18, g["ST"], height=0.36, xerr=g["ST_conf"], color=PRIOR, label="total ST")
        ax.set_yticks(y, g["parameter"], fontsize=7)
        ax.set_xlim(0, 1.05)
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=7)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=2, fontsize=8, frameon=False)
    fig.suptitle("Sobol indices of the targets over the priors' ranges", fontsize=10)
    fig.savefig(path, dpi=DPI)
    return path.name
