"""Memory and disk a run needs, estimated and checked before it starts.

A chunk of core rows holds the state and a day's temporaries (:data:`ROW_BYTES` per row, measured
about 5 KB; the margin covers the summary and numpy's temporaries) plus, when daily series are
kept, their buffer (:func:`series_bytes` per replicate-day: 4 bytes per integer series, 8 per float
series, as :class:`borderSim.outputs.tables.SeriesBuffer` holds them). ``timeseries.parquet``
takes about :data:`SERIES_DISK_BYTES` per replicate-day on disk (zstd; measured 57-61 bytes on the
shipped scenarios, 300 replicates x 730 days). A run that would not fit is refused in one line
before any work, instead of failing with MemoryError or a full disk after minutes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from borderSim.common.errors import InputError

ROW_BYTES = 8_192
SERIES_DISK_BYTES = 64
MEMORY_SHARE = 0.8               # of the memory available when the run starts


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux ``MemAvailable``), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def series_bytes() -> int:
    """Bytes of one replicate-day of every daily series in the recording buffer."""
    from borderSim.inputs.geography import load_geography
    from borderSim.outputs.variables import VARIABLES, keys

    geo = load_geography()
    return sum((4 if v.integer else 8) * len(keys(v, geo)) for v in VARIABLES)


def chunk_bytes(rows: int, days: int, timeseries: bool) -> int:
    """Memory of a core chunk of ``rows`` rows, with or without its daily series."""
    return rows * (ROW_BYTES + ((days + 1) * series_bytes() if timeseries else 0))


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} TB"


def check_chunk(rows: int, days: int, timeseries: bool, flag: str = "--chunk-size",
                available: int | None = None) -> None:
    """Refuse a chunk that would not fit in the memory available now (``InputError`` naming ``flag``)."""
    available = available_memory() if available is None else available
    if available is None:
        return
    need, budget = chunk_bytes(rows, days, timeseries), available * MEMORY_SHARE
    if need > budget:
        most = max(1, int(budget // chunk_bytes(1, days, timeseries)))
        raise InputError(flag, str(rows), f"needs about {_size(need)} of memory for {days} days but "
                         f"{_size(available)} is available; expected at most {most:,} rows")


def check_disk(replicates: int, days: int, folder: Path, free: int | None = None) -> None:
    """Refuse a run whose daily series would not fit on the disk of ``folder`` (its nearest existing parent)."""
    need = replicates * (days + 1) * SERIES_DISK_BYTES
    if free is None:
        probe = Path(folder).absolute()
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        try:
            usage = shutil.disk_usage(probe)
        except OSError:
            return
        if usage.total == 0:   # a pseudo file system (/proc): writing there fails on its own
            return
        free = usage.free
    if need > free:
        raise InputError("--replicates", str(replicates), f"the daily series of {replicates:,} replicates x {days} "
                         f"days would take about {_size(need)} but {_size(free)} is free under {folder}; "
                         "expected --no-timeseries (summaries only) or fewer replicates")
