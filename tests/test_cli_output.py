"""What the command line prints: help text, the list of scenarios, and the run summary's numbers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from borderSim.cli.commands import pooled_share
from borderSim.cli.main import build_parser, main
from borderSim.schema import scenarios as scenarios_module

COMMANDS = ("run", "validate", "params", "scenarios", "bench", "viz", "sweep", "compare", "sensitivity", "discover",
            "calibrate", "report")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_percent_signs_as_typed(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "%%" not in out and "%(" not in out


def test_compare_help_says_95_percent(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["compare", "--help"])
    assert "bootstrap 95 % intervals" in capsys.readouterr().out


def test_a_user_s_file_beside_the_shipped_scenarios_is_not_listed_as_shipped(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "scenarios"
    shutil.copytree(scenarios_module.shipped_dir(), folder)
    (folder / "my_russia.toml").write_text('description = "Russia mediates"\nextends = "baseline"\n'
                                           "[russia]\nmediation_propensity = 0.6\n")
    monkeypatch.setattr(scenarios_module, "shipped_dir", lambda: folder)
    assert main(["scenarios"]) == 0
    shipped, _, yours = capsys.readouterr().out.partition("your scenario files in")
    assert "my_russia" not in shipped and "baseline" in shipped
    assert "my_russia" in yours and "Russia mediates" in yours and "(not shipped)" in yours
    assert "my_russia" not in scenarios_module.shipped_names()
    assert scenarios_module.load_scenario("my_russia").description == "Russia mediates"   # still read by name


def test_shipped_list_matches_the_repository():
    root = Path(__file__).resolve().parents[1]
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        pytest.skip("needs a git checkout")
    tracked = subprocess.run([git, "ls-files", "scenarios/*.toml"], cwd=root, capture_output=True, text=True)
    names = sorted(Path(p).stem for p in tracked.stdout.split())
    assert names == sorted(scenarios_module.SHIPPED), "add a new shipped scenario to borderSim.schema.scenarios.SHIPPED"


def test_run_summary_says_why_a_365_day_outcome_is_missing_and_pools_ceasefires(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["run", "september_2022", "-n", "60", "-d", "90", "--no-timeseries", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    line = next(x for x in text.splitlines() if "Tajik legitimacy change by day 365" in x)
    assert line.split()[-1] != "-" and "the run has 90 days; this needs 365" in line
    s = pd.read_parquet(out / "summary.parquet")
    held, ended = s["ceasefires_survived"].to_numpy(), (s["ceasefires_survived"] + s["ceasefires_broken"]).to_numpy()
    share, lo, hi = pooled_share(held, ended)
    line = next(x for x in text.splitlines() if "ceasefires that held" in x)
    assert f"{100 * share:.0f} % of {int(ended.sum()):,} ended, 95 % CI {100 * lo:.0f}-{100 * hi:.0f} %" in line
    assert "pooled" in line and "delta method" in text


def test_pooled_share_interval_matches_a_bootstrap_over_replicates():
    """The delta method's standard error against a bootstrap over replicates (the clusters) on a synthetic
    sample. Tolerance 10 %: the bootstrap's own Monte Carlo error with 4,000 resamples is about 1/sqrt(2 x
    4,000) = 1.1 %, and the two estimators differ by O(1/n) at n = 3,000 replicates."""
    rng = np.random.default_rng(20220914)
    n = 3000
    ended = rng.poisson(1.5, n)
    p = rng.beta(2, 5, n)                 # replicates differ in how well their ceasefires hold: clustering
    held = rng.binomial(ended, p)
    share, lo, hi = pooled_share(held, ended)
    assert share == pytest.approx(held.sum() / ended.sum())
    idx = rng.integers(0, n, (4000, n))
    boot = held[idx].sum(axis=1) / ended[idx].sum(axis=1)
    assert (hi - lo) / (2 * 1.96) == pytest.approx(boot.std(ddof=1), rel=0.10)
    assert pooled_share(np.zeros(5), np.zeros(5))[0] != pooled_share(np.zeros(5), np.zeros(5))[0]   # NaN: none ended


def test_out_of_memory_names_the_experiment_file_s_keys_for_a_sweep(tmp_path, monkeypatch, capsys):
    from borderSim.experiments.evaluate import sweep

    def oom(*a, **k):
        raise MemoryError

    monkeypatch.setattr(sweep, "run_sweep", oom)
    exp = tmp_path / "e.toml"
    exp.write_text('description = "x"\n')
    assert main(["sweep", str(exp)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "[axes]" in err and "chunk_rows" in err and "--chunk-size" not in err
