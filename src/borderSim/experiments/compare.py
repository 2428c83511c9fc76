"""``borderSim compare``: outcomes per design point and paired contrasts against a reference.

Every design point runs the same replicate indices with the same random streams (common random
numbers), so the difference between a point and the reference is taken replicate by replicate and
its 95 % interval is a paired bootstrap over replicate index (``scipy.stats.bootstrap`` with
``paired=True``, percentile method). The unpaired interval (each sample resampled on its own) is
shown beside it: the gap between the two is what common random numbers buy. Replicates where an
outcome is undefined (NaN, e.g. ceasefire survival when no ceasefire ended) are left out of that
outcome's pairs.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from borderSim.errors import InputError
from borderSim.experiments.outcomes import OUTCOMES, check_metrics, label, side  # noqa: F401 (re-exported)
from borderSim.experiments.store import Results, open_results
from borderSim.outputs import folder

MARKER = "compare.json"


def reference_point(results: Results, reference: str | None, flag: str = "--reference") -> int:
    d = results.design
    if reference is None:
        flagged = d.index[d["reference"].astype(bool)]
        return int(d.loc[flagged[0], "point"]) if len(flagged) else int(d["point"].iloc[0])
    for match in (d["label"] == reference, (d["scenario"] == reference) & d["reference"].astype(bool),
                  d["scenario"] == reference):
        if match.sum() == 1:
            return int(d.loc[match, "point"].iloc[0])
    labels = d["label"].tolist()
    hit = difflib.get_close_matches(reference, labels, n=1, cutoff=0.6)
    shown = ", ".join(labels[:8]) + (", ..." if len(labels) > 8 else "")
    raise InputError(flag, reference, f"no single design point has that label or scenario"
                     f"{f' (did you mean {hit[0]}?)' if hit else ''}; points: {shown}")


def values(results: Results, point: int, metric: str) -> pd.Series:
    """One outcome of one point, indexed by replicate."""
    s = results.summary
    rows = s[s["point"] == point]
    return pd.Series(rows[metric].to_numpy(dtype=np.float64), index=rows["replicate"].to_numpy())


def describe(results: Results, metrics: list[str]) -> pd.DataFrame:
    """Mean, median and 95th percentile of each outcome at each point (NaNs left out)."""
    out = []
    for _, p in results.design.iterrows():
        for m in metrics:
            x = values(results, int(p["point"]), m).dropna()
            out.append({"point": int(p["point"]), "label": p["label"], "metric": m, "n": len(x),
                        "mean": x.mean(), "median": x.median(), "p95": x.quantile(0.95)})
    return pd.DataFrame(out)


def _mean(x: np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else np.nan


def _mean_difference(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def interval(x: np.ndarray, y: np.ndarray, *, paired: bool, n_boot: int, seed: int) -> tuple[float, float]:
    """95 % bootstrap interval of mean(x) - mean(y)."""
    from scipy.stats import bootstrap

    if len(x) < 2 or len(y) < 2:
        return np.nan, np.nan
    if np.ptp(x) == 0 and np.ptp(y) == 0 and (paired or x[0] == y[0]):
        d = float(x[0] - y[0])
        return d, d
    res = bootstrap((x, y), _mean_difference, paired=paired, vectorized=True, n_resamples=n_boot,
                    confidence_level=0.95, method="percentile", rng=np.random.default_rng(seed))
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def contrasts(results: Results, reference: int, metrics: list[str], n_boot: int = 2000, seed: int = 0
              ) -> pd.DataFrame:
    """Differences of every point from the reference, with paired and unpaired 95 % intervals."""
    rows = []
    for _, p in results.design.iterrows():
        point = int(p["point"])
        if point == reference:
            continue
        for m in metrics:
            a, b = values(results, reference, m), values(results, point, m)
            pair = pd.concat([a, b], axis=1, join="inner").dropna()
            xa, xb = a.dropna().to_numpy(), b.dropna().to_numpy()
            pl, ph = interval(pair.iloc[:, 1].to_numpy(), pair.iloc[:, 0].to_numpy(), paired=True, n_boot=n_boot,
                              seed=seed)
            ul, uh = interval(xb, xa, paired=False, n_boot=n_boot, seed=seed)
            rows.append({"point": point, "label": p["label"], "metric": m, "reference_mean": _mean(xa),
                         "mean": _mean(xb), "difference": _mean((pair.iloc[:, 1] - pair.iloc[:, 0]).to_numpy()),
                         "paired_low": pl, "paired_high": ph, "unpaired_low": ul, "unpaired_high": uh,
                         "pairs": len(pair)})
    return pd.DataFrame(rows)


def _fmt(x: float, metric: str) -> str:
    if not np.isfinite(x):
        return "-"
    unit = OUTCOMES.get(metric, ("", "", None))[1]
    if unit.startswith("share") or "index" in unit:
        return f"{x:+.3f}" if metric.startswith("legitimacy") else f"{x:.3f}"
    return f"{x:,.1f}" if abs(x) < 100 else f"{x:,.0f}"


def _signed(x: float, metric: str) -> str:
    s = _fmt(x, metric)
    return s if s.startswith(("+", "-")) else f"+{s}"


def markdown(desc: pd.DataFrame, con: pd.DataFrame, ref_label: str, n: int) -> str:
    """The contrasts as a markdown table: per point and outcome, mean, paired difference and intervals."""
    lines = [f"Paired differences from **{ref_label}** (mean over {n:,} replicates; 95 % bootstrap intervals over "
             "replicate index, paired on common random numbers; the unpaired interval for comparison).", "",
             "| design point | outcome | reference | this point | difference | paired 95 % CI | unpaired 95 % CI |",
             "|---|---|---|---|---|---|---|"]
    for _, r in con.iterrows():
        m = r["metric"]
        lines.append(f"| {r['label']} | {label(m)} | {_fmt(r['reference_mean'], m)} | {_fmt(r['mean'], m)} | "
                     f"{_signed(r['difference'], m)} | [{_fmt(r['paired_low'], m)}, {_fmt(r['paired_high'], m)}] | "
                     f"[{_fmt(r['unpaired_low'], m)}, {_fmt(r['unpaired_high'], m)}] |")
    return "\n".join(lines) + "\n"


def summary_table(con: pd.DataFrame, desc: pd.DataFrame, reference: int, metrics: list[str]) -> str:
    """One row per point, one column per outcome: 'mean (difference [paired CI])' (the README's table)."""
    head = "| design point | " + " | ".join(label(m) for m in metrics) + " |"
    lines = [head, "|---" * (len(metrics) + 1) + "|"]
    ref = desc[desc["point"] == reference].set_index("metric")
    lines.append(f"| {ref['label'].iloc[0]} (reference) | " + " | ".join(_fmt(ref.loc[m, "mean"], m)
                                                                      for m in metrics) + " |")
    for _, g in con.groupby("point", sort=True):
        g = g.set_index("metric")
        cells = [f"{_fmt(g.loc[m, 'mean'], m)} ({_signed(g.loc[m, 'difference'], m)} "
                 f"[{_fmt(g.loc[m, 'paired_low'], m)}, {_fmt(g.loc[m, 'paired_high'], m)}])" for m in metrics]
        lines.append(f"| {g['label'].iloc[0]} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


@dataclass
class Report:
    out: Path
    markdown: str
    contrasts: pd.DataFrame
    describe: pd.DataFrame
    figures: list[str]
    notes: list[str]


def run(path: Path | str, *, reference: str | None = None, metrics: list[str] | None = None,
        out: Path | None = None, n_boot: int = 2000) -> Report:
    """Tables and figures of a finished sweep, written to ``out`` (default ``RESULTS/compare``)."""
    from borderSim.experiments import figures

    if n_boot < 100:
        raise InputError("--bootstrap", str(n_boot), "must be at least 100 resamples")
    metrics = check_metrics(metrics)
    results = open_results(path)
    ref = reference_point(results, reference)
    if len(results.design) < 2:
        raise InputError("RESULTS", str(path), "has one design point; compare needs two or more")
    desc = describe(results, metrics)
    con = contrasts(results, ref, metrics, n_boot=n_boot, seed=results.manifest["seed"] % 2**32)
    ref_label = results.design.loc[results.design["point"] == ref, "label"].iloc[0]
    text = markdown(desc, con, ref_label, results.manifest["replicates"])
    table = summary_table(con, desc, ref, metrics[:5])
    with folder.written(out or Path(path) / "compare", replaceable=MARKER) as (claim, tmp):
        desc.to_csv(tmp / "outcomes.csv", index=False)
        con.to_csv(tmp / "contrasts.csv", index=False)
        (tmp / "contrasts.md").write_text(text, encoding="utf-8")
        (tmp / "table.md").write_text(table, encoding="utf-8")
        made, notes = figures.compare_figures(results, con, ref, metrics, tmp)
        folder.write_json(tmp / MARKER, {"results": str(Path(path).resolve()), "reference": ref_label,
                                         "metrics": metrics, "bootstrap": n_boot, "figures": made, "notes": notes})
    return Report(claim.out, table + "\n" + "\n".join(notes), con, desc, made, notes)


def read_report(path: Path) -> dict:
    return json.loads((path / MARKER).read_text(encoding="utf-8"))
