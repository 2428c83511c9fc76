"""Experiment files and their designs: scenarios x parameter axes -> design points.

An experiment file (TOML) names scenarios and/or parameter axes on top of them, a design, the
replicates, days and seed, and what to keep (see docs/experiments.md)::

    description = "Western willingness x the day offers start"
    scenarios = ["baseline"]
    replicates = 500
    days = 730

    [design]
    kind = "grid"                         # grid | lhs | sobol | morris

    [axes]
    "eu.willingness" = [0.1, 0.3, 0.6]
    "eu.delay_days" = [0, 7, 30]

The problem (SALib's word: the axes' names and bounds) comes from the schema's specs; ranges must lie
inside the schema's bounds. Sampling is done by the samplers of :mod:`borderSim.experiments.design.samplers`
(scipy's Latin hypercube, SALib's Saltelli scheme and Morris trajectories); this module only checks, crosses
and labels. Every problem is an :class:`~borderSim.common.errors.InputError` naming the file and key.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from borderSim import schema
from borderSim.common.errors import InputError
from borderSim.common.tomlcheck import file_description, known_keys, nearest, read_toml, whole
from borderSim.experiments.design.samplers import KINDS, SAMPLERS, sampler_names
from borderSim.inputs.geography import load_geography
from borderSim.outputs import variables
from borderSim.schema import Parameters
from borderSim.schema.paramspec import ParamSpec
from borderSim.schema.scenarios import Scenario, load_scenario, referenced

TOP_LEVEL = ("description", "scenarios", "reference", "replicates", "days", "seed", "chunk_rows", "design",
             "axes", "keep")
DESIGN_KEYS = ("kind", "samples", "seed", "levels")
KEEP_KEYS = ("quantiles", "probabilities", "series", "series_replicates")
DEFAULT_PROBABILITIES = (0.05, 0.25, 0.5, 0.75, 0.95)
DEFAULT_CHUNK_ROWS = 2000
MAX_POINTS = 1_000_000


@dataclass(frozen=True)
class Axis:
    """One varying parameter: explicit values (``grid``) or a ``low``-``high`` range (sampled)."""

    name: str
    grid: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None

    @property
    def spec(self) -> ParamSpec:
        return schema.spec(self.name)


@dataclass(frozen=True)
class Keep:
    """What is kept besides per-replicate summaries (which always are)."""

    quantiles: tuple[str, ...] = ()          # series names: daily quantiles (and mean) per design point
    probabilities: tuple[float, ...] = DEFAULT_PROBABILITIES
    series: tuple[str, ...] = ()             # series names: per-replicate daily values
    series_replicates: int | None = None     # ... of replicates below this index only


@dataclass(frozen=True)
class Experiment:
    name: str
    description: str
    path: Path | None
    text: str
    scenarios: tuple[Scenario, ...]
    axes: tuple[Axis, ...]
    kind: str
    samples: int | None
    design_seed: int
    levels: int
    replicates: int
    days: int
    seed: int
    reference: str | None
    chunk_rows: int
    keep: Keep = field(default_factory=Keep)


@dataclass
class Design:
    """The resolved design: one row per point, with every parameter that differs between points."""

    experiment: Experiment
    points: pd.DataFrame                 # point, label, scenario, then the varying parameters
    base: Parameters                     # the parameters every point shares except the varying ones
    varying: tuple[str, ...]
    #: per point, its scenario and the axes (an optimisation's levers) it sets: what it declares on purpose
    sources: tuple[tuple[Scenario, frozenset[str]], ...] = ()
    posterior: Any = None                # a Posterior (experiments.evaluate.posterior): replicates draw from it

    @property
    def n_points(self) -> int:
        return len(self.points)

    def values_all(self) -> dict[str, np.ndarray]:
        """Each varying parameter's value at every point, in point order."""
        return {name: self.points[name].to_numpy() for name in self.varying}

    def values(self, points: np.ndarray) -> dict[str, np.ndarray]:
        """Per-row values of the varying parameters for rows of the given point indices."""
        return {name: v[points] for name, v in self.values_all().items()}

    def params(self, point: int) -> Parameters:
        """The validated parameters of one point (slow: for reports and checks, not for running)."""
        row = self.points.iloc[point]
        return self.base.with_updates({k: _python(row[k]) for k in self.varying})

    def posterior_keeps(self) -> dict[str, np.ndarray]:
        """Per point, for each posterior parameter: does the point declare its own value, which the posterior
        draw then leaves alone? (:meth:`~borderSim.experiments.evaluate.posterior.Posterior.kept`)"""
        return self.posterior.kept(self.sources)

    def problem(self) -> dict:
        """SALib's problem: the sampled axes' names and bounds."""
        axes = [a for a in self.experiment.axes if a.low is not None]
        return {"num_vars": len(axes), "names": [a.name for a in axes], "bounds": [[a.low, a.high] for a in axes]}

    def digest(self) -> str:
        """Hash of everything that determines the results (not how they are chunked or executed)."""
        e = self.experiment
        payload = {"base": {k: str(v) for k, v in self.base.flat().items()}, "varying": list(self.varying),
                   "points": self.points.astype(str).to_dict(orient="list"), "replicates": e.replicates,
                   "days": e.days, "seed": e.seed, "keep": [list(e.keep.quantiles), list(e.keep.probabilities),
                                                            list(e.keep.series), e.keep.series_replicates]}
        if self.posterior is not None:
            payload["posterior"] = self.posterior.sha256
            payload["posterior_keeps"] = {k: v.tolist() for k, v in self.posterior_keeps().items()}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _python(v):
    return v.item() if isinstance(v, np.generic) else v


# -- reading ----------------------------------------------------------------------------------------
def _names(value, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(where, key, "must be a list of names, like [\"level\", \"deaths_civilian\"]")
    return tuple(value)


def _series(names: tuple[str, ...], where: str, key: str) -> tuple[str, ...]:
    """Series names from variable names (``deaths_civilian`` -> both sides) or series names."""
    all_series = variables.series_names(load_geography())
    out: list[str] = []
    for n in names:
        hits = [s for s in all_series if s == n or s.split("[")[0] == n]
        if not hits:
            allowed = ", ".join(v.name for v in variables.VARIABLES)
            raise InputError(where, f"{key}: {n}", f"unknown series{nearest(n, all_series)}; variables are {allowed}")
        out += [h for h in hits if h not in out]
    return tuple(out)


def read_experiment(path: Path | str) -> Experiment:
    """Read and check an experiment file."""
    path = Path(path)
    where = str(path)
    data = read_toml(path, where, "experiment file")
    known_keys(data, TOP_LEVEL, where)
    description = file_description(data, where, "every experiment")

    refs = data.get("scenarios", ["baseline"])
    if isinstance(refs, str):
        refs = [refs]
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        raise InputError(where, "scenarios", "must be a non-empty list of scenario names or files")
    scenarios = tuple(_scenario(r, path, where) for r in refs)
    if len({s.name for s in scenarios}) < len(scenarios):
        raise InputError(where, "scenarios", "names a scenario twice")
    reference = data.get("reference")
    if reference is not None and not isinstance(reference, str):
        raise InputError(where, "reference", "must be the name of a scenario")

    design = data.get("design", {})
    if not isinstance(design, dict):
        raise InputError(where, "design", "must be a table, like [design] kind = \"grid\"")
    known_keys(design, DESIGN_KEYS, where, "design.")
    kind = design.get("kind", "grid")
    if kind not in KINDS:
        raise InputError(where, "design.kind", f"{kind!r} is not allowed; expected one of {', '.join(KINDS)}")
    axes = _axes(data.get("axes", {}), where, kind)
    samples = None
    if kind != "grid":
        samples = whole(design, "samples", f"{where}: design", 0, 1, MAX_POINTS)
        if SAMPLERS[kind].power_of_two and samples & (samples - 1):
            raise InputError(where, "design.samples", f"{samples} is not allowed; a Sobol (Saltelli) design needs a "
                             "power of two, like 64, 128 or 256")
        if not axes:
            raise InputError(where, "axes", f"a {kind} design needs at least one axis with a range")
        if len(scenarios) > 1 and SAMPLERS[kind].one_scenario:
            raise InputError(where, "scenarios", f"a {kind} design varies one base scenario; name only one")
    elif "samples" in design:
        raise InputError(where, "design.samples", f"only for {sampler_names()} designs; a grid takes every value")

    base = scenarios[0].params.simulation
    keep = _keep(data.get("keep", {}), where)
    _check_size(axes, kind, samples, scenarios, reference, where)
    exp = Experiment(
        name=path.stem, description=description, path=path.resolve(), text=path.read_text(encoding="utf-8"),
        scenarios=scenarios,
        axes=axes, kind=kind, samples=samples, design_seed=whole(design, "seed", f"{where}: design", 1, 0, 2**32 - 1),
        levels=whole(design, "levels", f"{where}: design", 4, 2, 100),
        replicates=whole(data, "replicates", where, base.replicates, 1, 10_000_000),
        days=whole(data, "days", where, base.days, 1, 36_500),
        seed=whole(data, "seed", where, base.seed, 0, 2**63 - 1), reference=reference,
        chunk_rows=whole(data, "chunk_rows", where, DEFAULT_CHUNK_ROWS, 1, 1_000_000), keep=keep)
    if keep.series_replicates is not None and keep.series_replicates > exp.replicates:
        raise InputError(where, "keep.series_replicates", f"{keep.series_replicates} is more than the "
                         f"{exp.replicates} replicates")
    return exp


def _check_size(axes: tuple[Axis, ...], kind: str, samples: int | None, scenarios: tuple, reference: str | None,
                where: str) -> None:
    """Refuse a design of more than :data:`MAX_POINTS` points before any point is built, naming the
    experiment file's keys that set its size."""
    extra = 1 if reference is not None and (axes or reference not in {s.name for s in scenarios}) else 0
    if kind == "grid":
        per = math.prod(len(a.grid) for a in axes)
        how = " x ".join(f"{len(a.grid):,}" for a in axes) or "1"
        n = per * len(scenarios) + extra
        if n > MAX_POINTS:
            raise InputError(where, "axes", f"the grid has {n:,} design points ({how} values x {len(scenarios)} "
                             f"scenario(s)); at most {MAX_POINTS:,}: give fewer values per axis under [axes], fewer "
                             "scenarios, or sample the ranges with [design] kind = \"lhs\" and samples = N")
        return
    n = SAMPLERS[kind].points(samples, len(axes)) * len(scenarios)
    if n > MAX_POINTS:
        how = SAMPLERS[kind].how(len(axes))
        raise InputError(where, "design.samples", f"{samples:,} gives {n:,} design points ({how}); at most "
                         f"{MAX_POINTS:,}: lower [design] samples or use fewer axes")


def _scenario(ref: str, path: Path, where: str) -> Scenario:
    if not isinstance(ref, str):
        raise InputError(where, "scenarios", f"{ref!r} is not allowed; expected scenario names in quotes")
    return load_scenario(referenced(ref, path, where, "scenarios"))


def _axes(table, where: str, kind: str) -> tuple[Axis, ...]:
    if not isinstance(table, dict):
        raise InputError(where, "axes", "must be a table of parameter = values")
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if "." not in key and isinstance(value, dict) and not {"low", "high"} & set(value):
            items = {f"{key}.{k}": v for k, v in value.items()}      # [axes.eu] willingness = [...]
        else:
            items = {key: value}
        for name, v in items.items():
            if name in flat:
                group, key = name.split(".", 1)
                raise InputError(where, f"axes.{name}", f"is given twice: as \"{name}\" under [axes] and as {key} "
                                 f"under [axes.{group}]; give each axis once")
            flat[name] = v
    axes = []
    for name, value in flat.items():
        key = f"axes.{name}"
        schema.TABLE.check_names([name], f"{where}: axes")
        spec = schema.spec(name)
        if not spec.batch:
            raise InputError(where, key, "is a run control, not a model parameter; set replicates, days and seed "
                             "at the top of the experiment file")
        if spec.is_list:
            raise InputError(where, key, "is a list of dated shocks, not an axis; vary tajikistan.shock_scale or "
                             "kyrgyzstan.shock_scale")
        if isinstance(value, list):
            if kind != "grid":
                raise InputError(where, key, f"a {kind} design samples ranges: give {{ low = ..., high = ... }}")
            if not value:
                raise InputError(where, key, "has no values: the design would be empty")
            _check_values(name, value, where, key)
            axes.append(Axis(name, grid=tuple(value)))
        elif isinstance(value, dict):
            axes.append(_range(spec, value, where, key, kind))
        else:
            raise InputError(where, key, "expected a list of values, like [0.1, 0.5], or a range "
                             "{ low = 0.1, high = 0.5 }")
    return tuple(axes)


def _check_values(name: str, values: list, where: str, key: str) -> None:
    for v in values:
        Parameters().with_updates({name: v}, f"{where}: {key}")


def _range(spec: ParamSpec, value: dict, where: str, key: str, kind: str) -> Axis:
    if kind == "grid":
        raise InputError(where, key, f"a grid takes a list of values; ranges are for {sampler_names()} designs")
    extra = set(value) - {"low", "high"}
    if extra or not {"low", "high"} <= set(value):
        raise InputError(where, key, "a range is { low = ..., high = ... }")
    if spec.choices is not None or spec.type not in (int, float):
        raise InputError(where, key, f"is a {spec.type_name}; a range needs a number, give a list of values in a grid")
    low, high = value["low"], value["high"]
    for v in (low, high):
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise InputError(where, key, f"{v!r} is not a number; expected {spec.allowed()}")
    if not low < high:
        raise InputError(where, key, f"low {low} must be below high {high}")
    if (spec.ge is not None and low < spec.ge) or (spec.le is not None and high > spec.le):
        raise InputError(where, key, f"range {low}..{high} is outside the schema's bounds; expected {spec.allowed()}")
    return Axis(spec.name, low=float(low), high=float(high))


def _keep(table, where: str) -> Keep:
    if not isinstance(table, dict):
        raise InputError(where, "keep", "must be a table, like [keep] quantiles = [\"level\"]")
    known_keys(table, KEEP_KEYS, where, "keep.")
    probs = table.get("probabilities", list(DEFAULT_PROBABILITIES))
    if not isinstance(probs, list) or not probs or not all(
            isinstance(p, int | float) and not isinstance(p, bool) and 0 <= p <= 1 for p in probs):
        raise InputError(where, "keep.probabilities", "must be a list of numbers from 0 to 1")
    limit = table.get("series_replicates")
    if limit is not None:
        limit = whole(table, "series_replicates", f"{where}: keep", 1, 1, 10_000_000)
    return Keep(quantiles=_series(_names(table.get("quantiles", []), where, "keep.quantiles"), where, "keep.quantiles"),
                probabilities=tuple(float(p) for p in sorted(set(probs))),
                series=_series(_names(table.get("series", []), where, "keep.series"), where, "keep.series"),
                series_replicates=limit)


# -- the design -------------------------------------------------------------------------------------
def _sampled(exp: Experiment) -> np.ndarray:
    """(n, d) sample of the ranged axes in the design's order."""
    ranged = [a for a in exp.axes if a.low is not None]
    problem = {"num_vars": len(ranged), "names": [a.name for a in ranged], "bounds": [[a.low, a.high] for a in ranged]}
    return SAMPLERS[exp.kind].draw(problem, exp.samples, exp.design_seed, exp.levels)


def _axis_table(exp: Experiment) -> pd.DataFrame:
    if not exp.axes:
        return pd.DataFrame(index=[0])
    if exp.kind == "grid":
        combos = list(itertools.product(*(a.grid for a in exp.axes)))
        return pd.DataFrame(combos, columns=[a.name for a in exp.axes])
    x = _sampled(exp)
    table = pd.DataFrame(x, columns=[a.name for a in exp.axes])
    for a in exp.axes:
        if a.spec.type is int:
            table[a.name] = np.rint(table[a.name]).astype(np.int64)
    return table


def build_design(exp: Experiment) -> Design:
    """Cross the scenarios with the axes' points. When axes vary the scenarios, the ``reference``
    scenario (if named) runs unmodified as point 0, so every point can be compared with it."""
    axis_table = _axis_table(exp)
    n = len(axis_table) * len(exp.scenarios)
    if n > MAX_POINTS:
        raise InputError(str(exp.path), "design", f"{n:,} points; at most {MAX_POINTS:,}")
    names = [s.name for s in exp.scenarios]
    axis_names = [a.name for a in exp.axes]
    rows: list[tuple[dict, dict]] = []       # (labels, flat parameters)
    sources: list[tuple[Scenario, frozenset[str]]] = []
    if exp.reference is not None and (exp.axes or exp.reference not in names):
        if exp.kind != "grid" and SAMPLERS[exp.kind].one_scenario:
            raise InputError(str(exp.path), "reference", f"a {exp.kind} design has no reference point; remove it")
        ref = _scenario(exp.reference, exp.path or Path("."), str(exp.path))
        rows.append(({"scenario": ref.name, "label": ref.name, "reference": True}, ref.params.flat()))
        sources.append((ref, frozenset()))
    shown = _axis_labels(axis_names)
    records = axis_table.to_dict(orient="records")
    full = len({tuple(_short(_python(ax[k])) for k in axis_names) for ax in records}) < len(records)
    for sc in exp.scenarios:
        flat = sc.params.flat()
        for ax in records:
            values = {k: _python(ax[k]) for k in axis_names}
            label = ", ".join(f"{shown[k]}={_short(v, full)}" for k, v in values.items())
            if len(exp.scenarios) > 1 or not label:
                label = f"{sc.name}: {label}" if label else sc.name
            rows.append(({"scenario": sc.name, "label": label,
                          "reference": not exp.axes and sc.name == exp.reference}, {**flat, **values}))
            sources.append((sc, frozenset(axis_names)))
    first = rows[0][1]
    varying = axis_names + [k for k in first if k not in axis_names and not _run_control(k)
                            and any(f[k] != first[k] for _, f in rows)]
    if "domestic.shocks" in varying:
        raise InputError(str(exp.path), "scenarios", "the scenarios differ in domestic.shocks; one experiment runs "
                         "on one calendar of dated shocks (vary tajikistan.shock_scale or kyrgyzstan.shock_scale)")
    table = pd.DataFrame([labels for labels, _ in rows])
    for name in varying:
        table[name] = pd.Series([f[name] for _, f in rows], dtype=object if _categorical(name) else None)
    table.insert(0, "point", np.arange(len(table), dtype=np.int64))
    controls = {"simulation.days": exp.days, "simulation.replicates": exp.replicates, "simulation.seed": exp.seed}
    return Design(exp, table, exp.scenarios[0].params.with_updates(controls), tuple(varying), tuple(sources))


def _run_control(name: str) -> bool:
    return not schema.spec(name).batch


def _categorical(name: str) -> bool:
    s = schema.spec(name)
    return s.type not in (int, float)


def _axis_labels(names: list[str]) -> dict[str, str]:
    """How each axis is named in point labels: its key without the group (``delay_days``), unless two axes
    share that key (``osce.willingness`` and ``eu.willingness``): then with the group."""
    keys = [n.split(".", 1)[1] for n in names]
    return {n: k if keys.count(k) == 1 else n for n, k in zip(names, keys, strict=True)}


def _short(v, full: bool = False) -> str:
    """A value in a label: 3 significant digits (all of them when 3 would make two points' labels equal)."""
    if isinstance(v, float):
        return repr(v) if full else f"{v:.3g}"
    return str(v).lower() if isinstance(v, bool) else str(v)
