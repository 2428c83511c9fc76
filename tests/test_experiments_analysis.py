"""compare, sensitivity and discover against known answers; Mesa's batch runner over BorderModel.

Seeds are fixed, so every number here is deterministic; the assertions are about structure that holds
for any seed (a scenario identical to the reference differs by exactly zero; a parameter the model
never reads has Sobol and Morris indices of exactly zero under common random numbers) or about
margins far outside the replicate noise (stated where used).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from borderSim.cli.main import main
from borderSim.experiments.analyse import compare, discover, figures, sensitivity
from borderSim.experiments.analyse.series import ceasefire_spells, kaplan_meier, rung_shares
from borderSim.experiments.evaluate.store import open_results
from borderSim.experiments.evaluate.sweep import run_sweep

# the module's fixtures are built once: its tests run on one worker (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("experiments_analysis")


def sweep(tmp: Path, name: str, text: str) -> Path:
    (tmp / f"{name}.toml").write_text(text)
    out = tmp / name
    run_sweep(tmp / f"{name}.toml", out)
    return out


@pytest.fixture(scope="module")
def mediation(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("compare")
    (tmp / "same.toml").write_text('description = "the baseline again"\nextends = "baseline"\n')
    return sweep(tmp, "mediation", """
description = "baseline, a copy of it, and OSCE mediation"
scenarios = ["baseline", "same.toml", "osce_facilitative"]
reference = "baseline"
replicates = 300
days = 365
seed = 11
[keep]
quantiles = ["level"]
series = ["ceasefire"]
""")


def test_compare_writes_tables_and_figures(mediation, capsys):
    assert main(["compare", str(mediation), "--bootstrap", "500"]) == 0
    out = mediation / "compare"
    names = {p.name for p in out.iterdir()}
    assert {"forest.png", "distributions.png", "ladder_shares.png", "ceasefire_survival.png", "contrasts.csv",
            "contrasts.md", "outcomes.csv", "table.md", "compare.json"} <= names
    printed = capsys.readouterr().out
    assert "| baseline (reference) |" in printed and "osce_facilitative" in printed
    # run again with other metrics: the earlier analysis is replaced, nothing else touched
    assert main(["compare", str(mediation), "--metrics", "deaths_total", "--bootstrap", "500"]) == 0
    assert pd.read_csv(out / "contrasts.csv")["metric"].unique().tolist() == ["deaths_total"]


def test_identical_scenario_differs_by_exactly_zero(mediation):
    results = open_results(mediation)
    con = compare.contrasts(results, 0, ["reached_rung5", "deaths_KG"], n_boot=500)
    same = con[con["label"] == "same"]
    assert (same[["difference", "paired_low", "paired_high"]].to_numpy() == 0).all()
    desc = compare.describe(results, ["deaths_KG"])
    by_hand = results.summary.loc[results.summary["point"] == 2, "deaths_KG"].mean()
    assert desc.loc[desc["point"] == 2, "mean"].item() == pytest.approx(by_hand, rel=1e-12)


def test_paired_interval_narrower_than_unpaired(mediation):
    """Common random numbers correlate the two samples, so the paired interval is the narrower one (here
    by about a third for every outcome: far more than the bootstrap's own wobble of a few per cent at
    1,000 resamples; seeded, so deterministic). A copy of the reference has a paired interval of width 0."""
    results = open_results(mediation)
    con = compare.contrasts(results, 0, ["reached_rung5", "deaths_KG", "days_rung5plus"], n_boot=1000)
    osce = con[con["label"] == "osce_facilitative"]
    paired = osce["paired_high"] - osce["paired_low"]
    unpaired = osce["unpaired_high"] - osce["unpaired_low"]
    assert (paired < 0.85 * unpaired).all(), osce
    assert (osce["paired_low"] <= osce["difference"]).all() and (osce["difference"] <= osce["paired_high"]).all()
    same = con[con["label"] == "same"]
    assert ((same["paired_high"] - same["paired_low"]) == 0).all() and (same["unpaired_high"] > 0).all()


def test_vectorised_bootstrap_draws_scipys_resamples(mediation):
    """One matrix of resampling counts for every outcome and point gives, for outcomes defined in every
    replicate, exactly the paired percentile interval of scipy.stats.bootstrap with the same seed (the same
    resamples; the means differ only by summation order)."""
    from scipy.stats import bootstrap

    results = open_results(mediation)
    con = compare.contrasts(results, 0, ["deaths_KG", "days_rung5plus"], n_boot=400, seed=5).set_index(
        ["label", "metric"])
    s = results.summary
    for metric in ("deaths_KG", "days_rung5plus"):
        a = s.loc[s["point"] == 0, metric].to_numpy(float)
        b = s.loc[s["point"] == 2, metric].to_numpy(float)
        ci = bootstrap((b, a), lambda x, y, axis=-1: x.mean(axis) - y.mean(axis), paired=True, vectorized=True,
                       n_resamples=400, method="percentile", rng=np.random.default_rng(5)).confidence_interval
        row = con.loc[("osce_facilitative", metric)]
        assert (row["paired_low"], row["paired_high"]) == pytest.approx((ci.low, ci.high), rel=1e-9, abs=1e-12)


def test_undefined_outcomes_are_left_out_of_each_resample(mediation):
    """Ceasefire survival is NaN where no ceasefire ended: the estimate and every resampled mean use the
    defined replicates only, so the interval brackets the estimate and stays inside the outcome's range."""
    results = open_results(mediation)
    con = compare.contrasts(results, 0, ["ceasefire_survival"], n_boot=500, seed=2)
    assert results.summary["ceasefire_survival"].isna().any()
    for _, r in con.iterrows():
        assert r["paired_low"] <= r["difference"] <= r["paired_high"]
        assert r["paired_low"] >= -1 and r["paired_high"] <= 1 and 0 < r["pairs"] < 300


def test_kaplan_meier_matches_statsmodels():
    """The survival curves' estimator (numpy) against statsmodels' SurvfuncRight: the same estimate and
    Greenwood standard error; the band holds the estimate."""
    survfunc = pytest.importorskip("statsmodels.duration.survfunc")
    rng = np.random.default_rng(3)
    days, broken = rng.integers(1, 30, 400), rng.random(400) < 0.7
    km = kaplan_meier(days, broken)
    sf = survfunc.SurvfuncRight(days.astype(float), broken.astype(int))
    np.testing.assert_allclose(km["time"], sf.surv_times)
    np.testing.assert_allclose(km["survival"], sf.surv_prob, rtol=1e-12)
    events = np.unique(days[broken], return_counts=True)[1]
    se = km["survival"] * np.sqrt(np.cumsum(events / (km["at_risk"] * (km["at_risk"] - events))))
    np.testing.assert_allclose(se, sf.surv_prob_se, rtol=1e-10)
    assert (km["low"] <= km["survival"]).all() and (km["survival"] <= km["high"]).all()


def test_the_sweep_stores_the_daily_share_at_each_rung(tmp_path):
    """quantiles.parquet holds, for the ladder, the share of replicates at or above each rung on each day;
    it equals the share counted from the replicates' own daily series."""
    out = sweep(tmp_path, "ladder", """
description = "ladder shares"
scenarios = ["baseline", "osce_facilitative"]
replicates = 60
days = 90
[keep]
quantiles = ["level", "displaced"]
series = ["level"]
""")
    results = open_results(out)
    shares = rung_shares(results)
    level = results.series(["level"])
    for k in (1, 3, 5):
        counted = (level["level"] >= k).groupby([level["point"], level["day"]]).mean()
        np.testing.assert_array_equal(shares[f"ge{k}"].to_numpy(), counted.to_numpy())
    assert results.quantiles().query("statistic == 'ge1'")["displaced[KG]"].isna().all()   # rungs only
    report = compare.run(out, n_boot=200)
    assert "ladder_shares.png" in report.figures and not any("ladder" in n for n in report.notes)


def test_forest_plot_stays_readable_for_a_sixteen_point_grid(tmp_path):
    """Sixteen points and eleven outcomes: a figure under 2,600 px tall (it was 5,130) with every label."""
    from PIL import Image

    rows = []
    for p in range(1, 17):
        for m in compare.OUTCOMES:
            rows.append({"point": p, "label": f"willingness={p / 10:g}, delay_days={p}", "metric": m,
                         "reference_mean": 1.0, "mean": 0.9, "difference": -0.1, "paired_low": -0.15,
                         "paired_high": -0.05, "unpaired_low": -0.3, "unpaired_high": 0.1, "pairs": 100})
    figures.forest(pd.DataFrame(rows), "baseline", list(compare.OUTCOMES), tmp_path / "forest.png")
    with Image.open(tmp_path / "forest.png") as im:
        assert im.height < 2600 and im.width < 2400


def test_ceasefire_spells_from_daily_series():
    # durable mark 3: a spell of 2 days broken; one of 3 days survived (censored); one running to the horizon
    c = [0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1]
    frame = pd.DataFrame({"point": 0, "replicate": 0, "day": range(len(c)), "ceasefire": c})
    spells = ceasefire_spells(frame, {0: 3})
    assert spells[["days", "broken"]].values.tolist() == [[2, True], [3, False], [2, False]]
    # two replicates back to back: a spell never runs from one into the next
    two = pd.concat([frame, frame.assign(replicate=1, ceasefire=[1] * len(c))])
    assert ceasefire_spells(two, {0: 3})[["replicate", "days", "broken"]].values.tolist() == [
        [0, 2, True], [0, 3, False], [0, 2, False], [1, 11, False]]


@pytest.fixture(scope="module")
def saltelli(tmp_path_factory) -> Path:
    return sweep(tmp_path_factory.mktemp("sobol"), "sobol", """
description = "one lever that acts, one that is switched off (China never applies pressure in the baseline)"
replicates = 40
days = 365
[design]
kind = "sobol"
samples = 16
[axes]
"border.involuntary_escalation" = { low = 0.0, high = 0.1 }
"china.pressure_strength" = { low = 0, high = 10 }
""")


def test_sobol_indices_of_a_switched_off_lever_are_zero(saltelli):
    report = sensitivity.run(saltelli, metrics=["reached_rung5", "deaths_total"])
    t = report.table.set_index(["metric", "parameter"])
    off = t.xs("china.pressure_strength", level="parameter")
    assert np.abs(off[["S1", "ST", "S1_conf", "ST_conf"]].to_numpy()).max() < 1e-12
    on = t.xs("border.involuntary_escalation", level="parameter")
    assert (on["ST"] - on["ST_conf"] > 0.3).all()      # the acting lever is far from zero
    assert (report.out / "indices.png").exists()


def test_morris_screening_of_a_switched_off_lever_is_zero(tmp_path):
    out = sweep(tmp_path, "morris", """
description = "Morris screening"
replicates = 20
days = 200
[design]
kind = "morris"
samples = 6
[axes]
"border.involuntary_escalation" = { low = 0.0, high = 0.1 }
"china.pressure_strength" = { low = 0, high = 10 }
""")
    t = sensitivity.run(out, metrics=["reached_rung5"]).table.set_index("parameter")
    assert t.loc["china.pressure_strength", "mu_star"] == 0
    assert t.loc["border.involuntary_escalation", "mu_star"] > 0


@pytest.mark.slow
def test_prim_finds_the_parameter_that_decides(tmp_path):
    """Where neither government escalates of its own accord (a calm variant of the baseline: no choice to
    escalate, nothing unchosen), a major clash happens within three days only where the ladder starts at
    rung 4 or higher (4 itself: a major clash on some replicates); the other two axes do nothing (China
    never pressures, the West never mediates in the baseline)."""
    (tmp_path / "calm.toml").write_text('description = "no escalation of its own accord"\nextends = "baseline"\n'
                                        '[tajikistan]\nescalation_intercept = -20.0\n'
                                        '[kyrgyzstan]\nescalation_intercept = -20.0\n'
                                        '[border]\ninvoluntary_escalation = 0.0\n')
    out = sweep(tmp_path, "discovery", """
description = "one parameter decides"
scenarios = ["calm.toml"]
replicates = 20
days = 3
[design]
kind = "lhs"
samples = 60
[axes]
"border.initial_level" = { low = 0, high = 6 }
"china.pressure_strength" = { low = 0, high = 10 }
"us.perceived_bias" = { low = -1, high = 1 }
""")
    report = discover.run(out, outcome="reached_rung5")
    assert report.limits.index.tolist() == ["border.initial_level"]
    assert report.limits.loc["border.initial_level", "min"] >= 4
    assert report.trajectory.loc[report.chosen, "density"] > 0.9
    absent = discover.run(out, outcome="reached_rung5", absent=True, out=tmp_path / "calm")
    assert absent.limits.index.tolist() == ["border.initial_level"]
    assert absent.limits.loc["border.initial_level", "max"] <= 5


def test_two_axis_grid_gets_a_heatmap(tmp_path):
    out = sweep(tmp_path, "timing", """
description = "two axes"
reference = "baseline"
replicates = 10
days = 60
[axes]
"eu.willingness" = [0.1, 0.5]
"eu.delay_days" = [0, 20]
""")
    report = compare.run(out, n_boot=200)
    assert {"heatmap_reached_rung5.png", "heatmap_deaths_total.png"} <= set(report.figures)
    assert any("ladder_shares.png not drawn" in n for n in report.notes)
    assert "deaths_total" not in set(report.contrasts["metric"])   # drawn as a heatmap, not added to the tables


def test_mesa_batch_run_over_border_model():
    """BorderModel stays usable with the installed Mesa's batch runner (the form of the ecosystem notes)."""
    import mesa

    from borderSim.model import BorderModel
    from borderSim.schema.scenarios import load_scenario

    params = load_scenario("september_2022").params
    rows = mesa.batch_run(BorderModel, parameters={"params": [params], "replicate": [0, 1], "rng": [5]},
                          max_steps=5, number_processes=1, data_collection_period=-1, display_progress=False)
    runs = {r["RunId"]: r for r in rows}      # newer Mesa adds one row per village (agent reporters)
    assert len(runs) == 2 and {r["replicate"] for r in runs.values()} == {0, 1}
    assert all(r["Step"] == 5 and "level" in r for r in runs.values())
