"""Benchmarks of sweeps (``borderSim bench --sweeps``): reported, never asserted.

1. The shipped ``mediation_comparison.toml`` with ``--workers 2``: wall time and peak memory of the
   whole process tree (the command and its workers, resident sets summed, sampled every 50 ms).
2. Keeping daily quantiles: the same experiment with summaries only, with daily quantiles of the
   ladder, and as shipped (quantiles plus the per-replicate ceasefire series).
3. Throughput per replicate-day of a sweep against ``mesa.batch_run`` over ``BorderModel`` on a
   reduced design (the seven scenarios; both in one process).

Every configuration runs ``repeat`` times in a fresh process, the configurations taking turns; medians
are reported.
"""

from __future__ import annotations

import contextlib
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEDIATION = Path(__file__).resolve().parents[3] / "experiments" / "mediation_comparison.toml"


def _experiment_text() -> str:
    if MEDIATION.exists():
        return MEDIATION.read_text(encoding="utf-8")
    raise FileNotFoundError(f"{MEDIATION} (run the sweep benchmarks from a checkout)")


def variants(text: str) -> dict[str, str]:
    """The shipped experiment, and versions keeping less."""
    head = text.split("[keep]")[0]
    return {"summaries only": head, "with daily quantiles of the ladder": head + '[keep]\nquantiles = ["level"]\n',
            "as shipped (quantiles + ceasefire series)": text}


def _tree_rss(proc) -> int:
    import psutil

    try:
        p = psutil.Process(proc.pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for q in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += q.memory_info().rss
    return total


def timed_sweep(experiment: Path, workers: int) -> dict:
    """Run one sweep in a fresh process: wall seconds, CPU seconds (the command and its workers) and peak
    resident memory of the process tree."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "borderSim", "sweep", str(experiment), "--out", f"{tmp}/out", "--quiet",
               "--workers", str(workers)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc))
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        if proc.returncode:
            raise RuntimeError(proc.stderr.read())
        man = json.loads(Path(f"{tmp}/out/manifest.json").read_text())
    rows = man["design"]["points"] * man["replicates"]
    return {"wall_seconds": wall, "cpu_seconds": cpu, "peak_memory_mib": peak / 2**20,
            "replicate_days": rows * man["days"], "replicate_days_per_second": rows * man["days"] / wall}


def mesa_batch(replicates: int, days: int) -> dict:
    """``mesa.batch_run`` over BorderModel: the seven scenarios x ``replicates`` (run in this process)."""
    import mesa

    from borderSim.model import BorderModel
    from borderSim.schema.scenarios import load_scenario

    names = re.findall(r'"([a-z_0-9]+)"', _experiment_text().split("scenarios =")[1].split("]")[0])
    params = [load_scenario(n).params for n in names]
    t0 = time.perf_counter()
    mesa.batch_run(BorderModel, parameters={"params": params, "replicate": list(range(replicates)), "rng": [1]},
                   iterations=1, max_steps=days, number_processes=1, data_collection_period=-1,
                   display_progress=False)
    wall = time.perf_counter() - t0
    n = len(params) * replicates * days
    return {"wall_seconds": wall, "replicate_days": n, "replicate_days_per_second": n / wall}


def reduced(text: str, replicates: int, days: int) -> str:
    """The experiment with fewer replicates and days, summaries only."""
    head = variants(text)["summaries only"]
    head = re.sub(r"(?m)^replicates = .*$", f"replicates = {replicates}", head)
    return re.sub(r"(?m)^days = .*$", f"days = {days}", head)


def _median(runs: list[dict]) -> dict:
    out = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    out["runs"] = len(runs)
    out["wall_seconds_range"] = [min(r["wall_seconds"] for r in runs), max(r["wall_seconds"] for r in runs)]
    return out


def run(repeat: int = 3, workers: int = 2, progress=None) -> dict:
    text = _experiment_text()
    report: dict = {"experiment": str(MEDIATION.name), "workers": workers, "repeat": repeat}
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for name, body in variants(text).items():
            f = Path(tmp) / f"{len(files)}.toml"
            f.write_text(body)
            files[name] = f
        small = Path(tmp) / "reduced.toml"
        small.write_text(reduced(text, 1000, 365))
        runs: dict[str, list[dict]] = {name: [] for name in files}
        for _ in range(repeat):                 # round-robin, so a burst of load hits every variant alike
            for name, f in files.items():
                runs[name].append(timed_sweep(f, workers))
                if progress:
                    progress(1)
        keep = {name: _median(r) for name, r in runs.items()}
        report["keep"] = keep
        base = keep["summaries only"]
        for v in keep.values():
            v["x_summaries_only"] = v["wall_seconds"] / base["wall_seconds"]
            v["cpu_x_summaries_only"] = v["cpu_seconds"] / base["cpu_seconds"]
        sweeps, mesas = [], []
        for _ in range(repeat):
            sweeps.append(timed_sweep(small, 1))
            mesas.append(mesa_batch(2, 365))
            if progress:
                progress(1)
        report["throughput"] = {"sweep (in-process, 7 scenarios x 1,000 replicates x 365 days)": _median(sweeps),
                                "mesa.batch_run (7 scenarios x 2 replicates x 365 days)": _median(mesas)}
        s, m = (_median(x)["replicate_days_per_second"] for x in (sweeps, mesas))
        report["throughput_ratio"] = s / m
    return report


def markdown(report: dict) -> str:
    lines = [f"Medians of {report['repeat']} runs, each in a fresh process; wall seconds include start-up, "
             "writing the results folder and (with workers) spawning them.", "",
             f"| `{report['experiment']}`, `--workers {report['workers']}` | wall s (range) | CPU s | peak MiB "
             "(process tree) | replicate-days/s (wall) | x summaries only (wall, CPU) |", "|---|---|---|---|---|---|"]
    for name, r in report["keep"].items():
        lo, hi = r["wall_seconds_range"]
        lines.append(f"| {name} | {r['wall_seconds']:.1f} ({lo:.1f}-{hi:.1f}) | {r['cpu_seconds']:.1f} | "
                     f"{r['peak_memory_mib']:,.0f} | "
                     f"{r['replicate_days_per_second']:,.0f} | {r['x_summaries_only']:.2f}, "
                     f"{r['cpu_x_summaries_only']:.2f} |")
    lines += ["", "| throughput, one process | wall s | replicate-days | replicate-days/s |", "|---|---|---|---|"]
    for name, r in report["throughput"].items():
        lines.append(f"| {name} | {r['wall_seconds']:.1f} | {r['replicate_days']:,.0f} | "
                     f"{r['replicate_days_per_second']:,.0f} |")
    lines += ["", f"A sweep runs **{report['throughput_ratio']:,.0f} x** as many replicate-days per second as "
              "`mesa.batch_run` over `BorderModel`."]
    return "\n".join(lines) + "\n"


def write(report: dict, out: Path) -> list[Path]:
    """``sweeps.json`` and ``sweeps.md`` in ``out``, with the machine's description."""
    from borderSim.bench.report import machine, write_report

    return write_report({**report, "machine": machine()}, out, "sweeps", markdown)
