"""``borderSim compare RESULTS --posterior SAMPLES``: effects at the point estimate and over the posterior.

RESULTS is a sweep of the model at its point estimate (the scenarios' values). The same experiment
(same file, seed, replicates and days) is swept again with every replicate drawing its parameter
vector from the posterior (:mod:`..evaluate.posterior`; into ``RESULTS/posterior``, resumable and reused when
it is there already), and both sweeps are compared with the same paired bootstrap. Over the
posterior, replicate ``r`` runs the same draw in every scenario, so each contrast is still paired:
its interval covers the model's noise and the parameters' uncertainty together.

A conclusion *survives* when both intervals exclude zero on the same side; it is *not robust* when
only the point estimate's does; *appears* when only the posterior's does; *reverses* when they
exclude zero on opposite sides; and there is *no effect either way* when neither does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from borderSim.common.errors import InputError
from borderSim.experiments.analyse import compare as cmp_
from borderSim.experiments.evaluate.posterior import read_posterior
from borderSim.experiments.evaluate.store import open_results
from borderSim.outputs import folder

MARKER = "uncertainty.json"


def verdict(point: tuple[float, float], post: tuple[float, float]) -> str:
    def side(lo, hi):
        return 0 if not (np.isfinite(lo) and np.isfinite(hi)) or lo <= 0 <= hi else (1 if lo > 0 else -1)

    a, b = side(*point), side(*post)
    if a and b:
        return "survives" if a == b else "reverses"
    if a:
        return "not robust"
    if b:
        return "appears"
    return "no effect either way"


def posterior_sweep(results: Path, samples: Path | str, workers: int | None, scheduler: str | None,
                    progress=None) -> Path:
    """``RESULTS/posterior``: the sweep of RESULTS' experiment over the posterior (run, resumed or reused)."""
    r = open_results(results)
    if r.manifest.get("posterior"):
        raise InputError("RESULTS", str(results), "was itself swept over a posterior; give the point-estimate sweep")
    post = read_posterior(samples)
    exp = Path(r.manifest["experiment"]["path"])
    if not exp.is_file():
        raise InputError("RESULTS", str(results), f"its experiment file {exp} is gone; compare over the posterior "
                         "reruns that experiment")
    from borderSim.experiments.evaluate.sweep import run_sweep

    out = results / "posterior"
    if (out / "manifest.json").is_file():
        done = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        if done.get("posterior", {}).get("sha256") == post.sha256 and done.get("status") == "complete":
            return out
        raise InputError("--posterior", str(samples), f"{out} holds a sweep over another posterior; remove it")
    partial = out.with_name(f".{out.name}{folder.PARTIAL_SUFFIX}")
    run_sweep(exp, out, workers=workers, scheduler=scheduler, resume=partial.exists(), posterior=post.path,
              progress=progress)
    if not open_results(out).design.equals(r.design):
        raise InputError("RESULTS", str(results), f"its experiment file {exp} changed since it was swept; sweep "
                         "it again")
    return out


@dataclass
class Report:
    out: Path
    markdown: str
    table: pd.DataFrame


def run(results: Path | str, samples: Path | str, *, reference: str | None = None, metrics: list[str] | None = None,
        out: Path | None = None, n_boot: int = 2000, workers: int | None = None, scheduler: str | None = None,
        progress=None) -> Report:
    """Contrasts at the point estimate and over the posterior, side by side."""
    results = Path(results)
    metrics = cmp_.check_metrics(metrics)
    point = open_results(results)
    post_dir = posterior_sweep(results, samples, workers, scheduler, progress)
    post = open_results(post_dir)
    ref = cmp_.reference_point(point, reference)
    seed = point.manifest["seed"] % 2**32
    a = cmp_.contrasts(point, ref, metrics, n_boot=n_boot, seed=seed)
    b = cmp_.contrasts(post, ref, metrics, n_boot=n_boot, seed=seed)
    keys = ["point", "label", "metric"]
    cols = ["reference_mean", "mean", "difference", "paired_low", "paired_high"]
    table = a[keys + cols].merge(b[keys + cols], on=keys, suffixes=("", "_posterior"))
    table["verdict"] = [verdict((r.paired_low, r.paired_high), (r.paired_low_posterior, r.paired_high_posterior))
                        for r in table.itertuples()]
    ref_label = point.design.loc[point.design["point"] == ref, "label"].iloc[0]
    text = markdown(table, ref_label, point.manifest["replicates"], read_posterior(samples))
    with folder.written(out or results / "compare_posterior", replaceable=MARKER) as (claim, tmp):
        table.to_csv(tmp / "contrasts.csv", index=False)
        (tmp / "contrasts.md").write_text(text, encoding="utf-8")
        folder.write_json(tmp / MARKER, {"results": str(results.resolve()), "posterior_sweep": str(post_dir),
                                         "posterior": str(Path(samples).resolve()), "reference": ref_label,
                                         "metrics": metrics, "bootstrap": n_boot})
    return Report(claim.out, text, table)


def markdown(table: pd.DataFrame, ref_label: str, n: int, post) -> str:
    f = cmp_._fmt
    lines = [f"Paired differences from **{ref_label}** ({n:,} replicates; 95 % bootstrap intervals over replicate "
             "index) at the point estimate and over the posterior "
             f"({post.meta.get('calibration')}, {len(post.weights):,} weighted samples; each replicate draws its "
             "parameters, the same draw in every scenario).", "",
             "| design point | outcome | point estimate: difference [95 % CI] | over the posterior: difference "
             "[95 % CI] | conclusion |", "|---|---|---|---|---|"]
    for r in table.itertuples():
        m = r.metric
        lines.append(f"| {r.label} | {cmp_.label(m)} | {cmp_._signed(r.difference, m)} [{f(r.paired_low, m)}, "
                     f"{f(r.paired_high, m)}] | {cmp_._signed(r.difference_posterior, m)} "
                     f"[{f(r.paired_low_posterior, m)}, {f(r.paired_high_posterior, m)}] | {r.verdict} |")
    return "\n".join(lines) + "\n"
