"""``borderSim sweep``: an experiment file -> a results folder, on any executor, resumable."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from borderSim.common.errors import InputError
from borderSim.experiments.design.experiment import Design, build_design, read_experiment
from borderSim.experiments.evaluate.executors import make_executor
from borderSim.experiments.evaluate.store import SweepStore, file_sha256, problems
from borderSim.experiments.evaluate.tasks import ChunkSpec, Task, plan
from borderSim.outputs import folder


class SweepFailedError(Exception):
    """Some chunks raised; the others are kept in the partial folder for ``--resume``."""

    def __init__(self, partial: Path, failures: list[dict]):
        self.partial, self.failures = partial, failures
        listed = "; ".join(f"chunk {f['id']} (points {f['points'][0]}-{f['points'][1] - 1}, replicates "
                           f"{f['replicates'][0]}-{f['replicates'][1] - 1}): {f['error']}" for f in failures[:5])
        more = f"; and {len(failures) - 5} more" if len(failures) > 5 else ""
        super().__init__(f"{len(failures)} chunk(s) failed: {listed}{more}. The others are kept in {partial}; "
                         f"errors and parameters in {partial}/failed/; rerun with --resume")


@dataclass
class SweepResult:
    out: Path
    design: Design
    chunks_run: int
    chunks_total: int
    executor: str
    seconds: float
    cleaned: tuple[Path, ...] = field(default_factory=tuple)


def tasks(design: Design, chunks: list[ChunkSpec]) -> list[Task]:
    """One task per chunk: the shared parameters and the chunk's points' varying values."""
    e = design.experiment
    labels = design.points["scenario"].tolist()
    values = design.values_all()
    draws = keeps = None
    if design.posterior is not None:
        draws, keeps = design.posterior.draws(e.seed), design.posterior_keeps()
    out = []
    for c in chunks:
        sl = slice(*c.points)
        out.append(Task(c, design.base, {k: v[sl] for k, v in values.items()}, tuple(labels[sl]),
                        e.seed, e.days, e.keep.quantiles, e.keep.probabilities, e.keep.series,
                        e.keep.series_replicates, e.replicates, draws,
                        {} if keeps is None else {k: v[sl] for k, v in keeps.items()}))
    return out


def _run(design: Design, claim: folder.Claim, executor, resume: bool, chunk_rows: int | None, progress, on_start,
         t0: float, repair: bool = False) -> tuple[list[Task], list[ChunkSpec]]:
    e = design.experiment
    partial = claim.partial
    store = None
    quantiles_kept = False
    if repair:              # a finished folder with damaged files: back to partial, its damaged chunks run again
        with folder.disk_errors("--out", claim.out):
            claim.out.rename(partial)
    claim.check_resume(resume, "sweep")
    if resume:
        store = SweepStore.reopen(partial, design)
        if repair and e.keep.quantiles:
            sha = store.manifest["files"].get("quantiles.parquet")
            quantiles_kept = sha is not None and (partial / "quantiles.parquet").is_file() and \
                file_sha256(partial / "quantiles.parquet") == sha
            if not quantiles_kept:      # its chunks' scratch files are gone: every chunk runs again
                for entry in store.manifest["chunks"]:
                    entry["status"] = "pending"
        store.sync_statuses()
    chunks = store.chunks if resume else plan(design.n_points, e.replicates, chunk_rows or e.chunk_rows)
    done = store.done() if resume else set()
    todo = [t for t in tasks(design, chunks) if t.chunk.id not in done]
    try:
        with folder.disk_errors("--out", claim.out, f"the finished chunks are kept in {partial}: make room, then "
                                "finish with --resume"):
            if store is None:
                store = SweepStore.create(partial, design, chunks, executor.name)
            store.manifest["executor"] = executor.name
            store.save(force=True)
            if on_start is not None:
                on_start(sum(t.chunk.rows for t in todo) * e.days, executor.name, claim.out)
            failures = []
            for task, output, err in executor.map(todo, progress):
                if err is not None:
                    failures.append(store.fail(task, err, design))
                else:
                    store.write(output, task)
            store.save(force=True)
            if failures:
                store.manifest["status"] = "failed"
                store.save(force=True)
                raise SweepFailedError(partial, failures)
            store.finish(e.keep, time.perf_counter() - t0, quantiles_kept)
            claim.publish(partial)
    except KeyboardInterrupt:
        if store is not None:
            store.manifest["status"] = "interrupted"
            store.save(force=True)
        raise
    return todo, chunks


def run_sweep(experiment: Path | str, out: Path | None, *, workers: int | None = None, scheduler: str | None = None,
              resume: bool = False, chunk_rows: int | None = None, root: Path = Path("runs"),
              progress: Callable[[int], None] | None = None, on_start: Callable[[int, str, Path], None] | None = None,
              posterior: Path | str | None = None) -> SweepResult:
    """Run an experiment into a results folder. ``on_start(replicate_days_to_run, executor, out)`` is
    called once the folder is claimed and the executor is up, before the first chunk. With ``posterior``
    (a calibration's posterior file) each replicate runs its posterior draw (:mod:`.posterior`)."""
    design = build_design(read_experiment(experiment))
    if posterior is not None:
        from borderSim.experiments.evaluate.posterior import read_posterior

        design.posterior = read_posterior(posterior)
    return run_design(design, out, workers=workers, scheduler=scheduler, resume=resume, chunk_rows=chunk_rows,
                      root=root, progress=progress, on_start=on_start)


def run_design(design: Design, out: Path | None, *, workers: int | None = None, scheduler: str | None = None,
               resume: bool = False, chunk_rows: int | None = None, root: Path = Path("runs"),
               progress: Callable[[int], None] | None = None, on_start: Callable[[int, str, Path], None] | None = None,
               ) -> SweepResult:
    """Run a resolved design (e.g. one built in code, like a calibration report's Sobol design)."""
    t0 = time.perf_counter()
    e = design.experiment
    if resume and out is None:
        raise InputError("--resume", None, "needs --out DIR, the folder of the interrupted sweep")
    if workers is not None and workers < 1:
        raise InputError("--workers", str(workers), "must be a whole number of at least 1")
    if chunk_rows is not None and chunk_rows < 1:
        raise InputError("--chunk-rows", str(chunk_rows), "must be a whole number of at least 1")
    repair = resume and (Path(out) / "manifest.json").is_file()
    if repair:              # a finished folder: resumed only to run its damaged chunks again
        SweepStore.reopen(Path(out), design, "--resume", check_only=True)
        man = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
        if man.get("status") == "complete" and not problems(Path(out), man):
            raise InputError("--resume", str(out), "is a finished sweep of this experiment and every file matches "
                             "its checksum; nothing to resume")
    executor = make_executor(workers, scheduler)       # an unreachable scheduler is refused before any writing
    try:
        with folder.claim(out, replaceable="manifest.json" if repair else None) if out is not None \
                else folder.claim_new(root, e.name) as claim:
            todo, chunks = _run(design, claim, executor, resume, chunk_rows, progress, on_start, t0, repair)
    finally:
        executor.close()
    return SweepResult(claim.out, design, len(todo), len(chunks), executor.name, time.perf_counter() - t0,
                       claim.cleaned)
