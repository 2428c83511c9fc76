"""What a sweep's kept daily series say: the daily share of replicates at or above each rung, the ceasefire
spells of each replicate and their Kaplan-Meier survival (drawn by :mod:`borderSim.experiments.analyse.figures`).

Ceasefire durations are derived from the recorded daily ``ceasefire`` series of each replicate (a spell that
ends before the durable mark ends by breakdown; one that reaches it, or the horizon, is censored), read one
chunk file at a time; the survival curves carry pointwise 95 % bands (Greenwood's variance on the log-log
scale).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from borderSim.experiments.evaluate.store import Results

Z95 = 1.959963984540054


def rung_shares(results: Results, column: str = "level") -> pd.DataFrame | None:
    """Daily share of replicates at or above each rung, per point (columns ``ge1`` .. ``ge6``, index point and
    day), from the sweep's stored daily statistics; None if the sweep stored none."""
    q = results.quantiles()
    if q is None or column not in q.columns:
        return None
    q = q[q["statistic"].astype(str).str.startswith("ge")]
    if q.empty:
        return None
    return q.pivot_table(index=["point", "day"], columns="statistic", values=column, observed=True).sort_index()


def ceasefire_spells(series: pd.DataFrame, durable: dict[int, int]) -> pd.DataFrame:
    """Ceasefire spells of each replicate: point, replicate, days in force, broken (else censored).

    ``series`` holds point, replicate, day and ceasefire (in force when > 0); a spell that ends before the
    replicate's last day after fewer than ``durable[point]`` days was broken."""
    f = series.sort_values(["point", "replicate", "day"], kind="stable")
    point, rep = f["point"].to_numpy(np.int64), f["replicate"].to_numpy(np.int64)
    on = f["ceasefire"].to_numpy() > 0
    return _spells(point, rep, on, durable)


def _spells(point: np.ndarray, rep: np.ndarray, on: np.ndarray, durable: dict[int, int]) -> pd.DataFrame:
    """Spells of ``on`` within runs of equal (point, replicate), rows in day order (work on the days in force)."""
    idx = np.flatnonzero(on)
    if len(idx) == 0:
        return pd.DataFrame({"point": np.zeros(0, np.int64), "replicate": np.zeros(0, np.int64),
                             "days": np.zeros(0, np.int64), "broken": np.zeros(0, bool)})
    n = len(on)
    prev, nxt = np.maximum(idx - 1, 0), np.minimum(idx + 1, n - 1)
    first = (idx == 0) | (point[prev] != point[idx]) | (rep[prev] != rep[idx])     # first day of its replicate
    last = (idx == n - 1) | (point[nxt] != point[idx]) | (rep[nxt] != rep[idx])    # last day of its replicate
    starts = idx[first | ~on[prev]]
    end_at = last | ~on[nxt]
    ends, censored = idx[end_at], last[end_at]             # the spell's last day (inclusive); at the horizon?
    days = ends - starts + 1
    marks = np.array([durable[int(p)] for p in np.unique(point[starts])])
    mark = marks[np.searchsorted(np.unique(point[starts]), point[starts])]
    return pd.DataFrame({"point": point[starts], "replicate": rep[starts], "days": days,
                         "broken": ~censored & (days < mark)})


def _durable_marks(results: Results) -> dict[int, int]:
    d = results.design
    base = int(results.manifest["base_parameters"]["border.ceasefire_durable_days"])
    own = d["border.ceasefire_durable_days"] if "border.ceasefire_durable_days" in d else pd.Series([base] * len(d))
    return {int(p): int(v) for p, v in zip(d["point"], own, strict=True)}


def read_spells(results: Results, batch_rows: int = 1 << 18) -> pd.DataFrame | None:
    """Every ceasefire spell of the sweep's kept series, streamed in batches of a few columns (a replicate's
    days may straddle two batches: its rows wait for the next one)."""
    import pyarrow.parquet as pq

    folder = results.path / "series"
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not files or "ceasefire" not in pq.read_schema(files[0]).names:
        return None
    durable = _durable_marks(results)
    frames, held = [], None
    for f in files:
        pf = pq.ParquetFile(f)
        for batch in pf.iter_batches(batch_size=batch_rows, columns=["point", "replicate", "day", "ceasefire"]):
            cols = [batch.column(i).to_numpy() for i in range(4)]
            if held is not None:
                cols = [np.concatenate([h, c]) for h, c in zip(held, cols, strict=True)]
            point, rep, day = cols[:3]
            if not np.all((point[1:] > point[:-1]) | ((point[1:] == point[:-1]) & (
                    (rep[1:] > rep[:-1]) | ((rep[1:] == rep[:-1]) & (day[1:] > day[:-1]))))):
                raise ValueError(f"{f}: daily series not in (point, replicate, day) order")
            change = np.flatnonzero((point[1:] != point[:-1]) | (rep[1:] != rep[:-1]))
            cut = change[-1] + 1 if len(change) else 0        # the last replicate may go on in the next batch
            frames.append(_spells(point[:cut], rep[:cut], cols[3][:cut] > 0, durable))
            held = [c[cut:] for c in cols]
        if held is not None:                                  # files end with whole replicates
            frames.append(_spells(held[0], held[1], held[3] > 0, durable))
            held = None
    return pd.concat(frames, ignore_index=True)


def kaplan_meier(days: np.ndarray, broken: np.ndarray) -> pd.DataFrame:
    """Kaplan-Meier estimate of the share still holding after each breakdown time, with Greenwood's
    pointwise 95 % band on the log-log scale: columns time, survival, low, high, at_risk."""
    days, broken = np.asarray(days), np.asarray(broken, dtype=bool)
    times, events = np.unique(days[broken], return_counts=True)
    at_risk = len(days) - np.searchsorted(np.sort(days), times, side="left")
    surv = np.cumprod(1.0 - events / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(events / (at_risk * (at_risk - events).astype(float)))
        se = np.sqrt(greenwood) / np.abs(np.log(surv))
        low, high = surv ** np.exp(Z95 * se), surv ** np.exp(-Z95 * se)
    low, high = np.where(surv > 0, low, 0.0), np.where(surv > 0, high, 0.0)
    return pd.DataFrame({"time": times, "survival": surv, "low": np.nan_to_num(low, nan=surv),
                         "high": np.nan_to_num(high, nan=surv), "at_risk": at_risk})
