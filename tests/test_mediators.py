"""Mediators are an axis: an actor is one registry entry plus its schema group. A throwaway mediator that declares
its own group and streams gets parameters (schema, ``borderSim params``, the ODD table), state, outputs, a Mesa
agent and event text, and both engines agree with it at work. A built-in one is its schema module (its group
declaring its key, title and place), its registry entry and a scenario: no line in ``Parameters``, no generated
container."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
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
from borderSim.schema.parameters import FixedGroups
from borderSim.schema.scenarios import load_scenario
from tests.helpers import GHOST, WithGhost, ghost_registered

DAYS = 120
ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
SRC = Path(schema.__file__).resolve().parents[1]   # the borderSim package these tests import
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


def _words(path: Path) -> set[str]:
    """Every name, attribute, keyword, imported name or module part and string constant of a Python file."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Attribute):
            out.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg:
            out.add(node.arg)
        elif isinstance(node, ast.alias):
            out |= set(node.name.split("."))
        elif isinstance(node, ast.ImportFrom) and node.module:
            out |= set(node.module.split("."))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.add(node.value)
    return out


def _declared_keys_in_source() -> set[str]:
    """The ``key = "..."`` of every class in the schema's modules, read from their text (not imported)."""
    keys = set()
    for path in (SRC / "schema").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                keys |= {stmt.value.value for stmt in node.body if isinstance(stmt, ast.Assign)
                         and [getattr(t, "id", None) for t in stmt.targets] == ["key"]
                         and isinstance(stmt.value, ast.Constant)}
    return keys


def test_the_built_in_mediators_groups_are_declared_in_their_own_modules_alone():
    """Every built-in mediator's group that is not a fixed group is declared in its schema module (found there, in
    the order of its ``place``, titled by its ``title``), and neither ``Parameters``, the generated containers, their
    generator nor the compiler of the arrays names one of them."""
    declared = {g.key: g for g in schema.DECLARED}
    outside = {m.group for m in mediator_entries.REGISTRY.mediators} - set(FixedGroups.model_fields)
    assert outside and set(declared) == outside == _declared_keys_in_source()
    assert (*FixedGroups.model_fields, *declared) == schema.GROUPS
    assert [g.place for g in declared.values()] == sorted(g.place for g in declared.values())
    assert {k: schema.titles()[k] for k in declared} == {k: g.title for k, g in declared.items()}
    for g in declared.values():
        assert schema.Parameters.model_fields[g.key].annotation is g and g.__module__ != "borderSim.schema.parameters"
    for path in (SRC / "schema" / "parameters.py", SRC / "rules" / "groups.py", SRC / "rules" / "params.py",
                 ROOT / "tools" / "param_groups.py"):
        named = {word for g in declared.values() for word in (g.key, g.__name__, g.__module__.rsplit(".", 1)[1])}
        assert not named & _words(path), f"{path.name} names {sorted(named & _words(path))}"


BUILT_IN = textwrap.dedent("""
    import importlib.machinery, runpy, sys
    from pathlib import Path

    EXTRA, ROOT, SCENARIO = sys.argv[1:]


    class WithExtra(importlib.machinery.PathFinder):   # the schema package also holds the modules in EXTRA
        @classmethod
        def find_spec(cls, name, path=None, target=None):
            spec = super().find_spec(name, path, target) if name == "borderSim.schema" else None
            if spec is not None:
                spec.submodule_search_locations.append(EXTRA)
            return spec


    sys.meta_path.insert(0, WithExtra)
    import numpy as np

    from borderSim.cli.main import main
    from borderSim.core.run import run_rows
    from borderSim.inputs.geography import load_geography
    from borderSim.rules import groups, mediators
    from borderSim.rules.mediator_entries import western
    from borderSim.rules.params import compile_params
    from borderSim.schema import GROUPS, Parameters, tables, titles
    from borderSim.schema.scenarios import load_scenario

    assert GROUPS[-4:] == ("osce", "ghost", "eu", "us"), GROUPS   # its place, not its name, orders it
    assert titles()["ghost"] == "The Ghost (a built-in throwaway mediator)"
    assert "**The Ghost (a built-in throwaway mediator)**" in tables.markdown()
    assert main(["params", "--group", "ghost"]) == 0
    tool = runpy.run_path(str(Path(ROOT) / "tools" / "param_groups.py"))
    assert tool["source"]() == Path(groups.__file__).read_text(encoding="utf-8"), "groups.py would change"
    # its registry entry (its streams its own) and a scenario that makes it willing
    with mediators.registered(western("ghost", "ghost", "the Ghost", "Ghost", streams=40)) as registry:
        assert registry.schema is Parameters
        params = load_scenario(SCENARIO).params
        assert type(params) is Parameters and params.ghost.willingness == 0.5
        assert type(compile_params(params, load_geography()).ghost) is groups.WesternArrays
        s = run_rows(params, np.arange(8), seed=3, days=60).summary
        assert s.ghost_offers.sum() > 0 and s.ghost_acceptances.sum() > 0, s.filter(like="ghost")
    print("built in")
""")


def test_a_built_in_mediator_is_its_schema_module_its_registry_entry_and_a_scenario(tmp_path):
    """A copy of the OSCE's schema module, as a new mediator's (its key, title and a place between the OSCE and
    the EU), put among the schema's modules of a fresh interpreter: ``Parameters`` has its group, the parameter
    tables print it, the generated containers stay as they are, and with its registry entry and a scenario it
    mediates in a run."""
    extra = tmp_path / "extra"
    extra.mkdir()
    osce = (SRC / "schema" / "osce.py").read_text(encoding="utf-8")
    ghost = (osce.replace("OsceParams", "GhostParams").replace('key = "osce"', 'key = "ghost"')
             .replace('title = "OSCE (mediator)"', 'title = "The Ghost (a built-in throwaway mediator)"')
             .replace("place = 10", "place = 15"))
    assert ghost.count("ghost") == 1 and "place = 15" in ghost   # each declaration replaced
    (extra / "ghost.py").write_text(ghost, encoding="utf-8")
    scenario = tmp_path / "ghost.toml"
    scenario.write_text('description = "The Ghost offers"\nextends = "september_2022"\n\n[ghost]\nwillingness = 0.5\n',
                        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC.parent), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", BUILT_IN, str(extra), str(ROOT), str(scenario)], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.rstrip().endswith("built in"), done.stderr[-3000:]
