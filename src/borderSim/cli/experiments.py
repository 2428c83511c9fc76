"""The experiment commands: ``sweep``, ``compare``, ``sensitivity``, ``discover`` (parsers and handlers)."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

EXIT_FAILED_CHUNKS = 1


def add_executor_flags(parser, when: str = "") -> None:
    """``--workers`` and ``--scheduler``, the experiment layer's executors (sweep, compare, calibrate, report);
    ``when`` prefixes their help (e.g. "with --posterior: ")."""
    parser.add_argument("--workers", "-w", type=int, metavar="N",
                        help=f"{when}local processes (default: run in this process)")
    parser.add_argument("--scheduler", metavar="ADDRESS|local",
                        help=f"{when}run on dask.distributed: host:port of a running scheduler, or local for a "
                        "LocalCluster")


def add_parsers(sub) -> None:
    """Add the experiment subcommands to ``borderSim``'s subparsers."""
    sw = sub.add_parser("sweep", help="run an experiment file (scenarios x parameter axes x replicates)",
                        description="Run an experiment file and write a results folder: a Parquet dataset of "
                        "per-replicate summaries (and daily series or quantiles, if the file keeps them), the design "
                        "and a manifest. Results are identical whatever the executor, workers or chunk size.")
    sw.add_argument("experiment", metavar="EXPERIMENT", type=Path,
                    help="experiment file (TOML; see docs/experiments.md)")
    sw.add_argument("--out", "-o", type=Path, metavar="DIR",
                    help="results folder (must not exist or be empty; default: a new folder under runs/)")
    add_executor_flags(sw)
    sw.add_argument("--resume", action="store_true", help="finish an interrupted sweep in --out (only missing chunks)")
    sw.add_argument("--chunk-rows", type=int, metavar="N",
                    help="rows (design point x replicate) per chunk (default: the experiment file's)")
    sw.add_argument("--posterior", type=Path, metavar="SAMPLES",
                    help="each replicate draws its parameters from this posterior (borderSim calibrate's "
                    "posterior.parquet); the same draw for the same replicate in every scenario")
    sw.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    sw.set_defaults(func=sweep)

    cmp_ = sub.add_parser("compare", help="compare scenarios or design points of a sweep with paired intervals",
                          description="Mean, median and 95th percentile of the outcomes per design point; paired "
                          "differences against the reference with bootstrap 95 % intervals over replicate index, "
                          "the unpaired interval beside them; markdown and CSV tables and figures.")
    cmp_.add_argument("results", metavar="RESULTS", type=Path, help="a sweep's results folder")
    cmp_.add_argument("--reference", metavar="SCENARIO", help="reference point's label or scenario (default: the "
                      "experiment's reference, else the first point)")
    cmp_.add_argument("--metrics", nargs="+", metavar="M",
                      help="summary columns to compare (default: the main outcomes)")
    cmp_.add_argument("--out", type=Path, metavar="DIR", help="where tables and figures go (default: RESULTS/compare)")
    cmp_.add_argument("--bootstrap", type=int, default=2000, metavar="B", help="bootstrap resamples (default 2000)")
    cmp_.add_argument("--posterior", type=Path, metavar="SAMPLES",
                      help="also sweep the experiment over this posterior (into RESULTS/posterior) and report the "
                      "effects over parameter uncertainty beside the point-estimate effects")
    add_executor_flags(cmp_, "with --posterior: ")
    cmp_.add_argument("--quiet", "-q", action="store_true", help="no progress line")
    cmp_.set_defaults(func=compare)

    sen = sub.add_parser("sensitivity", help="Sobol or Morris indices of a sobol/morris sweep",
                         description="Sobol first-order and total indices with 95 % intervals (SALib) for a sobol "
                         "design, or Morris screening for a morris design; a table and a bar chart.")
    sen.add_argument("results", metavar="RESULTS", type=Path, help="a sweep's results folder")
    sen.add_argument("--metrics", nargs="+", metavar="M", help="outcomes (default: reached_rung5 deaths_total)")
    sen.add_argument("--out", type=Path, metavar="DIR",
                     help="where tables and figures go (default: RESULTS/sensitivity)")
    sen.set_defaults(func=sensitivity)

    dis = sub.add_parser("discover", help="scenario discovery (PRIM): where in the parameter space an outcome happens",
                         description="PRIM (Friedman & Fisher 1999; EMA Workbench's algorithm, written here) over "
                         "the design's axes: boxes of parameter values where the outcome is frequent, with coverage "
                         "and density.")
    dis.add_argument("results", metavar="RESULTS", type=Path, help="a sweep's results folder")
    dis.add_argument("--outcome", default="reached_rung5", metavar="EXPR",
                     help="a yes/no summary column, or COLUMN>VALUE (or <, >=, <=); default reached_rung5")
    dis.add_argument("--absent", action="store_true", help="find where the outcome does NOT happen")
    dis.add_argument("--min-coverage", type=float, default=0.5, metavar="C",
                     help="choose the densest box with at least this coverage (default 0.5)")
    dis.add_argument("--out", type=Path, metavar="DIR", help="where tables and figures go (default: RESULTS/discover)")
    dis.set_defaults(func=discover)


def resume_command(command: str, target: Path, out: Path, args: argparse.Namespace) -> str:
    """The command that finishes an interrupted job with the same executor (and posterior)."""
    words = ["borderSim", command, str(target), "--out", str(out), "--resume"]
    if getattr(args, "workers", None) is not None:
        words += ["--workers", str(args.workers)]
    if getattr(args, "scheduler", None) is not None:
        words += ["--scheduler", args.scheduler]
    if getattr(args, "posterior", None) is not None:
        words += ["--posterior", str(args.posterior)]
    return " ".join(shlex.quote(w) for w in words)


def kept(out: Path) -> tuple[int, int, int, int]:
    """Of the interrupted sweep whose folder is ``out``: chunks kept, chunks in all, and the replicate-days
    of each (zeros if its manifest cannot be read)."""
    import json

    from borderSim.outputs.folder import PARTIAL_SUFFIX

    try:
        man = json.loads(out.with_name(f".{out.name}{PARTIAL_SUFFIX}").joinpath("manifest.json").read_text())
        rows = [((c["points"][1] - c["points"][0]) * (c["replicates"][1] - c["replicates"][0]), c["status"])
                for c in man["chunks"]]
        done = sum(n for n, status in rows if status == "done")
        return sum(status == "done" for _, status in rows), len(rows), done * man["days"], \
            sum(n for n, _ in rows) * man["days"]
    except (OSError, ValueError, KeyError, TypeError):
        return 0, 0, 0, 0


def sweep(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from borderSim.experiments.evaluate.sweep import SweepFailedError, run_sweep

    bar, out, todo = None, args.out, 0

    def on_start(total: int, executor: str, claimed: Path) -> None:
        nonlocal bar, out, todo
        out, todo = claimed, total
        bar = tqdm(total=total, unit="rep-day", unit_scale=True, disable=args.quiet, file=sys.stderr,
                   desc=f"{args.experiment.stem} ({executor})", dynamic_ncols=True)

    def progress(n: int) -> None:
        if bar is not None:
            bar.update(n)

    try:
        result = run_sweep(args.experiment, args.out, workers=args.workers, scheduler=args.scheduler,
                           resume=args.resume, chunk_rows=args.chunk_rows, progress=progress, on_start=on_start,
                           posterior=args.posterior)
    except SweepFailedError as err:
        if bar is not None:
            bar.close()
        print(f"borderSim sweep: {err}", file=sys.stderr)
        return EXIT_FAILED_CHUNKS
    except KeyboardInterrupt:
        if out is None or bar is None:
            print("borderSim sweep: interrupted before the first chunk; nothing was written", file=sys.stderr)
            return 130
        n_kept, n_all, days_kept, days_all = kept(out)
        bar.n = max(min(days_kept - (days_all - todo), todo), 0)     # what this session kept, not what was lost
        bar.refresh()
        bar.close()
        print(f"borderSim sweep: interrupted; {n_kept} of {n_all} chunks are kept; finish with: "
              f"{resume_command('sweep', args.experiment, out, args)}", file=sys.stderr)
        return 130
    if bar is not None:
        bar.close()
    if not args.quiet:
        d = result.design
        print(f"{d.experiment.name}: {d.n_points} design points x {d.experiment.replicates} replicates x "
              f"{d.experiment.days} days on {result.executor}, {result.chunks_run} of {result.chunks_total} chunks "
              f"run, {result.seconds:.1f} s")
        print(f"results: {result.out}/")
    return 0


def compare(args: argparse.Namespace) -> int:
    from borderSim.common.errors import InputError
    from borderSim.experiments.analyse import compare as cmp_

    if args.posterior is None and (args.workers is not None or args.scheduler is not None):
        raise InputError("--workers/--scheduler", None, "only with --posterior (compare itself runs no model)")
    if args.posterior is not None:      # checked before RESULTS/compare is written
        from borderSim.experiments.evaluate.posterior import read_posterior

        read_posterior(args.posterior)
    report = cmp_.run(args.results, reference=args.reference, metrics=args.metrics, out=args.out,
                      n_boot=args.bootstrap, quiet=args.quiet)
    print(report.markdown)
    print(f"tables and figures: {report.out}/")
    if args.posterior is not None:
        from borderSim.experiments.analyse import uncertainty

        both = uncertainty.run(args.results, args.posterior, reference=args.reference, metrics=args.metrics,
                               n_boot=args.bootstrap, workers=args.workers, scheduler=args.scheduler)
        print(both.markdown)
        print(f"point estimate and posterior side by side: {both.out}/")
    return 0


def sensitivity(args: argparse.Namespace) -> int:
    from borderSim.experiments.analyse import sensitivity as sens

    report = sens.run(args.results, metrics=args.metrics, out=args.out)
    print(report.markdown)
    print(f"tables and figures: {report.out}/")
    return 0


def discover(args: argparse.Namespace) -> int:
    from borderSim.experiments.analyse import discover as disc

    report = disc.run(args.results, outcome=args.outcome, absent=args.absent, min_coverage=args.min_coverage,
                      out=args.out)
    print(report.text)
    print(f"tables and figures: {report.out}/")
    return 0
