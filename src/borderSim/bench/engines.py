"""Benchmark: replicate-days per second of the Mesa engine and of the core at several batch sizes.

Each configuration runs in its own process (``python -m borderSim.bench ENGINE BATCH DAYS`` prints
its figures as JSON) so that its peak memory is measured alone. Figures are CPU seconds of that
process (less sensitive to other load than wall time) and wall seconds. The "floor" is the time
numpy takes to draw one uniform per village-day at the same batch size (batch 1 for the Mesa engine,
which runs one replicate at a time), the cost any stochastic village model pays; the ratio compares
each engine with it. With ``phases`` (``borderSim bench --phases``) each configuration runs once more
with every phase of the day timed: where each engine's time goes, the Mesa engine's own bookkeeping
(its DataCollector, and dispatching the day to its agents) apart from the shared rules; with ``candidates``
(``borderSim bench --phases --calibration``) the configurations are instead the calibration benchmark's candidates,
one row each (:func:`borderSim.bench.calibration.candidate_rows`), run as a calibration runs them.
``borderSim bench`` (:mod:`borderSim.cli`) is the command; this module only measures and formats.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from borderSim.bench.report import machine, write_report

BATCHES = (1, 100, 1_000, 10_000)


def _timed_run(engine: str, batch: int, days: int, after_warm_up=None) -> tuple[float, float]:
    """CPU and wall seconds of ``batch`` replicates x ``days`` of the default parameters on ``engine`` (``candidates``:
    the calibration benchmark's first ``batch`` candidates, one replicate each, on the core), after a warm-up run
    that is not timed: long enough for every phase's compiled kernels to be called once, and so loaded from the
    cache (a few rows for a few days never fight, and left loading the front's and the villages' kernels, about
    0.07 s, to the timed run)."""
    import numpy as np

    from borderSim.core.run import run_rows
    from borderSim.model import BorderModel
    from borderSim.schema import Parameters

    params = Parameters()
    if engine == "candidates":
        from borderSim.bench.calibration import candidate_rows
        from borderSim.experiments.evaluate.tasks import evaluate_rows

        base, values, seed, columns = candidate_rows(max(batch, 64))

        def run(n: int, d: int) -> None:
            evaluate_rows(base, {k: v[:n] for k, v in values.items()}, np.arange(n), seed=seed, days=d,
                          summary_columns=columns)
    elif engine == "core":
        def run(n: int, d: int) -> None:
            run_rows(params, np.arange(n), seed=1, days=d)
    else:
        def run(n: int, d: int) -> None:
            for r in range(n):
                model = BorderModel(params, rng=1, replicate=r)
                for _ in range(d):
                    model.step()
    run(1 if engine == "mesa" else 64, 365)       # the warm-up
    if after_warm_up is not None:
        after_warm_up()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    run(batch, days)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return cpu, wall


def _measure(engine: str, batch: int, days: int) -> dict:
    """Run one configuration in this process and return its figures (called in a child process)."""
    from borderSim.inputs.geography import load_geography

    geo = load_geography()
    cpu, wall = _timed_run(engine, batch, days)
    out = {"engine": engine, "batch": batch, "days": days, "cpu_seconds": cpu, "wall_seconds": wall,
           "replicate_days_per_second": batch * days / cpu,
           "peak_memory_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    floor = _floor(engine, batch, days, geo.n_villages)
    village_days = batch * days * geo.n_villages
    out.update(ns_per_village_day=cpu / village_days * 1e9, uniform_ns_per_village_day=floor / village_days * 1e9,
               ratio_to_uniform=cpu / floor)
    return out


def _floor(engine: str, batch: int, days: int, villages: int) -> float:
    """CPU seconds numpy takes to draw one uniform per village-day of the configuration, as the engine draws
    them: a (batch, villages) array a day on the core, one replicate's (1, villages) a day on Mesa."""
    import numpy as np

    rng = np.random.default_rng(0)
    rows, repeats = (1, batch) if engine == "mesa" else (batch, 1)
    t0 = time.process_time()
    for _ in range(days * repeats):
        rng.random((rows, villages))
    return time.process_time() - t0


def _measure_phases(engine: str, batch: int, days: int) -> dict:
    """Run one configuration with every phase of the day timed (called in a child process).

    Each phase of :data:`borderSim.rules.schedule.DAY` (on Mesa: each agent's method for its phase), the
    summary's recorder and Mesa's DataCollector are wrapped by a wall-clock timer; what is left of the run's
    wall time is the engine's own work (the core's driver; on Mesa, dispatching the day to its agents and
    building the models). Times are scaled to the run's CPU time (wall x CPU / wall), so that a loaded
    machine stretches every phase alike. The timers cost about a microsecond per call.
    """
    import mesa

    from borderSim.core import engine as core_engine
    from borderSim.inputs.geography import load_geography
    from borderSim.model import agents
    from borderSim.model import model as mesa_model
    from borderSim.outputs.summary import Recorder
    from borderSim.rules import schedule

    seconds: dict[str, float] = {}

    def timed(name: str, fn):
        def run(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t0
        return run

    day = tuple(schedule.Phase(p.name, timed(p.name, p.run), p.actors, p.method) for p in schedule.DAY)
    core_engine.DAY = mesa_model.DAY = day      # Mesa calls the agents' methods for the agent phases:
    classes = {"villages": agents.Village, "governments": agents.Government, "china": agents.China,
               "mediators": agents.Mediator}
    for p in schedule.DAY:
        if p.actors is not None:
            cls = classes[p.actors]
            setattr(cls, p.method, timed(p.name, getattr(cls, p.method)))
    Recorder.record = timed("summary recorder", Recorder.record)
    mesa.DataCollector.collect = timed("Mesa DataCollector", mesa.DataCollector.collect)

    geo = load_geography()
    cpu, wall = _timed_run(engine, batch, days, after_warm_up=seconds.clear)
    rest = {"mesa": "Mesa: dispatch to agents, model set-up", "core": "core: driver (run_rows)",
            "candidates": "core: driver and the rows' parameters (evaluate_rows)"}[engine]
    parts = [(p.name, seconds.get(p.name, 0.0)) for p in schedule.DAY] + [
        (name, seconds.get(name, 0.0)) for name in ("summary recorder", "Mesa DataCollector") if name in seconds]
    parts.append((rest, max(0.0, wall - sum(t for _, t in parts))))
    return {"engine": engine, "batch": batch, "days": days, "cpu_seconds": cpu, "wall_seconds": wall,
            "floor_seconds": _floor(engine, batch, days, geo.n_villages),
            "phases": [[name, t * cpu / wall] for name, t in parts]}


def phases(days: int = 730, batches=BATCHES, mesa_replicates: int = 2, mesa_days: int = 365, progress=None,
           candidates: bool = False) -> dict:
    """Each configuration once, in a fresh process, with every phase of the day timed (:func:`_measure_phases`);
    with ``candidates`` the calibration benchmark's candidates at each batch size instead of the engines."""
    configs = ([("candidates", b, days) for b in batches] if candidates
               else [("mesa", mesa_replicates, mesa_days)] + [("core", b, days) for b in batches])
    results = []
    for engine, batch, d in configs:
        proc = subprocess.run([sys.executable, "-m", "borderSim.bench", "--phases", engine, str(batch), str(d)],
                              capture_output=True, text=True, check=True)
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        if progress is not None:
            progress(1)
    return {"machine": machine(), "phases": results}


def phases_markdown(report: dict) -> str:
    """The phases as rows, each configuration's milliseconds per day (Mesa: per replicate-day) and their multiple
    of its floor (numpy's one uniform per village-day) as columns."""
    results = report["phases"]
    m = report["machine"]
    label = {"mesa": "Mesa", "core": "core", "candidates": "calibration candidates"}
    head = [f"{label[r['engine']]} {r['batch']:,} x {r['days']}" for r in results]
    lines = [f"Machine: {m['cpu']}, {m['cores']} cores; one run per configuration, CPU milliseconds per day "
             "(Mesa: per replicate-day) and multiples of the floor (numpy's uniform per village-day, same batch).", "",
             "| phase | " + " | ".join(f"{h}: ms/day | x floor" for h in head) + " |",
             "|---|" + "---|---|" * len(results)]
    per_day = [r["days"] * (r["batch"] if r["engine"] == "mesa" else 1) for r in results]
    names = list(dict.fromkeys(name for r in results for name, _ in r["phases"]))
    rows = {name: [dict(r["phases"]).get(name) for r in results] for name in names}
    rows["total"] = [r["cpu_seconds"] for r in results]
    for name, values in rows.items():
        cells = []
        for v, r, n in zip(values, results, per_day, strict=True):
            cells += ["", ""] if v is None else [f"{1e3 * v / n:.3f}", f"{v / r['floor_seconds']:.2f}"]
        label = f"**{name}**" if name == "total" else name
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _median(runs: list[dict]) -> dict:
    """One configuration's figures: the median of each over its repeats, and the spread of CPU time."""
    out = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, float):
            out[key] = statistics.median(r[key] for r in runs)
    if "ratio_to_uniform" in out:   # the ratio of the medians, not the median of the ratios
        out["ratio_to_uniform"] = out["ns_per_village_day"] / out["uniform_ns_per_village_day"]
    cpu = [r["cpu_seconds"] for r in runs]
    out.update(repeats=len(runs), cpu_seconds_min=min(cpu), cpu_seconds_max=max(cpu))
    return out


def run(days: int = 730, batches=BATCHES, mesa_replicates: int = 2, mesa_days: int = 365, repeat: int = 3,
        progress=None) -> dict:
    """Every configuration ``repeat`` times, each run in a fresh Python process; medians are reported
    (a shared virtual machine's CPU time varies by 10-20 % from run to run)."""
    configs = [("mesa", mesa_replicates, mesa_days)] + [("core", b, days) for b in batches]
    results = []
    for engine, batch, d in configs:
        runs = []
        for _ in range(repeat):
            proc = subprocess.run([sys.executable, "-m", "borderSim.bench", engine, str(batch), str(d)],
                                  capture_output=True, text=True, check=True)
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            if progress is not None:
                progress(1)
        results.append(_median(runs))
    mesa = results[0]["replicate_days_per_second"]
    for r in results[1:]:
        r["speedup_over_mesa"] = r["replicate_days_per_second"] / mesa
    return {"machine": machine(), "results": results}


def _fmt(r: dict, key: str, spec: str) -> str:
    return format(r[key], spec) if key in r else ""


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [f"Machine: {m['cpu']}, {m['cores']} cores, {m['platform']}; Python {m['versions']['python']}, "
             f"numpy {m['versions']['numpy']}, Mesa {m['versions']['mesa']}.", "",
             f"Medians of {report['results'][0].get('repeats', 1)} runs per configuration (CPU s: median "
             "and range).", "",
             "| engine | batch | days | CPU s | replicate-days/s | x Mesa | peak MiB | ns per village-day "
             "| numpy uniform ns | ratio |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["results"]:
        spread = f" ({r['cpu_seconds_min']:.2f}-{r['cpu_seconds_max']:.2f})" if r.get("repeats", 1) > 1 else ""
        lines.append(
            f"| {r['engine']} | {r['batch']:,} | {r['days']} | {r['cpu_seconds']:.2f}{spread} | "
            f"{r['replicate_days_per_second']:,.0f} | {r.get('speedup_over_mesa', 1):,.0f} | "
            f"{r['peak_memory_mib']:.0f} | {_fmt(r, 'ns_per_village_day', ',.1f')} | "
            f"{_fmt(r, 'uniform_ns_per_village_day', '.2f')} | {_fmt(r, 'ratio_to_uniform', ',.1f')} |")
    return "\n".join(lines) + "\n"


def write(report: dict, out: Path) -> list[Path]:
    """``bench.json`` and ``bench.md`` in ``out``."""
    return write_report(report, out, "bench", markdown)


def write_phases(report: dict, out: Path) -> list[Path]:
    """``phases.json`` and ``phases.md`` in ``out``."""
    return write_report(report, out, "phases", phases_markdown)
