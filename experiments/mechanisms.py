"""Each mechanism's paired effect in the baseline: switched off (or a lever switched on), one at a time.

    python experiments/mechanisms.py [--replicates 2000] [--days 730] [--seed 777] [--out FILE.md]

Every case runs the same replicate indices as the baseline (common random numbers), so each cell is a
mean paired difference with its size in standard errors of that difference. The cases are those of the
first audit of the mechanisms (mapped to the current parameter names: the one Western mediator became the OSCE, the
EU and the US) plus the mechanisms added since. A case that only acts when something the baseline lacks is
under way (a mediator mediating) is a pair (context, updates): its reference is the baseline with the
context, and the row says so. The baseline starts from the replay of 2021 (a warm start): a model
parameter acts in the replay too, a lever from the baseline's day 0. Prints a markdown table (and writes it
with ``--out``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from borderSim.core.run import run_rows
from borderSim.schema import Shock
from borderSim.schema.scenarios import load_scenario

BASE = load_scenario("baseline").params


def both(key: str, value) -> dict:
    return {f"tajikistan.{key}": value, f"kyrgyzstan.{key}": value}


CRACKDOWN = Shock(date=BASE.simulation.start_date + dt.timedelta(days=200), side="tajikistan", kind="unrest",
                  size=0.25, half_life_days=120, event="a Tajik crackdown on day 200", source="mechanism table")

CSTO = {"russia.mediation_propensity": 0.6}   # Russia offering in every episode, as in csto_mediation

#: case -> parameter updates on the baseline, or (context, updates): the audit's cases first, in its order.
CASES: dict[str, dict | tuple[dict, dict]] = {
    "diversion off": both("diversion_weight", 0.0),
    "legitimacy -0.2": both("legitimacy", 0.4),
    "legitimacy +0.2": both("legitimacy", 0.8),
    "death cost off": both("death_cost", 0.0),
    "death cost x5": {"tajikistan.death_cost": 0.0025, "kyrgyzstan.death_cost": 0.01},
    "rally jump off": both("rally_jump", 0.0),
    "KG protest pull off": {"kyrgyzstan.protest_hawkishness": 0.0},
    "succession pull off": {"tajikistan.succession_effect": 0.0},
    "audience costs off": both("audience_weight", 0.0),
    "superiority off": both("superiority_weight", 0.0),
    "patron backing off": both("patron_weight", 0.0),
    "war-weariness/ripeness off": {"border.ripeness_weight": 0.0},
    "involuntary escalation off": {"border.involuntary_escalation": 0.0},
    "season off": {"border.season_amplitude": 0.0},
    "talks off": {"border.negotiation_rate": 0.0},
    "Russia mediation off": {"russia.mediation_propensity": 0.0},
    "Russia remittance leverage off": {"russia.remittance_leverage": 0.0},
    "Russia ceasefire effect off": {"russia.ceasefire_effect": 0.0},
    "China pressure on (0.8)": {"china.pressure_propensity": 0.8},
    "EU facilitative (w 0.5)": {"eu.willingness": 0.5},
    "US manipulative (w 0.5)": {"us.willingness": 0.5},
    "EU facilitative, timing dip off": {"eu.willingness": 0.5, "border.timing_dip": 0.0},
    # added with the dated shocks and the mediators' styles
    "dated shocks off": both("shock_scale", 0.0),
    "a Tajik crackdown shock (day 200)": {"domestic.shocks": (*BASE.domestic.shocks, CRACKDOWN)},
    "diversion peak 0.5 (old hump's peak)": both("diversion_peak", 0.5),
    "rally anticipation off": both("rally_anticipation", 0.0),
    "casualty aversion off": both("casualty_aversion", 0.0),
    "KG protest casualty weight off": {"kyrgyzstan.protest_casualty": 0.0},
    "KG protest off (no pull, no casualty weight)": {"kyrgyzstan.protest_casualty": 0.0,
                                                     "kyrgyzstan.protest_hawkishness": 0.0},
    "acceptance by unrest off (Russia offering, vs csto context)": (CSTO, both("accept_unrest", 0.0)),
    "KG protest bias aversion off (Russia offering, vs csto context)": (
        CSTO, {"kyrgyzstan.protest_bias_aversion": 0.0}),
    "fortification off (national balance)": both("fortification", 0.0),
    "Russia arms leverage off": {"russia.arms_leverage": 0.0},
    "Russia leverage off (remittances and arms)": {"russia.remittance_leverage": 0.0, "russia.arms_leverage": 0.0},
    "Russia flank aversion off": {"russia.flank_aversion": 0.0},
    "Russia keep-out off (EU w 0.5, vs EU context)": ({"eu.willingness": 0.5},
                                                      {"russia.keep_out": 0.0, "russia.keep_out_pressure": 0.0}),
    "China pressure (china_pressure scenario)": {"china.pressure_propensity": 0.15},
    "China restrains (variant scenario)": {"china.pressure_propensity": 0.8, "china.pressure_threshold": 4,
                                           "china.pressure_strength": 3.0},
    "OSCE facilitative (w 0.5)": {"osce.willingness": 0.5},
    "EU mid-span entry (w 0.5, delay 15)": {"eu.willingness": 0.5, "eu.delay_days": 15},
    "US manipulative, fragility 0 (w 0.5)": {"us.willingness": 0.5, "mediation.manipulative_fragility": 0.0},
    "US manipulative, fragility 3 (w 0.5)": {"us.willingness": 0.5, "mediation.manipulative_fragility": 3.0},
    "US facilitative (w 0.5)": {"us.willingness": 0.5, "us.style": "facilitative"},
    # added with the fronts, the ceasefires and the status quo
    "war-weariness off": {"border.war_weariness": 0.0},
    "talks' ripeness off": {"border.talks_ripeness": 0.0},
    "ceasefire ageing off (a break returns to the rung it stopped)": {"border.ceasefire_memory_days": 3650.0},
    "front spread off (the origin segment only)": {"border.front_spread_rate": 0.0, "border.second_front_rate": 0.0},
    "second front off": {"border.second_front_rate": 0.0},
    "hold-out under unrest off": {"border.ceasefire_unrest_lock": 0.0},
    # added with the record replayed
    "any war ripens the talks (ripeness threshold 0)": {"border.ripeness_threshold": 0.0},
    "firepower off (harm does not grow with capability)": {"border.firepower_elasticity": 0.0},
    "shoot-outs harmless": {"communities.gunfire_lethality": 0.0},
    "costlier fighting, sturdier ceasefires off": {"border.ceasefire_cost_durability": 0.0},
    "KG protest as unrest off": {"kyrgyzstan.protest_unrest": 0.0},
    "no preparation needed for a major offensive": {"border.unprepared_cost": 0.0},
    "Russia not distracted (no dated change of its attention)": {
        "calendar.changes": tuple(c for c in BASE.calendar.changes if c.parameter != "russia.attention")},
    "no dated arms deliveries (TB2s, Ababil-2 plant)": {
        "calendar.changes": tuple(c for c in BASE.calendar.changes if not c.parameter.endswith("arms_inflow"))},
    "cold start (the hand-set day 0, no replay of 2021)": {"simulation.warm_start": "none"},
}

OUTCOMES = {
    "P(major clash)": "reached_rung5",
    "major episodes": "major_episodes",
    "deadly clashes": "deadly_clashes",
    "deaths": "deaths_total",
    "KG displaced peak": "displaced_peak_KG",
    "TJ escalations": "escalations_TJ",
    "KG escalations": "escalations_KG",
    "Russian acceptances": "russia_acceptances",
}


def table(replicates: int, days: int, seed: int) -> tuple[dict[str, float], pd.DataFrame]:
    reps = np.arange(replicates)
    refs: dict[tuple, pd.DataFrame] = {}

    def reference(context: dict) -> pd.DataFrame:
        key = tuple(sorted(context.items()))
        if key not in refs:
            refs[key] = run_rows(BASE.with_updates(context, "context"), reps, seed=seed, days=days).summary
        return refs[key]

    ref = reference({})
    rows = []
    for name, case in tqdm(CASES.items(), desc="mechanisms", unit="case"):
        context, updates = case if isinstance(case, tuple) else ({}, case)
        base = reference(context)
        s = run_rows(BASE.with_updates({**context, **updates}, name), reps, seed=seed, days=days).summary
        row = {"mechanism": name}
        for label, column in OUTCOMES.items():
            d = s[column].to_numpy(float) - base[column].to_numpy(float)
            se = d.std(ddof=1) / np.sqrt(replicates)
            row[label] = f"{d.mean():+.3g} ({d.mean() / se if se > 0 else 0:+.1f} se)"
        rows.append(row)
    means = {label: float(ref[column].mean()) for label, column in OUTCOMES.items()}
    return means, pd.DataFrame(rows)


def markdown(means: dict[str, float], t: pd.DataFrame, replicates: int, days: int, seed: int) -> str:
    head = (f"Baseline means ({replicates:,} replicates x {days} days, seed {seed}): "
            + ", ".join(f"{k} {v:.4g}" for k, v in means.items()) + ".\n\n")
    lines = ["| " + " | ".join(t.columns) + " |", "|" + "---|" * len(t.columns)]
    lines += ["| " + " | ".join(map(str, r)) + " |" for r in t.itertuples(index=False)]
    return head + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=2000)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--seed", type=int, default=777)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    means, t = table(a.replicates, a.days, a.seed)
    text = markdown(means, t, a.replicates, a.days, a.seed)
    sys.stdout.write(text)
    if a.out is not None:
        tmp = a.out.with_suffix(a.out.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
