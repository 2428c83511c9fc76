"""Posterior samples: the file ``borderSim calibrate`` writes, and draws from it by replicate index.

``posterior.parquet`` holds one row per weighted sample: a column per calibrated parameter
(``group.key``), ``weight`` (summing to one) and ``distance``. Its Parquet metadata
(``borderSim_posterior``) records the model version it was fitted on (:func:`model_version`), the
calibration's hash, and each parameter's value in the calibration's base scenario.

With ``--posterior``, replicate ``r`` of a sweep runs the posterior sample :func:`draw_indices` picks
for it: a uniform hashed from ``(seed, r)`` (the model's own counter-based hash, under a seed
derived from the sweep's) is resampled by weight (inverse of the weights' cumulative sum). The draw
depends on the replicate index only, so every scenario and design point runs the same parameter
vector at the same replicate index and paired contrasts stay paired; and it is the same whatever
the chunking or executor.

A posterior parameter overrides a design point's value only where the point keeps the value of the
calibration's base scenario (as it is now, so also after the baseline adopts calibrated values): a
scenario or axis that sets the parameter on purpose (a policy lever) keeps it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from borderSim.errors import InputError

META_KEY = b"borderSim_posterior"
DRAW_SALT = 0x9E3779B97F4A7C15 >> 8          # the posterior draws' seed differs from the runs' seed


def model_version() -> str:
    """What a posterior is valid for: the package version and the parameter table (names, types,
    ranges) and the summary columns. Calibrated defaults may change without invalidating it."""
    from importlib.metadata import PackageNotFoundError, version

    from borderSim import schema
    from borderSim.outputs.summary import columns

    try:
        v = version("borderSim")
    except PackageNotFoundError:
        v = "unknown"
    table = [(s.name, s.type_name, s.ge, s.le) for s in schema.specs()]
    digest = hashlib.sha256(json.dumps([table, list(columns())], default=str).encode()).hexdigest()[:16]
    return f"{v}+{digest}"


def weighted_quantile(x: np.ndarray, weights: np.ndarray, q) -> np.ndarray:
    """Quantiles ``q`` of a weighted sample (inverse of the weighted empirical distribution, midpoints)."""
    order = np.argsort(x, kind="stable")
    x, w = np.asarray(x, dtype=np.float64)[order], np.asarray(weights, dtype=np.float64)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(np.atleast_1d(q), cdf, x)


@dataclass(frozen=True)
class Posterior:
    path: Path
    names: tuple[str, ...]
    samples: np.ndarray         # (n, d)
    weights: np.ndarray         # (n,), sum 1
    meta: dict
    sha256: str

    def draws(self, seed: int) -> Draws:
        from borderSim import schema

        return Draws(self.names, self.samples, np.cumsum(self.weights), int(seed),
                     tuple(schema.spec(n).type is int for n in self.names))


def read_posterior(path: Path | str, flag: str = "--posterior") -> Posterior:
    """Read a posterior file; one line if it is no such file or was fitted on another model version."""
    path = Path(path)
    if path.is_dir():
        path = path / "posterior.parquet"
    if not path.is_file():
        raise InputError(flag, str(path), "no such posterior file; give the posterior.parquet of a "
                         "borderSim calibrate results folder (or the folder)")
    try:
        pf = pq.ParquetFile(path)
        raw = (pf.schema_arrow.metadata or {}).get(META_KEY)
        table = pf.read().to_pandas()
    except Exception as err:      # pyarrow raises several types for a file that is not Parquet
        raise InputError(flag, str(path), f"is not a Parquet file ({type(err).__name__})") from None
    if raw is None:
        raise InputError(flag, str(path), "has no borderSim posterior metadata; give the posterior.parquet "
                         "written by borderSim calibrate")
    meta = json.loads(raw)
    if meta.get("model_version") != model_version():
        raise InputError(flag, str(path), f"was fitted on model version {meta.get('model_version')}, this is "
                         f"{model_version()}; calibrate again with this version")
    names = tuple(meta["names"])
    w = table["weight"].to_numpy(np.float64)
    return Posterior(path, names, table[list(names)].to_numpy(np.float64), w / w.sum(), meta,
                     hashlib.sha256(path.read_bytes()).hexdigest())


def draw_indices(cdf: np.ndarray, seed: int, replicates: np.ndarray) -> np.ndarray:
    """The posterior sample each replicate index runs: a uniform hashed from ``(seed, replicate)``,
    resampled by weight (``cdf``: the weights' cumulative sum)."""
    from borderSim.rules.streams import replicate_keys, uniform

    keys = replicate_keys((int(seed) ^ DRAW_SALT) % 2**63, np.asarray(replicates, dtype=np.int64))
    u = uniform(keys, 0, 0, 0) * cdf[-1]
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


@dataclass(frozen=True)
class Draws:
    """What a sweep's tasks need to run replicates on posterior draws (picklable, small)."""

    names: tuple[str, ...]
    samples: np.ndarray         # (n, d) posterior samples
    cdf: np.ndarray             # cumulative weights
    seed: int
    integer: tuple[bool, ...]

    def apply(self, values: dict[str, np.ndarray], keep: dict[str, np.ndarray], replicates: np.ndarray,
              base) -> dict[str, np.ndarray]:
        """Per-row values with each row's posterior draw, except where ``keep[name]`` (per row) is true:
        there the row keeps its own value (``values[name]``, else ``base.get(name)``), which the design
        point set on purpose."""
        idx = draw_indices(self.cdf, self.seed, replicates)
        out = dict(values)
        for j, name in enumerate(self.names):
            draw = self.samples[idx, j]
            if self.integer[j]:
                draw = np.rint(draw).astype(np.int64)
            own = out[name] if name in out else np.full(len(draw), base.get(name))
            out[name] = np.where(keep[name], own, draw)
        return out
