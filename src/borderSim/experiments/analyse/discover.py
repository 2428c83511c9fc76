"""``borderSim discover``: scenario discovery with PRIM (:mod:`borderSim.experiments.analyse.prim`).

Each replicate of each design point is a case: x = the point's values of the design's axes, y = the
outcome (a yes/no summary column, or ``COLUMN>VALUE``). PRIM peels the parameter space toward boxes
where y is frequent (density) while keeping many of the cases (coverage); the box reported is the
densest one on the peeling trajectory with at least ``min_coverage``. Integer and yes/no axes go to PRIM
as floats (its pasting sets limits between values); an axis of choices (text) is refused.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from borderSim.common.errors import InputError
from borderSim.experiments.analyse import prim
from borderSim.experiments.analyse.outcomes import check_metrics
from borderSim.experiments.evaluate.store import Results, open_results
from borderSim.outputs import folder

MARKER = "discover.json"
OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


def outcome_values(results: Results, expr: str, absent: bool) -> np.ndarray:
    """The yes/no outcome per summary row."""
    m = re.fullmatch(r"\s*([A-Za-z0-9_]+)\s*(>=|<=|>|<)\s*(-?[0-9.eE+]+)\s*", expr)
    column = m.group(1) if m else expr.strip()
    check_metrics([column], "--outcome")
    x = results.summary[column]
    if m:
        y = OPS[m.group(2)](x.astype(float), float(m.group(3))).to_numpy()
    elif x.dtype == bool:
        y = x.to_numpy()
    else:
        raise InputError("--outcome", expr, f"{column} is not yes/no; give a condition like {column}>0")
    return ~y if absent else y


def cases(results: Results) -> pd.DataFrame:
    axes = results.manifest["design"]["axes"]
    if not axes:
        raise InputError("RESULTS", str(results.path), "has no parameter axes; discover needs a design that varies "
                         "parameters (e.g. kind = \"lhs\")")
    d = results.design.set_index("point")
    x = d.loc[results.summary["point"], axes].reset_index(drop=True)
    for c in x.columns:     # PRIM pastes limits halfway between values: an integer column must take 2.5
        if pd.api.types.is_bool_dtype(x[c]) or pd.api.types.is_integer_dtype(x[c]):
            x[c] = x[c].astype(np.float64)
        elif not pd.api.types.is_numeric_dtype(x[c]):
            values = ", ".join(map(str, x[c].unique()))
            raise InputError("RESULTS", str(results.path), f"axis {c} takes choices ({values}); PRIM here needs "
                             "numeric or yes/no axes")
    return x


def prim_box(x: pd.DataFrame, y: np.ndarray, min_coverage: float):
    """PRIM's peeling trajectory and the chosen box (index, limits of the restricted parameters)."""
    box = prim.find_box(x, y, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
    traj = box.stats
    ok = traj[traj["coverage"] >= min_coverage]
    chosen = int(ok["density"].idxmax()) if len(ok) else 0
    lims, full = box.limits[chosen], box.limits[0]
    restricted = [c for c in x.columns if not np.isclose(lims.loc[0, c], full.loc[0, c])
                  or not np.isclose(lims.loc[1, c], full.loc[1, c])]
    limits = pd.DataFrame({"min": [float(lims.loc[0, c]) for c in restricted],
                           "max": [float(lims.loc[1, c]) for c in restricted]}, index=restricted)
    return traj, chosen, limits


@dataclass
class Report:
    out: Path
    text: str
    trajectory: pd.DataFrame
    chosen: int
    limits: pd.DataFrame


def run(path: Path | str, *, outcome: str = "reached_rung5", absent: bool = False, min_coverage: float = 0.5,
        out: Path | None = None) -> Report:
    from borderSim.experiments.analyse import analysis_figures as figures

    if not 0 < min_coverage <= 1:
        raise InputError("--min-coverage", str(min_coverage), "must be a share above 0 and at most 1")
    results = open_results(path)
    x = cases(results)
    y = outcome_values(results, outcome, absent)
    if y.all() or not y.any():
        raise InputError("--outcome", outcome, f"is {'always' if y.all() else 'never'} "
                         f"{'absent' if absent else 'present'} in this sweep: nothing to discover")
    traj, chosen, limits = prim_box(x, y, min_coverage)
    row = traj.loc[chosen]
    what = f"{outcome} {'absent' if absent else 'present'}"
    lines = [f"PRIM over {len(x):,} cases ({results.design.shape[0]} design points x replicates); {what} in "
             f"{y.mean():.1%} of them.",
             f"Box {chosen} of {len(traj) - 1}: coverage {row['coverage']:.2f} (share of all such cases inside), "
             f"density {row['density']:.2f} (share of the box's cases that are such), mass {row['mass']:.2f}.",
             "Restricted parameters:" if len(limits) else "No parameter restricted."]
    lines += [f"  {name:40s} {r['min']:.4g} .. {r['max']:.4g}" for name, r in limits.iterrows()]
    text = "\n".join(lines)
    axes = results.manifest["design"]["axes"]
    bounds = {a: (float(results.design[a].min()), float(results.design[a].max())) for a in axes}
    with folder.written(out or Path(path) / "discover", replaceable=MARKER) as (claim, tmp):
        traj.to_csv(tmp / "trajectory.csv", index=False)
        limits.rename_axis("parameter").to_csv(tmp / "box.csv")
        (tmp / "box.txt").write_text(text + "\n", encoding="utf-8")
        fig = figures.prim_boxes(traj, chosen, limits, bounds, what, tmp / "prim.png")
        folder.write_json(tmp / MARKER, {"results": str(Path(path).resolve()), "outcome": outcome, "absent": absent,
                                         "min_coverage": min_coverage, "box": chosen, "figures": [fig]})
    return Report(claim.out, text, traj, chosen, limits)
