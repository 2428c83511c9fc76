"""Running a scenario on either engine and writing a results folder.

A run folder holds ``timeseries.parquet`` (one column per series, written chunk by chunk), ``summary.parquet``
(one row per replicate), ``manifest.json`` (resolved parameters, seed, versions: enough to reproduce
every figure) and ``overview.png``. It is written under a temporary name beside its destination and
renamed only when complete, so an interrupted run leaves nothing behind; the destination is claimed
first (:mod:`borderSim.outputs.folder`, shared with ``borderSim sweep``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from borderSim.common.errors import InputError
from borderSim.core.run import iter_chunks
from borderSim.inputs.geography import load_geography
from borderSim.outputs import folder, plots, tables
from borderSim.outputs.chunk import Chunk
from borderSim.outputs.variables import series_names
from borderSim.run import budget
from borderSim.schema.paramspec import plain
from borderSim.schema.scenarios import Scenario

ENGINES = ("core", "mesa")
OVERVIEW_REPLICATES = 1000   # the overview is drawn from at most this many replicates
CHUNK = 10_000               # replicates per core chunk (the core's speed levels off around here)
SERIES_BUFFER = 320 * 2**20  # bytes of daily series held at once; sizes the chunk when series are kept
ROW_GROUP = 500              # replicates per Parquet row group of timeseries.parquet


def chunk_rows(days: int, timeseries: bool) -> int:
    """Default core chunk: as large as :data:`CHUNK`, with the daily series' buffer within :data:`SERIES_BUFFER`."""
    if not timeseries:
        return CHUNK
    return max(1, min(CHUNK, SERIES_BUFFER // ((days + 1) * budget.series_bytes())))


def chunks(scenario: Scenario, *, engine: str = "core", timeseries: bool = True, chunk_size: int | None = None,
           progress: Callable[[int], None] | None = None) -> Iterator[Chunk]:
    """Run the scenario's replicates, yielding chunks in replicate order.

    With ``timeseries=False`` only the series drawn in the overview are kept, and only for the first
    :data:`OVERVIEW_REPLICATES` replicates, so memory stays bounded however many replicates run. On the
    core, a chunk's daily series live in a :class:`~borderSim.outputs.tables.SeriesBuffer` that the next
    chunk reuses: write them before asking for the next chunk.
    """
    sim = scenario.params.simulation
    record = True if timeseries else list(plots.OVERVIEW_SERIES)
    limit = None if timeseries else OVERVIEW_REPLICATES
    if engine == "core":
        size = min(sim.replicates, chunk_size or chunk_rows(sim.days, timeseries))
        buffer = tables.SeriesBuffer(size, sim.days) if timeseries else None
        for c in iter_chunks(scenario.params, replicates=sim.replicates, seed=sim.seed, days=sim.days,
                             chunk_size=size, record=False if timeseries else record, record_limit=limit,
                             progress=progress, observe=buffer.record if buffer is not None else None):
            yield Chunk(c.replicates, c.summary, c.series, buffer.columns if buffer else c.columns, buffer)
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
def _json_value(v):
    return plain(v)


def manifest(scenario: Scenario, *, engine: str, timeseries: bool, wall_seconds: float, files: dict) -> dict:
    geo_text = resources.files("borderSim.data").joinpath("geography.toml").read_bytes()
    sim = scenario.params.simulation
    return {
        "borderSim_run": 1,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": folder.command_line(),
        "scenario": {"name": scenario.name, "description": scenario.description,
                     "path": str(scenario.path) if scenario.path else None, "extends": list(scenario.chain),
                     "overrides": {k: _json_value(v) for k, v in scenario.overrides.items()}},
        "seed": sim.seed, "replicates": sim.replicates, "days": sim.days,
        "engine": engine, "timeseries": timeseries,
        "overview_replicates": sim.replicates if timeseries else min(sim.replicates, OVERVIEW_REPLICATES),
        "parameters": {k: _json_value(v) for k, v in scenario.params.flat().items()},
        "geography_sha256": hashlib.sha256(geo_text).hexdigest(),
        "versions": folder.versions(),
        "machine": folder.machine(),
        "wall_seconds": round(wall_seconds, 3),
        "files": files,
    }


def default_out(scenario: Scenario, root: Path = Path("runs")) -> Path:
    """The name a default run would get now (a new folder under ``runs/``); :func:`run_to_folder` with
    ``out=None`` claims such a name atomically."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return root / f"{scenario.name}-{stamp}"


def check_out(out: Path) -> None:
    """The destination must be new or an empty folder (checked again, with a lock, when it is claimed)."""
    folder.destination(out)


@dataclass
class RunResult:
    out: Path
    summary: pd.DataFrame
    manifest: dict


def run_to_folder(scenario: Scenario, out: Path | None, *, engine: str = "core", timeseries: bool = True,
                  chunk_size: int | None = None, progress: Callable[[int], None] | None = None,
                  root: Path = Path("runs")) -> RunResult:
    """Run ``scenario`` and write its results folder at ``out`` (a new folder under ``root`` if None).

    The destination is claimed before anything is computed and the folder appears only when complete.
    """
    with folder.written(out, root=root, stem=scenario.name) as (claim, tmp):
        summary, man = _write_run(scenario, tmp, engine, timeseries, chunk_size, progress)
    return RunResult(claim.out, summary, man)


def _write_run(scenario, tmp: Path, engine, timeseries, chunk_size, progress) -> tuple[pd.DataFrame, dict]:
    t0 = time.perf_counter()
    geo = load_geography()
    writer = tables.ChunkWriter(tmp / "timeseries.parquet", tables.schema(series_names(geo), geo)) \
        if timeseries else None
    summaries, overview = [], {}
    for c in chunks(scenario, engine=engine, timeseries=timeseries, chunk_size=chunk_size, progress=progress):
        summaries.append(c.summary)
        if c.buffer is not None:
            for start in range(0, len(c.replicates), ROW_GROUP):
                stop = min(start + ROW_GROUP, len(c.replicates))
                writer.write(c.buffer.table(start, stop, c.replicates, scenario.name))
        elif c.series is not None and writer is not None:
            writer.write(tables.wide_table(c.series, c.replicates, c.columns, scenario.name, geo))
        if c.series is None and c.buffer is None:
            continue
        for name in plots.OVERVIEW_SERIES:
            have = len(overview.get(name, []))
            if have < OVERVIEW_REPLICATES:
                overview.setdefault(name, []).extend(c.overview_series(name, OVERVIEW_REPLICATES - have))
    summary = pd.concat(summaries, ignore_index=True)
    summary.insert(0, "scenario", pd.Categorical([scenario.name] * len(summary)))
    pq.write_table(pa.Table.from_pandas(summary, preserve_index=False), tmp / "summary.parquet",
                   compression="zstd")
    files = {"summary.parquet": {"rows": len(summary)}}
    if writer is not None:
        writer.close()
        files["timeseries.parquet"] = {"rows": writer.rows}
    sim = scenario.params.simulation
    drawn = min(sim.replicates, OVERVIEW_REPLICATES)
    plots.overview({k: np.array(v[:OVERVIEW_REPLICATES]).T for k, v in overview.items()},
                   tmp / "overview.png", f"{scenario.name}: {scenario.description}",
                   start_date=sim.start_date,
                   subtitle=f"{drawn:,} of {sim.replicates:,} replicates x {sim.days:,} days from "
                   f"{sim.start_date:%d %b %Y}, seed {sim.seed}, {engine} engine")
    files["overview.png"] = {}
    man = manifest(scenario, engine=engine, timeseries=timeseries,
                   wall_seconds=time.perf_counter() - t0, files=files)
    folder.write_json(tmp / "manifest.json", man)
    return summary, man
