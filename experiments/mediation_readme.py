"""Run the mediation comparison and write its table and forest plot into the README.

    python experiments/mediation_readme.py [--results runs/mediation] [--workers 2]

Runs ``experiments/mediation_comparison.toml`` (unless ``--results`` names a finished sweep of it),
compares every scenario with the baseline (``borderSim compare``), replaces the table between the
README's markers and copies the forest plot to ``docs/img/mediation_forest.png``. Rerun it whenever
the model's numbers change.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from borderSim.cli.main import main as cli

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BEGIN, END = "<!-- BEGIN GENERATED (experiments/mediation_readme.py) -->", "<!-- END GENERATED -->"
METRICS = ["reached_rung5", "deaths_KG", "deaths_TJ", "displaced_peak_KG", "displaced_peak_TJ", "days_rung5plus"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, help="a finished sweep of mediation_comparison.toml (default: run it)")
    ap.add_argument("--workers", default="2")
    args = ap.parse_args()
    results = args.results
    if results is None:
        results = Path("runs") / "mediation_comparison-readme"
        if not results.exists():
            code = cli(["sweep", str(ROOT / "experiments" / "mediation_comparison.toml"), "--out", str(results),
                              "--workers", args.workers])
            if code:
                return code
    out = results / "compare-readme"
    code = cli(["compare", str(results), "--metrics", *METRICS, "--out", str(out)])
    if code:
        return code
    table = (out / "table.md").read_text(encoding="utf-8")
    text = README.read_text(encoding="utf-8")
    start, stop = text.index(BEGIN) + len(BEGIN), text.index(END)
    README.write_text(text[:start] + "\n" + table + text[stop:], encoding="utf-8")
    shutil.copyfile(out / "forest.png", ROOT / "docs" / "img" / "mediation_forest.png")
    print(f"updated {README} and docs/img/mediation_forest.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
