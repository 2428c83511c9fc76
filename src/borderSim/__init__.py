"""borderSim: agent-based simulation of armed escalation on the Kyrgyz–Tajik border.

The package is layered, each layer importing only those before it, and its folders are the layers
(``docs/architecture.md`` lists every module; ``tests/test_layers.py`` checks it): :mod:`borderSim.common` (the
input error, TOML checking) and :mod:`borderSim.inputs` (geography, bibliography) → :mod:`borderSim.schema`
(parameters, scenarios, the parameter tables) → :mod:`borderSim.rules` (pure functions over batch arrays) →
:mod:`borderSim.outputs` → the engines (:mod:`borderSim.core`, vectorised, and :mod:`borderSim.model`, Mesa agents)
→ :mod:`borderSim.run` and :mod:`borderSim.viz` → :mod:`borderSim.experiments` → :mod:`borderSim.calibration` and
:mod:`borderSim.optimize` → :mod:`borderSim.bench` → :mod:`borderSim.cli`.
"""

from importlib.metadata import PackageNotFoundError, version

from borderSim.schema import Parameters
from borderSim.schema.scenarios import Scenario, load_scenario

try:
    __version__ = version("borderSim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["Parameters", "Scenario", "__version__", "load_scenario"]
