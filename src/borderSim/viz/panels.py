"""The page's panels as Solara components.

The map, the charts and the event log are drawn in the browser (Vue templates ``map.vue``,
``charts.vue``, ``log.vue``): what does not change (the border, villages, the key, the axes, the bands of
the replicates of the same scenario) is sent once per model, and each day sends only what changed: the
map's state of the day and the charts' and the log's new rows, which the browser appends. Elements the
tests look for carry ``bs-*`` CSS classes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import solara

from borderSim.inputs.geography import SIDE_NAMES, SIDES
from borderSim.rules.ladder import Move
from borderSim.viz import charts, ensemble, events
from borderSim.viz.events import rung, status
from borderSim.viz.map import day_state, geometry

if TYPE_CHECKING:
    from borderSim.viz.model import VizModel

CELL = {"padding": "1px 8px", "text-align": "right"}

#: Terms the page uses, explained once (the glossary card and the status panel's hover texts).
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("the two states (dyad)", "Tajikistan and Kyrgyzstan as a pair: the escalation ladder measures their "
     "confrontation as a whole, the segments the fighting at each stretch of the border."),
    ("escalation ladder, rung", "0 routine friction, 1 local incident, 2 border-guard gunfire, 3 militarised "
     "standoff, 4 limited clash, 5 major clash (heavy weapons, many dead, as in April 2021 and September 2022), "
     "6 sustained war."),
    ("episode", "a run of days at rung 3 or above, joined across short lulls."),
    ("escalation though neither government escalated", "at a standoff or a limited clash the ladder can also rise "
     "by itself, when local fighting spirals beyond what either capital chose (border.involuntary_escalation)."),
    ("ceasefire", "agreed bilaterally or through a mediator; it holds until broken or, after "
     "border.ceasefire_durable_days days, counts as durable."),
    ("legitimacy", "each government's domestic standing (index 0-1): what its leaders guard when they escalate "
     "or step down."),
    ("Kyrgyz protest pressure, protest wave", "street pressure on the Kyrgyz government (index 0-1); above the "
     "threshold a protest wave is under way (as in 2005, 2010, 2020)."),
    ("Tajik succession consolidation", "how far the handover of power from Emomali Rahmon to his son is "
     "secured (0 not begun, 1 done); while it is unfinished, the government takes more risk abroad to "
     "consolidate control (tajikistan.succession_effect; the sign is contested)."),
    ("segment, trigger segment", "a stretch of the border and the villages facing it; the trigger segment is "
     "where the scenario's standoff starts."),
    ("demarcated", "agreed and marked on the ground; a disputed segment is more likely to see incidents."),
    ("replicate, seed", "one run of the model: its random draws come from the seed and its replicate index. "
     "The page shows replicate 0 of the seed; the grey bands and the standing lines compare it with replicates "
     "0-199 of the same scenario, seed and inputs."),
)


@solara.component_vue("map.vue")
def MapView(geometry: dict, state: dict):
    """The border map: ``geometry`` drawn once, ``state`` of the current day."""


@solara.component_vue("charts.vue")
def ChartsView(statics: dict, tail: dict, event_resync: Callable[[Any], None] | None = None):
    """The four charts: ``statics`` drawn once, ``tail`` the days not yet sent (appended by the browser)."""


@solara.component_vue("log.vue")
def LogView(tail: dict, event_resync: Callable[[Any], None] | None = None):
    """The event log, newest first; ``tail`` the lines not yet sent (appended by the browser)."""


def use_tail(model: VizModel, total: int, items: Callable[[int, int], list], key: str):
    """``{"run", "from", key: items(from, total)}``: what the browser has not got yet of this model's
    ``total`` items (everything after a new model or a resync), and the callback that asks for a resync."""
    sent = solara.use_ref(None)
    _, bump = solara.use_state(0)
    start = sent.current[1] if sent.current is not None and sent.current[0] == model.run_id else 0
    sent.current = (model.run_id, total)

    def resync(_data=None) -> None:
        sent.current = None
        bump(lambda n: n + 1)

    return {"run": model.run_id, "from": start, key: items(start, total)}, resync


@solara.component
def MapPanel(model: VizModel, day: int):
    """The border map of the current day."""
    geo = solara.use_memo(lambda: geometry(model), [model.run_id])
    MapView(geometry=geo, state=day_state(model))


@solara.component
def ChartsPanel(model: VizModel, day: int, replicates: ensemble.Ensemble | None):
    """Ladder, deaths, displaced, legitimacy and protest up to the current day, over the replicates' bands."""
    statics = solara.use_memo(lambda: charts.statics(model, replicates, ensemble.REPLICATES),
                              [model.run_id, replicates is None])
    tail, resync = use_tail(model, day + 1, lambda a, b: charts.rows(model, a, b), "rows")
    ChartsView(statics=statics, tail=tail, event_resync=resync)


@solara.component
def EventLogPanel(model: VizModel, day: int):
    """What the actors did, newest first."""
    tail, resync = use_tail(model, len(model.events),
                            lambda a, b: [events.line(d, p) for d, p in model.events[a:b]], "lines")
    LogView(tail=tail, event_resync=resync)


def _row(label: str, values: list[str], key: str | None = None, hint: str | None = None):
    cells = [solara.v.Html(tag="th", children=[label], style_="text-align: left; font-weight: normal",
                           attributes={"title": hint} if hint else {})]
    for code, value in zip(SIDES, values, strict=True):
        css = f"bs-{key}-{code}" if key else ""
        cells.append(solara.v.Html(tag="td", children=[value], class_=css, style_=_css(CELL)))
    return solara.v.Html(tag="tr", children=cells)


def _css(d: dict[str, str]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in d.items())


def _share(model: VizModel) -> float:
    return float(model.geo.demarcated_share(model.state.demarcated[0]))


def _move(m: int) -> str:
    return {Move.DOWN: "step down", Move.HOLD: "hold", Move.UP: "escalate"}[m]


def standing_lines(model: VizModel, replicates: ensemble.Ensemble) -> list[str]:
    """Where the page's replicate sits among the replicates of the same scenario, today."""
    s = model.state
    deaths = float((s.deaths_civilian[0] + s.deaths_military[0]).sum())
    displaced = float(s.displaced_now[0].sum())
    first = model.first_major
    st = replicates.standing(model.steps, deaths, displaced, first)
    n = st["n"]
    major = (f"reached on day {first}" if first is not None else "not reached so far")
    return [
        f"Deaths so far, {deaths:,.0f}: {ensemble.sentence(st, 'deaths', 'persons')}.",
        f"Displaced now, {displaced:,.0f}: {ensemble.sentence(st, 'displaced', 'persons')}.",
        f"Major clash (rung 5+) {major}; {st['major_by_today'] * 100:.0f} % of the {n} replicates have had one by "
        f"day {st['day']}, {st['major_by_horizon'] * 100:.0f} % within the scenario's {st['horizon']} days.",
    ]


@solara.component
def StatusPanel(model: VizModel, day: int, replicates: ensemble.Ensemble | None):
    """Day, rung, ceasefire, each side's toll and standing, the third parties, and where this replicate sits
    among the replicates of the same scenario."""
    s = model.state
    deaths = s.deaths_civilian[0] + s.deaths_military[0]
    with solara.Column(gap="4px", style={"padding": "4px 8px", "font-size": "13px"}):
        if model.notice:
            solara.Warning(model.notice, classes=["bs-notice"], dense=True)
        solara.Text(f"Day {day} · {model.date:%d %b %Y}", classes=["bs-day"],
                    style={"font-size": "20px", "font-weight": "500"})
        if day >= model.horizon:
            solara.Text(f"End of the scenario's horizon ({model.horizon} days): press Reset to start again.",
                        classes=["bs-horizon"])
        solara.Text(f"The two states (Tajikistan and Kyrgyzstan) at {rung(model.level)}",
                    classes=["bs-level", "font-weight-bold"])
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
            _row("legitimacy (index 0–1)", [f"{x:.3f}" for x in s.legitimacy[0]], "legitimacy",
                 "the government's domestic standing"),
            _row("today's move", [_move(int(m)) for m in s.move[0]], hint="each government's choice of the day"),
        ])
        k = model.params.kyrgyzstan
        solara.Text(f"Kyrgyz protest pressure: {float(s.protest[0, 0]):.2f} (a protest wave above "
                    f"{k.protest_threshold:.2f}) · Tajik succession secured: {float(s.succession[0, 0]):.2f} "
                    "(0 not begun, 1 done)", classes=["bs-protest"])
        solara.Text(status(model), classes=["bs-third-parties"])
        with solara.Column(gap="3px", classes=["bs-standing"], style={"margin-top": "4px", "line-height": "1.45"}):
            if replicates is None:
                solara.Text(f"Running replicates 0–{ensemble.REPLICATES - 1} of this scenario, seed and inputs to "
                            "show where this one stands…", style={"color": "#777777"})
            else:
                solara.Text(f"Where this run stands: it is replicate 0 of seed {model.seed}; compared with replicates "
                            f"0–{replicates.replicates - 1} of the same scenario, seed and inputs,",
                            style={"font-weight": "500"})
                for text in standing_lines(model, replicates):
                    solara.Text(text, classes=["bs-standing-line"])
        solara.Text(f"Scenario {model.scenario_name} · seed {model.seed}", classes=["bs-scenario"])
        if model.changed:
            solara.Text("Changed from the scenario: " + ", ".join(
                f"{name} {old} → {new}" for name, (old, new) in model.changed.items()), classes=["bs-changed"])


@solara.component
def Glossary():
    """The page's terms, explained."""
    with solara.Div(classes=["bs-glossary"], style={"font-size": "13px", "line-height": "1.45"}):
        solara.Text("What the terms mean", style={"font-weight": "600"})
        for term, text in GLOSSARY:
            solara.v.Html(tag="div", style_="margin-top: 3px", children=[
                solara.v.Html(tag="b", children=[term]), f": {text}"])


@solara.component
def ScenarioPicker(scenario: solara.Reactive[str], options: tuple[str, ...], description: str):
    """Choose a scenario; the page restarts with its parameters."""
    with solara.Card("Scenario"):
        solara.Select(label="Scenario (restarts with its parameters)", values=list(options), value=scenario)
        solara.Text(description, style={"font-size": "12px"})


@solara.component
def Dashboard(model: VizModel):
    """The map across the page; the status beside the charts; the event log and the glossary; re-rendered after
    every step (Mesa's update counter)."""
    from mesa.visualization.utils import update_counter

    update_counter.get()
    # the last day the DataCollector holds, not model.steps: a re-render from the replicates' thread can fall
    # inside a step, after Mesa has counted the new day and before it is collected; the step's own re-render
    # then sees a new day and redraws every panel
    day = min(model.steps, len(model.datacollector.model_vars["level"]) - 1)
    runs = solara.use_thread(lambda: ensemble.run(model.params, model.seed), dependencies=[model.run_id],
                             intrusive_cancel=False)     # no line tracing of the core run (slow); never interrupted
    replicates = runs.value if runs.state == solara.ResultState.FINISHED else None
    with solara.Card(margin=0, classes=["bs-panel"]):
        MapPanel(model, day)
    with solara.Columns([4, 8], gutters_dense=True):
        with solara.Card(margin=0, classes=["bs-panel"]):
            StatusPanel(model, day, replicates)
        with solara.Card(margin=0, classes=["bs-panel"]):
            ChartsPanel(model, day, replicates)
    with solara.Columns([8, 4], gutters_dense=True):
        with solara.Card(margin=0, classes=["bs-panel"]):
            EventLogPanel(model, day)
        with solara.Card(margin=0, classes=["bs-panel"]):
            Glossary()
