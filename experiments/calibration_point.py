"""The point the baseline adopts from a calibration: the best-supported posterior sample.

    python experiments/calibration_point.py runs/calibration [--candidates 40] [--factor 10] [--workers 2]

ABC's marginal posterior medians need not be a good point jointly: when parameters trade off (faster
spread of the front against faster flight, say) the vector of medians can sit outside the region the
record supports. This script re-simulates the ``--candidates`` accepted samples of the final generation
with the smallest ABC distance, and the vector of marginal medians, each with ``--factor`` times the
calibration's replicates per run (fresh replicate indices), computes the calibration's own distance
(same targets, same scales), and prints the vector with the smallest re-estimated distance: a
Monte-Carlo estimate of the posterior's best-supported point (a MAP stand-in; ELFI gives no mode in 11
dimensions). It writes ``point.toml`` beside the results (a scenario extending the calibration's base).
The re-simulation is hand-written here because it is a few lines over the calibration's own evaluator.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from borderSim.calibration.distance import Distance
from borderSim.calibration.report import load
from borderSim.calibration.simulate import Evaluator
from borderSim.experiments.evaluate.executors import make_executor
from borderSim.experiments.evaluate.posterior import weighted_quantile


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", type=Path)
    ap.add_argument("--candidates", type=int, default=40)
    ap.add_argument("--factor", type=int, default=10)
    ap.add_argument("--workers", type=int, default=None)
    a = ap.parse_args(argv)
    loaded = load(a.results)
    cal, post = loaded.calibration, loaded.posterior
    names = [p.name for p in cal.priors]
    scales = np.array([loaded.manifest["scales"][t.name] for t in cal.targets])
    dist = Distance(cal, scales)
    abc_distance = pd.read_parquet(a.results / "posterior.parquet")["distance"].to_numpy()
    order = np.argsort(abc_distance, kind="stable")[: a.candidates]
    medians = np.array([weighted_quantile(post.samples[:, j], post.weights, 0.5)[0] for j in range(len(names))])
    values = np.vstack([medians, post.samples[order]])
    big = dataclasses.replace(cal, runs=tuple(dataclasses.replace(r, replicates=r.replicates * a.factor)
                                              for r in cal.runs))
    ex = make_executor(a.workers, None)
    try:
        stats = Evaluator(big, ex)(values, cal.seed + 1, 10_000_000)
    finally:
        ex.close()
    d = dist(stats)
    best = int(np.argmin(d))
    label = "marginal medians" if best == 0 else f"posterior sample {int(order[best - 1])}"
    print(f"re-estimated distance ({a.factor}x replicates): marginal medians {d[0]:.3f}; "
          f"best sample {d[1:].min():.3f}; median of samples {np.median(d[1:]):.3f}; chosen: {label}")
    for j, t in enumerate(cal.targets):
        role = "  (held out)" if t.held_out else ""
        print(f"  {t.name:28s} {stats[best, j]:12.4g}  observed {t.observed_text()}{role}")
    base = loaded.manifest["base"]
    groups: dict[str, list[str]] = {}
    for name, v in zip(names, values[best], strict=True):
        g, key = name.split(".", 1)
        groups.setdefault(g, []).append(f"{key} = {float(f'{v:.3g}')!r}")
    text = (f"# {label} of {a.results}: the smallest distance re-estimated with {a.factor}x replicates "
            f"({d[best]:.3f}); experiments/calibration_point.py\n"
            'description = "baseline at the best-supported point of the calibration"\n'
            f'extends = "{base}"\n')
    text += "".join(f"\n[{g}]\n" + "\n".join(lines) + "\n" for g, lines in groups.items())
    (a.results / "point.toml").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
