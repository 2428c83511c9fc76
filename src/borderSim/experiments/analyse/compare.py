"""``borderSim compare``: outcomes per design point and paired contrasts against a reference.

Every design point runs the same replicate indices with the same random streams (common random
numbers), so the difference between a point and the reference is taken replicate by replicate and
its 95 % interval is a paired bootstrap over replicate index (percentile method). The unpaired
interval (each sample resampled on its own) is shown beside it: the gap between the two is what
common random numbers buy. The bootstrap is vectorised: one matrix of resampling counts (resamples x
replicate indices) serves every outcome and every point, so all the resampled means are one matrix
product (:func:`contrasts`). Replicates where an outcome is undefined (NaN, e.g. ceasefire survival
when no ceasefire ended) are left out of that outcome's means, in the estimate and in every resample.
"""

from __future__ import annotations

import json
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from borderSim.common.errors import InputError
from borderSim.common.tomlcheck import nearest
from borderSim.experiments.analyse.outcomes import OUTCOMES, check_metrics, label, side, unit  # noqa: F401 (re-exported)
from borderSim.experiments.evaluate.store import Results, open_results
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
    shown = ", ".join(labels[:8]) + (", ..." if len(labels) > 8 else "")
    raise InputError(flag, reference, f"no single design point has that label or scenario"
                     f"{nearest(reference, labels)}; points: {shown}")


@dataclass(frozen=True)
class Outcomes:
    """Outcomes as matrices aligned on replicate index: ``by_metric[metric]`` is (points, replicates), NaN where
    the outcome is undefined or the replicate is missing; rows in design order."""

    points: np.ndarray
    labels: list[str]
    replicates: np.ndarray
    by_metric: dict[str, np.ndarray]

    def row(self, point: int) -> int:
        return int(np.flatnonzero(self.points == point)[0])


def outcomes(results: Results, metrics: list[str]) -> Outcomes:
    """The outcomes of every point, one (points, replicates) matrix per metric."""
    d, s = results.design, results.summary
    points = d["point"].to_numpy(np.int64)
    reps = np.unique(s["replicate"].to_numpy(np.int64))
    order = np.argsort(points)
    rows = order[np.searchsorted(points, s["point"].to_numpy(np.int64), sorter=order)]
    cols = np.searchsorted(reps, s["replicate"].to_numpy(np.int64))
    values = {}
    for m in dict.fromkeys(metrics):
        x = np.full((len(points), len(reps)), np.nan)
        x[rows, cols] = s[m].to_numpy(np.float64)
        values[m] = x
    return Outcomes(points, d["label"].tolist(), reps, values)


def describe(results: Results, metrics: list[str], table: Outcomes | None = None) -> pd.DataFrame:
    """Mean, median and 95th percentile of each outcome at each point (NaNs left out)."""
    metrics = list(dict.fromkeys(metrics))
    t = table or outcomes(results, metrics)
    x = np.stack([t.by_metric[m] for m in metrics], axis=1)                 # (points, metrics, replicates)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)      # an outcome undefined in every replicate: NaN
        stats = {"n": np.isfinite(x).sum(axis=2), "mean": np.nanmean(x, axis=2), "median": np.nanmedian(x, axis=2),
                 "p95": np.nanquantile(x, 0.95, axis=2)}
    k = len(metrics)
    return pd.DataFrame({"point": np.repeat(t.points, k), "label": np.repeat(np.array(t.labels, dtype=object), k),
                         "metric": np.tile(np.array(metrics, dtype=object), len(t.points)),
                         **{name: v.reshape(-1) for name, v in stats.items()}})


def resample_counts(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, n): how often each of ``n`` replicate indices is drawn in each bootstrap resample (each
    resample draws ``n`` indices with replacement, ``rng.integers(0, n, (n_boot, n))``)."""
    idx = rng.integers(0, n, size=(n_boot, n)) + (np.arange(n_boot) * n)[:, None]
    return np.bincount(idx.ravel(), minlength=n_boot * n).reshape(n_boot, n).astype(np.float64)


def resampled_means(counts: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(n_boot, k): the mean of each column of ``x`` (replicates, k) in every resample, over the replicates
    where it is defined (NaN left out, as in the point estimate)."""
    ok = np.isfinite(x)
    sums = counts @ np.where(ok, x, 0.0)
    gaps = ~ok.all(axis=0)                    # columns with undefined replicates: their own denominators
    n = np.full(sums.shape, float(x.shape[0]))
    if gaps.any():
        n[:, gaps] = counts @ ok[:, gaps].astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / n


def bootstrap_means(x: np.ndarray, n_boot: int, seed: int, block: int = 500) -> np.ndarray:
    """(n_boot, k): resampled means of the columns of ``x`` (replicates, k), every column with the same
    resamples (``rng.integers(0, replicates, (n_boot, replicates))`` of ``default_rng(seed)``), built ``block``
    resamples at a time so that no count matrix of the whole bootstrap is held."""
    rng = np.random.default_rng(seed)
    out = np.empty((n_boot, x.shape[1]))
    for b0 in range(0, n_boot, block):
        b = min(block, n_boot - b0)
        out[b0:b0 + b] = resampled_means(resample_counts(x.shape[0], b, rng), x)
    return out


def _percentile_interval(boot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)      # a column with no defined resample: NaN
        lo, hi = np.nanquantile(boot, [0.025, 0.975], axis=0)
    return lo, hi


def contrasts(results: Results, reference: int, metrics: list[str], n_boot: int = 2000, seed: int = 0,
              table: Outcomes | None = None) -> pd.DataFrame:
    """Differences of every point from the reference, with paired and unpaired 95 % intervals.

    One bootstrap over replicate index serves every metric and every point: a (resamples, replicates) matrix
    of draw counts, so each resample's mean of each difference is one matrix product. The paired interval
    resamples the pairs (the same replicate index under both). The unpaired one resamples each point and the
    reference on their own: resample ``b`` of the point against resample ``b - 1`` of the reference, two
    independent rows of the same matrix. Percentile method, seeded by ``seed`` (the resamples are the
    indices scipy's ``bootstrap`` draws for that seed).
    """
    metrics = list(dict.fromkeys(metrics))
    t = table or outcomes(results, metrics)
    ref = t.row(reference)
    others = [i for i in range(len(t.points)) if i != ref]
    if not others:
        return pd.DataFrame(columns=CONTRAST_COLUMNS)
    # columns metric-major: (metric, other point)
    x_ref = np.stack([t.by_metric[m][ref] for m in metrics], axis=1)                          # (R, M)
    x_pts = np.concatenate([t.by_metric[m][others].T for m in metrics], axis=1)               # (R, M * O)
    x_ref_rep = np.repeat(x_ref, len(others), axis=1)
    diff = x_pts - x_ref_rep                                                                # NaN if either is
    k = diff.shape[1]
    boot = bootstrap_means(np.concatenate([diff, x_pts, x_ref], axis=1), n_boot, seed)
    paired_lo, paired_hi = _percentile_interval(boot[:, :k])
    # unpaired: resample b of each point against resample b - 1 of the reference (independent rows)
    ref_other = np.roll(np.repeat(boot[:, 2 * k:], len(others), axis=1), 1, axis=0)
    unpaired_lo, unpaired_hi = _percentile_interval(boot[:, k:2 * k] - ref_other)
    pairs = np.isfinite(diff).sum(axis=0)
    n_pts, n_ref = np.isfinite(x_pts).sum(axis=0), np.isfinite(x_ref_rep).sum(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_ref, mean_pts, mean_diff = np.nanmean(x_ref_rep, axis=0), np.nanmean(x_pts, axis=0), np.nanmean(diff, 0)
    few_pairs, few = pairs < 2, (n_pts < 2) | (n_ref < 2)
    paired_lo[few_pairs] = paired_hi[few_pairs] = np.nan
    unpaired_lo[few] = unpaired_hi[few] = np.nan
    con = pd.DataFrame({
        "point": np.tile(t.points[others], len(metrics)), "label": np.tile(np.array(t.labels, dtype=object)[others],
                                                                           len(metrics)),
        "metric": np.repeat(metrics, len(others)), "reference_mean": mean_ref, "mean": mean_pts,
        "difference": mean_diff, "paired_low": paired_lo, "paired_high": paired_hi, "unpaired_low": unpaired_lo,
        "unpaired_high": unpaired_hi, "pairs": pairs})
    order = {p: i for i, p in enumerate(t.points)}
    return con.sort_values("point", key=lambda c: c.map(order), kind="stable", ignore_index=True)


CONTRAST_COLUMNS = ["point", "label", "metric", "reference_mean", "mean", "difference", "paired_low", "paired_high",
                    "unpaired_low", "unpaired_high", "pairs"]


def _fmt(x: float, metric: str) -> str:
    if not np.isfinite(x):
        return "-"
    u = unit(metric)
    if u.startswith("share") or "index" in u:
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


class Progress:
    """What ``compare`` is doing, on stderr once it has taken more than two seconds (tqdm; off when quiet)."""

    def __init__(self, total: int, quiet: bool = False):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc="compare", unit="step", delay=2.0, disable=quiet, file=sys.stderr,
                        dynamic_ncols=True, bar_format="{desc}: {n}/{total} {postfix}[{elapsed}]")

    def __call__(self, done: str) -> None:
        self.bar.set_postfix_str(done, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def run(path: Path | str, *, reference: str | None = None, metrics: list[str] | None = None,
        out: Path | None = None, n_boot: int = 2000, quiet: bool = True) -> Report:
    """Tables and figures of a finished sweep, written to ``out`` (default ``RESULTS/compare``)."""
    from borderSim.experiments.analyse import figures

    if n_boot < 100:
        raise InputError("--bootstrap", str(n_boot), "must be at least 100 resamples")
    metrics = check_metrics(metrics)
    results = open_results(path)
    ref = reference_point(results, reference)
    if len(results.design) < 2:
        raise InputError("RESULTS", str(path), "has one design point; compare needs two or more")
    extra = [m for m in figures.heatmap_metrics(results) if m not in metrics]
    progress = Progress(6 + len(figures.heatmap_metrics(results)), quiet)
    try:
        table = outcomes(results, metrics + extra)
        desc = describe(results, metrics, table)
        progress("outcomes")
        con_all = contrasts(results, ref, metrics + extra, n_boot=n_boot, seed=results.manifest["seed"] % 2**32,
                            table=table)
        con = con_all[con_all["metric"].isin(metrics)].reset_index(drop=True)
        progress("bootstrap")
        ref_label = results.design.loc[results.design["point"] == ref, "label"].iloc[0]
        text = markdown(desc, con, ref_label, results.manifest["replicates"])
        summary = summary_table(con, desc, ref, metrics[:5])
        with folder.written(out or Path(path) / "compare", replaceable=MARKER) as (claim, tmp):
            desc.to_csv(tmp / "outcomes.csv", index=False)
            con.to_csv(tmp / "contrasts.csv", index=False)
            (tmp / "contrasts.md").write_text(text, encoding="utf-8")
            (tmp / "table.md").write_text(summary, encoding="utf-8")
            made, notes = figures.compare_figures(results, con_all, ref, metrics, tmp, tick=progress)
            folder.write_json(tmp / MARKER, {"results": str(Path(path).resolve()), "reference": ref_label,
                                             "metrics": metrics, "bootstrap": n_boot, "figures": made,
                                             "notes": notes})
    finally:
        progress.close()
    return Report(claim.out, summary + "\n" + "\n".join(notes), con, desc, made, notes)


def read_report(path: Path) -> dict:
    return json.loads((path / MARKER).read_text(encoding="utf-8"))
