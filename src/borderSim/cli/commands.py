"""What each ``borderSim`` subcommand does."""

from __future__ import annotations

import argparse
import sys
import time

from borderSim import paramdocs
from borderSim.errors import InputError
from borderSim.schema import GROUPS

#: summary columns printed after a run: (column, label, kind) with kind "share" for yes/no columns
HEADLINE = (
    ("reached_rung5", "reached a major clash (rung 5+)", "share"),
    ("reached_rung6", "reached sustained war (rung 6)", "share"),
    ("major_episodes", "major episodes", "number"),
    ("first_day_rung5", "first day at rung 5+ (when reached)", "number"),
    ("days_rung2plus", "days at rung 2+", "number"),
    ("incidents_total", "village incidents", "number"),
    ("deaths_total", "deaths, both sides", "number"),
    ("deaths_KG", "Kyrgyz deaths", "number"),
    ("deaths_TJ", "Tajik deaths", "number"),
    ("displaced_peak_KG", "Kyrgyz displaced at peak", "number"),
    ("displaced_peak_TJ", "Tajik displaced at peak", "number"),
    ("ceasefires_agreed", "ceasefires agreed", "number"),
    ("ceasefire_survival", "ceasefires that held (share of ended)", "number"),
    ("legitimacy_change_365_TJ", "Tajik legitimacy change, day 365", "number"),
    ("legitimacy_change_365_KG", "Kyrgyz legitimacy change, day 365", "number"),
    ("protest_wave", "Kyrgyz protest wave", "share"),
)


def _resolve(args: argparse.Namespace):
    from borderSim.scenarios import load_scenario, with_overrides

    scenario = load_scenario(args.scenario)
    sets = list(args.assignments)
    for flag, key in (("replicates", "simulation.replicates"), ("days", "simulation.days"),
                      ("seed", "simulation.seed")):
        value = getattr(args, flag)
        if value is not None:
            scenario = with_overrides(scenario, [f"{key}={value}"], where=f"--{flag}")
    return with_overrides(scenario, sets)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from borderSim import runner

    if args.chunk_size is not None and args.chunk_size < 1:
        raise InputError("--chunk-size", str(args.chunk_size), "must be a whole number of at least 1")
    scenario = _resolve(args)
    out = args.out if args.out is not None else runner.default_out(scenario)
    runner.check_out(out)
    sim = scenario.params.simulation
    bar = tqdm(total=sim.replicates * sim.days, unit="rep-day", unit_scale=True, disable=args.quiet,
               desc=f"{scenario.name} ({args.engine})", file=sys.stderr, dynamic_ncols=True)
    t0 = time.perf_counter()
    try:
        result = runner.run_to_folder(scenario, out, engine=args.engine, timeseries=not args.no_timeseries,
                                      chunk_size=args.chunk_size, progress=bar.update)
    finally:
        bar.close()
    if not args.quiet:
        print(headline_table(result.summary, scenario, args.engine, time.perf_counter() - t0))
        print(f"results: {result.out}/")
    return 0


def headline_table(summary, scenario, engine: str, seconds: float) -> str:
    sim = scenario.params.simulation
    lines = [f"{scenario.name}: {sim.replicates} replicates x {sim.days} days, seed {sim.seed}, "
             f"{engine} engine, {seconds:.1f} s",
             f"  {'':42s} {'mean':>10s} {'median':>10s} {'p95':>10s}"]
    for col, label, kind in HEADLINE:
        x = summary[col].astype(float)
        if kind == "share":
            lines.append(f"  {label:42s} {x.mean():>10.2f}")
            continue
        x = x.dropna()
        if x.empty:
            lines.append(f"  {label:42s} {'-':>10s}")
            continue
        lines.append(f"  {label:42s} {x.mean():>10.3g} {x.median():>10.3g} {x.quantile(0.95):>10.3g}")
    return "\n".join(lines)


def validate(args: argparse.Namespace) -> int:
    from borderSim.scenarios import load_scenario

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
    if args.group is not None and args.group not in GROUPS:
        raise InputError("--group", args.group, f"unknown group; expected one of {', '.join(GROUPS)}")
    if args.format == "markdown":
        text = paramdocs.markdown()
    elif args.format == "json":
        text = paramdocs.as_json()
    else:
        text = paramdocs.text_table()
    if args.group is not None:
        text = _only_group(text, args.group, args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _only_group(text: str, group: str, fmt: str) -> str:
    if fmt == "json":
        import json

        return json.dumps([r for r in json.loads(text) if r["group"] == group], indent=2)
    blocks = text.split("\n\n")
    marker = f"**{paramdocs.GROUP_TITLES[group]}**" if fmt == "markdown" else f"[{group}]"
    return "\n\n".join(b for b in blocks if b.startswith(marker))


def scenarios(args: argparse.Namespace) -> int:
    from borderSim.scenarios import load_scenario, shipped_names

    for name in shipped_names():
        print(f"{name:22s} {load_scenario(name).description}")
    return 0


def bench(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from borderSim import bench as benchmark

    with tqdm(total=(1 + len(args.batches)) * args.repeat, desc="bench", unit="run", file=sys.stderr) as bar:
        report = benchmark.run(args.days, args.batches, args.mesa_replicates, args.mesa_days, args.repeat,
                               bar.update)
    print(benchmark.markdown(report))
    if args.out is not None:
        try:
            files = benchmark.write(report, args.out)
        except OSError as err:
            raise InputError("--out", str(args.out), f"cannot write there ({err.strerror})") from None
        print("written: " + ", ".join(map(str, files)))
    return 0


def viz(args: argparse.Namespace) -> int:
    from borderSim.viz.serve import serve

    return serve(args)
