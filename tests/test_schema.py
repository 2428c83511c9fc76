"""The parameter schema is complete, consistent and the single source of the ODD table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from borderSim.inputs.references import REFERENCES
from borderSim.rules.mediator_entries import REGISTRY
from borderSim.schema import (
    DECLARED,
    GOVERNMENT_FIELDS,
    GROUPS,
    KyrgyzstanParams,
    Parameters,
    TajikistanParams,
    WesternGroup,
    specs,
    tables,
    titles,
)

ROOT = Path(__file__).resolve().parents[1]


def test_every_parameter_documents_type_default_range_unit_description_source():
    for s in specs():
        assert s.unit, s.name
        assert s.description and s.description.endswith("."), s.name
        assert s.source, s.name
        if s.is_list:   # a list of tables: each entry is validated by its own model
            assert s.item_fields and all(isinstance(x, s.type.__args__[0]) for x in s.default), s.name
        elif s.choices is None and s.type not in (str, dt.date):
            assert s.ge is not None and s.le is not None, f"{s.name} has no range"
            assert s.ge <= s.default <= s.le, f"{s.name} default outside its range"


def test_groups_are_the_schemas_fields_each_titled_and_each_mediator_has_one():
    assert tuple(Parameters.model_fields) == GROUPS and tuple(titles()) == GROUPS and all(titles().values())
    assert {s.group for s in specs()} == set(GROUPS)
    assert {m.group for m in REGISTRY.mediators} <= set(GROUPS) and REGISTRY.schema is Parameters


def test_both_governments_share_the_utility_fields():
    for cls in (TajikistanParams, KyrgyzstanParams):
        assert set(GOVERNMENT_FIELDS) <= set(cls.model_fields), cls.__name__


def test_sources_cite_known_references():
    keys = set(REFERENCES) | {"calibrated", "design", "estimate"}
    for s in specs():
        cited = [k for k in keys if k in s.source]
        assert cited, f"{s.name}: source {s.source!r} names no reference"


def test_parameters_are_immutable_and_updates_validate():
    p = Parameters()
    with pytest.raises(Exception):  # noqa: B017  (pydantic's frozen-instance error)
        p.russia.bias = 0.1
    q = p.with_updates({"russia.bias": -0.5})
    assert q.russia.bias == -0.5 and p.russia.bias != -0.5
    with pytest.raises(ValueError):
        p.with_updates({"russia.bias": 3})


@pytest.mark.parametrize(("updates", "key", "needle"), [
    ({"rusia.bias": 0.1}, "rusia.bias", "did you mean russia.bias"),
    ({"russia.bias": 3.0}, "russia.bias", "3.0 is not allowed; expected float from -1 to 1"),
    ({"simulation.days": 3.5}, "simulation.days", "int from 1 to 36500"),
    ({"border.trigger_segment": "mars"}, "border.trigger_segment", "one of none, isfana"),
])
def test_one_update_path_for_files_flags_and_the_page(updates, key, needle):
    """``with_updates`` is the one path that checks names and values; every caller gets its message."""
    from borderSim.common.errors import InputError
    from borderSim.schema.scenarios import load_scenario, with_overrides
    from borderSim.viz.model import VizModel

    with pytest.raises(InputError) as direct:
        Parameters().with_updates(updates, "here")
    assert (direct.value.where, direct.value.key) == ("here", key) and needle in str(direct.value)
    (name, value), = updates.items()
    with pytest.raises(InputError) as flag:
        with_overrides(load_scenario("baseline"), [f"{name}={value!r}".replace("'", '"')])
    assert flag.value.message == direct.value.message and flag.value.where == "--set"
    with pytest.raises(InputError) as page:
        VizModel("baseline", **{name.replace(".", "__", 1): value})
    assert page.value.message == direct.value.message


def test_odd_parameter_table_is_generated_from_the_schema():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert tables.table_in(odd) == tables.markdown(), (
        "docs/ODD.md's parameter table differs from the schema: run `make docs`")


def test_odd_reference_list_is_generated_from_the_bibliography():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert tables.table_in(odd, tables.REF_BEGIN, tables.REF_END) == tables.references()


def test_markdown_table_lists_every_parameter_once():
    table = tables.markdown()
    for s in specs():
        assert table.count(f"`{s.name}`") == 1


def test_every_parameter_has_a_role_and_the_levers_are_the_outside_postures():
    """Roles split levers from uncertainties (EMA Workbench): the Western mediators' fields, Russia's and
    China's postures and the arms inflows are levers; day-0 values are initial; the record's dated events,
    Russia's attention and the economic ties are exogenous; run controls are controls."""
    from borderSim.schema import ROLES

    roles = {s.name: s.role for s in specs()}
    assert set(roles.values()) <= set(ROLES)
    assert all(roles[n] == "lever" for n in roles if n.startswith(("osce.", "eu.", "us.")))
    assert roles["russia.mediation_propensity"] == roles["china.pressure_propensity"] == "lever"
    assert roles["kyrgyzstan.arms_inflow"] == roles["tajikistan.arms_inflow"] == "lever"
    assert roles["border.demarcated_share"] == roles["kyrgyzstan.capability"] == "initial"
    assert roles["russia.attention"] == roles["domestic.shocks"] == roles["calendar.changes"] == "exogenous"
    assert roles["simulation.warm_start"] == roles["simulation.start_date"] == "control"
    assert roles["tajikistan.escalation_intercept"] == "model"


def test_a_dated_change_of_a_day_0_value_or_out_of_range_is_refused(baseline):
    import datetime as dt

    from borderSim.common.errors import InputError

    change = {"date": dt.date(2022, 3, 1), "parameter": "border.initial_level", "value": 2.0, "event": "x",
              "source": "y"}
    with pytest.raises(InputError, match="cannot change on a date"):
        baseline.with_updates({"calendar.changes": [change]})
    with pytest.raises(InputError, match="outside"):
        baseline.with_updates({"calendar.changes": [{**change, "parameter": "russia.attention", "value": 2.0}]})
    with pytest.raises(InputError, match=r"did you mean russia\.attention"):
        baseline.with_updates({"calendar.changes": [{**change, "parameter": "russia.atention", "value": 0.1}]})


def test_the_rules_typed_groups_are_generated_from_the_schema():
    """``rules/groups.py`` (the typed containers of the parameter arrays) is ``tools/param_groups.py``'s output, and
    a compiled run's groups are those containers, each with every array its group's parameters become."""
    import runpy

    from borderSim.inputs.geography import load_geography
    from borderSim.rules import groups
    from borderSim.rules.params import compile_params

    tool = runpy.run_path(str(ROOT / "tools" / "param_groups.py"))
    assert (ROOT / "src" / "borderSim" / "rules" / "groups.py").read_text(encoding="utf-8") == tool["source"](), (
        "src/borderSim/rules/groups.py differs from the schema: run `PYTHONPATH=src python tools/param_groups.py`")
    P = compile_params(Parameters(), load_geography(), batch=3)
    for name, cls in groups.CONTAINERS.items():
        assert type(getattr(P, name)) is cls, name
    western = [g.key for g in DECLARED if issubclass(g, WesternGroup)]
    assert western and all(type(getattr(P, key)) is groups.WesternArrays for key in western)
    for s in specs():
        if not s.is_list and s.key != "warm_start":
            assert getattr(getattr(P, s.group), s.key).shape == (3, 1), s.name
