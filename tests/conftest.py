"""Shared fixtures. Every random draw in the tests comes from fixed seeds.

Markers (pyproject.toml): ``slow`` (paired statistics, big runs), ``validation`` (the model against the record:
strict xfails of known shortfalls, record figures) and ``browser``; ``make check`` leaves them out, ``make test``
runs everything. A module whose module-scoped fixtures are expensive groups its tests on one worker
(``pytestmark = pytest.mark.xdist_group(...)``, honoured by ``--dist loadgroup``). Helpers shared by test files
(paired runs, cached reference runs, the throwaway mediator) are in ``tests/helpers.py``."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from borderSim.inputs.geography import load_geography
from borderSim.schema import Parameters
from borderSim.schema.scenarios import load_scenario

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("quick", parent=settings.get_profile("ci"), max_examples=10)   # `make check`
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def geo():
    return load_geography()


@pytest.fixture(scope="session")
def baseline() -> Parameters:
    return load_scenario("baseline").params


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="module")
def september_2022_model():
    from borderSim.model import BorderModel

    model = BorderModel(load_scenario("september_2022").params, rng=8)
    for _ in range(20):
        model.step()
    return model
