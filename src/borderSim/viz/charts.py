"""The charts' data: the replicate's daily values, sent to the page a day at a time and appended there
(``charts.vue`` draws them as SVG), and what is drawn once per model (the horizon, colours, and the
bands of the replicates of the same scenario from :mod:`borderSim.viz.ensemble`).

Four panels sharing the day axis, over the scenario's horizon: the escalation ladder (with ceasefires
shaded), deaths and displaced by side, and each government's legitimacy with Kyrgyz protest pressure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from borderSim.inputs.geography import SIDE_NAMES, SIDES
from borderSim.outputs import palette

if TYPE_CHECKING:
    from borderSim.model.model import BorderModel
    from borderSim.viz.ensemble import Ensemble

#: the columns of a day's row, in order
COLUMNS = ("level", "ceasefire", *(f"deaths[{s}]" for s in SIDES), *(f"deaths_civilian[{s}]" for s in SIDES),
           *(f"displaced[{s}]" for s in SIDES), *(f"legitimacy[{s}]" for s in SIDES), "protest_pressure")


def _value(recorded: dict[str, list[float]], name: str, day: int) -> float:
    if name.startswith("deaths["):
        side = name[7:9]
        return recorded[f"deaths_civilian[{side}]"][day] + recorded[f"deaths_military[{side}]"][day]
    return recorded[name][day]


def rows(model: BorderModel, start: int, stop: int) -> list[list[float]]:
    """The rows of days ``start`` .. ``stop - 1`` (``COLUMNS``), read from the model's DataCollector; fewer if
    it does not hold them yet (a re-render from the replicates' thread can fall inside a step: the browser
    then finds a gap at the next tail and asks for a resync)."""
    recorded = model.datacollector.model_vars
    stop = min(stop, len(recorded["level"]))
    return [[round(float(_value(recorded, c, d)), 4) for c in COLUMNS] for d in range(start, stop)]


def statics(model: BorderModel, ensemble: Ensemble | None, replicates: int) -> dict:
    """What the charts draw once per model (JSON-ready); ``ensemble`` None while it is being run."""
    p = model.params
    return {"horizon": p.simulation.days, "start": f"{p.simulation.start_date:%d %b %Y}", "columns": list(COLUMNS),
            "codes": list(SIDES), "sides": list(SIDE_NAMES), "protest_threshold": p.kyrgyzstan.protest_threshold,
            "replicates": replicates, "ensemble": None if ensemble is None else ensemble.bands(),
            "colours": {"sides": list(palette.SIDE_COLOURS), "tints": list(palette.SIDE_TINTS),
                        "rungs": list(palette.RUNG_COLOURS), "ceasefire": palette.CEASEFIRE}}
