"""After the fighting: ceasefires that age, a status quo that holds, war-weariness, and the season
(issue 12, items 4, 5 and 7b).

Model-level tests run the same replicates with a mechanism on and off (fixed seed, common random
numbers) and compare per-replicate outcomes pairwise: the mean paired difference must have the
expected sign, reach the stated share of the reference mean, and lie at least three standard errors
from zero (``assert_effect`` of tests/test_levers.py), so a pass reflects an effect well above
replicate noise.
"""

from __future__ import annotations

import numpy as np

from borderSim.core.run import run_rows
from borderSim.geography import load_geography
from borderSim.rules import ladder
from borderSim.rules.params import compile_params
from tests.test_levers import assert_effect

N, DAYS, SEED = 400, 730, 4242


def break_log(params, n=N, days=DAYS, seed=SEED):
    """Every ceasefire breakdown: (replicate, the ceasefire's age in days, the rung the dyad re-entered)."""
    prev = {}
    out = []

    def observe(s, day):
        if prev:
            ended = prev["cf"] & ~s.ceasefire[:, 0]
            age = day - prev["start"]
            broken = np.flatnonzero(ended & (age < params.border.ceasefire_durable_days))
            out.extend(zip(broken, age[broken], s.level_base[broken, 0], strict=True))
        prev["cf"], prev["start"] = s.ceasefire[:, 0].copy(), s.cf_start[:, 0].copy()

    run_rows(params, np.arange(n), seed=seed, days=days, observe=observe)
    return np.array(out, dtype=np.int64).reshape(-1, 3)


def test_a_broken_ceasefire_re_enters_lower_the_older_it_is(baseline):
    """The rule: a ceasefire that stopped a major clash and breaks the next day resumes it; after a
    week the dyad returns to a standoff, after four weeks to a local incident."""
    P = compile_params(baseline, load_geography(), batch=4)
    age = np.array([[1], [7], [14], [28]])
    got = ladder.reentry(P, np.full((4, 1), ladder.MAJOR_CLASH), age)[:, 0]
    assert got[0] == ladder.MAJOR_CLASH and np.all(np.diff(got) <= 0) and got[-1] == ladder.INCIDENT
    assert got[1] == ladder.STANDOFF


def test_a_longer_lived_ceasefire_breaks_into_a_lower_rung(baseline):
    """In the baseline, breakdowns of ceasefires older than two weeks re-enter at a lower rung than those
    of the first three days, by three standard errors; and with ageing switched off (a memory of ten
    years) the breakdowns that return the dyad to fighting (rung 4+) are more frequent, paired over
    the same replicates."""
    log = break_log(baseline)
    young, old = log[log[:, 1] <= 3, 2], log[log[:, 1] >= 14, 2]
    se = np.sqrt(young.var(ddof=1) / len(young) + old.var(ddof=1) / len(old))
    assert young.mean() - old.mean() > 3 * se, (young.mean(), old.mean(), se)

    def fighting_again(params):
        b = break_log(params)
        return np.bincount(b[b[:, 2] >= ladder.CLASH, 0], minlength=N).astype(float)

    aged = fighting_again(baseline)
    snap = fighting_again(baseline.with_updates({"border.ceasefire_memory_days": 3650.0}, "test"))
    d = aged - snap
    assert_effect(snap.mean(), aged.mean(), d.mean() / (d.std(ddof=1) / np.sqrt(N)), sign=-1, margin=0.10)
