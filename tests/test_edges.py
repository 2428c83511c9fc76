"""The schema's full ranges, edges included: no NaN or infinity anywhere in a run, no edge value that
switches off the governments' choices (once, threshold 1 made every move 0 through 0/0), and no
village losing more homes than it has (once up to 212 times the side's population at the edges).

Runs are small (a few replicates, tens of days) so that the whole schema is covered in about a minute.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borderSim.core.run import run_rows
from borderSim.inputs.geography import load_geography
from borderSim.rules.communities import housing_stock
from borderSim.schema import Change, Parameters, specs
from borderSim.schema.scenarios import load_scenario
from tests.strategies import extreme_list

BASE = load_scenario("september_2022").params     # starts at a standoff: every mechanism is exercised
NAN_ALLOWED = {"first_day_rung5", "major_clash_days_mean", "days_to_first_ceasefire", "ceasefire_survival",
               "days_to_durable_agreement", "legitimacy_change_90_TJ", "legitimacy_change_90_KG",
               "legitimacy_change_365_TJ", "legitimacy_change_365_KG"}   # documented: NaN if never / too short
STOCK = housing_stock(load_geography().population)     # homes per village
NAN_STATE = {"legitimacy_90", "legitimacy_365"}   # state: NaN until that day is reached (by design)
MODEL_SPECS = [s for s in specs() if s.group != "simulation" or s.name == "simulation.start_date"]


def edges(s) -> list:
    """The values at the ends of a parameter's range (every choice for categorical ones; no shock and the
    most extreme shocks or dated changes for the lists of them)."""
    if s.is_list:
        return [(), extreme_list(s)]
    if s.choices is not None:
        return list(s.choices)
    if s.type is dt.date:
        return [dt.date(2000, 1, 1), dt.date(2030, 12, 31)]
    return [s.type(s.ge), s.type(s.le)]


def _label(v) -> str:
    return f"{len(v)} {'changes' if v and isinstance(v[0], Change) else 'shocks'}" if isinstance(v, tuple) else str(v)


class Watch:
    """``observe`` hook: every float array of the state finite every day; counts the governments' moves."""

    def __init__(self):
        self.moves = 0

    def __call__(self, state, day: int) -> None:
        for f in dataclasses.fields(state):
            a = getattr(state, f.name)
            if isinstance(a, np.ndarray) and a.dtype.kind == "f":
                ok = ~np.isinf(a) if f.name in NAN_STATE else np.isfinite(a)
                assert ok.all(), f"{f.name} not finite on day {day}"
        self.moves += int(np.count_nonzero(state.move))
        assert (state.homes <= STOCK).all(), f"more homes destroyed than a village has, day {day}"


def run_and_check(params: Parameters, replicates: int = 4, days: int = 50) -> Watch:
    watch = Watch()
    with np.errstate(invalid="raise", divide="raise"):
        res = run_rows(params, np.arange(replicates), seed=11, days=days, observe=watch)
    summary = res.summary
    for col in summary.columns:
        values = summary[col].to_numpy(dtype=float)
        assert not np.isinf(values).any(), col
        if col not in NAN_ALLOWED:
            assert not np.isnan(values).any(), col
    return watch


@pytest.mark.slow
@pytest.mark.parametrize(("name", "value"), [(s.name, v) for s in MODEL_SPECS for v in edges(s)],
                         ids=[f"{s.name}={_label(v)}" for s in MODEL_SPECS for v in edges(s)])
def test_each_edge_value_alone_keeps_the_run_finite_and_the_governments_choosing(name, value):
    watch = run_and_check(BASE.with_updates({name: value}, "test"))
    assert watch.moves > 0, f"{name}={value}: no government moved in 4 replicates x 50 days"


@st.composite
def edge_heavy(draw) -> Parameters:
    """Any valid parameter set, each model parameter at an edge with probability 0.4 (else anywhere)."""
    updates = {}
    for s in MODEL_SPECS:
        if draw(st.floats(0, 1)) < 0.4:
            updates[s.name] = draw(st.sampled_from(edges(s)))
        elif s.choices is None and s.type in (int, float) and draw(st.booleans()):
            updates[s.name] = draw(st.integers(int(s.ge), int(s.le)) if s.type is int
                                   else st.floats(s.ge, s.le, allow_nan=False))
    return BASE.with_updates(updates, "test")


@given(edge_heavy())
@settings(max_examples=40)
def test_many_edges_at_once_keep_every_number_finite(params):
    run_and_check(params, replicates=4, days=45)
