"""End-to-end: ``borderSim viz`` in a subprocess, driven in Debian's headless Chromium by Playwright.

Loads the page (the README's first look: its scenario and seed, from :mod:`borderSim.viz.firstlook`),
checks that the map and the charts are drawn, steps ten days, compares the day, the date and the figures
shown with the core engine for the same seed, prints how long each Step took and how fast Play runs
(timings are reported, never asserted), moves a slider and resets; then switches scenario in the
selector, steps, checks the scenario, the date and a figure against the core for the new scenario, and
resets again: Reset must keep the scenario chosen. A second test runs the screenshot of
``experiments/viz_readme.py`` (the README's picture) into a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from borderSim import schema
from borderSim.core.run import run_rows
from borderSim.inputs.geography import load_geography
from borderSim.outputs import variables
from borderSim.schema.scenarios import load_scenario
from borderSim.viz import firstlook

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCENARIO = firstlook.SCENARIO
SEED = firstlook.choose_seed()     # the README's view: the Bulak-Bashy standoff is a major clash by day ten
OTHER = "april_2021"
DAYS = firstlook.DAYS
PLAY_SECONDS = 10
ROOT = Path(__file__).resolve().parents[1]
SLIDER = "russia.bias"
TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                       "(`make browser` installs it)"),
]
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
# Waits for the page to be ready, not speed limits: a loaded CI machine takes longer to start the app.
expect.set_options(timeout=TIMEOUT_MS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"borderSim viz exited early with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"no answer from {url} within {timeout:.0f} s")


@pytest.fixture
def server(tmp_path):
    """``borderSim viz SCENARIO --seed SEED`` on a free port; killed afterwards whatever happens."""
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "borderSim", "viz", SCENARIO, "--seed", str(SEED), "--port", str(port),
         "--no-browser"], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def browser_page():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            yield page, errors
        finally:
            browser.close()


def core_day(days: int, scenario: str = SCENARIO) -> dict[str, float]:
    """Replicate 0 of the core engine on the last day: ``{series name: value}``."""
    res = run_rows(load_scenario(scenario).params, np.array([0]), seed=SEED, days=days, record=True)
    assert res.columns == variables.series_names(load_geography())
    return {name: float(res.series[days, 0, j]) for j, name in enumerate(res.columns)}


def drawn(page) -> None:
    """The map (an SVG with the border and the villages) and the four charts are on the page."""
    expect(page.locator("svg.bs-map")).to_be_visible()
    page.wait_for_function("() => document.querySelectorAll('svg.bs-map .bs-villages circle').length > 40 && "
                           "document.querySelectorAll('svg.bs-map .bs-border path').length >= 5")
    expect(page.locator(".bs-chart")).to_have_count(4)


def step_to(page, day: int) -> float:
    """Click Step and wait until the map and the status show ``day``: seconds from the click."""
    t0 = time.perf_counter()
    page.get_by_role("button", name="Step").click()
    page.locator(".bs-map-title", has_text=f"Day {day} (").wait_for()
    page.locator(".bs-day", has_text=f"Day {day} ·").wait_for()
    return time.perf_counter() - t0


def sends_value(frame: str | bytes, value: float) -> bool:
    """Whether a websocket frame from the page is a widget update setting ``v_model`` to ``value``."""
    try:
        msg = json.loads(frame)
    except (TypeError, ValueError):
        return False
    state = msg.get("content", {}).get("data", {}).get("state", {}) if isinstance(msg, dict) else {}
    return state.get("v_model") == pytest.approx(value)


def shown_day(page) -> int:
    return int(page.locator(".bs-day").inner_text().split()[1])


def report(capsys, record_property, **timings) -> None:
    """The timings on the terminal (even under output capture) and in the test report."""
    for key, value in timings.items():
        record_property(key, value)
    with capsys.disabled():
        print("\n[page timing] " + "; ".join(f"{k} {v}" for k, v in timings.items()))


def test_page_in_a_real_browser(server, browser_page, tmp_path, capsys, record_property):
    page, errors = browser_page
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page.goto(server)
    day = page.locator(".bs-day")
    expect(day).to_contain_text("Day 0 ·")
    drawn(page)
    leftover = page.get_by_text("Use Threads")
    expect(leftover).to_have_count(1)        # Mesa draws it, the page's style hides it
    expect(leftover).to_be_hidden()
    page.locator(".bs-standing-line").first.wait_for()      # the 200 replicates have run: bands drawn

    steps = [step_to(page, d) for d in range(1, DAYS + 1)]
    start = load_scenario(SCENARIO).params.simulation.start_date
    expect(day).to_have_text(f"Day {DAYS} · {start + dt.timedelta(days=DAYS):%d %b %Y}")

    core = core_day(DAYS)
    expect(page.locator(".bs-level")).to_contain_text(f"rung {int(core['level'])} (")
    expect(page.locator(".bs-map-title")).to_contain_text(f"rung {int(core['level'])} (")
    deaths_kg = core["deaths_civilian[KG]"] + core["deaths_military[KG]"]
    expect(page.locator(".bs-deaths-KG")).to_have_text(f"{int(deaths_kg):,}")
    expect(page.locator(".bs-displaced-KG")).to_have_text(f"{int(core['displaced[KG]']):,}")
    expect(page.locator(".bs-event").first).to_contain_text("day ")
    expect(page.locator(".bs-standing-line").first).to_contain_text(f"by day {DAYS}")
    page.screenshot(path=str(tmp_path / "viz.png"))

    old, spec = load_scenario(SCENARIO).params.get(SLIDER), schema.spec(SLIDER)
    slider = page.get_by_role("slider", name=f"{SLIDER} [")
    assert float(slider.get_attribute("aria-valuenow")) == pytest.approx(old)
    assert (slider.get_attribute("aria-valuemin"), slider.get_attribute("aria-valuemax")) == (
        f"{spec.ge:g}", f"{spec.le:g}")
    down = old - 0.05 >= spec.ge
    new = f"{old - 0.05 if down else old + 0.05:g}"   # five steps of 0.01
    # The page's widgets hold a value back while the server answers the one before and send it after
    # (ipywidgets' throttle), whereas a click goes at once: wait until the last value has left the page,
    # or Reset may reach the server before it (seen in CI: the model got 0.59 of 0.6 -> 0.55).
    link = next(ws for ws in reversed(sockets) if not ws.is_closed())
    with link.expect_event("framesent", predicate=lambda frame: sends_value(frame, float(new))):
        slider.focus()
        for _ in range(5):
            page.keyboard.press("ArrowLeft" if down else "ArrowRight")
    expect(slider).to_have_attribute("aria-valuenow", new)
    page.get_by_role("button", name="Reset").click()
    expect(day).to_contain_text("Day 0 ·")
    expect(page.locator(".bs-changed")).to_contain_text(f"{SLIDER} {old} → {new}")
    expect(page.locator(".bs-map-title")).to_contain_text("Day 0 (")
    page.screenshot(path=str(tmp_path / "viz-after-reset.png"))

    # another scenario from the selector: its parameters, dates and trajectory; Reset keeps it
    page.get_by_label("Scenario (restarts with its parameters)").click(force=True)
    page.get_by_role("option", name=OTHER, exact=True).click()
    scenario = page.locator(".bs-scenario")
    expect(scenario).to_have_text(f"Scenario {OTHER} · seed {SEED}")
    other_start = load_scenario(OTHER).params.simulation.start_date
    expect(day).to_have_text(f"Day 0 · {other_start:%d %b %Y}")
    for d in range(1, 4):
        step_to(page, d)
    expect(day).to_have_text(f"Day 3 · {other_start + dt.timedelta(days=3):%d %b %Y}")
    core = core_day(3, OTHER)
    expect(page.locator(".bs-level")).to_contain_text(f"rung {int(core['level'])} (")
    expect(page.locator(".bs-displaced-KG")).to_have_text(f"{int(core['displaced[KG]']):,}")
    page.get_by_role("button", name="Reset").click()
    expect(day).to_have_text(f"Day 0 · {other_start:%d %b %Y}")
    expect(scenario).to_have_text(f"Scenario {OTHER} · seed {SEED}")

    # Play: days drawn per second at the page's default play interval
    page.locator(".bs-standing-line").first.wait_for()
    t0 = time.perf_counter()
    page.get_by_role("button", name="▶").click()
    page.wait_for_timeout(PLAY_SECONDS * 1000)
    played = shown_day(page) / (time.perf_counter() - t0)
    page.get_by_role("button", name="❚❚").click()
    report(capsys, record_property, step_seconds_median=round(statistics.median(steps), 3),
           step_seconds_max=round(max(steps), 3), steps=[round(x, 3) for x in steps],
           play_days_per_second=round(played, 2), load=round(os.getloadavg()[0], 2))
    assert not errors, errors


def test_the_readme_screenshot_script_draws_the_first_look(tmp_path):
    """``experiments/viz_readme.py`` steps the page to the first look's day in its own server and saves the
    picture with what it shows, which is the model's first look."""
    spec = importlib.util.spec_from_file_location("viz_readme", ROOT / "experiments" / "viz_readme.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    look = firstlook.first_look()
    out = script.screenshot(look, tmp_path / "viz.png")
    assert out.stat().st_size > 50_000
    assert script.shown_in(out) == {k: look.as_dict()[k] for k in script.SHOWN}
