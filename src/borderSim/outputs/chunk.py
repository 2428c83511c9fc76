"""A chunk: replicates run together, by either engine, with their summary and recorded series."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Chunk:
    """Replicates run together: their per-replicate summary and, if recorded, their daily series."""

    replicates: np.ndarray
    summary: pd.DataFrame
    series: np.ndarray | None = None    # (days + 1, rows, n recorded series) float64
    columns: list[str] = field(default_factory=list)   # names of the recorded series
