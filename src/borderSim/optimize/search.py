"""The search: pymoo's NSGA-II (two objectives) or NSGA-III (three or more), generation by generation.

pymoo proposes each generation (``ask``); the whole generation is evaluated as one batch
(:class:`~borderSim.optimize.evaluate.ModelEvaluator`, or any function of the search variables, e.g.
a toy problem in the tests) and told back. Levers are encoded as real search variables: integers and
choices (as indices) are rounded by a repair, so NSGA-II/III's own operators (SBX crossover,
polynomial mutation) run unchanged. Under the regret rule an objective depends on which candidates
are compared, so each survival step recomputes it against the best of the population and its
offspring in each draw.

Each generation's candidates and outcomes are cached (``generations/gen-NNNN.npz``, written under a
temporary name and renamed). A resumed search replays pymoo from the same seed: a generation whose
candidates equal the cached ones is read, not run, so it ends exactly where an uninterrupted one does.

With common random numbers every candidate of every generation is evaluated on the same draws and
replicates, so the Pareto set is the non-dominated feasible set of all candidates evaluated (an
archive; under the regret rule, whose values depend on who is compared, the final population's). Its
hypervolume after each generation (pymoo's HV) is taken with every objective scaled by the first
generation's range among its feasible designs -- ``(F - min) / (max - min)``, fixed from then on and
written to the manifest -- against the reference point 1.1 in each; the search stops early when it
changed by less than ``tolerance`` (relative) over ``window`` generations.

So that those scales span the objectives from the start, the first generation holds, besides the base
scenario's own levers, the lever box's two anchor designs -- every lever at its least-involved end (a
range's ``least`` end, ``low`` unless the file says ``high``; a choice's first listed value) and every
lever at its most-involved end -- and a Latin hypercube for the rest. A design found later beyond the
first generation's range still adds volume outside the unit box; the anchors make that rarer, not
impossible.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from borderSim.optimize.evaluate import Outcomes, objectives, stats
from borderSim.optimize.problem import Optimization, partitions_for


class GenerationCache:
    """Each generation's candidates and outcomes in ``root/NAME.npz`` (atomic)."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.hits = 0

    def get(self, key: str, X: np.ndarray) -> Outcomes | None:
        p = self.root / f"{key}.npz"
        if not p.exists():
            return None
        with np.load(p, allow_pickle=False) as z:
            if z["X"].shape != X.shape or not np.array_equal(z["X"], X):
                return None
            self.hits += 1
            return Outcomes({k[2:]: z[k] for k in z.files if k.startswith("o:")})

    def put(self, key: str, X: np.ndarray, o: Outcomes) -> None:
        buf = io.BytesIO()
        np.savez_compressed(buf, X=X, **{f"o:{k}": v for k, v in o.values.items()})
        tmp = self.root / f".{key}.npz.tmp"
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, self.root / f"{key}.npz")


def _repair_class():
    from pymoo.core.repair import Repair

    class RoundDiscrete(Repair):
        """Round the search variables of integer and choice levers."""

        def __init__(self, columns):
            super().__init__()
            self.columns = np.asarray(columns, dtype=np.int64)

        def _do(self, problem, X, **kwargs):
            if self.columns.size:
                X = X.copy()
                X[:, self.columns] = np.rint(X[:, self.columns])
            return X

    return RoundDiscrete


class RegretSurvival:
    """Survival that first recomputes the objectives of the candidates compared (the population and its
    offspring) from their per-draw statistics, so regret is against the best of them in each draw."""

    def __init__(self, opt: Optimization, inner):
        self.opt, self.inner = opt, inner

    def do(self, problem, pop, *args, **kwargs):
        F, _ = objectives(self.opt, np.stack(pop.get("S")))
        pop.set("F", F)
        return self.inner.do(problem, pop, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def base_row(opt: Optimization) -> np.ndarray | None:
    """The base scenario's own lever settings as search variables (None if one lies outside its lever's
    range or choices)."""
    x = []
    for lv in opt.levers:
        v = opt.scenario.params.get(lv.name)
        if lv.kind == "choice":
            if v not in lv.choices:
                return None
            x.append(float(lv.choices.index(v)))
        elif not lv.low <= v <= lv.high:
            return None
        else:
            x.append(float(v))
    return np.array(x)


def anchor_rows(opt: Optimization) -> np.ndarray:
    """The lever box's two anchor designs as search variables: every lever at its least-involved end (a
    range's ``least`` end, a choice's first listed value) and every lever at its most-involved end."""
    return np.array([[lv.anchors[k] for lv in opt.levers] for k in (0, 1)], dtype=np.float64)


def initial_population(opt: Optimization) -> np.ndarray:
    """The first generation: the base scenario's own lever settings (the status quo, so the front is never
    worse than it), the two anchor designs (:func:`anchor_rows`) and, for the rest, a Latin hypercube over
    the levers' ranges (scipy.stats.qmc, seeded from the optimizer's seed; integer and choice levers
    rounded, each value equally likely). Rows that repeat an earlier one are left out of the fixed rows."""
    from scipy.stats import qmc

    n = opt.settings.population
    fixed: list[np.ndarray] = []
    base = base_row(opt)
    for row in ([base] if base is not None else []) + list(anchor_rows(opt)):
        if len(fixed) < n and not any(np.array_equal(row, f) for f in fixed):
            fixed.append(row)
    bounds = np.array([lv.bounds for lv in opt.levers], dtype=np.float64)
    rng = np.random.default_rng(np.random.SeedSequence([opt.settings.seed, 20]))
    U = qmc.LatinHypercube(d=len(opt.levers), rng=rng).random(n - len(fixed))
    X = np.vstack([np.array(fixed).reshape(-1, len(opt.levers)), qmc.scale(U, bounds[:, 0], bounds[:, 1])])
    discrete = [j for j, lv in enumerate(opt.levers) if lv.kind != "real"]
    X[:, discrete] = np.rint(X[:, discrete])
    return X


def build_algorithm(opt: Optimization):
    """The pymoo problem and algorithm (set up with the file's seed)."""
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.algorithms.moo.nsga3 import NSGA3
    from pymoo.core.problem import Problem
    from pymoo.termination import get_termination
    from pymoo.util.ref_dirs import get_reference_directions

    bounds = np.array([lv.bounds for lv in opt.levers], dtype=np.float64)
    problem = Problem(n_var=len(opt.levers), n_obj=len(opt.objectives), n_ieq_constr=len(opt.constraints),
                      xl=bounds[:, 0], xu=bounds[:, 1])
    repair = _repair_class()([j for j, lv in enumerate(opt.levers) if lv.kind != "real"])
    s = opt.settings
    if opt.algorithm == "nsga3":
        p = s.partitions or partitions_for(len(opt.objectives), s.population)
        ref_dirs = get_reference_directions("das-dennis", len(opt.objectives), n_partitions=p)
        alg = NSGA3(ref_dirs=ref_dirs, pop_size=s.population, sampling=initial_population(opt), repair=repair,
                    eliminate_duplicates=True)
    else:
        alg = NSGA2(pop_size=s.population, sampling=initial_population(opt), repair=repair, eliminate_duplicates=True)
    if any(m.rule == "regret" for m in opt.objectives):
        alg.survival = RegretSurvival(opt, alg.survival)
    alg.setup(problem, termination=get_termination("n_gen", s.generations + 1), seed=s.seed, verbose=False)
    return problem, alg


@dataclass
class Normaliser:
    """Objective scales of the hypervolume: the first generation's range, fixed from then on."""

    ideal: np.ndarray
    width: np.ndarray

    @classmethod
    def of(cls, F: np.ndarray) -> Normaliser:
        lo, hi = F.min(axis=0), F.max(axis=0)
        width = np.where(hi - lo > 1e-12, hi - lo, 1.0)
        return cls(lo, width)

    def hypervolume(self, F: np.ndarray) -> float:
        from pymoo.indicators.hv import HV

        if not len(F):
            return 0.0
        Z = (F - self.ideal) / self.width
        ref = np.full(F.shape[1], 1.1)
        Z = Z[(ref > Z).all(axis=1)]
        return float(HV(ref_point=ref)(Z)) if len(Z) else 0.0


@dataclass
class GenerationRecord:
    index: int
    X: np.ndarray
    S: np.ndarray               # per-draw statistics (n, measures, draws)
    F: np.ndarray               # objectives as evaluated in this generation (minimising)
    G: np.ndarray | None
    hypervolume: float
    front: int                  # size of the non-dominated feasible set
    cached: bool


@dataclass
class SearchResult:
    generations: list[GenerationRecord]
    pareto_x: np.ndarray
    pareto_origin: np.ndarray    # (generation, row) of each Pareto design
    pareto_f: np.ndarray         # minimising, as compared in the final population
    pareto_g: np.ndarray | None
    normaliser: Normaliser
    converged_at: int | None
    evaluated: int
    cached: int
    stopped: str = ""
    notes: list[str] = field(default_factory=list)


def _feasible(pop) -> np.ndarray:
    G = pop.get("G")
    if G is None or G.size == 0 or G.shape[1] == 0:
        return np.ones(len(pop), dtype=bool)
    return (G <= 0).all(axis=1)


class Archive:
    """Every candidate evaluated so far. With common random numbers every evaluation is on the same draws and
    replicates, so candidates of different generations compare directly: the Pareto set is the non-dominated
    feasible set of all of them (a design the population lost is not lost), except under the regret rule,
    whose values depend on who is compared (there: the final population's)."""

    def __init__(self):
        self.X, self.F, self.G, self.origin = [], [], [], []

    def add(self, X: np.ndarray, F: np.ndarray, G: np.ndarray | None, generation: int) -> None:
        self.X.append(X)
        self.F.append(F)
        self.G.append(np.zeros((len(X), 0)) if G is None else G)
        self.origin.append(np.column_stack([np.full(len(X), generation), np.arange(len(X))]))

    def front(self) -> tuple[np.ndarray, bool]:
        """Indices (into the concatenated archive) of the non-dominated set: of the feasible candidates, else
        of the least infeasible; and whether any is feasible."""
        from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

        X, F, G = (np.concatenate(a) for a in (self.X, self.F, self.G))
        _, first = np.unique(X, axis=0, return_index=True)           # each distinct candidate once
        first = np.sort(first)
        cv = np.maximum(G[first], 0).sum(axis=1) if G.shape[1] else np.zeros(len(first))
        feasible = cv <= 0
        pool = first[feasible] if feasible.any() else first[cv == cv.min()]
        nd = NonDominatedSorting().do(F[pool], only_non_dominated_front=True)
        return pool[np.sort(nd)], bool(feasible.any())

    def take(self, idx: np.ndarray):
        X, F, G, origin = (np.concatenate(a) for a in (self.X, self.F, self.G, self.origin))
        return X[idx], F[idx], (G[idx] if G.shape[1] else None), origin[idx]


def converged(hv: list[float], window: int, tolerance: float) -> bool:
    """Did the hypervolume change by less than ``tolerance`` (relative) over the last ``window`` generations?"""
    if tolerance <= 0 or len(hv) <= window or hv[-1] <= 0:
        return False
    return abs(hv[-1] - hv[-1 - window]) <= tolerance * abs(hv[-1])


def search(opt: Optimization, evaluate: Callable[[np.ndarray, int], Outcomes], cache: GenerationCache, *,
           on_generation: Callable[[GenerationRecord, int], None] | None = None,
           before_generation: Callable[[int, int], None] | None = None) -> SearchResult:
    """Run the search: ``evaluate(X, block)`` gives the outcomes of candidates ``X`` (search variables)."""
    from pymoo.core.evaluator import Evaluator
    from pymoo.problems.static import StaticProblem

    problem, alg = build_algorithm(opt)
    regret = any(m.rule == "regret" for m in opt.objectives)
    archive = Archive()
    records: list[GenerationRecord] = []
    hv: list[float] = []
    norm = None
    evaluated = cached = 0
    converged_at = None
    stopped = f"the budget of {opt.settings.generations} generations"
    for g in range(opt.settings.generations):
        pop = alg.ask()
        if pop is None or len(pop) == 0:
            stopped = "pymoo could make no new (distinct) candidates"
            break
        X = pop.get("X")
        key = f"gen-{g:04d}"
        o = cache.get(key, X)
        hit = o is not None
        if hit:
            cached += len(X)
        else:
            if before_generation is not None:
                before_generation(g, len(X))
            o = evaluate(X, 0)
            cache.put(key, X, o)
            evaluated += len(X)
        S = stats(opt, o)
        F, G = objectives(opt, S)
        pop.set("S", list(S), "origin", [(g, i) for i in range(len(X))])
        Evaluator().eval(StaticProblem(problem, F=F, **({"G": G} if G is not None else {})), pop)
        alg.tell(infills=pop)
        archive.add(X, F, G, g)
        if norm is None:
            ok = _feasible(pop)
            norm = Normaliser.of(F[ok] if ok.any() else F)
        if regret:
            front = alg.opt[_feasible(alg.opt)] if alg.opt is not None else []
            front_f = front.get("F") if len(front) else np.zeros((0, F.shape[1]))
        else:
            idx, feasible = archive.front()
            front_f = archive.take(idx)[1] if feasible else np.zeros((0, F.shape[1]))
        hv.append(norm.hypervolume(front_f))
        rec = GenerationRecord(g, X, S, F, G, hv[-1], len(front_f), hit)
        records.append(rec)
        if on_generation is not None:
            on_generation(rec, evaluated + cached)
        if converged(hv, opt.settings.window, opt.settings.tolerance):
            converged_at = g
            stopped = (f"convergence: hypervolume changed by less than {opt.settings.tolerance:.0%} over "
                       f"{opt.settings.window} generations")
            break
    notes = []
    if regret:
        best = alg.opt[_feasible(alg.opt)]
        if not len(best):
            best = alg.opt
            notes.append("no design satisfies every constraint; the Pareto set shown is of the least infeasible")
        px, pf, pg = best.get("X"), best.get("F"), best.get("G") if opt.constraints else None
        origin = np.array([tuple(o) for o in best.get("origin")], dtype=np.int64)
    else:
        idx, feasible = archive.front()
        if not feasible:
            notes.append("no design satisfies every constraint; the Pareto set shown is of the least infeasible")
        px, pf, pg, origin = archive.take(idx)
    order = np.lexsort(pf.T[::-1])
    return SearchResult(records, px[order], origin[order].astype(np.int64), pf[order],
                        None if pg is None else pg[order], norm, converged_at, evaluated, cached, stopped, notes)


def pareto_outcomes(result: SearchResult, cache: GenerationCache) -> Outcomes:
    """The outcomes of the Pareto designs, read back from their generations' cache."""
    parts = []
    loaded: dict[int, Outcomes] = {}
    for g, i in result.pareto_origin:
        if g not in loaded:
            rec = result.generations[g]
            loaded[g] = cache.get(f"gen-{g:04d}", rec.X)
        parts.append(loaded[g].take([i]))
    return Outcomes.concat(parts)
