"""Performance benchmark of the Mesa engine and the vectorised core (same as `borderSim bench`).

    python benchmarks/run.py [--days 730] [--batches 1 100 1000 10000] [--out benchmarks/results]
"""

import sys

from borderSim.bench import main

if __name__ == "__main__":
    sys.exit(main())
