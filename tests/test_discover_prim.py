"""PRIM (borderSim.experiments.analyse.prim) recovers a known box, and gives the boxes EMA Workbench gave.

The expected figures were recorded from ``ema_workbench.analysis.prim.Prim(x, y, peel_alpha=0.05,
paste_alpha=0.05, mass_min=0.05).find_box()`` (2.5.3 on Python 3.11 and 3.0.0 on Python 3.12, identical on
these problems), which discovery used before; EMA Workbench is not imported here. Seeded, so exact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from borderSim.experiments.analyse import discover, prim


def known_box(seed: int = 1, n: int = 2000):
    """y = x1 > 0.7 and x2 < 0.3, with 5 % of the cases flipped; x3 does nothing."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"x1": rng.uniform(size=n), "x2": rng.uniform(size=n), "x3": rng.uniform(size=n)})
    y = ((x["x1"] > 0.7) & (x["x2"] < 0.3)).to_numpy() ^ (rng.uniform(size=n) < 0.05)
    return x, y


def test_prim_recovers_the_known_box():
    x, y = known_box()
    traj, chosen, limits = discover.prim_box(x, y, min_coverage=0.5)
    assert limits.index.tolist() == ["x1", "x2"]                  # x3 is left alone
    # the true box is x1 > 0.7, x2 < 0.3: the limits found lie within 0.01 of its edges (the cases are
    # 0.0005 apart on average along each axis, the 5 % noise shifts an edge by at most a few of them)
    assert abs(limits.loc["x1", "min"] - 0.7) < 0.01 and limits.loc["x1", "max"] > 0.99
    assert abs(limits.loc["x2", "max"] - 0.3) < 0.01 and limits.loc["x2", "min"] < 0.02
    row = traj.loc[chosen]
    assert row["density"] > 0.95          # inside the box only the flipped 5 % are not cases
    # EMA Workbench's find_box on the same data: its last box, chosen here as the densest with coverage >= 0.5
    assert (chosen, len(traj)) == (47, 48)
    assert (row["k"], row["n"]) == (164, 171)
    assert row["coverage"] == pytest.approx(164 / 272, abs=0) and row["mass"] == pytest.approx(0.0855, abs=0)
    assert limits.loc["x1", "min"] == pytest.approx(0.7075611875737899, abs=1e-15)
    assert limits.loc["x2", "max"] == pytest.approx(0.2908213884540322, abs=1e-15)


def test_pasting_and_ties_as_ema_workbench():
    """A problem whose trajectory pastes three times and peels an integer-valued axis (ties: limits fall
    halfway between distinct values): the last box, as EMA Workbench 2.5.3 and 3.0.0 gave it."""
    r = np.random.default_rng(13)
    m = 300
    x = pd.DataFrame({"a": r.uniform(size=m), "b": r.integers(0, 6, size=m).astype(float), "c": r.uniform(size=m)})
    y = ((x["a"] + 0.2 * x["b"] + r.normal(scale=0.3, size=m)) > 1.3).to_numpy()
    box = prim.find_box(x, y, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
    assert len(box.stats) == 17
    assert int((np.diff(box.stats["mass"]) > 0).sum()) == 3       # three pastes
    last = box.stats.iloc[-1]
    assert (last["k"], last["n"], last["res_dim"]) == (37, 41, 3)
    lims = box.limits[-1]
    assert lims["b"].tolist() == [4.5, 5.0]
    assert lims["a"].tolist() == pytest.approx([0.2374925149975738, 0.9994829285865717], abs=1e-15)
    assert lims["c"].tolist() == pytest.approx([0.0032194899197545146, 0.8683800035280826], abs=1e-15)


def test_quantile_steps_past_ties():
    data = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.0, 2.0])
    assert prim.quantile(data, 0.05) == 0.5       # never a limit on a value shared by many cases
    assert prim.quantile(np.arange(11.0), 0.95) == 9.5    # halfway between the 10th and 11th value


def test_a_box_less_dense_than_half_is_still_reported():
    """EMA Workbench 2.5.3 (its threshold of 0.5) replaced such a trajectory by the whole space, 3.0.0 does not;
    here as 3.0.0, on both Pythons: a rare outcome (10 %), 40 % frequent where x1 > 0.8 and 2.5 % elsewhere."""
    rng = np.random.default_rng(3)
    x = pd.DataFrame({"x1": rng.uniform(size=3000), "x2": rng.uniform(size=3000)})
    y = rng.uniform(size=3000) < np.where(x["x1"] > 0.8, 0.4, 0.025)
    traj, chosen, limits = discover.prim_box(x, y, min_coverage=0.5)
    assert traj["density"].max() < 0.5 and chosen > 0
    assert limits.index.tolist() == ["x1"] and abs(limits.loc["x1", "min"] - 0.8) < 0.05
