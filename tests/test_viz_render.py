"""Headless tests of the browser visualisation: the page rendered with ``solara.render``, no browser.

Figures shown on the page are compared with the vectorised core run for the same seed, never with
hard-coded model outputs (the calibration may change).
"""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import time

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest

solara = pytest.importorskip("solara")
pytest.importorskip("mesa.visualization")

from borderSim import schema  # noqa: E402
from borderSim.cli.main import main as cli_main  # noqa: E402
from borderSim.common.errors import InputError  # noqa: E402
from borderSim.core.run import run_rows  # noqa: E402
from borderSim.inputs.geography import SIDES, load_geography  # noqa: E402
from borderSim.outputs import variables  # noqa: E402
from borderSim.rules import mediators  # noqa: E402
from borderSim.schema.scenarios import load_scenario  # noqa: E402
from borderSim.viz import app, controls, ensemble, events, launch  # noqa: E402
from borderSim.viz.model import VizModel, parse_seed  # noqa: E402
from borderSim.viz.serve import serve  # noqa: E402

SCENARIO = "september_2022"
SEED = 66      # any seed works; with this one the clash is on at day ten (calibration of Nov 2026)
DAYS = 10


def core_series(scenario: str, seed: int, days: int) -> dict[str, np.ndarray]:
    """Replicate 0 of the core engine: ``{series name: (days + 1,) values}``."""
    res = run_rows(load_scenario(scenario).params, np.array([0]), seed=seed, days=days, record=True)
    return {name: res.series[:, 0, j] for j, name in enumerate(res.columns)}


def widgets(rc):
    """Every widget on the page, breadth first (reacton's finder stops at the first match)."""
    queue, seen = list(rc.find().widgets), set()
    while queue:
        w = queue.pop(0)
        if id(w) in seen:
            continue
        seen.add(id(w))
        yield w
        for name in w.keys:
            value = getattr(w, name, None)
            for x in value if isinstance(value, list | tuple) else [value]:
                if isinstance(x, ipywidgets.Widget):
                    queue.append(x)


def day_date(day: int) -> dt.date:
    return load_scenario(SCENARIO).params.simulation.start_date + dt.timedelta(days=day)


def with_class(rc, css: str) -> list:
    """Every ``v.Html`` element carrying CSS class ``css``."""
    return [w for w in widgets(rc) if isinstance(w, v.Html) and css in (w.class_ or "").split()]


def text_of(rc, css: str) -> str:
    (w,) = with_class(rc, css)
    return "".join(str(c) for c in w.children)


def button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def slider(rc, name: str):
    label = controls.user_input(name, schema.spec(name).default)["label"]
    return rc.find(label=label).widget


@pytest.fixture
def page(monkeypatch):
    """The page rendered for SCENARIO and SEED, inside an AppLayout so the sidebar renders."""
    monkeypatch.setenv(launch.ENV_SCENARIO, SCENARIO)
    monkeypatch.setenv(launch.ENV_SEED, str(SEED))
    _box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    wait_for_replicates(rc)
    yield rc
    rc.close()


def wait_for_replicates(rc, seconds: float = 120.0) -> None:
    """Wait until the page's replicates (run in a thread when a model is made) are drawn, so that their
    thread's re-render does not fall inside a test's clicks (it did under load). A wait, not a speed limit."""
    for _ in range(int(seconds * 10)):
        if vue(rc, "statics").statics["ensemble"] is not None:
            return
        time.sleep(0.1)
    raise AssertionError(f"the replicates were not drawn within {seconds:.0f} s")


def vue(rc, trait: str):
    """The page's widget drawn in the browser that carries ``trait`` (map: geometry, charts: statics, log)."""
    found = [w for w in widgets(rc) if trait in w.keys]
    assert len(found) == 1, [type(w).__name__ for w in found]
    return found[0]


def log_widget(rc):
    return next(w for w in widgets(rc) if "tail" in w.keys and "statics" not in w.keys)


# -- the page ------------------------------------------------------------------------------------
def test_page_shows_map_charts_and_day_zero(page):
    geo = vue(page, "geometry").geometry
    assert len(geo["border"]) >= 5 and len(geo["villages"]) >= 50 and len(geo["segments"]) == 12
    assert vue(page, "geometry").state["title"].startswith(f"Day 0 ({day_date(0):%d %b %Y})")
    charts_ = vue(page, "statics")
    assert charts_.statics["horizon"] == load_scenario(SCENARIO).params.simulation.days
    assert charts_.tail["from"] + len(charts_.tail["rows"]) == 1      # the browser holds day 0 only
    assert text_of(page, "bs-day") == f"Day 0 · {day_date(0):%d %b %Y}"
    assert text_of(page, "bs-scenario") == f"Scenario {SCENARIO} · seed {SEED}"
    assert log_widget(page).tail["from"] == 0 and log_widget(page).tail["lines"] == []


def test_stepping_shows_the_core_trajectory(page):
    """Each day sends the map's state and only the charts' and the log's new rows; appended, they are the
    core's trajectory and the model's whole log. The map's geometry is sent once."""
    map_ = vue(page, "geometry")
    before, resent = map_.state, []
    map_.observe(resent.append, names=["geometry"])          # a change of the trait is what the browser is sent
    # What the browser holds, by position: every tail applied as charts.vue and log.vue apply it, from its
    # "from" on (the page may re-render between clicks, e.g. when a thread ends: such a tail carries nothing
    # new, or resends from an earlier day).
    held_rows, held_lines = {}, {}

    def keep(got: dict, key: str):
        def on_change(change):
            tail = change["new"]
            assert tail["from"] <= len(got), "a tail never skips rows"
            for k in [k for k in got if k >= tail["from"]]:
                del got[k]
            got.update({tail["from"] + i: x for i, x in enumerate(tail[key])})
        return on_change

    for widget, got, key in ((vue(page, "statics"), held_rows, "rows"), (log_widget(page), held_lines, "lines")):
        got.update({i: None for i in range(widget.tail["from"])})     # sent before this test looked
        keep(got, key)({"new": widget.tail})
        widget.observe(keep(got, key), names=["tail"])
    for d in range(1, DAYS + 1):
        button(page, "Step").click()
        assert len(held_rows) == d + 1
    rows = [held_rows[d] for d in range(1, DAYS + 1)]
    lines = [held_lines[k] for k in sorted(held_lines)]
    core = core_series(SCENARIO, SEED, DAYS)
    assert text_of(page, "bs-day") == f"Day {DAYS} · {day_date(DAYS):%d %b %Y}"
    assert f"rung {int(core['level'][DAYS])} (" in text_of(page, "bs-level")
    for code in SIDES:
        deaths = core[f"deaths_civilian[{code}]"][DAYS] + core[f"deaths_military[{code}]"][DAYS]
        assert text_of(page, f"bs-deaths-{code}") == f"{int(deaths):,}"
        assert text_of(page, f"bs-displaced-{code}") == f"{int(core[f'displaced[{code}]'][DAYS]):,}"
        assert text_of(page, f"bs-legitimacy-{code}") == f"{core[f'legitimacy[{code}]'][DAYS]:.3f}"
    columns = vue(page, "statics").statics["columns"]
    sent = np.array(rows)                                    # days 1..DAYS (day 0: the test above)
    np.testing.assert_allclose(sent[:, columns.index("level")], core["level"][1:], atol=0)
    kg = core["deaths_civilian[KG]"] + core["deaths_military[KG]"]
    np.testing.assert_allclose(sent[:, columns.index("deaths[KG]")], kg[1:], atol=1e-9)
    np.testing.assert_allclose(sent[:, columns.index("displaced[TJ]")], core["displaced[TJ]"][1:], atol=1e-9)
    assert vue(page, "geometry") is map_ and not resent and map_.state != before
    assert vue(page, "geometry").state["levels"] == [int(core[f"segment_level[{sid}]"][DAYS])
                                                    for sid in load_geography().segment_ids]
    assert lines, "some event in ten days of a standoff"
    days = [int(line.split(":")[0].removeprefix("day ")) for line in lines]
    assert days == sorted(days) and days[0] >= 1 and days[-1] <= DAYS


def test_the_replicates_of_the_same_scenario_include_this_one():
    """The bands and the standing compare the page's replicate with replicates 0..N-1 of the same
    parameters and seed; replicate 0 among them is the page's own trajectory."""
    params = load_scenario(SCENARIO).params
    ens = ensemble.run(params, SEED, replicates=20)
    core = core_series(SCENARIO, SEED, params.simulation.days)
    np.testing.assert_array_equal(ens.series["level"][:, 0], core["level"])
    bands = ens.bands()
    assert len(bands["deaths[KG]"][0]) == params.simulation.days + 1
    assert all(lo <= mid <= hi for lo, mid, hi in zip(*bands["displaced[KG]"], strict=True))
    deaths = float(ens.deaths("TJ")[DAYS, 0] + ens.deaths("KG")[DAYS, 0])
    st = ens.standing(DAYS, deaths, 0.0, None)
    share = float(((ens.deaths("TJ")[DAYS] + ens.deaths("KG")[DAYS]) < deaths).mean())
    assert st["deaths"]["below"] == pytest.approx(share)
    text = ensemble.sentence(st, "deaths", "persons")
    assert f"by day {DAYS}" in text and "of the 20 replicates" in text


def test_the_page_explains_its_terms(page):
    """Jargon on the page is explained in its glossary."""
    text = " ".join(str(c) for w in widgets(page) if isinstance(w, v.Html) for c in w.children if isinstance(c, str))
    for term in ("dyad", "Tajik succession consolidation", "escalation though neither government escalated",
                 "rung"):
        assert term in text


def test_sliders_take_their_ranges_from_the_schema(page):
    params = load_scenario(SCENARIO).params
    for name in controls.MAIN_PARAMETERS:
        s, w = schema.spec(name), slider(page, name)
        assert w.label == f"{name} [{s.unit}]"
        if s.choices is not None:
            assert list(w.items) == list(s.choices)
        else:
            assert (w.min, w.max) == (s.ge, s.le)
        assert w.v_model == params.get(name)


def test_a_moved_slider_and_the_seed_apply_on_reset(page):
    name = "russia.bias"
    old = load_scenario(SCENARIO).params.get(name)
    new = round(old - 0.25 if old - 0.25 >= schema.spec(name).ge else old + 0.25, 2)
    slider(page, name).v_model = new
    seed = page.find(v.TextField, label="Seed (press Reset to apply)").widget
    seed.v_model = "7"
    seed.fire_event("keyup.enter", None)
    button(page, "Step").click()
    button(page, "Reset").click()
    assert text_of(page, "bs-day").startswith("Day 0")
    assert text_of(page, "bs-scenario") == f"Scenario {SCENARIO} · seed 7"
    assert text_of(page, "bs-changed") == f"Changed from the scenario: {name} {old} → {new}"
    assert not [w for w in widgets(page) if "bs-notice" in (getattr(w, "class_", None) or "").split()]


def test_a_bad_seed_is_reported_on_the_page(page):
    seed = page.find(v.TextField, label="Seed (press Reset to apply)").widget
    seed.v_model = "abc"
    seed.fire_event("keyup.enter", None)
    button(page, "Reset").click()
    assert text_of(page, "bs-day").startswith("Day 0")
    for _ in range(300):     # the Reset's page can still be re-rendering under load: wait up to 30 s (not a speed)
        notice = [w for w in widgets(page) if "bs-notice" in (getattr(w, "class_", None) or "").split()]
        if notice:
            break
        time.sleep(0.1)
    assert len(notice) == 1


def test_selecting_a_scenario_restarts_on_its_parameters(page):
    other = "csto_mediation"
    params = load_scenario(other).params
    page.find(v.Select, label="Scenario (restarts with its parameters)").widget.v_model = other
    assert text_of(page, "bs-scenario") == f"Scenario {other} · seed {SEED}"
    assert text_of(page, "bs-day").startswith("Day 0")
    for name in controls.MAIN_PARAMETERS:
        assert slider(page, name).v_model == params.get(name)


def test_a_scenario_file_from_the_command_line_is_offered_too(tmp_path, monkeypatch):
    path = tmp_path / "mine.toml"
    path.write_text('description = "test"\nextends = "baseline"\n\n[russia]\nbias = -0.3\n')
    env = launch.environment(str(path), None)
    assert env == {launch.ENV_SCENARIO: str(path.resolve()), launch.ENV_SEED: ""}
    monkeypatch.setenv(launch.ENV_SCENARIO, env[launch.ENV_SCENARIO])
    monkeypatch.delenv(launch.ENV_SEED, raising=False)
    _box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        picker = rc.find(v.Select, label="Scenario (restarts with its parameters)").widget
        assert picker.v_model == str(path.resolve()) and picker.items[-1] == str(path.resolve())
        assert slider(rc, "russia.bias").v_model == -0.3
        seed = load_scenario("baseline").params.simulation.seed
        assert text_of(rc, "bs-scenario") == f"Scenario {path.resolve()} · seed {seed}"
    finally:
        rc.close()


# -- the model behind it ---------------------------------------------------------------------------
def test_viz_model_follows_the_core_bitwise():
    m = VizModel(SCENARIO, seed=SEED)
    for _ in range(30):
        m.step()
    res = run_rows(load_scenario(SCENARIO).params, np.array([0]), seed=SEED, days=30, record=True)
    assert res.columns == variables.series_names(m.geo)
    np.testing.assert_array_equal(m.series(), res.series)


def test_stepping_stops_at_the_scenario_horizon():
    m = VizModel(SCENARIO, seed=SEED)
    for _ in range(m.params.simulation.days):
        assert m.running
        m.step()
    assert not m.running and m.steps == m.horizon


def test_overrides_travel_as_keywords():
    assert controls.kwarg_name("russia.bias") == "russia__bias"
    assert controls.param_name("russia__bias") == "russia.bias"
    m = VizModel("baseline", seed="5", russia__bias=-0.5, us__style="facilitative",
                 border__demarcated_share=1)
    assert (m.params.russia.bias, m.params.us.style, m.seed) == (-0.5, "facilitative", 5)
    assert m.params.border.demarcated_share == 1.0
    assert VizModel("baseline", seed=" ").seed == load_scenario("baseline").params.simulation.seed


@pytest.mark.parametrize(("kwargs", "key"), [
    ({"scenario_name": "no_such_scenario"}, None),
    ({"russia__nonsense": 1.0}, "russia.nonsense"),
    ({"russia__bias": 3.0}, "russia.bias"),
])
def test_bad_input_is_an_input_error(kwargs, key):
    with pytest.raises(InputError) as err:
        VizModel(**kwargs)
    assert err.value.key == key


@pytest.mark.parametrize("seed", ["twelve", "-1", "1e3"])
def test_a_bad_seed_typed_on_the_page_falls_back_visibly(seed):
    m = VizModel("baseline", seed=seed)
    assert m.seed == load_scenario("baseline").params.simulation.seed
    assert m.notice.startswith("Seed ignored:")
    with pytest.raises(InputError):
        parse_seed(seed, 0)


def test_slider_steps_and_inputs():
    assert controls.slider_step(0, 1) == pytest.approx(0.01)
    assert controls.slider_step(-5, 5) == pytest.approx(0.1)
    assert controls.user_input("osce.preventive", False)["type"] == "Checkbox"
    assert controls.user_input("china.pressure_duration", 30)["type"] == "SliderInt"
    params = controls.model_params("baseline", load_scenario("baseline").params, 3)
    kwargs = controls.initial_kwargs(params)
    assert kwargs["scenario_name"] == "baseline" and kwargs["seed"] == "3"
    assert VizModel(**kwargs).params == load_scenario("baseline").params


def test_event_log_names_offers_and_answers():
    m = VizModel("csto_mediation", seed=SEED)
    russia = mediators.index("russia")
    while (m.today is None or not m.today.offered[0, russia]) and m.steps < 730:
        m.step()
    assert m.today.offered[0, russia], "Russia offers mediation within two years in this scenario"
    outcome = events.OFFER_OUTCOME[events.MediatorAction(int(m.state.mediator_action[0, russia]))]
    day, phrases = m.events[-1]
    assert day == m.steps and f"Russia offers mediation; {outcome}" in phrases
    assert events.log_lines(m.events, 1) == [f"day {day}: " + "; ".join(phrases)]


def test_launch_environment_and_seed():
    env = launch.environment(SCENARIO, 12)
    assert env == {launch.ENV_SCENARIO: SCENARIO, launch.ENV_SEED: "12"}
    assert launch.environment("baseline", None)[launch.ENV_SEED] == ""
    assert parse_seed(None, 9) == 9
    with pytest.raises(InputError):
        launch.environment("baseline", -4)


def test_serve_rejects_a_taken_or_bad_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        for bad in (port, 70_000):
            args = argparse.Namespace(scenario="baseline", port=bad, seed=None, no_browser=True)
            with pytest.raises(InputError) as err:
                serve(args)
            assert err.value.where == "--port"


def test_serve_rejects_unknown_scenario_before_starting(capsys):
    args = argparse.Namespace(scenario="no_such_scenario", port=0, seed=None, no_browser=True)
    with pytest.raises(InputError):
        serve(args)
    assert cli_main(["viz", "no_such_scenario", "--no-browser"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("borderSim viz: error: no_such_scenario")


@pytest.mark.parametrize(("host", "allowed"), [
    ("127.0.0.1:8765", True), ("localhost:8765", True), ("LOCALHOST", True), ("[::1]:8765", True),
    ("127.0.0.1", True), ("evil.example:8765", False), ("127.0.0.1.evil.example", False), ("", False),
    ("localhost.:8765", False),
])
def test_the_server_answers_only_requests_addressed_to_localhost(host, allowed):
    """DNS rebinding: a page elsewhere that rebinds its name to 127.0.0.1 sends its own Host header."""
    import asyncio

    from borderSim.viz.serve import HOST, LOCAL_HOSTS, HostCheck

    reached, sent = [], []

    async def app(scope, receive, send):
        reached.append(scope["type"])

    async def send(message):
        sent.append(message)

    check = HostCheck(app, (*LOCAL_HOSTS, HOST))
    for kind in ("http", "websocket"):
        asyncio.run(check({"type": kind, "headers": [(b"host", host.encode())]}, None, send))
    if allowed:
        assert reached == ["http", "websocket"] and not sent
    else:
        assert not reached
        assert sent[0]["status"] == 400 and sent[-1] == {"type": "websocket.close", "code": 1008}


def test_reset_after_switching_scenario_keeps_the_chosen_scenario(page):
    other = "csto_mediation"
    page.find(v.Select, label="Scenario (restarts with its parameters)").widget.v_model = other
    button(page, "Step").click()
    assert text_of(page, "bs-day").startswith("Day 1")
    button(page, "Reset").click()
    assert text_of(page, "bs-day").startswith("Day 0")
    assert text_of(page, "bs-scenario") == f"Scenario {other} · seed {SEED}"


def test_the_readme_first_look_is_current():
    """The README's seed, its claims and docs/img/viz.png are written by experiments/viz_readme.py from the
    model; its check fails (rerun the script) as soon as a changed model makes any of them untrue."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "experiments" / "viz_readme.py"
    spec = importlib.util.spec_from_file_location("viz_readme", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.check() == []
