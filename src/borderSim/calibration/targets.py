"""A calibration file's ``[targets.NAME]``: a summary statistic of a run or of one of its periods, or the share of
replicates whose column is positive in every one of several periods (``share_all``); the record's ``observed``
value with its ``source``, an optional ``scale`` and ``held_out``."""

from __future__ import annotations

from dataclasses import dataclass

from borderSim.calibration.runs import Run
from borderSim.common.errors import InputError
from borderSim.common.tomlcheck import is_number, known_keys, nearest
from borderSim.outputs.summary import columns as summary_columns

TARGET_KEYS = ("run", "column", "where", "statistic", "observed", "source", "scale", "held_out", "description",
               "period", "periods")
STATISTICS = ("mean", "median", "share", "per_year", "share_all")
#: Summary columns that are a day number (1 = the first day counted); a period counts them from its first day.
DAY_COLUMNS = ("first_day_rung5", "days_to_first_ceasefire", "days_to_durable_agreement")
#: Summary columns that are not counts or yes/no (``share_all`` asks whether a count is positive).
MEASURE_COLUMNS = ("first_day_rung5", "major_clash_days_mean", "days_to_first_ceasefire", "ceasefire_survival",
                   "days_to_durable_agreement", "legitimacy_change_90_TJ", "legitimacy_change_90_KG",
                   "legitimacy_change_365_TJ", "legitimacy_change_365_KG", "protest_peak", "demarcated_share_final",
                   "agreement_final")


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


def _observed(value, where: str, key: str) -> tuple[float, float]:
    if is_number(value):
        return float(value), float(value)
    if isinstance(value, list) and len(value) == 2 and all(is_number(v) for v in value) and value[0] <= value[1]:
        return float(value[0]), float(value[1])
    raise InputError(where, key, f"{value!r} is not allowed; expected a number or a range [low, high] from the record")


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


def read_target(name: str, value, runs: dict[str, Run], where: str) -> Target:
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
