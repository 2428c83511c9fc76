"""End-to-end: ``borderSim viz`` in a subprocess, driven in Debian's headless Chromium by Playwright.

Loads the page, checks that the map and the charts render, steps ten days, compares the day, the
date and the figures shown with the core engine for the same seed, saves a screenshot (to
``$BORDERSIM_SCREENSHOT`` when set, ``docs/img/viz.png`` for the docs, else under pytest's
``tmp_path``), moves a slider and resets; then switches scenario in the selector, steps, checks the
scenario, the date and a figure against the core for the new scenario, and resets again: Reset must
keep the scenario chosen.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from borderSim import schema
from borderSim.core.run import run_rows
from borderSim.geography import load_geography
from borderSim.outputs import variables
from borderSim.scenarios import load_scenario

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCENARIO = "september_2022"
SEED = 66      # the README's view: the Bulak-Bashy standoff is a major clash by day ten, as in 2022
OTHER = "april_2021"
DAYS = 10
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


def rendered(page, css: str) -> None:
    """The figure image with class ``css`` is on the page and has been decoded."""
    img = page.locator(f"img.{css}")
    expect(img).to_be_visible()
    page.wait_for_function(f"() => document.querySelector('img.{css}').naturalWidth > 100")


def test_page_in_a_real_browser(server, browser_page, tmp_path):
    page, errors = browser_page
    page.goto(server)
    day = page.locator(".bs-day")
    expect(day).to_contain_text("Day 0 ·")
    for css in ("bs-map", "bs-charts"):
        rendered(page, css)
    for leftover in (page.get_by_text("Use Threads"), page.get_by_text("Page 0", exact=True)):
        expect(leftover).to_have_count(1)        # Mesa draws them, the page's style hides them
        expect(leftover).to_be_hidden()

    step = page.get_by_role("button", name="Step")
    for d in range(1, DAYS + 1):
        step.click()
        expect(day).to_contain_text(f"Day {d} ·")
    start = load_scenario(SCENARIO).params.simulation.start_date
    expect(day).to_have_text(f"Day {DAYS} · {start + dt.timedelta(days=DAYS):%d %b %Y}")

    core = core_day(DAYS)
    expect(page.locator(".bs-level")).to_contain_text(f"rung {int(core['level'])} (")
    deaths_kg = core["deaths_civilian[KG]"] + core["deaths_military[KG]"]
    expect(page.locator(".bs-deaths-KG")).to_have_text(f"{int(deaths_kg):,}")
    expect(page.locator(".bs-displaced-KG")).to_have_text(f"{int(core['displaced[KG]']):,}")
    expect(page.locator(".bs-event").first).to_contain_text("day ")
    rendered(page, "bs-map")
    shot = Path(os.environ.get("BORDERSIM_SCREENSHOT") or tmp_path / "viz.png")
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(500)  # let the last figures paint
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000

    old, spec = load_scenario(SCENARIO).params.get(SLIDER), schema.spec(SLIDER)
    slider = page.get_by_role("slider", name=f"{SLIDER} [")
    assert float(slider.get_attribute("aria-valuenow")) == pytest.approx(old)
    assert (slider.get_attribute("aria-valuemin"), slider.get_attribute("aria-valuemax")) == (
        f"{spec.ge:g}", f"{spec.le:g}")
    down = old - 0.05 >= spec.ge
    new = f"{old - 0.05 if down else old + 0.05:g}"   # five steps of 0.01
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft" if down else "ArrowRight")
    expect(slider).to_have_attribute("aria-valuenow", new)
    page.get_by_role("button", name="Reset").click()
    expect(day).to_contain_text("Day 0 ·")
    expect(page.locator(".bs-changed")).to_contain_text(f"{SLIDER} {old} → {new}")
    page.screenshot(path=str(tmp_path / "viz-after-reset.png"))

    # another scenario from the selector: its parameters, dates and trajectory; Reset keeps it
    page.get_by_label("Scenario (restarts with its parameters)").click(force=True)
    page.get_by_role("option", name=OTHER, exact=True).click()
    scenario = page.locator(".bs-scenario")
    expect(scenario).to_have_text(f"Scenario {OTHER} · seed {SEED}")
    other_start = load_scenario(OTHER).params.simulation.start_date
    expect(day).to_have_text(f"Day 0 · {other_start:%d %b %Y}")
    step = page.get_by_role("button", name="Step")
    for d in range(1, 4):
        step.click()
        expect(day).to_contain_text(f"Day {d} ·")
    expect(day).to_have_text(f"Day 3 · {other_start + dt.timedelta(days=3):%d %b %Y}")
    core = core_day(3, OTHER)
    expect(page.locator(".bs-level")).to_contain_text(f"rung {int(core['level'])} (")
    expect(page.locator(".bs-displaced-KG")).to_have_text(f"{int(core['displaced[KG]']):,}")
    page.get_by_role("button", name="Reset").click()
    expect(day).to_have_text(f"Day 0 · {other_start:%d %b %Y}")
    expect(scenario).to_have_text(f"Scenario {OTHER} · seed {SEED}")
    assert not errors, errors
