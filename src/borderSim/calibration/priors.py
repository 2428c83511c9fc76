"""A calibration file's ``[parameters]``: each fitted parameter with its prior, inside the schema's range.

A prior is ``uniform`` or ``loguniform`` between ``low`` and ``high``, or a literature prior (``normal`` with ``mean``
and ``sd``, ``beta`` with ``a`` and ``b``) with its ``source``; normal priors are truncated to the schema's range
(``borderSim.schema.spec(name)``), beta priors span it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from borderSim import schema
from borderSim.common.errors import InputError
from borderSim.common.tomlcheck import is_number, known_keys, nearest

PRIORS = {"uniform": ("low", "high"), "loguniform": ("low", "high"), "normal": ("mean", "sd"),
          "beta": ("a", "b")}
LITERATURE = ("normal", "beta")


@dataclass(frozen=True)
class Prior:
    """A fitted parameter's prior, inside the schema's range."""

    name: str
    kind: str
    args: dict[str, float]
    source: str = ""

    @property
    def spec(self):
        return schema.spec(self.name)

    @property
    def integer(self) -> bool:
        return self.spec.type is int

    def scipy(self):
        """The prior as a frozen scipy.stats distribution (support inside the schema's range)."""
        from scipy import stats

        a = self.args
        lo, hi = self.support
        if self.kind == "uniform":
            return stats.uniform(a["low"], a["high"] - a["low"])
        if self.kind == "loguniform":
            return stats.loguniform(a["low"], a["high"])
        if self.kind == "normal":
            return stats.truncnorm((lo - a["mean"]) / a["sd"], (hi - a["mean"]) / a["sd"], loc=a["mean"],
                                   scale=a["sd"])
        return stats.beta(a["a"], a["b"], loc=lo, scale=hi - lo)

    def elfi_args(self) -> tuple[str, tuple]:
        """The scipy distribution's name and arguments, as elfi.Prior takes them."""
        a = self.args
        lo, hi = self.support
        if self.kind == "uniform":
            return "uniform", (a["low"], a["high"] - a["low"])
        if self.kind == "loguniform":
            return "loguniform", (a["low"], a["high"])
        if self.kind == "normal":
            return "truncnorm", ((lo - a["mean"]) / a["sd"], (hi - a["mean"]) / a["sd"], a["mean"], a["sd"])
        return "beta", (a["a"], a["b"], lo, hi - lo)

    @property
    def support(self) -> tuple[float, float]:
        if self.kind in ("uniform", "loguniform"):
            return float(self.args["low"]), float(self.args["high"])
        s = self.spec
        return float(s.ge), float(s.le)

    def describe(self) -> str:
        args = ", ".join(f"{k} = {v:g}" for k, v in self.args.items())
        return f"{self.kind}({args})" + (f" [{self.source}]" if self.source else "")


def read_prior(name: str, value, where: str) -> Prior:
    key = f"parameters.{name}"
    schema.TABLE.check_names([name], f"{where}: parameters")
    spec = schema.spec(name)
    if not spec.batch or spec.choices is not None or spec.type not in (int, float):
        raise InputError(where, key, f"is a {spec.type_name if spec.batch else 'run control'}; only numeric model "
                         "parameters can be calibrated")
    if not isinstance(value, dict):
        raise InputError(where, key, "expected a prior, like { prior = \"uniform\", low = 0.1, high = 0.5 }")
    kind = value.get("prior", "uniform")
    if kind not in PRIORS:
        raise InputError(where, f"{key}.prior", f"{kind!r} is not allowed{nearest(str(kind), list(PRIORS))}; "
                         f"expected one of {', '.join(PRIORS)}")
    need = PRIORS[kind]
    known_keys(value, ("prior", *need, "source"), where, f"{key}.")
    for k in need:
        if not is_number(value.get(k)):
            raise InputError(where, f"{key}.{k}", f"missing or not a number; a {kind} prior needs {' and '.join(need)}")
    args = {k: float(value[k]) for k in need}
    source = value.get("source", "")
    if not isinstance(source, str):
        raise InputError(where, f"{key}.source", "must be text naming where the prior comes from")
    lo, hi = spec.ge, spec.le
    allowed = spec.allowed()
    if kind in ("uniform", "loguniform"):
        if not args["low"] < args["high"]:
            raise InputError(where, key, f"low {args['low']:g} must be below high {args['high']:g}")
        if (lo is not None and args["low"] < lo) or (hi is not None and args["high"] > hi):
            raise InputError(where, key, f"prior {args['low']:g}..{args['high']:g} is outside the schema's range; "
                             f"expected {allowed}")
        if kind == "loguniform" and args["low"] <= 0:
            raise InputError(where, key, f"a loguniform prior needs low > 0 (got {args['low']:g})")
    else:
        if kind in LITERATURE and not source.strip():
            raise InputError(where, f"{key}.source", f"a {kind} prior is a literature prior: name its source")
        if lo is None or hi is None:
            raise InputError(where, key, f"has no bounded range in the schema; give a uniform prior inside {allowed}")
        if kind == "normal":
            if args["sd"] <= 0:
                raise InputError(where, f"{key}.sd", f"{args['sd']:g} is not allowed; expected a positive number")
            if not lo <= args["mean"] <= hi:
                raise InputError(where, f"{key}.mean", f"{args['mean']:g} is outside the schema's range; expected "
                                 f"{allowed} (the prior is truncated to it)")
        elif args["a"] <= 0 or args["b"] <= 0:
            raise InputError(where, key, "a beta prior needs a > 0 and b > 0 (it spans the schema's range)")
    return Prior(name, kind, args, source.strip())


def values_inside(priors: tuple[Prior, ...], values: np.ndarray) -> np.ndarray:
    """Rows of ``values`` (n, d) inside every prior's support (ELFI's proposals stay inside already)."""
    ok = np.ones(len(values), dtype=bool)
    for j, p in enumerate(priors):
        lo, hi = p.support
        ok &= (values[:, j] >= lo) & (values[:, j] <= hi)
    return ok


def as_parameter_values(priors: tuple[Prior, ...], values: np.ndarray) -> dict[str, np.ndarray]:
    """Per-row parameter values from an (n, d) array; integer parameters rounded."""
    out: dict[str, Any] = {}
    for j, p in enumerate(priors):
        col = values[:, j]
        out[p.name] = np.rint(col).astype(np.int64) if p.integer else col.astype(np.float64)
    return out
