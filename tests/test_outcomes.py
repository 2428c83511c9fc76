"""Each outcome is declared once: the recorder, the summary, the labels and compare's metric check follow from
the declarations, a registered mediator's outcomes among them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from borderSim.common.errors import InputError
from borderSim.core.run import run_rows
from borderSim.experiments.analyse import compare
from borderSim.experiments.analyse import outcomes as shown
from borderSim.model import BorderModel
from borderSim.outputs import outcomes, summary
from borderSim.outputs.outcomes import Outcome, Tally
from borderSim.rules.ladder import CLASH
from borderSim.schema.scenarios import load_scenario
from tests.helpers import ghost_registered

DAYS = 120


@pytest.fixture(scope="module")
def september():
    return load_scenario("september_2022").params   # a standoff at day 0: fighting within the first days


def test_every_declared_outcome_is_recorded_summarised_and_labelled(september):
    declared = outcomes.declared()
    run = run_rows(september, np.arange(4), seed=3, days=DAYS)
    assert list(run.summary.columns) == ["replicate", *(o.name for o in declared)] == list(summary.columns())
    names = [t.name for t in outcomes.tallies(declared)]
    assert len(names) == len(set(names)) and set(summary.COMPILED) <= set(names)   # compiled: declared tallies only
    for o in declared:
        assert summary.columns()[o.name] == o.text
        assert {t.name for t in o.tallies} <= set(names), o.name
        assert (shown.label(o.name), shown.unit(o.name), shown.side(o.name)) == (o.caption, o.unit, o.side)
        assert shown.check_metrics([o.name]) == [o.name]
        assert len(run.summary[o.name]) == 4


def test_one_declared_outcome_is_all_it_takes(monkeypatch, september):
    """An outcome declared with its own tally is recorded by both engines, summarised, labelled and accepted."""
    days_ge4 = Tally("days_ge4", "sum", lambda s, rec, P: s.level >= CLASH)
    new = Outcome("days_rung4plus", "days at rung 4 or above", lambda r, s: r.days_ge4[:, 0], (days_ge4,), "days",
                  label="Days at rung 4+")
    monkeypatch.setattr(outcomes, "AFTER", (*outcomes.AFTER, new))
    core = run_rows(september, np.arange(6), seed=3, days=DAYS, record=["level"])
    s = core.summary
    assert list(s.columns)[-1] == "days_rung4plus" and s.days_rung4plus.dtype == np.int64
    level = core.series[1:, :, core.columns.index("level")]   # days 1..DAYS
    assert (s.days_rung4plus.to_numpy() == (level >= CLASH).sum(axis=0)).all() and s.days_rung4plus.sum() > 0
    assert (s.days_rung5plus <= s.days_rung4plus).all() and (s.days_rung4plus <= s.days_rung3plus).all()
    model = BorderModel(september, rng=3, replicate=2)
    for _ in range(DAYS):
        model.step()
    pd.testing.assert_frame_equal(model.summary(), s.iloc[[2]].reset_index(drop=True), check_exact=True)
    assert summary.columns()["days_rung4plus"] == "days at rung 4 or above"
    assert (shown.label("days_rung4plus"), shown.unit("days_rung4plus")) == ("Days at rung 4+", "days")
    assert shown.check_metrics(["days_rung4plus"]) == ["days_rung4plus"]


def test_a_registered_mediators_outcomes_pass_compares_metric_check(tmp_path):
    """The metric check reads the registry when called: a mediator registered after import is accepted."""
    metrics = ["ghost_offers", "ghost_acceptances", "ghost_days_engaged"]
    missing = tmp_path / "no-sweep"
    with pytest.raises(InputError, match=r"--metrics.*ghost_offers"):
        compare.run(missing, metrics=metrics)
    with ghost_registered():
        assert compare.check_metrics(metrics) == metrics
        assert compare.label("ghost_offers") == "Mediation offers by the Ghost"
        with pytest.raises(InputError) as refused:   # past the metric check: the folder is what is missing
            compare.run(missing, metrics=metrics)
        assert "--metrics" not in str(refused.value) and "no-sweep" in str(refused.value)
    with pytest.raises(InputError, match="ghost_offers"):
        compare.check_metrics(metrics)


def test_the_tallies_of_two_outcomes_must_not_clash():
    twin = Tally("days_ge2", "sum", lambda s, rec, P: s.level >= 1)
    other = Outcome("x", "x", lambda r, s: r.days_ge2[:, 0], (twin,))
    with pytest.raises(ValueError, match="days_ge2"):
        outcomes.tallies((*outcomes.BEFORE, other))
