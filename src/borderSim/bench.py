"""Benchmark: replicate-days per second of the Mesa engine and of the core at several batch sizes.

Each configuration runs in its own process (``python -m borderSim.bench ENGINE BATCH DAYS`` prints
its figures as JSON) so that its peak memory is measured alone. Figures are CPU seconds of that
process (less sensitive to other load than wall time) and wall seconds. The "floor" is the time
numpy takes to draw one uniform per village-day at the same batch size, the cost any stochastic
village model pays; the ratio compares the core with it. ``borderSim bench`` (:mod:`borderSim.cli`)
is the command; this module only measures and formats.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BATCHES = (1, 100, 1_000, 10_000)


def _measure(engine: str, batch: int, days: int) -> dict:
    """Run one configuration in this process and return its figures (called in a child process)."""
    import numpy as np

    from borderSim.core.run import run_rows
    from borderSim.geography import load_geography
    from borderSim.model import BorderModel
    from borderSim.schema import Parameters

    params, geo = Parameters(), load_geography()
    # load the compiled kernels and warm caches outside the timing
    run_rows(params, np.arange(2), seed=1, days=3) if engine == "core" else BorderModel(params, rng=1).step()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if engine == "mesa":
        for r in range(batch):
            model = BorderModel(params, rng=1, replicate=r)
            for _ in range(days):
                model.step()
    else:
        run_rows(params, np.arange(batch), seed=1, days=days)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    out = {"engine": engine, "batch": batch, "days": days, "cpu_seconds": cpu, "wall_seconds": wall,
           "replicate_days_per_second": batch * days / cpu,
           "peak_memory_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if engine == "core":
        rng = np.random.default_rng(0)
        t0 = time.process_time()
        for _ in range(days):
            rng.random((batch, geo.n_villages))
        floor = time.process_time() - t0
        village_days = batch * days * geo.n_villages
        out.update(ns_per_village_day=cpu / village_days * 1e9,
                   uniform_ns_per_village_day=floor / village_days * 1e9,
                   ratio_to_uniform=cpu / floor)
    return out


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


def machine() -> dict:
    from borderSim.outputs.folder import versions

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(), "versions": versions()}


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


def write_report(report: dict, out: Path, stem: str, to_markdown) -> list[Path]:
    """``STEM.json`` and ``STEM.md`` (``to_markdown(report)``) in ``out`` (created if needed), each written
    under a temporary name and renamed when complete; shared by every benchmark."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for path, text in ((out / f"{stem}.json", json.dumps(report, indent=2) + "\n"),
                       (out / f"{stem}.md", to_markdown(report))):
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        files.append(path)
    return files


def write(report: dict, out: Path) -> list[Path]:
    """``bench.json`` and ``bench.md`` in ``out``."""
    return write_report(report, out, "bench", markdown)


if __name__ == "__main__":  # one configuration, in the child process started by run()
    engine, batch, days = sys.argv[1:4]
    print(json.dumps(_measure(engine, int(batch), int(days))))
