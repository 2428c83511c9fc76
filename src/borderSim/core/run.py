"""Running batches on the vectorised core: rows are (parameter point, replicate) pairs.

The driver of the core: it steps the engine day by day and feeds the outputs (the summary's recorder
and the daily series), which the engine itself never sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from borderSim.core.engine import Context, step
from borderSim.geography import Geography, load_geography
from borderSim.outputs import variables
from borderSim.outputs.chunk import Chunk
from borderSim.outputs.summary import Recorder
from borderSim.rules.params import ParamArrays, compile_params
from borderSim.rules.state import State, initial_state
from borderSim.rules.streams import replicate_keys
from borderSim.schema import Parameters

ChunkResult = Chunk   # the core's name for it, from before both engines shared one chunk type


def run_rows(points: Parameters | Sequence[Parameters] | ParamArrays, replicates: np.ndarray, *, seed: int,
             days: int, geo: Geography | None = None, record: bool | Sequence[str] = False,
             record_rows: int | None = None, progress: Callable[[int], None] | None = None,
             observe: Callable[[State, int], None] | None = None) -> ChunkResult:
    """Run one batch: row ``i`` uses ``points[i]`` (or the single point) and replicate ``replicates[i]``.

    ``points`` may also be compiled arrays of the rows (:func:`borderSim.rules.params.compile_rows`).

    ``record`` is True for every daily series, or a list of series names; ``record_rows`` keeps the
    series of the first rows only (the summary always covers every row). ``progress(n)`` is called
    after each day with the replicate-days done; ``observe(state, day)`` on day 0 and after each day
    (to record what it likes; it must not change the state).
    """
    geo = geo or load_geography()
    replicates = np.asarray(replicates, dtype=np.int64)
    P = points if isinstance(points, ParamArrays) else compile_params(points, geo, batch=len(replicates))
    s = initial_state(P, geo)
    recorder = Recorder(s, P, geo)
    ctx = Context.build(P, geo, replicate_keys(seed, replicates))
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
    for day in range(1, days + 1):
        recorder.record(s, day, step(s, ctx, day))
        if series is not None:
            series[day] = variables.snapshot(s, geo, idx, kept)
        if observe is not None:
            observe(s, day)
        if progress is not None:
            progress(len(replicates))
    return Chunk(replicates, recorder.summary(s, replicates), series, columns)


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
