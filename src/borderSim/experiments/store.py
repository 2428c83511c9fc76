"""A sweep's results folder: a Parquet dataset written chunk by chunk, resumable.

::

    NAME/
      manifest.json          experiment file text, design hash, seed, versions, each chunk's status
      design.parquet         one row per design point: point, label, scenario, varying parameters
      summary/chunk-NNNNN.parquet     per-replicate summaries (point, replicate, outcomes)
      series/chunk-NNNNN.parquet      per-replicate daily series, if kept (point + the run's wide table)
      quantiles.parquet      daily quantiles and mean per design point, if kept (point, statistic, day)

While it runs the folder is ``.NAME.partial`` (:attr:`borderSim.outputs.folder.Claim.partial`); it is
renamed to ``NAME`` when every chunk is done. Every file is written under a temporary name and renamed,
so a killed sweep leaves only whole chunks; a chunk is done when its summary file exists (written
last), which is what ``--resume`` trusts, not the manifest (the manifest is rewritten at most once a
second and at the end). A failed chunk's error and parameters go to ``failed/chunk-NNNNN.json``.
Read a finished folder with :func:`open_results`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from borderSim.errors import InputError
from borderSim.experiments.design import Design
from borderSim.experiments.evaluate import ChunkOutput, ChunkSpec, Task, point_quantiles
from borderSim.geography import load_geography
from borderSim.outputs import folder, tables
from borderSim.paramspec import plain

FORMAT = 1


def _atomic_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def _frame_table(df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(df, preserve_index=False)


def design_table(design: Design) -> pa.Table:
    df = design.points.copy()
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
            if len(set(df[c].map(type))) > 1:
                df[c] = df[c].astype(str)
    return _frame_table(df)


class SweepStore:
    """Writes a sweep into its folder (the partial one while it runs)."""

    def __init__(self, root: Path, manifest: dict):
        self.root = root
        self.manifest = manifest
        self._written = 0.0

    # -- creating and reopening --------------------------------------------------------------------
    @classmethod
    def create(cls, root: Path, design: Design, chunks: list[ChunkSpec], executor: str) -> SweepStore:
        e = design.experiment
        root.mkdir()
        for sub in ("summary", "series", "failed", ".scratch"):
            (root / sub).mkdir()
        _atomic_parquet(design_table(design), root / "design.parquet")
        man = {
            "borderSim_sweep": FORMAT,
            "status": "running",
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": folder.command_line(),
            "experiment": {"name": e.name, "description": e.description, "path": str(e.path), "text": e.text},
            "design_sha256": design.digest(),
            "design": {"kind": e.kind, "points": design.n_points, "axes": [a.name for a in e.axes],
                       "varying": list(design.varying), "samples": e.samples, "design_seed": e.design_seed,
                       "problem": design.problem(), "reference": e.reference},
            "seed": e.seed, "replicates": e.replicates, "days": e.days,
            "keep": {"quantiles": list(e.keep.quantiles), "probabilities": list(e.keep.probabilities),
                     "series": list(e.keep.series), "series_replicates": e.keep.series_replicates},
            "base_parameters": {k: plain(v) for k, v in design.base.flat().items()},
            "versions": folder.versions(("SALib", "dask", "distributed")),
            "machine": folder.machine(),
            "executor": executor,
            "posterior": None if design.posterior is None else {
                "path": str(design.posterior.path), "sha256": design.posterior.sha256,
                "model_version": design.posterior.meta.get("model_version"),
                "calibration": design.posterior.meta.get("calibration"), "samples": len(design.posterior.weights),
                "parameters": list(design.posterior.names)},
            "chunks": [{**c.as_dict(), "status": "pending"} for c in chunks],
        }
        store = cls(root, man)
        store.save(force=True)
        return store

    @classmethod
    def reopen(cls, root: Path, design: Design, flag: str = "--resume", check_only: bool = False) -> SweepStore | bool:
        """The store of an interrupted sweep of this design (refused for another design's folder).
        With ``check_only``, only check and return True."""
        try:
            man = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise InputError(flag, str(root), "has no readable manifest.json; it is not a sweep's folder") from None
        if man.get("design_sha256") != design.digest():
            raise InputError(flag, str(root), f"holds another experiment ({man.get('experiment', {}).get('name')!r}, "
                             "different design); resume it with its own experiment file, or choose a new --out")
        if check_only:
            return True
        for sub in ("summary", "series", "failed", ".scratch"):
            (root / sub).mkdir(exist_ok=True)
        store = cls(root, man)
        store.manifest["status"] = "running"
        store.manifest["resumed"] = [*man.get("resumed", []), dt.datetime.now(dt.UTC).isoformat(timespec="seconds")]
        return store

    @property
    def chunks(self) -> list[ChunkSpec]:
        return [ChunkSpec(c["id"], tuple(c["points"]), tuple(c["replicates"])) for c in self.manifest["chunks"]]

    def done(self) -> set[int]:
        """Chunks whose summary file exists (written last, so the chunk is whole)."""
        return {int(p.stem.split("-")[1]) for p in (self.root / "summary").glob("chunk-*.parquet")}

    # -- writing -----------------------------------------------------------------------------------
    def write(self, out: ChunkOutput, task: Task) -> None:
        c = out.chunk
        name = f"chunk-{c.id:05d}.parquet"
        if out.series:
            geo = load_geography()
            parts = []
            points = out.series_rows[:, 0]
            for p in np.unique(points):
                sel = points == p
                arr = np.stack([out.series[s][:, sel] for s in task.series], axis=2)
                t = tables.wide_table(arr, out.series_rows[sel, 1], list(task.series),
                                      task.labels[p - c.points[0]], geo)
                parts.append(t.add_column(0, "point", pa.array(np.full(t.num_rows, p, dtype=np.int64))))
            _atomic_parquet(pa.concat_tables(parts), self.root / "series" / name)
        if out.quantiles is not None:
            _atomic_parquet(_frame_table(out.quantiles), self.root / ".scratch" / f"quantiles-{c.id:05d}.parquet")
        if out.partial is not None:
            tmp = self.root / ".scratch" / f".partial-{c.id:05d}.npy"
            np.save(tmp, out.partial)
            os.replace(tmp, self.root / ".scratch" / f"partial-{c.id:05d}.npy")
        (self.root / "failed" / f"chunk-{c.id:05d}.json").unlink(missing_ok=True)
        _atomic_parquet(_frame_table(out.summary), self.root / "summary" / name)     # last: the chunk is done
        self._status(c.id, "done", seconds=round(out.seconds, 3))

    def fail(self, task: Task, err: BaseException, design: Design) -> dict:
        c = task.chunk
        points = design.points.iloc[c.points[0]:c.points[1]]
        record = {**c.as_dict(), "error": f"{type(err).__name__}: {err}",
                  "traceback": "".join(traceback.format_exception(err))[-4000:],
                  "parameters": json.loads(points.to_json(orient="records", date_format="iso"))}
        folder.write_json(self.root / "failed" / f"chunk-{c.id:05d}.json", record)
        self._status(c.id, "failed", error=record["error"])
        return record

    def _status(self, chunk: int, status: str, **extra) -> None:
        entry = self.manifest["chunks"][chunk]
        entry.pop("error", None)
        entry.update(status=status, **extra)
        self.save()

    def save(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._written >= 1.0:
            folder.write_json(self.root / "manifest.json", self.manifest)
            self._written = now

    def sync_statuses(self) -> None:
        """Statuses from the files (the truth after a kill)."""
        done = self.done()
        for entry in self.manifest["chunks"]:
            if entry["id"] in done:
                entry["status"] = "done"
            elif entry["status"] == "done":
                entry["status"] = "pending"

    # -- finishing ---------------------------------------------------------------------------------
    def finish(self, tasks_keep, wall_seconds: float) -> None:
        """Quantiles of split points, then the manifest's final status."""
        keep = tasks_keep
        if keep.quantiles:
            self._finish_quantiles(keep)
        shutil.rmtree(self.root / ".scratch", ignore_errors=True)
        for sub in ("series", "failed"):
            with_files = any((self.root / sub).iterdir())
            if not with_files:
                (self.root / sub).rmdir()
        self.manifest["status"] = "complete"
        self.manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.manifest["wall_seconds_last_session"] = round(wall_seconds, 3)
        self.save(force=True)

    def _finish_quantiles(self, keep) -> None:
        scratch = self.root / ".scratch"
        frames = [pd.read_parquet(p) for p in sorted(scratch.glob("quantiles-*.parquet"))]
        buffers: dict[int, list[np.ndarray]] = {}
        total = self.manifest["replicates"]
        for c in self.chunks:           # point-major: a split point's chunks are in replicate order
            path = scratch / f"partial-{c.id:05d}.npy"
            if not path.exists():
                continue
            buffers.setdefault(c.points[0], []).append(np.load(path))
            got = sum(b.shape[1] for b in buffers[c.points[0]])
            if got == total:
                values = np.concatenate(buffers.pop(c.points[0]), axis=1)
                frames.append(point_quantiles(values, keep.probabilities, keep.quantiles, c.points[0]))
        table = pd.concat(frames, ignore_index=True).sort_values(["point", "statistic", "day"], kind="stable",
                                                                  ignore_index=True)
        table["statistic"] = pd.Categorical(table["statistic"])
        _atomic_parquet(_frame_table(table), self.root / "quantiles.parquet")


# -- reading ------------------------------------------------------------------------------------------
@dataclass
class Results:
    """A finished sweep, read back: manifest, design, summaries sorted by (point, replicate)."""

    path: Path
    manifest: dict
    design: pd.DataFrame
    summary: pd.DataFrame

    def quantiles(self) -> pd.DataFrame | None:
        p = self.path / "quantiles.parquet"
        return pd.read_parquet(p) if p.exists() else None

    def series(self, columns: list[str] | None = None) -> pd.DataFrame | None:
        """Per-replicate daily series (wide: point, scenario, replicate, day, one column per series)."""
        p = self.path / "series"
        if not p.exists():
            return None
        cols = None if columns is None else ["point", "scenario", "replicate", "day", *columns]
        return pq.read_table(p, columns=cols).to_pandas().sort_values(["point", "replicate", "day"],
                                                                      ignore_index=True)

    @property
    def start_date(self) -> dt.date | None:
        value = self.manifest.get("base_parameters", {}).get("simulation.start_date")
        return dt.date.fromisoformat(value) if value else None

    @property
    def kind(self) -> str:
        return self.manifest["design"]["kind"]


def open_results(path: Path | str, flag: str = "RESULTS") -> Results:
    """Read a finished sweep's folder; one line if it is not one."""
    path = Path(path)
    man_path = path / "manifest.json"
    if not path.is_dir():
        partial = path.with_name(f".{path.name}{folder.PARTIAL_SUFFIX}")
        hint = f"; an unfinished sweep is in {partial} (finish it with --resume)" if partial.exists() else ""
        raise InputError(flag, str(path), f"no such results folder{hint}")
    try:
        man = json.loads(man_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(flag, str(path), "is not a sweep's results folder (no manifest.json); "
                         "make one with borderSim sweep") from None
    if "borderSim_sweep" not in man:
        raise InputError(flag, str(path), "is a run's folder, not a sweep's; make one with borderSim sweep")
    if man.get("status") != "complete":
        raise InputError(flag, str(path), f"the sweep is {man.get('status')}, not complete; finish it with --resume")
    design = pd.read_parquet(path / "design.parquet")
    summary = pq.read_table(path / "summary").to_pandas().sort_values(["point", "replicate"], ignore_index=True)
    return Results(path, man, design, summary)
