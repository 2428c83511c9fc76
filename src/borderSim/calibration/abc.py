"""ABC rejection and ABC-SMC with ELFI, one batch of candidates per call of the core.

ELFI (Lintusaari et al. 2018) holds the inference: priors (scipy distributions), rejection by
quantile or tolerance, and ABC-SMC (Beaumont et al. 2009: a Gaussian kernel of twice the weighted
variance, importance weights prior / proposal) whose tolerance is a fixed schedule or, adaptively,
a weighted quantile of the previous generation's distances. Its simulator takes a whole batch of
parameter vectors (``sim(*params, batch_size, random_state, meta)``), so each batch of ``abc.batch``
candidates is one evaluation over thousands of rows of the core (:mod:`.simulate`).

What is ours: the simulator node (candidates -> target statistics through the experiment layer's
executors), the distance (:mod:`.distance`), the batch cache that makes a calibration resumable, and
the loop that drives ELFI batch by batch so a generation that needs more than ``max_candidates`` is
stopped (a tolerance schedule that accepts nothing) with the earlier generations kept.

Random numbers: ELFI draws priors and proposals from random states seeded by the calibration's
``seed`` (per batch and per generation, ``get_sub_seed``); the simulator ignores ELFI's
``random_state`` and keys the core's streams by the same ``seed`` and replicate indices derived from
ELFI's batch index, which runs on across generations (:func:`batch_offset`). Nothing depends on
which process runs a row: the same file and seed give the same posterior on any executor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from borderSim.calibration.distance import Distance
from borderSim.calibration.problem import Calibration
from borderSim.calibration.simulate import Evaluator


def import_elfi():
    """ELFI, without the notice its ArviZ dependency prints on import."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import elfi
    return elfi


class ScheduleError(Exception):
    """A generation needed more than ``max_candidates`` candidates to fill its population."""

    def __init__(self, generation: int, tolerance: float | None, candidates: int, accepted: int):
        self.generation, self.tolerance, self.candidates, self.accepted = generation, tolerance, candidates, accepted
        tol = "" if tolerance is None else f" (tolerance {tolerance:.4g})"
        super().__init__(f"generation {generation}{tol} accepted {accepted:,} of {candidates:,} candidates, fewer "
                         "than the population, within abc.max_candidates")


@dataclass
class Generation:
    """One generation's accepted sample and its bookkeeping."""

    index: int
    samples: np.ndarray         # (population, d)
    weights: np.ndarray         # (population,), sum 1
    distances: np.ndarray
    stats: np.ndarray           # (population, targets)
    tolerance: float
    candidates: int
    seconds: float
    raw: np.ndarray | None = None       # the samples as simulated, when ``samples`` were regression-adjusted

    @property
    def acceptance(self) -> float:
        return len(self.samples) / self.candidates

    @property
    def simulated(self) -> np.ndarray:
        """The parameter vectors that were run (``stats`` and ``distances`` belong to these)."""
        return self.samples if self.raw is None else self.raw

    @property
    def ess(self) -> float:
        return effective_sample_size(self.weights)

    def record(self) -> dict:
        return {"generation": self.index, "tolerance": self.tolerance, "candidates": self.candidates,
                "accepted": len(self.samples), "acceptance_rate": self.acceptance,
                "effective_sample_size": self.ess, "seconds": round(self.seconds, 3)}


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of a weighted sample: (sum w)^2 / sum w^2 (n for equal weights)."""
    w = np.asarray(weights, dtype=np.float64)
    return float(w.sum() ** 2 / np.sum(w**2))


def batch_offset(batch_index: int, batch: int, cal: Calibration) -> int:
    """First replicate index of a batch: batches of one generation never share a replicate index."""
    return batch_index * batch * max(r.replicates for r in cal.runs)


@dataclass
class Sampler:
    """Runs a calibration's ABC with ELFI over an evaluator, through a batch cache."""

    cal: Calibration
    evaluate: Evaluator
    distance: Distance
    cache: object                             # .get(key, values) -> stats | None; .put(key, values, stats)
    on_batch: Callable[[int, int], None] | None = None    # (generation, candidates so far in it)
    log_scale: bool = True          # ELFI samples a log-uniform prior as a uniform one of the logarithm
    generations: list[Generation] = field(default_factory=list)
    _elfi: object = None
    _candidates: dict = field(default_factory=dict)

    def _logged(self) -> np.ndarray:
        return np.array([self.log_scale and p.kind == "loguniform" for p in self.cal.priors], dtype=bool)

    def _values(self, columns) -> np.ndarray:
        """Parameter values from ELFI's (the exponential of those it samples on the log scale)."""
        values = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
        logged = self._logged()
        values[:, logged] = np.exp(values[:, logged])
        return values

    def _simulate(self, *params, batch_size, random_state=None, meta=None):
        values = self._values(params)
        index = int(meta["batch_index"])            # numbered across generations by ELFI
        gen = self._elfi.state.get("round", 0)      # the native client runs a batch when it is submitted
        key = f"batch-{index:06d}"
        stats = self.cache.get(key, values)
        if stats is None:
            stats = self.evaluate(values, self.cal.seed, batch_offset(index, batch_size, self.cal))
            self.cache.put(key, values, stats)
        self._candidates[gen] = self._candidates.get(gen, 0) + batch_size
        if self.on_batch is not None:
            self.on_batch(gen, self._candidates[gen])
        return stats

    def _discrepancy(self, stats, observed=None):
        return self.distance(stats)

    def model(self):
        elfi = import_elfi()

        m = elfi.ElfiModel(name="borderSim")
        nodes = []
        for j, (p, logged) in enumerate(zip(self.cal.priors, self._logged(), strict=True)):
            if logged:
                lo, hi = np.log(p.support)
                dist, args = "uniform", (lo, hi - lo)
            else:
                dist, args = p.elfi_args()
            nodes.append(elfi.Prior(dist, *args, model=m, name=f"p{j}"))
        observed = np.array([[t.centre for t in self.cal.targets]])
        sim = elfi.Simulator(self._simulate, *nodes, observed=observed, model=m, name="sim")
        sim.uses_meta = True
        elfi.Discrepancy(self._discrepancy, sim, model=m, name="d")
        return m

    def run(self) -> list[Generation]:
        """Every generation of the schedule; :class:`ScheduleError` (with ``self.generations`` kept) if one
        needs more than ``max_candidates`` candidates."""
        elfi = import_elfi()

        s = self.cal.settings
        elfi.set_client("native")
        m = self.model()
        common = dict(batch_size=s.batch, seed=self.cal.seed, max_parallel_batches=1, output_names=["sim"])
        if s.method == "rejection":
            sampler = elfi.Rejection(m, "d", **common)
            sampler.bar = False          # set by ELFI's sample(), which we do not use (we drive iterate())
            if s.quantiles is not None:
                sampler.set_objective(s.population, quantile=s.quantiles[0])
            else:
                sampler.set_objective(s.population, threshold=s.tolerances[0])
        else:
            sampler = elfi.SMC(m, "d", **common)
            sampler.bar = False
            if s.quantiles is not None:
                sampler.set_objective(s.population, quantiles=list(s.quantiles))
            else:
                sampler.set_objective(s.population, thresholds=list(s.tolerances))
        self._elfi = sampler
        t0 = time.perf_counter()
        done = 0
        while not sampler.finished:
            sampler.iterate()
            gen = sampler.state.get("round", 0)
            pops = getattr(sampler, "_populations", [])     # ELFI's finished SMC generations
            while done < len(pops):
                t0 = self._keep(pops[done], done, t0)
                done += 1
            if not sampler.finished and self._candidates.get(gen, 0) >= s.max_candidates:
                tol = None if s.tolerances is None else s.tolerances[gen]
                if gen > 0 and s.quantiles is not None:
                    tol = float(sampler.objective["thresholds"][gen])
                accepted = int(np.isfinite(_current_distances(sampler, gen, tol)).sum())
                raise ScheduleError(gen, tol, self._candidates[gen], accepted)
        result = sampler.extract_result()
        final = result.populations[-1] if s.method == "smc" else result
        self._keep(final, len(self.generations), t0)
        return self.generations

    def _keep(self, sample, index: int, t0: float) -> float:
        values = self._values([sample.outputs[f"p{j}"] for j in range(len(self.cal.priors))])
        w = getattr(sample, "weights", None)
        w = np.ones(len(values)) if w is None else np.asarray(w, dtype=np.float64)
        d = np.asarray(sample.outputs["d"], dtype=np.float64)
        tol = float(sample.threshold) if getattr(sample, "threshold", None) is not None else float(d.max())
        now = time.perf_counter()
        self.generations.append(Generation(index, values, w / w.sum(), d, np.asarray(sample.outputs["sim"]),
                                           tol, self._candidates.get(index, 0), now - t0))
        return now


def _current_distances(sampler, gen: int, tol: float | None) -> np.ndarray:
    """Distances accepted so far in the running generation (ELFI keeps them sorted, inf for empty)."""
    rej = getattr(sampler, "_rejection", sampler)
    d = np.asarray(rej.state["samples"]["d"]) if rej.state.get("samples") is not None else np.array([])
    if tol is not None:
        d = np.where(d <= tol, d, np.inf)
    return d
