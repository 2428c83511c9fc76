"""Write the README's first look at the browser page: the seed, what it shows, and the screenshot.

    python experiments/viz_readme.py [--no-screenshot]     # rewrite the README, docs/viz.md, docs/img/viz.png
    python experiments/viz_readme.py --check                # exit 1 if any of them no longer matches the model

The seed and every claim are computed from the model (:mod:`borderSim.viz.firstlook`): the smallest seed
whose replicate 0 of the September 2022 scenario is in a major clash by day ten, the day the clash
began, its toll, what the scenario's own seed does and how many of 1,000 replicates reach a major
clash. The text goes between the ``BEGIN GENERATED (experiments/viz_readme.py)`` markers of the README
and ``docs/viz.md``; the screenshot (Debian's Chromium through Playwright, the page stepped to day
ten) carries the numbers it shows in its PNG metadata, so ``--check`` (run by the tests) notices when
a recalibrated model makes any of it stale. Rerun it when the model's numbers change.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

from borderSim.viz.firstlook import FirstLook, first_look, in_ten

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
VIZ_DOC = ROOT / "docs" / "viz.md"
SCREENSHOT = ROOT / "docs" / "img" / "viz.png"
BEGIN, END = "<!-- BEGIN GENERATED (experiments/viz_readme.py) -->", "<!-- END GENERATED -->"
META_KEY = "borderSim-first-look"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1440, "height": 1250}
SHOWN = ("scenario", "seed", "days", "rung", "deaths", "displaced")   # what the screenshot's metadata records


def readme_block(look: FirstLook) -> str:
    own = (f"the standoff fades without a major clash ({look.own_deaths:,} "
           f"death{'s' if look.own_deaths != 1 else ''} in {look.horizon} days)" if look.own_first_major is None
           else f"a major clash begins on day {look.own_first_major}")
    text = (f"Seed {look.seed} is chosen for a first look because in that replicate the Bulak-Bashy standoff turns "
            f"into a major clash on day {look.first_major_day}, as it did in September 2022: by day {look.days} it "
            f"has cost {look.deaths:,} lives and {look.displaced:,} residents are displaced. With the scenario's own "
            f"seed ({look.scenario_seed}) {own}; {in_ten(look.major_share)} "
            f"({look.major_share * look.replicates:,.0f} of {look.replicates:,}) reach a major clash within the "
            f"scenario's {look.horizon} days. Any seed is a valid draw: change it on the page and press Reset.")
    return (f"```sh\nborderSim viz {look.scenario} --seed {look.seed} --port 8765     # then open "
            f"http://127.0.0.1:8765\n```\n\n{textwrap.fill(text, 105)}\n")


def viz_caption(look: FirstLook) -> str:
    text = (f"*{look.scenario} scenario, seed {look.seed}, day {look.days}: the standoff at Bulak-Bashy (segment 10, "
            f"the trigger) became a major clash on day {look.first_major_day}; by day {look.days}, "
            f"{look.deaths:,} people have been killed and {look.displaced:,} residents are displaced. Seed "
            f"{look.seed} is the README's first view because in that replicate the standoff escalates within ten "
            f"days, as in 2022 (the smallest such seed, chosen by `experiments/viz_readme.py`); with the "
            f"scenario's own seed it {'fades' if look.own_first_major is None else 'escalates too'}. The grey "
            f"bands and the status panel's last lines compare it with replicates 0-199 of the same scenario.*")
    return textwrap.fill(text, 105) + "\n"


def insert(text: str, body: str, path: Path) -> str:
    if BEGIN not in text:
        raise SystemExit(f"{path}: no {BEGIN} marker")
    start = text.index(BEGIN) + len(BEGIN)
    stop = text.index(END, start)
    return text[:start] + "\n" + body + text[stop:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(scenario: str, seed: int, log) -> tuple[subprocess.Popen, str]:
    """``borderSim viz`` on a free port; the caller stops it."""
    port = free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    proc = subprocess.Popen([sys.executable, "-m", "borderSim", "viz", scenario, "--seed", str(seed), "--port",
                             str(port), "--no-browser"], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"borderSim viz exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.25)
    proc.terminate()
    raise TimeoutError(f"no answer from {url} within 60 s")


def screenshot(look: FirstLook, path: Path, url: str | None = None) -> Path:
    """The page on day ``look.days`` of ``look.seed``, saved to ``path`` with what it shows in its metadata
    (starts its own ``borderSim viz`` unless ``url`` is given)."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo
    from playwright.sync_api import sync_playwright

    proc = None
    log = open(os.devnull, "w")      # noqa: SIM115 (closed in finally)
    try:
        if url is None:
            proc, url = serve(look.scenario, look.seed, log)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page(viewport=VIEWPORT)
                page.set_default_timeout(60_000)
                page.goto(url)
                page.locator(".bs-map").wait_for()
                page.locator(".bs-standing-line").first.wait_for()      # the replicates' bands are drawn
                step = page.get_by_role("button", name="Step")
                for d in range(1, look.days + 1):
                    step.click()
                    page.locator(".bs-map-title", has_text=f"Day {d} (").wait_for()
                    page.locator(".bs-day", has_text=f"Day {d} ·").wait_for()
                page.wait_for_timeout(800)
                png = page.screenshot()
            finally:
                browser.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        log.close()
    import io

    meta = PngInfo()
    meta.add_text(META_KEY, json.dumps({k: look.as_dict()[k] for k in SHOWN}))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with Image.open(io.BytesIO(png)) as im:
        im.save(tmp, format="PNG", pnginfo=meta, optimize=True)
    os.replace(tmp, path)
    return path


def shown_in(path: Path) -> dict | None:
    """What a screenshot written by :func:`screenshot` shows (None if it carries no record)."""
    from PIL import Image

    if not path.is_file():
        return None
    with Image.open(path) as im:
        raw = im.text.get(META_KEY) if hasattr(im, "text") else None
    return None if raw is None else json.loads(raw)


def check(look: FirstLook | None = None) -> list[str]:
    """What no longer matches the model: the README's and docs/viz.md's blocks, the screenshot."""
    look = look or first_look()
    problems = []
    for path, body in ((README, readme_block(look)), (VIZ_DOC, viz_caption(look))):
        text = path.read_text(encoding="utf-8")
        if insert(text, body, path) != text:
            problems.append(f"{path.relative_to(ROOT)}: the first look's text is stale")
    want = {k: look.as_dict()[k] for k in SHOWN}
    got = shown_in(SCREENSHOT)
    if got != want:
        problems.append(f"{SCREENSHOT.relative_to(ROOT)}: shows {got}, the model gives {want}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check; exit 1 if anything is stale")
    ap.add_argument("--no-screenshot", action="store_true", help="rewrite the text only")
    args = ap.parse_args()
    look = first_look()
    if args.check:
        problems = check(look)
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    for path, body in ((README, readme_block(look)), (VIZ_DOC, viz_caption(look))):
        path.write_text(insert(path.read_text(encoding="utf-8"), body, path), encoding="utf-8")
    print(f"seed {look.seed}: major clash on day {look.first_major_day}; {look.major_share:.1%} of {look.replicates:,} "
          f"replicates of the scenario's own seed reach one; updated {README.name} and {VIZ_DOC.name}")
    if not args.no_screenshot:
        print(f"wrote {screenshot(look, SCREENSHOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
