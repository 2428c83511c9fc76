"""Evaluation: a batch of candidate parameter vectors -> the target statistics of each, on the core.

A batch of ``n`` candidates is, for each run of the calibration (a scenario on a window), one set of
``n x replicates`` rows of the vectorised core (:func:`borderSim.experiments.evaluate.tasks.evaluate_rows`),
cut into chunks of ``chunk_rows`` rows and run by the experiment layer's executors (in this process,
local processes or Dask). Every row's random streams are keyed by ``(seed, replicate)``, where the
seed and the replicate index are derived from the batch's key (:func:`replicates_of`), never from a
worker: the statistics of a batch are the same whatever runs it.

Each candidate runs its own replicate indices (no common random numbers between candidates), so the
accepted sample reflects the model's noise, not one draw of it.

A run with periods also summarises each part of the run (:class:`~borderSim.outputs.summary.Periods`);
a target of a period reads the column ``column@period`` (:func:`column_of`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from borderSim.calibration.priors import as_parameter_values
from borderSim.calibration.problem import Calibration
from borderSim.calibration.runs import Run
from borderSim.calibration.targets import DAY_COLUMNS, Target
from borderSim.experiments.evaluate.tasks import ChunkSpec, RowsTask, evaluate_rows


@dataclass(frozen=True)
class CandidateTask(RowsTask):
    """Rows of one run for a block of candidates: a :class:`RowsTask` whose periods' summaries come back too."""

    periods: tuple[tuple[str, int, int, int], ...] = ()     # (name, first day, last day, shift)
    period_columns: tuple[str, ...] = ()


def column_of(column: str, period: str | None = None) -> str:
    """The name of a summary column of the whole run, or of one of its periods, in a candidates' table."""
    return column if period is None else f"{column}@{period}"


def run_candidates(task: CandidateTask, progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """The summary columns the targets read, one row per task row, in row order (a period's as
    ``column@period``, its day numbers counted from its first date)."""
    periods = {name: (first, last) for name, first, last, _ in task.periods} or None
    res = evaluate_rows(task.base, task.values, task.replicates, seed=task.seed, days=task.days, progress=progress,
                        periods=periods, summary_columns=(*task.columns, *task.period_columns))
    out = res.summary[list(task.columns)].reset_index(drop=True)
    for name, _, _, shift in task.periods:
        part = res.periods[res.periods["period"] == name]
        if not np.array_equal(part["replicate"].to_numpy(), task.replicates):
            raise RuntimeError(f"period {name}: its summary does not hold the task's rows in order")
        for c in task.period_columns:
            x = part[c].to_numpy()
            out[column_of(c, name)] = x + shift if c in DAY_COLUMNS else x
    return out


def replicates_of(offset: int, n: int, replicates: int) -> np.ndarray:
    """Replicate indices of ``n`` candidates x ``replicates``, candidate-major, from ``offset`` on."""
    return offset + np.arange(n * replicates, dtype=np.int64)


def target_days(target: Target, run: Run) -> int:
    """Days the target's statistic covers: its period's, else the run's (for per_year)."""
    return run.period(target.period).days if target.period is not None else run.days


def statistic(target: Target, table: pd.DataFrame, n: int, replicates: int, days: int) -> np.ndarray:
    """One target's statistic for each of ``n`` candidates from their rows (candidate-major); ``days``:
    :func:`target_days`."""
    if target.statistic == "share_all":         # positive in every listed period
        every = np.ones((n, replicates), dtype=bool)
        for p in target.periods:
            every &= table[column_of(target.column, p)].to_numpy(dtype=np.float64).reshape(n, replicates) > 0
        return every.mean(axis=1)
    x = table[column_of(target.column, target.period)].to_numpy(dtype=np.float64).reshape(n, replicates)
    if target.where is not None:
        cond = table[column_of(target.where, target.period)].to_numpy(dtype=bool).reshape(n, replicates)
        x = np.where(cond, x, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)         # a candidate with no qualifying replicate: NaN
        if target.statistic == "median":
            return np.nanmedian(x, axis=1)
        if target.statistic == "per_year":
            return np.nansum(x, axis=1) / (np.isfinite(x).sum(axis=1) * days / 365.0)
        return np.nanmean(x, axis=1)            # mean, share (of a yes/no column)


class Evaluator:
    """Runs batches of candidates on an executor and computes every target's statistic."""

    def __init__(self, calibration: Calibration, executor, progress: Callable[[int], None] | None = None,
                 common: bool = False):
        self.cal = calibration
        self.executor = executor
        self.progress = progress
        self.common = common        # every candidate runs the same replicate indices (a Sobol design's points)
        self.candidates = 0         # candidates evaluated by this evaluator (not read from a cache)

    def columns(self, run: Run, periods: bool) -> tuple[str, ...]:
        """The summary columns the targets of ``run`` read: of its periods (``periods``) or of the whole run."""
        cols = []
        for t in self.cal.targets:
            if t.run == run.name and (t.period is not None or bool(t.periods)) == periods:
                cols += [t.column] + ([t.where] if t.where else [])
        return tuple(dict.fromkeys(cols))

    def tasks(self, run: Run, values: np.ndarray, seed: int, offset: int) -> list[CandidateTask]:
        n = len(values)
        if self.common:
            reps = offset + np.tile(np.arange(run.replicates, dtype=np.int64), n)
        else:
            reps = replicates_of(offset, n, run.replicates)
        per_row = {k: np.repeat(v, run.replicates) for k, v in as_parameter_values(self.cal.priors, values).items()}
        base = run.scenario.params
        size = max(1, self.cal.settings.chunk_rows // run.replicates) * run.replicates
        out = []
        for i, r0 in enumerate(range(0, n * run.replicates, size)):
            r1 = min(r0 + size, n * run.replicates)
            chunk = ChunkSpec(i, (r0 // run.replicates, r1 // run.replicates), (0, run.replicates))
            out.append(CandidateTask(chunk, base, {k: v[r0:r1] for k, v in per_row.items()}, reps[r0:r1], seed,
                                     run.days, self.columns(run, False),
                                     tuple((p.name, p.first, p.last, p.shift) for p in run.periods),
                                     self.columns(run, True) if run.periods else ()))
        return out

    def __call__(self, values: np.ndarray, seed: int, offset: int) -> np.ndarray:
        """Statistics ``(n, targets)`` of candidates ``values`` ``(n, parameters)``. Rows draw from streams
        keyed by ``seed`` and replicate indices ``offset + candidate x replicates + r`` (per run)."""
        n = len(values)
        stats = np.full((n, len(self.cal.targets)), np.nan)
        for run in self.cal.runs:
            tasks = self.tasks(run, values, seed, offset)
            parts: dict[int, pd.DataFrame] = {}
            for task, out, err in self.executor.map(tasks, self.progress, fn=run_candidates):
                if err is not None:
                    raise err
                parts[task.chunk.id] = out
            table = pd.concat([parts[i] for i in sorted(parts)], ignore_index=True)
            for j, t in enumerate(self.cal.targets):
                if t.run == run.name:
                    stats[:, j] = statistic(t, table, n, run.replicates, target_days(t, run))
        self.candidates += n
        return stats

    def replicate_days(self, n: int) -> int:
        """Replicate-days of a batch of ``n`` candidates (for progress bars)."""
        return n * sum(r.replicates * r.days for r in self.cal.runs)
