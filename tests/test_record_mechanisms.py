"""The mechanisms that mend what the model missed of the record move outcomes, paired.

Paired runs on common random numbers as in ``test_levers.py`` (300 replicates, fixed seed): the mean paired
difference has the expected sign, is at least ``margin`` of the reference and at least three standard errors
from zero. The Mesa engine gives the same trajectories bit for bit with each of these parameters moved
(``test_equivalence.py``: every parameter switched on in turn), so each effect holds in both engines; the
last test checks that directly on replicates where the mechanism acts.
"""

from __future__ import annotations

import numpy as np
import pytest

from borderSim.model import BorderModel
from borderSim.schema.scenarios import load_scenario
from tests.helpers import assert_effect, paired, run_rows

HINDCAST = load_scenario("hindcast_2021").params
SEPT = load_scenario("september_2022").params


@pytest.mark.slow
def test_a_war_ripens_the_talks_only_above_the_threshold_of_mutual_hurt():
    """Zartman's hurting stalemate: with a high ripeness threshold the wars of 2021-22 leave less of the
    border agreed by the end of 2022 (measured 0.79 -> 0.59 from threshold 0 to 2, z -23)."""
    ref, new, z = paired(HINDCAST.with_updates({"border.ripeness_threshold": 0.0}), {"border.ripeness_threshold": 2.0},
                         "demarcated_share_final", days=730)
    assert_effect(ref, new, z, sign=-1, margin=0.10)


@pytest.mark.slow
def test_more_capability_on_both_sides_makes_a_war_deadlier():
    """Firepower: doubling both sides' capability (their shares unchanged) raises the deaths of the
    September 2022 standoff's 60 days (measured 46 -> 73, z 4.7)."""
    ref, new, z = paired(SEPT, {"tajikistan.capability": 2.4, "kyrgyzstan.capability": 1.6}, "deaths_total", days=60)
    assert_effect(ref, new, z, sign=1, margin=0.2)


@pytest.mark.slow
def test_ceasefires_after_costlier_fighting_break_less():
    """Fortna 2003: strength from the mutual hurt at agreement means fewer broken ceasefires after the
    September 2022 standoff (measured 0.79 -> 0.54 a replicate, z -7.9)."""
    ref, new, z = paired(SEPT.with_updates({"border.ceasefire_cost_durability": 0.0}),
                         {"border.ceasefire_cost_durability": 2.0}, "ceasefires_broken", days=90)
    assert_effect(ref, new, z, sign=-1, margin=0.15)


@pytest.mark.slow
def test_border_guard_shootouts_make_clashes_deadly_without_escalation(baseline):
    """Shoot-outs kill: more deadly clashes over two years (measured 2.1 -> 5.7, z 27)."""
    ref, new, z = paired(baseline.with_updates({"communities.gunfire_lethality": 0.0}),
                         {"communities.gunfire_lethality": 0.5}, "deadly_clashes")
    assert_effect(ref, new, z, sign=1, margin=0.5)


@pytest.mark.slow
def test_kyrgyz_protest_is_unrest_that_holds_out_against_ceasefires():
    """Protest pressure after the September 2022 losses adds to Kyrgyz unrest: the dyad spends more days at a
    standoff or in fighting (measured 11.2 -> 13.5 days, z 6.4)."""
    ref, new, z = paired(SEPT.with_updates({"kyrgyzstan.protest_unrest": 0.0}), {"kyrgyzstan.protest_unrest": 1.0},
                         "days_rung3plus", days=90)
    assert_effect(ref, new, z, sign=1, margin=0.1)


@pytest.mark.slow
def test_a_major_offensive_needs_forces_massed(baseline):
    """Without forces massed by earlier standoffs a major clash is costlier: in the replay's first year (1
    January 2021, before standoffs have massed forces) major episodes fall (measured -6.0 %, 1.09 -> 1.02 a
    replicate, z -7.2, 1,200 replicates), while the limited, deadly clashes do not (3.72 -> 3.76)."""
    replay = load_scenario("hindcast_2021").params
    off = replay.with_updates({"border.unprepared_cost": 0.0})
    ref, new, z = paired(off, {"border.unprepared_cost": 5.0}, "major_episodes", n=1200, days=365)
    assert_effect(ref, new, z, sign=-1, margin=0.05)
    ref, new, z = paired(off, {"border.unprepared_cost": 5.0}, "deadly_clashes", n=1200, days=365)
    assert new >= ref


@pytest.mark.slow
def test_a_clash_slips_into_a_major_clash_only_with_forces_massed():
    """Unchosen escalation from a clash to a major clash needs forces massed on the line: in the replay's first
    year, forces massed more slowly (mobilisation over 150 days instead of 5) make major episodes rarer
    (measured 1.22 -> 0.30 a replicate, z -43.9, 1,200 replicates), and so do forces stood down faster after a
    standoff (demobilisation over 15 days instead of 365: 1.16 -> 0.94, z -15.6)."""
    ref, new, z = paired(HINDCAST.with_updates({"border.mobilisation_days": 5.0}), {"border.mobilisation_days": 150.0},
                         "major_episodes", n=1200, days=365)
    assert_effect(ref, new, z, sign=-1, margin=0.1)
    ref, new, z = paired(HINDCAST.with_updates({"border.demobilisation_days": 365.0}),
                         {"border.demobilisation_days": 15.0}, "major_episodes", n=1200, days=365)
    assert_effect(ref, new, z, sign=-1, margin=0.05)


@pytest.mark.parametrize(("name", "off", "on", "column"), [
    ("communities.gunfire_lethality", 0.0, 0.5, "deadly_clashes"),
    ("border.ceasefire_cost_durability", 0.0, 2.0, "ceasefires_broken"),
    ("border.demobilisation_days", 365.0, 5.0, "major_episodes"),
])
def test_the_mesa_engine_shows_the_same_effect(name, off, on, column):
    """On the first September 2022 replicates the mechanism changes, the Mesa engine's summary moves exactly as
    the core's does."""
    a, b = SEPT.with_updates({name: off}), SEPT.with_updates({name: on})
    core_a = run_rows(a, np.arange(40), seed=4242, days=60).summary[column].to_numpy()
    core_b = run_rows(b, np.arange(40), seed=4242, days=60).summary[column].to_numpy()
    moved = np.flatnonzero(core_a != core_b)[:2]
    assert moved.size, f"{name} changed no replicate"
    for r in moved:
        ma, mb = BorderModel(a, rng=4242, replicate=int(r)), BorderModel(b, rng=4242, replicate=int(r))
        for _ in range(60):
            ma.step()
            mb.step()
        assert (ma.summary()[column].item(), mb.summary()[column].item()) == (core_a[r], core_b[r])
