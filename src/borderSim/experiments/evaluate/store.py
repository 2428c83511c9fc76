"""A sweep's results folder: a Parquet dataset written chunk by chunk, resumable, checked on reading.

::

    NAME/
      manifest.json          experiment file text, design hash, seed, versions, each chunk's status and
                             the SHA-256 of each of its files; the SHA-256 of design.parquet and quantiles.parquet
      design.parquet         one row per design point: point, label, scenario, varying parameters
      summary/chunk-NNNNN.parquet     per-replicate summaries (point, replicate, outcomes)
      series/chunk-NNNNN.parquet      per-replicate daily series, if kept (point + the run's wide table)
      quantiles.parquet      daily quantiles and mean per design point, if kept (point, statistic, day)

While it runs the folder is ``.NAME.partial`` (:attr:`borderSim.outputs.folder.Claim.partial`); it is
renamed to ``NAME`` when every chunk is done. Every file is written under a temporary name and renamed,
and its checksum is recorded with its chunk once the chunk's files are all in (the manifest is rewritten
at most once a second and at the end). A chunk is done when the manifest records it done and each of its
files (scratch files of split points included) is there with the recorded checksum: that is what
``--resume`` trusts; a chunk whose files are missing, truncated, swapped or changed, or were written after
the manifest's last save, is removed and run again. Readers (:func:`open_results`: compare, sensitivity,
discover, report) check every file against the manifest and refuse a folder with a missing, damaged or
foreign file in one line; ``--resume`` on such a finished folder runs its damaged chunks again. A failed
chunk's error and parameters go to ``failed/chunk-NNNNN.json``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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

from borderSim.common.errors import InputError
from borderSim.experiments.design.experiment import Design
from borderSim.experiments.evaluate.tasks import ChunkOutput, ChunkSpec, Task, point_quantiles
from borderSim.inputs.geography import load_geography
from borderSim.outputs import folder, tables
from borderSim.schema.paramspec import plain

FORMAT = 2            # 2: every file's SHA-256 in the manifest
SUBFOLDERS = ("summary", "series", "failed", ".scratch")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _atomic_parquet(table: pa.Table, path: Path) -> str:
    """Write ``table`` to ``path`` under a temporary name, then rename; the file's SHA-256."""
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    sha = file_sha256(tmp)
    os.replace(tmp, path)
    return sha


def chunk_files(chunk: int) -> tuple[str, ...]:
    """Every file a chunk may write, relative to the folder."""
    name = f"chunk-{chunk:05d}.parquet"
    return (f"summary/{name}", f"series/{name}", f".scratch/quantiles-{chunk:05d}.parquet",
            f".scratch/partial-{chunk:05d}.npy")


def _problem(root: Path, rel: str, sha: str) -> str | None:
    """What is wrong with one recorded file (None if it is there with its checksum)."""
    p = root / rel
    if not p.is_file():
        return f"{rel} is missing"
    if p.stat().st_size == 0:
        return f"{rel} is empty (0 bytes)"
    return None if file_sha256(p) == sha else f"{rel} is damaged (it does not match its checksum in manifest.json)"


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
        for sub in SUBFOLDERS:
            (root / sub).mkdir()
        design_sha = _atomic_parquet(design_table(design), root / "design.parquet")
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
            "files": {"design.parquet": design_sha},
            "chunks": [{**c.as_dict(), "status": "pending"} for c in chunks],
        }
        store = cls(root, man)
        store.save(force=True)
        return store

    @classmethod
    def reopen(cls, root: Path, design: Design, flag: str = "--resume", check_only: bool = False) -> SweepStore | bool:
        """The store of an interrupted sweep of this design (refused for another design's folder).
        With ``check_only``, only check and return True."""
        man = folder.read_manifest(root, "a sweep's", flag)
        if man.get("design_sha256") != design.digest():
            name = man.get("experiment", {}).get("name")
            raise InputError(flag, str(root), f"holds another experiment ({name!r}, different design); resume it "
                             "with its own experiment file, or choose a new --out")
        problem = _manifest_problem(man)
        if problem is not None or man.get("borderSim_sweep") != FORMAT:
            raise InputError(flag, str(root), f"its manifest.json is {problem or 'of another format'}; it cannot be "
                             "resumed: sweep again into a new --out")
        if check_only:
            return True
        for sub in SUBFOLDERS:
            (root / sub).mkdir(exist_ok=True)
        store = cls(root, man)
        store.manifest["files"]["design.parquet"] = _atomic_parquet(design_table(design), root / "design.parquet")
        store.manifest["status"] = "running"
        store.manifest["resumed"] = [*man.get("resumed", []), dt.datetime.now(dt.UTC).isoformat(timespec="seconds")]
        return store

    @property
    def chunks(self) -> list[ChunkSpec]:
        return [ChunkSpec(c["id"], tuple(c["points"]), tuple(c["replicates"])) for c in self.manifest["chunks"]]

    def done(self) -> set[int]:
        """Chunks recorded done whose files are all there with their checksums (after :meth:`sync_statuses`)."""
        return {e["id"] for e in self.manifest["chunks"] if e["status"] == "done"}

    # -- writing -----------------------------------------------------------------------------------
    def write(self, out: ChunkOutput, task: Task) -> None:
        c = out.chunk
        summary_rel, series_rel, quantiles_rel, partial_rel = chunk_files(c.id)
        files = {}
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
            files[series_rel] = _atomic_parquet(pa.concat_tables(parts), self.root / series_rel)
        if out.quantiles is not None:
            files[quantiles_rel] = _atomic_parquet(_frame_table(out.quantiles), self.root / quantiles_rel)
        if out.partial is not None:
            tmp = self.root / ".scratch" / f".partial-{c.id:05d}.npy"
            np.save(tmp, out.partial)
            files[partial_rel] = file_sha256(tmp)
            os.replace(tmp, self.root / partial_rel)
        (self.root / "failed" / f"chunk-{c.id:05d}.json").unlink(missing_ok=True)
        files[summary_rel] = _atomic_parquet(_frame_table(out.summary), self.root / summary_rel)   # last
        self._status(c.id, "done", seconds=round(out.seconds, 3), files=files)

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
        entry.pop("files", None)
        entry.update(status=status, **extra)
        self.save()

    def save(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._written >= 1.0:
            folder.write_json(self.root / "manifest.json", self.manifest)
            self._written = now

    def sync_statuses(self) -> list[int]:
        """Check every chunk's files against the manifest (the truth after a kill or damage): a chunk is
        done only if the manifest records it done and each of its files is there with its checksum. The
        files of every other chunk, and files of no chunk, are removed so that the chunk runs again.
        Returns the chunks that were recorded done (or had files) but are run again."""
        redo = []
        for entry in self.manifest["chunks"]:
            files = entry.get("files") or {}
            intact = entry["status"] == "done" and bool(files) and \
                all(_problem(self.root, rel, sha) is None for rel, sha in files.items())
            if intact:
                continue
            had = entry["status"] == "done" or any((self.root / rel).exists() for rel in chunk_files(entry["id"]))
            for rel in chunk_files(entry["id"]):
                (self.root / rel).unlink(missing_ok=True)
            if entry["status"] == "done":
                entry["status"] = "pending"
            entry.pop("files", None)
            if had:
                redo.append(entry["id"])
        known = {rel for e in self.manifest["chunks"] for rel in chunk_files(e["id"])}
        for sub in ("summary", "series", ".scratch"):
            for p in (self.root / sub).iterdir():
                if f"{sub}/{p.name}" not in known:
                    p.unlink() if p.is_file() else shutil.rmtree(p)
        return redo

    # -- finishing ---------------------------------------------------------------------------------
    def finish(self, tasks_keep, wall_seconds: float, quantiles_kept: bool = False) -> None:
        """Quantiles of split points (unless ``quantiles_kept``: an intact quantiles.parquet of a finished
        folder being repaired), then the manifest's final status."""
        keep = tasks_keep
        if keep.quantiles and not quantiles_kept:
            self.manifest["files"]["quantiles.parquet"] = self._finish_quantiles(keep)
        shutil.rmtree(self.root / ".scratch", ignore_errors=True)
        for entry in self.manifest["chunks"]:
            entry["files"] = {k: v for k, v in entry.get("files", {}).items() if not k.startswith(".scratch/")}
        for sub in ("series", "failed"):
            with_files = any((self.root / sub).iterdir())
            if not with_files:
                (self.root / sub).rmdir()
        self.manifest["status"] = "complete"
        self.manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.manifest["wall_seconds_last_session"] = round(wall_seconds, 3)
        self.save(force=True)

    def _finish_quantiles(self, keep) -> str:
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
        points = set(table["point"].unique())
        if buffers or points != set(range(self.manifest["design"]["points"])):
            raise RuntimeError(f"daily quantiles are incomplete (points {sorted(set(buffers))} lack replicates); "
                               "run --resume again")
        table["statistic"] = pd.Categorical(table["statistic"])
        return _atomic_parquet(_frame_table(table), self.root / "quantiles.parquet")


def _manifest_problem(man) -> str | None:
    """What makes a sweep's manifest unusable (None if it has what readers need)."""
    if not isinstance(man, dict):
        return "not a JSON table"
    d = man.get("design")
    if not isinstance(d, dict) or not isinstance(d.get("axes"), list) or not isinstance(d.get("points"), int):
        return "missing its 'design'"
    for key in ("replicates", "days", "seed"):
        if not isinstance(man.get(key), int):
            return f"missing '{key}'"
    chunks = man.get("chunks")
    if not isinstance(chunks, list) or not all(isinstance(c, dict) and isinstance(c.get("id"), int)
                                               and c.get("status") in ("pending", "done", "failed")
                                               for c in chunks):
        return "missing its chunks"
    if [c["id"] for c in chunks] != list(range(len(chunks))) or not isinstance(man.get("files"), dict):
        return "missing its chunks or checksums"
    return None


def problems(root: Path, man: dict) -> list[str]:
    """Every file of a finished folder that is missing, damaged, or not the sweep's (empty if intact)."""
    recorded = dict(man["files"])
    for entry in man["chunks"]:
        if entry["status"] != "done" or not entry.get("files"):
            return [f"chunk {entry['id']} is not done"]
        recorded.update(entry["files"])
    out = [p for rel, sha in sorted(recorded.items()) if (p := _problem(root, rel, sha)) is not None]
    for sub in ("summary", "series"):
        if (root / sub).is_dir():
            out += [f"{sub}/{p.name} is not one of the sweep's files" for p in sorted((root / sub).iterdir())
                    if f"{sub}/{p.name}" not in recorded]
    if (root / "quantiles.parquet").exists() and "quantiles.parquet" not in recorded:
        out.append("quantiles.parquet is not one of the sweep's files")
    return out


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
    """Read a finished sweep's folder after checking every file against the manifest's checksums;
    one line if it is not one, unfinished, or damaged."""
    path = Path(path)
    man_path = path / "manifest.json"
    if not path.is_dir():
        partial = path.with_name(f".{path.name}{folder.PARTIAL_SUFFIX}")
        hint = f"; an unfinished sweep is in {partial} (finish it with --resume)" if partial.exists() else ""
        raise InputError(flag, str(path), f"no such results folder{hint}")
    if not man_path.is_file():
        raise InputError(flag, str(path), "is not a sweep's results folder (no manifest.json); "
                         "make one with borderSim sweep")
    try:
        man = json.loads(man_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(flag, str(path), "its manifest.json is damaged (not readable JSON); the folder cannot be "
                         "checked: sweep again") from None
    if isinstance(man, dict) and "borderSim_run" in man:
        raise InputError(flag, str(path), "is a run's folder, not a sweep's; make one with borderSim sweep")
    if not isinstance(man, dict) or "borderSim_sweep" not in man:
        raise InputError(flag, str(path), "is not a sweep's results folder (its manifest.json is not a sweep's); "
                         "make one with borderSim sweep")
    if man.get("status") != "complete":
        raise InputError(flag, str(path), f"the sweep is {man.get('status')}, not complete; finish it with --resume")
    if man["borderSim_sweep"] != FORMAT:
        raise InputError(flag, str(path), f"was written by another borderSim (folder format {man['borderSim_sweep']}, "
                         f"this reads {FORMAT}: with checksums); it cannot be checked: sweep it again")
    problem = _manifest_problem(man)
    if problem is not None:
        raise InputError(flag, str(path), f"its manifest.json is {problem}; the folder cannot be checked: sweep again")
    found = problems(path, man)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        exp = man.get("experiment", {}).get("path") or "EXPERIMENT"
        raise InputError(flag, str(path), f"{found[0]}{more}; the folder cannot be trusted: run the damaged chunks "
                         f"again with borderSim sweep {exp} --out {path} --resume")
    design = pd.read_parquet(path / "design.parquet")
    summary = pq.read_table(path / "summary").to_pandas().sort_values(["point", "replicate"], ignore_index=True)
    expected = man["design"]["points"] * man["replicates"]
    if len(design) != man["design"]["points"] or len(summary) != expected or \
            summary.duplicated(["point", "replicate"]).any():
        raise InputError(flag, str(path), f"holds {len(summary):,} summary rows for {len(design):,} design points, "
                         f"expected {expected:,} (each point x replicate once); the folder cannot be trusted")
    return Results(path, man, design, summary)
