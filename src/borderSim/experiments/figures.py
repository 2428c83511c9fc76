"""Figures of an experiment: forest plot of paired effects, outcome distributions, ladder fan charts,
ceasefire survival curves, a heatmap for two-axis designs, sensitivity bars and PRIM boxes.

matplotlib ``Figure`` objects (no pyplot state); one colour per country everywhere, taken from
:data:`borderSim.viz.style.SIDE_COLOURS`; calendar dates on time axes (day 0 is the scenario's start
date). Ceasefire durations are derived from the recorded daily ``ceasefire`` series of each replicate
(a spell that ends before the durable mark ends by breakdown; one that reaches it, or the horizon, is
censored) and drawn as Kaplan-Meier curves (statsmodels' ``SurvfuncRight``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import __version__ as mpl_version
from matplotlib.figure import Figure

from borderSim.experiments.outcomes import OUTCOMES, label, side
from borderSim.experiments.store import Results
from borderSim.geography import SIDE_NAMES, SIDES
from borderSim.outputs.palette import RUNG_COLOURS, SIDE_COLOURS

COLOUR = dict(zip(SIDES, SIDE_COLOURS, strict=True))
NEUTRAL = "#2c3e50"
UNPAIRED = "#9e9e9e"
DPI = 150
# horizontal box plots: matplotlib 3.10 renamed vert=False to orientation; ELFI holds matplotlib at 3.8
HORIZONTAL = {"orientation": "horizontal"} if int(mpl_version.split(".")[1]) >= 10 or int(mpl_version[0]) > 3 \
    else {"vert": False}
RUNG_LABELS = ("0 friction", "1 incident", "2 gunfire", "3 standoff", "4 clash", "5 major clash", "6 war")


def colour(metric: str) -> str:
    s = side(metric)
    return COLOUR[s] if s else NEUTRAL


def _save(fig: Figure, path: Path) -> str:
    fig.savefig(path, dpi=DPI)
    return path.name


def _dates(start: dt.date | None, days: np.ndarray):
    if start is None:
        return days, "day"
    return np.array([np.datetime64(start) + np.timedelta64(int(d), "D") for d in days]), "date"


# -- compare ----------------------------------------------------------------------------------------
def forest(con: pd.DataFrame, ref_label: str, metrics: list[str], path: Path) -> str:
    """Paired effect of each point on each outcome, 95 % intervals; unpaired intervals in grey below."""
    labels = list(dict.fromkeys(con["label"]))
    ncol = min(3, len(metrics))
    nrow = -(-len(metrics) // ncol)
    fig = Figure(figsize=(4.2 * ncol, 0.45 * len(labels) * nrow + 1.2 * nrow + 0.6), layout="constrained")
    axes = fig.subplots(nrow, ncol, squeeze=False, sharey=True)
    y = np.arange(len(labels))[::-1]
    for ax, m in zip(axes.flat, metrics, strict=False):
        g = con[con["metric"] == m].set_index("label").loc[labels]
        c = colour(m)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.hlines(y - 0.2, g["unpaired_low"], g["unpaired_high"], color=UNPAIRED, linewidth=1.2,
                  label="unpaired 95 % CI")
        ax.hlines(y, g["paired_low"], g["paired_high"], color=c, linewidth=2.6, label="paired 95 % CI")
        ax.plot(g["difference"], y, "o", color=c, markersize=4.5, label="mean difference")
        unit = OUTCOMES.get(m, ("", "", None))[1]
        ax.set_title(label(m), fontsize=9)
        ax.set_xlabel(f"difference from {ref_label} [{unit}]" if unit else f"difference from {ref_label}",
                      fontsize=7.5)
        ax.tick_params(labelsize=7.5)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes.flat[len(metrics):]:
        ax.set_visible(False)
    axes[0, 0].set_yticks(y, labels)
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle(f"Effect of each scenario against {ref_label} (paired over common random numbers)", fontsize=10)
    return _save(fig, path)


def distributions(results: Results, path: Path) -> str:
    """Deaths and peak displacement per point and side: box plots (whiskers 5-95 %, mean as a dot)."""
    s, d = results.summary, results.design
    panels = (("deaths", "Deaths by the end [persons]"), ("displaced_peak", "Displaced at peak [persons]"))
    fig = Figure(figsize=(10, 0.55 * len(d) + 1.6), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    y = np.arange(len(d))[::-1]
    for ax, (stem, title) in zip(axes, panels, strict=True):
        for k, sd in enumerate(SIDES):
            data = [s.loc[s["point"] == p, f"{stem}_{sd}"].to_numpy(float) for p in d["point"]]
            pos = y + (0.18 if k == 0 else -0.18)
            bp = ax.boxplot(data, positions=pos, widths=0.3, whis=(5, 95), showfliers=False, patch_artist=True,
                            manage_ticks=False, **HORIZONTAL)
            for patch in bp["boxes"]:
                patch.set(facecolor=COLOUR[sd], alpha=0.45, edgecolor=COLOUR[sd])
            for part in ("whiskers", "caps", "medians"):
                for line in bp[part]:
                    line.set_color(COLOUR[sd])
            ax.plot([np.mean(v) for v in data], pos, "o", color=COLOUR[sd], markersize=3.5,
                    label=f"{SIDE_NAMES[k]} (box 25-75 %, whiskers 5-95 %, dot mean)")
        ax.set_xscale("symlog", linthresh=10)
        ax.set_xlabel(title, fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(labelsize=7.5)
    axes[0].set_yticks(y, d["label"])
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=2, fontsize=7.5, frameon=False)
    fig.suptitle(f"Outcome distributions over {results.manifest['replicates']:,} replicates x "
                 f"{results.manifest['days']} days", fontsize=10)
    return _save(fig, path)


def ladder_fans(results: Results, path: Path) -> str | None:
    """Daily distribution of the ladder rung per point: 50 % and 90 % bands, median and mean."""
    q = results.quantiles()
    if q is None or "level" not in q.columns:
        return None
    d = results.design
    n = len(d)
    ncol = min(3, n)
    nrow = -(-n // ncol)
    fig = Figure(figsize=(4.3 * ncol, 2.6 * nrow + 0.6), layout="constrained")
    axes = fig.subplots(nrow, ncol, squeeze=False, sharex=True, sharey=True)
    for ax, (_, p) in zip(axes.flat, d.iterrows(), strict=False):
        g = q[q["point"] == p["point"]]
        stat = {k: v.sort_values("day")["level"].to_numpy() for k, v in g.groupby("statistic", observed=True)}
        days = np.sort(g["day"].unique())
        x, _ = _dates(results.start_date, days)
        probs = sorted(float(k[1:]) for k in stat if k.startswith("q"))
        lo, hi = (f"q{probs[0]:g}", f"q{probs[-1]:g}") if probs else (None, None)
        if lo:
            ax.fill_between(x, stat[lo], stat[hi], step="mid", color=RUNG_COLOURS[4], alpha=0.25, linewidth=0,
                            label=f"{probs[0]:.0%}-{probs[-1]:.0%} of replicates")
        inner = [pr for pr in probs if 0.2 <= pr <= 0.8]
        if len(inner) >= 2:
            ax.fill_between(x, stat[f"q{inner[0]:g}"], stat[f"q{inner[-1]:g}"], step="mid", color=RUNG_COLOURS[5],
                            alpha=0.35, linewidth=0, label=f"{inner[0]:.0%}-{inner[-1]:.0%}")
        if "q0.5" in stat:
            ax.step(x, stat["q0.5"], where="mid", color=RUNG_COLOURS[6], linewidth=1.0, label="median")
        ax.plot(x, stat["mean"], color=NEUTRAL, linewidth=1.0, label="mean")
        ax.set_title(p["label"], fontsize=8.5)
        ax.set_ylim(-0.2, 6.2)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_yticks(range(7), RUNG_LABELS, fontsize=7)
    axes[0, 0].legend(fontsize=6.5, loc="upper right")
    fig.autofmt_xdate() if results.start_date else None
    fig.suptitle("Escalation ladder: daily rung across replicates", fontsize=10)
    return _save(fig, path)


def ceasefire_spells(series: pd.DataFrame, durable: dict[int, int]) -> pd.DataFrame:
    """Ceasefire spells of each replicate: point, replicate, days in force, broken (else censored)."""
    out = []
    for (point, rep), g in series.groupby(["point", "replicate"], sort=True):
        c = g.sort_values("day")["ceasefire"].to_numpy() > 0
        if not c.any():
            continue
        edges = np.diff(np.concatenate([[0], c.astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)   # ends: first day off
        for a, b in zip(starts, ends, strict=True):
            length = b - a
            broken = b < len(c) and length < durable[point]
            out.append((point, rep, length, broken))
    return pd.DataFrame(out, columns=["point", "replicate", "days", "broken"])


def survival(results: Results, path: Path) -> str | None:
    """Kaplan-Meier curves of ceasefire survival per point (needs the daily ``ceasefire`` series)."""
    from statsmodels.duration.survfunc import SurvfuncRight

    series = results.series(["ceasefire"])
    if series is None or "ceasefire" not in series.columns:
        return None
    d = results.design
    base = int(results.manifest["base_parameters"]["border.ceasefire_durable_days"])
    durable = {int(p): int(v) for p, v in zip(d["point"], d.get("border.ceasefire_durable_days",
                                                                  pd.Series([base] * len(d))), strict=True)}
    spells = ceasefire_spells(series, durable)
    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.subplots()
    cmap = [NEUTRAL, *(c for c in ("#1f78b4", "#e08214", "#6a3d9a", "#b15928", "#33a02c", "#e31a1c", "#a6cee3",
                                   "#fb9a99", "#cab2d6"))]
    for k, (_, p) in enumerate(d.iterrows()):
        g = spells[spells["point"] == p["point"]]
        if len(g) < 2:
            continue
        sf = SurvfuncRight(g["days"].to_numpy(float), g["broken"].to_numpy(int))
        t = np.concatenate([[0], sf.surv_times])
        ax.step(t, np.concatenate([[1], sf.surv_prob]), where="post", color=cmap[k % len(cmap)], linewidth=1.3,
                label=f"{p['label']} ({len(g):,} ceasefires)")
    ax.axvline(base, color="black", linestyle=":", linewidth=0.8)
    ax.text(base, 0.02, " durable mark", fontsize=7)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("days since the ceasefire was agreed")
    ax.set_ylabel("share of ceasefires still holding")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title("Ceasefire survival (Kaplan-Meier; ceasefires reaching the durable mark or the horizon censored)",
                 fontsize=9)
    return _save(fig, path)


def heatmap(results: Results, metric: str, path: Path) -> str | None:
    """Mean outcome over a two-axis grid (one scenario)."""
    axes_ = results.manifest["design"]["axes"]
    d = results.design
    if len(axes_) != 2 or len(set(d["scenario"])) > 1:
        return None
    grid = d[~d["reference"].astype(bool)] if "reference" in d else d
    means = results.summary.groupby("point")[metric].mean()
    table = grid.assign(value=grid["point"].map(means)).pivot_table(index=axes_[1], columns=axes_[0],
                                                                    values="value")
    fig = Figure(figsize=(6.4, 4.6), layout="constrained")
    ax = fig.subplots()
    im = ax.imshow(table.to_numpy(float), origin="lower", aspect="auto", cmap="OrRd")
    ax.set_xticks(range(table.shape[1]), [f"{v:g}" for v in table.columns], fontsize=8)
    ax.set_yticks(range(table.shape[0]), [f"{v:g}" for v in table.index], fontsize=8)
    ax.set_xlabel(axes_[0])
    ax.set_ylabel(axes_[1])
    for (i, j), v in np.ndenumerate(table.to_numpy(float)):
        dark = im.norm(v) > 0.6          # white on the dark end of the colour map, black elsewhere
        ax.text(j, i, f"{v:.2f}" if abs(v) < 10 else f"{v:,.0f}", ha="center", va="center", fontsize=7.5,
                color="white" if dark else "black")
    unit = OUTCOMES.get(metric, ("", "", None))[1]
    fig.colorbar(im, ax=ax, label=f"{label(metric)} [{unit}]" if unit else label(metric))
    ax.set_title(f"{label(metric)}: mean over {results.manifest['replicates']:,} replicates", fontsize=9)
    return _save(fig, path)


def compare_figures(results: Results, con: pd.DataFrame, reference: int, metrics: list[str], out: Path
                    ) -> tuple[list[str], list[str]]:
    """Every figure ``compare`` can draw from this sweep; notes say which could not be drawn and why."""
    made, notes = [], []
    ref_label = results.design.loc[results.design["point"] == reference, "label"].iloc[0]
    made.append(forest(con, ref_label, metrics, out / "forest.png"))
    made.append(distributions(results, out / "distributions.png"))
    for name, fn, need in (("ladder_fans.png", ladder_fans, "keep.quantiles = [\"level\"]"),
                           ("ceasefire_survival.png", survival, "keep.series = [\"ceasefire\"]")):
        got = fn(results, out / name)
        if got:
            made.append(got)
        else:
            notes.append(f"{name} not drawn: the sweep did not keep it (add {need} to the experiment file)")
    if len(results.manifest["design"]["axes"]) == 2:
        for m in [m for m in ("reached_rung5", "deaths_total") if m in results.summary.columns]:
            got = heatmap(results, m, out / f"heatmap_{m}.png")
            if got:
                made.append(got)
    return made, notes


# -- sensitivity and discovery --------------------------------------------------------------------
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
    return _save(fig, path)


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
    return _save(fig, path)
