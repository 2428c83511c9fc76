"""``borderSim calibrate``: a calibration file -> a results folder, on any executor, resumable."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from borderSim.calibration import adjust, store
from borderSim.calibration.abc import Generation, Sampler, ScheduleError
from borderSim.calibration.distance import Distance, scales, unreachable
from borderSim.calibration.problem import Calibration, read_calibration
from borderSim.calibration.simulate import Evaluator
from borderSim.common.errors import InputError
from borderSim.experiments.evaluate.executors import make_executor
from borderSim.outputs import folder

PILOT_PURPOSE = 1     # the pilot's seed: SeedSequence([seed, PILOT_PURPOSE])


@dataclass
class CalibrationResult:
    out: Path
    calibration: Calibration
    generations: list[Generation]
    executor: str
    seconds: float
    candidates_run: int
    batches_reused: int


class ScheduleStoppedError(InputError):
    """The schedule accepted nothing within the budget; what was done is kept (exit status 2)."""


def adjusted(cal: Calibration, gens: list[Generation], distance: Distance, manifest: dict) -> list[Generation]:
    """The generations with the last one regression-adjusted if the file asks (``abc.adjustment``);
    what the regression says goes to the manifest."""
    if cal.settings.adjustment == "none" or not gens:
        manifest["adjustment"] = None
        return gens
    last = gens[-1]
    stats = last.stats[:, distance.idx] / distance.scale
    adj = adjust.linear(cal.priors, last.samples, last.weights, stats, distance.gaps(last.stats),
                        cal.settings.adjustment)
    manifest["adjustment"] = adj.record(cal.names)
    return [*gens[:-1], dataclasses.replace(last, samples=adj.samples, raw=last.samples)]


def pilot_values(cal: Calibration) -> np.ndarray:
    """``abc.pilot`` candidates from the prior (scipy, seeded from the calibration's seed)."""
    rng = np.random.default_rng(np.random.SeedSequence([cal.seed, PILOT_PURPOSE]))
    return np.column_stack([p.scipy().rvs(size=cal.settings.pilot, random_state=rng) for p in cal.priors])


def pilot_seed(cal: Calibration) -> int:
    return int(np.random.SeedSequence([cal.seed, PILOT_PURPOSE]).generate_state(1)[0])


def run_calibration(path: Path | str, out: Path | None, *, workers: int | None = None, scheduler: str | None = None,
                    resume: bool = False, root: Path = Path("runs"),
                    progress: Callable[[str, int, int], None] | None = None,
                    on_start: Callable[[str, Path], None] | None = None,
                    warn: Callable[[str], None] | None = None) -> CalibrationResult:
    """Calibrate into a results folder. ``progress(stage, done, total)`` reports candidates run in the
    current stage (``pilot`` or ``generation N``)."""
    t0 = time.perf_counter()
    cal = read_calibration(path)
    if resume and out is None:
        raise InputError("--resume", None, "needs --out DIR, the folder of the interrupted calibration")
    executor = make_executor(workers, scheduler)
    try:
        with folder.claim(out) if out is not None else folder.claim_new(root, cal.name) as claim:
            return _run(cal, claim, executor, resume, progress, on_start, warn, t0)
    finally:
        executor.close()


def _run(cal, claim, executor, resume, progress, on_start, warn, t0) -> CalibrationResult:
    partial = claim.partial
    claim.check_resume(resume, "calibration")
    manifest = folder.resumed(store.reopen(partial, cal)) if resume else store.start_manifest(cal, executor.name)
    with folder.disk_errors("--out", claim.out, f"the finished batches are kept in {partial}: make room, then "
                            "finish with --resume"):
        partial.mkdir(exist_ok=True)
        manifest["executor"] = executor.name
        folder.write_json(partial / "manifest.json", manifest)
        if on_start is not None:
            on_start(executor.name, claim.out)
        cache = store.BatchCache(partial / "batches")
        evaluator = Evaluator(cal, executor)
        pilot = None
        if cal.settings.pilot and any(t.scale is None for t in cal.targets):
            values = pilot_values(cal)
            pilot = cache.get("pilot", values)
            if pilot is None:
                if progress is not None:
                    progress("pilot", 0, len(values))
                pilot = evaluator(values, pilot_seed(cal), 0)
                cache.put("pilot", values, pilot)
            if progress is not None:
                progress("pilot", len(values), len(values))
        sc = scales(cal, pilot)
        manifest["scales"] = {t.name: float(s) for t, s in zip(cal.targets, sc, strict=True)}
        manifest["scale_source"] = {t.name: ("stated" if t.scale is not None else "prior predictive MAD")
                                    for t in cal.targets}
        manifest["warnings"] = unreachable(cal, pilot, sc)
        for w in manifest["warnings"]:
            if warn is not None:
                warn(w)

        def on_batch(gen: int, done: int) -> None:
            if progress is not None:
                progress(f"generation {gen}", done, 0)

        distance = Distance(cal, sc)
        sampler = Sampler(cal, evaluator, distance, cache, on_batch)
        try:
            gens = adjusted(cal, sampler.run(), distance, manifest)
        except ScheduleError as err:
            return _stopped(cal, claim, manifest, adjusted(cal, sampler.generations, distance, manifest), err)
        manifest["status"] = "complete"
        manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        manifest["wall_seconds_last_session"] = round(time.perf_counter() - t0, 3)
        manifest["batches_reused"] = cache.hits
        store.write_results(partial, cal, gens, manifest)
        claim.publish(partial)
    return CalibrationResult(claim.out, cal, gens, executor.name, time.perf_counter() - t0, evaluator.candidates,
                             cache.hits)


def _stopped(cal, claim, manifest, gens, err: ScheduleError):
    manifest["status"] = "stopped"
    manifest["stopped"] = str(err)
    where = "abc.tolerances" if cal.settings.tolerances is not None else "abc.quantiles"
    if gens:
        store.write_results(claim.partial, cal, gens, manifest)
        claim.publish(claim.partial)
        kept = (f"generations 0-{len(gens) - 1} are kept in {claim.out} (posterior.parquet is generation "
                f"{gens[-1].index})")
    else:
        folder.write_json(claim.partial / "manifest.json", manifest)
        kept = f"the batches run are kept in {claim.partial}"
    raise ScheduleStoppedError(str(cal.path), where, f"{err}: the schedule accepts (almost) nothing; {kept}; "
                               "loosen the schedule or raise abc.max_candidates")
