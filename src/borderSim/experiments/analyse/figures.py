"""Figures of an experiment: forest plot of paired effects, outcome distributions, the daily share of
replicates at or above each rung, ceasefire survival curves, heatmaps for two-axis designs, sensitivity
bars and PRIM boxes.

matplotlib ``Figure`` objects (no pyplot state), each drawn once; one colour per country everywhere,
taken from :mod:`borderSim.outputs.palette`; calendar dates on time axes (day 0 is the scenario's start
date). The compare figures are laid out by hand (margins from the longest label): a layout engine would
draw each figure twice. What the daily series say (rung shares,
ceasefire spells and their Kaplan-Meier survival) is computed in :mod:`borderSim.experiments.analyse.series`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import __version__ as mpl_version
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from borderSim.experiments.analyse.outcomes import label, side, unit
from borderSim.experiments.analyse.series import kaplan_meier, read_spells, rung_shares
from borderSim.experiments.evaluate.store import Results
from borderSim.inputs.geography import SIDE_NAMES, SIDES
from borderSim.outputs.palette import SIDE_COLOURS

COLOUR = dict(zip(SIDES, SIDE_COLOURS, strict=True))
NEUTRAL = "#2c3e50"
UNPAIRED = "#9e9e9e"
DPI = 150
# horizontal box plots: matplotlib 3.10 renamed vert=False to orientation; ELFI holds matplotlib at 3.8
HORIZONTAL = {"orientation": "horizontal"} if int(mpl_version.split(".")[1]) >= 10 or int(mpl_version[0]) > 3 \
    else {"vert": False}
RUNG_LABELS = ("0 friction", "1 incident", "2 gunfire", "3 standoff", "4 clash", "5 major clash", "6 war")
RUNG_NAMES = ("routine friction", "incident", "border-guard gunfire", "militarised standoff", "limited clash",
              "major clash", "sustained war")
#: Line colours of design points after the reference (black); a colour map when there are more points.
POINT_COLOURS = ("#1f78b4", "#e08214", "#6a3d9a", "#b15928", "#33a02c", "#e31a1c", "#a6cee3", "#fb9a99", "#cab2d6")


def colour(metric: str) -> str:
    s = side(metric)
    return COLOUR[s] if s else NEUTRAL


def point_colours(n: int) -> list:
    """The reference in black, then one colour per point (a sequential map beyond nine points)."""
    if n - 1 <= len(POINT_COLOURS):
        return [NEUTRAL, *POINT_COLOURS[:n - 1]]
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    return [NEUTRAL, *(cmap(k / max(1, n - 2) * 0.9) for k in range(n - 1))]


def save(fig: Figure, path: Path) -> str:
    fig.savefig(path, dpi=DPI)
    return path.name


def _dates(start: dt.date | None, days: np.ndarray):
    if start is None:
        return days, "day"
    return np.datetime64(start, "D") + days.astype("timedelta64[D]"), "date"


def _date_axis(ax, start: dt.date | None) -> None:
    if start is None:
        ax.set_xlabel("day")
        return
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def text_inches(text: str, fontsize: float) -> float:
    """Roughly how wide a line of text is (inches): for margins without a layout engine."""
    return 0.56 * fontsize / 72 * len(text)


def _number(x: float, _pos=None) -> str:
    """Axis numbers without crowding: 12k for 12,000, 0.05 for 0.05."""
    a = abs(x)
    if a >= 10_000:
        return f"{x / 1000:,.0f}k"
    if a >= 1_000:
        return f"{x / 1000:,.1f}k".replace(".0k", "k")
    return f"{x:g}"


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "-"
    a = abs(x)
    return f"{x:,.0f}" if a >= 100 else f"{x:.1f}" if a >= 10 else f"{x:.2f}" if a >= 0.1 else f"{x:.3f}"


# -- compare ----------------------------------------------------------------------------------------
def forest(con: pd.DataFrame, ref_label: str, metrics: list[str], path: Path) -> str:
    """Paired effect of each point on each outcome with 95 % intervals, unpaired intervals in grey below;
    each panel names the reference's level, and the column beside it gives each effect relative to it."""
    labels = list(dict.fromkeys(con["label"]))
    n = len(labels)
    ncol = min(3, len(metrics))
    nrow = -(-len(metrics) // ncol)
    fs = 7.5 if n <= 8 else 6.5
    per = 0.34 if n <= 8 else 0.17                       # inches per design point
    panel_w, gap = 2.9, 0.75                              # the gap holds the relative effects
    panel_h = per * n + 0.35
    top_pad, row_pad, bottom_pad = 0.45, 0.85, 0.35       # figure title; panel title and x axis; legend
    height = top_pad + nrow * (panel_h + row_pad) + bottom_pad
    left = text_inches(max(labels, key=len), fs) + 0.2
    width = left + ncol * (panel_w + gap)
    fig = Figure(figsize=(width, height))
    y = np.arange(n)[::-1]
    by_metric = {m: g.set_index("label").loc[labels] for m, g in con.groupby("metric", sort=False)}
    first = None
    for k, m in enumerate(metrics):
        r, c = divmod(k, ncol)
        x0 = (left + c * (panel_w + gap)) / width
        y0 = 1 - (top_pad + (r + 1) * (panel_h + row_pad) - 0.5) / height
        ax = fig.add_axes((x0, y0, panel_w / width, panel_h / height))
        g = by_metric[m]
        col = colour(m)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.hlines(y - 0.22, g["unpaired_low"], g["unpaired_high"], color=UNPAIRED, linewidth=1.0,
                  label="unpaired 95 % CI")
        ax.hlines(y, g["paired_low"], g["paired_high"], color=col, linewidth=2.4 if n <= 8 else 1.8,
                  label="paired 95 % CI")
        ax.plot(g["difference"], y, "o", color=col, markersize=4.0 if n <= 8 else 3.0, label="mean difference")
        u = unit(m)
        ref = float(g["reference_mean"].iloc[0])
        ax.set_title(f"{label(m)}\n{ref_label}: {_fmt(ref)}" + (f" {u}" if u else ""), fontsize=fs + 0.5,
                     y=1 + 0.05 / panel_h, va="bottom")            # placed by hand: no layout pass
        ax.set_xlabel("difference" + (f" [{u}]" if u else ""), fontsize=fs, labelpad=1)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.xaxis.set_major_formatter(FuncFormatter(_number))
        ax.set_ylim(-0.7, n - 0.4)
        ax.set_yticks([])                              # labels as plain text: ticks cost more to draw
        if c == 0:
            for yy, name in zip(y, labels, strict=True):
                ax.text(-0.015, yy, name, transform=ax.get_yaxis_transform(), ha="right", va="center", fontsize=fs)
        ax.tick_params(labelsize=fs, length=2.5, pad=1.5)
        ax.grid(axis="x", alpha=0.3)
        if np.isfinite(ref) and ref > 0:          # relative to a level (not to a change that may be negative)
            side_ = ax.get_yaxis_transform()
            ax.text(1.03, n - 0.45, "relative", transform=side_, fontsize=fs - 1, ha="left", va="bottom",
                    color="#555555")
            for yy, dd in zip(y, g["difference"], strict=True):
                if np.isfinite(dd):
                    ax.text(1.03, yy, f"{dd / ref * 100:+.0f} %", transform=side_, fontsize=fs - 0.5, ha="left",
                            va="center", color=col)
        first = first or ax
    handles, names = first.get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=3, fontsize=8, frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.suptitle(f"Effect of each scenario against {ref_label} (paired over common random numbers); beside each "
                 f"panel: the difference relative to {ref_label}'s level", fontsize=9.5, y=1 - 0.1 / height,
                 va="top")
    return save(fig, path)


def distributions(results: Results, path: Path) -> str:
    """Deaths and peak displacement per point and side: box plots (whiskers 5-95 %, mean as a dot)."""
    s, d = results.summary, results.design
    panels = (("deaths", "Deaths by the end [persons]"), ("displaced_peak", "Displaced at peak [persons]"))
    n = len(d)
    fs = 7.5 if n <= 8 else 6.5
    left = text_inches(max(d["label"], key=len), fs) + 0.25
    panel_h = (0.5 if n <= 8 else 0.3) * n + 0.3
    height, width = panel_h + 1.35, left + 2 * 4.2 + 0.4
    fig = Figure(figsize=(width, height))
    y = np.arange(n)[::-1]
    groups = s.groupby("point", sort=False)
    axes = []
    for j, (stem, title) in enumerate(panels):
        ax = fig.add_axes(((left + j * 4.4) / width, 0.95 / height, 4.0 / width, panel_h / height),
                          sharey=axes[0] if axes else None)
        axes.append(ax)
        for k, sd in enumerate(SIDES):
            col = f"{stem}_{sd}"
            data = [groups.get_group(p)[col].to_numpy(float) for p in d["point"]]
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
        ax.xaxis.set_major_formatter(FuncFormatter(_number))
        ax.set_xlabel(title, fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(labelsize=fs)
    axes[0].set_yticks(y, d["label"])
    axes[0].set_ylim(-0.6, n - 0.4)
    axes[1].tick_params(labelleft=False)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=2, fontsize=7.5, frameon=False)
    fig.suptitle(f"Outcome distributions over {results.manifest['replicates']:,} replicates x "
                 f"{results.manifest['days']} days", fontsize=10, y=1 - 0.1 / height, va="top")
    return save(fig, path)


def ladder_shares(results: Results, path: Path) -> str | None:
    """Daily P(rung >= k) for k = 1..6: one panel per rung, one line per design point."""
    shares = rung_shares(results)
    if shares is None:
        return None
    d = results.design
    cols = point_colours(len(d))
    width, height = 11.0, 6.4 + (0.15 * (len(d) - 8) if len(d) > 8 else 0)
    fig = Figure(figsize=(width, height))
    legend_h = 0.05 + 0.15 * -(-len(d) // 4)
    axes = fig.subplots(2, 3, sharex=True, gridspec_kw={"left": 0.06, "right": 0.985, "top": 1 - 0.55 / height,
                                                         "bottom": (legend_h + 0.4) / height, "wspace": 0.2,
                                                         "hspace": 0.32})
    lw = 1.1 if len(d) <= 8 else 0.8
    for k, ax in enumerate(axes.flat, start=1):
        for j, (_, p) in enumerate(d.iterrows()):
            g = shares.loc[int(p["point"])]
            x, _ = _dates(results.start_date, g.index.to_numpy())
            ax.plot(x, 100 * g[f"ge{k}"].to_numpy(), color=cols[j], linewidth=lw * (1.4 if j == 0 else 1.0),
                    label=p["label"] + (" (reference)" if bool(p.get("reference", False)) else ""), zorder=3 if j
                    == 0 else 2)
        ax.set_title(f"rung {k}+ ({RUNG_NAMES[k]} or worse)" if k < 6 else f"rung 6 ({RUNG_NAMES[6]})",
                     fontsize=8.5)
        ax.set_ylim(bottom=0)
        ax.margins(x=0)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
        _date_axis(ax, results.start_date)
    for ax in axes[:, 0]:
        ax.set_ylabel("% of replicates on the day", fontsize=8)
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=4, fontsize=7, frameon=False)
    fig.suptitle(f"Escalation ladder: share of the {results.manifest['replicates']:,} replicates at or above each "
                 "rung, day by day", fontsize=10, y=1 - 0.12 / height, va="top")
    return save(fig, path)


def survival(results: Results, path: Path, spells: pd.DataFrame | None = None) -> str | None:
    """Kaplan-Meier curves of ceasefire survival per point, with 95 % bands (needs the daily ``ceasefire``
    series)."""
    spells = read_spells(results) if spells is None else spells
    if spells is None:
        return None
    d = results.design
    base = int(results.manifest["base_parameters"]["border.ceasefire_durable_days"])
    fig = Figure(figsize=(7.5, 4.6))
    ax = fig.add_axes((0.085, 0.11, 0.89, 0.8))
    cols = point_colours(len(d))
    by_point = dict(tuple(spells.groupby("point")))
    for k, (_, p) in enumerate(d.iterrows()):
        g = by_point.get(int(p["point"]))
        if g is None or len(g) < 2:
            continue
        km = kaplan_meier(g["days"].to_numpy(), g["broken"].to_numpy())
        t = np.concatenate([[0], km["time"]])
        ax.fill_between(t, np.concatenate([[1], km["low"]]), np.concatenate([[1], km["high"]]), step="post",
                        color=cols[k], alpha=0.18, linewidth=0)
        ax.step(t, np.concatenate([[1], km["survival"]]), where="post", color=cols[k], linewidth=1.3,
                label=f"{p['label']} ({len(g):,} ceasefires)")
    ax.axvline(base, color="black", linestyle=":", linewidth=0.8)
    ax.text(base, 0.02, " durable mark", fontsize=7, ha="right" if len(d) else "left")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.set_xlabel("days since the ceasefire was agreed", fontsize=8.5)
    ax.set_ylabel("share of ceasefires still holding", fontsize=8.5)
    ax.tick_params(labelsize=7.5)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=6.5 if len(d) > 8 else 7, loc="lower left", ncol=2 if len(d) > 8 else 1,
              title="line: Kaplan-Meier estimate; band: pointwise 95 % interval", title_fontsize=6.5)
    ax.set_title("Ceasefire survival (ceasefires reaching the durable mark or the horizon are censored)",
                 fontsize=9)
    return save(fig, path)


def heatmap(results: Results, metric: str, con: pd.DataFrame, reference_label: str, path: Path) -> str | None:
    """Over a two-axis grid (one scenario): the mean outcome at each point, and beside it the paired
    difference from the reference with its 95 % interval."""
    axes_ = results.manifest["design"]["axes"]
    d = results.design
    if len(axes_) != 2 or len(set(d["scenario"])) > 1:
        return None
    grid = d[~d["reference"].astype(bool)] if "reference" in d else d
    means = results.summary.groupby("point")[metric].mean()
    c = con[con["metric"] == metric].set_index("point")
    cells = grid.assign(mean=grid["point"].map(means), diff=grid["point"].map(c["difference"]),
                        low=grid["point"].map(c["paired_low"]), high=grid["point"].map(c["paired_high"]))
    piv = {k: cells.pivot_table(index=axes_[1], columns=axes_[0], values=k, dropna=False)
           for k in ("mean", "diff", "low", "high")}
    u = unit(metric)
    nx, ny = piv["mean"].shape[1], piv["mean"].shape[0]
    cell_w, cell_h = 1.05, 0.62
    panel_w, panel_h = cell_w * nx, cell_h * ny
    width, height = 2 * panel_w + 3.0, panel_h + 1.5
    fig = Figure(figsize=(width, height))
    ref_mean = float(c["reference_mean"].iloc[0]) if len(c) else np.nan
    panels = (("mean", f"mean over {results.manifest['replicates']:,} replicates", "OrRd", None),
              ("diff", f"paired difference from {reference_label} ({_fmt(ref_mean)}) [95 % CI]", "RdBu_r", 0.0))
    for j, (key, title, cmap, centre) in enumerate(panels):
        ax = fig.add_axes(((0.75 + j * (panel_w + 1.25)) / width, 0.75 / height, panel_w / width, panel_h / height))
        values = piv[key].to_numpy(float)
        norm = None
        if centre is not None:
            from matplotlib.colors import TwoSlopeNorm

            span = np.nanmax(np.abs(np.concatenate([values.ravel(), piv["low"].to_numpy(float).ravel(),
                                                    piv["high"].to_numpy(float).ravel()]))) or 1.0
            norm = TwoSlopeNorm(0.0, -span, span)
        im = ax.imshow(values, origin="lower", aspect="auto", cmap=cmap, norm=norm)
        ax.set_xticks(range(nx), [f"{v:g}" for v in piv[key].columns], fontsize=7.5)
        ax.set_yticks(range(ny), [f"{v:g}" for v in piv[key].index], fontsize=7.5)
        ax.set_xlabel(axes_[0], fontsize=8)
        ax.set_ylabel(axes_[1], fontsize=8)
        for (i, jj), v in np.ndenumerate(values):
            if not np.isfinite(v):
                continue
            dark = abs(im.norm(v) - (0.5 if centre is not None else 0.0)) > (0.3 if centre is not None else 0.6)
            text = _fmt(v) if key == "mean" else \
                f"{_fmt(v)}\n[{_fmt(piv['low'].iloc[i, jj])}, {_fmt(piv['high'].iloc[i, jj])}]"
            ax.text(jj, i, text, ha="center", va="center", fontsize=6.5 if key == "diff" else 7.5,
                    color="white" if dark else "black", linespacing=1.1)
        cax = fig.add_axes(((0.75 + j * (panel_w + 1.25) + panel_w + 0.08) / width, 0.75 / height, 0.12 / width,
                            panel_h / height))
        bar = fig.colorbar(im, cax=cax)
        bar.ax.tick_params(labelsize=6.5)
        bar.ax.yaxis.set_major_formatter(FuncFormatter(_number))
        ax.set_title(title, fontsize=8)
    fig.suptitle(f"{label(metric)}" + (f" [{u}]" if u else ""), fontsize=10, y=1 - 0.1 / height, va="top")
    return save(fig, path)


HEATMAP_METRICS = ("reached_rung5", "deaths_total")


def heatmap_metrics(results: Results) -> list[str]:
    """The outcomes drawn as heatmaps (two-axis grids of one scenario only)."""
    d = results.design
    if len(results.manifest["design"]["axes"]) != 2 or len(set(d["scenario"])) > 1:
        return []
    return [m for m in HEATMAP_METRICS if m in results.summary.columns]


def compare_figures(results: Results, con: pd.DataFrame, reference: int, metrics: list[str], out: Path,
                    tick: Callable[[str], None] | None = None) -> tuple[list[str], list[str]]:
    """Every figure ``compare`` can draw from this sweep; notes say which could not be drawn and why.

    ``con`` holds the contrasts of ``metrics`` and of the heatmaps' outcomes; ``tick(name)`` after each figure.
    Each figure is drawn once, in this process. (They were drawn partly in a forked process, 0.4 s sooner on
    the shipped comparison; but by then the process runs other threads, pyarrow's thread pool among them, and
    a fork of a multi-threaded process can deadlock in the child, as Python 3.12 warns.)"""
    tick = tick or (lambda name: None)
    ref_label = results.design.loc[results.design["point"] == reference, "label"].iloc[0]
    own = [("forest.png", forest, (con[con["metric"].isin(metrics)], ref_label, metrics, out / "forest.png")),
           ("distributions.png", distributions, (results, out / "distributions.png"))]
    own += [(f"heatmap_{m}.png", heatmap, (results, m, con, ref_label, out / f"heatmap_{m}.png"))
            for m in heatmap_metrics(results)]
    reading = [("ladder_shares.png", ladder_shares, (results, out / "ladder_shares.png")),
               ("ceasefire_survival.png", survival, (results, out / "ceasefire_survival.png"))]
    drawn: dict[str, str | None] = {}
    for name, fn, args in own + reading:
        drawn[name] = fn(*args)
        tick(name)
    notes = []
    if drawn["ladder_shares.png"] is None:
        q = results.quantiles()
        why = ("the sweep kept no daily ladder (add keep.quantiles = [\"level\"] to the experiment file)"
               if q is None or "level" not in q.columns else
               "the sweep was made before sweeps stored the daily share at each rung; sweep it again")
        notes.append(f"ladder_shares.png not drawn: {why}")
    if drawn["ceasefire_survival.png"] is None:
        notes.append("ceasefire_survival.png not drawn: the sweep kept no daily ceasefire series (add "
                     "keep.series = [\"ceasefire\"] to the experiment file)")
    order = [name for name, _, _ in own[:2] + reading + own[2:]]
    return [drawn[name] for name in order if drawn[name]], notes


# -- sensitivity and discovery --------------------------------------------------------------------
