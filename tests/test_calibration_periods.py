"""Targets over parts of a run (``periods``, ``period``, ``share_all``) on the record's replay, the regression
adjustment and the effective sample size, at a tiny budget: what the project's calibration against 2021-2022
relies on. Bad input to the new keys is one line, exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from borderSim.calibration.problem import read_calibration
from borderSim.calibration.simulate import Evaluator
from borderSim.cli.main import main
from borderSim.experiments.evaluate.executors import make_executor
from borderSim.experiments.evaluate.posterior import META_KEY, read_posterior
from borderSim.experiments.evaluate.tasks import evaluate_rows

# Per-year majors, the record's sequence (share_all), the day of the year of the first major, deadly clashes
# in the year before 14 September 2022, the agreed share on 13 September 2022 (held out).
HINDCAST = """description = "test: the record's sequence on the replay, a tiny budget"
base = "hindcast_2021"
seed = 5

[parameters]
"tajikistan.escalation_intercept" = { prior = "uniform", low = -7.5, high = -4.5 }
"border.involuntary_escalation" = { prior = "loguniform", low = 0.002, high = 0.1 }

[runs.record]
scenario = "hindcast_2021"
days = 730
replicates = 2

[runs.record.periods]
2021 = [2021-01-01, 2021-12-31]
2022 = [2022-01-01, 2022-12-31]
year_to_war = [2021-09-14, 2022-09-13]
to_war = [2022-01-01, 2022-09-13]

[targets.majors_2021]
run = "record"
period = "2021"
column = "major_episodes"
statistic = "mean"
observed = 1
scale = 0.5
source = "record: 28 April 2021"

[targets.majors_2022]
run = "record"
period = "2022"
column = "major_episodes"
statistic = "mean"
observed = 1
scale = 0.5
source = "record: 14 September 2022"

[targets.sequence]
run = "record"
periods = ["2021", "2022"]
column = "major_episodes"
statistic = "share_all"
observed = [0.3, 1.0]
scale = 0.2
source = "record: a major clash in 2021 and another in 2022"

[targets.first_major_2022]
run = "record"
period = "2022"
column = "first_day_rung5"
where = "reached_rung5"
statistic = "median"
observed = 257
scale = 60
source = "record: 14 September, day 257 of 2022"

[targets.deadly_year]
run = "record"
period = "year_to_war"
column = "deadly_clashes"
statistic = "per_year"
observed = 4
scale = 2
source = "record: four deadly clashes in the year before 14 September 2022"

[targets.demarcated_sep_2022]
run = "record"
period = "to_war"
column = "demarcated_share_final"
statistic = "mean"
observed = 0.53
scale = 0.1
source = "record: 519 of ~975 km agreed on 13 September 2022"
held_out = true

[abc]
method = "rejection"
population = 12
batch = 40
quantiles = [0.3]
pilot = 0
chunk_rows = 100
adjustment = "linear"
"""


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("periods")
    path = tmp / "hindcast.toml"
    path.write_text(HINDCAST)
    out = tmp / "out"
    assert main(["calibrate", str(path), "--out", str(out), "--quiet"]) == 0
    return path, out


def test_periods_are_days_of_the_run_from_its_start_date(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(HINDCAST)
    run = read_calibration(path).runs[0]
    days = {p.name: (p.first, p.last, p.shift) for p in run.periods}
    # 1 Jan 2021 is day 0 (the state the run starts from): the period begins on day 1, its days counted from 1 Jan
    assert days == {"2021": (1, 364, 1), "2022": (365, 729, 0), "year_to_war": (256, 620, 0),
                    "to_war": (365, 620, 0)}


def test_period_targets_read_each_part_of_the_run(tmp_path):
    """The evaluator's statistics equal those computed by hand from the core's period summaries of the same
    rows; a period's first major counts days from the period's first date."""
    path = tmp_path / "c.toml"
    path.write_text(HINDCAST)
    cal = read_calibration(path)
    run = cal.runs[0]
    values = np.array([[-5.0, 0.05], [-4.6, 0.09]])
    executor = make_executor(None, None)
    try:
        stats = Evaluator(cal, executor)(values, 11, 100)
    finally:
        executor.close()
    reps = 100 + np.arange(4)                   # candidate-major: two replicates each
    res = evaluate_rows(run.scenario.params, {p.name: np.repeat(values[:, j], 2) for j, p in enumerate(cal.priors)},
                        reps, seed=11, days=730, periods={p.name: (p.first, p.last) for p in run.periods})
    part = {name: g.reset_index(drop=True) for name, g in res.periods.groupby("period")}
    col = {t.name: j for j, t in enumerate(cal.targets)}
    m21, m22 = (part[y]["major_episodes"].to_numpy().reshape(2, 2) for y in ("2021", "2022"))
    assert stats[:, col["majors_2021"]].tolist() == m21.mean(axis=1).tolist()
    assert stats[:, col["majors_2022"]].tolist() == m22.mean(axis=1).tolist()
    assert stats[:, col["sequence"]].tolist() == ((m21 > 0) & (m22 > 0)).mean(axis=1).tolist()
    deadly = part["year_to_war"]["deadly_clashes"].to_numpy().reshape(2, 2)
    assert np.allclose(stats[:, col["deadly_year"]], deadly.sum(axis=1) / (2 * 365 / 365))
    share = part["to_war"]["demarcated_share_final"].to_numpy().reshape(2, 2)
    assert np.allclose(stats[:, col["demarcated_sep_2022"]], share.mean(axis=1))
    # day numbers: a period's first major counts days from the period's first date, as in the year
    from borderSim.calibration.simulate import run_candidates

    (task,) = Evaluator(cal, None).tasks(run, values, 11, 100)
    table = run_candidates(task)
    whole = res.summary["first_day_rung5"].to_numpy()          # days since 1 Jan 2021 (the run's day 0)
    in21, in22 = table["first_day_rung5@2021"].to_numpy(), table["first_day_rung5@2022"].to_numpy()
    assert np.isfinite(whole).any(), "no replicate reached rung 5: choose other values"
    for w, a, b in zip(whole, in21, in22, strict=True):
        if np.isfinite(w) and w <= 364:
            assert a == w + 1          # 28 April 2021 (day 117 of the run) is day 118 of 2021
        elif np.isfinite(w):
            assert np.isnan(a) and b == w - 364      # 14 September 2022 (day 621) is day 257 of 2022


def test_a_calibration_on_the_replay_fits_periods_and_reports_the_sequence(calibrated):
    from borderSim.calibration import report

    path, out = calibrated
    man = json.loads((out / "manifest.json").read_text())
    assert man["runs"][0]["periods"]["2021"] == {"dates": ["2021-01-01", "2021-12-31"], "days": [1, 364]}
    assert {t["name"]: t["periods"] for t in man["targets"]}["sequence"] == ["2021", "2022"]
    pops = pd.read_parquet(out / "populations.parquet")
    assert pops["target:sequence"].between(0, 1).all() and pops["target:majors_2021"].notna().all()
    # the effective sample size, (sum w)^2 / sum w^2, in the manifest and the posterior's metadata
    meta = json.loads(pq.ParquetFile(out / "posterior.parquet").schema_arrow.metadata[META_KEY])
    post = read_posterior(out / "posterior.parquet")
    w = pd.read_parquet(out / "posterior.parquet")["weight"].to_numpy()
    assert meta["effective_sample_size"] == pytest.approx(w.sum() ** 2 / (w**2).sum()) == pytest.approx(12)
    assert man["generations"][-1]["effective_sample_size"] == pytest.approx(12)
    assert meta["adjustment"]["method"] == "linear" and meta["method"] == "rejection"
    # the adjusted posterior stays inside the priors, and differs from the sample that was run
    raw = pops[pops.generation == 0][list(post.names)].to_numpy()
    assert not np.array_equal(raw, post.samples)
    cal = read_calibration(path)
    for j, p in enumerate(cal.priors):
        assert ((post.samples[:, j] >= p.support[0]) & (post.samples[:, j] <= p.support[1])).all()
    rep = report.run(out, draws=10, sobol_samples=2, sobol_replicates=2, median_replicates=40,
                     sequence_replicates=10)
    chk = rep.checks.set_index("target")
    assert chk.loc["sequence", "statistic"] == "share of replicates with major_episodes > 0 in every one of 2021, 2022"
    assert chk.loc["first_major_2022", "statistic"] == "median of first_day_rung5 where reached_rung5 in 2022"
    assert chk["at_posterior_median"].drop("first_major_2022").notna().all()
    seq = rep.sequence.set_index("target")
    assert list(seq.index) == ["sequence"] and 0 <= seq.loc["sequence", "at_posterior_median"] <= 1
    assert seq.loc["sequence", "posterior_q05"] <= seq.loc["sequence", "posterior_q95"]
    text = (rep.out / "report.md").read_text()
    assert "## The record's sequence" in text and "Effective sample size 12" in text
    assert set(rep.sobol["target"]) == {"majors_2021", "majors_2022", "sequence", "first_major_2022", "deadly_year"}
    assert (out / "sobol" / "record-periods-2.npz").is_file()           # reused by the next report


def test_the_posterior_of_a_period_calibration_carries_into_a_sweep(calibrated, tmp_path):
    _, out = calibrated
    exp = tmp_path / "exp.toml"
    exp.write_text('description = "posterior sweep"\nscenarios = ["baseline"]\nreplicates = 4\ndays = 10\nseed = 2\n')
    assert main(["sweep", str(exp), "--out", str(tmp_path / "s"), "--posterior", str(out), "--quiet"]) == 0


GOOD = HINDCAST


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("[runs.record.periods]\n", "[runs.record.perods]\n", "unknown key (did you mean periods?)"),
    ("2022 = [2022-01-01, 2022-12-31]", '2022 = ["2022-01-01", "2022-12-31"]',
     "expected [first date, last date] as TOML dates"),
    ("2022 = [2022-01-01, 2022-12-31]", "2022 = [2022-01-01T00:00:00, 2022-12-31]", "as TOML dates"),
    ("2022 = [2022-01-01, 2022-12-31]", "2022 = [2022-01-01]", "expected [first date, last date]"),
    ("2022 = [2022-01-01, 2022-12-31]", "2022 = [2022-12-31, 2022-01-01]", "first date 2022-12-31 is after last"),
    ("2022 = [2022-01-01, 2022-12-31]", "2022 = [2022-01-01, 2023-01-02]",
     "is outside the run's window 2021-01-01 - 2023-01-01"),
    ("2021 = [2021-01-01, 2021-12-31]", "2021 = [2020-12-31, 2021-12-31]", "is outside the run's window"),
    ("2021 = [2021-01-01, 2021-12-31]", "2021 = [2021-01-01, 2021-01-01]", "ends on the run's start date"),
    ('period = "2021"', 'period = "to-war"', "no such period of run record (did you mean to_war?)"),
    ('period = "2021"', 'period = 2021', "2021: no such period of run record"),
    ('periods = ["2021", "2022"]', 'periods = ["2021", "2023"]', "'2023': no such period of run record"),
    ('periods = ["2021", "2022"]', 'periods = ["2021", "2021"]', "names a period twice"),
    ('periods = ["2021", "2022"]', 'periods = []', "expected a non-empty list of the run's periods"),
    ('periods = ["2021", "2022"]', 'period = "2021"', "share_all needs periods"),
    ('statistic = "share_all"', 'statistic = "share"', 'goes with statistic = "share_all"'),
    ('statistic = "share_all"', 'statistic = "share_al"', "did you mean share_all"),
    ('column = "major_episodes"\nstatistic = "share_all"', 'column = "first_day_rung5"\nstatistic = "share_all"',
     "'first_day_rung5' is not a count or a yes/no column"),
    ('statistic = "share_all"', 'statistic = "share_all"\nwhere = "reached_rung5"', "does not apply to share_all"),
    ('statistic = "share_all"', 'statistic = "share_all"\nperiod = "2021"', "not both"),
    ('adjustment = "linear"', 'adjustment = "linaer"', "did you mean linear"),
])
def test_bad_periods_are_one_line_exit_2(tmp_path, capsys, old, new, expected):
    assert old in GOOD
    p = tmp_path / "cal.toml"
    p.write_text(GOOD.replace(old, new, 1))
    code = main(["calibrate", str(p), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err and "cal.toml" in err
    assert not (tmp_path / "out").exists()


def test_a_period_on_a_run_without_periods_is_refused(tmp_path, capsys):
    text = GOOD.replace("[runs.record.periods]", "[runs.other]\nscenario = \"baseline\"\ndays = 10\n\n"
                        "[runs.record.periods]").replace('run = "record"\nperiod = "2021"', 'run = "other"\n'
                                                         'period = "2021"')
    p = tmp_path / "cal.toml"
    p.write_text(text)
    assert main(["calibrate", str(p), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "run other declares no periods; add [runs.other.periods]" in err and err.count("\n") == 1
