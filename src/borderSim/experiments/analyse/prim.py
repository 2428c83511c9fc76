"""PRIM, the patient rule induction method (Friedman & Fisher 1999, "Bump hunting in high-dimensional
data", Statistics and Computing 9:123-143), for scenario discovery over numeric parameters.

Written here over numpy rather than imported: the maintained implementations are GPL or pull GPL code in
(EMA Workbench, itself BSD-3-Clause, depends on platypus-opt, GPL; Project-Platypus's ``prim`` is GPL-3),
and EMA Workbench's API differs between the versions Python 3.11 and 3.12 resolve (2.5.3 and 3.0.0); this
module behaves the same on both. It follows EMA Workbench's ``Prim(x, y, peel_alpha, paste_alpha,
mass_min).find_box()`` (J. Kwakkel, TU Delft; after RAND's sdtoolkit) step for step for a binary outcome
over numeric columns (its "lenient1" objective, quantiles, tie-breaks and stopping rules) and gives the
trajectory of 3.0.0; 2.5.3 differed only by replacing a trajectory whose last box is less than half dense
by the whole space (its density ``threshold``):

- peeling: each candidate cuts the ``peel_alpha`` quantile off one end of one parameter inside the box;
  the one with the largest gain in density per case removed is taken (ties: the one leaving more
  parameters unrestricted, then the first parameter, upper end before lower) while the box keeps at least
  ``mass_min`` of all cases and the gain is positive;
- pasting: from the last peeled box, widen one end of one restricted parameter by the ``paste_alpha``
  quantile of the cases just outside while that raises the density.

Every box on the way (the whole space first) is one row of the trajectory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

COLUMNS = ["coverage", "density", "id", "k", "mass", "mean", "n", "res_dim"]     # EMA Workbench's order


@dataclass
class Trajectory:
    """The boxes PRIM went through: ``stats`` (one row per box: coverage, density, mean, res_dim, mass, id,
    n, k) and ``limits`` (one DataFrame per box: rows 0 = lower, 1 = upper limit, one column per parameter)."""
    stats: pd.DataFrame
    limits: list[pd.DataFrame]


def quantile(data: np.ndarray, q: float) -> float:
    """The ``q`` quantile as PRIM's peels and pastes take it (sdtoolkit's rule, as EMA Workbench): between two
    neighbouring sorted values, stepping past ties so that a limit always falls between distinct values."""
    assert 0 < q < 1
    data = np.sort(data)
    i = (len(data) - 1) * q
    lo, hi = math.floor(i), math.ceil(i)
    if q > 0.5:
        while data[lo] == data[hi] and lo > 0:
            lo -= 1
    else:
        while data[lo] == data[hi] and hi < len(data) - 1:
            hi += 1
    return (data[lo] + data[hi]) / 2


def _gain(y_old: np.ndarray, y_new: np.ndarray) -> float:
    """Change of the mean per case removed or added (EMA Workbench's "lenient1" objective)."""
    mean_old = np.mean(y_old)
    mean_new = np.mean(y_new) if y_new.shape[0] > 0 else 0
    if mean_old == mean_new:
        return 0
    return (mean_new - mean_old) / abs(y_old.shape[0] - y_new.shape[0])


def _restricted(lims: np.ndarray, init: np.ndarray) -> np.ndarray:
    return np.flatnonzero(~np.all(lims == init, axis=0))


def _inside(x: np.ndarray, lims: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.all((lims[0] <= x) & (x <= lims[1]), axis=1))


def find_box(x: pd.DataFrame, y: np.ndarray, *, peel_alpha: float = 0.05, paste_alpha: float = 0.05,
             mass_min: float = 0.05) -> Trajectory:
    """Peel, then paste, one box for the cases where ``y`` is true; ``x`` holds numeric parameters only."""
    if not all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in x.dtypes):
        raise TypeError("PRIM here takes numeric parameters only")
    y = np.asarray(y).astype(int)
    if y.shape != (len(x),):
        raise ValueError(f"y has shape {y.shape}, x has {len(x)} rows")
    xs = x.to_numpy(dtype=np.float64)
    n, d = xs.shape
    total = int(y.sum())
    init = np.vstack([xs.min(axis=0), xs.max(axis=0)])
    rows, limits = [], []

    def record(lims: np.ndarray, idx: np.ndarray) -> None:
        yb = y[idx]
        k = int(yb.sum())
        rows.append({"coverage": k / total, "density": k / yb.shape[0], "mean": np.mean(yb),
                     "res_dim": len(_restricted(lims, init)), "mass": yb.shape[0] / n, "id": len(rows),
                     "n": yb.shape[0], "k": k})
        limits.append(pd.DataFrame(lims.copy(), columns=x.columns))

    lims, idx = init.copy(), np.arange(n)
    record(lims, idx)
    while True:                                         # peeling
        best = None
        for j in range(d):
            xj = xs[idx, j]
            for side, q in ((1, 1 - peel_alpha), (0, peel_alpha)):
                cut = quantile(xj, q)
                new_idx = idx[xj <= cut] if side else idx[xj >= cut]
                new = lims.copy()
                new[side, j] = cut
                key = (_gain(y[idx], y[new_idx]), d - len(_restricted(new, init)))
                if best is None or key > best[0]:
                    best = key, new, new_idx
        (gain, _), new, new_idx = best
        if new_idx.shape[0] / n >= mass_min and new_idx.shape[0] / n < idx.shape[0] / n and gain > 0:
            lims, idx = new, new_idx
            record(lims, idx)
        else:
            break
    while len(res := _restricted(lims, init)):          # pasting
        best = None
        xr = xs[:, res]
        for j in res:
            for side in (0, 1):
                beyond = lims.copy()                    # the slab between the box and the edge of the space
                beyond[:, j] = (init[0, j], lims[0, j]) if side == 0 else (lims[1, j], init[1, j])
                data = xs[_inside(xr, beyond[:, res]), j]
                if side == 0:
                    value = quantile(data, 1 - paste_alpha) if data.size else init[0, j]
                else:
                    value = quantile(data, paste_alpha) if data.size else init[1, j]
                new = lims.copy()
                new[side, j] = value
                new_idx = _inside(xr, new[:, res])
                key = (_gain(y[idx], y[new_idx]), d - len(_restricted(new, init)))
                if best is None or key > best[0]:
                    best = key, new, new_idx
        (gain, _), new, new_idx = best
        if (new_idx.shape[0] / n >= mass_min and new_idx.shape[0] / n > idx.shape[0] / n and gain > 0
                and np.mean(y[new_idx]) > np.mean(y[idx])):
            lims, idx = new, new_idx
            record(lims, idx)
        else:
            break
    return Trajectory(pd.DataFrame(rows, columns=COLUMNS), limits)
