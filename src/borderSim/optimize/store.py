"""An optimisation's results folder: the Pareto set with intervals, the re-evaluation, the history.

::

    NAME/
      manifest.json          optimisation file text and hash, seed, executor, versions, the stopping
                             reason, wall time and evaluations per second
      pareto.parquet         one row per Pareto design: design, levers, each objective (value, 95 % low,
                             high) and constraint, and the same on fresh replicate indices (``fresh:``)
      pareto.md              the same as a table, with what the re-evaluation found
      hypervolume.parquet    generation, candidates evaluated, hypervolume, size of the front
      evaluated.parquet      every candidate of every generation: levers and objectives as evaluated
      parallel.png, tradeoff.png, hypervolume.png
      generations/, reevaluation/   the cached outcomes (what --resume and ``borderSim pareto`` read)

While it runs the folder is ``.NAME.partial``; every file is written under a temporary name.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from borderSim.common.errors import InputError
from borderSim.optimize.evaluate import Outcomes, intervals, lever_values, objectives, reported, stats
from borderSim.optimize.problem import Measure, Optimization
from borderSim.optimize.search import SearchResult, base_row
from borderSim.outputs import folder

FORMAT = 1


def atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp, compression="zstd")
    os.replace(tmp, path)


def start_manifest(opt: Optimization, executor: str) -> dict:
    return {
        "borderSim_optimization": FORMAT, "status": "running",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "command": folder.command_line(),
        "optimization": {"name": opt.name, "description": opt.description, "path": str(opt.path), "text": opt.text},
        "optimization_sha256": opt.digest(), "scenario": opt.scenario.name, "seed": opt.seed, "days": opt.days,
        "replicates": opt.replicates, "draws": opt.draws,
        "posterior": None if opt.posterior_path is None else str(opt.posterior_path),
        "algorithm": opt.algorithm, "levers": [lv.name for lv in opt.levers],
        "objectives": {m.name: m.describe() for m in opt.objectives},
        "constraints": {m.name: m.describe() for m in opt.constraints},
        "versions": folder.versions(("pymoo", "moocore", "dask", "distributed")), "machine": folder.machine(),
        "executor": executor,
    }


def reopen(partial: Path, opt: Optimization) -> dict:
    man = folder.read_manifest(partial, "an optimisation's")
    if man.get("optimization_sha256") != opt.digest():
        raise InputError("--resume", str(partial), f"holds another optimisation ({man['optimization']['name']!r}, "
                         "a different file, scenario or posterior); resume it with its own file, or choose a new "
                         "--out")
    return man


def _minimising(m: Measure, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An interval in minimising orientation."""
    if m.rule == "regret":
        return lo, hi
    if m.rule == "satisficing" or m.sense == "maximize":
        return -hi, -lo
    return lo, hi


def nondominated(F: np.ndarray) -> np.ndarray:
    """Which rows of ``F`` (minimising) no other row dominates."""
    n = len(F)
    out = np.ones(n, dtype=bool)
    for i in range(n):
        better_eq = (F[i] >= F).all(axis=1) & (F[i] > F).any(axis=1)
        out[i] = not better_eq.any()
    return out


def interval_nondominated(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Which designs no other design beats beyond the intervals: j beats i when j's upper end is at or
    below i's lower end in every objective and below it in one (minimising)."""
    n = len(lo)
    out = np.ones(n, dtype=bool)
    for i in range(n):
        beats = (hi <= lo[i]).all(axis=1) & (hi < lo[i]).any(axis=1)
        beats[i] = False
        out[i] = not beats.any()
    return out


@dataclass
class Pareto:
    table: pd.DataFrame
    markdown: str
    stay: int                # designs that stay non-dominated within their intervals on fresh indices
    stay_point: int          # ... by point estimates


def pareto_table(opt: Optimization, result: SearchResult, own: Outcomes, fresh: Outcomes | None, seed: int
                 ) -> Pareto:
    """The Pareto set with 95 % intervals, on its own replicate indices and on fresh ones."""
    df = pd.DataFrame({"design": np.arange(len(result.pareto_x), dtype=np.int64)})
    for name, v in lever_values(opt, result.pareto_x).items():
        df[name] = v if v.dtype != object else pd.Series(list(v), dtype=object)
    blocks = [("", own)] + ([("fresh:", fresh)] if fresh is not None else [])
    stay = stay_point = len(df)
    for prefix, o in blocks:
        S = stats(opt, o)
        F, G = objectives(opt, S)
        lo, hi = intervals(opt, o, seed=seed)
        for j, m in enumerate(opt.objectives):
            df[f"{prefix}{m.name}"] = reported(m, F[:, j])
            df[f"{prefix}{m.name}:low"], df[f"{prefix}{m.name}:high"] = lo[:, j], hi[:, j]
        for j, m in enumerate(opt.constraints):
            df[f"{prefix}{m.name}"] = reported(m, G[:, j] + m.sign * m.limit)
        if prefix:
            mins = [_minimising(m, lo[:, j], hi[:, j]) for j, m in enumerate(opt.objectives)]
            keep = interval_nondominated(np.column_stack([a for a, _ in mins]), np.column_stack([b for _, b in mins]))
            point = nondominated(F)
            df["fresh:nondominated"] = point
            df["fresh:within_intervals"] = keep
            stay, stay_point = int(keep.sum()), int(point.sum())
    return Pareto(df, markdown(opt, df, fresh is not None, stay, stay_point), stay, stay_point)


def _fmt(x) -> str:
    if isinstance(x, bool | np.bool_):
        return "yes" if x else "no"
    if isinstance(x, float | np.floating):
        return f"{x:,.3f}" if abs(x) < 10 else f"{x:,.1f}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def markdown(opt: Optimization, df: pd.DataFrame, fresh: bool, stay: int, stay_point: int) -> str:
    objs = opt.objectives
    runs = (f"{opt.draws} posterior draws x {opt.replicates} replicates" if opt.posterior_path is not None else
            f"{opt.replicates} replicates at the point estimate")
    lines = [f"Pareto set of **{opt.name}** ({len(df)} designs): {runs} x {opt.days} days per design, the same for "
             "every design; objective [95 % bootstrap interval over draws and replicates].", ""]
    for m in objs:
        lines.append(f"- **{m.label}** ({m.sense}): {m.describe()}")
    lines.append("")
    head = ["design", *[lv.name for lv in opt.levers], *[m.label for m in objs], *[m.label for m in opt.constraints]]
    if fresh:
        head += [f"{m.label} (fresh)" for m in objs] + ["stays"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for _, r in df.iterrows():
        cells = [str(r["design"]), *[_fmt(r[lv.name]) for lv in opt.levers]]
        cells += [f"{_fmt(r[m.name])} [{_fmt(r[m.name + ':low'])}, {_fmt(r[m.name + ':high'])}]" for m in objs]
        cells += [_fmt(r[m.name]) for m in opt.constraints]
        if fresh:
            cells += [f"{_fmt(r['fresh:' + m.name])} [{_fmt(r['fresh:' + m.name + ':low'])}, "
                      f"{_fmt(r['fresh:' + m.name + ':high'])}]" for m in objs]
            cells.append(_fmt(bool(r["fresh:within_intervals"])))
        lines.append("| " + " | ".join(cells) + " |")
    if fresh:
        lines += ["", f"Re-evaluated on fresh replicate indices and fresh posterior draws: **{stay} of {len(df)}** "
                  "designs stay non-dominated within their intervals (no other design's interval is better in "
                  f"every objective); {stay_point} of {len(df)} by the point estimates alone."]
    return "\n".join(lines) + "\n"


def history_table(result: SearchResult, population: int) -> pd.DataFrame:
    n = np.cumsum([len(r.X) for r in result.generations])
    return pd.DataFrame({"generation": [r.index for r in result.generations], "candidates": n.astype(np.int64),
                         "hypervolume": [r.hypervolume for r in result.generations],
                         "front": np.array([r.front for r in result.generations], dtype=np.int64)})


def evaluated_table(opt: Optimization, result: SearchResult) -> pd.DataFrame:
    base = base_row(opt)
    frames = []
    for r in result.generations:
        f = pd.DataFrame({"generation": np.full(len(r.X), r.index, dtype=np.int64),
                          "row": np.arange(len(r.X), dtype=np.int64)})
        for name, v in lever_values(opt, r.X).items():
            f[name] = v if v.dtype != object else pd.Series(list(v), dtype=object)
        for j, m in enumerate(opt.objectives):
            f[m.name] = reported(m, r.F[:, j])
        if r.G is not None:
            f["feasible"] = (r.G <= 0).all(axis=1)
        f["base"] = (base == r.X).all(axis=1) if base is not None else False
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


@dataclass
class OptimizationResults:
    path: Path
    manifest: dict
    pareto: pd.DataFrame
    hypervolume: pd.DataFrame
    evaluated: pd.DataFrame


def open_optimization(path: Path | str, flag: str = "RESULTS") -> OptimizationResults:
    path = Path(path)
    if not path.is_dir():
        partial = path.with_name(f".{path.name}{folder.PARTIAL_SUFFIX}")
        hint = f"; an unfinished optimisation is in {partial} (finish it with --resume)" if partial.exists() else ""
        raise InputError(flag, str(path), f"no such results folder{hint}")
    try:
        man = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(flag, str(path), "is not an optimisation's results folder (no manifest.json); make one "
                         "with borderSim optimize") from None
    if "borderSim_optimization" not in man:
        raise InputError(flag, str(path), "is not an optimisation's results folder; make one with borderSim optimize")
    if man.get("status") != "complete":
        raise InputError(flag, str(path), f"the optimisation is {man.get('status')}; finish it with --resume")
    read = lambda name: pd.read_parquet(path / name)  # noqa: E731
    return OptimizationResults(path, man, read("pareto.parquet"), read("hypervolume.parquet"),
                               read("evaluated.parquet"))
