"""Damaged results folders are never trusted: every file of a sweep carries its SHA-256 in the manifest.

A finished folder with a truncated, empty, swapped, forged, deleted or foreign chunk, or a damaged
design, quantiles or manifest, is refused by every analysis (compare, sensitivity, discover) in one
line with exit status 2, and nothing is written; ``sweep --resume`` on it runs the damaged chunks again
and the folder then equals an undamaged one exactly. An interrupted sweep whose chunks or scratch
files were damaged is resumed the same way: what is damaged runs again, nothing damaged is published.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from borderSim.cli.main import main
from borderSim.experiments.evaluate import executors
from borderSim.experiments.evaluate.store import open_results

# the module's fixtures are built once: its tests run on one worker (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("damaged_folders")

EXPERIMENT = """
description = "two scenarios, split points"
scenarios = ["baseline", "multiparty"]
reference = "baseline"
replicates = 6
days = 30
seed = 5
chunk_rows = 3

[keep]
quantiles = ["level"]
series = ["ceasefire"]
"""


def tables(path: Path) -> list[pd.DataFrame]:
    r = open_results(path)
    return [r.summary, r.quantiles(), r.series(), r.design]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("damaged")
    exp = tmp / "exp.toml"
    exp.write_text(EXPERIMENT)
    assert main(["sweep", str(exp), "--out", str(tmp / "reference"), "--quiet"]) == 0
    return exp, tmp / "reference"


def _flip(p: Path, at: int = 200, n: int = 64) -> None:
    b = bytearray(p.read_bytes())
    for i in range(at, min(at + n, len(b))):
        b[i] ^= 0xFF
    p.write_bytes(bytes(b))


def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _swap(a: Path, b: Path) -> None:
    tmp = a.with_name("x")
    a.rename(tmp)
    b.rename(a)
    tmp.rename(b)


def _forge(p: Path) -> None:
    """A valid Parquet file with other numbers (doubled deaths): only the checksum can tell."""
    t = pq.read_table(p).to_pandas()
    t["deaths_total"] = t["deaths_total"] * 2 + 1
    pq.write_table(pa.Table.from_pandas(t, preserve_index=False), p, compression="zstd")


S = "summary/chunk-{:05d}.parquet"
DAMAGE = {
    "truncated chunk": (lambda r: _truncate(r / S.format(1)), "summary/chunk-00001.parquet is damaged"),
    "zero-byte chunk": (lambda r: (r / S.format(2)).write_bytes(b""), "summary/chunk-00002.parquet is empty"),
    "swapped chunks (baseline's as multiparty's)": (lambda r: _swap(r / S.format(0), r / S.format(2)),
                                                    "summary/chunk-00000.parquet is damaged"),
    "forged chunk": (lambda r: _forge(r / S.format(3)), "summary/chunk-00003.parquet is damaged"),
    "deleted chunk": (lambda r: (r / S.format(3)).unlink(), "summary/chunk-00003.parquet is missing"),
    "foreign chunk": (lambda r: shutil.copy(r / S.format(0), r / S.format(9)),
                      "summary/chunk-00009.parquet is not one of the sweep's files"),
    "flipped bytes in a series chunk": (lambda r: _flip(r / "series" / "chunk-00001.parquet"),
                                        "series/chunk-00001.parquet is damaged"),
    "flipped bytes in the quantiles": (lambda r: _flip(r / "quantiles.parquet"), "quantiles.parquet is damaged"),
    "design swapped for another": (lambda r: _forge_design(r), "design.parquet is damaged"),
}


def _forge_design(r: Path) -> None:
    d = pd.read_parquet(r / "design.parquet")
    d["label"] = d["label"].iloc[::-1].to_list()
    d.to_parquet(r / "design.parquet")


@pytest.mark.parametrize("case", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_folder_is_refused_by_every_analysis_and_repaired_by_resume(reference, tmp_path, capsys, case):
    exp, ref = reference
    out = tmp_path / "r"
    shutil.copytree(ref, out)
    damage, needle = DAMAGE[case]
    damage(out)
    before = snapshot(tmp_path)
    for argv in (["compare", str(out)], ["sensitivity", str(out)], ["discover", str(out)]):
        capsys.readouterr()
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and needle in err and "--resume" in err, err
        assert "Traceback" not in err
    assert snapshot(tmp_path) == before                   # nothing written, nothing lost
    assert main(["sweep", str(exp), "--out", str(out), "--quiet", "--resume"]) == 0
    for x, y in zip(tables(ref), tables(out), strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)
    assert main(["sweep", str(exp), "--out", str(out), "--quiet", "--resume"]) == 2   # intact: nothing to resume
    assert "every file matches its checksum" in capsys.readouterr().err


@pytest.mark.parametrize(("case", "edit", "needle"), [
    ("manifest not JSON", lambda m: m.write_text("{ not json"), "manifest.json is damaged"),
    ("manifest without its design", lambda m: m.write_text(json.dumps(
        {k: v for k, v in json.loads(m.read_text()).items() if k != "design"})), "missing its 'design'"),
    ("manifest without checksums (an older folder)", lambda m: m.write_text(json.dumps(
        {**json.loads(m.read_text()), "borderSim_sweep": 1})), "folder format 1"),
])
def test_a_damaged_manifest_is_one_line(reference, tmp_path, capsys, case, edit, needle):
    _, ref = reference
    out = tmp_path / "r"
    shutil.copytree(ref, out)
    edit(out / "manifest.json")
    before = snapshot(tmp_path)
    for cmd in ("compare", "sensitivity", "discover"):
        capsys.readouterr()
        assert main([cmd, str(out)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and needle in err and "Traceback" not in err, err
    assert snapshot(tmp_path) == before


def _interrupted(exp: Path, out: Path, monkeypatch, at: int = 3) -> Path:
    """A sweep stopped by Ctrl-C at chunk ``at``: chunks 0..at-1 are kept in its partial folder."""
    real = executors.run_task

    def interrupt(task, progress=None):
        if task.chunk.id == at:
            raise KeyboardInterrupt
        return real(task, progress)

    with monkeypatch.context() as m:
        m.setattr(executors, "run_task", interrupt)
        assert main(["sweep", str(exp), "--out", str(out), "--quiet"]) == 130
    return out.with_name(f".{out.name}.partial")


@pytest.mark.parametrize(("case", "damage"), [
    ("truncated chunk", lambda p: _truncate(p / S.format(1))),
    ("zero-byte chunk", lambda p: (p / S.format(0)).write_bytes(b"")),
    ("forged chunk", lambda p: _forge(p / S.format(2))),
    ("deleted chunk", lambda p: (p / S.format(2)).unlink()),
    ("swapped chunks", lambda p: _swap(p / S.format(0), p / S.format(2))),
    ("deleted scratch partial", lambda p: (p / ".scratch" / "partial-00000.npy").unlink()),
    ("damaged scratch partial", lambda p: _flip(p / ".scratch" / "partial-00001.npy", at=140)),
    ("foreign chunk", lambda p: shutil.copy(p / S.format(0), p / S.format(5))),
])
def test_resume_runs_damaged_chunks_again_and_publishes_no_damage(reference, tmp_path, monkeypatch, case, damage):
    exp, ref = reference
    out = tmp_path / "r"
    partial = _interrupted(exp, out, monkeypatch)
    assert len(list((partial / "summary").glob("*.parquet"))) == 3
    damage(partial)
    assert main(["sweep", str(exp), "--out", str(out), "--quiet", "--resume"]) == 0
    for x, y in zip(tables(ref), tables(out), strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)
