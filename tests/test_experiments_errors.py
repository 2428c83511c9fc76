"""Bad input to the experiment commands: one line naming the file or flag, the value and what is
allowed; exit status 2; no traceback; nothing that existed before changed or deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

from borderSim.cli.main import main

GOOD = """description = "two scenarios"
scenarios = ["baseline", "osce_facilitative"]
replicates = 4
days = 10
"""


def exp(tmp: Path, text: str, name: str = "e.toml") -> str:
    p = tmp / name
    p.write_text(text)
    return str(p)


def axis(line: str, kind: str = "grid", samples: str = "") -> str:
    return f'description = "x"\nreplicates = 2\ndays = 5\n[design]\nkind = "{kind}"\n{samples}\n[axes]\n{line}\n'


def results(tmp: Path, name: str = "done", text: str = GOOD) -> str:
    assert main(["sweep", exp(tmp, text, f"{name}.toml"), "--out", str(tmp / name), "--quiet"]) == 0
    return str(tmp / name)


def interrupted(tmp: Path, monkeypatch) -> str:
    """A sweep whose second chunk failed: its partial folder is waiting for --resume."""
    from borderSim.experiments.evaluate import executors

    real = executors.run_task

    def flaky(task, progress=None):
        if task.chunk.id == 1:
            raise RuntimeError("boom")
        return real(task, progress)

    with monkeypatch.context() as m:
        m.setattr(executors, "run_task", flaky)
        assert main(["sweep", exp(tmp, GOOD.replace("replicates = 4", "replicates = 4\nchunk_rows = 4"),
                                  "a.toml"), "--out", str(tmp / "a"), "--quiet"]) == 1
    return str(tmp / "a")


CASES = [
    ("unknown axis parameter", lambda t, m: ["sweep", exp(t, axis('"osce.wilingness" = [0.1]'))],
     "did you mean osce.willingness"),
    ("range outside bounds", lambda t, m: ["sweep", exp(t, axis('"russia.bias" = { low = -2, high = 1 }', "lhs",
                                                                "samples = 4"))], "outside the schema's bounds"),
    ("empty design", lambda t, m: ["sweep", exp(t, axis('"russia.bias" = []'))], "design would be empty"),
    ("sobol base not a power of two", lambda t, m: ["sweep", exp(t, axis('"russia.bias" = { low = 0, high = 1 }',
                                                                         "sobol", "samples = 100"))], "power of two"),
    ("grid value out of range", lambda t, m: ["sweep", exp(t, axis('"russia.bias" = [0.5, 3]'))], "russia.bias"),
    ("run control as an axis", lambda t, m: ["sweep", exp(t, axis('"simulation.days" = [5]'))], "run control"),
    ("unknown key", lambda t, m: ["sweep", exp(t, GOOD + "replicate = 3\n")], "did you mean replicates"),
    ("no description", lambda t, m: ["sweep", exp(t, 'scenarios = ["baseline"]\n')], "description"),
    ("unknown scenario", lambda t, m: ["sweep", exp(t, 'description = "x"\nscenarios = ["basline"]\n')],
     "did you mean baseline"),
    ("unknown kept series", lambda t, m: ["sweep", exp(t, GOOD + '[keep]\nquantiles = ["levle"]\n')],
     "did you mean level"),
    ("missing experiment file", lambda t, m: ["sweep", str(t / "nope.toml")], "nope.toml"),
    ("not UTF-8", lambda t, m: ["sweep", _latin1(t)], "UTF-8"),
    ("workers 0", lambda t, m: ["sweep", exp(t, GOOD), "--workers", "0"], "--workers"),
    ("unreachable scheduler", lambda t, m: ["sweep", exp(t, GOOD), "--scheduler", "tcp://127.0.0.1:9"],
     "--scheduler"),
    ("resume a folder that does not exist", lambda t, m: ["sweep", exp(t, GOOD), "--out", str(t / "none"),
                                                          "--resume"], "nothing to resume"),
    ("resume without --out", lambda t, m: ["sweep", exp(t, GOOD), "--resume"], "--out"),
    ("resume another experiment's folder", lambda t, m: ["sweep", exp(t, GOOD.replace("days = 10", "days = 11")),
                                                         "--out", interrupted(t, m), "--resume"], "another experiment"),
    ("start over an interrupted sweep", lambda t, m: ["sweep", exp(t, GOOD, "b.toml"),
                                                      "--out", interrupted(t, m)], "add --resume"),
    ("unknown metric", lambda t, m: ["compare", results(t), "--metrics", "deaths_KGG"], "did you mean deaths_KG"),
    ("unknown reference", lambda t, m: ["compare", results(t), "--reference", "osce"], "--reference"),
    ("compare a run folder", lambda t, m: ["compare", _run_folder(t)], "run's folder"),
    ("compare nothing", lambda t, m: ["compare", str(t / "nothing")], "no such results folder"),
    ("sensitivity of a grid", lambda t, m: ["sensitivity", results(t)], "sobol or morris"),
    ("discover without axes", lambda t, m: ["discover", results(t)], "no parameter axes"),
    ("discover over choices", lambda t, m: ["discover", results(t, text=axis('"eu.style" = ["facilitative", '
                                                                           '"manipulative"]'))], "takes choices"),
]


def _latin1(t: Path) -> str:
    p = t / "latin.toml"
    p.write_bytes('description = "Khujand–Batken"\n'.encode("utf-16"))
    return str(p)


def _run_folder(t: Path) -> str:
    assert main(["run", "baseline", "--replicates", "1", "--days", "2", "--quiet", "--out", str(t / "run")]) == 0
    return str(t / "run")


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("case", "argv", "needle"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_one_line_exit_2_nothing_lost(tmp_path, monkeypatch, capsys, case, argv, needle):
    monkeypatch.chdir(tmp_path)
    args = [str(a) for a in argv(tmp_path, monkeypatch)]
    capsys.readouterr()
    before = snapshot(tmp_path)
    assert main(args) == 2, case
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert needle in err and "Traceback" not in err, err
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "runs").exists()
