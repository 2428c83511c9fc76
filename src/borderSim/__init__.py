"""borderSim: agent-based simulation of armed escalation on the Kyrgyz–Tajik border.

The package is layered, each layer importing only those before it (``docs/architecture.md`` lists every
module; ``tests/test_layers.py`` checks it): foundations (:mod:`~borderSim.errors`,
:mod:`~borderSim.tomlcheck`, :mod:`~borderSim.references`, :mod:`~borderSim.geography`) → parameters
(:mod:`~borderSim.paramspec`, :mod:`~borderSim.schema`, :mod:`~borderSim.scenarios`, :mod:`~borderSim.paramdocs`)
→ :mod:`borderSim.rules` (pure functions over batch arrays) → :mod:`borderSim.outputs` → the engines
(:mod:`borderSim.core`, vectorised, and :mod:`borderSim.model`, Mesa agents) → :mod:`borderSim.runner` and
:mod:`borderSim.viz` → :mod:`borderSim.experiments` → :mod:`borderSim.calibration` and
:mod:`borderSim.optimize` → :mod:`borderSim.bench` → :mod:`borderSim.cli`.
"""

from importlib.metadata import PackageNotFoundError, version

from borderSim.scenarios import Scenario, load_scenario
from borderSim.schema import Parameters

try:
    __version__ = version("borderSim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["Parameters", "Scenario", "__version__", "load_scenario"]
