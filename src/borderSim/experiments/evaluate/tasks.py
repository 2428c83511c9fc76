"""Evaluation: design points x replicates -> rows of the vectorised core, in chunks.

A row is a parameter vector and a replicate index. :func:`evaluate_rows` is the one path every
batch takes (a sweep's chunk here; later a calibration's candidates, or posterior draws chosen by
replicate index): it compiles the shared parameters once and overwrites the varying ones with per-row
arrays (:func:`borderSim.rules.params.compile_rows`), then runs :func:`borderSim.core.run.run_rows`.
Random streams are keyed by (seed, replicate, day, purpose, slot), so a row's trajectory does not
depend on which chunk, worker or executor runs it, and the same replicate index draws the same
numbers at every design point (common random numbers).

Daily quantiles per design point are computed from all of the point's replicates at once, in
replicate order (numpy's default linear interpolation, plus the mean, and for a rung series such as
``level`` the share of replicates at or above each rung, ``ge1`` .. ``ge6``): a chunk that holds every
replicate of its points computes them itself; when a point is split over chunks its values go to
scratch files and the quantiles are computed when the point is complete (:mod:`.store`). Quantiles
are never merged from partial results, so they are exact and the same whatever the chunking.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from borderSim.core.run import ChunkResult, run_rows
from borderSim.inputs.geography import Geography, load_geography
from borderSim.outputs.variables import all_variables
from borderSim.rules.params import compile_rows
from borderSim.schema import Parameters


@dataclass(frozen=True)
class ChunkSpec:
    """A block of rows: design points ``points[0] .. points[1]-1`` x replicates ``replicates[0] ..``."""

    id: int
    points: tuple[int, int]
    replicates: tuple[int, int]

    @property
    def n_points(self) -> int:
        return self.points[1] - self.points[0]

    @property
    def n_replicates(self) -> int:
        return self.replicates[1] - self.replicates[0]

    @property
    def rows(self) -> int:
        return self.n_points * self.n_replicates

    def as_dict(self) -> dict:
        return {"id": self.id, "points": list(self.points), "replicates": list(self.replicates)}


def plan(n_points: int, replicates: int, chunk_rows: int) -> list[ChunkSpec]:
    """Chunks of at most ``chunk_rows`` rows, point-major: whole points together when their replicates
    fit, else each point's replicates split into equal blocks."""
    chunks: list[ChunkSpec] = []
    if replicates >= chunk_rows:
        per = -(-replicates // -(-replicates // chunk_rows))      # equal blocks of at most chunk_rows
        for p in range(n_points):
            for r0 in range(0, replicates, per):
                chunks.append(ChunkSpec(len(chunks), (p, p + 1), (r0, min(r0 + per, replicates))))
    else:
        k = chunk_rows // replicates
        for p0 in range(0, n_points, k):
            chunks.append(ChunkSpec(len(chunks), (p0, min(p0 + k, n_points)), (0, replicates)))
    return chunks


def evaluate_rows(base: Parameters, values: dict[str, np.ndarray | Sequence], replicates: np.ndarray, *,
                  seed: int, days: int, record: Sequence[str] = (), geo: Geography | None = None,
                  progress: Callable[[int], None] | None = None,
                  periods: dict[str, tuple[int, int]] | None = None,
                  summary_columns: Sequence[str] | None = None) -> ChunkResult:
    """Run rows ``i`` = (``base`` with ``values[name][i]`` for each varying parameter, ``replicates[i]``).
    ``periods`` (``{name: (first, last)}`` days of the run) adds a summary of each part (``.periods``);
    ``summary_columns`` keeps only those outcomes in the summaries (default: every one)."""
    geo = geo or load_geography()
    replicates = np.asarray(replicates, dtype=np.int64)
    P = compile_rows(base, values, geo, len(replicates))
    return run_rows(P, replicates, seed=seed, days=days, geo=geo, record=list(record), progress=progress,
                    periods=periods, summary_columns=summary_columns)


@dataclass(frozen=True)
class RowsTask:
    """Rows given one by one (picklable; ``chunk`` and ``days`` for the executors): row ``i`` is ``base``
    with ``values[name][i]``, on replicate ``replicates[i]``; only the summary ``columns`` come back.
    A calibration's candidates and an optimisation's candidates x posterior draws run as these."""

    chunk: ChunkSpec
    base: Parameters
    values: dict[str, np.ndarray]      # per row
    replicates: np.ndarray             # per row
    seed: int
    days: int
    columns: tuple[str, ...]


def run_rows_task(task: RowsTask, progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """The summary ``columns`` of a :class:`RowsTask`, one row per task row, in row order."""
    res = evaluate_rows(task.base, task.values, task.replicates, seed=task.seed, days=task.days, progress=progress,
                        summary_columns=task.columns)
    return res.summary[list(task.columns)].reset_index(drop=True)


@dataclass(frozen=True)
class Task:
    """Everything a worker needs for one chunk (picklable, small)."""

    chunk: ChunkSpec
    base: Parameters
    point_values: dict[str, np.ndarray]    # per design point of the chunk, in point order
    labels: tuple[str, ...]                # scenario of each point of the chunk (for series tables)
    seed: int
    days: int
    quantiles: tuple[str, ...] = ()
    probabilities: tuple[float, ...] = ()
    series: tuple[str, ...] = ()
    series_replicates: int | None = None
    total_replicates: int = 0
    draws: Any = None                      # posterior Draws: each replicate's parameter vector (or None)
    posterior_keeps: dict[str, np.ndarray] = field(default_factory=dict)   # per point of the chunk


@dataclass
class ChunkOutput:
    """A chunk's results: summaries; per-replicate series; quantiles of whole points, or the values of
    split points for the store to finish."""

    chunk: ChunkSpec
    summary: pd.DataFrame
    series: dict[str, np.ndarray] = field(default_factory=dict)   # name -> (days + 1, rows) kept rows
    series_rows: np.ndarray | None = None                           # (point, replicate) of the kept rows
    quantiles: pd.DataFrame | None = None
    partial: np.ndarray | None = None                               # (days + 1, rows, n quantile series)
    seconds: float = 0.0


def rows_of(chunk: ChunkSpec) -> tuple[np.ndarray, np.ndarray]:
    """Point and replicate index of each row of a chunk, point-major."""
    points = np.repeat(np.arange(*chunk.points, dtype=np.int64), chunk.n_replicates)
    reps = np.tile(np.arange(*chunk.replicates, dtype=np.int64), chunk.n_points)
    return points, reps


RUNG_UNIT = "rung 0-6"
RUNGS = tuple(range(1, 7))


def is_rung(series: str) -> bool:
    """A daily series of ladder rungs (``level``, ``segment_level[...]``)."""
    name = series.split("[")[0]
    return any(v.name == name and v.unit == RUNG_UNIT for v in all_variables())


def point_quantiles(values: np.ndarray, probabilities: Sequence[float], columns: Sequence[str], point: int
                    ) -> pd.DataFrame:
    """Daily quantiles and mean of one point from ``values`` (days + 1, its replicates in order, series); for
    rung series also the share of replicates at or above each rung (``ge1`` .. ``ge6``; NaN for other series)."""
    q = np.quantile(values, probabilities, axis=1)          # (probabilities, days + 1, series)
    parts = [q, values.mean(axis=1)[None]]
    names = [f"q{p:g}" for p in probabilities] + ["mean"]
    rung = np.array([is_rung(c) for c in columns])
    if rung.any():
        ge = np.stack([(values >= k).mean(axis=1) for k in RUNGS])     # (rungs, days + 1, series)
        ge[:, :, ~rung] = np.nan
        parts.append(ge)
        names += [f"ge{k}" for k in RUNGS]
    stats = np.concatenate(parts, axis=0)
    days = values.shape[0]
    frame = pd.DataFrame({"point": np.full(days * len(names), point, dtype=np.int64),
                          "statistic": np.repeat(names, days), "day": np.tile(np.arange(days, dtype=np.int32),
                                                                              len(names))})
    for j, c in enumerate(columns):
        frame[c] = stats[:, :, j].reshape(-1)
    return frame


def run_task(task: Task, progress: Callable[[int], None] | None = None) -> ChunkOutput:
    """Run one chunk (in whatever process the executor chose)."""
    t0 = time.perf_counter()
    c = task.chunk
    points, reps = rows_of(c)
    local = points - c.points[0]
    record = list(dict.fromkeys((*task.quantiles, *task.series)))
    values = {k: v[local] for k, v in task.point_values.items()}
    if task.draws is not None:                 # posterior draws by replicate index (same at every point)
        values = task.draws.apply(values, {k: v[local] for k, v in task.posterior_keeps.items()}, reps, task.base)
    res = evaluate_rows(task.base, values, reps, seed=task.seed, days=task.days, record=record, progress=progress)
    summary = res.summary
    summary.insert(0, "point", points)
    out = ChunkOutput(c, summary)
    keep = np.ones(len(reps), dtype=bool) if task.series_replicates is None else reps < task.series_replicates
    if task.series and keep.any():
        out.series = {name: res.series[:, keep, record.index(name)] for name in task.series}
        out.series_rows = np.stack([points[keep], reps[keep]], axis=1)
    if task.quantiles:
        idx = [record.index(q) for q in task.quantiles]
        values = res.series[:, :, idx]
        if c.n_replicates == task.total_replicates:
            frames = [point_quantiles(values[:, (local == j)], task.probabilities, task.quantiles, c.points[0] + j)
                      for j in range(c.n_points)]
            out.quantiles = pd.concat(frames, ignore_index=True)
        else:
            out.partial = values
    out.seconds = time.perf_counter() - t0
    return out
