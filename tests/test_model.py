"""The Mesa model is inspectable: agents, their properties and the DataCollector's tables."""

from __future__ import annotations

import numpy as np

from borderSim.model import BorderModel, China, Kyrgyzstan, Mediator, Tajikistan, Village
from borderSim.outputs.variables import series_names
from borderSim.rules.mediator_entries import REGISTRY


def test_agents_of_every_kind(baseline, geo):
    m = BorderModel(baseline, rng=1)
    kinds = {type(a) for a in m.agents}
    assert kinds == {Tajikistan, Kyrgyzstan, Village, China, Mediator}
    assert len(m.agents_by_type[Village]) == geo.n_villages
    assert [a.name for a in m.agents_by_type[Mediator]] == [spec.label for spec in REGISTRY.mediators]
    assert m.mediator("eu").spec.key == "eu"
    assert sum(v.population for v in m.villages) == geo.population.sum()


def test_datacollector_records_day_zero_and_every_step(baseline, geo):
    m = BorderModel(baseline, rng=2)
    for _ in range(12):
        m.step()
    frame = m.datacollector.get_model_vars_dataframe()
    assert len(frame) == 13 and m.day == 12
    assert list(frame.columns) == series_names(geo)
    villages = m.datacollector.get_agenttype_vars_dataframe(Village)
    assert set(villages.columns) >= {"residents", "displaced", "dead", "grievance"}
    assert len(villages) == 13 * geo.n_villages


def test_agent_properties_read_the_shared_state(september_2022_model):
    m = september_2022_model
    assert m.level == m.state.level[0, 0]
    for v in m.villages:
        assert v.residents + v.displaced + v.dead == v.population
    assert 0 <= m.kyrgyzstan.protest_pressure <= 1 and 0 <= m.tajikistan.succession <= 1
    assert m.china.action.name and all(a.action.name for a in m.mediators)


def test_same_seed_same_model_different_replicate_differs(baseline):
    def run(rep):
        m = BorderModel(baseline, rng=5, replicate=rep)
        for _ in range(120):
            m.step()
        return m.series()

    assert np.array_equal(run(0), run(0)) and not np.array_equal(run(0), run(1))
