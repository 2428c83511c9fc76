"""Bad input to ``calibrate``, ``report`` and ``--posterior``: one line naming the file or flag, the value
and what is allowed; exit status 2; nothing that existed is lost. A schedule that accepts nothing
stops with what was done kept."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from borderSim.cli.main import main
from borderSim.experiments.evaluate.posterior import META_KEY

GOOD = """description = "bad-input test"
seed = 3

[parameters]
"communities.incident_rate" = { prior = "uniform", low = 0.001, high = 0.012 }

[runs.quiet]
scenario = "baseline"
days = 30

[targets.incidents]
run = "quiet"
column = "incidents_total"
statistic = "per_year"
observed = 60
scale = 20
source = "synthetic"

[abc]
population = 20
batch = 50
quantiles = [0.5, 0.5]
pilot = 0
"""


def run(tmp: Path, text: str, capsys, *extra) -> tuple[int, str]:
    p = tmp / "cal.toml"
    p.write_text(text)
    code = main(["calibrate", str(p), "--out", str(tmp / "out"), "--quiet", *extra])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('"communities.incident_rate" = {', '"communities.incident_rat" = {', "did you mean communities.incident_rate"),
    ('low = 0.001, high = 0.012', 'low = 0.001, high = 1.5', "outside the schema's range; expected float from 0 to 1"),
    ('{ prior = "uniform", low = 0.001, high = 0.012 }', '{ prior = "normal", mean = 0.005, sd = 0.002 }',
     "a normal prior is a literature prior: name its source"),
    ('{ prior = "uniform", low = 0.001, high = 0.012 }', '{ prior = "normal", mean = 2.0, sd = 0.1, source = "x" }',
     "outside the schema's range"),
    ('prior = "uniform"', 'prior = "unifrom"', "did you mean uniform"),
    ('column = "incidents_total"', 'column = "incident_total"', "did you mean incidents_total"),
    ('run = "quiet"', 'run = "quite"', "did you mean quiet"),
    ('statistic = "per_year"', 'statistic = "per-year"', "did you mean per_year"),
    ('observed = 60', 'observed = [70, 60]', "expected a number or a range [low, high]"),
    ('source = "synthetic"', 'source = ""', "name where the observed value comes from"),
    ('scale = 20\n', 'held_out = true\n', "no target is fitted"),
    ('quantiles = [0.5, 0.5]', 'quantiles = [0.5, 1.5]', "expected a non-empty list of numbers in (0, 1]"),
    ('quantiles = [0.5, 0.5]', 'tolerances = [1.0, 2.0]', "must not increase"),
    ('population = 20', 'method = "rejection"\npopulation = 20', "rejection has one generation"),
    ('scale = 20\n', '', "missing, and abc.pilot = 0"),
    ('seed = 3', 'seed = 3\nsede = 4', "unknown key (did you mean seed?)"),
    ('scenario = "baseline"', 'scenario = "baseline_2022"', "no such scenario"),
])
def test_bad_calibration_files_are_one_line_exit_2(tmp_path, capsys, old, new, expected):
    assert old in GOOD
    code, err = run(tmp_path, GOOD.replace(old, new), capsys)
    assert code == 2, err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err
    assert str(tmp_path / "cal.toml") in err or "cal.toml" in err
    assert not (tmp_path / "out").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["cal.toml"]


def test_pilot_0_without_a_scale_is_refused_up_front_and_blocks_nothing(tmp_path, capsys):
    """Refused before the folder is claimed: no .partial is left to block the corrected run."""
    code, err = run(tmp_path, GOOD.replace("scale = 20\n", ""), capsys)
    assert code == 2 and "targets.incidents.scale: missing, and abc.pilot = 0" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cal.toml"]
    code, err = run(tmp_path, GOOD, capsys)
    assert code == 0 and "add --resume" not in err and (tmp_path / "out" / "posterior.parquet").is_file()


def test_a_target_the_prior_cannot_move_is_refused(tmp_path, capsys):
    text = GOOD.replace("scale = 20\n", "").replace("pilot = 0", "pilot = 40").replace(
        'column = "incidents_total"', 'column = "episodes_rung6"')
    code, err = run(tmp_path, text, capsys)
    assert code == 2 and "does not vary over the 40 pilot candidates" in err and err.count("\n") == 1


def test_a_schedule_that_accepts_nothing_stops_and_keeps_what_was_done(tmp_path, capsys):
    text = GOOD.replace("quantiles = [0.5, 0.5]", "tolerances = [100.0, 1e-9]\nmax_candidates = 150")
    code, err = run(tmp_path, text, capsys)
    assert code == 2 and err.count("\n") == 1
    assert "generation 1 (tolerance 1e-09) accepted 0 of 150 candidates" in err and "generations 0-0 are kept" in err
    out = tmp_path / "out"
    man = json.loads((out / "manifest.json").read_text())
    assert man["status"] == "stopped" and [g["generation"] for g in man["generations"]] == [0]
    assert len(pd.read_parquet(out / "posterior.parquet")) == 20
    assert main(["report", str(out), "--draws", "10", "--sobol-samples", "0"]) == 0     # it can be reported


def test_a_first_generation_that_accepts_nothing_keeps_the_batches(tmp_path, capsys):
    text = GOOD.replace("quantiles = [0.5, 0.5]", "tolerances = [1e-9]\nmax_candidates = 100")
    code, err = run(tmp_path, text, capsys)
    assert code == 2 and "the batches run are kept in" in err
    assert len(list((tmp_path / ".out.partial" / "batches").glob("batch-*.npz"))) == 2
    code, err = run(tmp_path, text, capsys)          # a second try is told about the kept work
    assert code == 2 and "add --resume" in err


def test_resume_of_another_calibration_is_refused(tmp_path, capsys):
    partial = tmp_path / ".out.partial"
    partial.mkdir()
    (partial / "manifest.json").write_text(json.dumps({"calibration_sha256": "x", "calibration": {"name": "other"}}))
    code, err = run(tmp_path, GOOD, capsys, "--resume")
    assert code == 2 and "holds another calibration ('other'" in err


def _posterior(path: Path, version: str) -> Path:
    table = pa.table({"communities.incident_rate": [0.004, 0.006], "weight": [0.5, 0.5], "distance": [0.1, 0.2]})
    meta = {"model_version": version, "names": ["communities.incident_rate"], "calibration": "t",
            "base_values": {"communities.incident_rate": 0.004}}
    pq.write_table(table.replace_schema_metadata({META_KEY: json.dumps(meta).encode()}), path)
    return path


def test_a_posterior_from_another_model_version_is_refused(tmp_path, capsys):
    exp = tmp_path / "exp.toml"
    exp.write_text('description = "x"\nreplicates = 2\ndays = 5\n')
    post = _posterior(tmp_path / "posterior.parquet", "0.0.1+0123456789abcdef")
    assert main(["sweep", str(exp), "--out", str(tmp_path / "s"), "--posterior", str(post), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "was fitted on model version 0.0.1+0123456789abcdef" in err and err.count("\n") == 1
    assert not (tmp_path / "s").exists()
    plain = tmp_path / "plain.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(plain)
    assert main(["sweep", str(exp), "--out", str(tmp_path / "s"), "--posterior", str(plain), "--quiet"]) == 2
    assert "has no borderSim posterior metadata" in capsys.readouterr().err
    assert main(["sweep", str(exp), "--out", str(tmp_path / "s"), "--posterior", str(tmp_path / "no.parquet"),
                 "--quiet"]) == 2
    assert "no such posterior file" in capsys.readouterr().err


def test_report_and_compare_flags(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "is not a calibration's results folder" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--sobol-samples", "6"]) == 2
    assert "power of two" in capsys.readouterr().err
    assert main(["compare", str(tmp_path), "--workers", "2"]) == 2
    assert "only with --posterior" in capsys.readouterr().err
