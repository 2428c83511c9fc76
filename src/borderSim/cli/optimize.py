"""The optimisation commands: ``optimize`` (the search) and ``pareto`` (chosen designs against the baseline,
and where one fails)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from borderSim.cli.experiments import add_executor_flags

NAMES = {"nsga2": "NSGA-II", "nsga3": "NSGA-III"}


def add_parsers(sub) -> None:
    """Add the optimisation subcommands to ``borderSim``'s subparsers."""
    op = sub.add_parser("optimize", help="robust many-objective search over policy levers (NSGA-II/III, pymoo)",
                        description="Search the levers an optimisation file names for the designs that trade its "
                        "objectives off best over the posterior (NSGA-II for two objectives, NSGA-III for more; "
                        "pymoo). Each generation runs as one batch on the core, every candidate on the same "
                        "replicates and posterior draws. Writes the Pareto set with intervals, its re-evaluation on "
                        "fresh replicate indices, the hypervolume per generation and figures. Identical results "
                        "whatever the executor; resumable.")
    op.add_argument("optimization", metavar="FILE", type=Path, help="optimisation file (TOML; see docs/experiments.md)")
    op.add_argument("--out", "-o", type=Path, metavar="DIR",
                    help="results folder (must not exist or be empty; default: a new folder under runs/)")
    add_executor_flags(op)
    op.add_argument("--resume", action="store_true", help="finish an interrupted optimisation in --out (replays the "
                    "finished generations from disk)")
    op.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    op.set_defaults(func=optimize)

    pa = sub.add_parser("pareto", help="compare chosen Pareto designs with the baseline; find where one fails",
                        description="With --compare: sweep the chosen designs of an optimisation and its base "
                        "scenario over the posterior (each replicate its own draw, the same in every design) and "
                        "report paired differences with bootstrap intervals (borderSim compare). With --discover: run "
                        "one design over the posterior and find with PRIM the posterior parameter values under which "
                        "it fails.")
    pa.add_argument("results", metavar="RESULTS", type=Path, help="an optimisation's results folder")
    pa.add_argument("--compare", nargs="+", type=int, metavar="DESIGN", help="design numbers of pareto.md to compare "
                    "with the baseline")
    pa.add_argument("--discover", type=int, metavar="DESIGN", help="a design number: where does it fail?")
    pa.add_argument("--fails", metavar="EXPR", default="reached_rung5",
                    help="with --discover: what failing is, a yes/no summary column or COLUMN>VALUE (default "
                    "reached_rung5)")
    pa.add_argument("--replicates", type=int, metavar="N",
                    help="replicates of each design (default: the optimisation's draws x replicates, at least 1000)")
    pa.add_argument("--metrics", nargs="+", metavar="M", help="with --compare: summary columns (default: the "
                    "objectives' outcomes and the main outcomes)")
    add_executor_flags(pa)
    pa.set_defaults(func=pareto)


def optimize(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from borderSim.optimize.run import Progress, run_optimization

    out = args.out

    class Bars(Progress):
        def __init__(self):
            self.gen = self.rows_bar = None

        def start(self, total: int, executor: str) -> None:
            self.gen = tqdm(total=total, unit="gen", desc=f"{args.optimization.stem} ({executor})", file=sys.stderr,
                            dynamic_ncols=True, disable=args.quiet)

        def batch(self, generation: int, candidates: int, replicate_days: int) -> None:
            if self.rows_bar is not None:
                self.rows_bar.close()
            what = "re-evaluation on fresh indices" if generation < 0 else f"generation {generation}"
            self.rows_bar = tqdm(total=replicate_days, unit="rep-day", unit_scale=True, leave=False, file=sys.stderr,
                                 desc=f"{what}: {candidates} candidates", dynamic_ncols=True, disable=args.quiet)

        def rows(self, n: int) -> None:
            if self.rows_bar is not None:
                self.rows_bar.update(n)

        def generation(self, rec, total: int) -> None:
            if self.gen is not None:
                self.gen.set_postfix_str(f"generation {rec.index}, hypervolume {rec.hypervolume:.4f}, front {rec.front}"
                                         f"{' (from disk)' if rec.cached else ''}")
                self.gen.update(1)

        def close(self) -> None:
            for b in (self.rows_bar, self.gen):
                if b is not None:
                    b.close()

    bars = Bars()

    def on_start(executor: str, claimed: Path) -> None:
        nonlocal out
        out = claimed
        from borderSim.optimize.problem import read_optimization

        bars.start(read_optimization(args.optimization).settings.generations, executor)

    try:
        result = run_optimization(args.optimization, args.out, workers=args.workers, scheduler=args.scheduler,
                                  resume=args.resume, progress=bars, on_start=on_start)
    except KeyboardInterrupt:
        bars.close()
        if out is None:
            print("borderSim optimize: interrupted before the first generation; nothing was written", file=sys.stderr)
        else:
            print(f"borderSim optimize: interrupted; finished generations are kept; finish with: borderSim optimize "
                  f"{args.optimization} --out {out} --resume", file=sys.stderr)
        return 130
    bars.close()
    if not args.quiet:
        s = result.search
        rate = s.evaluated / result.evaluation_seconds if result.evaluation_seconds else float("nan")
        print(f"{result.optimization.name}: {NAMES[result.optimization.algorithm]}, {len(s.generations)} generations "
              f"on {result.executor}, stopped by {s.stopped}; {s.evaluated:,} candidates evaluated ({s.cached:,} read "
              f"from disk), {result.seconds:.1f} s, {rate:.2f} evaluations/s")
        print()
        print(result.pareto.markdown)
        print(f"results: {result.out}/ (pareto.md, pareto.parquet, tradeoff.png, parallel.png; borderSim pareto "
              f"{result.out} --compare DESIGN ...)")
    return 0


def pareto(args: argparse.Namespace) -> int:
    from borderSim.common.errors import InputError
    from borderSim.optimize import pareto as par

    if args.compare is None and args.discover is None:
        raise InputError("--compare/--discover", None, "give designs to compare with the baseline, or one design to "
                         "discover where it fails")
    if args.compare is not None:
        report = par.compare_designs(args.results, args.compare, replicates=args.replicates, metrics=args.metrics,
                                     workers=args.workers, scheduler=args.scheduler)
        print(report.markdown)
        print(f"tables and figures: {report.out}/")
    if args.discover is not None:
        report = par.discover_failure(args.results, args.discover, fails=args.fails, replicates=args.replicates,
                                      workers=args.workers, scheduler=args.scheduler)
        print(report.text)
        print(f"tables and figures: {report.out}/")
    return 0
