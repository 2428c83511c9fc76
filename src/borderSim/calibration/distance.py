"""The distance between a candidate's target statistics and the record.

Each fitted target contributes its gap to the record -- zero inside an observed range, the distance
to the nearer end outside it -- divided by its scale; the distance is the Euclidean norm of these
(Prangle 2017 discusses the choice). A target's scale is either stated in the calibration file (a
tolerance on the record's own uncertainty) or, by default, the prior predictive spread: the median
absolute deviation (x 1.4826, so a normal spread is its standard deviation) of the statistic over a
pilot of candidates drawn from the prior. Either way a target that varies a lot under the prior does
not dominate one that varies little. Held-out targets never enter the distance. A candidate whose
statistic is undefined (no replicate met the target's condition) is at infinite distance.
"""

from __future__ import annotations

import numpy as np

from borderSim.calibration.problem import Calibration
from borderSim.common.errors import InputError

MAD_TO_SD = 1.4826


def prior_scale(x: np.ndarray) -> float:
    """The spread of a statistic over prior candidates: MAD x 1.4826, else the standard deviation."""
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return 0.0
    mad = float(np.median(np.abs(x - np.median(x)))) * MAD_TO_SD
    return mad if mad > 0 else float(np.std(x))


def scales(cal: Calibration, pilot: np.ndarray | None) -> np.ndarray:
    """Every target's scale (stated, else from the pilot's statistics ``(n, targets)``)."""
    out = np.ones(len(cal.targets))
    for j, t in enumerate(cal.targets):
        if t.scale is not None:
            out[j] = t.scale
            continue
        if pilot is None:
            raise InputError(str(cal.path), f"targets.{t.name}.scale", "missing, and abc.pilot = 0: state a scale "
                             "or let a pilot from the prior measure the spread")
        s = prior_scale(pilot[:, j])
        if not s > 0:
            defined = int(np.isfinite(pilot[:, j]).sum())
            raise InputError(str(cal.path), f"targets.{t.name}", f"does not vary over the {len(pilot):,} pilot "
                             f"candidates from the prior ({defined:,} defined): it cannot inform the fit; state a "
                             "scale or remove it")
        out[j] = s
    return out


def unreachable(cal: Calibration, pilot: np.ndarray | None, scale: np.ndarray, share: float = 0.01) -> list[str]:
    """Warnings for fitted targets that fewer than ``share`` of the pilot's prior candidates bring within
    one scale of the record: such a target dominates the distance and decides the posterior alone."""
    if pilot is None:
        return []
    out = []
    for j, t in enumerate(cal.targets):
        x = pilot[:, j]
        x = x[np.isfinite(x)]
        if t.held_out or not len(x):
            continue
        gap = np.maximum(x - t.observed[1], 0) + np.maximum(t.observed[0] - x, 0)
        near = float(np.mean(gap <= scale[j]))
        if near < share:
            nearest = x[np.argmin(gap)]
            out.append(f"target {t.name}: {near:.1%} of the {len(pilot):,} pilot candidates from the prior come within "
                       f"one scale ({scale[j]:.4g}) of the record {t.observed_text()} (nearest {nearest:.4g}); it will "
                       "dominate the distance: state a scale you accept, hold it out, or widen the priors")
    return out


class Distance:
    """Distances of candidates' statistics ``(n, targets)`` to the record (fitted targets only)."""

    def __init__(self, cal: Calibration, scales: np.ndarray):
        idx = [j for j, t in enumerate(cal.targets) if not t.held_out]
        self.idx = np.array(idx)
        self.low = np.array([cal.targets[j].observed[0] for j in idx])
        self.high = np.array([cal.targets[j].observed[1] for j in idx])
        self.scale = np.asarray(scales, dtype=np.float64)[self.idx]

    def gaps(self, stats: np.ndarray) -> np.ndarray:
        """Scaled signed gaps ``(n, fitted)``: 0 inside the observed range."""
        s = stats[:, self.idx]
        return (np.maximum(s - self.high, 0) - np.maximum(self.low - s, 0)) / self.scale

    def __call__(self, stats: np.ndarray) -> np.ndarray:
        g = self.gaps(np.atleast_2d(stats))
        d = np.sqrt(np.sum(g * g, axis=1))
        return np.where(np.isfinite(d), d, np.inf)
