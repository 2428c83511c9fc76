"""The page's inputs, generated from the parameter schema.

Mesa's ``SolaraViz`` passes every input to the model class as a keyword argument, and keyword names
cannot contain dots, so ``russia.bias`` travels as ``russia__bias``. Each input takes its range,
step and label from :func:`borderSim.schema.spec` and its starting value from the chosen scenario;
no range is written here.
"""

from __future__ import annotations

import math
from typing import Any

from borderSim import schema
from borderSim.schema import Parameters

#: The parameters offered on the page: third-party postures and the main structural levers.
MAIN_PARAMETERS: tuple[str, ...] = (
    "russia.bias",
    "russia.attention",
    "russia.mediation_propensity",
    "china.pressure_propensity",
    "osce.willingness",
    "eu.willingness",
    "us.willingness",
    "us.style",
    "us.security_assistance",
    "border.demarcated_share",
    "tajikistan.succession_effect",
    "kyrgyzstan.civil_society",
)

SEP = "__"


def kwarg_name(name: str) -> str:
    """``russia.bias`` -> ``russia__bias`` (a keyword a model constructor can take)."""
    return name.replace(".", SEP, 1)


def param_name(kwarg: str) -> str:
    """``russia__bias`` -> ``russia.bias``."""
    return kwarg.replace(SEP, ".", 1)


def slider_step(lo: float, hi: float) -> float:
    """A round step giving at least 100 positions over ``[lo, hi]`` (0.01 on 0-1, 0.1 on -5..5)."""
    return 10.0 ** math.floor(math.log10((hi - lo) / 100.0))


def user_input(name: str, value: Any) -> dict[str, Any]:
    """The ``SolaraViz`` input for parameter ``name`` starting at ``value``, from its schema entry."""
    s = schema.spec(name)
    label = f"{s.name} [{s.unit}]"
    if s.choices is not None and s.type is not bool:
        return {"type": "Select", "value": value, "values": list(s.choices), "label": label}
    if s.type is bool:
        return {"type": "Checkbox", "value": bool(value), "label": label}
    if s.ge is None or s.le is None:
        raise ValueError(f"{name} has no range in the schema; it cannot be a slider")
    if s.type is int:
        return {"type": "SliderInt", "value": int(value), "min": int(s.ge), "max": int(s.le), "step": 1,
                "label": label}
    return {"type": "SliderFloat", "value": float(value), "min": float(s.ge), "max": float(s.le),
            "step": slider_step(float(s.ge), float(s.le)), "label": label}


def model_params(scenario: str, params: Parameters, seed: int) -> dict[str, Any]:
    """``SolaraViz``'s ``model_params``: the scenario (fixed), the seed and one input per main parameter."""
    out: dict[str, Any] = {
        "scenario_name": scenario,
        "seed": {"type": "InputText", "value": str(seed), "label": "Seed (press Reset to apply)"},
    }
    for name in MAIN_PARAMETERS:
        out[kwarg_name(name)] = user_input(name, params.get(name))
    return out


def initial_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments ``SolaraViz`` will pass on Reset before any input is touched."""
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}


def coerce(name: str, value: Any) -> Any:
    """A value from the browser in the schema's type (sliders may send 1 for 1.0); unknown names pass through
    (the parameter update reports them)."""
    try:
        s = schema.spec(name)
    except KeyError:
        return value
    if s.type is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if s.type is int and isinstance(value, float) and value.is_integer():
        return int(value)
    return value
