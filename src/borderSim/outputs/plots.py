"""``overview.png``: what happened across the replicates of a run, as a figure for a paper.

Top row, the dyad: the share of replicates at each rung of the ladder (stacked, so nothing is hidden
behind anything else) and, on its own axis, the share at rung 5+ that week and the share that has
reached rung 5+ so far. Below, one column per country (in its colour from
:mod:`borderSim.outputs.palette`): deaths since the start, residents displaced, and the government's
legitimacy, each as the median with bands holding the middle 50 % and 90 % of replicates and the
mean dashed. On a two-year run, points are a week apart and pool the values of all replicates over
the four weeks around them (on shorter runs proportionally fewer: a 90-day episode pools three
days), which keeps the tails of the bands (a few replicates in a clash) from flickering day to day
without hiding the level. The x axis is the calendar
(the scenario's start date plus the day).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import numpy as np

from borderSim.inputs.geography import SIDE_NAMES, SIDES
from borderSim.outputs.palette import BY_SIDE, DYAD, RUNG_COLOURS, SIDE_TINTS

#: series drawn in the overview (kept in memory even when time series are not written)
OVERVIEW_SERIES = ("level", "deaths_civilian[TJ]", "deaths_civilian[KG]", "deaths_military[TJ]",
                   "deaths_military[KG]", "displaced[TJ]", "displaced[KG]", "legitimacy[TJ]",
                   "legitimacy[KG]")
RUNG_NAMES = ("routine friction", "incident", "gunfire", "standoff", "limited clash", "major clash",
              "sustained war")
WEEK = 7         # at most this many days between plotted points (about 100 points per run)
POOL_DAYS = 14   # values within this many days of a point are pooled into it (fewer on short runs)


def pooled(data: np.ndarray, step: int, half: int, stat) -> tuple[np.ndarray, np.ndarray]:
    """Days every ``step`` days and ``stat`` of the values of a (days, replicates) array pooled over the
    days within ``half`` of each (fewer at the ends): (points,) and (points, ...) results. One window at
    a time, so the pooled values are never all held at once."""
    days = data.shape[0]
    centres = np.arange(0, days, step)
    return centres, np.array([stat(data[max(0, c - half):c + half + 1].reshape(-1)) for c in centres])


def _dates(start: dt.date | None, days: np.ndarray):
    return days if start is None else np.datetime64(start, "D") + days.astype("timedelta64[D]")


def _fan(ax, x, data: np.ndarray, colour: str, tint: str, step: int, half: int) -> None:
    _, stats = pooled(data, step, half, lambda v: [*np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95]), v.mean()])
    q, mean = stats[:, :5].T, stats[:, 5]
    ax.fill_between(x, q[0], q[4], color=tint, alpha=0.45, linewidth=0, label="90 % of replicates")
    ax.fill_between(x, q[1], q[3], color=tint, alpha=0.9, linewidth=0, label="50 % of replicates")
    ax.plot(x, mean, color=colour, linewidth=1.0, linestyle=(0, (4, 2)), label="mean")
    ax.plot(x, q[2], color=colour, linewidth=2.0, label="median", solid_capstyle="butt")
    if not np.any(q[2]):
        ax.text(0.98, 0.5, "median 0 throughout:\nmost replicates have none", transform=ax.transAxes,
                ha="right", va="center", fontsize=7, color=colour)


def _ladder(ax, x, level: np.ndarray, step: int, half: int) -> None:
    _, counts = pooled(level, step, half, lambda v: np.bincount(v.astype(np.int64), minlength=7)[:7] / v.size)
    shares = counts.T * 100
    ax.stackplot(x, shares[1:], colors=RUNG_COLOURS[1:], labels=[f"{r} {RUNG_NAMES[r]}" for r in range(1, 7)],
                 linewidth=0)
    ax.set_ylim(0, max(1.0, float(shares[1:].sum(axis=0).max()) * 1.1))
    ax.set_ylabel("% of replicates")
    ax.set_title("Escalation ladder: replicates above routine friction, by rung", loc="left")
    ax.legend(fontsize=7, loc="upper right", ncols=2, title="rung", title_fontsize=7, frameon=False)


def _major(ax, x, level: np.ndarray, step: int, half: int) -> None:
    _, now = pooled(level >= 5, step, half, np.mean)
    _, ever = pooled(np.maximum.accumulate(level >= 5, axis=0), step, half, np.mean)
    ax.plot(x, now * 100, color=RUNG_COLOURS[5], linewidth=2.0, label="at rung 5+ on the day")
    ax.plot(x, ever * 100, color=DYAD, linewidth=1.3, linestyle=(0, (4, 2)),
            label="reached rung 5+ so far")
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of replicates")
    ax.set_title("Major clash (rung 5+)", loc="left")
    ax.legend(fontsize=7, loc="upper left", frameon=False)


def overview(series: dict[str, np.ndarray], path: Path, title: str, *, start_date: dt.date | None = None,
             subtitle: str = "") -> None:
    """Draw the overview from ``{series name: (days + 1, replicates) array}``; dates from ``start_date``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import matplotlib.ticker as mticker

    level = series["level"]
    step, half = max(1, min(WEEK, level.shape[0] // 100)), min(POOL_DAYS, level.shape[0] // 50)
    x = _dates(start_date, np.arange(0, level.shape[0], step))
    with plt.rc_context({"font.size": 8, "axes.titlesize": 9, "axes.spines.top": False,
                         "axes.spines.right": False}):
        fig = plt.figure(figsize=(10, 11), layout="constrained")
        grid = fig.add_gridspec(4, 2)
        top = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])]
        _ladder(top[0], x, level, step, half)
        _major(top[1], x, level, step, half)
        rows = [("Deaths since the start, civilian and military (persons)",
                 lambda s: series[f"deaths_civilian[{s}]"] + series[f"deaths_military[{s}]"]),
                ("Residents displaced (persons)", lambda s: series[f"displaced[{s}]"]),
                ("Government legitimacy (index 0–1)", lambda s: series[f"legitimacy[{s}]"])]
        axes = [top]
        for r, (label, get) in enumerate(rows, start=1):
            row = []
            for c, (side, name) in enumerate(zip(SIDES, SIDE_NAMES, strict=True)):
                ax = fig.add_subplot(grid[r, c], sharey=row[0] if row else None)
                _fan(ax, x, get(side), BY_SIDE[side], SIDE_TINTS[c], step, half)
                ax.set_title(f"{name}: {label}", loc="left", color=BY_SIDE[side])
                row.append(ax)
            top_value = max(max(a.get_ylim()[1] for a in row), 1.0)
            for a in row:
                a.set_ylim(-0.03 * top_value, top_value)   # a median at 0 stays visible above the axis
                a.yaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
            axes.append(row)
        for ax in axes[3]:
            ax.set_ylim(-0.02, 1.0)
            ax.yaxis.set_major_formatter(mticker.StrMethodFormatter("{x:.1f}"))
        axes[1][0].legend(fontsize=7, loc="upper left", frameon=False)
        for row in axes:
            for ax in row:
                ax.grid(alpha=0.25, linewidth=0.5)
                ax.margins(x=0)
                if start_date is not None:
                    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
                    ax.xaxis.set_major_locator(locator)
                    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
                else:
                    ax.set_xlabel("day")
        note = (f"each point pools the {2 * half + 1} days around it" if half else "daily values")
        fig.suptitle("\n".join([textwrap.shorten(title, 150, placeholder=" …"),
                                f"{subtitle}{'; ' if subtitle else ''}{note}"]), fontsize=10)
        fig.savefig(path, dpi=120)
        plt.close(fig)
