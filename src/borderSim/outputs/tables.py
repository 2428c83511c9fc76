"""Daily series as tidy tables: stored wide, read long in one call.

``timeseries.parquet`` has one row per (scenario, replicate, day) and one column per series, named as
:func:`borderSim.outputs.variables.series_names` names them (``level``, ``deaths_civilian[KG]``,
``segment_level[vorukh]``); integer-valued series are stored as int32, the others as float64. This is
cheap to write (the engines' (days + 1, rows, series) arrays become columns without repeating labels)
and to read selectively (``read_timeseries(path, ["level"])`` reads one column). :func:`to_long` gives
the long view, one row per (scenario, replicate, day, variable, side, segment), for pandas users.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from borderSim.geography import Geography, load_geography
from borderSim.outputs import variables

KEY_COLUMNS = ("scenario", "replicate", "day")


def _labels(geo: Geography) -> dict[str, tuple[str, str | None, str | None, bool]]:
    """Series name -> (variable, side, segment, integer-valued)."""
    out = {}
    for v in variables.VARIABLES:
        for side, seg in variables.keys(v, geo):
            label = side or seg
            out[f"{v.name}[{label}]" if label else v.name] = (v.name, side, seg, v.integer)
    return out


def schema(columns: Sequence[str], geo: Geography | None = None) -> pa.Schema:
    """Arrow schema of a wide table holding ``columns`` (series names)."""
    labels = _labels(geo or load_geography())
    return pa.schema([("scenario", pa.dictionary(pa.int32(), pa.string())), ("replicate", pa.int64()),
                      ("day", pa.int32())]
                     + [(c, pa.int32() if labels[c][3] else pa.float64()) for c in columns])


def wide_table(series: np.ndarray, replicates: np.ndarray, columns: Sequence[str], scenario: str,
               geo: Geography | None = None) -> pa.Table:
    """One row per (replicate, day) from a (days + 1, rows, len(columns)) array, replicate-major."""
    days, rows, _ = series.shape
    sch = schema(columns, geo)
    n = days * rows
    scen = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([scenario]))
    arrays = [scen, pa.array(np.repeat(np.asarray(replicates, dtype=np.int64), days)),
              pa.array(np.tile(np.arange(days, dtype=np.int32), rows))]
    for j, f in enumerate(sch):
        if j < len(KEY_COLUMNS):
            continue
        col = np.ascontiguousarray(series[:, :, j - len(KEY_COLUMNS)].T).reshape(-1)
        arrays.append(pa.array(col.astype(np.int32) if pa.types.is_int32(f.type) else col))
    return pa.Table.from_arrays(arrays, schema=sch)


def to_long(wide: pd.DataFrame, geo: Geography | None = None) -> pd.DataFrame:
    """The long view of a wide table: columns scenario, replicate, day, variable, side, segment, value."""
    labels = _labels(geo or load_geography())
    keys = [k for k in KEY_COLUMNS if k in wide.columns]
    names = [c for c in wide.columns if c in labels]
    long = wide.melt(id_vars=keys, value_vars=names, var_name="series", value_name="value")
    long = long.sort_values(keys, kind="stable", ignore_index=True)
    series = long.pop("series")
    value = long.pop("value").astype(np.float64)
    for i, name in enumerate(("variable", "side", "segment")):
        long[name] = pd.Categorical(series.map({c: labels[c][i] for c in names}))
    long["value"] = value
    return long


def read_timeseries(path: Path | str, variables_: Sequence[str] | None = None, *, long: bool = False,
                    geo: Geography | None = None) -> pd.DataFrame:
    """Read a ``timeseries.parquet``; ``variables_`` keeps only those variables (``"deaths_civilian"``
    selects both sides' columns) or series (``"deaths_civilian[KG]"``); ``long=True`` returns :func:`to_long`."""
    geo = geo or load_geography()
    columns = None
    if variables_ is not None:
        labels = _labels(geo)
        wanted = set(variables_)
        columns = [*KEY_COLUMNS, *(c for c, lab in labels.items() if c in wanted or lab[0] in wanted)]
    df = pq.read_table(path, columns=columns).to_pandas()
    return to_long(df, geo) if long else df


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
