"""Accounting invariants hold every day under any valid parameters (hypothesis)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings

from borderSim.core.engine import Context, step
from borderSim.core.run import run_rows
from borderSim.inputs.geography import load_geography
from borderSim.model import BorderModel
from borderSim.outputs.summary import Recorder
from borderSim.rules import communities
from borderSim.rules.params import compile_params
from borderSim.rules.state import State, initial_state
from borderSim.rules.streams import replicate_keys
from tests.strategies import parameters

GEO = load_geography()
COUNTS = ("residents", "displaced", "dead", "wounded", "homes", "deaths_military", "wounded_military",
          "deaths_civilian", "wounded_civilian", "homes_destroyed", "displaced_now", "incidents", "gunfire",
          "deaths_today", "fled_today")
CUMULATIVE = ("dead", "wounded", "homes", "deaths_military", "wounded_military", "deaths_civilian",
              "wounded_civilian", "homes_destroyed")
RECORDED = ("incidents_total", "cf_agreed", "cf_broken", "cf_survived", "escalations", "displaced_total",
            "days_ge2", "days_ge5", "max_level", "offers", "acceptances", "china_bouts")
UNIT_INTERVAL = ("legitimacy", "protest", "succession", "agreement", "audience", "grievance", "cf_strength")


def check(s: State, r: Recorder, prev: tuple[State, dict] | None) -> None:
    for name in COUNTS:
        assert (getattr(s, name) >= 0).all(), name
    assert (s.residents + s.displaced + s.dead == GEO.population).all(), "village accounting"
    assert (s.displaced @ GEO.side_onehot == s.displaced_now).all()
    assert_cache_follows(s)
    for a, name in [(getattr(s, n), n) for n in ("level", "level_base", "segment_level")] + [(r.max_level, "max")]:
        assert ((a >= 0) & (a <= 6)).all(), name
    for a, name in [(getattr(s, n), n) for n in UNIT_INTERVAL] + [(r.protest_peak, "protest_peak")]:
        assert ((a >= 0) & (a <= 1)).all(), name
    counts = list(r.episodes.values())   # episodes reaching rung 3+, 4+, 5+, 6: nested
    assert all((a >= b).all() for a, b in itertools.pairwise(counts)), "episode counts not nested"
    if prev is not None:
        state, recorded = prev
        for rung, count in r.episodes.items():
            assert (count >= recorded["episodes"][rung]).all(), f"episodes reaching {rung} decreased"
        for name in CUMULATIVE:
            assert (getattr(s, name) >= getattr(state, name)).all(), f"{name} decreased"
        for name in RECORDED:
            assert (getattr(r, name) >= recorded[name]).all(), f"{name} decreased"


def assert_cache_follows(s: State) -> None:
    """The state's cache of each village's incident hazard at its grievance is the product, bit for bit."""
    assert np.array_equal(s.incident_hazard, communities.incident_hazard(s.hazard_base, s.grievance)), \
        "incident_hazard is not hazard_base x grievance"


def simulate_and_check(params, replicates: int = 4, days: int = 150, seed: int = 3) -> tuple[State, Recorder]:
    P = compile_params(params, GEO, batch=replicates)
    ctx = Context.build(P, GEO, replicate_keys(seed, np.arange(replicates)))
    s = initial_state(P, GEO, len(ctx.registry.mediators))
    r = Recorder(s, P, GEO)
    check(s, r, None)
    for day in range(1, days + 1):
        prev = s.copy(), {name: getattr(r, name).copy() for name in RECORDED} | {
            "episodes": {rung: count.copy() for rung, count in r.episodes.items()}}
        r.record(s, day, step(s, ctx, day))
        check(s, r, prev)
    return s, r


@given(parameters())
@settings(max_examples=30)
def test_invariants_under_random_valid_parameters(params):
    simulate_and_check(params)


@given(parameters(vary=0.9))
@settings(max_examples=10)
def test_invariants_when_almost_everything_varies(params):
    simulate_and_check(params, days=100)


def test_invariants_in_a_violent_regime(baseline):
    """A regime that fights constantly exercises the harm, flight and return paths hard (40 replicates: in
    the calibrated model about one in ten of them reaches sustained war, rung 6, within 200 days)."""
    p = baseline.with_updates({"tajikistan.escalation_intercept": 2.0, "kyrgyzstan.escalation_intercept": 2.0,
                               "communities.flight_rate": 10.0, "communities.civilian_death_rate": 40.0})
    s, r = simulate_and_check(p, replicates=40, days=200)
    assert r.max_level.max() == 6 and s.dead.sum() > 0 and r.displaced_total.sum() > 0


def test_the_incident_hazard_cache_follows_a_warm_start_talks_and_the_mesa_engine(baseline):
    """The cache is rewritten wherever the hazard or the grievance is: at the warm start's switch (a larger
    demarcated share), by the talks, the harm on the front and the weekly relaxation, on both engines."""
    p = baseline.with_updates({"border.demarcated_share": 0.8, "tajikistan.escalation_intercept": 2.0,
                               "kyrgyzstan.escalation_intercept": 2.0, "border.negotiation_rate": 0.2})
    demarcated = []

    def observe(s: State, day: int) -> None:
        assert_cache_follows(s)
        demarcated.append(s.demarcated.sum())

    run_rows(p, np.arange(30), seed=5, days=150, observe=observe)
    assert demarcated[-1] > demarcated[0]                    # the talks conceded segments
    model = BorderModel(p, rng=5, replicate=2)
    for _ in range(60):
        model.step()
        assert_cache_follows(model.state)
