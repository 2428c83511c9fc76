"""Candidates -> outcomes per (candidate, posterior draw, replicate) -> robust objectives and intervals.

A batch of ``n`` candidates is one set of ``n x draws x replicates`` rows of the vectorised core, cut
into chunks of ``chunk_rows`` rows (:class:`borderSim.experiments.evaluate.tasks.RowsTask`) and run by the
experiment layer's executors. Every candidate runs the same rows (common random numbers): draw ``d``
is the posterior sample :func:`borderSim.experiments.evaluate.posterior.draw_indices` picks for ``d`` (the
optimisation's seed), and its replicate ``k`` is replicate index ``d x replicates + k``. A *block*
shifts both: block 1 (the re-evaluation on fresh indices) runs draws ``draws .. 2 x draws - 1`` and the
replicate indices after those of block 0. A lever that is also a posterior parameter keeps the
lever's value, as does a parameter the scenario's files set beyond the calibration's base scenario
(declared, :meth:`borderSim.schema.scenarios.Scenario.declared`, not inferred from values).

Each measure's statistic (mean, quantile or P(outcome > threshold)) is taken over each draw's
replicates, then made robust over the draws by its rule. Values are kept in minimising orientation
(``F``: lower is better) for the search and reported in the file's orientation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from borderSim.experiments.evaluate.tasks import RowsTask, plan, run_rows_task
from borderSim.optimize.problem import EFFORT, Measure, Optimization


@dataclass
class Outcomes:
    """Per candidate, draw and replicate: each measure's outcome ``(n, draws, replicates)``."""

    values: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        return next(iter(self.values.values())).shape[0]

    def take(self, idx) -> Outcomes:
        return Outcomes({k: v[idx] for k, v in self.values.items()})

    @staticmethod
    def concat(parts: list[Outcomes]) -> Outcomes:
        return Outcomes({k: np.concatenate([p.values[k] for p in parts]) for k in parts[0].values})


def lever_values(opt: Optimization, X: np.ndarray) -> dict[str, np.ndarray]:
    """Each lever's value per candidate from search variables ``X`` (n, levers)."""
    return {lv.name: lv.decode(X[:, j]) for j, lv in enumerate(opt.levers)}


def _factor(opt: Optimization, name: str, levers: dict[str, np.ndarray], cols: dict[str, np.ndarray], shape
            ) -> np.ndarray:
    if "." in name:        # a parameter: the lever's value, else the scenario's
        v = levers[name] if name in levers else np.full(shape[0], opt.scenario.params.get(name))
        return np.broadcast_to(np.asarray(v, dtype=np.float64)[:, None, None], shape)
    return cols[name]


def outcomes_from(opt: Optimization, levers: dict[str, np.ndarray], cols: dict[str, np.ndarray]) -> Outcomes:
    """The measures' outcomes from summary columns ``(n, draws, replicates)`` and lever values; effort is
    its weighted sum of terms per replicate (a parameter that is no lever has the scenario's value)."""
    shape = next(iter(cols.values())).shape
    out = {}
    for name in opt.outcomes:
        if name == EFFORT:
            total = np.zeros(shape)
            for factors, weight in opt.effort:
                term = np.ones(shape)
                for f in factors:
                    term = term * _factor(opt, f, levers, cols, shape)
                total = total + weight * term
            out[name] = total
        else:
            out[name] = cols[name]
    return Outcomes(out)


class ModelEvaluator:
    """Runs candidates on the core through an executor: ``evaluate(X, block)`` -> :class:`Outcomes`."""

    def __init__(self, opt: Optimization, executor, progress: Callable[[int], None] | None = None):
        self.opt, self.executor, self.progress = opt, executor, progress
        self.base = opt.scenario.params.with_updates({"simulation.days": opt.days, "simulation.seed": opt.seed})
        self.draws = self.keep = None
        if opt.posterior_path is not None:
            from borderSim.experiments.evaluate.posterior import read_posterior

            post = read_posterior(opt.posterior_path)
            self.draws = post.draws(opt.seed)
            kept = post.kept([(opt.scenario, frozenset(lv.name for lv in opt.levers))])
            self.keep = {n: bool(k[0]) for n, k in kept.items()}
        self.candidates = 0

    def rows(self, n: int, block: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw id and replicate index of each row of ``n`` candidates (candidate-major, then draw)."""
        D, R = self.opt.draws, self.opt.replicates
        draw = np.tile(np.repeat(np.arange(D, dtype=np.int64), R), n) + block * D
        reps = np.tile(np.arange(D * R, dtype=np.int64), n) + block * D * R
        return draw, reps

    def tasks(self, X: np.ndarray, block: int) -> list[RowsTask]:
        opt = self.opt
        n, per = len(X), opt.draws * opt.replicates
        levers = lever_values(opt, X)
        draw, reps = self.rows(n, block)
        values = {k: np.repeat(v, per) for k, v in levers.items()}
        if self.draws is not None:
            keep = {k: np.full(len(reps), v) for k, v in self.keep.items()}
            values = self.draws.apply(values, keep, draw, self.base)
        out = []
        for c in plan(n, per, opt.chunk_rows):          # whole candidates together, or one split in equal blocks
            r0, r1 = c.points[0] * per + c.replicates[0], (c.points[1] - 1) * per + c.replicates[1]
            out.append(RowsTask(c, self.base, {k: v[r0:r1] for k, v in values.items()}, reps[r0:r1], opt.seed,
                                opt.days, opt.columns))
        return out

    def __call__(self, X: np.ndarray, block: int = 0) -> Outcomes:
        opt = self.opt
        n, D, R = len(X), opt.draws, opt.replicates
        tasks = self.tasks(X, block)
        parts = {}
        for task, out, err in self.executor.map(tasks, self.progress, fn=run_rows_task):
            if err is not None:
                raise err
            parts[task.chunk.id] = out
        cols = {c: np.concatenate([parts[i][c].to_numpy(dtype=np.float64) for i in sorted(parts)]).reshape(n, D, R)
                for c in opt.columns}
        self.candidates += n
        return outcomes_from(opt, lever_values(opt, X), cols)

    def replicate_days(self, n: int) -> int:
        return n * self.opt.draws * self.opt.replicates * self.opt.days


# -- statistics ---------------------------------------------------------------------------------------
def per_draw(m: Measure, x: np.ndarray) -> np.ndarray:
    """The measure's statistic over each draw's replicates: ``(n, draws, replicates)`` -> ``(n, draws)``."""
    if m.statistic == "quantile":
        return np.quantile(x, m.quantile, axis=-1)
    if m.statistic == "exceeds":
        return (x > m.threshold).mean(axis=-1)
    return x.mean(axis=-1)


def robust(m: Measure, s: np.ndarray, best: np.ndarray | None = None) -> np.ndarray:
    """Minimising value of each candidate from its per-draw statistics ``s`` (n, draws). ``best`` (draws,)
    is the best minimising statistic per draw for regret (default: the best among ``s``)."""
    z = m.sign * s
    if m.rule == "percentile":
        return np.percentile(z, m.percentile, axis=1)
    if m.rule == "regret":
        ref = z.min(axis=0) if best is None else best
        return np.percentile(z - ref, m.percentile, axis=1)
    if m.rule == "satisficing":
        return -(z <= m.sign * m.satisfice).mean(axis=1)
    return z.mean(axis=1)


def reported(m: Measure, f: np.ndarray) -> np.ndarray:
    """A minimising value in the file's terms (the statistic, the regret, or the share of draws)."""
    if m.rule == "regret":
        return f
    if m.rule == "satisficing":
        return -f
    return m.sign * f


def stats(opt: Optimization, o: Outcomes) -> np.ndarray:
    """Per-draw statistics of every objective then constraint: ``(n, measures, draws)``."""
    return np.stack([per_draw(m, o.values[m.outcome]) for m in (*opt.objectives, *opt.constraints)], axis=1)


def objectives(opt: Optimization, S: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """``F`` (n, objectives), minimising, and ``G`` (n, constraints; feasible where <= 0) from statistics
    ``S``. Regret is against the best of these candidates in each draw."""
    k = len(opt.objectives)
    F = np.column_stack([robust(m, S[:, j]) for j, m in enumerate(opt.objectives)])
    if not opt.constraints:
        return F, None
    G = np.column_stack([robust(m, S[:, k + j]) - m.sign * m.limit for j, m in enumerate(opt.constraints)])
    return F, G


def intervals(opt: Optimization, o: Outcomes, *, n_boot: int = 1000, seed: int = 0, level: float = 0.95
              ) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap intervals of each objective (reported terms) of each candidate: draws
    resampled, then replicates within each draw (both kinds of noise; replicates only without a
    posterior). The same resamples for every candidate (paired); regret against the best of these
    candidates in each resample. Returns (low, high), each (n, objectives)."""
    rng = np.random.default_rng(seed)
    n, D, R = next(iter(o.values.values())).shape
    k = len(opt.objectives)
    boot = np.empty((n_boot, n, k))
    for b in range(n_boot):
        di = rng.integers(0, D, D) if D > 1 else np.zeros(1, dtype=np.int64)
        ri = rng.integers(0, R, (D, R))
        for j, m in enumerate(opt.objectives):
            x = o.values[m.outcome][:, di[:, None], ri]
            boot[b, :, j] = reported(m, robust(m, per_draw(m, x)))
    a = (1 - level) / 2
    return np.quantile(boot, a, axis=0), np.quantile(boot, 1 - a, axis=0)
