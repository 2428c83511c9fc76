"""Posterior files are checked, every field, before anything runs (``sweep --posterior``,
``compare --posterior``): one line naming the file, exit status 2, nothing written or left behind
(no results folder, no ``.partial``, ``RESULTS/compare`` untouched)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from borderSim.cli.main import main
from borderSim.experiments.evaluate.posterior import META_KEY, model_version, read_posterior, write_posterior

# the module's fixtures are built once: its tests run on one worker (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("posterior_files")

NAMES = ["tajikistan.escalation_intercept", "border.ceasefire_rate"]


def frame(n: int = 4) -> pd.DataFrame:
    return pd.DataFrame({NAMES[0]: np.linspace(-7, -5, n), NAMES[1]: np.linspace(0.2, 0.4, n),
                         "weight": np.full(n, 1 / n), "distance": np.linspace(1, 2, n)})


def meta(**changes) -> dict:
    return {"model_version": model_version(), "calibration": "t", "names": list(NAMES), "base": "baseline",
            "seed": 1, **changes}


def good(path: Path) -> Path:
    write_posterior(frame(), meta(), path)
    return path


def sealed(path: Path, f: pd.DataFrame, m: dict) -> Path:
    """A file with a valid checksum over whatever it holds (so the field checks, not the checksum, speak)."""
    write_posterior(f, m, path)
    return path


def raw(path: Path, f: pd.DataFrame, metadata: bytes | None) -> Path:
    t = pa.Table.from_pandas(f, preserve_index=False)
    if metadata is not None:
        t = t.replace_schema_metadata({**(t.schema.metadata or {}), META_KEY: metadata})
    pq.write_table(t, path)
    return path


def flipped(path: Path, at: int) -> Path:
    b = bytearray(good(path).read_bytes())
    at = at % len(b)
    for i in range(at, min(at + 64, len(b))):
        b[i] ^= 0x5A
    path.write_bytes(bytes(b))
    return path


def with_(**cols):
    f = frame()
    for k, v in cols.items():
        f[k] = v
    return f


CASES = {
    "metadata not JSON": (lambda p: raw(p, frame(), b"{names: oops"), "metadata is damaged"),
    "metadata not a table": (lambda p: raw(p, frame(), b"[1, 2]"), "metadata is damaged"),
    "metadata without names": (lambda p: sealed(p, frame(), {k: v for k, v in meta().items() if k != "names"}),
                               "no list of parameter names"),
    "a name twice": (lambda p: sealed(p, frame(), meta(names=[NAMES[0], NAMES[0]])), "names a parameter twice"),
    "no weight column": (lambda p: sealed(p, frame().drop(columns="weight"), meta()), "has no weight column"),
    "no column for a name": (lambda p: sealed(p, frame().drop(columns=NAMES[1]), meta()),
                             "has no column for border.ceasefire_rate"),
    "a column not named": (lambda p: sealed(p, with_(**{"russia.bias": 0.1}), meta()), "does not name"),
    "unknown parameter": (lambda p: sealed(p, frame().rename(columns={NAMES[1]: "border.ceasefire_rat"}),
                                           meta(names=[NAMES[0], "border.ceasefire_rat"])),
                          "did you mean border.ceasefire_rate"),
    "run control": (lambda p: sealed(p, frame().rename(columns={NAMES[1]: "simulation.days"}),
                                     meta(names=[NAMES[0], "simulation.days"])), "a run control"),
    "choice-valued parameter": (lambda p: sealed(p, frame().rename(columns={NAMES[1]: "us.style"}),
                                                 meta(names=[NAMES[0], "us.style"])), "numeric parameters only"),
    "NaN weight": (lambda p: sealed(p, with_(weight=[0.5, np.nan, 0.25, 0.25]), meta()), "weight of sample 1 is nan"),
    "zero weights": (lambda p: sealed(p, with_(weight=[0.0, 0.0, 0.0, 0.0]), meta()), "weight of sample 0 is 0.0"),
    "negative weight": (lambda p: sealed(p, with_(weight=[0.5, -0.1, 0.3, 0.3]), meta()),
                        "weight of sample 1 is -0.1"),
    "value outside the schema's range": (lambda p: sealed(p, with_(**{NAMES[0]: [-6, 1e6, -6, -6]}), meta()),
                                         "tajikistan.escalation_intercept of sample 1 is 1000000.0"),
    "NaN value": (lambda p: sealed(p, with_(**{NAMES[1]: [0.2, 0.3, np.nan, 0.3]}), meta()),
                  "border.ceasefire_rate of sample 2 is nan"),
    "no samples": (lambda p: sealed(p, frame().iloc[:0], meta()), "holds no samples"),
    "empty file": (lambda p: (p.write_bytes(b""), p)[1], "is empty (0 bytes)"),
    "truncated file": (lambda p: (p.write_bytes(good(p).read_bytes()[:3000]), p)[1], "not a readable Parquet file"),
    "64 flipped bytes in the data": (lambda p: flipped(p, 600), "posterior.parquet: "),
    "64 flipped bytes in the footer": (lambda p: flipped(p, -900), "posterior.parquet: "),
    "values edited after writing": (lambda p: raw(p, with_(**{NAMES[1]: [0.9, 0.9, 0.9, 0.9]}),
                                                  pq.read_schema(good(p)).metadata[META_KEY]),
                                    "does not match its checksum"),
    "no checksum": (lambda p: raw(p, frame(), json.dumps(meta()).encode()), "carries no checksum"),
    "another model version": (lambda p: sealed(p, frame(), meta(model_version="0.0.1+0")), "model version 0.0.1+0"),
    "unknown base scenario": (lambda p: sealed(p, frame(), meta(base="basline")), "base scenario 'basline'"),
}

EXPERIMENT = 'description = "x"\nscenarios = ["baseline", "osce_facilitative"]\nreplicates = 3\ndays = 5\n'


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    """A finished point-estimate sweep that compare has already analysed once."""
    tmp = tmp_path_factory.mktemp("post")
    exp = tmp / "exp.toml"
    exp.write_text(EXPERIMENT)
    assert main(["sweep", str(exp), "--out", str(tmp / "res"), "--quiet"]) == 0
    assert main(["compare", str(tmp / "res"), "--bootstrap", "100"]) == 0
    return tmp / "res"


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_bad_posterior_file_is_one_line_and_nothing_runs(results, tmp_path, monkeypatch, capsys, case):
    monkeypatch.chdir(tmp_path)
    make, needle = CASES[case]
    post = make(tmp_path / "posterior.parquet")
    exp = tmp_path / "exp.toml"
    exp.write_text(EXPERIMENT)
    before, kept = snapshot(tmp_path), snapshot(results)
    for argv in (["sweep", str(exp), "--out", str(tmp_path / "s"), "--posterior", str(post), "--quiet"],
                 ["compare", str(results), "--posterior", str(post), "--bootstrap", "100"]):
        capsys.readouterr()
        assert main(argv) == 2, argv
        captured = capsys.readouterr()
        err = captured.err.strip()
        assert len(err.splitlines()) == 1 and needle in err and "Traceback" not in err, err
        assert str(post) in err
        assert not captured.out          # compare refused before printing (or writing) any table
    assert snapshot(tmp_path) == before and snapshot(results) == kept
    assert not (tmp_path / "runs").exists()


def test_the_shipped_posterior_and_a_calibration_s_own_pass(tmp_path):
    post = read_posterior(Path(__file__).parents[1] / "src" / "borderSim" / "data" / "posterior.parquet")
    shipped = tomllib.loads((Path(__file__).parents[1] / "experiments" / "calibration.toml").read_text("utf-8"))
    # the posterior of the shipped calibration file: its population, one column per parameter it names
    assert post.samples.shape == (shipped["abc"]["population"], len(shipped["parameters"]))
    assert list(post.names) == list(shipped["parameters"]) and np.isclose(post.weights.sum(), 1)
    mine = read_posterior(good(tmp_path / "p.parquet"))
    np.testing.assert_array_equal(mine.samples[:, 1], frame()[NAMES[1]].to_numpy())
