"""What each ``borderSim`` subcommand does."""

from __future__ import annotations

import argparse
import sys
import time

from borderSim.common.errors import InputError
from borderSim.schema import tables

#: summary columns printed after a run: (column, label, kind); kind says how the values are shown:
#: "share" yes/no (% of replicates), "percent" a share per replicate, "count" persons or events,
#: "day" a day number or a number of days, "index" a change of an index on 0-1
HEADLINE = (
    ("reached_rung5", "reached a major clash (rung 5+)", "share"),
    ("reached_rung6", "reached sustained war (rung 6)", "share"),
    ("protest_wave", "Kyrgyz protest wave", "share"),
    ("major_episodes", "major episodes", "count"),
    ("first_day_rung5", "first day at rung 5+, when reached (day)", "day"),
    ("days_rung2plus", "days at rung 2+ (days)", "day"),
    ("incidents_total", "village incidents", "count"),
    ("deaths_total", "deaths, both sides (persons)", "count"),
    ("deaths_KG", "Kyrgyz deaths (persons)", "count"),
    ("deaths_TJ", "Tajik deaths (persons)", "count"),
    ("displaced_peak_KG", "Kyrgyz displaced at peak (persons)", "count"),
    ("displaced_peak_TJ", "Tajik displaced at peak (persons)", "count"),
    ("ceasefires_agreed", "ceasefires agreed", "count"),
    ("ceasefires_survived", "ceasefires that held (of those ended, pooled)", "pooled"),
    ("legitimacy_change_365_TJ", "Tajik legitimacy change by day 365 (index 0-1)", "index"),
    ("legitimacy_change_365_KG", "Kyrgyz legitimacy change by day 365 (index 0-1)", "index"),
)
LABEL_WIDTH = 48
#: when a summary column is reached only on long enough runs: (column prefix, the day it needs)
NEEDS_DAYS = (("legitimacy_change_365", 365), ("legitimacy_change_90", 90))


def _resolve(args: argparse.Namespace):
    """The scenario with --replicates/--days/--seed and --set applied; a key given twice is an error."""
    from borderSim.schema.paramspec import shown
    from borderSim.schema.scenarios import assignments, load_scenario, with_overrides

    scenario = load_scenario(args.scenario)
    sets = assignments(list(args.assignments))
    for flag, key in (("replicates", "simulation.replicates"), ("days", "simulation.days"),
                      ("seed", "simulation.seed")):
        value = getattr(args, flag)
        if value is None:
            continue
        if key in sets:
            raise InputError(f"--{flag}", str(value), f"conflicts with --set {key}={shown(sets[key])}; give one")
        scenario = with_overrides(scenario, {key: value}, where=f"--{flag}")
    return with_overrides(scenario, sets)


def _check_resources(args: argparse.Namespace, scenario, out) -> int | None:
    """The chunk size to use, after checking that the run fits in memory and on disk (one-line errors)."""
    from borderSim.run import budget

    sim = scenario.params.simulation
    if args.chunk_size is not None and args.engine != "core":
        raise InputError("--chunk-size", str(args.chunk_size), f"applies to --engine core only; the {args.engine} "
                         "engine runs one replicate at a time")
    if args.chunk_size is not None:
        budget.check_chunk(min(args.chunk_size, sim.replicates), sim.days, not args.no_timeseries)
    if not args.no_timeseries:
        budget.check_disk(sim.replicates, sim.days, out)
    return args.chunk_size


def _status(args: argparse.Namespace, text: str):
    """A transient status line on a terminal (erased before anything else is printed)."""
    import contextlib

    @contextlib.contextmanager
    def shown():
        live = not args.quiet and sys.stderr.isatty()
        if live:
            print(text, end="\r", file=sys.stderr, flush=True)
        try:
            yield
        finally:
            if live:
                print("\033[K", end="", file=sys.stderr, flush=True)

    return shown()


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    scenario = _resolve(args)
    with _status(args, f"{scenario.name}: loading the model (numpy, numba kernels, pandas, pyarrow)…"):
        from borderSim.run import runner

        if args.out is not None:
            runner.check_out(args.out)
        chunk_size = _check_resources(args, scenario, args.out if args.out is not None
                                      else runner.default_out(scenario))
    sim = scenario.params.simulation
    bar = tqdm(total=sim.replicates * sim.days, unit="rep-day", unit_scale=True, disable=args.quiet,
               desc=f"{scenario.name} ({args.engine})", file=sys.stderr, dynamic_ncols=True,
               postfix="starting: loading the compiled kernels")

    def progress(n: int) -> None:
        if bar.n == 0:
            bar.set_postfix_str("", refresh=False)
        bar.update(n)
        if bar.n >= bar.total:
            bar.set_postfix_str("simulated; writing the tables and overview.png")

    t0 = time.perf_counter()
    try:
        result = runner.run_to_folder(scenario, args.out, engine=args.engine, timeseries=not args.no_timeseries,
                                      chunk_size=chunk_size, progress=progress)
    finally:
        bar.close()
    if not args.quiet:
        print(headline_table(result.summary, scenario, args.engine, time.perf_counter() - t0))
        print(f"results: {result.out}/")
    return 0


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _number(x: float, kind: str) -> str:
    if kind == "index":
        return f"{x:+.3f}"
    if kind == "percent":
        return f"{100 * x:.0f} %"
    return f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.1f}"


def pooled_share(held, ended) -> tuple[float, float, float]:
    """Share of all ended ceasefires that held, pooled over replicates (held / ended summed), with its 95 %
    interval by the delta method over replicates (a ratio of sums; replicates are the independent units,
    ceasefires within one are not)."""
    import numpy as np

    held, ended = np.asarray(held, dtype=np.float64), np.asarray(ended, dtype=np.float64)
    n, total = len(ended), ended.sum()
    if total == 0:
        return np.nan, np.nan, np.nan
    r = held.sum() / total
    if n < 2:
        return r, np.nan, np.nan
    se = np.sqrt(n / (n - 1) * np.sum((held - r * ended) ** 2)) / total
    return r, max(r - 1.96 * se, 0.0), min(r + 1.96 * se, 1.0)


def _pooled_line(summary, label: str) -> str:
    import numpy as np

    held = summary["ceasefires_survived"].to_numpy()
    ended = held + summary["ceasefires_broken"].to_numpy()
    r, lo, hi = pooled_share(held, ended)
    if not np.isfinite(r):
        return f"  {label:{LABEL_WIDTH}s} {'-':>10s}  (no ceasefire ended in any replicate)"
    ci = f", 95 % CI {100 * lo:.0f}-{100 * hi:.0f} %" if np.isfinite(lo) else ""
    return f"  {label:{LABEL_WIDTH}s} {100 * r:>8.0f} % of {int(ended.sum()):,} ended{ci} (see below)"


def headline_table(summary, scenario, engine: str, seconds: float) -> str:
    """The main outcomes across replicates: share of replicates, or mean, median and 95th percentile; the
    share of ceasefires that held pooled over replicates, with its interval."""
    sim = scenario.params.simulation
    lines = [f"{scenario.name}: {_plural(sim.replicates, 'replicate')} x {_plural(sim.days, 'day')}, seed "
             f"{sim.seed}, {engine} engine, {seconds:.1f} s",
             f"  {'':{LABEL_WIDTH}s} {'mean':>10s} {'median':>10s} {'p95':>10s}"]
    for col, label, kind in HEADLINE:
        if kind == "pooled":
            lines.append(_pooled_line(summary, label))
            continue
        x = summary[col].astype(float)
        if kind == "share":
            lines.append(f"  {label:{LABEL_WIDTH}s} {100 * x.mean():>8.1f} % of replicates")
            continue
        x = x.dropna()
        if x.empty:
            need = next((d for prefix, d in NEEDS_DAYS if col.startswith(prefix)), None)
            why = f"  (the run has {_plural(sim.days, 'day')}; this needs {need})" if need and sim.days < need \
                else "  (undefined in every replicate)"
            lines.append(f"  {label:{LABEL_WIDTH}s} {'-':>10s}{why}")
            continue
        cells = (_number(v, kind) for v in (x.mean(), x.median(), x.quantile(0.95)))
        lines.append(f"  {label:{LABEL_WIDTH}s} " + " ".join(f"{c:>10s}" for c in cells))
    lines.append("  Ceasefires that held: the ceasefires of all replicates that held to the durable mark over all "
                 "that ended; the interval is the delta method's over replicates.")
    return "\n".join(lines)


def validate(args: argparse.Namespace) -> int:
    from borderSim.schema.scenarios import load_scenario

    failed = 0
    for f in args.files:   # every file is checked and reported, whatever happened to the ones before
        try:
            sc = load_scenario(f)
        except InputError as err:
            print(f"borderSim validate: error: {err}", file=sys.stderr)
            failed += 1
        except Exception as err:  # a bug must not hide the other files' verdicts
            print(f"borderSim validate: error: {f}: could not be checked ({type(err).__name__}: {err})",
                  file=sys.stderr)
            failed += 1
        else:
            base = f" (extends {' > '.join(sc.chain)})" if sc.chain else ""
            print(f"ok  {f}{base}: {sc.description}")
    return 2 if failed else 0


def params(args: argparse.Namespace) -> int:
    from borderSim.rules.mediators import registry

    schema = registry().schema   # the schema of the mediators in force: the model's, or one with more groups
    groups = tuple(schema.model_fields)
    if args.group is not None and args.group not in groups:
        raise InputError("--group", args.group, f"unknown group; expected one of {', '.join(groups)}")
    groups = groups if args.group is None else (args.group,)
    if args.format == "markdown":
        text = tables.markdown(groups, schema)
    elif args.format == "json":
        text = tables.as_json(groups, schema)
    else:
        text = tables.text_table(groups, schema=schema)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def scenarios(args: argparse.Namespace) -> int:
    from borderSim.schema.scenarios import load_scenario, other_names, shipped_dir, shipped_names

    for name in shipped_names():
        print(f"{name:22s} {load_scenario(name).description}")
    others = other_names()
    if others:
        print(f"\nyour scenario files in {shipped_dir()} (not shipped):")
        for name in others:
            try:
                text = load_scenario(name).description
            except InputError as err:
                text = f"(does not load: {err})"
            print(f"{name:22s} {text}")
    return 0


def bench(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from borderSim.bench import engines as benchmark

    if args.sweeps and (args.calibration or args.phases):    # --phases --calibration: the candidates' phases
        raise InputError("--sweeps/--calibration/--phases", None,
                         "benchmark one of them at a time (or --phases with --calibration)")
    if args.phases:
        runs = len(args.batches) + (not args.calibration)
        with tqdm(total=runs, desc="bench --phases", unit="run", file=sys.stderr) as bar:
            report = benchmark.phases(args.days, args.batches, args.mesa_replicates, args.mesa_days, bar.update,
                                      candidates=args.calibration)
        text, write = benchmark.phases_markdown(report), benchmark.write_phases
    elif args.calibration:
        from borderSim.bench import calibration as benchmark

        with tqdm(total=2 * args.repeat + 1, desc="bench --calibration", unit="run", file=sys.stderr) as bar:
            report = benchmark.run(args.candidates, args.workers, repeat=args.repeat, progress=bar.update)
    elif args.sweeps:
        from borderSim.bench import sweeps as benchmark

        with tqdm(total=4 * args.repeat, desc="bench --sweeps", unit="run", file=sys.stderr) as bar:
            report = benchmark.run(args.repeat, progress=bar.update)
    else:
        with tqdm(total=(1 + len(args.batches)) * args.repeat, desc="bench", unit="run", file=sys.stderr) as bar:
            report = benchmark.run(args.days, args.batches, args.mesa_replicates, args.mesa_days, args.repeat,
                                   bar.update)
    if not args.phases:
        text, write = benchmark.markdown(report), benchmark.write
    print(text)
    if args.out is not None:
        try:
            files = write(report, args.out)
        except OSError as err:
            raise InputError("--out", str(args.out), f"cannot write there ({err.strerror})") from None
        print("written: " + ", ".join(map(str, files)))
    return 0


VIZ_MODULES = ("solara", "uvicorn", "mesa.visualization", "altair")


def viz(args: argparse.Namespace) -> int:
    import importlib.util

    for module in VIZ_MODULES:
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            raise InputError("viz", None, f"needs the viz extra (module {module} is missing): pip install "
                             "'borderSim[viz]' (or, in a checkout, pip install -e '.[viz]')")
    from borderSim.viz.serve import serve

    return serve(args)
