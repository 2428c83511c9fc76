"""One engine configuration, in the child process started by :func:`borderSim.bench.engines.run` or ``phases``:
``python -m borderSim.bench [--phases] ENGINE BATCH DAYS`` prints its figures as JSON."""

import json
import sys

from borderSim.bench.engines import _measure, _measure_phases

timed_phases = sys.argv[1] == "--phases"
engine, batch, days = sys.argv[1 + timed_phases:4 + timed_phases]
measure = _measure_phases if timed_phases else _measure
print(json.dumps(measure(engine, int(batch), int(days))))
