"""``borderSim optimize``: an optimisation file -> a results folder, on any executor, resumable."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from borderSim.common.errors import InputError
from borderSim.experiments.evaluate.executors import make_executor
from borderSim.optimize import store
from borderSim.optimize.evaluate import ModelEvaluator, Outcomes
from borderSim.optimize.problem import Optimization, read_optimization
from borderSim.optimize.search import GenerationCache, GenerationRecord, SearchResult, pareto_outcomes, search
from borderSim.outputs import folder


@dataclass
class OptimizationResult:
    out: Path
    optimization: Optimization
    search: SearchResult
    pareto: store.Pareto
    executor: str
    seconds: float
    evaluation_seconds: float


class Progress:
    """What the command line shows: ``generation(record, candidates so far)`` after each generation;
    ``batch(generation, candidates)`` before a generation is run; ``rows(n)`` replicate-days done."""

    def generation(self, rec: GenerationRecord, total: int) -> None: ...

    def batch(self, generation: int, candidates: int, replicate_days: int) -> None: ...

    def rows(self, n: int) -> None: ...


def run_optimization(path: Path | str, out: Path | None, *, workers: int | None = None, scheduler: str | None = None,
                     resume: bool = False, root: Path = Path("runs"), progress: Progress | None = None,
                     on_start: Callable[[str, Path], None] | None = None,
                     evaluator: Callable[[Optimization], Callable[[object], Callable]] | None = None,
                     ) -> OptimizationResult:
    """Search the design space of an optimisation file into a results folder. ``evaluator(opt)(executor)``
    may replace the model (a toy problem in the tests)."""
    t0 = time.perf_counter()
    try:
        import pymoo  # noqa: F401
    except ImportError:
        raise InputError(str(path), None, "borderSim optimize needs pymoo: pip install 'borderSim[experiments]'"
                         ) from None
    opt = read_optimization(path)
    if resume and out is None:
        raise InputError("--resume", None, "needs --out DIR, the folder of the interrupted optimisation")
    executor = make_executor(workers, scheduler)
    try:
        with folder.claim(out) if out is not None else folder.claim_new(root, opt.name) as claim:
            return _run(opt, claim, executor, resume, progress or Progress(), on_start, evaluator, t0)
    finally:
        executor.close()


def _run(opt, claim, executor, resume, progress: Progress, on_start, evaluator, t0) -> OptimizationResult:
    partial = claim.partial
    claim.check_resume(resume, "optimisation")
    manifest = folder.resumed(store.reopen(partial, opt)) if resume else store.start_manifest(opt, executor.name)
    with folder.disk_errors("--out", claim.out):
        partial.mkdir(exist_ok=True)
        manifest["executor"] = executor.name
        folder.write_json(partial / "manifest.json", manifest)
        if on_start is not None:
            on_start(executor.name, claim.out)
        model = evaluator(opt)(executor) if evaluator is not None else ModelEvaluator(opt, executor, progress.rows)
        per = opt.draws * opt.replicates * opt.days
        spent = [0.0]

        def evaluate(X, block: int) -> Outcomes:
            s = time.perf_counter()
            o = model(X, block)
            spent[0] += time.perf_counter() - s
            return o

        cache = GenerationCache(partial / "generations")
        result = search(opt, evaluate, cache, on_generation=progress.generation,
                        before_generation=lambda g, n: progress.batch(g, n, n * per))
        own = pareto_outcomes(result, cache)
        fresh_cache = GenerationCache(partial / "reevaluation")
        fresh = fresh_cache.get("fresh", result.pareto_x)
        if fresh is None:
            progress.batch(-1, len(result.pareto_x), len(result.pareto_x) * per)
            fresh = evaluate(result.pareto_x, 1)
            fresh_cache.put("fresh", result.pareto_x, fresh)
        pareto = store.pareto_table(opt, result, own, fresh, seed=opt.settings.seed)
        store.atomic_parquet(pareto.table, partial / "pareto.parquet")
        (partial / "pareto.md").write_text(pareto.markdown, encoding="utf-8")
        history = store.history_table(result, opt.settings.population)
        store.atomic_parquet(history, partial / "hypervolume.parquet")
        evaluated = store.evaluated_table(opt, result)
        store.atomic_parquet(evaluated, partial / "evaluated.parquet")
        from borderSim.optimize import figures

        made = figures.all_figures(opt, pareto.table, history, evaluated, partial)
        seconds = time.perf_counter() - t0
        manifest.update({
            "status": "complete", "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "stopped_by": result.stopped, "converged_at": result.converged_at,
            "generations": len(result.generations), "pareto_designs": len(result.pareto_x),
            "stay_nondominated_within_intervals": pareto.stay, "stay_nondominated_point": pareto.stay_point,
            "hypervolume_normalisation": {"ideal": result.normaliser.ideal.tolist(),
                                          "width": result.normaliser.width.tolist(), "reference": 1.1},
            "candidates_evaluated_last_session": result.evaluated, "candidates_read_from_cache": result.cached,
            "wall_seconds_last_session": round(seconds, 3),
            "evaluation_seconds_last_session": round(spent[0], 3),
            "evaluations_per_second": round(result.evaluated / spent[0], 3) if spent[0] > 0 else None,
            "replicate_days_per_evaluation": per, "figures": made, "notes": result.notes,
        })
        folder.write_json(partial / "manifest.json", manifest)
        claim.publish(partial)
    return OptimizationResult(claim.out, opt, result, pareto, executor.name, seconds, spent[0])
