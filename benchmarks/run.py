"""Refresh the committed benchmark figures: ``borderSim bench --out benchmarks/results`` from anywhere.

    python benchmarks/run.py [--days 730] [--batches 1 100 1000 10000] [--repeat 3]
"""

import sys
from pathlib import Path

from borderSim.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["bench", "--out", str(Path(__file__).resolve().parent / "results"), *sys.argv[1:]]))
