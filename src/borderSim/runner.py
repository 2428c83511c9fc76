"""Running a scenario on either engine and writing a results folder.

A run folder holds ``timeseries.parquet`` (one column per series, written chunk by chunk), ``summary.parquet``
(one row per replicate), ``manifest.json`` (resolved parameters, seed, versions: enough to reproduce
every figure) and ``overview.png``. It is written under a temporary name beside its destination and
renamed only when complete, so an interrupted run leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from borderSim.core.run import iter_chunks
from borderSim.errors import InputError
from borderSim.geography import load_geography
from borderSim.outputs import plots, tables
from borderSim.outputs.chunk import Chunk
from borderSim.outputs.variables import series_names
from borderSim.scenarios import Scenario

ENGINES = ("core", "mesa")
OVERVIEW_REPLICATES = 1000   # the overview is drawn from at most this many replicates
TIMESERIES_CHUNK = 250       # replicates per chunk when daily series are kept


def chunks(scenario: Scenario, *, engine: str = "core", timeseries: bool = True, chunk_size: int | None = None,
           progress: Callable[[int], None] | None = None) -> Iterator[Chunk]:
    """Run the scenario's replicates, yielding chunks in replicate order.

    With ``timeseries=False`` only the series drawn in the overview are kept, and only for the first
    :data:`OVERVIEW_REPLICATES` replicates, so memory stays bounded however many replicates run.
    """
    sim = scenario.params.simulation
    record = True if timeseries else list(plots.OVERVIEW_SERIES)
    limit = None if timeseries else OVERVIEW_REPLICATES
    if engine == "core":
        size = chunk_size or (TIMESERIES_CHUNK if timeseries else 10_000)
        for c in iter_chunks(scenario.params, replicates=sim.replicates, seed=sim.seed, days=sim.days,
                             chunk_size=size, record=record, record_limit=limit, progress=progress):
            yield Chunk(c.replicates, c.summary, c.series, c.columns)
    elif engine == "mesa":
        yield from _mesa_chunks(scenario, record, limit, progress)
    else:
        raise InputError("--engine", engine, f"unknown engine; expected one of {', '.join(ENGINES)}")


def _mesa_chunks(scenario: Scenario, record, limit, progress) -> Iterator[Chunk]:
    from borderSim.model import BorderModel

    sim = scenario.params.simulation
    names = series_names(load_geography())
    cols = names if record is True else list(record)
    idx = [names.index(c) for c in cols]
    for r in range(sim.replicates):
        model = BorderModel(scenario.params, rng=sim.seed, replicate=r)
        for _ in range(sim.days):
            model.step()
            if progress is not None:
                progress(1)
        keep = limit is None or r < limit
        yield Chunk(np.array([r]), model.summary(), model.series()[:, :, idx] if keep else None, cols)


# -- the results folder ------------------------------------------------------------------------------
def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("borderSim", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "scipy", "matplotlib"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _json_value(v):
    return v.isoformat() if isinstance(v, dt.date) else v


def manifest(scenario: Scenario, *, engine: str, timeseries: bool, wall_seconds: float, files: dict) -> dict:
    geo_text = resources.files("borderSim.data").joinpath("geography.toml").read_bytes()
    sim = scenario.params.simulation
    return {
        "borderSim_run": 1,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["borderSim", *sys.argv[1:]]) if sys.argv else "",
        "scenario": {"name": scenario.name, "description": scenario.description,
                     "path": str(scenario.path) if scenario.path else None, "extends": list(scenario.chain),
                     "overrides": {k: _json_value(v) for k, v in scenario.overrides.items()}},
        "seed": sim.seed, "replicates": sim.replicates, "days": sim.days,
        "engine": engine, "timeseries": timeseries,
        "overview_replicates": sim.replicates if timeseries else min(sim.replicates, OVERVIEW_REPLICATES),
        "parameters": {k: _json_value(v) for k, v in scenario.params.flat().items()},
        "geography_sha256": hashlib.sha256(geo_text).hexdigest(),
        "versions": versions(),
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count()},
        "wall_seconds": round(wall_seconds, 3),
        "files": files,
    }


def default_out(scenario: Scenario, root: Path = Path("runs")) -> Path:
    """A new folder under ``runs/`` named after the scenario and the time; never an existing one."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = root / f"{scenario.name}-{stamp}"
    out, n = base, 1
    while out.exists():
        n += 1
        out = base.with_name(f"{base.name}-{n}")
    return out


def check_out(out: Path) -> None:
    """The destination must be new or an empty folder."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError("--out", str(out), "already exists and is not an empty folder; choose a new folder")


def prepare_out(out: Path) -> Path:
    """Check the destination and create the temporary folder beside it."""
    check_out(out)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
        probe = tmp / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError("--out", str(out), f"cannot write there ({err.strerror})") from None
    return tmp


@dataclass
class RunResult:
    out: Path
    summary: pd.DataFrame
    manifest: dict


def run_to_folder(scenario: Scenario, out: Path, *, engine: str = "core", timeseries: bool = True,
                  chunk_size: int | None = None, progress: Callable[[int], None] | None = None) -> RunResult:
    """Run ``scenario`` and write its results folder at ``out`` (atomically)."""
    tmp = prepare_out(out)
    try:
        t0 = time.perf_counter()
        geo = load_geography()
        writer = tables.ChunkWriter(tmp / "timeseries.parquet", tables.schema(series_names(geo), geo)) \
            if timeseries else None
        summaries, overview = [], {}
        for c in chunks(scenario, engine=engine, timeseries=timeseries, chunk_size=chunk_size, progress=progress):
            summaries.append(c.summary)
            if c.series is None:
                continue
            if writer is not None:
                writer.write(tables.wide_table(c.series, c.replicates, c.columns, scenario.name, geo))
            for name in plots.OVERVIEW_SERIES:
                if len(overview.get(name, [])) < OVERVIEW_REPLICATES:
                    j = c.columns.index(name)
                    overview.setdefault(name, []).extend(c.series[:, :OVERVIEW_REPLICATES, j].T)
        summary = pd.concat(summaries, ignore_index=True)
        summary.insert(0, "scenario", pd.Categorical([scenario.name] * len(summary)))
        pq.write_table(pa.Table.from_pandas(summary, preserve_index=False), tmp / "summary.parquet",
                       compression="zstd")
        files = {"summary.parquet": {"rows": len(summary)}}
        if writer is not None:
            writer.close()
            files["timeseries.parquet"] = {"rows": writer.rows}
        sim = scenario.params.simulation
        plots.overview({k: np.array(v[:OVERVIEW_REPLICATES]).T for k, v in overview.items()},
                       tmp / "overview.png",
                       f"{scenario.name}: {scenario.description}\n{sim.replicates} replicates x {sim.days} days, "
                       f"seed {sim.seed}, {engine} engine")
        files["overview.png"] = {}
        man = manifest(scenario, engine=engine, timeseries=timeseries,
                       wall_seconds=time.perf_counter() - t0, files=files)
        (tmp / "manifest.json").write_text(json.dumps(man, indent=2) + "\n", encoding="utf-8")
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return RunResult(out, summary, man)
