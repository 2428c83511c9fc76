"""Calibration files: the parameters to fit and their priors, the runs, the targets and the ABC settings.

A calibration file (TOML, see docs/calibration.md) names

* ``[parameters]``: each fitted parameter with its prior -- ``uniform`` or ``loguniform`` between
  ``low`` and ``high``, or a literature prior (``normal`` with ``mean`` and ``sd``, ``beta`` with
  ``a`` and ``b``) with its ``source``; every prior lies inside the schema's range
  (``borderSim.schema.spec(name)``), normal priors are truncated to it;
* ``[runs.NAME]``: a scenario on a window (``scenario``, ``days``), how many replicates each
  candidate parameter vector runs there, and optional ``periods`` (parts of the run between two
  dates, each summarised on its own);
* ``[targets.NAME]``: a summary statistic of a run or of one of its periods (``column`` of the
  per-replicate summary, an optional yes/no ``where`` condition, a ``statistic``, ``period``), or the
  share of replicates whose column is positive in every one of several ``periods`` (``share_all``);
  its ``observed`` value (a number or a ``[low, high]`` range from the record) with its ``source``, an
  optional ``scale`` and ``held_out``;
* ``[abc]``: the method, the tolerance schedule and an optional regression adjustment.

Every problem is one :class:`~borderSim.common.errors.InputError` naming the file and key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from borderSim import schema
from borderSim.common.errors import InputError
from borderSim.common.tomlcheck import is_number, known_keys, nearest, read_toml, subtable, whole
from borderSim.outputs.summary import columns as summary_columns
from borderSim.schema.scenarios import Scenario, load_scenario, referenced

TOP_LEVEL = ("description", "base", "seed", "parameters", "runs", "targets", "abc")
PRIORS = {"uniform": ("low", "high"), "loguniform": ("low", "high"), "normal": ("mean", "sd"),
          "beta": ("a", "b")}
LITERATURE = ("normal", "beta")
RUN_KEYS = ("scenario", "days", "replicates", "periods")
TARGET_KEYS = ("run", "column", "where", "statistic", "observed", "source", "scale", "held_out", "description",
               "period", "periods")
STATISTICS = ("mean", "median", "share", "per_year", "share_all")
ABC_KEYS = ("method", "population", "batch", "quantiles", "tolerances", "max_candidates", "pilot", "chunk_rows",
            "adjustment")
METHODS = ("rejection", "smc")
ADJUSTMENTS = ("none", "linear", "logit")
#: Summary columns that are a day number (1 = the first day counted); a period counts them from its first day.
DAY_COLUMNS = ("first_day_rung5", "days_to_first_ceasefire", "days_to_durable_agreement")
#: Summary columns that are not counts or yes/no (``share_all`` asks whether a count is positive).
MEASURE_COLUMNS = ("first_day_rung5", "major_clash_days_mean", "days_to_first_ceasefire", "ceasefire_survival",
                   "days_to_durable_agreement", "legitimacy_change_90_TJ", "legitimacy_change_90_KG",
                   "legitimacy_change_365_TJ", "legitimacy_change_365_KG", "protest_peak", "demarcated_share_final",
                   "agreement_final")


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


@dataclass(frozen=True)
class Period:
    """A part of a run between two dates (inclusive), summarised on its own (``Chunk.periods``).

    Day ``d`` of a run is the state on its start date + ``d`` days; day 0 is the state it starts from,
    on which nothing happens, so a period that begins on the start date begins on day 1 and ``shift``
    = 1 keeps its day numbers counting from its first date (28 April is day 118 of a period from
    1 January, as in the year)."""

    name: str
    first_date: dt.date
    last_date: dt.date
    first: int               # first day of the run the period summarises (>= 1)
    last: int
    shift: int = 0

    @property
    def days(self) -> int:
        """Days of the run the period covers."""
        return self.last - self.first + 1

    def text(self) -> str:
        return f"{self.first_date:%d %b %Y} - {self.last_date:%d %b %Y}"


@dataclass(frozen=True)
class Run:
    """A scenario on a window; each candidate runs ``replicates`` replicates of it."""

    name: str
    scenario: Scenario
    days: int
    replicates: int
    periods: tuple[Period, ...] = ()

    def period(self, name: str) -> Period:
        return next(p for p in self.periods if p.name == name)


@dataclass(frozen=True)
class Target:
    """A summary statistic of a run, with the record's value."""

    name: str
    run: str
    column: str
    statistic: str
    observed: tuple[float, float]        # a number is (x, x); a range is (low, high)
    source: str
    where: str | None = None
    scale: float | None = None           # None: the prior predictive spread (MAD)
    held_out: bool = False
    description: str = ""
    period: str | None = None            # the column is read from this period's summary
    periods: tuple[str, ...] = ()        # share_all: positive in every one of these periods

    @property
    def centre(self) -> float:
        return 0.5 * (self.observed[0] + self.observed[1])

    def observed_text(self) -> str:
        lo, hi = self.observed
        return f"{lo:g}" if lo == hi else f"{lo:g}-{hi:g}"

    def describe(self) -> str:
        """What the target measures, in one line (for reports)."""
        if self.statistic == "share_all":
            return f"share of replicates with {self.column} > 0 in every one of {', '.join(self.periods)}"
        text = f"{self.statistic} of {self.column}" + (f" where {self.where}" if self.where else "")
        return text + (f" in {self.period}" if self.period else "")


@dataclass(frozen=True)
class Settings:
    method: str = "smc"
    population: int = 500
    batch: int = 2000
    quantiles: tuple[float, ...] | None = (0.2, 0.5, 0.5)
    tolerances: tuple[float, ...] | None = None
    max_candidates: int = 200_000
    pilot: int = 1000
    chunk_rows: int = 4000
    adjustment: str = "none"             # linear | logit: regression adjustment of the final sample (adjust.py)

    @property
    def generations(self) -> int:
        return len(self.tolerances if self.tolerances is not None else self.quantiles)


@dataclass(frozen=True)
class Calibration:
    name: str
    description: str
    path: Path | None
    text: str
    base: Scenario
    seed: int
    priors: tuple[Prior, ...]
    runs: tuple[Run, ...]
    targets: tuple[Target, ...]
    settings: Settings

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.priors]

    @property
    def fitted(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if not t.held_out)

    def digest(self) -> str:
        """Hash of the file's text and the resolved scenarios (what determines the results)."""
        h = hashlib.sha256(self.text.encode())
        for r in self.runs:
            h.update(repr(sorted((k, str(v)) for k, v in r.scenario.params.flat().items())).encode())
        h.update(repr(sorted((k, str(v)) for k, v in self.base.params.flat().items())).encode())
        return h.hexdigest()


# -- reading ------------------------------------------------------------------------------------------
def _prior(name: str, value, where: str) -> Prior:
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


def _observed(value, where: str, key: str) -> tuple[float, float]:
    if is_number(value):
        return float(value), float(value)
    if isinstance(value, list) and len(value) == 2 and all(is_number(v) for v in value) and value[0] <= value[1]:
        return float(value[0]), float(value[1])
    raise InputError(where, key, f"{value!r} is not allowed; expected a number or a range [low, high] from the record")


def _run(name: str, value, path: Path, where: str) -> Run:
    key = f"runs.{name}"
    if not isinstance(value, dict):
        raise InputError(where, key, "must be a table with scenario, days and replicates")
    known_keys(value, RUN_KEYS, where, f"{key}.")
    ref = value.get("scenario", "baseline")
    if not isinstance(ref, str):
        raise InputError(where, f"{key}.scenario", "must be the name of a scenario or a scenario file")
    sc = load_scenario(referenced(ref, path, where, f"{key}.scenario"))
    days = whole(value, "days", f"{where}: {key}", sc.params.simulation.days, 1, 36_500)
    reps = whole(value, "replicates", f"{where}: {key}", 1, 1, 10_000)
    periods = _periods(value["periods"], sc, days, where, f"{key}.periods") if "periods" in value else ()
    return Run(name, sc, days, reps, periods)


def _date(v) -> bool:
    return type(v) is dt.date            # a TOML date; not a date-time (a subclass of date)


def _periods(table, sc: Scenario, days: int, where: str, key: str) -> tuple[Period, ...]:
    """A run's periods: NAME = [first date, last date], inside the run's window, as days of the run."""
    start = sc.params.simulation.start_date
    end = start + dt.timedelta(days=days)
    if not isinstance(table, dict) or not table:
        raise InputError(where, key, "must be a table of NAME = [first date, last date], like "
                         "[runs.record.periods] 2021 = [2021-01-01, 2021-12-31]")
    out = []
    for name, value in table.items():
        if not (isinstance(value, list) and len(value) == 2 and all(_date(v) for v in value)):
            raise InputError(where, f"{key}.{name}", f"{value!r} is not allowed; expected [first date, last date] as "
                             "TOML dates, like [2021-01-01, 2021-12-31]")
        first, last = value
        if first > last:
            raise InputError(where, f"{key}.{name}", f"first date {first} is after last date {last}")
        if first < start or last > end:
            raise InputError(where, f"{key}.{name}", f"{first} - {last} is outside the run's window {start} - {end} "
                             f"(scenario {sc.name} starts on {start}; days = {days})")
        if last == start:
            raise InputError(where, f"{key}.{name}", f"ends on the run's start date {start}, day 0, on which nothing "
                             "happens; end it later")
        d0 = (first - start).days
        out.append(Period(str(name), first, last, max(d0, 1), (last - start).days, max(d0, 1) - d0))
    return tuple(out)


def _bool_columns() -> set[str]:
    """The per-replicate summary's yes/no columns (borderSim.outputs.summary)."""
    return {"reached_rung5", "reached_rung6", "protest_wave"}


def count_columns() -> list[str]:
    """The summary's counts and yes/no columns: those ``share_all`` can ask to be positive."""
    return [c for c in summary_columns() if c != "replicate" and c not in MEASURE_COLUMNS]


def _names_of(run: Run) -> list[str]:
    return [p.name for p in run.periods]


def _period_name(value, run: Run, where: str, key: str) -> str:
    names = _names_of(run)
    if not names:
        raise InputError(where, key, f"{value!r}: run {run.name} declares no periods; add [runs.{run.name}.periods] "
                         "with NAME = [first date, last date]")
    if not isinstance(value, str) or value not in names:
        raise InputError(where, key, f"{value!r}: no such period of run {run.name}{nearest(str(value), names)}; its "
                         f"periods: {', '.join(names)}")
    return value


def _target_periods(value: dict, run: Run, stat: str, cond: str | None, column: str, where: str, key: str
                    ) -> tuple[str | None, tuple[str, ...]]:
    """A target's ``period`` (one part of the run) or ``periods`` (share_all over several)."""
    if "period" in value and "periods" in value:
        raise InputError(where, key, "give period (a statistic of one period) or periods (share_all over several), "
                         "not both")
    if stat == "share_all":
        if "periods" not in value:
            raise InputError(where, f"{key}.periods", "missing: share_all needs periods = [\"NAME\", ...], the periods "
                             f"in each of which {column} must be positive")
        if cond is not None:
            raise InputError(where, f"{key}.where", "does not apply to share_all (a share of all replicates); "
                             "remove it")
        if column not in count_columns():
            raise InputError(where, f"{key}.column", f"{column!r} is not a count or a yes/no column; share_all asks "
                             "whether it is positive in every period (like major_episodes or reached_rung5)")
        raw = value["periods"]
        if not isinstance(raw, list) or not raw:
            raise InputError(where, f"{key}.periods", f"{raw!r} is not allowed; expected a non-empty list of the run's "
                             f"periods, like [\"2021\", \"2022\"]")
        names = tuple(_period_name(v, run, where, f"{key}.periods") for v in raw)
        if len(set(names)) < len(names):
            raise InputError(where, f"{key}.periods", f"{raw!r} names a period twice")
        return None, names
    if "periods" in value:
        raise InputError(where, f"{key}.periods", f"goes with statistic = \"share_all\" (got {stat!r}); for a "
                         "statistic of one period give period = \"NAME\"")
    if "period" in value:
        return _period_name(value["period"], run, where, f"{key}.period"), ()
    return None, ()


def _target(name: str, value, runs: dict[str, Run], where: str) -> Target:
    key = f"targets.{name}"
    if not isinstance(value, dict):
        raise InputError(where, key, "must be a table with run, column, statistic, observed and source")
    known_keys(value, TARGET_KEYS, where, f"{key}.")
    run = value.get("run", next(iter(runs), None))
    if run not in runs:
        raise InputError(where, f"{key}.run", f"{run!r}: no such run{nearest(str(run), list(runs))}; runs: "
                         f"{', '.join(runs) or 'none (add a [runs.NAME] table)'}")
    cols = [c for c in summary_columns() if c != "replicate"]
    column = value.get("column")
    if column not in cols:
        raise InputError(where, f"{key}.column", f"{column!r}: unknown summary column{nearest(str(column), cols)}; "
                         "see docs/experiments.md or a run's summary.parquet")
    cond = value.get("where")
    if cond is not None and cond not in _bool_columns():
        raise InputError(where, f"{key}.where", f"{cond!r}: expected a yes/no summary column"
                         f"{nearest(str(cond), sorted(_bool_columns()))}: {', '.join(sorted(_bool_columns()))}")
    stat = value.get("statistic", "mean")
    if stat not in STATISTICS:
        raise InputError(where, f"{key}.statistic", f"{stat!r} is not allowed{nearest(str(stat), STATISTICS)}; "
                         f"expected one of {', '.join(STATISTICS)}")
    period, periods = _target_periods(value, runs[run], stat, cond, column, where, key)
    if "observed" not in value:
        raise InputError(where, f"{key}.observed", "missing: the record's value (a number or [low, high])")
    observed = _observed(value["observed"], where, f"{key}.observed")
    source = value.get("source")
    if not isinstance(source, str) or not source.strip():
        raise InputError(where, f"{key}.source", "missing: name where the observed value comes from")
    scale = value.get("scale")
    if scale is not None and (not is_number(scale) or scale <= 0):
        raise InputError(where, f"{key}.scale", f"{scale!r} is not allowed; expected a positive number (or leave "
                         "it out: the prior predictive spread)")
    held = value.get("held_out", False)
    if not isinstance(held, bool):
        raise InputError(where, f"{key}.held_out", "expected true or false")
    return Target(name, run, column, stat, observed, source.strip(), cond, None if scale is None else float(scale),
                  held, str(value.get("description", "")), period, periods)


def _fractions(value, where: str, key: str, *, unit: bool) -> tuple[float, ...]:
    ok = isinstance(value, list) and value and all(is_number(v) and v > 0 and (not unit or v <= 1) for v in value)
    if not ok:
        what = "numbers in (0, 1]" if unit else "positive numbers"
        raise InputError(where, key, f"{value!r} is not allowed; expected a non-empty list of {what}")
    return tuple(float(v) for v in value)


def _settings(table: dict, where: str) -> Settings:
    known_keys(table, ABC_KEYS, where, "abc.")
    w = f"{where}: abc"
    method = table.get("method", "smc")
    if method not in METHODS:
        raise InputError(where, "abc.method", f"{method!r} is not allowed{nearest(str(method), METHODS)}; expected "
                         f"one of {', '.join(METHODS)}")
    if "quantiles" in table and "tolerances" in table:
        raise InputError(where, "abc", "give either quantiles (adaptive tolerances) or tolerances (a fixed "
                         "schedule), not both")
    quantiles = tolerances = None
    if "tolerances" in table:
        tolerances = _fractions(table["tolerances"], where, "abc.tolerances", unit=False)
        if any(b > a for a, b in itertools.pairwise(tolerances)):
            raise InputError(where, "abc.tolerances", f"{list(tolerances)} must not increase from one generation "
                             "to the next")
    else:
        quantiles = _fractions(table.get("quantiles", [0.2, 0.5, 0.5]), where, "abc.quantiles", unit=True)
    gens = len(tolerances or quantiles)
    if method == "rejection" and gens != 1:
        raise InputError(where, "abc", f"rejection has one generation; give one quantile or tolerance (got {gens})")
    adjustment = table.get("adjustment", "none")
    if adjustment not in ADJUSTMENTS:
        raise InputError(where, "abc.adjustment", f"{adjustment!r} is not allowed"
                         f"{nearest(str(adjustment), ADJUSTMENTS)}; expected one of {', '.join(ADJUSTMENTS)}")
    s = Settings(method=method, population=whole(table, "population", w, 500, 2, 10_000_000),
                 batch=whole(table, "batch", w, 2000, 1, 10_000_000), quantiles=quantiles, tolerances=tolerances,
                 max_candidates=whole(table, "max_candidates", w, 200_000, 1, 10**10),
                 pilot=whole(table, "pilot", w, 1000, 0, 10_000_000),
                 chunk_rows=whole(table, "chunk_rows", w, 4000, 1, 1_000_000), adjustment=adjustment)
    if quantiles is not None and s.population / quantiles[0] > s.max_candidates:
        raise InputError(where, "abc.max_candidates", f"{s.max_candidates:,} is fewer than the first generation "
                         f"needs ({s.population:,} / {quantiles[0]:g})")
    return s


def read_calibration(path: Path | str) -> Calibration:
    """Read and check a calibration file."""
    path = Path(path)
    where = str(path)
    data = read_toml(path, where, "calibration file")
    known_keys(data, TOP_LEVEL, where, "")
    description = data.get("description")
    if not isinstance(description, str) or not description.strip():
        raise InputError(where, "description", "missing: every calibration needs a one-line description")
    base_ref = data.get("base", "baseline")
    if not isinstance(base_ref, str):
        raise InputError(where, "base", "must be the name of the scenario the calibrated values extend")
    base = load_scenario(referenced(base_ref, path, where, "base"))
    seed = whole(data, "seed", where, 1, 0, 2**32 - 1)
    params = subtable(data, "parameters", where)
    if not params:
        raise InputError(where, "parameters", "names no parameter to calibrate")
    priors = tuple(_prior(n, v, where) for n, v in params.items())
    runs_t = subtable(data, "runs", where)
    if not runs_t:
        raise InputError(where, "runs", "names no run; add [runs.NAME] with scenario, days and replicates")
    runs = {n: _run(n, v, path, where) for n, v in runs_t.items()}
    targets_t = subtable(data, "targets", where)
    targets = tuple(_target(n, v, runs, where) for n, v in targets_t.items())
    if not any(not t.held_out for t in targets):
        raise InputError(where, "targets", "no target is fitted (every one is held_out or none is given)")
    used = {t.run for t in targets}
    for n in runs:
        if n not in used:
            raise InputError(where, f"runs.{n}", "no target uses this run; remove it")
    settings = _settings(subtable(data, "abc", where), where)
    if settings.pilot == 0:     # refused here, before a results folder is claimed (it would be left half-made)
        for t in targets:
            if t.scale is None:
                raise InputError(where, f"targets.{t.name}.scale", "missing, and abc.pilot = 0: state a scale, or "
                                 "let a pilot from the prior measure the spread (abc.pilot = 1000)")
    return Calibration(path.stem, description.strip(), path.resolve(), path.read_text(encoding="utf-8"), base,
                       seed, priors, tuple(runs.values()), targets, settings)


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
