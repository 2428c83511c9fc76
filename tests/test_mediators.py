"""Mediators are an axis: an actor is one registry entry plus its schema group. A throwaway mediator that declares
its own group and streams gets parameters (schema, ``borderSim params``, the ODD table), state, outputs, a Mesa
agent and event text, and both engines agree with it at work."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from borderSim import schema
from borderSim.cli.main import main
from borderSim.common.errors import InputError
from borderSim.core.run import run_rows
from borderSim.model import BorderModel, Mediator
from borderSim.outputs import summary, variables
from borderSim.rules import mediator_entries, mediators
from borderSim.rules.mediator import Joint, Style
from borderSim.rules.streams import Stream
from borderSim.schema import tables
from borderSim.schema.scenarios import load_scenario
from tests.helpers import GHOST, WithGhost, ghost_registered

DAYS = 120
ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
TITLE = "The Ghost (a throwaway mediator)"


def test_a_registered_mediator_gets_state_outputs_agents_and_engines_that_agree():
    base = load_scenario("september_2022").params   # a standoff at day 0: an episode from day 1
    with ghost_registered() as registry:
        params = registry.parameters(base)
        assert type(params) is WithGhost and params.ghost.willingness == 0.4 and params.russia == base.russia
        cols = list(summary.COLUMNS)
        last = cols.index("china_pressure_bouts")   # the mediators' columns come before it, in registry order
        assert cols[last - 3:last] == ["ghost_offers", "ghost_acceptances", "ghost_days_engaged"]
        assert "ghost_action" in variables.BY_NAME
        core = run_rows(params, np.arange(8), seed=3, days=DAYS, record=True)
        s = core.summary
        assert (s.ghost_offers > 0).all() and s.ghost_acceptances.sum() > 0
        r = int(np.argmax(s.ghost_acceptances.to_numpy()))   # a replicate where the Ghost mediated
        model = BorderModel(params, rng=3, replicate=r)
        assert [a.name for a in model.agents_by_type[Mediator]] == [m.label for m in registry.mediators]
        assert model.mediators[-1].name == "Ghost mediators"
        for _ in range(DAYS):
            model.step()
        assert np.array_equal(model.series()[:, 0, :], core.series[:, r, :])
        pd.testing.assert_frame_equal(model.summary(), s.iloc[[r]].reset_index(drop=True), check_exact=True)
        ghost = model.mediator("ghost")
        assert ghost.spec is GHOST and ghost.action.name
        # its own parameters move it: an unwilling Ghost never offers
        quiet = run_rows(params.with_updates({"ghost.willingness": 0.0}), np.arange(8), seed=3, days=DAYS)
        assert (quiet.summary.ghost_offers == 0).all()
    # switching the Ghost on moved the outcome of that replicate (it is not dead weight)
    without = run_rows(base, np.array([r]), seed=3, days=DAYS, record=True)
    assert "ghost_offers" not in without.summary and "ghost_action" not in without.columns
    assert not np.array_equal(without.series[:, 0, :5], core.series[:, r, :5])


def test_its_group_is_validated_and_documented_like_any_other(tmp_path, capsys):
    p = WithGhost()
    assert p.with_updates({"ghost.style": "gentle"}).ghost.style == "gentle"
    with pytest.raises(InputError, match=r"ghost\.bias.*expected float from -1 to 1"):
        p.with_updates({"ghost.bias": 2.0})
    with pytest.raises(InputError, match=r"did you mean ghost\.willingness"):
        p.with_updates({"ghost.wilingness": 0.1})
    assert schema.titles(WithGhost)["ghost"] == TITLE and "ghost" not in schema.GROUPS
    with ghost_registered():
        assert main(["params", "--group", "ghost"]) == 0
        text = capsys.readouterr().out
        assert text.startswith(f"[ghost]  {TITLE}") and "willingness" in text and "gentle / ghostly" in text
    assert main(["params", "--group", "ghost"]) == 2   # not a group of the model's schema
    odd = tmp_path / "ODD.md"
    odd.write_text(ODD.read_text(encoding="utf-8"), encoding="utf-8")
    tables.write_into(odd, WithGhost)
    table = tables.table_in(odd.read_text(encoding="utf-8"))
    assert table == tables.markdown(schema=WithGhost) and table.startswith(tables.markdown())
    assert f"**{TITLE}**" in table and "| `ghost.style` | ghostly | gentle / ghostly | category |" in table


def test_the_event_log_names_a_registered_mediator():
    viz = pytest.importorskip("borderSim.viz.model")
    with ghost_registered():
        m = viz.VizModel("september_2022", seed=3)
        g = m.ctx.registry.index("ghost")
        while not (m.today is not None and m.today.offered[0, g]) and m.steps < DAYS:
            m.step()
        day, phrases = m.events[-1]
        assert day == m.steps and any(p.startswith("the Ghost offers ghostly mediation; ") for p in phrases)


def test_the_registry_refuses_clashing_entries():
    before = mediators.registry()
    with pytest.raises(ValueError, match="unique"), mediators.registered(mediator_entries.EU):
        pass
    for streams in (Stream.CHINA, 8, 63):   # a mechanism's stream; the OSCE's answers; past the last number
        reused = mediators.Mediator(**{**vars(GHOST), "streams": streams})
        with pytest.raises(ValueError, match="streams"), mediators.registered(reused, schema=WithGhost):
            pass
    with pytest.raises(ValueError, match="groups of the schema"), mediators.registered(GHOST):
        pass
    nobody = Joint("eu", "nobody", GHOST.bias)
    with pytest.raises(ValueError, match="unknown"), mediators.registered(joints=(nobody,)):
        pass
    assert mediators.registry() is before is mediator_entries.REGISTRY   # unchanged after a refusal
    with ghost_registered(), pytest.raises(ValueError, match=r"no group for the mediators' \['ghost'\]"):
        run_rows(load_scenario("baseline").params, np.arange(2), seed=1, days=5)


def test_style_codes_follow_the_schema():
    assert tuple(s.name.lower() for s in Style) == schema.spec("us.style").choices
