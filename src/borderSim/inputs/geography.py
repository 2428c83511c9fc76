"""The border's geography: segments, the links between them and villages, read from ``data/geography.toml``.

Villages are ordered by segment (in segment order) so that per-segment reductions are contiguous; a
segment may have none (a stretch with no exposed settlement).
Sides are indexed 0 = Tajikistan, 1 = Kyrgyzstan throughout the package. A :class:`Geography` is
shared (``load_geography`` caches it), so its arrays are read-only.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

SIDES = ("TJ", "KG")
SIDE_NAMES = ("Tajikistan", "Kyrgyzstan")
TJ, KG = 0, 1


@dataclass(frozen=True, eq=False)
class Geography:
    """Segments and villages as arrays; see ``data/geography.toml`` for sources and flags."""

    segment_ids: tuple[str, ...]
    segment_names: tuple[str, ...]
    length_km: np.ndarray          # (S,)
    demarcated_2022: np.ndarray    # (S,) bool
    segment_exclave: np.ndarray    # (S,) bool
    segment_water: np.ndarray      # (S,) bool
    demarcation_rank: np.ndarray   # (S,) int, 1 = agreed first
    adjacency: np.ndarray          # (S, S) bool, symmetric: segments next to each other along the line
    village_names: tuple[str, ...]
    side: np.ndarray               # (V,) int, 0 TJ / 1 KG
    segment: np.ndarray            # (V,) int segment index
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray         # (V,) int64
    exclave: np.ndarray            # (V,) bool
    water_point: np.ndarray        # (V,) bool
    coords_estimated: np.ndarray   # (V,) bool
    population_estimated: np.ndarray
    records: tuple[dict, ...]      # the village rows as read, for display and provenance

    def __post_init__(self) -> None:
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    @property
    def n_segments(self) -> int:
        return len(self.segment_ids)

    @property
    def n_villages(self) -> int:
        return len(self.village_names)

    @functools.cached_property
    def side_onehot(self) -> np.ndarray:
        """(V, 2) int64 matrix summing village counts by side."""
        m = np.zeros((self.n_villages, 2), dtype=np.int64)
        m[np.arange(self.n_villages), self.side] = 1
        return _read_only(m)

    @functools.cached_property
    def hops(self) -> np.ndarray:
        """(S, S) int64 steps along the adjacency between segments (-1 where none connects them)."""
        n = self.n_segments
        out = np.full((n, n), -1, dtype=np.int64)
        for start in range(n):
            reached = np.zeros(n, dtype=bool)
            reached[start] = True
            frontier, k = reached.copy(), 0
            while frontier.any():
                out[start, frontier] = k
                frontier = self.adjacency[frontier].any(axis=0) & ~reached
                reached |= frontier
                k += 1
        return _read_only(out)

    def by_segment(self, values: np.ndarray) -> np.ndarray:
        """(n, S) sums of (n, V) village ``values`` per segment, added in village order (no BLAS, whose
        summation order may depend on the batch size: the engines must agree bit for bit)."""
        out = np.zeros((values.shape[0], self.n_segments))
        for v, s in enumerate(self.segment):
            out[:, s] += values[:, v]
        return out

    @functools.cached_property
    def side_population(self) -> np.ndarray:
        """(2,) initial population of the modelled villages by side."""
        return _read_only(self.population @ self.side_onehot)

    @functools.cached_property
    def adjacency_float(self) -> np.ndarray:
        """(S, S) float64 adjacency, for counting a segment's neighbours in a set by a matrix product."""
        return _read_only(self.adjacency.astype(np.float64))

    def segment_index(self, sid: str) -> int:
        return self.segment_ids.index(sid)

    def initial_demarcation(self, share: float) -> np.ndarray:
        """(S,) bool: segments demarcated when ``share`` of the length is, filled in rank order.

        A segment counts as demarcated when the filled length reaches its midpoint.
        """
        order = np.argsort(self.demarcation_rank, kind="stable")
        target = share * self.length_km.sum()
        ends = np.cumsum(self.length_km[order])
        mids = ends - self.length_km[order] / 2
        out = np.zeros(self.n_segments, dtype=bool)
        out[order] = mids <= target + 1e-9
        return out

    def demarcated_share(self, demarcated: np.ndarray) -> np.ndarray:
        """Share of border length demarcated, for (..., S) bool arrays."""
        return (demarcated @ self.length_km) / self.length_km.sum()


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _read(path: Path | None) -> dict:
    if path is None:
        text = resources.files("borderSim.data").joinpath("geography.toml").read_text(encoding="utf-8")
        return tomllib.loads(text)
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _adjacency(edges: list[dict], ids: tuple[str, ...]) -> np.ndarray:
    """(S, S) symmetric bool matrix of the undirected ``edges`` (``a``, ``b`` segment ids)."""
    a = np.zeros((len(ids), len(ids)), dtype=bool)
    for e in edges:
        bad = [x for x in (e["a"], e["b"]) if x not in ids]
        if bad or e["a"] == e["b"]:
            raise ValueError(f"geography: edge {e['a']} - {e['b']}: "
                             + (f"unknown segment {bad[0]}" if bad else "a segment cannot border itself"))
        i, j = ids.index(e["a"]), ids.index(e["b"])
        a[i, j] = a[j, i] = True
    return a


@functools.cache
def load_geography(path: Path | None = None) -> Geography:
    """Load and check the geography data file (the packaged one by default)."""
    data = _read(path)
    segs = sorted(data["segments"], key=lambda s: s["order"])
    ids = tuple(s["id"] for s in segs)
    length = np.array([float(s["length_km"]) for s in segs])
    vills = sorted(data["villages"], key=lambda v: (ids.index(v["segment"]), v["name"]))
    unknown = sorted({v["segment"] for v in vills} - set(ids))
    if unknown:
        raise ValueError(f"geography: villages on unknown segments: {', '.join(unknown)}")
    return Geography(
        segment_ids=ids,
        segment_names=tuple(s["name"] for s in segs),
        length_km=length,
        demarcated_2022=np.array([bool(s["demarcated_2022"]) for s in segs]),
        segment_exclave=np.array([bool(s["exclave"]) for s in segs]),
        segment_water=np.array([bool(s["water_point"]) for s in segs]),
        demarcation_rank=np.array([int(s["demarcation_rank"]) for s in segs]),
        adjacency=_adjacency(data.get("edges", []), ids),
        village_names=tuple(v["name"] for v in vills),
        side=np.array([SIDES.index(v["side"]) for v in vills], dtype=np.int64),
        segment=np.array([ids.index(v["segment"]) for v in vills], dtype=np.int64),
        lat=np.array([float(v["lat"]) for v in vills]),
        lon=np.array([float(v["lon"]) for v in vills]),
        population=np.array([int(v["population"]) for v in vills], dtype=np.int64),
        exclave=np.array([bool(v["exclave"]) for v in vills]),
        water_point=np.array([bool(v["water_point"]) for v in vills]),
        coords_estimated=np.array([bool(v["coords_estimated"]) for v in vills]),
        population_estimated=np.array([bool(v["population_estimated"]) for v in vills]),
        records=tuple(vills),
    )


def segment_ids() -> tuple[str, ...]:
    """Segment ids of the packaged geography (used by the schema's validation)."""
    return load_geography().segment_ids
