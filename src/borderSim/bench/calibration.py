"""Benchmarks of calibration (``borderSim bench --calibration``): reported, never asserted.

1. Candidate throughput: batches of candidate parameter vectors (four parameters drawn from their
   priors, one replicate of the baseline for 730 days each) evaluated through the calibration's
   evaluator on ``workers`` local processes, after a warm-up batch of one small chunk per worker (the pool spawns a
   worker at a submission that finds none idle: a warm-up of one chunk left the second worker to be spawned, and to
   load its kernels, inside the timed batch: it began 1.3 s late in 12-14 s); candidates per
   second (wall) and the time 500,000 candidates would take at that rate. Twice: the baseline as shipped,
   which starts warm, so each candidate first replays 2021 under its own parameters (365 days more to
   simulate), and the baseline cold-started from its hand-set day 0 (``warm_start = "none"``), whose
   candidates simulate their 730 days only -- the candidate of 730 days the speed issue was measured on. Each is
   run ``repeat`` times, each time with a pool of its own (:func:`repeated`), and the median run is reported with
   every run's rate (the machines we measure on vary by 10-30 % within the hour, more than most changes it should
   show).
2. End to end: ABC-SMC with ELFI over the same problem (``borderSim calibrate`` in a fresh process,
   with the pilot, the batch cache and the results folder): wall seconds, candidates run, candidates per
   second -- what ELFI, the distance and the bookkeeping add to the evaluation itself.

:func:`candidate_rows` gives the cold-started problem's candidates as rows of the core, for ``borderSim bench --phases
--calibration`` (:mod:`borderSim.bench.engines`): where a candidate's time goes, phase by phase.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROBLEM = """description = "benchmark: four parameters, the baseline's major episodes over 730 days"
seed = 11

[parameters]
"border.involuntary_escalation" = {{ prior = "loguniform", low = 0.002, high = 0.1 }}
"communities.incident_rate" = {{ prior = "uniform", low = 0.001, high = 0.012 }}
"communities.gunfire_probability" = {{ prior = "uniform", low = 0.02, high = 0.4 }}
"border.ceasefire_rate" = {{ prior = "uniform", low = 0.05, high = 0.8 }}

[runs.status_quo]
scenario = "{scenario}"
days = 730
replicates = 1

[targets.major_episodes_per_year]
run = "status_quo"
column = "major_episodes"
statistic = "per_year"
observed = 1.0
scale = 0.5
source = "record: two major episodes in 2021-2022"

[targets.deadly_clashes_per_year]
run = "status_quo"
column = "episodes_rung4plus"
statistic = "per_year"
observed = 4
scale = 1.0
source = "record: four deadly clashes in the year before September 2022"

[abc]
method = "smc"
population = {population}
batch = {batch}
quantiles = [0.2, 0.5, 0.5]
max_candidates = 10000000
pilot = 0
chunk_rows = {chunk_rows}
"""
TARGET = 500_000
CANDIDATES = 40_000   # the throughput batch (``borderSim bench --calibration --candidates``' default)
LIMIT_SECONDS = 600


COLD = """description = "the baseline cold-started from its hand-set day 0 (calibration benchmark)"
extends = "baseline"

[simulation]
warm_start = "none"
"""


def write_problem(folder: Path, *, cold: bool, population: int = 5_000, batch: int = 20_000,
                  chunk_rows: int = 10_000) -> Path:
    """The benchmark's calibration file in ``folder`` (``bench.toml``, or ``bench_cold.toml`` on the cold-started
    baseline, whose scenario file it writes beside it)."""
    settings = {"population": population, "batch": batch, "chunk_rows": chunk_rows}
    if cold:
        (folder / "cold.toml").write_text(COLD)
    path = folder / ("bench_cold.toml" if cold else "bench.toml")
    path.write_text(PROBLEM.format(scenario="cold.toml" if cold else "baseline", **settings))
    return path


def draw(cal, candidates: int):
    """``candidates`` parameter vectors ``(n, parameters)`` drawn from the problem's priors (seed 1)."""
    import numpy as np

    rng = np.random.default_rng(1)
    return np.column_stack([p.scipy().rvs(size=candidates, random_state=rng) for p in cal.priors])


def candidate_rows(candidates: int):
    """The first ``candidates`` of the cold-started throughput's :data:`CANDIDATES` (:func:`draw`; the same rows and
    replicate indices as :func:`throughput` runs) as rows of the core: the run's parameters, each row's values of the
    four that vary, the problem's seed and the summary columns its targets read (for
    :func:`borderSim.experiments.evaluate.tasks.evaluate_rows`, replicates ``0 .. candidates - 1``, as the evaluator
    runs them)."""
    from borderSim.calibration.priors import as_parameter_values
    from borderSim.calibration.problem import read_calibration
    from borderSim.calibration.simulate import Evaluator

    with tempfile.TemporaryDirectory() as tmp:
        cal = read_calibration(write_problem(Path(tmp), cold=True))
    values = draw(cal, max(candidates, CANDIDATES))[:candidates]
    columns = Evaluator(cal, None).columns(cal.runs[0], False)
    return cal.runs[0].scenario.params, as_parameter_values(cal.priors, values), cal.seed, columns


def throughput(path: Path, candidates: int, workers: int) -> dict:
    """Candidates per second of the evaluator on ``workers`` processes (warm-up batch excluded)."""
    from borderSim.calibration.problem import read_calibration
    from borderSim.calibration.simulate import Evaluator
    from borderSim.experiments.evaluate.executors import make_executor
    from borderSim.schema.scenarios import warm_start_params

    cal = read_calibration(path)
    sim = cal.runs[0].scenario.params.simulation
    replay = 0 if sim.warm_start == "none" else warm_start_params(sim.warm_start, sim.start_date)[1]
    values = draw(cal, candidates)
    cpu0 = time.process_time() + _children_cpu()
    executor = make_executor(workers, None)
    try:
        warm = dataclasses.replace(cal, settings=dataclasses.replace(cal.settings, chunk_rows=2))
        Evaluator(warm, executor)(values[: 2 * workers], cal.seed, 10**12)   # warm-up: a chunk for each worker
        ev = Evaluator(cal, executor)
        t0 = time.perf_counter()
        ev(values, cal.seed, 0)
        wall = time.perf_counter() - t0
    finally:
        executor.close()                                      # the workers end: their CPU time is ours to read
    cpu = time.process_time() + _children_cpu() - cpu0
    rate = candidates / wall
    return {"candidates": candidates, "days": 730, "replay_days": replay, "workers": workers, "wall_seconds": wall,
            "cpu_seconds_incl_warm_up": cpu, "candidates_per_cpu_second": candidates / cpu,
            "candidates_per_second": rate, "replicate_days_per_second": rate * (730 + replay),
            "seconds_for_500000": TARGET / rate, "fits_10_minutes": TARGET / rate <= LIMIT_SECONDS}


def repeated(path: Path, candidates: int, workers: int, repeat: int, progress=None) -> dict:
    """:func:`throughput` ``repeat`` times: the median run (the lower of the middle two for an even number), with
    every run's candidates per second in the order they ran (``rates``)."""
    runs = []
    for _ in range(repeat):
        runs.append(throughput(path, candidates, workers))
        if progress:
            progress(1)
    median = sorted(runs, key=lambda r: r["candidates_per_second"])[(repeat - 1) // 2]
    return {**median, "repeat": repeat, "rates": [r["candidates_per_second"] for r in runs]}


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def end_to_end(path: Path, workers: int) -> dict:
    """``borderSim calibrate`` on the problem, in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        cpu0 = _children_cpu()
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "borderSim", "calibrate", str(path), "--out", f"{tmp}/out",
                               "--quiet", "--workers", str(workers)], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        cpu = _children_cpu() - cpu0
        if proc.returncode:
            raise RuntimeError(proc.stderr)
        man = json.loads(Path(f"{tmp}/out/manifest.json").read_text())
    n = sum(g["candidates"] for g in man["generations"])
    return {"wall_seconds": wall, "cpu_seconds": cpu, "candidates": n, "candidates_per_second": n / wall,
            "seconds_for_500000_if_the_cores_are_ours": TARGET / (n / cpu) / workers,
            "generations": man["generations"], "population": man["schedule"]["population"],
            "batch": man["schedule"]["batch"]}


def run(candidates: int = CANDIDATES, workers: int = 2, population: int = 5_000, batch: int = 20_000,
        repeat: int = 3, progress=None) -> dict:
    """The throughput of both baselines (each :func:`repeated` ``repeat`` times), then ABC-SMC end to end (once):
    ``progress(1)`` after each of the ``2 x repeat + 1`` runs."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_problem(Path(tmp), cold=False, population=population, batch=batch)
        report = {"throughput": repeated(path, candidates, workers, repeat, progress)}
        cold = write_problem(Path(tmp), cold=True, population=population, batch=batch)
        report["throughput_cold"] = repeated(cold, candidates, workers, repeat, progress)
        report["end_to_end"] = end_to_end(path, workers)
        if progress:
            progress(1)
    return report


def _rate(r: dict) -> str:
    """Candidates per second of the median run, with the range of every run's."""
    rates = r.get("rates", [r["candidates_per_second"]])
    spread = f" ({min(rates):,.0f}-{max(rates):,.0f})" if len(rates) > 1 else ""
    return f"{r['candidates_per_second']:,.0f}{spread}"


def markdown(report: dict) -> str:
    t, e = report["throughput"], report["end_to_end"]
    runs = t.get("repeat", 1)
    lines = [f"Candidate runs of 730 days (baseline, one replicate each, four parameters drawn from their priors) "
             f"on {t['workers']} local processes, wall time after a warm-up batch"
             + (f"; the median of {runs} runs, each with a pool of its own (range in brackets; the other columns "
                "are the median run's)" if runs > 1 else "") + ". The shipped baseline starts "
             "warm: each candidate first replays 2021 under its own parameters, days it simulates too; "
             "cold-started, a candidate simulates its 730 days only:", "",
             "| baseline | days simulated per candidate | candidates | wall s | candidates/s | replicate-days/s "
             "| 500,000 candidates would take | within 10 min | candidates per CPU s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for how, r in (("as shipped (warm start)", t), ("cold-started", report.get("throughput_cold"))):
        if r is not None:
            lines.append(f"| {how} | {730 + r.get('replay_days', 0):,} | {r['candidates']:,} | "
                         f"{r['wall_seconds']:.1f} | {_rate(r)} | "
                         f"{r['replicate_days_per_second']:,.0f} | {r['seconds_for_500000'] / 60:.1f} min | "
                         f"{'yes' if r['fits_10_minutes'] else 'no'} | {r['candidates_per_cpu_second']:,.0f} |")
    lines += ["",
             f"ABC-SMC end to end (`borderSim calibrate`, ELFI, population {e['population']:,}, batches of "
             f"{e['batch']:,}, three generations, a fresh process with its results folder): "
             f"{e['candidates']:,} candidates in {e['wall_seconds']:.1f} s wall = "
             f"{e['candidates_per_second']:,.0f} candidates/s; 500,000 candidates would take "
             f"{TARGET / e['candidates_per_second'] / 60:.1f} min at that rate "
             f"({'within' if TARGET / e['candidates_per_second'] <= LIMIT_SECONDS else 'beyond'} 10 minutes). "
             f"CPU: {e['cpu_seconds']:.0f} s (the command and its workers); with both cores to itself 500,000 "
             f"candidates would take about {e['seconds_for_500000_if_the_cores_are_ours'] / 60:.1f} min.", "",
             "| generation | tolerance | candidates | acceptance |", "|---|---|---|---|"]
    lines += [f"| {g['generation']} | {g['tolerance']:.3g} | {g['candidates']:,} | {g['acceptance_rate']:.3f} |"
              for g in e["generations"]]
    return "\n".join(lines) + "\n"


def write(report: dict, out: Path) -> list[Path]:
    """``calibration.json`` and ``calibration.md`` in ``out``, with the machine's description."""
    from borderSim.bench.report import machine, write_report

    return write_report({**report, "machine": machine()}, out, "calibration", markdown)
