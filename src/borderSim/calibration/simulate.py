"""Evaluation: a batch of candidate parameter vectors -> the target statistics of each, on the core.

A batch of ``n`` candidates is, for each run of the calibration (a scenario on a window), one set of
``n x replicates`` rows of the vectorised core (:func:`borderSim.experiments.evaluate.evaluate_rows`),
cut into chunks of ``chunk_rows`` rows and run by the experiment layer's executors (in this process,
local processes or Dask). Every row's random streams are keyed by ``(seed, replicate)``, where the
seed and the replicate index are derived from the batch's key (:func:`replicates_of`), never from a
worker: the statistics of a batch are the same whatever runs it.

Each candidate runs its own replicate indices (no common random numbers between candidates), so the
accepted sample reflects the model's noise, not one draw of it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from borderSim.calibration.problem import Calibration, Run, Target, as_parameter_values
from borderSim.experiments.evaluate import ChunkSpec, RowsTask, run_rows_task

CandidateTask = RowsTask        # rows of one run for a block of candidates
run_candidates = run_rows_task  # the summary columns the targets read, one row per task row


def replicates_of(offset: int, n: int, replicates: int) -> np.ndarray:
    """Replicate indices of ``n`` candidates x ``replicates``, candidate-major, from ``offset`` on."""
    return offset + np.arange(n * replicates, dtype=np.int64)


def statistic(target: Target, table: pd.DataFrame, n: int, replicates: int, days: int) -> np.ndarray:
    """One target's statistic for each of ``n`` candidates from their rows (candidate-major)."""
    x = table[target.column].to_numpy(dtype=np.float64).reshape(n, replicates)
    if target.where is not None:
        x = np.where(table[target.where].to_numpy(dtype=bool).reshape(n, replicates), x, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)         # a candidate with no qualifying replicate: NaN
        if target.statistic == "median":
            return np.nanmedian(x, axis=1)
        if target.statistic == "per_year":
            return np.nansum(x, axis=1) / (np.isfinite(x).sum(axis=1) * days / 365.0)
        return np.nanmean(x, axis=1)            # mean, share (of a yes/no column)


class Evaluator:
    """Runs batches of candidates on an executor and computes every target's statistic."""

    def __init__(self, calibration: Calibration, executor, progress: Callable[[int], None] | None = None):
        self.cal = calibration
        self.executor = executor
        self.progress = progress
        self.candidates = 0         # candidates evaluated by this evaluator (not read from a cache)

    def _columns(self, run: Run) -> tuple[str, ...]:
        cols = []
        for t in self.cal.targets:
            if t.run == run.name:
                cols += [t.column] + ([t.where] if t.where else [])
        return tuple(dict.fromkeys(cols))

    def tasks(self, run: Run, values: np.ndarray, seed: int, offset: int) -> list[CandidateTask]:
        n = len(values)
        reps = replicates_of(offset, n, run.replicates)
        per_row = {k: np.repeat(v, run.replicates) for k, v in as_parameter_values(self.cal.priors, values).items()}
        base = run.scenario.params
        size = max(1, self.cal.settings.chunk_rows // run.replicates) * run.replicates
        out = []
        for i, r0 in enumerate(range(0, n * run.replicates, size)):
            r1 = min(r0 + size, n * run.replicates)
            chunk = ChunkSpec(i, (r0 // run.replicates, r1 // run.replicates), (0, run.replicates))
            out.append(CandidateTask(chunk, base, {k: v[r0:r1] for k, v in per_row.items()}, reps[r0:r1], seed,
                                     run.days, self._columns(run)))
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
                    stats[:, j] = statistic(t, table, n, run.replicates, run.days)
        self.candidates += n
        return stats

    def replicate_days(self, n: int) -> int:
        """Replicate-days of a batch of ``n`` candidates (for progress bars)."""
        return n * sum(r.replicates * r.days for r in self.cal.runs)
