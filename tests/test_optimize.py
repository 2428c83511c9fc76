"""``borderSim optimize`` and ``borderSim pareto``: toy problems with known Pareto fronts are recovered; the
results are identical in-process, on 2 processes, on a Dask LocalCluster and after kill -9 and --resume;
bad optimisation files get one line and exit status 2; the re-evaluation on fresh indices runs on other
replicate indices and posterior draws; chosen designs are compared and a failure region discovered.

"Identical" means: pareto.parquet, hypervolume.parquet and evaluated.parquet equal exactly (no tolerance).
Budgets are tiny (a few candidates x 2 draws x 2 replicates x 30 days) to keep the suite fast.
"""

from __future__ import annotations

import ast
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pymoo")

import borderSim
from borderSim.cli.main import main
from borderSim.optimize.evaluate import ModelEvaluator, Outcomes, lever_values, per_draw, robust
from borderSim.optimize.problem import Measure, read_optimization
from borderSim.optimize.run import run_optimization
from borderSim.optimize.store import open_optimization

# the module's fixtures are built once: its tests run on one worker (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("optimize")

SMALL = """
description = "tiny: EU willingness, delay and style against deaths and effort"
days = 30
replicates = 2
seed = 11
chunk_rows = 5

[posterior]
samples = "shipped"
draws = 2

[levers]
"eu.willingness" = { low = 0.0, high = 0.9 }
"eu.delay_days" = { low = 0, high = 10 }
"eu.style" = ["facilitative", "manipulative"]

[effort]
eu_days_engaged = 1.0
"eu.monitoring*eu_days_engaged" = 2.0

[objectives.deaths]
outcome = "deaths_total"
[objectives.effort]
outcome = "effort"

[optimizer]
population = 6
generations = 4
seed = 2
tolerance = 0
"""


def write(tmp: Path, text: str, name: str = "opt.toml") -> Path:
    p = tmp / name
    p.write_text(text)
    return p


def tables(out: Path) -> list[pd.DataFrame]:
    r = open_optimization(out)
    return [r.pareto, r.hypervolume, r.evaluated]


def assert_identical(a: Path, b: Path) -> None:
    for x, y in zip(tables(a), tables(b), strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("optimize")
    f = write(tmp, SMALL)
    out = tmp / "reference"
    assert main(["optimize", str(f), "--out", str(out), "--quiet"]) == 0
    return f, out


# -- toy problems with known fronts --------------------------------------------------------------------
TOY = """
description = "toy problem with a known front"
days = 1
replicates = 1
[levers]
"eu.willingness" = {{ low = 0.0, high = 1.0 }}
"us.willingness" = {{ low = 0.0, high = 1.0 }}
"osce.willingness" = {{ low = 0.0, high = 1.0 }}
"russia.mediation_propensity" = {{ low = 0.0, high = 1.0 }}
{objectives}
[optimizer]
population = {population}
generations = {generations}
seed = 4
tolerance = 0
"""
COLUMNS = ("deaths_KG", "deaths_TJ", "deaths_civilian")


def toy(kind: str):
    """ZDT1 (two objectives; front f2 = 1 - sqrt(f1)) or DTLZ2 (three; front: the unit sphere's octant) over
    four levers, each outcome the same in every replicate."""

    def make(opt):
        def evaluate(X, block):
            v = lever_values(opt, X)
            x = np.column_stack([v["eu.willingness"], v["us.willingness"], v["osce.willingness"],
                                 v["russia.mediation_propensity"]])
            if kind == "zdt1":
                g = 1 + 9 * x[:, 1:].mean(axis=1)
                f = [x[:, 0], g * (1 - np.sqrt(x[:, 0] / g))]
            else:
                g = ((x[:, 2:] - 0.5) ** 2).sum(axis=1)
                a, b = x[:, 0] * np.pi / 2, x[:, 1] * np.pi / 2
                f = [(1 + g) * np.cos(a) * np.cos(b), (1 + g) * np.cos(a) * np.sin(b), (1 + g) * np.sin(a)]
            shape = (len(X), opt.draws, opt.replicates)
            return Outcomes({c: np.broadcast_to(fi[:, None, None], shape).copy()
                             for c, fi in zip(COLUMNS, f, strict=False)})

        return lambda executor: evaluate

    return make


def test_toy_front_is_recovered_by_nsga2(tmp_path):
    """ZDT1: every Pareto design lies within 0.05 of the true front (the median within 0.005) and the set's
    hypervolume (reference (1.1, 1.1)) is within 3 % of the true front's (0.8767 = 2/3 + 0.21): NSGA-II
    with 40 x 60 reaches it on this seed with room to spare (largest deviation 0.027, median below 0.001).
    A design with f1 exactly 0 (the base scenario's levers are one: no EU offers) is non-dominated whatever
    its f2, so it is left out of the distance check."""
    from pymoo.indicators.hv import HV

    objectives = "".join(f"[objectives.f{j}]\noutcome = \"{c}\"\n" for j, c in enumerate(COLUMNS[:2]))
    f = write(tmp_path, TOY.format(objectives=objectives, population=40, generations=60))
    r = run_optimization(f, tmp_path / "out", evaluator=toy("zdt1"))
    assert r.optimization.algorithm == "nsga2"
    p = r.pareto.table
    f1, f2 = p["f0"].to_numpy(), p["f1"].to_numpy()
    inner = f1 > 0
    gap = np.abs(f2 - (1 - np.sqrt(f1)))[inner]
    assert inner.sum() >= 30 and gap.max() < 0.05 and np.median(gap) < 0.005
    true = np.linspace(0, 1, 2001)
    hv = HV(ref_point=np.array([1.1, 1.1]))
    assert hv(np.column_stack([f1, f2])) > 0.97 * hv(np.column_stack([true, 1 - np.sqrt(true)]))
    assert f1.min() < 0.02 and f1.max() > 0.95          # the whole front, not a part of it
    hvs = open_optimization(r.out).hypervolume["hypervolume"].to_numpy()
    assert len(hvs) == 60 and np.all(np.diff(hvs) >= 0)      # the set of everything evaluated only improves


def test_toy_front_is_recovered_by_nsga3_for_three_objectives(tmp_path):
    """DTLZ2: the Pareto designs lie on the unit sphere -- at least 99 % within 0.05 of it, the median within
    0.005 -- and spread over the octant (each objective spans most of 0..1). Not every one: the Pareto set
    is the non-dominated set of every design evaluated, and at the octant's edges, where an objective is
    near 0, a design off the sphere stays non-dominated when no design evaluated is better in all three
    (a dominance-resistant design); the first generation's most-involved anchor (every lever at its high
    end: f = (0, 0, 1.5)) is one. On this seed 3 of about 1,000 are (largest distance 0.5)."""
    objectives = "".join(f"[objectives.f{j}]\noutcome = \"{c}\"\n" for j, c in enumerate(COLUMNS))
    f = write(tmp_path, TOY.format(objectives=objectives, population=28, generations=80))
    r = run_optimization(f, tmp_path / "out", evaluator=toy("dtlz2"))
    assert r.optimization.algorithm == "nsga3"
    F = r.pareto.table[["f0", "f1", "f2"]].to_numpy()
    gap = np.abs(np.linalg.norm(F, axis=1) - 1)
    assert len(F) >= 500 and (gap < 0.05).mean() >= 0.99 and np.median(gap) < 0.005 and gap.max() < 0.6
    assert (F.max(axis=0) > 0.8).all() and (F.min(axis=0) < 0.1).all()


def test_regret_rule_recovers_the_front_in_lever_space(tmp_path):
    """Under the regret rule (against the best design in each draw, recomputed at each survival step) the
    ZDT1 designs found are still the true front's: the three distance levers near 0 (g near 1)."""
    objectives = "".join(f"[objectives.f{j}]\noutcome = \"{c}\"\n" for j, c in enumerate(COLUMNS[:2]))
    text = TOY.format(objectives=objectives, population=24, generations=40)
    text = text.replace("[levers]", '[posterior]\nsamples = "shipped"\ndraws = 2\n[robustness]\nrule = "regret"\n'
                        "percentile = 100\n[levers]")
    r = run_optimization(write(tmp_path, text), tmp_path / "out", evaluator=toy("zdt1"))
    p = r.pareto.table
    assert len(p) >= 10 and (p[["f0", "f1"]] >= 0).all().all()
    assert (p[["us.willingness", "osce.willingness", "russia.mediation_propensity"]].max() < 0.05).all()


def test_robustness_rules():
    """Per-draw statistics and the rules over draws on a small known case (2 candidates x 4 draws)."""
    s = np.array([[0.1, 0.2, 0.3, 0.9], [0.3, 0.3, 0.3, 0.3]])
    m = lambda **kw: Measure("m", "deaths_total", **kw)  # noqa: E731
    np.testing.assert_allclose(robust(m(), s), [0.375, 0.3])
    np.testing.assert_allclose(robust(m(rule="percentile", percentile=100), s), [0.9, 0.3])
    np.testing.assert_allclose(robust(m(rule="percentile", percentile=0, sense="maximize"), s), [-0.9, -0.3])
    np.testing.assert_allclose(robust(m(rule="regret", percentile=100), s), [0.6, 0.2])   # best per draw: .1 .2 .3 .3
    np.testing.assert_allclose(robust(m(rule="satisficing", satisfice=0.25), s), [-0.5, 0.0])
    x = np.arange(10.0).reshape(1, 1, 10)
    assert per_draw(m(statistic="exceeds", threshold=6.5), x)[0, 0] == 0.3
    assert per_draw(m(statistic="quantile", quantile=0.5), x)[0, 0] == 4.5


# -- the first generation ------------------------------------------------------------------------------
def test_first_generation_holds_the_base_row_the_anchors_and_a_latin_hypercube():
    """The shipped example's first generation: the base scenario's levers, every lever at its least-involved
    end (no offers, the longest delay, the first listed choice), every lever at its most-involved end, then a
    Latin hypercube: each real lever's remaining values fall one in each of as many equal strata of its range
    (that is what makes it a Latin hypercube, not uniform draws); the same seed gives the same rows."""
    from dataclasses import replace

    from borderSim.optimize.search import base_row, initial_population

    opt = read_optimization(Path(borderSim.__file__).parents[2] / "experiments" / "mediation_design.toml")
    X = initial_population(opt)
    names = [lv.name for lv in opt.levers]
    assert X.shape == (opt.settings.population, len(names))
    np.testing.assert_array_equal(X[0], base_row(opt))
    least = dict(zip(names, X[1], strict=True))
    most = dict(zip(names, X[2], strict=True))
    assert least == {"eu.willingness": 0.0, "eu.delay_days": 60.0, "eu.style": 0.0, "eu.monitoring": 0.0,
                     "eu.resources": 0.0, "eu.security_assistance": 0.0, "eu.preventive": 0.0,
                     "eu.negotiation_support": 0.0}
    assert most == {"eu.willingness": 0.6, "eu.delay_days": 0.0, "eu.style": 1.0, "eu.monitoring": 1.0,
                    "eu.resources": 1.0, "eu.security_assistance": 0.5, "eu.preventive": 1.0,
                    "eu.negotiation_support": 5.0}
    rest = X[3:]
    for j, lv in enumerate(opt.levers):
        if lv.kind == "real":
            strata = np.floor((rest[:, j] - lv.low) / (lv.high - lv.low) * len(rest)).astype(int)
            assert sorted(strata) == list(range(len(rest))), lv.name
        else:
            assert set(rest[:, j]) <= set(np.arange(lv.bounds[0] + 0.4999, lv.bounds[1]))
    np.testing.assert_array_equal(X, initial_population(opt))
    other = replace(opt, settings=replace(opt.settings, seed=opt.settings.seed + 1))
    o = initial_population(other)
    np.testing.assert_array_equal(o[:3], X[:3])
    assert not np.array_equal(o[3:], rest)


def test_the_search_starts_from_the_base_row_and_the_anchors(reference):
    """They are evaluated in generation 0 (rows 0, 1, 2 of evaluated.parquet) of the small file: base (no EU
    offers, delay 1), least (willingness 0, delay 0, facilitative), most (0.9, 10, manipulative)."""
    _, out = reference
    e = open_optimization(out).evaluated.set_index(["generation", "row"])
    rows = e.loc[[(0, 0), (0, 1), (0, 2)], ["eu.willingness", "eu.delay_days", "eu.style", "base"]]
    assert rows.values.tolist() == [[0.0, 1, "facilitative", True], [0.0, 0, "facilitative", False],
                                    [0.9, 10, "manipulative", False]]


# -- the same results everywhere -----------------------------------------------------------------------
def test_results_folder(reference):
    _, out = reference
    r = open_optimization(out)
    assert r.manifest["status"] == "complete" and r.manifest["algorithm"] == "nsga2"
    assert list(r.hypervolume["generation"]) == [0, 1, 2, 3]
    assert {"design", "eu.willingness", "eu.delay_days", "eu.style", "deaths", "deaths:low", "deaths:high",
            "effort", "fresh:deaths", "fresh:within_intervals"} <= set(r.pareto.columns)
    assert set(r.pareto["eu.style"]) <= {"facilitative", "manipulative"}
    assert r.pareto["eu.delay_days"].dtype == np.int64
    p = r.pareto
    assert (p["deaths:low"] <= p["deaths"]).all() and (p["deaths"] <= p["deaths:high"]).all()
    assert len(r.evaluated) == 4 * 6
    assert {"pareto.md", "parallel.png", "tradeoff.png", "hypervolume.png"} <= {p.name for p in out.iterdir()}
    assert "stay non-dominated within their intervals" in (out / "pareto.md").read_text()


@pytest.mark.parametrize(("how", "flags"), [
    ("2 local processes", ["--workers", "2"]),
    ("Dask LocalCluster", ["--scheduler", "local", "--workers", "2"]),
])
def test_identical_results_whatever_the_executor(reference, tmp_path, how, flags):
    f, ref = reference
    out = tmp_path / "r"
    assert main(["optimize", str(f), "--out", str(out), "--quiet", *flags]) == 0
    assert how in open_optimization(out).manifest["executor"]
    assert_identical(ref, out)


def test_killed_optimisation_resumed_equals_an_uninterrupted_one(reference, tmp_path):
    f, ref = reference
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "borderSim", "optimize", str(f), "--out", str(out), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    gens = tmp_path / ".killed.partial" / "generations"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (gens / "gen-0000.npz").exists():
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (gens / "gen-0000.npz").exists() and not out.exists()
    assert main(["optimize", str(f), "--out", str(out), "--quiet", "--resume"]) == 0
    man = open_optimization(out).manifest
    assert len(man["resumed"]) == 1 and man["candidates_read_from_cache"] >= 6
    assert_identical(ref, out)


def test_progress_shows_the_generation_and_the_hypervolume(tmp_path, capsys):
    f = write(tmp_path, SMALL.replace("generations = 4", "generations = 2"))
    assert main(["optimize", str(f), "--out", str(tmp_path / "out")]) == 0
    cap = capsys.readouterr()
    assert "generation 1, hypervolume" in cap.err and "re-evaluation on fresh indices" in cap.err
    assert "stay non-dominated within their intervals" in cap.out and "evaluations/s" in cap.out


# -- the re-evaluation on fresh indices --------------------------------------------------------------
def test_reevaluation_runs_on_fresh_replicates_and_draws(reference):
    f, out = reference
    opt = read_optimization(f)
    ev = ModelEvaluator(opt, executor=None)
    d0, r0 = ev.rows(3, 0)
    d1, r1 = ev.rows(3, 1)
    assert set(d0) == {0, 1} and set(d1) == {2, 3}
    assert set(r0) == {0, 1, 2, 3} and set(r1) == {4, 5, 6, 7}
    per = opt.draws * opt.replicates
    assert all((r0[i * per:(i + 1) * per] == r0[:per]).all() for i in range(3))     # common random numbers
    p = open_optimization(out).pareto
    assert p["fresh:deaths"].notna().all()
    assert not np.array_equal(p["fresh:deaths"].to_numpy(), p["deaths"].to_numpy())
    man = open_optimization(out).manifest
    assert 0 < man["stay_nondominated_within_intervals"] <= man["pareto_designs"] == len(p)


def test_a_candidate_runs_its_levers_on_each_draw_and_replicate(reference):
    """One candidate's outcomes equal direct runs of the base with its levers and each draw's posterior values."""
    from borderSim.experiments.evaluate.executors import InProcess
    from borderSim.experiments.evaluate.tasks import evaluate_rows

    f, _ = reference
    opt = read_optimization(f)
    ev = ModelEvaluator(opt, InProcess())
    X = np.array([[0.7, 2.0, 1.0]])
    got = ev(X)
    draw, reps = ev.rows(1, 0)
    values = {"eu.willingness": np.full(4, 0.7), "eu.delay_days": np.full(4, 2), "eu.style": np.full(4, "manipulative",
                                                                                                  dtype=object)}
    values = ev.draws.apply(values, {k: np.full(4, v) for k, v in ev.keep.items()}, draw, ev.base)
    direct = evaluate_rows(ev.base, values, reps, seed=opt.seed, days=opt.days).summary
    np.testing.assert_array_equal(got.values["deaths_total"].reshape(-1), direct["deaths_total"].to_numpy(float))
    effort = direct["eu_days_engaged"] * (1 + 2 * opt.scenario.params.get("eu.monitoring"))
    np.testing.assert_allclose(got.values["effort"].reshape(-1), effort.to_numpy(float))


# -- chosen designs ------------------------------------------------------------------------------------
def test_pareto_compares_designs_and_discovers_where_one_fails(reference, capsys):
    _, out = reference
    assert main(["pareto", str(out), "--compare", "0", "1", "--replicates", "24", "--metrics", "deaths_total",
                 "reached_rung5"]) == 0
    con = pd.read_csv(out / "designs" / "compare-0-1" / "compare" / "contrasts.csv")
    assert set(con["label"]) == {"design 0", "design 1"} and set(con["metric"]) == {"deaths_total", "reached_rung5"}
    assert main(["pareto", str(out), "--discover", "0", "--replicates", "60", "--fails", "deaths_total>0"]) == 0
    text = (out / "designs" / "discover-0" / "discover" / "box.txt").read_text()
    assert "fails (deaths_total>0)" in text
    assert "tables and figures" in capsys.readouterr().out


# -- bad input ----------------------------------------------------------------------------------------
BAD = [
    ("unknown key", SMALL.replace("days = 30", "dayz = 30"), "dayz: unknown key"),
    ("lever outside the schema", SMALL.replace("high = 0.9", "high = 1.5"), "outside the schema's bounds"),
    ("unknown lever", SMALL.replace('"eu.willingness" =', '"eu.willingnes" ='), "eu.willingnes"),
    ("bad choice", SMALL.replace('"manipulative"]', '"bribery"]'), "'bribery' is not allowed"),
    ("range for a choice", SMALL.replace('["facilitative", "manipulative"]', "{ low = 0, high = 1 }"), "choice"),
    ("unknown outcome", SMALL.replace('outcome = "deaths_total"', 'outcome = "death_total"'), "not a summary column"),
    ("one objective", SMALL.replace('[objectives.effort]\noutcome = "effort"\n', ""), "two or more"),
    ("quantile missing", SMALL.replace('outcome = "deaths_total"', 'outcome = "deaths_total"\nstatistic = "quantile"'),
     "quantile"),
    ("regret without posterior", SMALL.replace('[posterior]\nsamples = "shipped"\ndraws = 2\n',
                                               '[robustness]\nrule = "regret"\n'), "needs [posterior]"),
    ("effort undefined", SMALL.replace('[effort]\neu_days_engaged = 1.0\n"eu.monitoring*eu_days_engaged" = 2.0\n', ""),
     "effort"),
    ("bad effort term", SMALL.replace("eu_days_engaged = 1.0", "eu_days_engagd = 1.0"), "eu_days_engagd"),
    ("NSGA-III population too small", SMALL.replace("[objectives.effort]", '[objectives.major]\noutcome = '
                                                    '"reached_rung5"\n[objectives.effort]').replace(
        "population = 6", "population = 6\npartitions = 6"), "reference directions"),
    ("not TOML", "description = \n", "opt.toml"),
    ("bad least end", SMALL.replace("high = 10 }", 'high = 10, least = "middle" }'), "least: 'middle'"),
    ("least end against the effort", SMALL.replace("[levers]", '[levers]\n"eu.monitoring" = { low = 0.0, high = 1.0, '
                                                   'least = "high" }'), "contradicts the effort measure"),
    ("choices in the wrong order for the effort", SMALL.replace("[levers]", '[levers]\n"eu.preventive" = [true, false]')
     .replace("eu_days_engaged = 1.0", 'eu_days_engaged = 1.0\n"eu.preventive" = 10.0'), "list that one first"),
]


@pytest.mark.parametrize(("what", "text", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_optimisation_file_gets_one_line_and_exit_2(tmp_path, capsys, what, text, message):
    f = write(tmp_path, text)
    out = tmp_path / "out"
    assert main(["optimize", str(f), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and str(f) in err and message in err, err
    assert not out.exists() and not (tmp_path / ".out.partial").exists()


def test_resume_without_an_interrupted_run_and_bad_designs_are_refused(reference, tmp_path, capsys):
    f, out = reference
    assert main(["optimize", str(f), "--out", str(tmp_path / "none"), "--resume"]) == 2
    assert main(["pareto", str(out), "--compare", "99"]) == 2
    assert main(["pareto", str(tmp_path), "--compare", "0"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and "nothing to resume" in err[0] and "no such design" in err[1]


def test_the_optimiser_sits_above_the_experiment_layer():
    """experiments never import the optimiser; the optimiser imports neither calibration nor the command line."""
    pkg = Path(borderSim.__file__).parent

    def imports(path: Path) -> set[str]:
        out = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                out.add(node.module)
            elif isinstance(node, ast.Import):
                out |= {a.name for a in node.names}
        return out

    for path in (pkg / "experiments").glob("*.py"):
        assert not {m for m in imports(path) if m.startswith("borderSim.optimize")}, path.name
    for path in (pkg / "optimize").glob("*.py"):
        assert not {m for m in imports(path) if m.startswith(("borderSim.calibration", "borderSim.cli"))}, path.name
