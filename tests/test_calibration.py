"""``borderSim calibrate`` and ``report``: ABC recovers parameters from data the model made itself; a
calibration is reproducible by seed, identical across executors and resumable; bad input is one line.

The synthetic record: the model at known values (``TRUE``) run over many replicates (seed 99, replicate
indices no candidate uses), its target statistics taken as the observed values. Two targets, each moved
strongly by one parameter: incidents per year over 120 days x 2 replicates of the baseline from its
hand-set initial state (``COLD``: about 20 per 0.001 of the incident rate, noise sd about 14 for the mean
of two; the baseline's warm start, a replay of 2021, gives 15 per 0.001 and noise sd 19, too little to pin
the rate), and mean civilian deaths in 10 days of a major clash x 40 replicates
(about 21 per unit of the civilian death rate, noise sd about 27 / sqrt(40) = 4.3). Either pins its
parameter to a few tenths of its prior's width, so the true value inside the weighted 90 % credible
interval and that interval under half the prior's width are the expected outcome, not a lucky one; the
run is seeded, so the test is deterministic.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import borderSim
from borderSim.calibration.problem import read_calibration
from borderSim.calibration.simulate import statistic
from borderSim.cli.main import main
from borderSim.experiments.evaluate.posterior import weighted_quantile
from borderSim.experiments.evaluate.tasks import evaluate_rows
from borderSim.schema.scenarios import load_scenario

# the module's fixtures are built once: its tests run on one worker (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("calibration")

TRUE = {"communities.incident_rate": 0.005, "communities.civilian_death_rate": 2.0}
COLD = """description = "test: the baseline from its hand-set initial state (no warm start)"
extends = "baseline"
[simulation]
warm_start = "none"
"""
WAR = """description = "test: a major clash from day 0 at Bulak-Bashy"
extends = "september_2022"
[border]
initial_level = 5
"""

CALIBRATION = """description = "recovery test: incidents and civilian deaths from the model itself"
seed = 7

[parameters]
"communities.incident_rate" = {{ prior = "uniform", low = 0.001, high = 0.012 }}
"communities.civilian_death_rate" = {{ prior = "uniform", low = 0.3, high = 5.0 }}

[runs.quiet]
scenario = "cold"
days = 120
replicates = 2

[runs.war]
scenario = "war"
days = 10
replicates = 40

[targets.incidents]
run = "quiet"
column = "incidents_total"
statistic = "per_year"
observed = {incidents}
source = "synthetic: the model at known values"

[targets.civilian_deaths]
run = "war"
column = "deaths_civilian"
statistic = "mean"
observed = {deaths}
source = "synthetic: the model at known values"

[targets.deaths_military]
run = "war"
column = "deaths_military"
statistic = "mean"
observed = {military}
source = "synthetic: the model at known values"
held_out = true

[abc]
{abc}
"""
SMC = """method = "smc"
population = 150
batch = 500
quantiles = [0.3, 0.5, 0.5]
pilot = 300
chunk_rows = 1000"""
TINY = """method = "smc"
population = 40
batch = 120
quantiles = [0.4, 0.5]
pilot = 60
chunk_rows = 200"""


def synthetic(tmp: Path) -> dict[str, float]:
    """The record: target statistics of the model at ``TRUE`` over many replicates."""
    (tmp / "war.toml").write_text(WAR)
    (tmp / "cold.toml").write_text(COLD)
    n = 2000
    values = {k: np.full(n, v) for k, v in TRUE.items()}
    reps = 10**9 + np.arange(n)
    quiet = evaluate_rows(load_scenario(tmp / "cold.toml").params, values, reps, seed=99, days=120).summary
    war = evaluate_rows(load_scenario(tmp / "war.toml").params, values, reps, seed=99, days=10).summary
    return {"incidents": round(float(quiet.incidents_total.mean() * 365 / 120), 3),
            "deaths": round(float(war.deaths_civilian.mean()), 3),
            "military": round(float(war.deaths_military.mean()), 3)}


def write(tmp: Path, observed: dict, abc: str, name: str = "cal.toml", **replace) -> Path:
    text = CALIBRATION.format(abc=abc, **observed)
    for old, new in replace.items():
        text = text.replace(old, new)
    p = tmp / name
    p.write_text(text)
    return p


@pytest.fixture(scope="module")
def record(tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("calibration")
    return tmp, synthetic(tmp)


@pytest.fixture(scope="module")
def recovered(record) -> Path:
    tmp, observed = record
    out = tmp / "recovered"
    assert main(["calibrate", str(write(tmp, observed, SMC)), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def tiny(record) -> tuple[Path, Path]:
    """A tiny calibration run in this process: (file, results)."""
    tmp, observed = record
    path = write(tmp, observed, TINY, "tiny.toml")
    out = tmp / "tiny-inprocess"
    assert main(["calibrate", str(path), "--out", str(out), "--quiet"]) == 0
    return path, out


def posterior(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "posterior.parquet")


@pytest.mark.slow
def test_abc_smc_recovers_the_parameters_that_made_the_data(recovered):
    cal = read_calibration(json.loads((recovered / "manifest.json").read_text())["calibration"]["path"])
    post = posterior(recovered)
    for p in cal.priors:
        lo, hi = weighted_quantile(post[p.name].to_numpy(), post["weight"].to_numpy(), [0.05, 0.95])
        assert lo <= TRUE[p.name] <= hi, f"{p.name}: true {TRUE[p.name]} outside the 90 % interval {lo}-{hi}"
        plo, phi = p.scipy().ppf([0.05, 0.95])
        assert (hi - lo) < 0.5 * (phi - plo), f"{p.name}: interval {lo}-{hi} not narrower than the prior's"


@pytest.mark.slow
def test_results_folder_holds_posterior_schedule_and_a_calibrated_scenario(recovered):
    man = json.loads((recovered / "manifest.json").read_text())
    gens = man["generations"]
    assert man["status"] == "complete" and [g["generation"] for g in gens] == [0, 1, 2]
    assert all(0 < g["acceptance_rate"] <= 1 and g["accepted"] == 150 for g in gens)
    assert gens[0]["tolerance"] > gens[1]["tolerance"] > gens[2]["tolerance"]       # adaptive, shrinking
    assert man["seed"] == 7 and {"elfi", "numpy"} <= set(man["versions"])
    assert man["scale_source"]["incidents"] == "prior predictive MAD" and man["scales"]["incidents"] > 0
    post = posterior(recovered)
    assert np.isclose(post["weight"].sum(), 1) and len(post) == 150
    pops = pd.read_parquet(recovered / "populations.parquet")
    assert sorted(pops["generation"].unique()) == [0, 1, 2] and "target:deaths_military" in pops
    scenario = load_scenario(recovered / "calibrated.toml")          # a valid scenario extending the base
    assert scenario.chain[0] == "baseline"
    median = weighted_quantile(post["communities.incident_rate"].to_numpy(), post["weight"].to_numpy(), 0.5)[0]
    assert scenario.params.get("communities.incident_rate") == pytest.approx(median, rel=1e-5)
    assert "90 % credible interval" in (recovered / "calibrated.toml").read_text()


@pytest.mark.slow
def test_report_checks_every_target_and_shows_shrinkage(recovered):
    out = recovered / "report"
    assert main(["report", str(recovered), "--draws", "60", "--sobol-samples", "8", "--sobol-replicates", "2"]) == 0
    chk = pd.read_csv(out / "predictive.csv")
    assert chk["target"].tolist() == ["incidents", "civilian_deaths", "deaths_military"]
    assert chk.loc[chk.target == "deaths_military", "role"].item() == "held out"
    assert chk.loc[chk.role == "fitted", "inside_90"].all()          # fitted to the model's own data
    shr = pd.read_csv(out / "shrinkage.csv")
    assert shr["identified"].all() and (shr["shrinkage"] > 0.5).all()
    sob = pd.read_csv(out / "sobol.csv")
    top = sob.loc[sob.groupby("target")["ST"].idxmax()].set_index("target")["parameter"]
    assert top["incidents"] == "communities.incident_rate"
    assert top["civilian_deaths"] == "communities.civilian_death_rate"
    for f in ("report.md", "predictive.png", "marginals.png", "pairs.png", "shrinkage.png", "sobol.png"):
        assert (out / f).stat().st_size > 0


@pytest.mark.slow
@pytest.mark.parametrize(("how", "flags"), [
    ("again in this process", []),
    ("2 local processes", ["--workers", "2"]),
    ("Dask LocalCluster", ["--scheduler", "local", "--workers", "2"]),
])
def test_calibration_is_reproducible_and_identical_across_executors(tiny, tmp_path, how, flags):
    path, reference = tiny
    other = tmp_path / "other"
    assert main(["calibrate", str(path), "--out", str(other), "--quiet", *flags]) == 0
    for name in ("posterior.parquet", "populations.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(reference / name), pd.read_parquet(other / name),
                                      check_exact=True)

    def schedule(out: Path) -> list[dict]:
        gens = json.loads((out / "manifest.json").read_text())["generations"]
        return [{k: v for k, v in g.items() if k != "seconds"} for g in gens]

    assert schedule(other) == schedule(reference)


@pytest.mark.slow
def test_another_seed_gives_another_posterior(tiny, tmp_path):
    path, reference = tiny
    other = tmp_path / "seed8.toml"
    other.write_text(path.read_text().replace("seed = 7", "seed = 8"))
    for name in ("war.toml", "cold.toml"):
        shutil.copy(path.parent / name, tmp_path / name)
    assert main(["calibrate", str(other), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert not posterior(reference).equals(posterior(tmp_path / "out"))


def test_resume_runs_only_the_missing_batches_and_ends_with_the_same_posterior(tiny, tmp_path, capsys):
    path, reference = tiny
    out = tmp_path / "resumed"
    partial = tmp_path / ".resumed.partial"
    shutil.copytree(reference / "batches", partial / "batches")      # as if killed after these batches
    batches = sorted((partial / "batches").glob("batch-*.npz"))
    for p in batches[len(batches) // 2:]:
        p.unlink()
    man = json.loads((reference / "manifest.json").read_text())
    man["status"] = "running"
    (partial / "manifest.json").write_text(json.dumps(man))
    assert main(["calibrate", str(path), "--out", str(out), "--quiet"]) == 2      # refuses to overwrite
    assert "add --resume" in capsys.readouterr().err
    assert main(["calibrate", str(path), "--out", str(out), "--resume", "--quiet"]) == 0
    for name in ("posterior.parquet", "populations.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(reference / name), pd.read_parquet(out / name), check_exact=True)
    reused = json.loads((out / "manifest.json").read_text())["batches_reused"]
    assert reused == len(batches) // 2 + 1          # the kept batches and the pilot


def test_posterior_sweep_draws_the_same_parameters_for_a_replicate_in_every_scenario(tiny, tmp_path):
    """Each row of a --posterior sweep equals a run of that scenario with the posterior sample that
    draw_indices gives its replicate index: the same sample at both points (paired)."""
    from borderSim.experiments.evaluate.posterior import draw_indices, read_posterior
    from borderSim.experiments.evaluate.store import open_results

    _, cal_out = tiny
    exp = tmp_path / "exp.toml"
    exp.write_text('description = "posterior pairing"\nscenarios = ["baseline", "osce_facilitative"]\n'
                   'reference = "baseline"\nreplicates = 16\ndays = 40\nseed = 5\nchunk_rows = 12\n')
    out = tmp_path / "swept"
    assert main(["sweep", str(exp), "--out", str(out), "--posterior", str(cal_out / "posterior.parquet"),
                 "--quiet"]) == 0
    r = open_results(out)
    post = read_posterior(cal_out / "posterior.parquet")
    assert r.manifest["posterior"]["sha256"] == post.sha256
    idx = draw_indices(np.cumsum(post.weights), 5, np.arange(16))
    assert len(set(idx)) > 5                                   # replicates draw different samples
    values = {n: post.samples[idx, j] for j, n in enumerate(post.names)}
    for point, name in enumerate(["baseline", "osce_facilitative"]):
        expected = evaluate_rows(load_scenario(name).params, values, np.arange(16), seed=5, days=40).summary
        got = r.summary[r.summary.point == point].drop(columns="point").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected.reset_index(drop=True), check_exact=True, check_dtype=False)


def test_compare_over_the_posterior_reports_both_effects(tiny, tmp_path):
    _, cal_out = tiny
    exp = tmp_path / "exp.toml"
    exp.write_text('description = "compare over the posterior"\nscenarios = ["baseline", "demarcation_treaty"]\n'
                   'reference = "baseline"\nreplicates = 30\ndays = 60\nseed = 3\n')
    out = tmp_path / "point"
    assert main(["sweep", str(exp), "--out", str(out), "--quiet"]) == 0
    assert main(["compare", str(out), "--posterior", str(cal_out), "--metrics", "incidents_total",
                 "deaths_total", "--bootstrap", "200"]) == 0
    table = pd.read_csv(out / "compare_posterior" / "contrasts.csv")
    assert set(table["metric"]) == {"incidents_total", "deaths_total"}
    assert {"difference", "difference_posterior", "paired_low_posterior", "verdict"} <= set(table.columns)
    point = pd.read_parquet(out / "summary")
    post = pd.read_parquet(out / "posterior" / "summary")
    assert not point["incidents_total"].equals(post["incidents_total"])      # the incident rate is drawn
    # a second compare reuses the posterior sweep
    assert main(["compare", str(out), "--posterior", str(cal_out), "--metrics", "incidents_total",
                 "--bootstrap", "200"]) == 0


def test_statistics_of_a_run(record):
    table = pd.DataFrame({"deaths_KG": [1.0, 5.0, 9.0, 2.0, 4.0, 6.0], "reached_rung5": [True, False, True] * 2,
                          "major_episodes": [1, 0, 2, 0, 0, 1]})
    from borderSim.calibration.targets import Target

    def t(stat, column="deaths_KG", where=None):
        return Target("x", "r", column, stat, (0.0, 0.0), "s", where)

    assert statistic(t("mean"), table, 2, 3, 30).tolist() == [5.0, 4.0]
    assert statistic(t("median", where="reached_rung5"), table, 2, 3, 30).tolist() == [5.0, 4.0]
    assert statistic(t("per_year", "major_episodes"), table, 2, 3, 365).tolist() == [1.0, 1 / 3]
    empty = pd.DataFrame({"deaths_KG": [1.0, 2.0], "reached_rung5": [False, False]})
    assert np.isnan(statistic(t("mean", where="reached_rung5"), empty, 1, 2, 30)).all()


def test_rejection_keeps_the_closest_candidates_with_equal_weights(record, tmp_path):
    tmp, observed = record
    abc = 'method = "rejection"\npopulation = 30\nbatch = 100\nquantiles = [0.3]\npilot = 60\nchunk_rows = 400'
    path = write(tmp, observed, abc, "rejection.toml")
    out = tmp_path / "rejection"
    assert main(["calibrate", str(path), "--out", str(out), "--quiet"]) == 0
    post = posterior(out)
    pops = pd.read_parquet(out / "populations.parquet")
    gen = json.loads((out / "manifest.json").read_text())["generations"]
    assert len(gen) == 1 and gen[0]["candidates"] == 100 and len(post) == 30
    assert np.allclose(post["weight"], 1 / 30) and post["distance"].max() == pytest.approx(gen[0]["tolerance"])
    assert (pops["distance"] <= gen[0]["tolerance"]).all()


@pytest.mark.slow
def test_ctrl_c_keeps_the_finished_batches_and_resume_finishes_the_same(tiny, tmp_path, capsys, monkeypatch):
    from borderSim.calibration import simulate

    path, reference = tiny
    real, calls = simulate.Evaluator.__call__, []

    def interrupt(self, values, seed, offset):
        calls.append(offset)
        if len(calls) == 3:              # the pilot and generation 0's batch are done: Ctrl-C in the next
            raise KeyboardInterrupt
        return real(self, values, seed, offset)

    out = tmp_path / "cut"
    with monkeypatch.context() as m:
        m.setattr(simulate.Evaluator, "__call__", interrupt)
        assert main(["calibrate", str(path), "--out", str(out), "--quiet"]) == 130
    assert f"--out {out} --resume" in capsys.readouterr().err
    assert not out.exists() and len(list((tmp_path / ".cut.partial" / "batches").glob("*.npz"))) == 2
    assert main(["calibrate", str(path), "--out", str(out), "--resume", "--quiet"]) == 0
    for name in ("posterior.parquet", "populations.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(reference / name), pd.read_parquet(out / name), check_exact=True)
    assert json.loads((out / "manifest.json").read_text())["batches_reused"] == 2


@pytest.mark.slow
def test_bench_calibration_reports_throughput_and_end_to_end(tmp_path):
    """A tiny configuration (figures are reported by `borderSim bench --calibration`, never asserted)."""
    from borderSim.bench import calibration as benchmark

    report = benchmark.run(candidates=6, workers=1, population=4, batch=10, repeat=3)
    t, e = report["throughput"], report["end_to_end"]
    assert t["candidates"] == 6 and t["candidates_per_second"] > 0 and t["seconds_for_500000"] > 0
    # the median of three runs, each run's rate kept in the order they ran
    assert t["repeat"] == 3 and len(t["rates"]) == 3 and t["candidates_per_second"] == sorted(t["rates"])[1]
    cold = report["throughput_cold"]            # the shipped baseline replays 2021 first; cold-started, it does not
    assert (t["replay_days"], cold["replay_days"]) == (365, 0) and cold["candidates"] == 6
    assert e["candidates"] == sum(g["candidates"] for g in e["generations"]) >= 3 * 10
    files = benchmark.write(report, tmp_path)
    text = files[1].read_text()
    assert "500,000 candidates would take" in text and "the median of 3 runs" in text
    low, high = min(t["rates"]), max(t["rates"])
    assert f"| {t['candidates_per_second']:,.0f} ({low:,.0f}-{high:,.0f}) |" in text


def test_the_shipped_posterior_draws_over_the_calibrated_baseline(tmp_path):
    """The baseline has adopted the calibrated values, so its values differ from those the calibration
    started from; the shipped posterior must still be drawn at the baseline and at the scenarios that
    extend it (a point keeps its own value only where it declares it: an axis, or a scenario file's key)."""
    from borderSim.experiments.evaluate.posterior import draw_indices, read_posterior
    from borderSim.experiments.evaluate.store import open_results

    shipped = Path(borderSim.__file__).parent / "data" / "posterior.parquet"
    exp = tmp_path / "exp.toml"
    exp.write_text('description = "shipped posterior"\nscenarios = ["baseline", "osce_facilitative"]\n'
                   'reference = "baseline"\nreplicates = 8\ndays = 30\nseed = 5\n')
    out = tmp_path / "swept"
    assert main(["sweep", str(exp), "--out", str(out), "--posterior", str(shipped), "--quiet"]) == 0
    r = open_results(out)
    post = read_posterior(shipped)
    idx = draw_indices(np.cumsum(post.weights), 5, np.arange(8))
    values = {n: post.samples[idx, j] for j, n in enumerate(post.names)}
    for point, name in enumerate(["baseline", "osce_facilitative"]):
        expected = evaluate_rows(load_scenario(name).params, values, np.arange(8), seed=5, days=30).summary
        got = r.summary[r.summary.point == point].drop(columns="point").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected.reset_index(drop=True), check_exact=True, check_dtype=False)


def test_a_point_keeps_what_it_declares_whatever_its_value(tmp_path):
    """Levers are declared, not inferred from values (EMA Workbench's split of levers and uncertainties):
    over the shipped posterior, an axis over a posterior parameter keeps its value at every point, the
    one equal to the baseline's value included (before, that point alone took the draws), and so does a
    scenario file that sets a posterior parameter to the baseline's own value; a scenario that sets
    nothing of the posterior takes every draw. Checked on the design and on the rows a sweep runs."""
    from borderSim.experiments.design.experiment import build_design, read_experiment
    from borderSim.experiments.evaluate.posterior import draw_indices, read_posterior
    from borderSim.experiments.evaluate.store import open_results

    shipped = Path(borderSim.__file__).parent / "data" / "posterior.parquet"
    post = read_posterior(shipped)
    rate = load_scenario("baseline").params.border.ceasefire_rate
    (tmp_path / "same_rate.toml").write_text('description = "the baseline, its ceasefire rate set"\n'
                                             f'extends = "baseline"\n[border]\nceasefire_rate = {rate}\n')
    axis = tmp_path / "axis.toml"
    axis.write_text('description = "an axis over a posterior parameter"\nscenarios = ["baseline"]\n'
                    f'replicates = 8\ndays = 30\nseed = 5\n[axes]\n"border.ceasefire_rate" = [0.1, {rate}]\n')
    scen = tmp_path / "scen.toml"
    scen.write_text('description = "a scenario that sets a posterior parameter"\n'
                    'scenarios = ["baseline", "same_rate.toml"]\nreplicates = 8\ndays = 30\nseed = 5\n')
    d = build_design(read_experiment(axis))
    d.posterior = post
    keeps = d.posterior_keeps()
    assert keeps["border.ceasefire_rate"].tolist() == [True, True]
    assert not any(keeps[n].any() for n in post.names if n != "border.ceasefire_rate")
    d = build_design(read_experiment(scen))
    d.posterior = post
    assert d.posterior_keeps()["border.ceasefire_rate"].tolist() == [False, True]

    out = tmp_path / "swept"
    assert main(["sweep", str(axis), "--out", str(out), "--posterior", str(shipped), "--quiet"]) == 0
    idx = draw_indices(np.cumsum(post.weights), 5, np.arange(8))
    values = {n: post.samples[idx, j] for j, n in enumerate(post.names)}
    values["border.ceasefire_rate"] = np.full(8, rate)
    expected = evaluate_rows(load_scenario("baseline").params, values, np.arange(8), seed=5, days=30).summary
    got = open_results(out).summary
    got = got[got.point == 1].drop(columns="point").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True), check_exact=True, check_dtype=False)
