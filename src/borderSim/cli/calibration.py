"""The calibration commands: ``calibrate`` and ``report`` (parsers and handlers)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from borderSim.cli.experiments import add_executor_flags, resume_command


def add_parsers(sub) -> None:
    """Add the calibration subcommands to ``borderSim``'s subparsers."""
    cal = sub.add_parser("calibrate", help="calibrate parameters against the record by ABC (rejection or ABC-SMC)",
                         description="Approximate Bayesian computation over the parameters a calibration file "
                         "names (ELFI; each batch of candidates is one run of the vectorised core). Writes the "
                         "posterior samples with weights, every generation, the tolerance schedule and acceptance "
                         "rates, and a calibrated scenario. Identical results whatever the executor.")
    cal.add_argument("calibration", metavar="CALIBRATION", type=Path,
                     help="calibration file (TOML; see docs/calibration.md)")
    cal.add_argument("--out", "-o", type=Path, metavar="DIR",
                     help="results folder (must not exist or be empty; default: a new folder under runs/)")
    add_executor_flags(cal)
    cal.add_argument("--resume", action="store_true", help="finish an interrupted calibration in --out "
                     "(replays the finished batches from disk)")
    cal.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    cal.set_defaults(func=calibrate)

    rep = sub.add_parser("report", help="validation report of a calibration (Markdown and figures)",
                         description="Posterior predictive checks of every target (inside or outside the 90 % "
                         "interval), posterior marginals and pairs, prior-vs-posterior shrinkage per parameter, "
                         "and Sobol indices of the targets over the priors' ranges.")
    rep.add_argument("results", metavar="RESULTS", type=Path, help="a calibration's results folder")
    rep.add_argument("--out", type=Path, metavar="DIR", help="where the report goes (default: RESULTS/report)")
    rep.add_argument("--draws", type=int, default=200, metavar="N",
                     help="posterior predictive draws (default 200)")
    rep.add_argument("--sobol-samples", type=int, default=64, metavar="N",
                     help="Saltelli base sample for the Sobol indices, a power of two; 0 skips them (default 64)")
    rep.add_argument("--sobol-replicates", type=int, default=20, metavar="N",
                     help="replicates per Sobol design point (default 20)")
    add_executor_flags(rep)
    rep.set_defaults(func=report)


def calibrate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from borderSim.calibration.calibrate import run_calibration

    bars: dict[str, tqdm] = {}
    out = args.out

    def on_start(executor: str, claimed: Path) -> None:
        nonlocal out
        out = claimed

    def progress(stage: str, done: int, total: int) -> None:
        if args.quiet:
            return
        bar = bars.get(stage)
        if bar is None:
            for b in bars.values():
                b.close()
            bar = bars[stage] = tqdm(total=total or None, desc=stage, unit="candidate", file=sys.stderr,
                                     dynamic_ncols=True)
        bar.update(done - bar.n)

    try:
        result = run_calibration(args.calibration, args.out, workers=args.workers, scheduler=args.scheduler,
                                 resume=args.resume, progress=progress, on_start=on_start,
                                 warn=lambda text: print(f"borderSim calibrate: warning: {text}", file=sys.stderr))
    except KeyboardInterrupt:
        if out is None:
            print("borderSim calibrate: interrupted before the first batch; nothing was written", file=sys.stderr)
        else:
            print(f"borderSim calibrate: interrupted; finished batches are kept; finish with: "
                  f"{resume_command('calibrate', args.calibration, out, args)}", file=sys.stderr)
        return 130
    finally:
        for b in bars.values():
            b.close()
    if not args.quiet:
        print(summary(result))
    return 0


def summary(result) -> str:
    from borderSim.calibration.store import estimates

    cal, gens = result.calibration, result.generations
    lines = [f"{cal.name}: {cal.settings.method}, {len(gens)} generation(s) on {result.executor}, "
             f"{result.candidates_run:,} candidates run ({result.batches_reused} batches read from disk), "
             f"{result.seconds:.1f} s", "", "| generation | tolerance | candidates | accepted | acceptance |",
             "|---|---|---|---|---|"]
    for g in gens:
        lines.append(f"| {g.index} | {g.tolerance:.4g} | {g.candidates:,} | {len(g.samples):,} | {g.acceptance:.3f} |")
    lines += ["", "| parameter | posterior median | 90 % credible interval | prior |", "|---|---|---|---|"]
    for p in cal.priors:
        lo, med, hi = estimates(cal, gens[-1])[p.name]
        lines.append(f"| {p.name} | {med:.4g} | {lo:.4g} - {hi:.4g} | {p.describe()} |")
    lines += ["", f"results: {result.out}/ (posterior.parquet, calibrated.toml; borderSim report {result.out})"]
    return "\n".join(lines)


def report(args: argparse.Namespace) -> int:
    from borderSim.calibration import report as rep

    out = rep.run(args.results, out=args.out, draws=args.draws, sobol_samples=args.sobol_samples,
                  sobol_replicates=args.sobol_replicates, workers=args.workers, scheduler=args.scheduler)
    print(out.markdown)
    print(f"report and figures: {out.out}/")
    return 0
