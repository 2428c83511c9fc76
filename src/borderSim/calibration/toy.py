"""A toy calibration whose exact posterior is known, shaped like the project's: for choosing and testing
the sampler, never for the model.

Eleven parameters with uniform priors (named after model parameters, but only their place ``u`` in the
prior's range matters) and twelve statistics ``s = A u + noise`` (noise sd ``SIGMA``, drawn afresh for
each candidate like a model's replicates): eight statistics pin down the first four parameters, two
inform the next two weakly, two are noise alone; the last five parameters move nothing. The record is
one noisy draw at ``TRUE``. The likelihood is Gaussian, so the exact posterior is the Gaussian of the
first six parameters truncated to the unit box, times uniforms for the rest (:func:`exact`).

``python -m borderSim.calibration.toy`` compares the samplers (docs/calibration.md, "A posterior worth
integrating over").
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from borderSim.calibration.abc import Sampler, effective_sample_size
from borderSim.calibration.adjust import linear
from borderSim.calibration.distance import Distance
from borderSim.calibration.priors import Prior
from borderSim.calibration.problem import Calibration, Settings
from borderSim.calibration.runs import Run
from borderSim.calibration.targets import Target
from borderSim.schema.scenarios import load_scenario

RANGES = {"tajikistan.escalation_intercept": (-9.0, -3.5), "kyrgyzstan.escalation_intercept": (-9.0, -3.5),
          "border.ceasefire_rate": (0.05, 1.0), "border.ceasefire_unrest_lock": (0.0, 30.0),
          "border.front_spread_rate": (0.03, 0.8), "border.involuntary_escalation": (0.002, 0.1),
          "border.talks_ripeness": (10.0, 500.0), "communities.civilian_death_rate": (0.03, 1.5),
          "border.military_death_rate": (0.1, 3.0), "communities.flight_rate": (0.1, 5.0),
          "communities.homes_per_shelling": (0.2, 8.0)}
#: The project's calibration file's priors (an earlier experiments/calibration.toml): eight log-uniform.
LOG = ("border.ceasefire_rate", "border.front_spread_rate", "border.involuntary_escalation", "border.talks_ripeness",
       "communities.civilian_death_rate", "border.military_death_rate", "communities.flight_rate",
       "communities.homes_per_shelling")
SIGMA = 0.1
A = np.zeros((12, 11))
A[0, 0] = A[1, 1] = A[2, 2] = A[3, 3] = 1.0
A[4, [0, 1]] = 1.0, 1.0
A[5, [1, 2]] = 1.0, -1.0
A[6, [2, 3]] = 0.5, 1.0
A[7, [0, 3]] = -0.3, 1.0
A[8, 4] = 0.3
A[9, 5] = 0.3
TRUE = np.array([0.3, 0.6, 0.45, 0.7, 0.5, 0.35, 0.5, 0.5, 0.5, 0.5, 0.5])
IDENTIFIED = 4          # the first four parameters are well identified; 4-5 weakly; 6-10 not at all


def observed(seed: int = 0) -> np.ndarray:
    """The toy's record: one noisy draw of the statistics at ``TRUE``."""
    return A @ TRUE + SIGMA * np.random.default_rng([seed, 99]).standard_normal(len(A))


def calibration(settings: Settings, seed: int = 1, record: np.ndarray | None = None) -> Calibration:
    """The toy problem as a calibration (its runs are never run: :class:`Toy` evaluates it)."""
    record = observed() if record is None else record
    priors = tuple(Prior(n, "loguniform" if n in LOG else "uniform", {"low": lo, "high": hi})
                   for n, (lo, hi) in RANGES.items())
    base = load_scenario("baseline")
    targets = tuple(Target(f"s{i}", "toy", "incidents_total", "mean", (float(x), float(x)), "toy", scale=SIGMA)
                    for i, x in enumerate(record))
    return Calibration("toy", "toy problem with a known posterior", None, "", base, seed, priors,
                       (Run("toy", base, 1, 1),), targets, settings)


def unit(values: np.ndarray) -> np.ndarray:
    """The place of each value in its prior's range (on the log scale for a log-uniform prior)."""
    out = np.empty_like(values, dtype=np.float64)
    for j, (name, (lo, hi)) in enumerate(RANGES.items()):
        x = values[:, j]
        out[:, j] = (np.log(x / lo) / np.log(hi / lo)) if name in LOG else (x - lo) / (hi - lo)
    return out


class Toy:
    """The simulator: statistics of candidates ``values`` ``(n, 11)``, noise keyed by (seed, offset)."""

    def __init__(self):
        self.candidates = 0

    def __call__(self, values: np.ndarray, seed: int, offset: int) -> np.ndarray:
        self.candidates += len(values)
        noise = np.random.default_rng([seed, offset]).standard_normal((len(values), len(A)))
        return unit(values) @ A.T + SIGMA * noise


class Memory:
    """A batch cache that forgets (the toy is cheaper to rerun than to store)."""

    def get(self, key, values):
        return None

    def put(self, key, values, stats):
        pass


def exact(record: np.ndarray, n: int = 20_000, seed: int = 0) -> np.ndarray:
    """``n`` draws (unit scale) from the exact posterior of the toy given ``record``."""
    rng = np.random.default_rng(seed)
    informed = np.flatnonzero(np.abs(A).sum(axis=0) > 0)
    a = A[:, informed]
    cov = np.linalg.inv(a.T @ a / SIGMA**2)
    mean = cov @ a.T @ record / SIGMA**2
    out, got = [], 0
    while got < n:
        x = rng.multivariate_normal(mean, cov, size=4 * n)
        x = x[((x >= 0) & (x <= 1)).all(axis=1)]
        out.append(x)
        got += len(x)
    u = rng.uniform(size=(n, A.shape[1]))
    u[:, informed] = np.concatenate(out)[:n]
    return u


@dataclass
class Outcome:
    method: str
    candidates: int
    seconds: float
    accepted: int
    ess: float
    tolerance: float
    mean_error: float       # max over the identified parameters of |posterior mean - exact| / exact sd
    width_ratio: float      # median over the identified parameters of 90 % width / exact 90 % width
    flat_width: float       # median over the uninformed parameters of 90 % width / the prior's (0.9)


def _wq(x: np.ndarray, w: np.ndarray, q) -> np.ndarray:
    from borderSim.experiments.evaluate.posterior import weighted_quantile

    return weighted_quantile(x, w, q)


def score(method: str, u: np.ndarray, w: np.ndarray, truth: np.ndarray, candidates: int, seconds: float,
          tolerance: float) -> Outcome:
    """How far a weighted sample ``u`` (unit scale) is from the exact posterior ``truth``."""
    errors, widths, flats = [], [], []
    for j in range(A.shape[1]):
        lo, hi = _wq(u[:, j], w, [0.05, 0.95])
        tlo, thi = np.quantile(truth[:, j], [0.05, 0.95])
        if j < IDENTIFIED:
            errors.append(abs(np.sum(w * u[:, j]) / w.sum() - truth[:, j].mean()) / truth[:, j].std())
            widths.append((hi - lo) / (thi - tlo))
        elif not np.abs(A[:, j]).any():
            flats.append((hi - lo) / 0.9)
    return Outcome(method, candidates, seconds, len(u), effective_sample_size(w), tolerance, float(max(errors)),
                   float(np.median(widths)), float(np.median(flats)))


def sample(settings: Settings, seed: int = 1, record: np.ndarray | None = None, log_scale: bool = True):
    """Run the package's sampler (ELFI through :class:`~borderSim.calibration.abc.Sampler`) on the toy:
    (generations, the regression-adjusted last sample or None, candidates, seconds)."""
    cal = calibration(settings, seed, record)
    dist = Distance(cal, np.full(len(cal.targets), SIGMA))
    toy = Toy()
    t0 = time.perf_counter()
    gens = Sampler(cal, toy, dist, Memory(), log_scale=log_scale).run()
    last = gens[-1]
    adj = None
    if settings.adjustment != "none":
        adj = linear(cal.priors, last.samples, last.weights, last.stats[:, dist.idx] / dist.scale,
                     dist.gaps(last.stats), settings.adjustment)
    return gens, adj, toy.candidates, time.perf_counter() - t0


def plans(budget: int) -> list[tuple[str, Settings, bool]]:
    """The samplers compared: (name, settings, log scale)."""
    shipped = (0.2, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5)
    return [
        ("ABC-SMC as shipped (population 500, 7 generations), raw scale", Settings("smc", 500, 1000, shipped, None,
                                                                                   10**9, 0), False),
        ("ABC-SMC as shipped, log scale", Settings("smc", 500, 1000, shipped, None, 10**9, 0), True),
        ("ABC-SMC as shipped, log scale + linear adjustment",
         Settings("smc", 500, 1000, shipped, None, 10**9, 0, adjustment="linear"), True),
        ("ABC-SMC, population 1,000, 5 generations, log scale",
         Settings("smc", 1000, 2000, (0.2, 0.5, 0.5, 0.5, 0.5), None, 10**9, 0), True),
        (f"rejection, 500 of {budget:,}", Settings("rejection", 500, 2000, (500 / budget,), None, 10**9, 0), True),
        (f"rejection, 500 of {budget:,} + linear adjustment",
         Settings("rejection", 500, 2000, (500 / budget,), None, 10**9, 0, adjustment="linear"), True),
        (f"rejection, 1,000 of {budget:,} + linear adjustment",
         Settings("rejection", 1000, 2000, (1000 / budget,), None, 10**9, 0, adjustment="linear"), True),
    ]


def compare(budget: int = 40_000, seed: int = 1) -> list[Outcome]:
    """Each sampler (rejection at ``budget`` candidates) against the exact posterior."""
    record = observed()
    truth = exact(record)
    rows = []
    for name, s, log in plans(budget):
        gens, adj, n, sec = sample(s, seed, record, log_scale=log)
        last = gens[-1]
        u = unit(last.samples if adj is None else adj.samples)
        rows.append(score(name, u, last.weights, truth, n, sec, last.tolerance))
    return rows


def markdown(rows: list[Outcome]) -> str:
    lines = ["| sampler | candidates | accepted | ESS | tolerance | mean error (exact sd) | 90 % width / exact "
             "| uninformed width / prior | seconds |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.method} | {r.candidates:,} | {r.accepted:,} | {r.ess:,.0f} | {r.tolerance:.3g} | "
                     f"{r.mean_error:.2f} | {r.width_ratio:.2f} | {r.flat_width:.2f} | {r.seconds:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    budget = int(sys.argv[1]) if len(sys.argv) > 1 else 40_000
    for seed in (1, 2):
        print(f"seed {seed}")
        print(markdown(compare(budget, seed)))
