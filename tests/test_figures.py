"""Figures: one colour per country everywhere, and an overview that draws for any horizon."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from borderSim.outputs import palette, plots

SRC = Path(__file__).resolve().parents[1] / "src" / "borderSim"


def test_country_colours_are_defined_once():
    """The two countries' colours appear in palette.py only (the page's map and charts get them from it)."""
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.vue")]:
        if path.name == "palette.py":
            continue
        text = path.read_text(encoding="utf-8").lower()
        for colour in (*palette.SIDE_COLOURS, *palette.SIDE_TINTS):
            assert colour.lower() not in text, f"{path.relative_to(SRC)} restates {colour}"


@pytest.mark.parametrize("days", [1, 10, 90, 730])
def test_overview_draws_for_any_horizon(tmp_path, days):
    rng = np.random.default_rng(1)
    reps = 50
    level = np.minimum(6, np.cumsum(rng.random((days + 1, reps)) < 0.05, axis=0))
    zeros = np.zeros((days + 1, reps))
    series = {"level": level.astype(float), "legitimacy[TJ]": zeros + 0.6, "legitimacy[KG]": zeros + 0.5}
    for side in ("TJ", "KG"):
        series[f"deaths_civilian[{side}]"] = np.cumsum(rng.poisson(0.1, (days + 1, reps)), axis=0).astype(float)
        series[f"deaths_military[{side}]"] = zeros
        series[f"displaced[{side}]"] = zeros          # zero throughout: the median must still show
    out = tmp_path / "overview.png"
    plots.overview(series, out, "test: a scenario", start_date=dt.date(2022, 9, 14), subtitle="50 replicates")
    assert out.stat().st_size > 20_000


def test_the_page_map_draws_the_international_border():
    """The border comes from the packaged WDBII extract: lines in the villages' region, all sent to the page's
    map, projected so that the villages sit where they are on the border."""
    pytest.importorskip("solara")
    from borderSim.inputs.geography import load_geography
    from borderSim.viz.map import Projection, border_lines, geometry, on_map
    from borderSim.viz.model import VizModel

    geo, lines = load_geography(), border_lines()
    assert len(lines) >= 5 and sum(len(line) for line in lines) > 500
    pts = np.concatenate(lines)
    shown = on_map(geo.lon, geo.lat)   # Jekendi, on the Alai line far to the east, lies beyond the map
    assert shown.sum() >= geo.n_villages - 1
    assert pts[:, 0].min() <= geo.lon[shown].min() and pts[:, 0].max() >= geo.lon[shown].max()
    vorukh = geo.village_names.index("Vorukh")   # the Tajik exclave: the border passes within 5 km of it
    assert np.hypot(*(pts - [geo.lon[vorukh], geo.lat[vorukh]]).T).min() < 0.05
    g = geometry(VizModel("september_2022"))
    assert [path.count("L") + 1 for path in g["border"]] == [len(line) for line in lines]
    proj = Projection(float(geo.lat.mean()))
    v = next(x for x in g["villages"] if x["name"] == "Vorukh")
    assert (v["x"], v["y"]) == pytest.approx((proj.x(geo.lon[vorukh]), proj.y(geo.lat[vorukh])), abs=0.06)
    assert 0 < v["x"] < g["width"] and 0 < v["y"] < g["height"]
    assert {"TAJIKISTAN", "KYRGYZSTAN", "UZBEKISTAN"} <= {c["name"] for c in g["countries"]}
    trigger = [seg for seg in g["segments"] if seg["trigger"]]
    assert [(seg["number"], seg["short"]) for seg in trigger] == [(10, "Bulak-Bashy")]
    assert all(not seg["short"].endswith("…") for seg in g["segments"])      # the key never cuts a name
