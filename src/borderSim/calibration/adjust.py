"""Regression adjustment of an ABC sample (Beaumont, Zhang & Balding 2002), on the priors' supports.

An accepted candidate's statistics miss the record by up to the tolerance; the adjustment moves its
parameters along a linear regression of parameters on statistics fitted to the accepted sample, as if
its statistics had met the record: ``theta_adj = theta - beta . gap`` with ``beta`` the slopes on the
statistics (each divided by its scale) and ``gap`` the candidate's scaled gaps to the record
(:meth:`~borderSim.calibration.distance.Distance.gaps`: zero inside an observed range, so a statistic
is moved to the nearest point of the range). The regression is weighted by the sample's weights (equal
after rejection) and uses the fitted targets only.

Each parameter is regressed as its place in the prior's support, from 0 to 1 (on the log scale for a
log-uniform prior, the scale the sampler draws it on):

* ``linear``: the place itself; an adjusted value that leaves the support is reflected back into it
  at the edge it crossed (so no mass piles up on an edge);
* ``logit``: the logit of the place (Hamilton et al. 2005 and Beaumont et al. 2002 transform bounded
  parameters so), which keeps every value inside but bends a relation that is linear on the place
  scale: on the toy problem (:mod:`.toy`) it biases the posterior means by 0.2-0.5 of the exact
  posterior's sd at the tolerances a budget of 20,000-100,000 candidates reaches, ``linear`` by
  0.06-0.2.

The weights are not changed, so neither is the effective sample size. Reported per parameter: R^2 of
the regression (how much of the sample's spread the targets explain locally), the mean absolute shift
in units of the prior's 90 % width, and the share of values reflected at an edge.

ELFI has ``elfi.adjust_posterior`` (``LinearAdjustment``); it regresses raw parameter values without
weights or a transform, so adjusted values can leave the prior's support, and it takes a point
observation, not a range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from borderSim.calibration.priors import Prior

EDGE = 1e-9          # values on the support's edge are moved this far inside before the logit
SCALES = ("linear", "logit")


def place(p: Prior, x: np.ndarray) -> np.ndarray:
    """Where ``x`` lies in the prior's support, from 0 to 1 (on the log scale for a log-uniform prior)."""
    lo, hi = p.support
    return np.log(x / lo) / np.log(hi / lo) if p.kind == "loguniform" else (x - lo) / (hi - lo)


def from_place(p: Prior, u: np.ndarray) -> np.ndarray:
    """The inverse of :func:`place`."""
    lo, hi = p.support
    return np.exp(np.log(lo) + u * np.log(hi / lo)) if p.kind == "loguniform" else lo + u * (hi - lo)


def reflect(u: np.ndarray) -> np.ndarray:
    """Places folded back into [0, 1] at the edge they crossed (-0.1 -> 0.1, 1.2 -> 0.8)."""
    v = np.mod(u, 2.0)
    return np.where(v > 1.0, 2.0 - v, v)


def forward(p: Prior, x: np.ndarray, scale: str) -> np.ndarray:
    """A parameter on the regression's scale."""
    u = place(p, x)
    if scale == "linear":
        return u
    u = np.clip(u, EDGE, 1 - EDGE)
    return np.log(u) - np.log1p(-u)


def backward(p: Prior, y: np.ndarray, scale: str) -> np.ndarray:
    """The inverse of :func:`forward`, inside the support (reflected on the linear scale)."""
    u = reflect(y) if scale == "linear" else 1.0 / (1.0 + np.exp(-y))
    return from_place(p, u)


@dataclass
class Adjusted:
    """An adjusted sample and what the regression says."""

    samples: np.ndarray         # (n, d), inside the priors' supports
    r2: np.ndarray              # (d,) weighted R^2 of each parameter's regression on the statistics
    shift: np.ndarray           # (d,) weighted mean |adjusted - raw| / prior 90 % width
    reflected: np.ndarray       # (d,) weighted share of values reflected back into the support
    scale: str = "linear"
    note: str = ""              # why nothing was adjusted, if so

    def record(self, names: list[str]) -> dict:
        per = {"r2": self.r2, "mean_shift_prior_width": self.shift, "reflected": self.reflected}
        return {"method": self.scale, "note": self.note,
                **{k: {n: float(v) for n, v in zip(names, x, strict=True)} for k, x in per.items()}}


def linear(priors: tuple[Prior, ...], samples: np.ndarray, weights: np.ndarray, stats: np.ndarray,
           gaps: np.ndarray, scale: str = "linear") -> Adjusted:
    """Local-linear regression adjustment of ``samples`` ``(n, d)`` with ``weights``: regressed on their
    fitted statistics over the targets' scales ``stats`` ``(n, k)``, moved by the scaled ``gaps`` ``(n, k)``
    of those statistics to the record; ``scale``: the parameters' scale (:data:`SCALES`)."""
    d = samples.shape[1]
    w = np.asarray(weights, dtype=np.float64) / np.sum(weights)
    finite = np.isfinite(gaps).all(axis=1) & np.isfinite(stats).all(axis=1)
    k = gaps.shape[1]
    if finite.sum() <= k + 1:
        return Adjusted(samples.copy(), np.full(d, np.nan), np.zeros(d), np.zeros(d), scale,
                        f"not adjusted: {int(finite.sum())} samples with finite statistics for {k} targets")
    y = np.column_stack([forward(p, samples[:, j], scale) for j, p in enumerate(priors)])
    x = stats[finite]
    ws = w[finite] / w[finite].sum()
    xm = ws @ x
    design = np.column_stack([np.ones(len(x)), x - xm]) * np.sqrt(ws)[:, None]
    coef, *_ = np.linalg.lstsq(design, y[finite] * np.sqrt(ws)[:, None], rcond=None)
    beta = coef[1:]                                           # (k, d)
    fitted = coef[0] + (x - xm) @ beta
    resid = y[finite] - fitted
    ym = ws @ y[finite]
    total = ws @ (y[finite] - ym) ** 2
    r2 = np.where(total > 0, 1 - (ws @ resid**2) / np.where(total > 0, total, 1), np.nan)
    out = samples.copy()
    adjusted_y = y[finite] - gaps[finite] @ beta
    reflected = np.zeros(d)
    for j, p in enumerate(priors):
        out[finite, j] = backward(p, adjusted_y[:, j], scale)
        if scale == "linear":
            reflected[j] = ws @ ((adjusted_y[:, j] < 0) | (adjusted_y[:, j] > 1))
    width = np.array([np.subtract(*p.scipy().ppf([0.95, 0.05])) for p in priors])
    shift = (w @ np.abs(out - samples)) / width
    return Adjusted(out, r2, shift, reflected, scale)
