"""``borderSim pareto``: chosen Pareto designs against the baseline, and where a design fails.

Both run as sweeps of the experiment layer (:func:`borderSim.experiments.evaluate.sweep.run_design`: any
executor, resumable, reused when already there), over the optimisation's posterior: replicate ``r``
of every design runs the same posterior draw, so the contrasts are paired over the parameters'
uncertainty and the model's noise together (:mod:`borderSim.experiments.evaluate.posterior`).

* ``--compare``: the base scenario unmodified (the reference) and the chosen designs; paired differences
  with bootstrap intervals, tables and figures by :func:`borderSim.experiments.analyse.compare.run`.
* ``--discover``: one design; each replicate is a case whose inputs are its posterior draw's values and
  whose outcome is whether the design failed there; PRIM (:func:`borderSim.experiments.analyse.discover.prim_box`)
  finds the region of the posterior where failures concentrate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from borderSim.common.errors import InputError
from borderSim.experiments.design.experiment import Design, Experiment, Keep
from borderSim.optimize.problem import EFFORT, Optimization, read_optimization
from borderSim.optimize.store import OptimizationResults, open_optimization
from borderSim.outputs import folder

MAIN = ("reached_rung5", "deaths_KG", "deaths_TJ", "displaced_peak_KG", "displaced_peak_TJ")


def _optimization(r: OptimizationResults) -> Optimization:
    path = Path(r.manifest["optimization"]["path"])
    if not path.is_file():
        raise InputError("RESULTS", str(r.path), f"its optimisation file {path} is gone; pareto reads it again")
    opt = read_optimization(path)
    if opt.digest() != r.manifest["optimization_sha256"]:
        raise InputError("RESULTS", str(r.path), f"its optimisation file {path} (or its scenario or posterior) changed "
                         "since the search; optimise again")
    return opt


def _designs(r: OptimizationResults, designs: list[int], flag: str) -> pd.DataFrame:
    known = r.pareto["design"].tolist()
    for d in designs:
        if d not in known:
            raise InputError(flag, str(d), f"no such design; the Pareto set has designs 0-{max(known)} (pareto.md)")
    if len(set(designs)) < len(designs):
        raise InputError(flag, " ".join(map(str, designs)), "names a design twice")
    return r.pareto.set_index("design").loc[designs]


def design_of(opt: Optimization, chosen: pd.DataFrame, replicates: int, *, reference: bool, name: str) -> Design:
    """A sweep's design: the base scenario unmodified (point 0, with ``reference``) and the chosen designs."""
    levers = [lv.name for lv in opt.levers]
    base = opt.scenario.params
    rows, sources = [], []
    if reference:
        rows.append({"label": opt.scenario.name, "scenario": opt.scenario.name, "reference": True,
                     **{k: base.get(k) for k in levers}})
        sources.append((opt.scenario, frozenset()))
    for d, row in chosen.iterrows():
        values = {k: row[k].item() if isinstance(row[k], np.generic) else row[k] for k in levers}
        rows.append({"label": f"design {d}", "scenario": opt.scenario.name, "reference": False, **values})
        sources.append((opt.scenario, frozenset(levers)))
    points = pd.DataFrame(rows)
    for lv in opt.levers:
        if lv.kind == "choice":
            points[lv.name] = pd.Series(list(points[lv.name]), dtype=object)
        elif lv.kind == "integer":
            points[lv.name] = points[lv.name].astype(np.int64)
    points.insert(0, "point", np.arange(len(points), dtype=np.int64))
    exp = Experiment(name=name, description=f"{opt.description} (chosen designs)", path=opt.path, text=opt.text,
                     scenarios=(opt.scenario,), axes=(), kind="grid", samples=None, design_seed=1, levels=4,
                     replicates=replicates, days=opt.days, seed=opt.seed,
                     reference=opt.scenario.name if reference else None, chunk_rows=opt.chunk_rows, keep=Keep())
    controls = {"simulation.days": opt.days, "simulation.replicates": replicates, "simulation.seed": opt.seed}
    design = Design(exp, points, base.with_updates(controls), tuple(levers), tuple(sources))
    if opt.posterior_path is not None:
        from borderSim.experiments.evaluate.posterior import read_posterior

        design.posterior = read_posterior(opt.posterior_path)
    return design


def _sweep(design: Design, out: Path, workers, scheduler) -> Path:
    """Run (or resume, or reuse) the sweep of a design into ``out``."""
    import json

    from borderSim.experiments.evaluate.sweep import run_design

    if (out / "manifest.json").is_file():
        man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        if man.get("design_sha256") == design.digest() and man.get("status") == "complete":
            return out
        raise InputError("RESULTS", str(out), "holds a sweep of other designs; remove it")
    partial = out.with_name(f".{out.name}{folder.PARTIAL_SUFFIX}")
    run_design(design, out, workers=workers, scheduler=scheduler, resume=partial.exists())
    return out


def _replicates(opt: Optimization, replicates: int | None) -> int:
    if replicates is None:
        return max(opt.draws * opt.replicates, 1000)
    if replicates < 2:
        raise InputError("--replicates", str(replicates), "must be a whole number of at least 2")
    return replicates


@dataclass
class CompareReport:
    out: Path
    markdown: str
    contrasts: pd.DataFrame


def compare_designs(results: Path | str, designs: list[int], *, replicates: int | None = None,
                    metrics: list[str] | None = None, workers: int | None = None, scheduler: str | None = None
                    ) -> CompareReport:
    """Paired differences of the chosen designs from the base scenario, over the posterior."""
    from borderSim.experiments.analyse import compare

    r = open_optimization(results)
    opt = _optimization(r)
    chosen = _designs(r, designs, "--compare")
    n = _replicates(opt, replicates)
    if metrics is None:
        outcomes = [m.outcome for m in (*opt.objectives, *opt.constraints) if m.outcome != EFFORT]
        metrics = list(dict.fromkeys([*outcomes, *opt.columns, *MAIN]))
    tag = "-".join(map(str, designs))
    root = r.path / "designs"
    sweep = _sweep(design_of(opt, chosen, n, reference=True, name=f"{opt.name}-designs-{tag}"),
                   root / f"compare-{tag}", workers, scheduler)
    rep = compare.run(sweep, metrics=metrics, out=sweep / "compare")
    where = "over the posterior (each replicate its own draw, the same in every design)" if opt.posterior_path else \
        "at the point estimate"
    text = (f"Designs {', '.join(map(str, designs))} of {opt.name} against {opt.scenario.name}, {n:,} replicates "
            f"{where}:\n\n{rep.markdown}")
    return CompareReport(rep.out, text, rep.contrasts)


@dataclass
class DiscoverReport:
    out: Path
    text: str
    limits: pd.DataFrame


def discover_failure(results: Path | str, design: int, *, fails: str = "reached_rung5", replicates: int | None = None,
                     workers: int | None = None, scheduler: str | None = None, min_coverage: float = 0.5
                     ) -> DiscoverReport:
    """PRIM over the posterior draws of the replicates of one design: where does it fail?"""
    from borderSim.experiments.analyse import analysis_figures as figures
    from borderSim.experiments.analyse.discover import outcome_values, prim_box
    from borderSim.experiments.evaluate.posterior import draw_indices
    from borderSim.experiments.evaluate.store import open_results

    r = open_optimization(results)
    opt = _optimization(r)
    if opt.posterior_path is None:
        raise InputError("--discover", str(design), "needs an optimisation over a posterior ([posterior] in its file): "
                         "the failures are located among the posterior's draws")
    chosen = _designs(r, [design], "--discover")
    n = _replicates(opt, replicates)
    d = design_of(opt, chosen, n, reference=False, name=f"{opt.name}-design-{design}")
    sweep = _sweep(d, r.path / "designs" / f"discover-{design}", workers, scheduler)
    summary = open_results(sweep).summary
    y = outcome_values(SimpleNamespace(summary=summary), fails, absent=False)
    if y.all() or not y.any():
        raise InputError("--fails", fails, f"design {design} {'always' if y.all() else 'never'} fails so in these "
                         f"{n:,} replicates: nothing to discover")
    post = d.posterior
    keep = d.posterior_keeps()
    names = [k for k in post.names if not keep[k][0]]
    idx = draw_indices(np.cumsum(post.weights), opt.seed, summary["replicate"].to_numpy())
    x = pd.DataFrame(post.samples[idx][:, [post.names.index(k) for k in names]], columns=names)
    traj, chosen_box, limits = prim_box(x, y, min_coverage)
    row = traj.loc[chosen_box]
    lines = [f"Design {design} of {opt.name} over the posterior: fails ({fails}) in {y.mean():.1%} of {n:,} "
             "replicates, each on its own posterior draw.",
             f"PRIM box {chosen_box} of {len(traj) - 1}: coverage {row['coverage']:.2f} (share of the failures "
             f"inside), density {row['density']:.2f} (share failing inside the box; {y.mean():.2f} overall), mass "
             f"{row['mass']:.2f}.", "It fails most where the posterior parameters lie in:" if len(limits) else
             "No parameter restricted: the failures are spread over the posterior."]
    lines += [f"  {k:40s} {v['min']:.4g} .. {v['max']:.4g}" for k, v in limits.iterrows()]
    text = "\n".join(lines)
    bounds = {k: (float(x[k].min()), float(x[k].max())) for k in names}
    with folder.written(sweep / "discover", replaceable="discover.json") as (claim, tmp):
        traj.to_csv(tmp / "trajectory.csv", index=False)
        limits.rename_axis("parameter").to_csv(tmp / "box.csv")
        (tmp / "box.txt").write_text(text + "\n", encoding="utf-8")
        fig = figures.prim_boxes(traj, chosen_box, limits, bounds, f"design {design} fails ({fails})",
                                 tmp / "prim.png")
        folder.write_json(tmp / "discover.json", {"results": str(r.path.resolve()), "design": design, "fails": fails,
                                                  "replicates": n, "figures": [fig]})
    return DiscoverReport(claim.out, text, limits)
