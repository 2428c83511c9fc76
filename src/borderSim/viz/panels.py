"""The page's panels as Solara components, and the list handed to ``SolaraViz``.

Mesa re-renders a panel after every step only when it is given as a plain function of the model, so
:data:`COMPONENTS` holds small functions that pass the model and its day on to the components.
Elements the browser test looks for carry ``bs-*`` CSS classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import reacton.ipywidgets as rw
import solara

from borderSim.geography import SIDE_NAMES, SIDES
from borderSim.rules.ladder import Move
from borderSim.viz import style
from borderSim.viz.charts import draw_charts
from borderSim.viz.events import log_lines, rung, status
from borderSim.viz.map import draw_map

if TYPE_CHECKING:
    from borderSim.viz.model import VizModel

EVENT_LINES = 200  # newest lines shown in the log
CELL = {"padding": "1px 8px", "text-align": "right"}


def _figure(draw, model: VizModel, day: int, css: str):
    """A matplotlib drawing of the model as an image scaled to its panel, redrawn once per day."""
    data = solara.use_memo(lambda: style.png(draw(model)), [model, day])
    return rw.Image(value=data, format="png", layout={"max_width": "100%", "height": "auto"},
                    _dom_classes=["bs-figure", css])


@solara.component
def MapPanel(model: VizModel, day: int):
    """The border map of the current day."""
    _figure(draw_map, model, day, "bs-map")


@solara.component
def ChartsPanel(model: VizModel, day: int):
    """Ladder, deaths, displaced, legitimacy and protest up to the current day."""
    _figure(draw_charts, model, day, "bs-charts")


def _row(label: str, values: list[str], key: str | None = None):
    cells = [solara.v.Html(tag="th", children=[label], style_="text-align: left; font-weight: normal")]
    for code, value in zip(SIDES, values, strict=True):
        css = f"bs-{key}-{code}" if key else ""
        cells.append(solara.v.Html(tag="td", children=[value], class_=css, style_=_css(CELL)))
    return solara.v.Html(tag="tr", children=cells)


def _css(d: dict[str, str]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in d.items())


@solara.component
def StatusPanel(model: VizModel, day: int):
    """Day, rung, ceasefire, each side's toll and standing, and what the third parties are doing."""
    s = model.state
    deaths = s.deaths_civilian[0] + s.deaths_military[0]
    with solara.Column(gap="4px", style={"padding": "8px", "font-size": "13px"}):
        if model.notice:
            solara.Warning(model.notice, classes=["bs-notice"], dense=True)
        solara.Text(f"Day {day} · {model.date:%d %b %Y}", classes=["bs-day"],
                    style={"font-size": "20px", "font-weight": "500"})
        if day >= model.horizon:
            solara.Text(f"End of the scenario's horizon ({model.horizon} days): press Reset to start again.",
                        classes=["bs-horizon"])
        solara.Text(f"Dyad at {rung(model.level)}", classes=["bs-level", "font-weight-bold"])
        cf = f"in force (strength {float(s.cf_strength[0, 0]):.2f})" if s.ceasefire[0, 0] else "none"
        solara.Text(f"Ceasefire: {cf} · border demarcated: {_share(model):.0%} of its length")
        head = solara.v.Html(tag="tr", children=[solara.v.Html(tag="th", children=[""])] + [
            solara.v.Html(tag="th", children=[name], style_=_css(CELL)) for name in SIDE_NAMES])
        solara.v.Html(tag="table", style_="border-collapse: collapse", children=[
            head,
            _row("deaths (persons, civilian + military)", [f"{int(d):,}" for d in deaths], "deaths"),
            _row("  of them civilians", [f"{int(d):,}" for d in s.deaths_civilian[0]]),
            _row("displaced now (persons)", [f"{int(d):,}" for d in s.displaced_now[0]], "displaced"),
            _row("homes destroyed", [f"{int(d):,}" for d in s.homes_destroyed[0]]),
            _row("legitimacy (index 0–1)", [f"{x:.3f}" for x in s.legitimacy[0]], "legitimacy"),
            _row("today's move", [_move(int(m)) for m in s.move[0]]),
        ])
        k = model.params.kyrgyzstan
        solara.Text(f"Kyrgyz protest pressure: {float(s.protest[0, 0]):.2f} (wave at {k.protest_threshold:.2f}) · "
                    f"Tajik succession consolidation: {float(s.succession[0, 0]):.2f}",
                    classes=["bs-protest"])
        solara.Text(status(model), classes=["bs-third-parties"])
        solara.Text(f"Scenario {model.scenario_name} · seed {model.seed}", classes=["bs-scenario"])
        if model.changed:
            solara.Text("Changed from the scenario: " + ", ".join(
                f"{name} {old} → {new}" for name, (old, new) in model.changed.items()), classes=["bs-changed"])


def _share(model: VizModel) -> float:
    return float(model.geo.demarcated_share(model.state.demarcated[0]))


def _move(m: int) -> str:
    return {Move.DOWN: "step down", Move.HOLD: "hold", Move.UP: "escalate"}[m]


@solara.component
def EventLogPanel(model: VizModel, day: int):
    """What the actors did, newest first."""
    lines = log_lines(model.events, EVENT_LINES)
    with solara.Column(gap="2px", style={"padding": "8px", "font-size": "12px"}):
        solara.Text(f"Event log ({len(model.events)} days with events; newest first)",
                    classes=["font-weight-bold"])
        with solara.Div(classes=["bs-events"], style={"max-height": "330px", "overflow-y": "auto"}):
            if not lines:
                solara.Text("Nothing yet: press Step or ▶.")
            for line in lines:
                solara.v.Html(tag="div", children=[line], class_="bs-event")


@solara.component
def ScenarioPicker(scenario: solara.Reactive[str], options: tuple[str, ...], description: str):
    """Choose a scenario; the page restarts with its parameters."""
    with solara.Card("Scenario"):
        solara.Select(label="Scenario (restarts with its parameters)", values=list(options), value=scenario)
        solara.Text(description, style={"font-size": "12px"})


def _panel(component):
    def panel(model: VizModel):
        return component(model, model.steps)

    return panel


#: ``SolaraViz`` components: status and event log beside the map and the charts.
COMPONENTS = [_panel(MapPanel), _panel(ChartsPanel), _panel(StatusPanel), _panel(EventLogPanel)]
