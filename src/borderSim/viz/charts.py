"""Time-series charts of the day's run, read from the model's DataCollector.

Four panels sharing the day axis: the escalation ladder (with ceasefires shaded), deaths and
displaced by side, and each government's legitimacy with Kyrgyz protest pressure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from borderSim.geography import SIDES
from borderSim.viz import style

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from borderSim.model.model import BorderModel

MIN_DAYS = 10  # the day axis spans at least this many days


def series(model: BorderModel) -> pd.DataFrame:
    """The recorded daily series, one row per day from day 0."""
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


def _ceasefires(ax: Axes, day: np.ndarray, on: np.ndarray) -> None:
    for d in day[on.astype(bool)]:
        ax.axvspan(d - 0.5, d + 0.5, color=style.CEASEFIRE, alpha=0.15, linewidth=0)


def _ladder(ax: Axes, df: pd.DataFrame, day: np.ndarray) -> None:
    _ceasefires(ax, day, df["ceasefire"].to_numpy())
    ax.step(day, df["level"], where="mid", color="#cc4c02", linewidth=1.3, marker="o" if len(day) == 1 else "")
    ax.set_ylim(-0.3, 6.3)
    ax.set_yticks(range(7))
    ax.set_title("Escalation ladder (rung; blue: ceasefire)", fontsize=style.FONT)


def _legend(ax: Axes, loc: str) -> None:
    ax.legend(fontsize=style.FONT - 1.5, loc=loc, framealpha=0.8, edgecolor="none", handlelength=1.8)


def _by_side(ax: Axes, df: pd.DataFrame, day: np.ndarray, columns: dict[str, str], title: str) -> None:
    """One line per side for each ``{label: column pattern}``; the second pattern is dashed."""
    for k, (label, pattern) in enumerate(columns.items()):
        for i, code in enumerate(SIDES):
            values = sum(df[c.format(code)] for c in pattern.split("+"))
            ax.plot(day, values, color=style.SIDE_COLOURS[i], linestyle="-" if k == 0 else "--",
                    linewidth=1.2, label=f"{code} {label}".strip())
    ax.set_title(title, fontsize=style.FONT)
    ax.set_ylim(0, max(10.0, ax.get_ylim()[1]))
    _legend(ax, "upper left")


def _domestic(ax: Axes, df: pd.DataFrame, day: np.ndarray, threshold: float) -> None:
    for i, code in enumerate(SIDES):
        ax.plot(day, df[f"legitimacy[{code}]"], color=style.SIDE_COLOURS[i], linewidth=1.2,
                label=f"{code} legitimacy")
    ax.plot(day, df["protest_pressure"], color=style.SIDE_COLOURS[1], linestyle=":", linewidth=1.4,
            label="KG protest pressure")
    ax.axhline(threshold, color="#888888", linewidth=0.6, linestyle="--", label="protest-wave threshold")
    ax.set_ylim(0, 1)
    ax.set_title("Legitimacy & Kyrgyz protest (index 0–1)", fontsize=style.FONT)
    _legend(ax, "lower left")


def draw_charts(model: BorderModel) -> Figure:
    """The four panels up to the model's current day."""
    df = series(model)
    day = np.arange(len(df))
    fig = style.new_figure(5.0, 3.4)
    axes = fig.subplots(2, 2, sharex=True, gridspec_kw={
        "left": 0.1, "right": 0.98, "bottom": 0.11, "top": 0.93, "wspace": 0.25, "hspace": 0.3})
    _ladder(axes[0, 0], df, day)
    _by_side(axes[0, 1], df, day, {"": "deaths_civilian[{}]+deaths_military[{}]",
                                   "civilians": "deaths_civilian[{}]"},
             "Deaths, cumulative (persons)")
    _by_side(axes[1, 0], df, day, {"": "displaced[{}]"}, "Displaced now (persons)")
    _domestic(axes[1, 1], df, day, model.params.kyrgyzstan.protest_threshold)
    for ax in axes.flat:
        ax.tick_params(labelsize=style.FONT - 1)
        ax.set_xlim(0, max(MIN_DAYS, len(df) - 1))
        ax.grid(alpha=0.25, linewidth=0.5)
    for ax in axes[1]:
        ax.set_xlabel("day", fontsize=style.FONT)
    return fig
