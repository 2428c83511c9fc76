"""``borderSim report``: what a calibration identified, and how its posterior fares against the record.

* **Posterior predictive checks**: ``--draws`` parameter vectors resampled by weight from the
  posterior, each run as the calibration runs a candidate (fresh replicate indices under a seed of its
  own); each target's statistic over the draws against the record: inside when the observed value (or
  range) meets the central 90 % interval. Held-out targets are reported the same way, as validation.
  Each target also at the **posterior median** (the values of ``calibrated.toml``) over many replicates.
* **The record's sequence**: each ``share_all`` target (the share of replicates with, say, a major
  clash in 2021 and another in 2022) at the posterior median and its distribution over the posterior
  draws, each draw run with enough replicates to estimate a share.
* **The sample**: its effective sample size, (sum w)^2 / sum w^2, and the regression adjustment.
* **Marginals and pairs** of the weighted posterior, with the prior.
* **Shrinkage** per parameter: ``1 - var(posterior) / var(prior)`` and the ratio of the 90 % interval
  widths; a parameter counts as *identified* by the record when its posterior 90 % interval is less
  than half as wide as its prior's.
* **Sobol indices** of each fitted target over the priors' ranges (a Saltelli design swept by the
  experiment layer, uniform over each prior's support; SALib's estimator): which parameters a target
  can inform at all.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from borderSim.calibration import figures, store
from borderSim.calibration.abc import effective_sample_size
from borderSim.calibration.problem import Calibration, read_calibration
from borderSim.calibration.simulate import Evaluator, statistic, target_days
from borderSim.common.errors import InputError
from borderSim.experiments.evaluate.executors import make_executor
from borderSim.experiments.evaluate.posterior import Posterior, draw_indices, read_posterior, weighted_quantile
from borderSim.outputs import folder

MARKER = "report.json"
PREDICTIVE_PURPOSE = 2      # the predictive draws' seed: SeedSequence([seed, 2])
MEDIAN_PURPOSE = 3          # the runs at the posterior median
SEQUENCE_PURPOSE = 4        # the share_all targets' runs over the posterior draws
IDENTIFIED = 0.5            # posterior 90 % width below this share of the prior's
MEDIAN_REPLICATES = 1000    # replicates of each run at the posterior median (a share to about +-0.03)
SEQUENCE_REPLICATES = 50    # replicates per posterior draw for the share_all targets


@dataclass
class Loaded:
    path: Path
    manifest: dict
    calibration: Calibration
    posterior: Posterior
    populations: pd.DataFrame


def load(path: Path | str, flag: str = "RESULTS") -> Loaded:
    path = Path(path)
    try:
        man = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(flag, str(path), "is not a calibration's results folder (no manifest.json); make one "
                         "with borderSim calibrate") from None
    if "borderSim_calibration" not in man:
        raise InputError(flag, str(path), "is not a calibration's results folder; make one with borderSim calibrate")
    if not (path / "posterior.parquet").is_file():
        raise InputError(flag, str(path), f"the calibration is {man.get('status')} and has no posterior yet")
    cal_path = Path(man["calibration"]["path"])
    if not cal_path.is_file():
        raise InputError(flag, str(path), f"its calibration file {cal_path} is gone; the report reruns its targets")
    cal = read_calibration(cal_path)
    if cal.digest() != man["calibration_sha256"]:
        raise InputError(flag, str(path), f"its calibration file {cal_path} (or a scenario it names) changed since "
                         "the calibration ran; calibrate again")
    return Loaded(path, man, cal, read_posterior(path / "posterior.parquet", flag),
                  pd.read_parquet(path / "populations.parquet"))


def _seed(cal: Calibration, purpose: int) -> int:
    return int(np.random.SeedSequence([cal.seed, purpose]).generate_state(1)[0])


def predictive(cal: Calibration, post: Posterior, draws: int, executor) -> tuple[np.ndarray, np.ndarray]:
    """Posterior predictive statistics ``(draws, targets)`` and the parameter vectors drawn."""
    seed = _seed(cal, PREDICTIVE_PURPOSE)
    idx = draw_indices(np.cumsum(post.weights), seed, np.arange(draws))
    values = post.samples[idx]
    return Evaluator(cal, executor)(values, seed, 0), values


def with_replicates(cal: Calibration, replicates: int, targets=None) -> Calibration:
    """The calibration with every run (of ``targets``, default all) at ``replicates`` or more replicates."""
    targets = cal.targets if targets is None else tuple(targets)
    used = {t.run for t in targets}
    runs = tuple(dataclasses.replace(r, replicates=max(r.replicates, replicates)) for r in cal.runs if r.name in used)
    return dataclasses.replace(cal, runs=runs, targets=targets)


def posterior_median(cal: Calibration, post: Posterior) -> np.ndarray:
    """The weighted posterior median of each parameter (the values of calibrated.toml), as one candidate."""
    return np.array([[weighted_quantile(post.samples[:, j], post.weights, 0.5)[0] for j in range(len(cal.priors))]])


def at_median(cal: Calibration, post: Posterior, replicates: int, executor) -> np.ndarray:
    """Every target's statistic at the posterior median over ``replicates`` replicates of each run."""
    return Evaluator(with_replicates(cal, replicates), executor)(posterior_median(cal, post),
                                                                 _seed(cal, MEDIAN_PURPOSE), 0)[0]


def sequence(cal: Calibration, values: np.ndarray, replicates: int, executor) -> np.ndarray | None:
    """The share_all targets' statistics ``(draws, share_all targets)`` over posterior draws ``values``,
    ``replicates`` replicates each (None if the calibration has none)."""
    targets = [t for t in cal.targets if t.statistic == "share_all"]
    if not targets:
        return None
    return Evaluator(with_replicates(cal, replicates, targets), executor)(values, _seed(cal, SEQUENCE_PURPOSE), 0)


def checks(cal: Calibration, stats: np.ndarray, median: np.ndarray | None = None) -> pd.DataFrame:
    rows = []
    for j, t in enumerate(cal.targets):
        x = stats[:, j]
        ok = x[np.isfinite(x)]
        q = np.quantile(ok, [0.05, 0.5, 0.95]) if len(ok) else np.full(3, np.nan)
        inside = bool(len(ok) and t.observed[1] >= q[0] and t.observed[0] <= q[2])
        rows.append({"target": t.name, "role": "held out" if t.held_out else "fitted", "run": t.run,
                     "statistic": t.describe(), "observed": t.observed_text(), "source": t.source,
                     "q05": q[0], "median": q[1], "q95": q[2], "defined": len(ok) / len(x), "inside_90": inside,
                     "at_posterior_median": np.nan if median is None else float(median[j])})
    return pd.DataFrame(rows)


def sequence_table(cal: Calibration, seq: np.ndarray, median: np.ndarray) -> pd.DataFrame:
    """Each share_all target at the posterior median and over the posterior draws."""
    rows = []
    targets = [(j, t) for j, t in enumerate(cal.targets) if t.statistic == "share_all"]
    for k, (j, t) in enumerate(targets):
        x = seq[:, k]
        q05, q50, q95 = np.quantile(x, [0.05, 0.5, 0.95])
        rows.append({"target": t.name, "statistic": t.describe(), "observed": t.observed_text(),
                     "at_posterior_median": float(median[j]), "posterior_mean": float(x.mean()),
                     "posterior_q05": q05, "posterior_median": q50, "posterior_q95": q95,
                     "draws_at_or_above_observed_low": float(np.mean(x >= t.observed[0]))})
    return pd.DataFrame(rows)


def shrinkage(cal: Calibration, post: Posterior) -> pd.DataFrame:
    rows = []
    for j, p in enumerate(cal.priors):
        prior = p.scipy()
        x, w = post.samples[:, j], post.weights
        mean = float(np.sum(w * x))
        var = float(np.sum(w * (x - mean) ** 2))
        lo, med, hi = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        plo, phi = prior.ppf([0.05, 0.95])
        ratio = (hi - lo) / (phi - plo)
        rows.append({"parameter": p.name, "prior": p.describe(), "prior_q05": plo, "prior_q95": phi,
                     "posterior_q05": lo, "posterior_median": med, "posterior_q95": hi,
                     "shrinkage": 1 - var / float(prior.var()), "width_ratio": ratio,
                     "identified": bool(ratio < IDENTIFIED)})
    return pd.DataFrame(rows)


def sobol(loaded: Loaded, samples: int, replicates: int, workers, scheduler) -> pd.DataFrame:
    """First-order and total Sobol indices of each fitted target over the priors' supports."""
    from SALib.analyze import sobol as salib

    from borderSim.experiments.design.experiment import Axis, Experiment, build_design
    from borderSim.experiments.evaluate.store import open_results
    from borderSim.experiments.evaluate.sweep import run_design

    cal = loaded.calibration
    rows = []
    for run in cal.runs:
        if not any(t.run == run.name for t in cal.fitted):
            continue
        exp = Experiment(name=f"sobol-{run.name}", description=f"Sobol indices of {cal.name}'s targets on {run.name}",
                         path=None, text="", scenarios=(run.scenario,),
                         axes=tuple(Axis(p.name, low=p.support[0], high=p.support[1]) for p in cal.priors),
                         kind="sobol", samples=samples, design_seed=cal.seed, levels=4, replicates=replicates,
                         days=run.days, seed=cal.seed, reference=None, chunk_rows=cal.settings.chunk_rows)
        design = build_design(exp)
        n = design.n_points
        problem = design.problem()
        if run.periods:
            y_all = _sobol_periods(loaded, run, design, replicates, workers, scheduler)
        else:
            out = loaded.path / "sobol" / run.name
            man = out / "manifest.json"
            if not (man.is_file() and json.loads(man.read_text())["design_sha256"] == design.digest()):
                partial = out.with_name(f".{out.name}{folder.PARTIAL_SUFFIX}")
                if out.exists():
                    raise InputError("RESULTS", str(out), "holds another Sobol design; remove it")
                run_design(design, out, workers=workers, scheduler=scheduler, resume=partial.exists())
            summary = open_results(out).summary
            y_all = {t.name: statistic(t, summary, n, replicates, target_days(t, run))
                     for t in cal.fitted if t.run == run.name}
        for t in cal.fitted:
            if t.run != run.name:
                continue
            y = y_all[t.name]
            if not np.isfinite(y).all():
                rows.append({"target": t.name, "parameter": None, "note": f"undefined at {int((~np.isfinite(y)).sum())}"
                             f" of {n} points (no replicate met '{t.where}'); raise --sobol-replicates"})
                continue
            si = salib.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=cal.seed)
            for k, name in enumerate(problem["names"]):
                rows.append({"target": t.name, "parameter": name, "S1": float(si["S1"][k]),
                             "S1_conf": float(si["S1_conf"][k]), "ST": float(si["ST"][k]),
                             "ST_conf": float(si["ST_conf"][k]), "note": ""})
    return pd.DataFrame(rows)


def _sobol_periods(loaded: Loaded, run, design, replicates: int, workers, scheduler) -> dict[str, np.ndarray]:
    """The fitted targets of a run with periods at a Saltelli design's points: each point runs replicates
    ``0 .. replicates-1`` (common random numbers, as a sweep's points do) through the calibration's
    evaluator, which summarises the periods; cached in ``sobol/RUN-periods`` (reused when the points match)."""
    cal = loaded.calibration
    targets = [t for t in cal.fitted if t.run == run.name]
    sub = dataclasses.replace(with_replicates(cal, 1, targets), runs=(dataclasses.replace(run, replicates=replicates),))
    values = np.column_stack([design.points[p.name].to_numpy(np.float64) for p in cal.priors])
    cache = store.BatchCache(loaded.path / "sobol")
    key = f"{run.name}-periods-{replicates}"
    stats = cache.get(key, values)
    if stats is None:
        executor = make_executor(workers, scheduler)
        try:
            stats = Evaluator(sub, executor, common=True)(values, cal.seed, 0)
        finally:
            executor.close()
        cache.put(key, values, stats)
    return {t.name: stats[:, k] for k, t in enumerate(targets)}


def _g(x: float) -> str:
    return "-" if not np.isfinite(x) else f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def markdown(loaded: Loaded, chk: pd.DataFrame, shr: pd.DataFrame, sob: pd.DataFrame | None, draws: int,
             figs: list[str], seq: pd.DataFrame | None = None, median_replicates: int = MEDIAN_REPLICATES,
             sequence_replicates: int = SEQUENCE_REPLICATES) -> str:
    cal, man, post = loaded.calibration, loaded.manifest, loaded.posterior
    gens = man["generations"]
    adj = man.get("adjustment")
    ess = effective_sample_size(post.weights)
    lines = [f"# Calibration report: {cal.name}", "", cal.description, "",
             f"ABC {man['method']} (ELFI), seed {man['seed']}, model version {man['model_version']}; "
             f"{len(gens)} generation(s), {sum(g['candidates'] for g in gens):,} candidates; posterior: generation "
             f"{gens[-1]['generation']}, {len(post.weights):,} weighted samples, tolerance "
             f"{gens[-1]['tolerance']:.4g}{', regression-adjusted' if adj else ''}.", "",
             f"**Effective sample size {ess:,.0f}** of {len(post.weights):,} samples: Kish's (sum w)^2 / sum w^2 of "
             "the posterior's weights (the number of equally weighted samples that would estimate a mean as well; "
             "all of them when the weights are equal).", "",
             "## Tolerance schedule", "",
             "| generation | tolerance | candidates | accepted | acceptance rate | effective sample size |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {g['generation']} | {g['tolerance']:.4g} | {g['candidates']:,} | {g['accepted']:,} | "
              f"{g['acceptance_rate']:.3f} | {g.get('effective_sample_size', float('nan')):,.0f} |" for g in gens]
    if adj:
        lines += ["", "Linear regression adjustment (Beaumont et al. 2002) of the last generation, on the logit of "
                  "each parameter's place in its prior's support: R^2 of each parameter on the fitted targets, and "
                  "the mean shift as a share of the prior's 90 % width." + (f" {adj['note']}." if adj["note"] else ""),
                  "", "| parameter | R^2 | mean shift |", "|---|---|---|"]
        lines += [f"| {n} | {_g(adj['r2'][n])} | {adj['mean_shift_prior_width'][n]:.3f} |" for n in cal.names]
    if man.get("warnings"):
        lines += ["", "Warnings of the calibration:", ""] + [f"- {w}" for w in man["warnings"]]
    lines += ["", f"## Targets against the posterior predictive distribution ({draws} draws)", "",
              "Inside: the observed value or range meets the central 90 % interval of the statistic over posterior "
              "draws. Held-out targets were not in the distance: they are validation.", "",
              f"At the posterior median: the weighted median of each parameter (calibrated.toml), "
              f"{median_replicates:,} replicates of each run.", "",
              "| target | role | statistic | observed | posterior predictive median | 90 % interval | inside | "
              "at the posterior median | scale | source |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in chk.itertuples():
        scale = man.get("scales", {}).get(r.target)
        lines.append(f"| {r.target} | {r.role} | {r.statistic} | {r.observed} | {_g(r.median)} | "
                     f"{_g(r.q05)} - {_g(r.q95)} | {'yes' if r.inside_90 else '**no**'} | "
                     f"{_g(r.at_posterior_median)} | {'-' if scale is None else _g(scale)} | {r.source} |")
    if seq is not None and len(seq):
        lines += ["", "## The record's sequence", "",
                  f"The share of replicates in which the column is positive in every listed period: at the posterior "
                  f"median ({median_replicates:,} replicates) and over the {draws} posterior draws "
                  f"({sequence_replicates} replicates each: the draws' spread holds the parameters' uncertainty "
                  f"and a binomial noise of up to {0.5 / np.sqrt(sequence_replicates):.2f}); the mean over the draws "
                  "is the posterior predictive probability.",
                  "", "| target | statistic | observed | at the posterior median | over the posterior: mean | "
                  "median | 90 % interval | draws at or above the observed low |", "|---|---|---|---|---|---|---|---|"]
        for r in seq.itertuples():
            lines.append(f"| {r.target} | {r.statistic} | {r.observed} | {r.at_posterior_median:.3f} | "
                         f"{r.posterior_mean:.3f} | {r.posterior_median:.3f} | {r.posterior_q05:.3f} - "
                         f"{r.posterior_q95:.3f} | {r.draws_at_or_above_observed_low:.0%} |")
    lines += ["", "## Parameters: prior and posterior", "",
              f"Identified: the posterior 90 % interval is less than {IDENTIFIED:.0%} as wide as the prior's. "
              "Shrinkage is 1 - posterior variance / prior variance.", "",
              "| parameter | prior | prior 90 % | posterior median | posterior 90 % | width ratio | shrinkage | "
              "identified |", "|---|---|---|---|---|---|---|---|"]
    for r in shr.itertuples():
        lines.append(f"| {r.parameter} | {r.prior} | {_g(r.prior_q05)} - {_g(r.prior_q95)} | "
                     f"{_g(r.posterior_median)} | {_g(r.posterior_q05)} - {_g(r.posterior_q95)} | "
                     f"{r.width_ratio:.2f} | {r.shrinkage:.2f} | {'yes' if r.identified else 'no'} |")
    if sob is not None and len(sob):
        lines += ["", "## Sobol indices of the fitted targets over the priors' ranges", "",
                  "| target | parameter | first order S1 | total ST |", "|---|---|---|---|"]
        for r in sob.itertuples():
            if not isinstance(r.parameter, str):      # None becomes NaN in a frame with indices
                lines.append(f"| {r.target} | - | {r.note} | |")
            else:
                lines.append(f"| {r.target} | {r.parameter} | {r.S1:.3f} ± {r.S1_conf:.3f} | "
                             f"{r.ST:.3f} ± {r.ST_conf:.3f} |")
    lines += ["", "## Figures", ""] + [f"![{f}]({f})" for f in figs]
    return "\n".join(lines) + "\n"


@dataclass
class Report:
    out: Path
    markdown: str
    checks: pd.DataFrame
    shrinkage: pd.DataFrame
    sobol: pd.DataFrame | None
    sequence: pd.DataFrame | None = None


def run(path: Path | str, *, out: Path | None = None, draws: int = 200, sobol_samples: int = 64,
        sobol_replicates: int = 20, workers: int | None = None, scheduler: str | None = None,
        median_replicates: int = MEDIAN_REPLICATES, sequence_replicates: int = SEQUENCE_REPLICATES) -> Report:
    if draws < 10:
        raise InputError("--draws", str(draws), "must be at least 10")
    if sobol_samples < 0 or (sobol_samples and sobol_samples & (sobol_samples - 1)):
        raise InputError("--sobol-samples", str(sobol_samples), "must be 0 (no Sobol indices) or a power of two, "
                         "like 64")
    if sobol_replicates < 1:
        raise InputError("--sobol-replicates", str(sobol_replicates), "must be at least 1")
    loaded = load(path)
    cal = loaded.calibration
    executor = make_executor(workers, scheduler)
    try:
        stats, values = predictive(cal, loaded.posterior, draws, executor)
        median = at_median(cal, loaded.posterior, median_replicates, executor)
        seq_stats = sequence(cal, values, sequence_replicates, executor)
    finally:
        executor.close()
    chk = checks(cal, stats, median)
    seq = None if seq_stats is None else sequence_table(cal, seq_stats, median)
    shr = shrinkage(cal, loaded.posterior)
    sob = sobol(loaded, sobol_samples, sobol_replicates, workers, scheduler) if sobol_samples else None
    pilot = _pilot(loaded)
    with folder.written(out or Path(path) / "report", replaceable=MARKER) as (claim, tmp):
        figs = [figures.predictive(cal, stats, pilot, tmp / "predictive.png"),
                figures.marginals(cal, loaded.posterior, tmp / "marginals.png"),
                figures.pairs(cal, loaded.posterior, tmp / "pairs.png"),
                figures.shrinkage(shr, tmp / "shrinkage.png")]
        if sob is not None and sob["parameter"].notna().any():
            figs.append(figures.sobol(sob, tmp / "sobol.png"))
        text = markdown(loaded, chk, shr, sob, draws, figs, seq, median_replicates, sequence_replicates)
        (tmp / "report.md").write_text(text, encoding="utf-8")
        chk.to_csv(tmp / "predictive.csv", index=False)
        if seq is not None:
            seq.to_csv(tmp / "sequence.csv", index=False)
            names = [t.name for t in cal.targets if t.statistic == "share_all"]
            pd.DataFrame(seq_stats, columns=names).to_parquet(tmp / "sequence.parquet")
        shr.to_csv(tmp / "shrinkage.csv", index=False)
        pd.DataFrame(stats, columns=[t.name for t in cal.targets]).to_parquet(tmp / "predictive.parquet")
        if sob is not None:
            sob.to_csv(tmp / "sobol.csv", index=False)
        folder.write_json(tmp / MARKER, {"results": str(Path(path).resolve()), "draws": draws,
                                         "sobol_samples": sobol_samples, "sobol_replicates": sobol_replicates,
                                         "figures": figs})
    return Report(claim.out, text, chk, shr, sob, seq)


def _pilot(loaded: Loaded) -> np.ndarray | None:
    p = loaded.path / "batches" / "pilot.npz"
    if not p.exists():
        return None
    with np.load(p) as z:
        return z["stats"]
