"""Running batches on the vectorised core: rows are (parameter point, replicate) pairs.

The driver of the core: it steps the engine day by day along the run's course (a warm start's replay, the
switch, the calendar's dated changes: :mod:`borderSim.rules.warm`) and feeds the outputs (the summary's
recorder, periods and the daily series) from the run's own day 0, which the engine itself never sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from borderSim.core.engine import Context, step
from borderSim.inputs.geography import Geography, load_geography
from borderSim.outputs import variables
from borderSim.outputs.chunk import Chunk
from borderSim.outputs.summary import Periods, Recorder
from borderSim.rules.params import ParamArrays, compile_params
from borderSim.rules.state import State, initial_state
from borderSim.rules.streams import replicate_keys
from borderSim.rules.warm import Course, switch
from borderSim.schema import Parameters
from borderSim.schema.scenarios import warm_start_params

ChunkResult = Chunk   # the core's name for it, from before both engines shared one chunk type


def run_rows(points: Parameters | Sequence[Parameters] | ParamArrays, replicates: np.ndarray, *, seed: int,
             days: int, geo: Geography | None = None, record: bool | Sequence[str] = False,
             record_rows: int | None = None, progress: Callable[[int], None] | None = None,
             observe: Callable[[State, int], None] | None = None,
             periods: dict[str, tuple[int, int]] | None = None,
             summary_columns: Sequence[str] | None = None) -> ChunkResult:
    """Run one batch: row ``i`` uses ``points[i]`` (or the single point) and replicate ``replicates[i]``.

    ``points`` may also be compiled arrays of the rows (:func:`borderSim.rules.params.compile_rows`).

    ``record`` is True for every daily series, or a list of series names; ``record_rows`` keeps the
    series of the first rows only (the summary always covers every row). ``progress(n)`` is called
    after each day with the replicate-days done; ``observe(state, day)`` on day 0 and after each day
    (to record what it likes; it must not change the state). ``periods`` (``{name: (first, last)}`` days)
    adds a summary of each part of the run (``Chunk.periods``). ``summary_columns`` keeps only those outcomes in the
    summaries (:class:`~borderSim.outputs.summary.Recorder`; default: every one).

    With ``simulation.warm_start`` the replay's days run first (not counted in ``progress``, which counts the
    run's own replicate-days); day 0 is the state they reach.
    """
    geo = geo or load_geography()
    replicates = np.asarray(replicates, dtype=np.int64)
    P = points if isinstance(points, ParamArrays) else compile_params(points, geo, batch=len(replicates))
    course = course_of(P, days, geo)
    ctx = Context.build(course.params_on(0), geo, replicate_keys(seed, replicates))
    s = initial_state(course.first, geo, len(ctx.registry.mediators))
    changes = course.change_days()
    for day in range(1, course.spin_days + 1):
        if day in changes:
            ctx = ctx.with_params(course.params_on(day))
        step(s, ctx, day)
    if course.replay is not None:
        switch(s, course.own, course.replay, geo)
    recorder = Recorder(s, course.own, geo, summary_columns)
    parts = Periods(periods, course.own, geo, replicates, summary_columns) if periods else None
    names = variables.series_names(geo)
    columns = names if record is True else list(record or [])
    series = None
    if columns:
        idx = np.array([names.index(c) for c in columns])
        kept = len(replicates) if record_rows is None else min(record_rows, len(replicates))
        series = np.empty((days + 1, kept, len(columns)))
        series[0] = variables.snapshot(s, geo, idx, kept)
    if observe is not None:
        observe(s, 0)
    if parts is not None:
        parts.begin(s, 0)
    for day in range(1, days + 1):
        if course.spin_days + day in changes:
            ctx = ctx.with_params(course.params_on(course.spin_days + day))
        rec = step(s, ctx, course.spin_days + day)
        recorder.record(s, day, rec)
        if parts is not None:
            parts.record(s, day, rec)
            parts.begin(s, day)
        if series is not None:
            series[day] = variables.snapshot(s, geo, idx, kept)
        if observe is not None:
            observe(s, day)
        if progress is not None:
            progress(len(replicates))
    return Chunk(replicates, recorder.summary(s, replicates), series, columns,
                 periods=parts.summary() if parts is not None else None)


def course_of(P: ParamArrays, days: int, geo: Geography) -> Course:
    """The course of a run of ``days`` own days of ``P``: after the replay of its warm start, if it has one."""
    if P.warm_start == "none":
        return Course.of(P, days)
    replay, spin_days = warm_start_params(P.warm_start, P.start)
    return Course.of(P, days, compile_params(replay, geo, batch=P.batch), spin_days)


def iter_chunks(params: Parameters, *, replicates: int, seed: int, days: int, chunk_size: int,
                record: bool | Sequence[str] = False, record_limit: int | None = None,
                geo: Geography | None = None, progress: Callable[[int], None] | None = None,
                observe: Callable[[State, int], None] | None = None) -> Iterator[ChunkResult]:
    """Replicates ``0 .. replicates-1`` of one parameter point, ``chunk_size`` at a time.

    ``record_limit`` keeps series only for replicates below it.
    """
    for start in range(0, replicates, chunk_size):
        reps = np.arange(start, min(start + chunk_size, replicates))
        rows = None if record_limit is None else max(0, record_limit - start)
        yield run_rows(params, reps, seed=seed, days=days, geo=geo, record=record if rows != 0 else False,
                       record_rows=rows, progress=progress, observe=observe)
