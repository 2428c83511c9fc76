"""Turning uniform draws into counts and choices, element by element.

Every function is elementwise in its inputs, so a value depends only on its own uniform and
parameters: evaluating a subset of rows, one village, or the whole batch gives the same numbers.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from borderSim.rules import fmath, kernels

_NORMAL_FROM = 30.0   # Poisson means above this use the rounded normal approximation


def poisson(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Poisson counts by inversion of the CDF (compiled search; normal approximation for means above 30)."""
    u, lam = np.broadcast_arrays(np.asarray(u, dtype=np.float64), np.asarray(lam, dtype=np.float64))
    out = np.zeros(u.shape, dtype=np.int64)
    small = lam <= _NORMAL_FROM
    if small.any():
        ls = lam[small]
        out[small] = kernels.poisson_search(u[small], ls, fmath.exp(-ls))
    big = ~small
    if big.any():
        lb = lam[big]
        out[big] = np.maximum(0, np.floor(lb + np.sqrt(lb) * ndtri(u[big]) + 0.5)).astype(np.int64)
    return out


def stochastic_round(x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``floor(x + u)``: an integer with expectation ``x``."""
    return np.floor(x + u).astype(np.int64)


def choose3(u: np.ndarray, p_down: np.ndarray, p_up: np.ndarray) -> np.ndarray:
    """-1 with probability ``p_down``, +1 with ``p_up``, else 0."""
    return np.where(u < p_down, -1, np.where(u < p_down + p_up, 1, 0)).astype(np.int64)


def logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + fmath.exp(-x))
