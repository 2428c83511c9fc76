"""The command line: results folders, determinism, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from borderSim.cli.main import main
from borderSim.outputs.tables import read_timeseries

ROOT = Path(__file__).resolve().parents[1]
SHORT = ["--replicates", "3", "--days", "40", "--quiet"]


def run_cli(*args: str) -> int:
    """The exit status of ``borderSim ARGS`` (argparse's own errors exit through SystemExit)."""
    try:
        return main(list(args))
    except SystemExit as exc:
        return exc.code


def only_run_folder_content(tmp_path: Path) -> list[Path]:
    return sorted(p for p in tmp_path.rglob("*") if p.is_file())


def test_run_writes_the_four_outputs(tmp_path):
    out = tmp_path / "r"
    assert run_cli("run", "baseline", *SHORT, "--out", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "overview.png", "summary.parquet",
                                                       "timeseries.parquet"]
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert list(ts.columns[:4]) == ["scenario", "replicate", "day", "level"]
    assert len(ts) == 3 * 41 and ts.day.max() == 40 and ts.replicate.nunique() == 3
    assert {"deaths_civilian[TJ]", "deaths_civilian[KG]", "segment_level[vorukh]"} <= set(ts.columns)
    long = read_timeseries(out / "timeseries.parquet", ["deaths_civilian", "level"], long=True)
    assert list(long.columns) == ["scenario", "replicate", "day", "variable", "side", "segment", "value"]
    assert len(long) == 3 * 41 * 3 and set(long.loc[long.variable == "deaths_civilian", "side"]) == {"TJ", "KG"}
    kg = long[(long.variable == "deaths_civilian") & (long.side == "KG")].value.to_numpy()
    assert np.array_equal(kg, ts["deaths_civilian[KG]"].to_numpy(float))
    summary = pd.read_parquet(out / "summary.parquet")
    assert len(summary) == 3 and "reached_rung5" in summary
    man = json.loads((out / "manifest.json").read_text())
    assert man["seed"] == 20220914 and man["replicates"] == 3 and man["days"] == 40
    assert {"borderSim", "mesa", "numpy", "python"} <= set(man["versions"])
    assert man["parameters"]["simulation.days"] == 40


def test_same_seed_same_tables_different_seed_different(tmp_path):
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        assert run_cli("run", "september_2022", *SHORT, "--seed", seed, "--out", str(tmp_path / name)) == 0
    read = lambda n, f: pd.read_parquet(tmp_path / n / f)  # noqa: E731
    for f in ("timeseries.parquet", "summary.parquet"):
        pd.testing.assert_frame_equal(read("a", f), read("b", f))
    assert not read("a", "timeseries.parquet").equals(read("c", "timeseries.parquet"))


def test_no_timeseries_keeps_summaries(tmp_path):
    out = tmp_path / "r"
    assert run_cli("run", "baseline", *SHORT, "--no-timeseries", "--out", str(out)) == 0
    assert not (out / "timeseries.parquet").exists() and (out / "summary.parquet").exists()


def test_default_output_goes_to_a_new_folder_under_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("run", "baseline", *SHORT) == 0
    assert run_cli("run", "baseline", *SHORT) == 0
    folders = sorted((tmp_path / "runs").iterdir())
    assert len(folders) == 2 and all((f / "manifest.json").exists() for f in folders)


def test_set_overrides_reach_the_manifest(tmp_path):
    out = tmp_path / "r"
    assert run_cli("run", "baseline", *SHORT, "--set", "russia.bias=-0.3", "--set", "osce.style=manipulative",
                   "--out", str(out)) == 0
    man = json.loads((out / "manifest.json").read_text())
    assert man["parameters"]["russia.bias"] == -0.3
    assert man["scenario"]["overrides"]["osce.style"] == "manipulative"


def bad_toml(tmp_path: Path) -> str:
    p = tmp_path / "bad.toml"
    p.write_text('description = "x"\n[russia]\nbias = 5\n')
    return str(p)


ERRORS = [
    ("missing file", lambda t: ["run", str(t / "nope.toml")], "nope.toml"),
    ("invalid toml", lambda t: ["run", _write(t, "[x\n")], "invalid TOML"),
    ("unknown key", lambda t: ["run", _write(t, 'description="x"\n[china]\npresure_strength=1\n')],
     "did you mean china.pressure_strength"),
    ("wrong type", lambda t: ["run", _write(t, 'description="x"\n[china]\npressure_strength="big"\n')],
     "china.pressure_strength"),
    ("out of range", lambda t: ["run", bad_toml(t)], "russia.bias"),
    ("unknown extends", lambda t: ["run", _write(t, 'description="x"\nextends="nowhere"\n')], "extends"),
    ("zero replicates", lambda t: ["run", "baseline", "--replicates", "0"], "--replicates"),
    ("negative days", lambda t: ["run", "baseline", "--days", "-5"], "--days"),
    ("bad --set", lambda t: ["run", "baseline", "--set", "russia.bias=9"], "russia.bias"),
    ("unknown --set key", lambda t: ["run", "baseline", "--set", "rusia.bias=0"], "did you mean russia.bias"),
    ("unwritable out", lambda t: ["run", "baseline", "--out", "/proc/borderSim-out"], "--out"),
    ("out is a file", lambda t: ["run", "baseline", "--out", _write(t, "x")], "--out"),
    ("bad chunk size", lambda t: ["run", "baseline", "--chunk-size", "0"], "--chunk-size"),
    ("chunk size not a number", lambda t: ["run", "baseline", "--chunk-size", "lots"], "'lots' is not a whole number"),
    ("same --set twice", lambda t: ["run", "baseline", "--set", "russia.bias=0.1", "--set", "russia.bias=0.2"],
     "--set: russia.bias: set twice (0.1 and 0.2); give it once"),
    ("--replicates and --set", lambda t: ["run", "baseline", "--replicates", "2", "--set", "simulation.replicates=3"],
     "--replicates: 2: conflicts with --set simulation.replicates=3; give one"),
    ("--days and --set", lambda t: ["run", "baseline", "--days", "5", "--set", "simulation.days=6"],
     "conflicts with --set simulation.days=6"),
    ("--chunk-size with mesa", lambda t: ["run", "baseline", "--engine", "mesa", "--chunk-size", "5"],
     "--chunk-size: 5: applies to --engine core only"),
    ("misspelt shipped name", lambda t: ["run", "basline"], "did you mean baseline"),
    ("folder as scenario", lambda t: ["run", str(t)], "is a folder"),
    ("latin-1 scenario", lambda t: ["run", _write_bytes(t, 'description = "café"\n'.encode("latin-1"))],
     "is not UTF-8 text"),
    ("extends /proc", lambda t: ["run", _write(t, 'description="x"\nextends="/proc/self/environ"\n')],
     "extends"),
    ("huge description", lambda t: ["run", _write(t, f'description="{"d" * 5000}"\n')], "at most 200"),
]


def _write_bytes(tmp: Path, data: bytes) -> str:
    p = tmp / "bytes.toml"
    p.write_bytes(data)
    return str(p)


def _write(tmp: Path, text: str) -> str:
    p = tmp / f"f{abs(hash(text))}.toml"
    p.write_text(text)
    return str(p)


@pytest.mark.parametrize(("case", "argv", "needle"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_input_one_line_exit_2_nothing_left(tmp_path, monkeypatch, capsys, case, argv, needle):
    monkeypatch.chdir(tmp_path)
    args = argv(tmp_path)
    before = only_run_folder_content(tmp_path)
    assert run_cli(*args, "--quiet") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert needle in err and "Traceback" not in err
    assert only_run_folder_content(tmp_path) == before          # no partial output
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("argv", [["run", "baseline", "--replicates", "many"], ["bench", "--repeat", "0"],
                                  ["bench", "--days", "x"], ["bench", "--days", "0"],
                                  ["bench", "--batches", "10", "-1"]])
def test_argparse_errors_are_one_line_too(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_validate_reports_each_file(tmp_path, capsys):
    good = ROOT / "scenarios" / "baseline.toml"
    (tmp_path / "latin1.toml").write_bytes('description = "café"\n'.encode("latin-1"))
    (tmp_path / "binary.toml").write_bytes(bytes(range(256)))
    files = [str(good), str(tmp_path / "latin1.toml"), bad_toml(tmp_path), str(tmp_path / "binary.toml"),
             str(tmp_path), "september_2022"]
    assert main(["validate", *files]) == 2
    captured = capsys.readouterr()
    assert captured.out.count("ok  ") == 2 and "september_2022" in captured.out
    errors = captured.err.strip().splitlines()
    assert len(errors) == 4 and "Traceback" not in captured.err
    assert ["latin1.toml" in errors[0], "russia.bias" in errors[1], "binary.toml" in errors[2],
            "is a folder" in errors[3]] == [True] * 4
    assert main(["validate", *map(str, sorted((ROOT / "scenarios").glob("*.toml")))]) == 0


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_params_formats(capsys, fmt):
    assert main(["params", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "russia" in out and "bias" in out
    if fmt == "json":
        rows = json.loads(out)
        assert {"name", "default", "min", "max", "unit", "description", "source"} <= set(rows[0])


def test_console_script_and_module_entry_point(tmp_path):
    """The installed `borderSim` command and `python -m borderSim` both work and fail cleanly."""
    exe = Path(sys.executable).with_name("borderSim")
    for cmd in ([str(exe)], [sys.executable, "-m", "borderSim"]):
        ok = subprocess.run([*cmd, "params", "--group", "china"], capture_output=True, text=True, check=False)
        assert ok.returncode == 0 and "pressure_propensity" in ok.stdout
        bad = subprocess.run([*cmd, "run", str(tmp_path / "missing.toml")], capture_output=True, text=True,
                             check=False)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1


def test_output_piped_into_a_closed_reader_is_not_an_error():
    exe = Path(sys.executable).with_name("borderSim")
    proc = subprocess.run(f"'{exe}' params | head -n 1", shell=True, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr


def test_interrupted_run_leaves_nothing(tmp_path, monkeypatch):
    from borderSim.run import runner

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner.plots, "overview", boom)
    out = tmp_path / "r"
    assert main(["run", "baseline", *SHORT, "--out", str(out)]) == 130
    assert list(tmp_path.iterdir()) == []


def test_mesa_engine_writes_the_same_tables_as_the_core(tmp_path):
    args = ["--replicates", "2", "--days", "60", "--seed", "3", "--quiet"]
    assert main(["run", "september_2022", *args, "--out", str(tmp_path / "core")]) == 0
    assert main(["run", "september_2022", *args, "--engine", "mesa", "--out", str(tmp_path / "mesa")]) == 0
    for f in ("timeseries.parquet", "summary.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "core" / f), pd.read_parquet(tmp_path / "mesa" / f))
    assert json.loads((tmp_path / "mesa" / "manifest.json").read_text())["engine"] == "mesa"


def test_time_series_are_written_in_chunks_with_the_same_content(tmp_path):
    import pyarrow.parquet as pq

    args = ["run", "baseline", "--replicates", "5", "--days", "30", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "one")]) == 0
    assert main([*args, "--chunk-size", "2", "--out", str(tmp_path / "chunked")]) == 0
    assert pq.ParquetFile(tmp_path / "chunked" / "timeseries.parquet").num_row_groups == 3
    for f in ("timeseries.parquet", "summary.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "one" / f), pd.read_parquet(tmp_path / "chunked" / f))


@pytest.mark.slow
def test_benchmark_reports_json_and_markdown(tmp_path):
    """A tiny benchmark run: the report's structure, not its speed (timings are not asserted)."""
    assert main(["bench", "--batches", "1", "10", "--days", "5", "--mesa-replicates", "1", "--mesa-days", "3",
                 "--repeat", "2", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "bench.json").read_text())
    engines = [(r["engine"], r["batch"]) for r in report["results"]]
    assert engines == [("mesa", 1), ("core", 1), ("core", 10)]
    assert all(r["replicate_days_per_second"] > 0 and r["peak_memory_mib"] > 0 for r in report["results"])
    # each figure is the median of the repeats, within the range they span
    assert all(r["repeats"] == 2 and r["cpu_seconds_min"] <= r["cpu_seconds"] <= r["cpu_seconds_max"]
               for r in report["results"])
    assert "ratio" in (tmp_path / "bench.md").read_text()
    # both engines against their floor (numpy's uniform per village-day at their batch size)
    assert all(r["ratio_to_uniform"] > 0 and r["ns_per_village_day"] > 0 for r in report["results"])


@pytest.mark.slow
def test_benchmark_times_every_phase_of_both_engines(tmp_path):
    """`bench --phases`: each configuration's time split over the day's phases, the recorder and each engine's
    own work, adding up to the run's CPU time (structure only: timings are not asserted)."""
    from borderSim.rules.schedule import DAY

    assert main(["bench", "--phases", "--batches", "10", "--days", "3", "--mesa-replicates", "1", "--mesa-days", "2",
                 "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "phases.json").read_text())
    assert [(r["engine"], r["batch"]) for r in report["phases"]] == [("mesa", 1), ("core", 10)]
    for r in report["phases"]:
        names = [name for name, _ in r["phases"]]
        assert names[:len(DAY)] == [p.name for p in DAY] and "summary recorder" in names
        assert ("Mesa DataCollector" in names) == (r["engine"] == "mesa")
        assert all(t >= 0 for _, t in r["phases"]) and r["floor_seconds"] > 0
        assert sum(t for _, t in r["phases"]) == pytest.approx(r["cpu_seconds"], rel=1e-6)
    assert "| **total** |" in (tmp_path / "phases.md").read_text()


@pytest.mark.slow
def test_benchmark_times_every_phase_of_the_calibration_candidates(tmp_path):
    """`bench --phases --calibration`: the same split for the calibration benchmark's candidates, one row each, at each
    batch size (structure only), and those rows are the throughput benchmark's first candidates, cold-started."""
    from borderSim.bench import calibration
    from borderSim.calibration.problem import read_calibration
    from borderSim.rules.schedule import DAY

    assert main(["bench", "--phases", "--calibration", "--batches", "12", "--days", "3", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "phases.json").read_text())
    assert [(r["engine"], r["batch"]) for r in report["phases"]] == [("candidates", 12)]
    r = report["phases"][0]
    assert [name for name, _ in r["phases"]][:len(DAY)] == [p.name for p in DAY]
    assert sum(t for _, t in r["phases"]) == pytest.approx(r["cpu_seconds"], rel=1e-6)
    assert "calibration candidates 12 x 3" in (tmp_path / "phases.md").read_text()
    base, values, seed, columns = calibration.candidate_rows(5)
    cal = read_calibration(calibration.write_problem(tmp_path, cold=True))
    assert base.simulation.warm_start == "none" and seed == cal.seed
    assert columns == ("major_episodes", "episodes_rung4plus")      # the targets' columns, as the evaluator runs them
    assert list(values) == [p.name for p in cal.priors]
    assert np.array_equal(np.column_stack(list(values.values())), calibration.draw(cal, calibration.CANDIDATES)[:5])


def test_benchmark_kinds_other_than_phases_of_the_candidates_are_one_at_a_time(capsys):
    for both in (["--sweeps", "--phases"], ["--sweeps", "--calibration"], ["--sweeps", "--phases", "--calibration"]):
        assert main(["bench", *both]) == 2
        _one_line_error(capsys, "one of them at a time")


@pytest.mark.slow
def test_bench_run_from_a_checkout_leaves_its_files_alone(tmp_path, monkeypatch, capsys):
    """Without --out, `borderSim bench` only prints: the tracked benchmarks/results are not overwritten."""
    monkeypatch.chdir(tmp_path)
    tracked = tmp_path / "benchmarks" / "results" / "bench.md"
    tracked.parent.mkdir(parents=True)
    tracked.write_text("committed figures\n")
    assert main(["bench", "--batches", "1", "--days", "2", "--mesa-replicates", "1", "--mesa-days", "1",
                 "--repeat", "1"]) == 0
    assert "| engine | batch |" in capsys.readouterr().out
    assert tracked.read_text() == "committed figures\n"
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == [
        Path("benchmarks"), Path("benchmarks/results"), Path("benchmarks/results/bench.md")]


def _one_line_error(capsys, needle: str) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert needle in err, err
    return err


def test_a_chunk_that_cannot_fit_in_memory_is_refused_before_running(tmp_path, monkeypatch, capsys):
    from borderSim.run import budget

    monkeypatch.setattr(budget, "available_memory", lambda: 4_000_000_000)
    out = tmp_path / "r"
    assert run_cli("run", "baseline", "--replicates", "10000000", "--chunk-size", "10000000", "--no-timeseries",
                   "--out", str(out)) == 2
    _one_line_error(capsys, "--chunk-size: 10000000: needs about 81.9 GB of memory for 730 days")
    assert not out.exists()
    assert run_cli("run", "baseline", "--replicates", "100000", "--chunk-size", "100000", "--out", str(out)) == 2
    need, fits = budget.chunk_bytes(100_000, 730, True), int(0.8 * 4_000_000_000 // budget.chunk_bytes(1, 730, True))
    _one_line_error(capsys, f"needs about {need / 1e9:.1f} GB of memory for 730 days but 4.0 GB is available; "
                    f"expected at most {fits:,} rows")


def test_series_that_cannot_fit_on_the_disk_are_refused_before_running(tmp_path, monkeypatch, capsys):
    import shutil

    from borderSim.run import budget

    monkeypatch.setattr(budget.shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10**12, 10**12 - 10**9,
                                                                                       10**9))
    assert run_cli("run", "baseline", "--replicates", "100000", "--out", str(tmp_path / "r")) == 2
    _one_line_error(capsys, "the daily series of 100,000 replicates x 730 days would take about 4.7 GB but "
                    "1.0 GB is free")
    capsys.readouterr()
    assert run_cli("run", "baseline", "--replicates", "1000000", "--out", str(tmp_path / "r")) == 2
    _one_line_error(capsys, "expected --no-timeseries (summaries only) or fewer replicates")
    assert list(tmp_path.iterdir()) == []


def test_out_of_memory_is_one_line_and_writes_nothing(tmp_path, monkeypatch, capsys):
    from borderSim.run import runner

    def oom(*a, **k):
        raise MemoryError

    monkeypatch.setattr(runner, "run_to_folder", oom)
    assert run_cli("run", "baseline", *SHORT, "--out", str(tmp_path / "r")) == 2
    _one_line_error(capsys, "out of memory; nothing was written")
    assert list(tmp_path.iterdir()) == []


def test_viz_without_its_extra_names_the_extra(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name, *a))
    assert run_cli("viz", "baseline", "--no-browser") == 2
    _one_line_error(capsys, "needs the viz extra (module uvicorn is missing): pip install 'borderSim[viz]'")


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_params_of_one_group_in_every_format(capsys, fmt):
    assert main(["params", "--format", fmt, "--group", "china"]) == 0
    out = capsys.readouterr().out
    assert "pressure_propensity" in out and "pressure_strength" in out and "russia" not in out


def test_summary_table_reads_as_a_table_of_outcomes(tmp_path, capsys):
    assert run_cli("run", "september_2022", "--replicates", "1", "--days", "1", "--out", str(tmp_path / "a")) == 0
    out = capsys.readouterr().out
    assert "1 replicate x 1 day," in out
    assert run_cli("run", "september_2022", "--replicates", "40", "--days", "60", "--out", str(tmp_path / "b")) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "40 replicates x 60 days" in out
    assert "% of replicates" in out and "(persons)" in out and "(index 0-1)" in out and "e+" not in out
    assert "starting: loading the compiled kernels" in captured.err
    assert "writing the tables and overview.png" in captured.err


def test_series_recorded_in_blocks_match_the_engine_snapshots(tmp_path):
    """The written series equal the core's own daily snapshots, across staging blocks (70 days = 2 blocks
    and a remainder) and a partial last chunk (5 replicates in chunks of 2)."""
    from borderSim.core.run import run_rows
    from borderSim.schema.scenarios import load_scenario

    assert main(["run", "september_2022", "--replicates", "5", "--days", "70", "--seed", "9", "--chunk-size", "2",
                 "--quiet", "--out", str(tmp_path / "r")]) == 0
    ts = read_timeseries(tmp_path / "r" / "timeseries.parquet")
    ref = run_rows(load_scenario("september_2022").params, np.arange(5), seed=9, days=70, record=True)
    assert list(ts.columns[3:]) == ref.columns
    expected = np.transpose(ref.series, (1, 0, 2)).reshape(5 * 71, -1)   # replicate-major rows
    assert np.array_equal(ts[ref.columns].to_numpy(np.float64), expected)
    assert (ts.replicate.to_numpy() == np.repeat(np.arange(5), 71)).all()
    assert (ts.day.to_numpy() == np.tile(np.arange(71), 5)).all()
