"""The packaged geography holds what the issue asks for, with provenance flags."""

from __future__ import annotations

import numpy as np

REQUIRED_SEGMENTS = {"vorukh", "lolazor_kayragach", "kok_tash_golovnoi", "ak_tatyr_road", "ovchi_kalacha",
                     "bulak_bashy", "ak_sai"}
# coordinates from the record (facts.md), +-0.02 degrees
RECORD_PLACES = {"Batken": (40.06, 70.82), "Kok-Tash": (39.95, 70.54), "Ak-Sai": (39.87, 70.52),
                 "Isfara": (40.13, 70.63), "Vorukh": (39.85, 70.58), "Ovchi-Kalacha": (40.13, 69.68)}


def test_size_and_named_segments(geo):
    assert geo.n_villages >= 25
    assert geo.n_segments >= 8
    assert set(geo.segment_ids) >= REQUIRED_SEGMENTS
    assert set(np.unique(geo.side)) == {0, 1}


def test_villages_are_sorted_by_segment_and_only_the_host_towns_segment_is_empty(geo):
    assert np.all(np.diff(geo.segment) >= 0)
    # Isfana and Suluktu hosted evacuees in both episodes (24.kg, Kabar): no exposed settlement there
    assert set(range(geo.n_segments)) - set(geo.segment) == {geo.segment_index("isfana")}
    hosts = {"Isfana", "Suluktu", "Korgon", "Boz-Adyr", "Kosh-Bulak"}
    assert not hosts & set(geo.village_names)


def _connected(adj: np.ndarray, keep: np.ndarray) -> bool:
    """The segments ``keep`` form one connected piece of the graph ``adj``."""
    start = int(np.flatnonzero(keep)[0])
    seen = np.zeros(len(adj), dtype=bool)
    seen[start] = True
    for _ in range(len(adj)):
        seen |= keep & (adj[seen].any(axis=0))
    return bool(seen[keep].all())


def test_adjacency_folds_the_line_and_exclaves_are_not_bridges(geo):
    """The valley arm is one connected line (the front can spread along it); the mountain arm has no
    neighbour; an exclave is a leaf or a loop: taking it away leaves the rest connected."""
    adj, ids = geo.adjacency, list(geo.segment_ids)
    assert np.array_equal(adj, adj.T) and not adj.diagonal().any()
    valley = np.ones(len(ids), dtype=bool)
    valley[ids.index("boz_adyr_east")] = False
    assert _connected(adj, valley) and not adj[ids.index("boz_adyr_east")].any()
    for exclave in np.flatnonzero(geo.segment_exclave):
        rest = valley.copy()
        rest[exclave] = False
        assert _connected(adj, rest), ids[exclave]
    # not neighbours although consecutive in order (research note: Vorukh-Batken ~31 km over Kyrgyz land)
    assert not adj[ids.index("vorukh"), ids.index("batken_isfara")]
    assert adj[ids.index("kok_tash_golovnoi"), ids.index("ak_tatyr_road")]


def test_exclaves_and_water_points(geo):
    ids = list(geo.segment_ids)
    assert geo.segment_exclave[ids.index("vorukh")] and geo.segment_exclave[ids.index("lolazor_kayragach")]
    assert geo.segment_water[ids.index("kok_tash_golovnoi")]
    assert geo.exclave.sum() >= 2 and geo.water_point.any()


def test_record_coordinates_are_kept_and_others_flagged(geo):
    names = list(geo.village_names)
    for place, (lat, lon) in RECORD_PLACES.items():
        i = next(k for k, n in enumerate(names) if n.startswith(place))
        assert abs(geo.lat[i] - lat) <= 0.02 and abs(geo.lon[i] - lon) <= 0.02, place
        assert not geo.coords_estimated[i]
    for rec in geo.records:
        assert rec["coords_source"] and rec["population_source"]
    assert geo.population_estimated.any() and (~geo.population_estimated).any()


def test_border_length_and_baseline_demarcation_follow_the_record(geo):
    assert 960 <= geo.length_km.sum() <= 1010          # 970-984 km (record)
    share = geo.demarcated_share(geo.initial_demarcation(0.53))
    assert abs(share - 519 / 975) < 0.06                # 519 km agreed in Sept 2022 (record)
    assert not geo.initial_demarcation(0.0).any() and geo.initial_demarcation(1.0).all()
