"""``overview.png``: fan charts of the ladder, deaths, displacement and legitimacy across replicates."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from borderSim.geography import SIDE_NAMES, SIDES

#: series drawn in the overview (kept in memory even when time series are not written)
OVERVIEW_SERIES = ("level", "deaths_civilian[TJ]", "deaths_civilian[KG]", "deaths_military[TJ]",
                   "deaths_military[KG]", "displaced[TJ]", "displaced[KG]", "legitimacy[TJ]",
                   "legitimacy[KG]")
COLOURS = {"TJ": "#1b7837", "KG": "#b2182b", "dyad": "#2c3e50"}


def _fan(ax, x, data, colour, label):
    q = np.nanquantile(data, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
    ax.fill_between(x, q[0], q[4], color=colour, alpha=0.15, linewidth=0)
    ax.fill_between(x, q[1], q[3], color=colour, alpha=0.3, linewidth=0)
    ax.plot(x, q[2], color=colour, linewidth=1.2, label=f"{label} (median, 50 % and 90 % bands)")
    ax.plot(x, np.nanmean(data, axis=1), color=colour, linewidth=0.8, linestyle="--", label=f"{label} mean")


def overview(series: dict[str, np.ndarray], path: Path, title: str) -> None:
    """Draw the overview from ``{series name: (days + 1, replicates) array}``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    level = series["level"]
    x = np.arange(level.shape[0])
    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5), sharex=True, constrained_layout=True)
    ax = axes[0, 0]
    _fan(ax, x, level, COLOURS["dyad"], "rung")
    ax.plot(x, (level >= 5).mean(axis=1) * 6, color="#e08214", linewidth=0.8,
            label="share of replicates at rung 5+ (x 6)")
    ax.set_ylim(-0.2, 6.2)
    ax.set_yticks(range(7), ["0 friction", "1 incident", "2 gunfire", "3 standoff", "4 clash", "5 major", "6 war"])
    ax.set_title("Escalation ladder")
    for side, name in zip(SIDES, SIDE_NAMES, strict=True):
        deaths = series[f"deaths_civilian[{side}]"] + series[f"deaths_military[{side}]"]
        _fan(axes[0, 1], x, deaths, COLOURS[side], name)
        _fan(axes[1, 0], x, series[f"displaced[{side}]"], COLOURS[side], name)
        _fan(axes[1, 1], x, series[f"legitimacy[{side}]"], COLOURS[side], name)
    axes[0, 1].set_title("Deaths since day 0 (civilian and military)")
    axes[1, 0].set_title("Displaced residents")
    axes[1, 1].set_title("Government legitimacy")
    axes[1, 1].set_ylim(0, 1)
    for a in axes.flat:
        a.legend(fontsize=7, loc="upper left")
        a.grid(alpha=0.3)
    for a in axes[1]:
        a.set_xlabel("day")
    fig.suptitle(title, fontsize=11)
    fig.savefig(path, dpi=110)
    plt.close(fig)
