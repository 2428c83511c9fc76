"""``borderSim sweep``: the same dataset whatever the executor, workers or chunk size; a killed sweep
resumed equals an uninterrupted one; a failing chunk is isolated, listed and resumable.

"Identical dataset" means: every table of the results folder (summaries, per-replicate series, daily
quantiles, design), read and sorted by its keys, equals the reference exactly (no tolerance).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from borderSim.cli.main import main
from borderSim.core.run import run_rows
from borderSim.experiments.design.experiment import build_design, read_experiment
from borderSim.experiments.evaluate import executors
from borderSim.experiments.evaluate.store import open_results
from borderSim.rules.params import compile_params, compile_rows
from borderSim.schema import GROUPS
from borderSim.schema.scenarios import load_scenario

# the module's fixtures are built once: its tests run on one worker (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("experiments")

EXPERIMENT = """
description = "three scenarios, short"
scenarios = ["baseline", "osce_facilitative", "us_eu_manipulative"]
reference = "baseline"
replicates = 12
days = 40
seed = 77
chunk_rows = 12

[keep]
quantiles = ["level", "displaced"]
series = ["ceasefire", "level"]
series_replicates = 8
"""


def write(tmp: Path, text: str, name: str = "exp.toml") -> Path:
    p = tmp / name
    p.write_text(text)
    return p


def dataset(path: Path) -> list[pd.DataFrame]:
    r = open_results(path)
    return [r.summary, r.quantiles(), r.series(), r.design]


def assert_identical(a: Path, b: Path) -> None:
    for x, y in zip(dataset(a), dataset(b), strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    """The experiment run in-process in chunks of whole points: (experiment file, results)."""
    tmp = tmp_path_factory.mktemp("sweep")
    exp = write(tmp, EXPERIMENT)
    out = tmp / "reference"
    assert main(["sweep", str(exp), "--out", str(out), "--quiet"]) == 0
    return exp, out


def test_results_folder_holds_the_dataset(reference):
    _, out = reference
    r = open_results(out)
    assert len(r.summary) == 3 * 12 and list(r.summary.columns[:2]) == ["point", "replicate"]
    assert r.design["label"].tolist() == ["baseline", "osce_facilitative", "us_eu_manipulative"]
    assert r.manifest["status"] == "complete" and all(c["status"] == "done" for c in r.manifest["chunks"])
    assert r.manifest["experiment"]["text"] == EXPERIMENT
    assert {"numpy", "SALib", "dask"} <= set(r.manifest["versions"])
    series = r.series()
    assert series["replicate"].max() == 7 and {"ceasefire", "level"} <= set(series.columns)
    q = r.quantiles()
    assert set(q["statistic"]) == {"q0.05", "q0.25", "q0.5", "q0.75", "q0.95", "mean", *(f"ge{k}" for k in range(1, 7))}
    assert {"displaced[TJ]", "displaced[KG]", "level"} <= set(q.columns)


def test_sweep_rows_equal_single_runs_of_each_scenario(reference):
    """Row (point, replicate) of a sweep is the run of that scenario and replicate: common random numbers."""
    _, out = reference
    r = open_results(out)
    for point, name in enumerate(["baseline", "osce_facilitative"]):
        params = load_scenario(name).params
        alone = run_rows(params, np.arange(12), seed=77, days=40).summary
        mine = r.summary[r.summary["point"] == point].drop(columns="point").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_exact=True)


def test_quantiles_are_those_of_all_replicates_of_the_point(reference):
    _, out = reference
    r = open_results(out)
    level = run_rows(load_scenario("osce_facilitative").params, np.arange(12), seed=77, days=40,
                     record=["level"]).series[:, :, 0]
    q = r.quantiles()
    got = q[(q["point"] == 1) & (q["statistic"] == "q0.75")].sort_values("day")["level"].to_numpy()
    np.testing.assert_array_equal(got, np.quantile(level, 0.75, axis=1))


@pytest.mark.slow
@pytest.mark.parametrize(("how", "flags"), [
    ("in-process", ["--chunk-rows", "5"]),                          # points split over chunks
    ("2 local processes", ["--workers", "2", "--chunk-rows", "7"]),
    ("Dask LocalCluster", ["--scheduler", "local", "--workers", "2", "--chunk-rows", "30"]),
])
def test_identical_dataset_whatever_the_executor_and_chunks(reference, tmp_path, how, flags):
    exp, ref = reference
    out = tmp_path / "r"
    assert main(["sweep", str(exp), "--out", str(out), "--quiet", *flags]) == 0
    assert how in open_results(out).manifest["executor"]
    assert_identical(ref, out)


@pytest.mark.slow
def test_killed_sweep_resumed_equals_an_uninterrupted_one(reference, tmp_path):
    exp, ref = reference
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "borderSim", "sweep", str(exp), "--out", str(out), "--quiet",
                             "--chunk-rows", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    summaries = tmp_path / ".killed.partial" / "summary"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(summaries.glob("chunk-*.parquet"))) < 3:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list(summaries.glob("chunk-*.parquet")))
    assert 3 <= done < 36 and not out.exists()
    assert main(["sweep", str(exp), "--out", str(out), "--quiet", "--resume"]) == 0
    man = open_results(out).manifest
    assert len(man["resumed"]) == 1 and sum(c["status"] == "done" for c in man["chunks"]) == 36
    assert_identical(ref, out)


def test_failing_chunk_is_isolated_listed_and_resumable(reference, tmp_path, monkeypatch, capsys):
    exp, ref = reference
    out = tmp_path / "r"
    real = executors.run_task

    def flaky(task, progress=None):
        if task.chunk.id == 1:
            raise FloatingPointError("injected failure")
        return real(task, progress)

    with monkeypatch.context() as m:
        m.setattr(executors, "run_task", flaky)
        assert main(["sweep", str(exp), "--out", str(out), "--quiet", "--chunk-rows", "6"]) == 1
    err = capsys.readouterr().err
    assert "1 chunk(s) failed: chunk 1 (points 0-0, replicates 6-11): FloatingPointError: injected failure" in err
    partial = tmp_path / ".r.partial"
    failed = json.loads((partial / "failed" / "chunk-00001.json").read_text())
    assert failed["parameters"][0]["label"] == "baseline" and "injected failure" in failed["traceback"]
    assert len(list((partial / "summary").glob("*.parquet"))) == 5 and not out.exists()
    assert main(["sweep", str(exp), "--out", str(out), "--quiet", "--resume"]) == 0
    man = open_results(out).manifest
    assert [c["id"] for c in man["chunks"] if c["status"] == "done"] == list(range(6))
    assert_identical(ref, out)


def test_compile_rows_equals_compiling_each_point(geo, tmp_path):
    """The design's fast path gives the arrays of compiling every point's Parameters one by one."""
    exp = read_experiment(write(tmp_path, """
description = "x"
scenarios = ["baseline", "multiparty", "us_eu_manipulative", "april_2021"]
[axes]
"tajikistan.patron_weight" = [0.5, 2.0]
"us.style" = ["facilitative", "manipulative"]
"""))
    design = build_design(exp)
    rows = np.array([0, 3, 5, 5, 12, 15, 1])
    fast = compile_rows(design.base, design.values(rows), geo, len(rows))
    slow = compile_params([design.params(int(p)) for p in rows], geo)
    for group in (*GROUPS, "gov"):
        for key, v in vars(getattr(slow, group)).items():
            np.testing.assert_array_equal(getattr(getattr(fast, group), key), v, err_msg=f"{group}.{key}")
            assert getattr(getattr(fast, group), key).dtype == v.dtype


def test_design_grid_crosses_scenarios_and_axes_with_reference_first(tmp_path):
    exp = read_experiment(write(tmp_path, """
description = "x"
scenarios = ["baseline", "osce_facilitative"]
reference = "baseline"
[axes]
"eu.delay_days" = [0, 30]
"""))
    d = build_design(exp).points
    assert d["label"].tolist() == ["baseline", "baseline: delay_days=0", "baseline: delay_days=30",
                                   "osce_facilitative: delay_days=0", "osce_facilitative: delay_days=30"]
    assert d["reference"].tolist() == [True, False, False, False, False]
    assert d["eu.delay_days"].tolist() == [1, 0, 30, 0, 30]   # the reference keeps the EU's default


def test_ctrl_c_keeps_finished_chunks_and_says_how_to_resume(reference, tmp_path, monkeypatch, capsys):
    exp, ref = reference
    out = tmp_path / "r"
    real = executors.run_task

    def interrupt(task, progress=None):
        if task.chunk.id == 2:
            raise KeyboardInterrupt
        return real(task, progress)

    with monkeypatch.context() as m:
        m.setattr(executors, "run_task", interrupt)
        assert main(["sweep", str(exp), "--out", str(out), "--quiet", "--chunk-rows", "6"]) == 130
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"--out {out} --resume" in err
    partial = tmp_path / ".r.partial"
    assert json.loads((partial / "manifest.json").read_text())["status"] == "interrupted"
    assert len(list((partial / "summary").glob("*.parquet"))) == 2
    assert main(["sweep", str(exp), "--out", str(out), "--quiet", "--resume"]) == 0
    assert_identical(ref, out)
