"""Optimisation files: the levers, objectives, constraints, effort, robustness rule and search budget.

An optimisation file (TOML, docs/experiments.md) names

* the base ``scenario`` every design changes (and compares with), ``days``, ``replicates`` per
  posterior draw, ``seed`` and ``chunk_rows``;
* ``[levers]``: parameters with a ``{ low, high }`` range inside the schema's bounds (real or integer
  as the schema types them; optional ``least = "high"`` when the high end asks least effort, like a
  longer delay) or a list of allowed values of a choice or yes/no parameter, the least-involved first
  and the most-involved last (the first generation's anchor designs, :mod:`borderSim.optimize.search`);
  a lever that is a factor of an effort term must have its least-effort end where that term is least;
* ``[objectives.NAME]``: an ``outcome`` (a summary column, or ``effort``), ``sense`` (``minimize`` or
  ``maximize``) and a ``statistic`` over each draw's replicates (``mean``, ``quantile`` with
  ``quantile``, or ``exceeds``: P(outcome > ``threshold``)); optional ``robustness`` overriding the
  file's rule and ``satisfice`` (the level a draw's statistic must meet under the satisficing rule);
* ``[constraints.NAME]``: the same outcome and statistic with ``max`` or ``min``;
* ``[effort]``: the effort measure, a weighted sum of terms per replicate; a term is a summary column
  (``eu_days_engaged``), a parameter (``eu.security_assistance``: a lever's value, else the scenario's) or a
  product of them (``eu.monitoring*eu_days_engaged``);
* ``[posterior]``: ``samples`` (``"shipped"`` or a posterior.parquet) and ``draws``: every candidate runs
  the same draws, each with ``replicates`` replicates; without it the point estimate is one draw;
* ``[robustness]``: ``rule`` over the draws -- ``mean``, ``percentile`` (the bad tail, ``percentile``
  90 by default), ``regret`` (that percentile of the shortfall from the best candidate in each draw) or
  ``satisficing`` (the share of draws whose statistic meets ``satisfice``, maximised);
* ``[optimizer]``: ``algorithm`` (``auto``: NSGA-II for two objectives, NSGA-III for three or more),
  ``population``, ``generations``, ``seed``, NSGA-III's ``partitions``, and when to stop early
  (hypervolume change below ``tolerance`` over ``window`` generations).

Every problem is one :class:`~borderSim.common.errors.InputError` naming the file and key.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from borderSim import schema
from borderSim.common.errors import InputError
from borderSim.common.tomlcheck import file_description, known_keys, nearest, number, read_toml, subtable, whole
from borderSim.outputs.summary import columns as summary_columns
from borderSim.schema.scenarios import Scenario, load_scenario, referenced

TOP_LEVEL = ("description", "scenario", "days", "replicates", "seed", "chunk_rows", "levers", "objectives",
             "constraints", "effort", "posterior", "robustness", "optimizer")
OBJECTIVE_KEYS = ("outcome", "sense", "statistic", "quantile", "threshold", "robustness", "satisfice", "label")
CONSTRAINT_KEYS = ("outcome", "statistic", "quantile", "threshold", "robustness", "max", "min", "label")
SENSES = ("minimize", "maximize")
STATISTICS = ("mean", "quantile", "exceeds")
RULES = ("mean", "percentile", "regret", "satisficing")
OPTIMIZER_KEYS = ("algorithm", "population", "generations", "seed", "partitions", "window", "tolerance")
ALGORITHMS = ("auto", "nsga2", "nsga3")
POSTERIOR_KEYS = ("samples", "draws")
ROBUSTNESS_KEYS = ("rule", "percentile")
EFFORT = "effort"
SHIPPED_POSTERIOR = Path(__file__).resolve().parents[1] / "data" / "posterior.parquet"


@dataclass(frozen=True)
class Lever:
    """A design lever: a real or integer range, or a list of allowed values (choices)."""

    name: str
    kind: str                           # real | integer | choice
    low: float = 0.0
    high: float = 0.0
    choices: tuple[Any, ...] = ()
    least: str = "low"                  # the end asking least of the actor: low | high (choices: the first listed)

    @property
    def bounds(self) -> tuple[float, float]:
        """The search variable's bounds: integers and choice indices are rounded, each value equally wide."""
        if self.kind == "real":
            return self.low, self.high
        hi = self.high if self.kind == "integer" else len(self.choices) - 1
        lo = self.low if self.kind == "integer" else 0
        return lo - 0.4999, hi + 0.4999

    @property
    def anchors(self) -> tuple[float, float]:
        """The search variable at the lever's least- and most-involved ends: a range's ``least`` end and the
        other; a choice's first and last listed value."""
        if self.kind == "choice":
            return 0.0, float(len(self.choices) - 1)
        ends = (self.low, self.high)
        return ends if self.least == "low" else ends[::-1]

    def decode(self, x: np.ndarray) -> np.ndarray:
        """Lever values from search variables."""
        if self.kind == "real":
            return np.clip(np.asarray(x, dtype=np.float64), self.low, self.high)
        i = np.rint(np.asarray(x, dtype=np.float64)).astype(np.int64)
        if self.kind == "integer":
            return np.clip(i, int(self.low), int(self.high))
        out = np.empty(len(i), dtype=object)
        out[:] = [self.choices[k] for k in np.clip(i, 0, len(self.choices) - 1)]
        return out


@dataclass(frozen=True)
class Measure:
    """An objective or a constraint: a statistic of an outcome over each draw's replicates, made robust
    over the draws."""

    name: str
    outcome: str
    statistic: str = "mean"
    quantile: float | None = None
    threshold: float | None = None
    rule: str = "mean"
    percentile: float = 90.0
    sense: str = "minimize"             # objectives; constraints: minimize with max, maximize with min
    satisfice: float | None = None
    limit: float | None = None          # constraints: the max (minimize) or min (maximize)
    label: str = ""

    @property
    def sign(self) -> float:
        return 1.0 if self.sense == "minimize" else -1.0

    def describe(self) -> str:
        if self.statistic == "quantile":
            stat = f"q{self.quantile:g} of {self.outcome}"
        elif self.statistic == "exceeds":
            stat = f"P({self.outcome} > {self.threshold:g})"
        else:
            stat = f"mean {self.outcome}"
        if self.rule == "percentile":
            rule = f"{'upper' if self.sign > 0 else 'lower'} {self.percentile:g}th percentile over draws"
        elif self.rule == "regret":
            rule = f"{self.percentile:g}th percentile over draws of the regret against the best design in each draw"
        elif self.rule == "satisficing":
            rule = f"share of draws with it {'<=' if self.sign > 0 else '>='} {self.satisfice:g}"
        else:
            rule = "mean over draws"
        return f"{stat}, {rule}"


@dataclass(frozen=True)
class Settings:
    algorithm: str = "auto"
    population: int = 40
    generations: int = 30
    seed: int = 1
    partitions: int | None = None
    window: int = 10
    tolerance: float = 0.01


@dataclass(frozen=True)
class Optimization:
    name: str
    description: str
    path: Path
    text: str
    scenario: Scenario
    days: int
    replicates: int
    seed: int
    chunk_rows: int
    levers: tuple[Lever, ...]
    objectives: tuple[Measure, ...]
    constraints: tuple[Measure, ...]
    effort: tuple[tuple[tuple[str, ...], float], ...]      # (factors, weight)
    posterior_path: Path | None
    draws: int
    settings: Settings = field(default_factory=Settings)

    @property
    def algorithm(self) -> str:
        if self.settings.algorithm != "auto":
            return self.settings.algorithm
        return "nsga3" if len(self.objectives) >= 3 else "nsga2"

    @property
    def columns(self) -> tuple[str, ...]:
        """The summary columns the objectives, constraints and effort read."""
        cols = [m.outcome for m in (*self.objectives, *self.constraints) if m.outcome != EFFORT]
        cols += [f for factors, _ in self.effort for f in factors if "." not in f]
        return tuple(dict.fromkeys(cols))

    @property
    def outcomes(self) -> tuple[str, ...]:
        """What is kept per candidate, draw and replicate: the outcomes of the measures."""
        return tuple(dict.fromkeys(m.outcome for m in (*self.objectives, *self.constraints)))

    def digest(self) -> str:
        """Hash of everything that determines the results."""
        post = None
        if self.posterior_path is not None:
            post = hashlib.sha256(self.posterior_path.read_bytes()).hexdigest()
        payload = {"text": self.text, "base": {k: str(v) for k, v in self.scenario.params.flat().items()},
                   "posterior": post}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# -- reading ----------------------------------------------------------------------------------------
def read_optimization(path: Path | str) -> Optimization:
    """Read and check an optimisation file."""
    path = Path(path)
    where = str(path)
    data = read_toml(path, where, "optimisation file")
    known_keys(data, TOP_LEVEL, where)
    description = file_description(data, where, "every optimisation file")
    ref = data.get("scenario", "baseline")
    if not isinstance(ref, str):
        raise InputError(where, "scenario", f"{ref!r} is not allowed; expected a scenario name or file in quotes")
    scenario = load_scenario(referenced(ref, path, where, "scenario"))
    sim = scenario.params.simulation
    levers = _levers(subtable(data, "levers", where, '[levers] "eu.willingness" = { low = 0, high = 0.6 }'), where)
    lever_names = {lv.name for lv in levers}
    effort = _effort(subtable(data, "effort", where, '[effort] eu_days_engaged = 1'), where, lever_names)
    _check_least(levers, effort, where)
    robust = subtable(data, "robustness", where, '[robustness] rule = "mean"')
    known_keys(robust, ROBUSTNESS_KEYS, where, "robustness.")
    rule = robust.get("rule", "mean")
    if rule not in RULES:
        raise InputError(where, "robustness.rule", f"{rule!r} is not allowed; expected one of {', '.join(RULES)}")
    percentile = number(robust, "percentile", where, "robustness.", 0, 100, 90.0)
    objectives = _measures(subtable(data, "objectives", where, '[objectives.major_clash] outcome = "reached_rung5"'),
                           where, "objectives", rule, percentile, bool(effort))
    if len(objectives) < 2:
        raise InputError(where, "objectives", f"{len(objectives)} objective(s); a many-objective search needs two or "
                         "more (each a table [objectives.NAME])")
    constraints = _measures(subtable(data, "constraints", where, '[constraints.deaths] outcome = "deaths_total"'),
                            where, "constraints", rule, percentile, bool(effort))
    if effort and not any(m.outcome == EFFORT for m in (*objectives, *constraints)):
        raise InputError(where, "effort", "is defined but no objective or constraint has outcome = \"effort\"")

    post = subtable(data, "posterior", where, '[posterior] samples = "shipped"')
    known_keys(post, POSTERIOR_KEYS, where, "posterior.")
    posterior_path = None
    if post:
        samples = post.get("samples", "shipped")
        if not isinstance(samples, str):
            raise InputError(where, "posterior.samples", "expected \"shipped\" or the path of a posterior.parquet")
        posterior_path = SHIPPED_POSTERIOR if samples == "shipped" else (path.parent / samples).resolve()
        from borderSim.experiments.evaluate.posterior import read_posterior

        read_posterior(posterior_path, f"{where}: posterior.samples")
    draws = whole(post, "draws", where, 20, 1, 100_000, "posterior.") if post else 1
    if draws == 1 and any(m.rule in ("percentile", "regret", "satisficing") for m in (*objectives, *constraints)):
        raise InputError(where, "robustness.rule", "a rule over posterior draws needs [posterior] with draws of 2 or "
                         "more; without a posterior use rule = \"mean\"")

    opt = subtable(data, "optimizer", where, '[optimizer] population = 40')
    known_keys(opt, OPTIMIZER_KEYS, where, "optimizer.")
    algorithm = opt.get("algorithm", "auto")
    if algorithm not in ALGORITHMS:
        raise InputError(where, "optimizer.algorithm", f"{algorithm!r} is not allowed; expected one of "
                         f"{', '.join(ALGORITHMS)}")
    settings = Settings(
        algorithm=algorithm, population=whole(opt, "population", where, 40, 4, 100_000, "optimizer."),
        generations=whole(opt, "generations", where, 30, 1, 100_000, "optimizer."),
        seed=whole(opt, "seed", where, 1, 0, 2**32 - 1, "optimizer."),
        partitions=None if "partitions" not in opt else whole(opt, "partitions", where, 0, 1, 1000, "optimizer."),
        window=whole(opt, "window", where, 10, 1, 100_000, "optimizer."),
        tolerance=number(opt, "tolerance", where, "optimizer.", 0, 1, 0.01))
    o = Optimization(
        name=path.stem, description=description, path=path.resolve(), text=path.read_text(encoding="utf-8"),
        scenario=scenario, days=whole(data, "days", where, sim.days, 1, 36_500),
        replicates=whole(data, "replicates", where, 20, 1, 10_000_000), seed=whole(data, "seed", where, sim.seed, 0,
                                                                                   2**63 - 1),
        chunk_rows=whole(data, "chunk_rows", where, 4000, 1, 1_000_000), levers=levers, objectives=objectives,
        constraints=constraints, effort=effort, posterior_path=posterior_path, draws=draws, settings=settings)
    if o.algorithm == "nsga2" and len(objectives) > 3:
        raise InputError(where, "optimizer.algorithm", f"NSGA-II with {len(objectives)} objectives; use nsga3 "
                         "(or auto) for many objectives")
    if o.algorithm == "nsga3":
        from math import comb

        p = settings.partitions or partitions_for(len(objectives), settings.population)
        n_dirs = comb(p + len(objectives) - 1, len(objectives) - 1)
        if p < 1 or n_dirs > settings.population:
            raise InputError(where, "optimizer.population", f"{settings.population} is smaller than NSGA-III's "
                             f"{n_dirs} reference directions ({len(objectives)} objectives, {p} partitions); raise "
                             "the population or lower optimizer.partitions")
    return o


def partitions_for(n_obj: int, population: int) -> int:
    """The most Das-Dennis partitions whose reference directions fit in the population."""
    from math import comb

    p = 1
    while comb(p + 1 + n_obj - 1, n_obj - 1) <= population:
        p += 1
    return p


def _levers(table: dict, where: str) -> tuple[Lever, ...]:
    if not table:
        raise InputError(where, "levers", "no levers: name at least one parameter to search over, like "
                         '"eu.willingness" = { low = 0, high = 0.6 }')
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if "." not in key and isinstance(value, dict) and not {"low", "high"} & set(value):
            flat.update({f"{key}.{k}": v for k, v in value.items()})     # [levers.eu] willingness = {...}
        else:
            flat[key] = value
    out = []
    for name, value in flat.items():
        key = f"levers.{name}"
        schema.TABLE.check_names([name], f"{where}: levers")
        spec = schema.spec(name)
        if not spec.batch or spec.is_list:
            raise InputError(where, key, "is not a model parameter that can vary by row; choose another lever")
        if isinstance(value, list):
            if spec.choices is None:
                raise InputError(where, key, f"is a {spec.type_name}; give a range {{ low = ..., high = ... }}")
            if len(value) < 2 or len(set(map(repr, value))) < len(value):
                raise InputError(where, key, "needs two or more different values to choose from")
            for v in value:
                if v not in spec.choices or (isinstance(v, bool) != (spec.type is bool)):
                    raise InputError(where, key, f"{v!r} is not allowed; expected {spec.allowed()}")
            out.append(Lever(name, "choice", choices=tuple(value)))
        elif isinstance(value, dict):
            if not {"low", "high"} <= set(value) <= {"low", "high", "least"}:
                raise InputError(where, key, "a range is { low = ..., high = ... } with optional least = \"low\" "
                                 "or \"high\" (the end asking least effort)")
            least = value.get("least", "low")
            if least not in ("low", "high"):
                raise InputError(where, f"{key}.least", f"{least!r} is not allowed; expected \"low\" or \"high\" "
                                 "(the end of the range asking least effort)")
            if spec.choices is not None or spec.type not in (int, float):
                raise InputError(where, key, f"is a {spec.type_name}; give a list of the values to choose from, "
                                 f"like {list(spec.choices or ())!r}".replace("'", '"'))
            low, high = value["low"], value["high"]
            for v in (low, high):
                if isinstance(v, bool) or not isinstance(v, int | float) or (spec.type is int and v != int(v)):
                    raise InputError(where, key, f"{v!r} is not allowed; expected {spec.allowed()}")
            if not low < high:
                raise InputError(where, key, f"low {low} must be below high {high}")
            if (spec.ge is not None and low < spec.ge) or (spec.le is not None and high > spec.le):
                raise InputError(where, key, f"range {low}..{high} is outside the schema's bounds; expected "
                                 f"{spec.allowed()}")
            out.append(Lever(name, "integer" if spec.type is int else "real", float(low), float(high), least=least))
        else:
            raise InputError(where, key, "expected a range { low = ..., high = ... } or a list of values to "
                             "choose from")
    return tuple(out)


def _check_least(levers: tuple[Lever, ...], effort, where: str) -> None:
    """A lever that is a factor of an effort term (weights are 0 or more; a lever's values 0 or more) makes
    that term least at its smallest value: its declared least-effort end must be that one."""
    in_effort = {f for factors, w in effort if w > 0 for f in factors}
    for lv in levers:
        if lv.name not in in_effort:
            continue
        if lv.kind == "choice":
            values = [float(v) for v in lv.choices] if all(isinstance(v, int | float) for v in lv.choices) else None
            if values and min(values) >= 0 and values[0] != min(values):
                raise InputError(where, f"levers.{lv.name}", f"the first listed value is the least-effort one, but "
                                 f"the effort measure is least at {lv.choices[values.index(min(values))]!r}; list "
                                 "that one first")
        elif lv.low >= 0 and lv.least != "low":
            raise InputError(where, f"levers.{lv.name}.least", "\"high\" contradicts the effort measure, which "
                             "rises with this lever (least effort at its low end)")


def _effort(table: dict, where: str, levers: set[str]) -> tuple[tuple[tuple[str, ...], float], ...]:
    cols = [c for c in summary_columns() if c != "replicate"]
    out = []
    for term, weight in table.items():
        key = f"effort.{term}"
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight) or weight < 0:
            raise InputError(where, key, f"{weight!r} is not allowed; expected a weight of 0 or more")
        factors = tuple(f.strip() for f in term.split("*"))
        for f in factors:
            if "." in f:
                schema.TABLE.check_names([f], f"{where}: {key}")
                if schema.spec(f).type not in (int, float, bool):
                    raise InputError(where, key, f"{f} is not a number or a yes/no parameter")
            elif f not in cols:
                raise InputError(where, key, f"{f!r} is not a summary column{nearest(f, cols)}")
        out.append((factors, float(weight)))
    return tuple(out)


def _measures(table: dict, where: str, kind: str, rule: str, percentile: float, has_effort: bool
              ) -> tuple[Measure, ...]:
    cols = [c for c in summary_columns() if c != "replicate"]
    allowed = OBJECTIVE_KEYS if kind == "objectives" else CONSTRAINT_KEYS
    out = []
    for name, t in table.items():
        pre = f"{kind}.{name}."
        if not isinstance(t, dict):
            raise InputError(where, f"{kind}.{name}", "must be a table, like [objectives.NAME] outcome = "
                             "\"deaths_total\"")
        known_keys(t, allowed, where, pre)
        outcome = t.get("outcome")
        if outcome == EFFORT:
            if not has_effort:
                raise InputError(where, f"{pre}outcome", "\"effort\" needs an [effort] table defining it")
        elif not isinstance(outcome, str) or outcome not in cols:
            hint = nearest(outcome, cols) if isinstance(outcome, str) else ""
            raise InputError(where, f"{pre}outcome", f"{outcome!r} is not a summary column{hint}; allowed: the "
                             "columns of borderSim run's summary, or \"effort\"")
        statistic = t.get("statistic", "mean")
        if statistic not in STATISTICS:
            raise InputError(where, f"{pre}statistic", f"{statistic!r} is not allowed; expected one of "
                             f"{', '.join(STATISTICS)}")
        q = number(t, "quantile", where, pre, 0, 1)
        thr = number(t, "threshold", where, pre)
        if statistic == "quantile" and q is None:
            raise InputError(where, f"{pre}quantile", "missing: statistic = \"quantile\" needs quantile = 0.9 (say)")
        if statistic == "exceeds" and thr is None:
            raise InputError(where, f"{pre}threshold", "missing: statistic = \"exceeds\" needs a threshold: "
                             "P(outcome > threshold)")
        r = t.get("robustness", rule)
        if r not in RULES:
            raise InputError(where, f"{pre}robustness", f"{r!r} is not allowed; expected one of {', '.join(RULES)}")
        label = t.get("label", name)
        if not isinstance(label, str):
            raise InputError(where, f"{pre}label", "must be text")
        if kind == "objectives":
            sense = t.get("sense", "minimize")
            if sense not in SENSES:
                raise InputError(where, f"{pre}sense", f"{sense!r} is not allowed; expected minimize or maximize")
            sat = number(t, "satisfice", where, pre)
            if r == "satisficing" and sat is None:
                raise InputError(where, f"{pre}satisfice", "missing: the satisficing rule needs the level each draw's "
                                 "statistic must meet, like satisfice = 0.5")
            out.append(Measure(name, outcome, statistic, q, thr, r, percentile, sense, sat, None, label))
        else:
            if ("max" in t) == ("min" in t):
                raise InputError(where, f"{kind}.{name}", "give either max or min")
            if r in ("regret", "satisficing"):
                raise InputError(where, f"{pre}robustness", f"{r!r} is for objectives; a constraint takes mean or "
                                 "percentile")
            limit = number(t, "max" if "max" in t else "min", where, pre)
            out.append(Measure(name, outcome, statistic, q, thr, r, percentile,
                               "minimize" if "max" in t else "maximize", None, limit, label))
    return tuple(out)
