"""The borderSim page: Mesa's ``SolaraViz`` controls around the border model, a scenario selector, and
the page's own panels (:func:`borderSim.viz.panels.Dashboard`).

Run it with ``borderSim viz [SCENARIO]`` or ``solara run src/borderSim/viz/app.py`` (module-level
``page``). Selecting a scenario restarts the page on that scenario's parameters and seed (the seed
given on the command line, if any, is kept); the sliders, the seed and SolaraViz's Step / ▶ / Reset
act on the model as in any Mesa app (moved sliders take effect on Reset). The model lives in a
reactive value the page owns and hands to ``SolaraViz``: Mesa's controls step and replace it, and the
page lays out its panels itself (a wide map; Mesa's grid would give it half the width).
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from borderSim.schema.scenarios import load_scenario
from borderSim.viz import controls, panels
from borderSim.viz.launch import Launch
from borderSim.viz.model import VizModel

TITLE = "borderSim · Kyrgyz–Tajik border"
PLAY_INTERVAL = 191   # ms between days while playing (a value of Mesa's slider): with a day's work, about 4 a second

#: Slider labels on their own line, values in a small tag under the thumb (never over the label above);
#: Mesa's "Use Threads" switch (the only checkbox in the card with the buttons) is hidden: it means nothing here.
CSS = """
.v-navigation-drawer .v-card:has(button) .v-input--checkbox { display: none; }
.v-navigation-drawer .v-input__slider .v-input__slot { flex-wrap: wrap; padding-bottom: 18px; }
.v-navigation-drawer .v-input__slider .v-input__slot > .v-label { flex: 0 0 100%; margin-bottom: 2px;
  white-space: normal; }
.v-navigation-drawer .v-slider__thumb-label-container { display: block !important; }
.v-navigation-drawer .v-slider__thumb-label { transform: translate(-50%, 30px) !important; border-radius: 3px;
  width: auto !important; min-width: 24px; height: 18px !important; padding: 0 4px; font-size: 11px; }
.v-navigation-drawer .v-slider__thumb-label > * { transform: none !important; }
.bs-panel { padding: 8px 10px; height: 100%; }
"""


def model_class(scenario: str, seed: int) -> type[VizModel]:
    """``VizModel`` whose defaults are this scenario and seed.

    Mesa's Reset builds ``type(model)(**inputs)``; after the page restarts on another scenario those
    inputs can be empty (Mesa sets them in a mount-only effect), which made Reset run ``baseline``.
    With the scenario and seed as the class's defaults, Reset builds the scenario shown whatever
    Mesa passes; inputs that are passed (moved sliders, a typed seed) still override them.
    """

    class ScenarioModel(VizModel):
        def __init__(self, scenario_name: str = scenario, seed=seed, **kwargs):
            super().__init__(scenario_name, seed, **kwargs)

    ScenarioModel.__name__ = ScenarioModel.__qualname__ = "VizModel"
    return ScenarioModel


@solara.component
def ScenarioView(scenario: str, params_of_scenario, seed: int):
    """SolaraViz's controls and the page's panels for one scenario (remounted when the scenario changes)."""
    params = solara.use_memo(lambda: controls.model_params(scenario, params_of_scenario, seed), [])
    cls = solara.use_memo(lambda: model_class(scenario, seed), [])
    model = solara.use_reactive(solara.use_memo(lambda: cls(**controls.initial_kwargs(params)), []))
    SolaraViz(model, components=[], model_params=params, name=TITLE, play_interval=PLAY_INTERVAL)
    panels.Dashboard(model.value)


@solara.component
def Page():
    """The whole page for one browser session."""
    launch = solara.use_memo(Launch.from_env, [])
    scenario = solara.use_reactive(launch.scenario)
    chosen = solara.use_memo(lambda: load_scenario(scenario.value), [scenario.value])
    seed = chosen.params.simulation.seed if launch.seed is None else launch.seed
    solara.Style(CSS)
    with solara.Sidebar():
        panels.ScenarioPicker(scenario, launch.options, chosen.description)
    ScenarioView(scenario.value, chosen.params, seed).key(f"viz-{scenario.value}")


page = Page()
