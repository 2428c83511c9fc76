"""A chunk: replicates run together, by either engine, with their summary and recorded series."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from borderSim.outputs.tables import SeriesBuffer


@dataclass
class Chunk:
    """Replicates run together: their per-replicate summary and, if recorded, their daily series:
    ``series`` as a (days + 1, rows, columns) float64 array, or ``buffer`` (a reused
    :class:`~borderSim.outputs.tables.SeriesBuffer`, written before the next chunk is asked for)."""

    replicates: np.ndarray
    summary: pd.DataFrame
    series: np.ndarray | None = None    # (days + 1, rows, n recorded series) float64
    columns: list[str] = field(default_factory=list)   # names of the recorded series
    buffer: SeriesBuffer | None = None
    periods: pd.DataFrame | None = None   # one row per (period, replicate): summaries of parts of the run

    def overview_series(self, name: str, rows: int) -> np.ndarray:
        """(up to ``rows``, days + 1) values of one series (a copy if the buffer will be reused)."""
        if self.buffer is not None:
            return self.buffer.series(name, rows).T.copy()
        return self.series[:, :rows, self.columns.index(name)].T
