"""The border map: villages at their coordinates and the segments they face, on the current day.

Villages are coloured by side and sized by population; a black ring marks an incident today, a cross
border-guard gunfire, a red star shelling, and a white core the share of residents displaced.
Each segment is an oval around its villages, outlined by status (demarcated, disputed, exclave) and
filled with its current rung.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Patch

from borderSim.geography import SIDE_NAMES, SIDES
from borderSim.viz import style
from borderSim.viz.events import rung

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from borderSim.model.model import BorderModel

#: Outline of a segment: solid grey when demarcated, dashed red while disputed, blue around an exclave.
DEMARCATED = ("-", "#4d4d4d")
DISPUTED = ("--", "#b2182b")
EXCLAVE_EDGE = "#2166ac"
PAD_DEG = 0.025          # margin of a segment's oval around its villages
SIZE_MIN, SIZE_MAX = 12.0, 220.0   # marker areas (pt^2) of the smallest and largest village
LABEL_POPULATION = 20_000          # villages at least this big are named


def segment_status(model: BorderModel) -> list[str]:
    """Each segment's status today, e.g. ``"disputed"``, ``"demarcated"``, ``"disputed exclave"``."""
    geo, dem = model.geo, model.state.demarcated[0]
    return [("demarcated" if dem[i] else "disputed") + (" exclave" if geo.segment_exclave[i] else "")
            for i in range(geo.n_segments)]


def _outline(status: str) -> tuple[str, str]:
    ls, edge = DEMARCATED if status.startswith("demarcated") else DISPUTED
    return ls, EXCLAVE_EDGE if status.endswith("exclave") else edge


def marker_sizes(population: np.ndarray) -> np.ndarray:
    """Marker areas growing with the square root of population."""
    return SIZE_MIN + (SIZE_MAX - SIZE_MIN) * np.sqrt(population / population.max())


def _segments(ax: Axes, model: BorderModel) -> None:
    geo = model.geo
    levels = model.state.segment_level[0]
    for i, status in enumerate(segment_status(model)):
        inside = geo.segment == i
        lon, lat = geo.lon[inside], geo.lat[inside]
        ls, edge = _outline(status)
        ax.add_patch(Ellipse(
            (lon.mean(), lat.mean()), np.ptp(lon) + 2 * PAD_DEG, np.ptp(lat) + 2 * PAD_DEG,
            facecolor=style.RUNG_CMAP(style.RUNG_NORM(int(levels[i]))), alpha=0.75, edgecolor=edge,
            linestyle=ls, linewidth=1.2, zorder=1))
        if levels[i] >= 1:
            ax.text(lon.mean(), lat.max() + PAD_DEG, str(int(levels[i])), ha="center", va="bottom",
                    fontsize=style.FONT, fontweight="bold", color="#8c2d04", zorder=5)


def _villages(ax: Axes, model: BorderModel) -> None:
    vs = model.villages
    lon = np.array([v.lon for v in vs])
    lat = np.array([v.lat for v in vs])
    pop = np.array([v.population for v in vs], dtype=float)
    side = np.array([v.side for v in vs])
    size = marker_sizes(pop)
    shares = np.array([v.displaced / v.population if v.population else 0.0 for v in vs])
    incident = np.array([v.incident_today for v in vs])
    gunfire = np.array([v.gunfire_today for v in vs])
    shelled = np.array([v.shelled_today for v in vs])
    colours = [style.SIDE_COLOURS[s] for s in side]
    ax.scatter(lon, lat, s=size, c=colours, edgecolors=np.where(incident, "black", "white"),
               linewidths=np.where(incident, 1.6, 0.5), zorder=3)
    shown = shares > 0.005
    ax.scatter(lon[shown], lat[shown], s=size[shown] * np.minimum(shares[shown], 1.0), c="white",
               linewidths=0, zorder=4)
    ax.scatter(lon[gunfire], lat[gunfire], s=40, marker="x", c="black", linewidths=1.2, zorder=5)
    ax.scatter(lon[shelled], lat[shelled], s=90, marker="*", c=style.SHELLED, edgecolors="black",
               linewidths=0.4, zorder=6)
    for v in vs:
        if v.population >= LABEL_POPULATION:
            ax.annotate(v.name, (v.lon, v.lat), xytext=(3, -7), textcoords="offset points",
                        fontsize=style.FONT - 1.5, color="#333333", zorder=7)


def _legend(fig: Figure) -> None:
    def dot(colour, **kw):
        return Line2D([], [], marker="o", linestyle="", markerfacecolor=colour, markersize=7, **kw)

    handles = [dot(style.SIDE_COLOURS[i], markeredgecolor="white", label=f"{SIDE_NAMES[i]} village")
               for i in range(len(SIDES))]
    handles += [
        dot("#bbbbbb", markeredgecolor="black", markeredgewidth=1.6, label="incident today"),
        Line2D([], [], marker="x", linestyle="", color="black", label="gunfire today"),
        Line2D([], [], marker="*", linestyle="", markerfacecolor=style.SHELLED, markeredgecolor="black",
               markersize=9, label="shelled today"),
        dot("#bbbbbb", markeredgecolor="#bbbbbb", label="white core: share displaced"),
    ]
    handles += [Patch(facecolor="none", edgecolor=edge, linestyle=ls, label=label) for label, (ls, edge) in (
        ("demarcated segment", DEMARCATED), ("disputed segment", DISPUTED),
        ("exclave (blue outline)", (DISPUTED[0], EXCLAVE_EDGE)))]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=3,
               fontsize=style.FONT - 0.5, frameon=False, handlelength=1.6, columnspacing=1.0)
    bar = fig.colorbar(ScalarMappable(norm=style.RUNG_NORM, cmap=style.RUNG_CMAP),
                       cax=fig.add_axes((0.25, 0.255, 0.5, 0.025)), orientation="horizontal", ticks=range(7))
    bar.set_label("segment fill: local rung (0 calm … 6 war)", fontsize=style.FONT - 0.5, labelpad=1)
    bar.ax.tick_params(labelsize=style.FONT - 1)


def draw_map(model: BorderModel) -> Figure:
    """The map of the model's current day."""
    fig = style.new_figure(5.0, 3.4)
    ax = fig.add_axes((0.1, 0.42, 0.88, 0.5))
    geo = model.geo
    ax.set_aspect(1.0 / np.cos(np.radians(geo.lat.mean())))
    _segments(ax, model)
    _villages(ax, model)
    ax.set_xlim(geo.lon.min() - 2 * PAD_DEG, geo.lon.max() + 2 * PAD_DEG)
    ax.set_ylim(geo.lat.min() - 2 * PAD_DEG, geo.lat.max() + 3 * PAD_DEG)
    ax.set_xlabel("longitude (°E)", fontsize=style.FONT)
    ax.set_ylabel("latitude (°N)", fontsize=style.FONT)
    ax.tick_params(labelsize=style.FONT - 1)
    cf = " · ceasefire in force" if model.state.ceasefire[0, 0] else ""
    date = getattr(model, "date", None)
    when = f"Day {model.steps}" + (f" ({date:%d %b %Y})" if date else "")
    ax.set_title(f"{when} · dyad at {rung(model.level)}{cf}", fontsize=style.FONT + 1)
    _legend(fig)
    return fig
