"""borderSim: agent-based simulation of armed escalation on the Kyrgyz–Tajik border.

The package is layered: :mod:`borderSim.schema` (parameters) → :mod:`borderSim.rules` (pure functions
over batch arrays) → the engines (:mod:`borderSim.model`, Mesa agents; :mod:`borderSim.core`, the
vectorised core) → :mod:`borderSim.runner` and :mod:`borderSim.outputs` → the CLI and the viz.
"""

from importlib.metadata import PackageNotFoundError, version

from borderSim.scenarios import Scenario, load_scenario
from borderSim.schema import Parameters

try:
    __version__ = version("borderSim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["Parameters", "Scenario", "__version__", "load_scenario"]
