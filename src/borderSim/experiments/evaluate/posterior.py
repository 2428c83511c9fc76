"""Posterior samples: the file ``borderSim calibrate`` writes, and draws from it by replicate index.

``posterior.parquet`` holds one row per weighted sample: a column per calibrated parameter
(``group.key``), ``weight`` (summing to one) and ``distance``. Its Parquet metadata
(``borderSim_posterior``) records the model version it was fitted on (:func:`model_version`), the
calibration's hash, each parameter's value in the calibration's base scenario, and a checksum of the
metadata and every value (:func:`content_sha256`). :func:`read_posterior` checks every field before
anything runs: a damaged, truncated, empty or edited file, a name that is no numeric model parameter,
a value outside the schema's range and a weight that is not a positive number are each one line.

With ``--posterior``, replicate ``r`` of a sweep runs the posterior sample :func:`draw_indices` picks
for it: a uniform hashed from ``(seed, r)`` (the model's own counter-based hash, under a seed
derived from the sweep's) is resampled by weight (inverse of the weights' cumulative sum). The draw
depends on the replicate index only, so every scenario and design point runs the same parameter
vector at the same replicate index and paired contrasts stay paired; and it is the same whatever
the chunking or executor.

A posterior parameter overrides a design point's value unless the point declares the parameter
(:meth:`borderSim.experiments.design.experiment.Design.posterior_keeps`): an axis of the experiment, or a
key its scenario file, the files it extends or ``--set`` set beyond the files of the calibration's base
scenario. The posterior's parameters are the uncertainties, what a point declares its levers (EMA
Workbench's split); a value that happens to equal the base's is still the point's own.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from borderSim.common.errors import InputError

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

    def kept(self, points) -> dict[str, np.ndarray]:
        """For each of this posterior's parameters, per point (its scenario and the axes or levers it sets): does
        the point declare its own value, which the draws then leave alone? A point declares what its axes or
        levers set and what its scenario's file, the files it extends and ``--set`` set, except the files the
        calibration's base scenario itself consists of: those are the model the posterior is of. Declared, not
        inferred from values: an axis value that happens to equal the base's is still the point's own."""
        from borderSim.schema.scenarios import load_scenario

        base = load_scenario(self.meta.get("base", "baseline"))
        declared = [scenario.declared(beyond=base) | own for scenario, own in points]
        return {name: np.array([name in d for d in declared], dtype=bool) for name in self.names}

    def draws(self, seed: int) -> Draws:
        from borderSim import schema

        return Draws(self.names, self.samples, np.cumsum(self.weights), int(seed),
                     tuple(schema.spec(n).type is int for n in self.names))


def content_sha256(meta: dict, columns: dict[str, np.ndarray]) -> str:
    """The checksum a posterior file carries in its metadata: SHA-256 of the metadata (without the
    checksum) and of each column's name and float64 values, in the file's column order. Any byte of a
    sample, a weight or the metadata that changes changes it."""
    h = hashlib.sha256(json.dumps({k: v for k, v in meta.items() if k != "sha256"}, sort_keys=True,
                                  default=str).encode())
    for name, values in columns.items():
        h.update(name.encode() + b"\0")
        h.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    return h.hexdigest()


def write_posterior(frame, meta: dict, path: Path) -> None:
    """Write posterior samples (a frame of the parameters' columns, ``weight`` and ``distance``) with
    their metadata and its checksum (:func:`content_sha256`), under a temporary name, then renamed."""
    import os

    import pyarrow as pa

    meta = {**meta, "sha256": content_sha256(meta, {c: frame[c].to_numpy(np.float64) for c in frame.columns})}
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), META_KEY: json.dumps(meta).encode()})
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def _check_name(name, flag: str, where: str):
    """The spec of a posterior's parameter: a model parameter that takes a number."""
    from borderSim import schema
    from borderSim.common.tomlcheck import did_you_mean

    if not isinstance(name, str) or not name:
        raise InputError(flag, where, f"its metadata's names hold {name!r}; expected parameter names like "
                         "border.ceasefire_rate")
    if name not in {s.name for s in schema.specs()}:
        hint = schema.suggest(name)
        raise InputError(flag, where, f"names {name}, which is no parameter"
                         + (did_you_mean(hint) if hint else "; see borderSim params"))
    spec = schema.spec(name)
    if not spec.batch:
        raise InputError(flag, where, f"names {name}, a run control, not a model parameter; a posterior holds "
                         "model parameters only")
    if spec.is_list or spec.choices is not None or spec.type not in (int, float):
        raise InputError(flag, where, f"names {name}, which takes {spec.allowed()}; a posterior holds numeric "
                         "parameters only")
    return spec


def read_posterior(path: Path | str, flag: str = "--posterior") -> Posterior:
    """Read and check a posterior file, every field up front: a Parquet file with borderSim's metadata
    (model version, names, checksum), a column per named numeric model parameter with values inside
    the schema's ranges, and positive finite weights. Anything else is one line (:class:`InputError`)."""
    path = Path(path)
    if path.is_dir():
        path = path / "posterior.parquet"
    if not path.is_file():
        raise InputError(flag, str(path), "no such posterior file; give the posterior.parquet of a "
                         "borderSim calibrate results folder (or the folder)")
    where = str(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as err:
        raise InputError(flag, where, f"cannot be read ({err.strerror})") from None
    if not raw_bytes:
        raise InputError(flag, where, "is empty (0 bytes); give the posterior.parquet written by borderSim calibrate")
    try:
        pf = pq.ParquetFile(io.BytesIO(raw_bytes))
        raw = (pf.schema_arrow.metadata or {}).get(META_KEY)
        table = pf.read()
    except Exception as err:      # pyarrow raises several types for a file that is not (whole) Parquet
        raise InputError(flag, where, f"is not a readable Parquet file; it is damaged or of another kind "
                         f"({type(err).__name__})") from None
    if raw is None:
        raise InputError(flag, where, "has no borderSim posterior metadata; give the posterior.parquet "
                         "written by borderSim calibrate")
    try:
        meta = json.loads(raw)
    except ValueError:
        meta = None
    if not isinstance(meta, dict):
        raise InputError(flag, where, "its borderSim posterior metadata is damaged (not a JSON table)")
    if meta.get("model_version") != model_version():
        raise InputError(flag, where, f"was fitted on model version {meta.get('model_version')}, this is "
                         f"{model_version()}; calibrate again with this version")
    names = meta.get("names")
    if not isinstance(names, list) or not names:
        raise InputError(flag, where, "its metadata has no list of parameter names ('names'); the file is "
                         "damaged or not written by borderSim calibrate")
    if len(set(map(str, names))) < len(names):
        raise InputError(flag, where, "its metadata names a parameter twice")
    specs = [_check_name(n, flag, where) for n in names]
    base = meta.get("base", "baseline")
    if not isinstance(base, str) or not base:
        raise InputError(flag, where, f"its metadata's base scenario is {base!r}; expected a scenario name")
    try:
        from borderSim.schema.scenarios import resolve_path

        resolve_path(base)
    except InputError:
        raise InputError(flag, where, f"was calibrated on the base scenario {base!r}, which is neither shipped nor "
                         "a file here") from None
    columns = table.column_names
    for c in [*names, "weight"]:
        if c not in columns:
            what = "weight column" if c == "weight" else f"column for {c}, which its metadata names"
            raise InputError(flag, where, f"has no {what}; the file is damaged or not written by borderSim calibrate")
    extra = [c for c in columns if c not in names and c not in ("weight", "distance")]
    if extra:
        raise InputError(flag, where, f"has a column {extra[0]!r} that its metadata does not name; expected the "
                         "named parameters, weight and distance")
    if table.num_rows == 0:
        raise InputError(flag, where, "holds no samples (0 rows)")
    values: dict[str, np.ndarray] = {}
    for c in columns:
        try:
            values[c] = table.column(c).to_numpy(zero_copy_only=False).astype(np.float64)
        except (TypeError, ValueError, pa.ArrowException):
            raise InputError(flag, where, f"column {c} does not hold numbers") from None
    if meta.get("sha256") is None:
        raise InputError(flag, where, "carries no checksum (written before borderSim checked posterior files); "
                         "calibrate again to write one that can be checked")
    if content_sha256(meta, values) != meta["sha256"]:
        raise InputError(flag, where, "does not match its checksum: the file is damaged (or was edited); use the "
                         "posterior.parquet as borderSim calibrate wrote it")
    w = values["weight"]
    bad = np.flatnonzero(~(np.isfinite(w) & (w > 0)))
    if len(bad):
        raise InputError(flag, where, f"weight of sample {bad[0]} is {float(w[bad[0]])!r}; every weight must be a "
                         "positive finite number")
    for name, spec in zip(names, specs, strict=True):
        x = values[name]
        i = _first_outside(x, spec)
        if i is not None:
            raise InputError(flag, where, f"{name} of sample {i} is {float(x[i])!r}; expected {spec.allowed()}")
    samples = np.column_stack([values[n] for n in names])
    return Posterior(path, tuple(names), samples, w / w.sum(), meta, hashlib.sha256(raw_bytes).hexdigest())


def _first_outside(x: np.ndarray, spec) -> int | None:
    """Index of the first value that is not finite, outside the schema's range, or not whole for an integer."""
    bad = ~np.isfinite(x)
    if spec.ge is not None:
        bad |= x < spec.ge
    if spec.le is not None:
        bad |= x > spec.le
    if spec.type is int:
        bad |= np.isfinite(x) & (x != np.rint(x))
    hits = np.flatnonzero(bad)
    return int(hits[0]) if len(hits) else None


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
