"""The ``borderSim`` command line.

Every problem with the user's input is one line on stderr naming the file or flag, the value and what
is allowed, with exit status 2 and no traceback; an interrupted run leaves no partial output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from borderSim.bench.engines import BATCHES
from borderSim.common.errors import InputError
from borderSim.schema import GROUPS

EXIT_INPUT = 2
EXIT_INTERRUPTED = 130
#: what to make smaller when a command runs out of memory, in the terms of its own input
MEMORY_HINTS = {
    "run": "expected a smaller --chunk-size, fewer --replicates, or --no-timeseries",
    "sweep": "expected fewer design points (values under [axes], [design] samples) or replicates, or a smaller "
             "chunk_rows in the experiment file",
    "calibrate": "expected a smaller abc.batch or chunk_rows, or fewer replicates under [runs] in the calibration "
                 "file",
}


class OneLineParser(argparse.ArgumentParser):
    """argparse with one-line errors."""

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def whole_number(minimum: int = 1):
    """An argparse type: a whole number of at least ``minimum`` (the message says what is allowed)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is not allowed; expected a whole number of at least {minimum}")
        return value

    parse.__name__ = "whole number"
    return parse


def build_parser() -> argparse.ArgumentParser:
    from borderSim.cli import commands

    p = OneLineParser(prog="borderSim", description="Agent-based simulation of escalation on the Kyrgyz-Tajik "
                      "border: run scenarios, check scenario files, list parameters, explore a run in the browser.")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=OneLineParser, metavar="COMMAND")

    run = sub.add_parser("run", help="run a scenario and write a results folder",
                         description="Run a scenario file (or a shipped scenario by name) and write "
                         "timeseries.parquet, summary.parquet, manifest.json and overview.png to a new folder.")
    run.add_argument("scenario", metavar="SCENARIO", help="scenario file, or the name of a shipped scenario "
                     "(borderSim scenarios lists them)")
    run.add_argument("--replicates", "-n", type=int, metavar="N", help="replicates (default: the scenario's)")
    run.add_argument("--days", "-d", type=int, metavar="D", help="days to simulate (default: the scenario's)")
    run.add_argument("--seed", "-s", type=int, metavar="S", help="root seed (default: the scenario's)")
    run.add_argument("--out", "-o", type=Path, metavar="DIR",
                     help="results folder (must not exist or be empty; default: a new folder under runs/)")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="assignments",
                     help="override a parameter, e.g. --set russia.bias=0.8 (repeatable; each key once)")
    run.add_argument("--engine", choices=("core", "mesa"), default="core",
                     help="vectorised core (default) or the Mesa agents; same trajectories")
    run.add_argument("--no-timeseries", action="store_true",
                     help="keep only per-replicate summaries (bounded memory for large runs)")
    run.add_argument("--chunk-size", type=whole_number(), metavar="N",
                     help="replicates per batch on the core (default: chosen for speed within a memory budget)")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary table")
    run.set_defaults(func=commands.run)

    val = sub.add_parser("validate", help="check scenario files without running them",
                         description="Check each scenario file (name, type and range of every key, extends, "
                         "description) and report each: 'ok' on stdout, one error line per bad file on stderr. "
                         "Exit status 2 if any file is bad.")
    val.add_argument("files", nargs="+", metavar="FILE", help="scenario files or shipped scenario names")
    val.set_defaults(func=commands.validate)

    par = sub.add_parser("params", help="print the parameter schema",
                         description="Print every parameter: default, allowed values, unit, description and "
                         "source, as a text table, the markdown table of docs/ODD.md, or JSON.")
    par.add_argument("--format", choices=("table", "markdown", "json"), default="table",
                     help="output format (default: table)")
    par.add_argument("--group", metavar="G", help=f"only this group ({', '.join(GROUPS)})")
    par.set_defaults(func=commands.params)

    sc = sub.add_parser("scenarios", help="list the shipped scenarios",
                        description="List the shipped scenarios with their descriptions; use a name wherever a "
                        "scenario file is expected, or in extends = \"NAME\".")
    sc.set_defaults(func=commands.scenarios)

    bench = sub.add_parser("bench", help="benchmark the engines (replicate-days per second, memory)",
                           description="Benchmark the Mesa engine and the core at several batch sizes, each "
                           "configuration in a fresh process, medians of --repeat runs. Prints a markdown table; "
                           "with --out also writes bench.json and bench.md there.")
    bench.add_argument("--days", type=whole_number(), default=730, metavar="D", help="days per core run (730)")
    bench.add_argument("--batches", type=whole_number(), nargs="+", default=list(BATCHES), metavar="B",
                       help=f"core batch sizes ({' '.join(map(str, BATCHES))})")
    bench.add_argument("--mesa-replicates", type=whole_number(), default=2, metavar="N",
                       help="Mesa replicates (2)")
    bench.add_argument("--mesa-days", type=whole_number(), default=365, metavar="D", help="Mesa days (365)")
    bench.add_argument("--repeat", type=whole_number(), default=3, metavar="N",
                       help="runs of each configuration; medians are reported (3)")
    bench.add_argument("--out", type=Path, metavar="DIR",
                       help="also write bench.json and bench.md into DIR (default: print only)")
    bench.add_argument("--sweeps", action="store_true",
                       help="benchmark sweeps instead (experiments/mediation_comparison.toml, from a checkout): "
                       "wall and CPU time, memory, against mesa.batch_run")
    bench.add_argument("--phases", action="store_true",
                       help="time every phase of the day instead, one run per configuration: where each engine's "
                       "time goes, in milliseconds per day and multiples of the floor (writes phases.json and "
                       "phases.md with --out); with --calibration, of the calibration benchmark's candidates at each "
                       "of --batches")
    bench.add_argument("--calibration", action="store_true",
                       help="benchmark calibration instead: candidate runs of 730 days per second on --workers "
                       "processes (the median of --repeat runs, and whether 500,000 fit in 10 minutes), and ABC-SMC "
                       "end to end (once)")
    bench.add_argument("--candidates", type=whole_number(), default=40_000, metavar="N",
                       help="with --calibration: candidates in the throughput batch (40000)")
    bench.add_argument("--workers", type=whole_number(), default=2, metavar="N",
                       help="with --calibration: local processes (2)")
    bench.set_defaults(func=commands.bench)

    viz = sub.add_parser("viz", help="explore a scenario day by day in the browser (SolaraViz)",
                         description="Serve the browser page for one replicate of a scenario on 127.0.0.1 "
                         "until Ctrl-C (needs the viz extra: pip install 'borderSim[viz]').")
    viz.add_argument("scenario", nargs="?", default="baseline", metavar="SCENARIO",
                     help="scenario file or shipped name to open (default: baseline)")
    viz.add_argument("--port", type=int, default=8765, metavar="P",
                     help="port on localhost (default 8765; 0 picks a free port)")
    viz.add_argument("--seed", type=int, metavar="S", help="seed to start with (default: the scenario's)")
    viz.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    viz.set_defaults(func=commands.viz)

    from borderSim.cli import calibration, experiments, optimize

    experiments.add_parsers(sub)
    calibration.add_parsers(sub)
    optimize.add_parsers(sub)
    return p


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("borderSim")
    except PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return int(args.func(args) or 0)
    except InputError as err:
        print(f"borderSim {args.command}: error: {err}", file=sys.stderr)
        return EXIT_INPUT
    except MemoryError:
        hint = MEMORY_HINTS.get(args.command, "expected smaller input")
        print(f"borderSim {args.command}: error: out of memory; nothing was written ({hint})", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print(f"borderSim {args.command}: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
