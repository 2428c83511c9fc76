"""``borderSim sensitivity``: Sobol indices (Saltelli designs) or Morris screening, with SALib.

The outcome of a design point is its mean over replicates. Every point runs the same replicate
indices (common random numbers), so a parameter that does not act on the model gives exactly the
same outcome at the points that differ only in it, and its indices are zero up to SALib's estimator
(its bootstrap interval shows how far from zero an index must be to count).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from borderSim.common.errors import InputError
from borderSim.experiments.analyse.outcomes import check_metrics, label
from borderSim.experiments.evaluate.store import Results, open_results
from borderSim.outputs import folder

DEFAULT_METRICS = ("reached_rung5", "deaths_total")
MARKER = "sensitivity.json"


def point_means(results: Results, metric: str) -> np.ndarray:
    """Mean outcome per design point, in point order (NaNs left out)."""
    s = results.summary
    y = s[metric].astype(float).groupby(s["point"]).mean().reindex(results.design["point"]).to_numpy()
    if np.isnan(y).any():
        raise InputError("--metrics", metric, "is undefined at some design points (no replicate has it); "
                         "choose an outcome every replicate has, e.g. reached_rung5")
    return y


def indices(results: Results, metrics: list[str]) -> pd.DataFrame:
    """One row per (metric, parameter): Sobol S1, S1_conf, ST, ST_conf or Morris mu, mu_star, sigma, mu_star_conf."""
    man = results.manifest
    problem = man["design"]["problem"]
    kind = man["design"]["kind"]
    seed = man["design"]["design_seed"]
    rows = []
    for m in metrics:
        y = point_means(results, m)
        if kind == "sobol":
            from SALib.analyze import sobol

            si = sobol.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=seed)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            from SALib.analyze import morris

            x = results.design[problem["names"]].to_numpy(float)
            si = morris.analyze(problem, x, y, conf_level=0.95, num_levels=_levels(results), seed=seed)
            keys = ("mu", "mu_star", "sigma", "mu_star_conf")
        for j, name in enumerate(problem["names"]):
            rows.append({"metric": m, "parameter": name, **{k: float(np.asarray(si[k])[j]) for k in keys}})
    return pd.DataFrame(rows)


def _levels(results: Results) -> int:
    import tomllib

    design = tomllib.loads(results.manifest["experiment"]["text"]).get("design", {})
    return int(design.get("levels", 4))


def markdown(table: pd.DataFrame, kind: str) -> str:
    if kind == "sobol":
        lines = ["| outcome | parameter | first order S1 [95 % CI] | total ST [95 % CI] |", "|---|---|---|---|"]
        for _, r in table.iterrows():
            lines.append(f"| {label(r['metric'])} | {r['parameter']} | {r['S1']:.3f} ± {r['S1_conf']:.3f} | "
                         f"{r['ST']:.3f} ± {r['ST_conf']:.3f} |")
    else:
        lines = ["| outcome | parameter | mu* [95 % CI] | mu | sigma |", "|---|---|---|---|---|"]
        for _, r in table.iterrows():
            lines.append(f"| {label(r['metric'])} | {r['parameter']} | {r['mu_star']:.4g} ± {r['mu_star_conf']:.3g} | "
                         f"{r['mu']:.4g} | {r['sigma']:.4g} |")
    return "\n".join(lines) + "\n"


@dataclass
class Report:
    out: Path
    markdown: str
    table: pd.DataFrame


def run(path: Path | str, *, metrics: list[str] | None = None, out: Path | None = None) -> Report:
    from borderSim.experiments.analyse import analysis_figures as figures

    metrics = check_metrics(metrics or list(DEFAULT_METRICS))
    results = open_results(path)
    if results.kind not in ("sobol", "morris"):
        raise InputError("RESULTS", str(path), f"is a {results.kind} design; sensitivity needs a sobol or morris "
                         "design (kind = \"sobol\" or \"morris\" under [design])")
    table = indices(results, metrics)
    text = markdown(table, results.kind)
    with folder.written(out or Path(path) / "sensitivity", replaceable=MARKER) as (claim, tmp):
        table.to_csv(tmp / "indices.csv", index=False)
        (tmp / "indices.md").write_text(text, encoding="utf-8")
        fig = figures.sensitivity_bars(table, results.kind, tmp / "indices.png")
        folder.write_json(tmp / MARKER, {"results": str(Path(path).resolve()), "method": results.kind,
                                         "metrics": metrics, "figures": [fig]})
    return Report(claim.out, text, table)
