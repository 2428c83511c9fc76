"""Compare the calibrated model with the record; writes the tables of docs/validation.md.

    python experiments/validation.py [--replicates N]

Runs on the vectorised core with fixed seeds, so the tables are reproducible. The record's figures
are those of the shared facts.md (sources named there). The record replayed (``hindcast_2021``) is
summarised by calendar period: 2021-2022 is what the calibration fits, 2023 to the treaty of 13 March
2025 is out of sample (never fitted); the baseline (warm-started from the replay) by year over four years.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from borderSim.core.run import run_rows
from borderSim.schema.scenarios import load_scenario

DOC = Path(__file__).resolve().parents[1] / "docs" / "validation.md"
BEGIN, END = "<!-- BEGIN GENERATED (experiments/validation.py) -->", "<!-- END GENERATED -->"
SEED = 2021

EPISODES = {
    "april_2021": {"deaths_KG": "36", "deaths_TJ": "19 (6 soldiers)", "deaths_civilian": "most of the KG dead",
                   "wounded_total": "270-277", "displaced_peak_KG": "~40,600", "displaced_peak_TJ": "~15,000",
                   "homes_destroyed_KG": "~120", "homes_destroyed_TJ": "14", "days_rung5plus": "4"},
    "september_2022": {"deaths_KG": "59-63", "deaths_TJ": "41", "deaths_civilian": "37-51 (HRW)",
                       "wounded_total": "169-333", "displaced_peak_KG": "136,000-142,000",
                       "displaced_peak_TJ": "> 2,000", "homes_destroyed_KG": "613", "homes_destroyed_TJ": "-",
                       "days_rung5plus": "7 (with a brief ceasefire)"},
}


HINDCAST_START = dt.date(2021, 1, 1)
HINDCAST_DAYS = 1532   # to 13 March 2025, the treaty's signing


def _days(first: dt.date, last: dt.date, start: dt.date = HINDCAST_START) -> tuple[int, int]:
    """Days of a run from ``start`` covering the dates ``first`` .. ``last`` (day d is start + d)."""
    return max(1, (first - start).days), (last - start).days


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


#: Parts of the replay: the fitted years, the year before the 2022 war, and the out-of-sample years with the
#: record's demarcation milestones as period ends.
PERIODS = {
    "2021": ("2021-01-01", "2021-12-31"), "2022": ("2022-01-01", "2022-12-31"),
    "before_war": ("2021-09-14", "2022-09-13"), "after_war": ("2022-09-21", "2025-03-13"),
    "2023": ("2023-01-01", "2023-12-31"), "2024": ("2024-01-01", "2024-12-31"), "2025": ("2025-01-01", "2025-03-13"),
    "to_aug_2023": ("2023-01-01", "2023-08-31"),
}


def replay(n: int):
    """The replay over its whole window, summarised by period (``Chunk.periods``)."""
    params = load_scenario("hindcast_2021").params
    periods = {k: _days(_d(a), _d(b)) for k, (a, b) in PERIODS.items()}
    return run_rows(params, np.arange(n), seed=SEED, days=HINDCAST_DAYS, periods=periods).periods


def _q(x: pd.Series) -> str:
    x = x.dropna()
    if x.empty:
        return "-"
    q = x.quantile([0.1, 0.5, 0.9])
    return f"{q[0.5]:,.0f} ({q[0.1]:,.0f}-{q[0.9]:,.0f})"


def replay_tables(n: int) -> list[str]:
    p = replay(n)
    by = {k: g.reset_index(drop=True) for k, g in p.groupby("period")}
    both = (by["2021"].major_episodes > 0) & (by["2022"].major_episodes > 0)
    share = lambda s: f"{s.mean():.2f}"  # noqa: E731
    ended = lambda g: (g.ceasefires_survived.sum() / max(g.ceasefires_survived.sum() + g.ceasefires_broken.sum(),  # noqa: E731
                                                          1))
    fitted = [
        ("a major clash (rung 5+) in 2021", "yes (28 Apr - 1 May)", share(by["2021"].major_episodes > 0)),
        ("a major clash in 2022", "yes (14-20 Sep)", share(by["2022"].major_episodes > 0)),
        ("**a major clash in 2021 and another in 2022** (the record's sequence)", "yes", f"**{both.mean():.2f}**"),
        ("major episodes a year, 2021-2022", "1",
         f"{(by['2021'].major_episodes + by['2022'].major_episodes).mean() / 2:.2f}"),
        ("day of the year of the first major clash, 2021", "118 (28 Apr)", _q(by["2021"].first_day_rung5)),
        ("day of the year of the first major clash, 2022", "257 (14 Sep)", _q(by["2022"].first_day_rung5)),
        ("clashes with deaths, 14 Sep 2021 - 13 Sep 2022", "4", f"{by['before_war'].deadly_clashes.mean():.2f}"),
        ("border agreed on 13 Sep 2022 (share of ~975 km)", "0.53 (519 km)",
         f"{by['before_war'].demarcated_share_final.median():.2f}"),
        ("share of ended ceasefires that held 30 days, 2021-22", "about 2 of 3",
         f"{(ended(by['2021']) + ended(by['2022'])) / 2:.2f}"),
    ]
    lines = ["### The record replayed: 2021-2022 (fitted)", "",
             f"`hindcast_2021`, {n:,} replicates from 1 January 2021 (seed {SEED}); median (10-90 %) where a "
             "distribution is shown, shares of replicates otherwise.", "",
             "| quantity | record | model |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in fitted]
    after = by["after_war"]
    out = [
        ("major clashes, 2023", "0", f"{by['2023'].major_episodes.mean():.2f} a replicate; P(any) "
         f"{share(by['2023'].major_episodes > 0)}"),
        ("major clashes, 2024", "0",
         f"{by['2024'].major_episodes.mean():.2f}; P(any) {share(by['2024'].major_episodes > 0)}"),
        ("major clashes, 1 Jan - 13 Mar 2025", "0", f"{by['2025'].major_episodes.mean():.2f}; P(any) "
         f"{share(by['2025'].major_episodes > 0)}"),
        ("clashes with deaths, 21 Sep 2022 - 13 Mar 2025", "0", f"{after.deadly_clashes.mean():.2f} a replicate; "
         f"P(none) {share(after.deadly_clashes == 0)}"),
        ("deaths, 21 Sep 2022 - 13 Mar 2025", "0", _q(after.deaths_total)),
        ("border agreed on 31 Aug 2023", "0.68 (664 km)", f"{by['to_aug_2023'].demarcated_share_final.median():.2f} "
         f"(P(>= 0.68) {share(by['to_aug_2023'].demarcated_share_final >= 0.68 - 1e-9)})"),
        ("border agreed on 31 Dec 2023", "over 0.9", f"{by['2023'].demarcated_share_final.median():.2f} "
         f"(P(>= 0.9) {share(by['2023'].demarcated_share_final >= 0.9 - 1e-9)})"),
        ("border agreed on 31 Dec 2024", "1 (all)", f"{by['2024'].demarcated_share_final.median():.2f} "
         f"(P(all) {share(by['2024'].demarcated_share_final >= 1 - 1e-9)})"),
        ("border agreed on 13 Mar 2025 (the treaty)", "1 (all)", f"{by['2025'].demarcated_share_final.median():.2f} "
         f"(P(all) {share(by['2025'].demarcated_share_final >= 1 - 1e-9)})"),
    ]
    lines += ["", "### Out of sample: 21 September 2022 to the treaty of 13 March 2025 (never fitted)", "",
              "The same replicates, continued under the record's calendar. Nothing after 2022 is in the "
              "calibration.", "", "| quantity | record | model |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in out]
    return lines


def baseline_by_year(n: int) -> list[str]:
    """The baseline (warm-started on 1 Jan 2022 from the replay of 2021) over four years, by year."""
    params = load_scenario("baseline").params
    start = params.simulation.start_date
    years = {str(start.year + k): _days(dt.date(start.year + k, 1, 1), dt.date(start.year + k, 12, 31), start)
             for k in range(4)}
    days = max(b for _, b in years.values())
    p = run_rows(params, np.arange(n), seed=SEED, days=days, periods=years).periods
    lines = ["### The baseline over four years, by year", "",
             f"`baseline`, {n:,} replicates of 1,460 days from 1 January 2022, each started from the state the "
             f"replay of 2021 reached (seed {SEED}); onsets are entries of an episode into rung 5.", "",
             "| year | P(major clash) | major episodes a replicate | clashes with deaths | deaths | first major "
             "clash: day of the year, median | border agreed at the end |", "|---|---|---|---|---|---|---|"]
    for name, g in p.groupby("period", sort=False):
        lines.append(f"| {name} | {(g.major_episodes > 0).mean():.2f} | {g.major_episodes.mean():.2f} | "
                     f"{g.deadly_clashes.mean():.2f} | {g.deaths_total.mean():.0f} | "
                     f"{g.first_day_rung5.median():.0f} | {g.demarcated_share_final.median():.2f} |")
    return lines


def episodes_by_peak(params, n: int, days: int) -> dict:
    """Frequencies per year of episodes by their peak rung (episodes as the model records them)."""
    s = run_rows(params, np.arange(n), seed=SEED, days=days).summary
    years = n * days / 365
    ended = s.ceasefires_survived.sum() + s.ceasefires_broken.sum()
    return {
        "episodes reaching a standoff (3+) per year": s.episodes.sum() / years,
        "episodes reaching a clash (4+) per year": s.episodes_rung4plus.sum() / years,
        "episodes reaching a major clash (5+) per year": s.major_episodes.sum() / years,
        "episodes reaching sustained war (6) per year": s.episodes_rung6.sum() / years,
        "share of replicates with a major clash within 730 days": s.reached_rung5.mean(),
        "days at rung 5+ per major episode": s.days_rung5plus.sum() / max(s.major_episodes.sum(), 1),
        "share of days at rung 2+": s.days_rung2plus.sum() / (n * days),
        "village incidents per year": s.incidents_total.mean() / (days / 365),
        "share of ended ceasefires that held 30 days": s.ceasefires_survived.sum() / max(ended, 1),
    }


def episode_table(name: str, n: int) -> pd.DataFrame:
    params = load_scenario(name).params.with_updates({"simulation.days": 30}, "validation")
    s = run_rows(params, np.arange(n), seed=SEED, days=30).summary
    major = s[s.reached_rung5]
    rows = []
    for col, rec in EPISODES[name].items():
        q = major[col].quantile([0.1, 0.5, 0.9])
        rows.append({"outcome": col, "record": rec, "model median": f"{q[0.5]:,.0f}",
                     "model 10-90 %": f"{q[0.1]:,.0f} - {q[0.9]:,.0f}"})
    out = pd.DataFrame(rows)
    out.attrs["p5"] = s.reached_rung5.mean()
    out.attrs["n"] = len(major)
    return out


def demarcation(n: int) -> dict:
    params = load_scenario("september_2022").params.with_updates({"simulation.days": 900}, "validation")
    r = run_rows(params, np.arange(n), seed=SEED, days=900, record=["demarcated_share"])
    d = r.series[:, :, 0]

    def first(th):
        hit = d >= th - 1e-9
        t = np.where(hit.any(axis=0), hit.argmax(axis=0), np.nan)
        return np.nanmedian(t) if np.isfinite(t).any() else np.nan, np.isfinite(t).mean()

    return {"90": first(0.9), "100": first(1.0)}


def markdown(n: int) -> str:
    base = load_scenario("baseline").params
    freq = episodes_by_peak(base, n, 730)
    lines = [f"_Generated by `python experiments/validation.py --replicates {n}` (seed {SEED})._", "",
             *replay_tables(n * 2), "", *baseline_by_year(n * 2), "",
             "### Baseline frequencies (730 days)", "", "| quantity | model | record |", "|---|---|---|"]
    record = {
        "episodes reaching a clash (4+) per year": "about 4 (four deadly clashes in the year before Sept 2022)",
        "episodes reaching a major clash (5+) per year": "about 1 (two in 2021-2022)",
        "episodes reaching sustained war (6) per year": "0",
        "share of replicates with a major clash within 730 days": "'some but not all' (issue); history: yes",
        "days at rung 5+ per major episode": "4 (2021), 7 with a brief ceasefire (2022)",
        "share of ended ceasefires that held 30 days": "about 2 of 3 (2021: 1 of 1; 2022: 1 of 2)",
    }
    for k, v in freq.items():
        lines.append(f"| {k} | {v:.3g} | {record.get(k, '-')} |")
    for name in EPISODES:
        t = episode_table(name, n * 4)
        lines += ["", f"### {name}: replicates reaching rung 5 within 30 days "
                  f"({t.attrs['n']} of {n * 4}; P = {t.attrs['p5']:.2f})", "",
                  "| outcome | record | model median | model 10-90 % |", "|---|---|---|---|"]
        lines += [f"| {r.outcome} | {r.record} | {r['model median']} | {r['model 10-90 %']} |"
                  for _, r in t.iterrows()]
    dm = demarcation(n)
    lines += ["", "### Demarcation after the September 2022 war (900 days)", "",
              "| milestone | record | model: median day (share of replicates reaching it) |", "|---|---|---|",
              f"| 90 % of the border agreed | December 2023 (~470 days) | {dm['90'][0]:.0f} ({dm['90'][1]:.2f}) |",
              f"| whole border agreed | December 2024 (~830 days) | {dm['100'][0]:.0f} ({dm['100'][1]:.2f}) |"]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=500)
    args = ap.parse_args()
    text = DOC.read_text(encoding="utf-8")
    start, stop = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOC.write_text(text[:start] + "\n" + markdown(args.replicates) + text[stop:], encoding="utf-8")
    print(f"updated {DOC}")


if __name__ == "__main__":
    main()
