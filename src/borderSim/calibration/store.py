"""A calibration's results folder: batch cache (resume), posterior, populations, manifest, scenario.

::

    NAME/
      manifest.json        calibration file text and hash, seed, model version, versions, the targets'
                           scales, and per generation: tolerance, candidates, accepted, acceptance rate
      posterior.parquet    the last generation: one column per parameter, weight, distance
      populations.parquet  every generation: generation, parameters, weight, distance, each target's statistic
      calibrated.toml      a scenario extending the base with the weighted posterior medians, and its provenance
      batches/             each batch's candidates and statistics (what --resume replays)

While it runs the folder is ``.NAME.partial``. A resumed calibration replays ELFI from the same seed:
a batch whose candidates equal the cached ones is read, not run, so only the missing batches run.
Files are written under a temporary name and renamed.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from borderSim.calibration.abc import Generation
from borderSim.calibration.problem import Calibration
from borderSim.common.errors import InputError
from borderSim.experiments.evaluate.posterior import model_version, weighted_quantile, write_posterior
from borderSim.outputs import folder

FORMAT = 1
ESS_FORMULA = "(sum of weights)^2 / sum of squared weights"


class BatchCache:
    """Each batch's candidates and statistics in ``batches/KEY.npz`` (atomic)."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.hits = 0

    def get(self, key: str, values: np.ndarray) -> np.ndarray | None:
        p = self.root / f"{key}.npz"
        if not p.exists():
            return None
        with np.load(p) as z:
            if z["values"].shape != values.shape or not np.array_equal(z["values"], values):
                return None           # another candidate set (should not happen with the same seed)
            self.hits += 1
            return z["stats"]

    def put(self, key: str, values: np.ndarray, stats: np.ndarray) -> None:
        buf = io.BytesIO()
        np.savez(buf, values=values, stats=stats)
        tmp = self.root / f".{key}.npz.tmp"
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, self.root / f"{key}.npz")


def _atomic_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def start_manifest(cal: Calibration, executor: str) -> dict:
    return {
        "borderSim_calibration": FORMAT, "status": "running",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "command": folder.command_line(),
        "calibration": {"name": cal.name, "description": cal.description, "path": str(cal.path), "text": cal.text},
        "calibration_sha256": cal.digest(), "model_version": model_version(), "seed": cal.seed,
        "method": cal.settings.method, "base": cal.base.name,
        "parameters": [{"name": p.name, "prior": p.kind, **p.args, "source": p.source,
                        "support": list(p.support)} for p in cal.priors],
        "targets": [{"name": t.name, "run": t.run, "column": t.column, "where": t.where, "statistic": t.statistic,
                     "period": t.period, "periods": list(t.periods), "observed": list(t.observed), "source": t.source,
                     "held_out": t.held_out} for t in cal.targets],
        "runs": [{"name": r.name, "scenario": r.scenario.name, "days": r.days, "replicates": r.replicates,
                  "periods": {p.name: {"dates": [str(p.first_date), str(p.last_date)], "days": [p.first, p.last]}
                              for p in r.periods}} for r in cal.runs],
        "schedule": {"population": cal.settings.population, "batch": cal.settings.batch,
                     "quantiles": cal.settings.quantiles, "tolerances": cal.settings.tolerances,
                     "max_candidates": cal.settings.max_candidates, "pilot": cal.settings.pilot},
        "versions": folder.versions(("elfi", "SALib", "dask", "distributed")), "machine": folder.machine(),
        "executor": executor, "generations": [],
    }


def reopen(partial: Path, cal: Calibration) -> dict:
    man = folder.read_manifest(partial, "a calibration's")
    if man.get("calibration_sha256") != cal.digest():
        raise InputError("--resume", str(partial), f"holds another calibration ({man['calibration']['name']!r}, "
                         "a different file or scenarios); resume it with its own file, or choose a new --out")
    return man


def populations_table(cal: Calibration, gens: list[Generation]) -> pd.DataFrame:
    """Every generation as simulated (before any regression adjustment), with its statistics."""
    frames = []
    for g in gens:
        f = pd.DataFrame(g.simulated, columns=cal.names)
        f.insert(0, "generation", g.index)
        f["weight"], f["distance"] = g.weights, g.distances
        for j, t in enumerate(cal.targets):
            f[f"target:{t.name}"] = g.stats[:, j]
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def write_results(root: Path, cal: Calibration, gens: list[Generation], manifest: dict) -> None:
    """posterior.parquet (the last generation, adjusted if the file asks), populations.parquet,
    calibrated.toml, the manifest."""
    last = gens[-1]
    post = pd.DataFrame(last.samples, columns=cal.names)
    for p in cal.priors:
        if p.integer:
            post[p.name] = np.rint(post[p.name])
    post["weight"], post["distance"] = last.weights, last.distances
    meta = {"model_version": model_version(), "calibration": cal.name, "calibration_sha256": cal.digest(),
            "names": cal.names, "generation": last.index, "tolerance": last.tolerance, "seed": cal.seed,
            "method": cal.settings.method, "adjustment": manifest.get("adjustment"), "samples": len(last.samples),
            "effective_sample_size": last.ess, "effective_sample_size_formula": ESS_FORMULA,
            "base": cal.base.name, "base_values": {n: cal.base.params.get(n) for n in cal.names},
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    write_posterior(post, meta, root / "posterior.parquet")
    _atomic_parquet(pa.Table.from_pandas(populations_table(cal, gens), preserve_index=False),
                    root / "populations.parquet")
    text = calibrated_scenario(cal, last, manifest)
    tmp = root / ".calibrated.toml.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, root / "calibrated.toml")
    manifest["generations"] = [g.record() for g in gens]
    folder.write_json(root / "manifest.json", manifest)


def estimates(cal: Calibration, g: Generation) -> dict[str, tuple[float, float, float]]:
    """Weighted posterior (5 %, median, 95 %) of each parameter."""
    return {p.name: tuple(float(v) for v in weighted_quantile(g.samples[:, j], g.weights, [0.05, 0.5, 0.95]))
            for j, p in enumerate(cal.priors)}


def calibrated_scenario(cal: Calibration, g: Generation, manifest: dict) -> str:
    """A scenario file extending the base with the weighted posterior medians, with its provenance."""
    est = estimates(cal, g)
    adjusted = ", regression-adjusted" if g.raw is not None else ""
    lines = [f"# Calibrated by ABC ({cal.settings.method}, ELFI): calibration file {cal.path.name} "
             f"(sha256 {cal.digest()[:12]}), seed {cal.seed}, model version {model_version()},",
             f"# {manifest['created']}. Values are weighted posterior medians of generation {g.index} "
             f"({len(g.samples):,} samples{adjusted}, effective sample size {g.ess:,.0f}, tolerance "
             f"{g.tolerance:.4g}); the posterior is posterior.parquet beside this file.",
             f'description = "{cal.base.name} with the values calibrated by {cal.name} (ABC posterior medians)"',
             f'extends = "{cal.base.name}"', ""]
    groups: dict[str, list[str]] = {}
    for p in cal.priors:
        lo, med, hi = est[p.name]
        value = str(round(med)) if p.integer else f"{med:.6g}"
        groups.setdefault(p.spec.group, []).append(
            f"{p.spec.key} = {value}    # 90 % credible interval {lo:.4g} - {hi:.4g}; prior {p.describe()}")
    for group, entries in groups.items():
        lines += [f"[{group}]", *entries, ""]
    return "\n".join(lines)
