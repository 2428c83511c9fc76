"""Run the mediation comparison and write its table and forest plot into the README.

    python experiments/mediation_readme.py [--results runs/mediation] [--workers 2] [--posterior FILE]

Runs ``experiments/mediation_comparison.toml`` (unless ``--results`` names a finished sweep of it),
compares every scenario with the baseline (``borderSim compare``), replaces the table between the
README's markers and copies the forest plot to ``docs/img/mediation_forest.png``. Then compares the
same experiment over the shipped posterior (``borderSim compare --posterior``, default
``src/borderSim/data/posterior.parquet``) and writes which conclusions survive the parameters'
uncertainty between the second pair of markers. Rerun it whenever the model's numbers change.
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
BEGIN_POST = "<!-- BEGIN GENERATED (experiments/mediation_readme.py --posterior) -->"
POSTERIOR = ROOT / "src" / "borderSim" / "data" / "posterior.parquet"
METRICS = ["reached_rung5", "deaths_KG", "deaths_TJ", "displaced_peak_KG", "displaced_peak_TJ", "days_rung5plus"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, help="a finished sweep of mediation_comparison.toml (default: run it)")
    ap.add_argument("--workers", default="2")
    ap.add_argument("--posterior", type=Path, default=POSTERIOR, help="posterior samples (default: the shipped one)")
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
    code = cli(["compare", str(results), "--metrics", *METRICS, "--out", str(out), "--posterior", str(args.posterior),
                "--workers", args.workers])                 # the point tables in out, both side by side beside them
    if code:
        return code
    text = _insert(README.read_text(encoding="utf-8"), BEGIN, (out / "table.md").read_text(encoding="utf-8"))
    both = results / "compare_posterior" / "contrasts.md"
    text = _insert(text, BEGIN_POST, both.read_text(encoding="utf-8"))
    README.write_text(text, encoding="utf-8")
    shutil.copyfile(out / "forest.png", ROOT / "docs" / "img" / "mediation_forest.png")
    print(f"updated {README} and docs/img/mediation_forest.png")
    return 0


def _insert(text: str, begin: str, body: str) -> str:
    start = text.index(begin) + len(begin)
    stop = text.index(END, start)
    return text[:start] + "\n" + body + text[stop:]


if __name__ == "__main__":
    sys.exit(main())
