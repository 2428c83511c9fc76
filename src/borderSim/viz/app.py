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

#: Slider labels on their own line and values always shown (Mesa's inputs carry long schema names).
CSS = """
.v-navigation-drawer .v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-navigation-drawer .v-input__slider .v-input__slot > .v-label { flex: 0 0 100%; margin-bottom: 30px; }
.v-navigation-drawer .v-slider__thumb-label-container { display: block !important; }
.v-navigation-drawer .v-slider__thumb-label { transform: translateY(-20%) translateY(-12px) translateX(-50%)
  rotate(45deg) !important; }
"""


@solara.component
def Page():
    """The whole page for one browser session."""
    launch = solara.use_memo(Launch.from_env, [])
    scenario = solara.use_reactive(launch.scenario)
    chosen = solara.use_memo(lambda: load_scenario(scenario.value), [scenario.value])
    seed = chosen.params.simulation.seed if launch.seed is None else launch.seed
    params = solara.use_memo(lambda: controls.model_params(scenario.value, chosen.params, seed),
                             [scenario.value])
    model = solara.use_memo(lambda: VizModel(**controls.initial_kwargs(params)), [params])
    solara.Style(CSS)
    with solara.Sidebar():
        panels.ScenarioPicker(scenario, launch.options, chosen.description)
    SolaraViz(model, components=panels.COMPONENTS, model_params=params, name=TITLE).key(
        f"viz-{scenario.value}")


page = Page()
