"""Every shipped experiment file (``experiments/*.toml``) runs end to end at reduced size: the sweep, then
the analysis its design is for (compare for a grid, sensitivity for Sobol/Morris, discover for LHS,
both ways); the calibration files run ``calibrate`` at a tiny budget and write a posterior that passes
the posterior checks; the optimisation files run ``optimize`` for two small generations.
Only the size is reduced (replicates, days, samples, the ABC budget): the
scenarios, axes, ranges, priors, targets and kept series are the files' own."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from borderSim.cli.main import main
from borderSim.experiments.evaluate.posterior import read_posterior
from borderSim.experiments.evaluate.store import open_results

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"
FILES = sorted(EXPERIMENTS.glob("*.toml"))
#: the reduced size: enough cases that PRIM pastes on the integer axes (where PRIM crashed under pandas 3)
SIZE = {"replicates": 8, "days": 300}
SAMPLES = {"lhs": 60, "sobol": 4, "morris": 4}
ABC = {"population": "8", "batch": "32", "quantiles": "[0.5, 0.5]", "max_candidates": "2000", "pilot": "32"}


def is_calibration(path: Path) -> bool:
    return "runs" in tomllib.loads(path.read_text(encoding="utf-8"))


def is_optimisation(path: Path) -> bool:
    return "levers" in tomllib.loads(path.read_text(encoding="utf-8"))


#: the reduced size of an optimisation: two generations of a small population on few draws and replicates
OPTIMISE = {"replicates": "2", "days": "120", "draws": "2", "population": "8", "generations": "2"}


def _set(text: str, key: str, value: str) -> str:
    text, n = re.subn(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
    assert n, f"{key} not found"
    return text


def reduced_experiment(path: Path, tmp: Path) -> tuple[Path, str]:
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    kind = data.get("design", {}).get("kind", "grid")
    for key, value in SIZE.items():
        text = _set(text, key, str(value)) if key in data else f"{key} = {value}\n" + text
    if kind != "grid":
        text = _set(text, "samples", str(SAMPLES[kind]))
    if data.get("keep", {}).get("series_replicates"):
        text = _set(text, "series_replicates", str(SIZE["replicates"]))
    out = tmp / path.name
    out.write_text(text, encoding="utf-8")
    return out, kind


def reduced_calibration(path: Path, tmp: Path) -> Path:
    text = path.read_text(encoding="utf-8")
    rejection = tomllib.loads(text)["abc"].get("method") == "rejection"    # one generation: one quantile
    for key, value in ABC.items():
        text = _set(text, key, "[0.5]" if key == "quantiles" and rejection else value)
    text = re.sub(r"(?m)^replicates\s*=\s*(\d+)", lambda m: f"replicates = {min(int(m.group(1)), 4)}", text)
    out = tmp / path.name
    out.write_text(text, encoding="utf-8")
    return out


def test_the_shipped_files_are_all_here():
    names = {p.name for p in FILES}
    assert {"mediation_comparison.toml", "western_timing.toml", "sensitivity.toml", "discovery.toml",
            "calibration.toml", "calibration_example.toml"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in FILES if is_optimisation(p)], ids=lambda p: p.stem)
def test_a_shipped_optimisation_runs_end_to_end(path, tmp_path):
    text = path.read_text(encoding="utf-8")
    for key, value in OPTIMISE.items():
        text = _set(text, key, value)
    small = tmp_path / path.name
    small.write_text(text, encoding="utf-8")
    out = tmp_path / "results"
    assert main(["optimize", str(small), "--out", str(out)]) == 0
    files = ("pareto.parquet", "pareto.md", "hypervolume.parquet", "tradeoff.png")
    assert all((out / f).is_file() for f in files)


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in FILES if not is_calibration(p) and not is_optimisation(p)],
                         ids=lambda p: p.stem)
def test_a_shipped_experiment_runs_end_to_end(path, tmp_path, capsys):
    exp, kind = reduced_experiment(path, tmp_path)
    out = tmp_path / "results"
    assert main(["sweep", str(exp), "--out", str(out), "--quiet"]) == 0
    r = open_results(out)
    assert r.manifest["status"] == "complete" and len(r.summary) == len(r.design) * SIZE["replicates"]
    if kind == "grid":
        assert main(["compare", str(out), "--bootstrap", "200"]) == 0
        assert (out / "compare" / "contrasts.csv").is_file() and (out / "compare" / "forest.png").is_file()
    elif kind in ("sobol", "morris"):
        assert main(["sensitivity", str(out)]) == 0
        assert (out / "sensitivity" / "indices.csv").is_file()
    else:
        for flags in ([], ["--absent"]):
            assert main(["discover", str(out), *flags, "--out", str(tmp_path / f"discover{len(flags)}")]) == 0
            assert (tmp_path / f"discover{len(flags)}" / "box.csv").is_file()
    err = capsys.readouterr().err
    assert "Traceback" not in err


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in FILES if is_calibration(p)], ids=lambda p: p.stem)
def test_a_shipped_calibration_runs_at_a_tiny_budget(path, tmp_path):
    cal = reduced_calibration(path, tmp_path)
    out = tmp_path / "cal"
    assert main(["calibrate", str(cal), "--out", str(out), "--quiet"]) == 0
    post = read_posterior(out / "posterior.parquet")
    assert len(post.weights) == int(ABC["population"])
    assert (out / "calibrated.toml").is_file()
