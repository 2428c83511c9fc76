"""Mediators are an axis: a mediator added to the registry gets state, outputs, a Mesa agent and event
text, and both engines agree with it at work."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from borderSim import schema
from borderSim.core.run import run_rows
from borderSim.model import BorderModel, Mediator
from borderSim.outputs import summary, variables
from borderSim.rules import mediators
from borderSim.rules.mediators import Joint, Style
from borderSim.rules.streams import Stream
from borderSim.scenarios import load_scenario
from tests.helpers import GHOST, GHOST_WITH_RUSSIA

DAYS = 120


def test_a_registered_mediator_gets_state_outputs_agents_and_engines_that_agree():
    params = load_scenario("september_2022").params   # a standoff at day 0: an episode from day 1
    with mediators.registered(GHOST, joints=(GHOST_WITH_RUSSIA,)):
        cols = list(summary.COLUMNS)
        last = cols.index("china_pressure_bouts")   # the mediators' columns come before it, in registry order
        assert cols[last - 3:last] == ["ghost_offers", "ghost_acceptances", "ghost_days_engaged"]
        assert "ghost_action" in variables.BY_NAME
        core = run_rows(params, np.arange(8), seed=3, days=DAYS, record=True)
        s = core.summary
        assert (s.ghost_offers > 0).all() and s.ghost_acceptances.sum() > 0
        r = int(np.argmax(s.ghost_acceptances.to_numpy()))   # a replicate where the Ghost mediated
        model = BorderModel(params, rng=3, replicate=r)
        assert [a.name for a in model.agents_by_type[Mediator]] == [m.label for m in mediators.MEDIATORS]
        assert model.mediators[-1].name == "Ghost mediators"
        for _ in range(DAYS):
            model.step()
        assert np.array_equal(model.series()[:, 0, :], core.series[:, r, :])
        pd.testing.assert_frame_equal(model.summary(), s.iloc[[r]].reset_index(drop=True), check_exact=True)
        ghost = model.mediator("ghost")
        assert ghost.spec is GHOST and ghost.action.name
        # switching the Ghost on moved the outcome of that replicate (it is not dead weight)
    without = run_rows(params, np.array([r]), seed=3, days=DAYS, record=True)
    assert "ghost_offers" not in without.summary and "ghost_action" not in without.columns
    assert not np.array_equal(without.series[:, 0, :5], core.series[:, r, :5])


def test_the_event_log_names_a_registered_mediator():
    viz = pytest.importorskip("borderSim.viz.model")
    with mediators.registered(GHOST):
        m = viz.VizModel("september_2022", seed=3)
        g = mediators.index("ghost")
        while not (m.today is not None and m.today.offered[0, g]) and m.steps < DAYS:
            m.step()
        day, phrases = m.events[-1]
        assert day == m.steps and any(p.startswith("the Ghost offers ghostly mediation; ") for p in phrases)


def test_the_registry_refuses_clashing_entries():
    before = mediators.MEDIATORS, mediators.JOINTS
    with pytest.raises(ValueError, match="unique"), mediators.registered(mediators.EU):
        pass
    reused = mediators.Mediator(**{**vars(GHOST), "offer_stream": Stream.CHINA})
    with pytest.raises(ValueError, match="streams"), mediators.registered(reused):
        pass
    nobody = Joint("eu", "nobody", GHOST.bias)
    with pytest.raises(ValueError, match="unknown"), mediators.registered(joints=(nobody,)):
        pass
    assert before == (mediators.MEDIATORS, mediators.JOINTS)   # unchanged after a refusal


def test_style_codes_follow_the_schema():
    assert tuple(s.name.lower() for s in Style) == schema.spec("us.style").choices
