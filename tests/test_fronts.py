"""Where episodes start, how the front grows and how people flee (issue 12, items 2 and 3).

Statistical tests run the same replicates (fixed seed, common random numbers) and state their
tolerance: a share or a paired difference must clear its bound by three standard errors, so a pass
reflects an effect well above replicate noise.
"""

from __future__ import annotations

import collections

import numpy as np

from borderSim.core.run import run_rows
from borderSim.geography import load_geography
from borderSim.rules import ladder
from borderSim.rules.params import compile_params

N, DAYS, SEED = 300, 730, 4242


def major_origins(params, n=N, days=DAYS, seed=SEED) -> collections.Counter:
    """Origin segment of every episode that reaches a major clash (rung 5+)."""
    geo, counted, found = load_geography(), np.zeros(n, dtype=bool), collections.Counter()

    def observe(s, day):
        counted[:] &= s.episode[:, 0]
        new = s.episode[:, 0] & (s.level[:, 0] >= ladder.MAJOR_CLASH) & ~counted
        found.update(geo.segment_ids[o] for o in s.origin[new, 0])
        counted[:] |= new

    run_rows(params, np.arange(n), seed=seed, days=days, observe=observe)
    return found


def test_origin_is_drawn_in_proportion_to_hazard_and_incidents(baseline):
    """Each segment is drawn with its weight's share (hazard + weight x today's local rung); a segment
    with gunfire today weighs two expected incidents more. 20,000 draws: 3 standard errors of a share
    are below 0.011."""
    geo = load_geography()
    n, s = 20_000, geo.n_segments
    P = compile_params(baseline, geo, batch=n)
    hazard = np.tile(np.linspace(0.01, 0.12, s), (n, 1))
    local = np.zeros((n, s), dtype=np.int64)
    local[:, 3] = 2                                            # gunfire on segment 3 today
    u = np.random.default_rng(1).random((n, 1))
    got = np.bincount(ladder.origin(P, hazard, local, u)[:, 0], minlength=s) / n
    w = hazard[0] + baseline.border.origin_incident_weight * local[0]
    assert np.abs(got - w / w.sum()).max() < 0.011


def test_no_segment_starts_more_than_a_third_of_the_baselines_major_episodes(baseline):
    """The record has both major episodes and three of four minor clashes in Batken district, at
    different places (events C): the origins of the baseline's major episodes are spread, the largest
    share at least three standard errors below one third, and most lie in Batken district."""
    found = major_origins(baseline)
    total = sum(found.values())
    seg, top = found.most_common(1)[0]
    share = top / total
    assert share + 3 * np.sqrt(share * (1 - share) / total) < 1 / 3, (seg, share, found)
    batken = {"ak_tatyr_road", "kok_tash_golovnoi", "ak_sai", "vorukh", "batken_isfara", "bulak_bashy",
              "chek_kara_bak"}
    assert sum(found[s] for s in batken) / total > 0.5, found
