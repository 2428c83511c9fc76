"""The borderSim page: Mesa's ``SolaraViz`` around the border model, with a scenario selector.

Run it with ``borderSim viz [SCENARIO]`` or ``solara run src/borderSim/viz/app.py`` (module-level
``page``). Selecting a scenario restarts the page on that scenario's parameters and seed (the seed
given on the command line, if any, is kept); the sliders, the seed and SolaraViz's Step / ▶ / Reset
act on the model as in any Mesa app (moved sliders take effect on Reset).
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from borderSim.scenarios import load_scenario
from borderSim.viz import controls, panels
from borderSim.viz.launch import Launch
from borderSim.viz.model import VizModel

TITLE = "borderSim · Kyrgyz–Tajik border"
PLAY_INTERVAL = 1   # ms between days while playing: drawing a day takes about half a second anyway

#: Slider labels on their own line and values always shown (Mesa's inputs carry long schema names);
#: Mesa's "Use Threads" switch (the only checkbox in the card with the buttons) and its tab bar over a
#: single page are hidden: neither means anything here.
CSS = """
.v-navigation-drawer .v-card:has(button) .v-input--checkbox { display: none; }
.v-tabs-bar { display: none; }
.v-navigation-drawer .v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-navigation-drawer .v-input__slider .v-input__slot > .v-label { flex: 0 0 100%; margin-bottom: 30px; }
.v-navigation-drawer .v-slider__thumb-label-container { display: block !important; }
.v-navigation-drawer .v-slider__thumb-label { transform: translateY(-20%) translateY(-12px) translateX(-50%)
  rotate(45deg) !important; }
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
def Page():
    """The whole page for one browser session."""
    launch = solara.use_memo(Launch.from_env, [])
    scenario = solara.use_reactive(launch.scenario)
    chosen = solara.use_memo(lambda: load_scenario(scenario.value), [scenario.value])
    seed = chosen.params.simulation.seed if launch.seed is None else launch.seed
    params = solara.use_memo(lambda: controls.model_params(scenario.value, chosen.params, seed),
                             [scenario.value])
    cls = solara.use_memo(lambda: model_class(scenario.value, seed), [scenario.value])
    model = solara.use_memo(lambda: cls(**controls.initial_kwargs(params)), [params])
    solara.Style(CSS)
    with solara.Sidebar():
        panels.ScenarioPicker(scenario, launch.options, chosen.description)
    SolaraViz(model, components=panels.COMPONENTS, model_params=params, name=TITLE, play_interval=PLAY_INTERVAL).key(
        f"viz-{scenario.value}")


page = Page()
