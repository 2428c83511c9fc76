"""Tidy tables: the long daily time series and the per-replicate summary, as Arrow and pandas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from borderSim.geography import Geography
from borderSim.outputs import variables

TIMESERIES_SCHEMA = pa.schema([
    ("scenario", pa.dictionary(pa.int32(), pa.string())),
    ("replicate", pa.int64()),
    ("day", pa.int32()),
    ("variable", pa.dictionary(pa.int32(), pa.string())),
    ("side", pa.dictionary(pa.int32(), pa.string())),
    ("segment", pa.dictionary(pa.int32(), pa.string())),
    ("value", pa.float64()),
])


def _series_labels(geo: Geography):
    var, side, seg = [], [], []
    for v in variables.VARIABLES:
        for sd, sg in variables.keys(v, geo):
            var.append(v.name)
            side.append(sd)
            seg.append(sg)
    return var, side, seg


def _dict_column(labels: list[str | None], index: np.ndarray) -> pa.DictionaryArray:
    """Dictionary-encoded strings; ``None`` labels become nulls."""
    uniq = sorted({x for x in labels if x is not None})
    code = np.array([uniq.index(x) if x is not None else -1 for x in labels], dtype=np.int32)[index]
    mask = code < 0
    return pa.DictionaryArray.from_arrays(pa.array(np.where(mask, 0, code), mask=mask),
                                          pa.array(uniq, type=pa.string()))


def long_table(series: np.ndarray, replicates: np.ndarray, geo: Geography, scenario: str) -> pa.Table:
    """Long format: one row per (replicate, day, series) from a (days + 1, rows, n_series) array."""
    days, rows, n = series.shape
    values = np.ascontiguousarray(series.transpose(1, 0, 2)).reshape(-1)
    rep = np.repeat(np.asarray(replicates, dtype=np.int64), days * n)
    day = np.tile(np.repeat(np.arange(days, dtype=np.int32), n), rows)
    idx = np.tile(np.arange(n), rows * days)
    var, side, seg = _series_labels(geo)
    scen = pa.DictionaryArray.from_arrays(pa.array(np.zeros(len(values), dtype=np.int32)),
                                          pa.array([scenario], type=pa.string()))
    return pa.Table.from_arrays(
        [scen, pa.array(rep), pa.array(day), _dict_column(var, idx), _dict_column(side, idx),
         _dict_column(seg, idx), pa.array(values)], schema=TIMESERIES_SCHEMA)


class ChunkWriter:
    """Appends tables to one Parquet file, a row group per chunk, so nothing is held whole."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path, self.schema, self._writer = path, schema, None
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is None:  # an empty file still has the schema
            pq.write_table(self.schema.empty_table(), self.path)
        else:
            self._writer.close()
