"""Calibration files read and checked: the parameters to fit and their priors (:mod:`.priors`), the runs
(:mod:`.runs`), the targets (:mod:`.targets`) and the ABC settings (here).

A calibration file (TOML, see docs/calibration.md) names

* ``[parameters]``: each fitted parameter with its prior -- ``uniform`` or ``loguniform`` between
  ``low`` and ``high``, or a literature prior (``normal`` with ``mean`` and ``sd``, ``beta`` with
  ``a`` and ``b``) with its ``source``; every prior lies inside the schema's range
  (``borderSim.schema.spec(name)``), normal priors are truncated to it;
* ``[runs.NAME]``: a scenario on a window (``scenario``, ``days``), how many replicates each
  candidate parameter vector runs there, and optional ``periods`` (parts of the run between two
  dates, each summarised on its own);
* ``[targets.NAME]``: a summary statistic of a run or of one of its periods (``column`` of the
  per-replicate summary, an optional yes/no ``where`` condition, a ``statistic``, ``period``), or the
  share of replicates whose column is positive in every one of several ``periods`` (``share_all``);
  its ``observed`` value (a number or a ``[low, high]`` range from the record) with its ``source``, an
  optional ``scale`` and ``held_out``;
* ``[abc]``: the method, the tolerance schedule and an optional regression adjustment.

Every problem is one :class:`~borderSim.common.errors.InputError` naming the file and key.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from pathlib import Path

from borderSim.calibration.priors import Prior, read_prior
from borderSim.calibration.runs import Run, read_run
from borderSim.calibration.targets import Target, read_target
from borderSim.common.errors import InputError
from borderSim.common.tomlcheck import file_description, is_number, known_keys, nearest, read_toml, subtable, whole
from borderSim.schema.scenarios import Scenario, load_scenario, referenced

TOP_LEVEL = ("description", "base", "seed", "parameters", "runs", "targets", "abc")
ABC_KEYS = ("method", "population", "batch", "quantiles", "tolerances", "max_candidates", "pilot", "chunk_rows",
            "adjustment")
METHODS = ("rejection", "smc")
ADJUSTMENTS = ("none", "linear", "logit")


@dataclass(frozen=True)
class Settings:
    method: str = "smc"
    population: int = 500
    batch: int = 2000
    quantiles: tuple[float, ...] | None = (0.2, 0.5, 0.5)
    tolerances: tuple[float, ...] | None = None
    max_candidates: int = 200_000
    pilot: int = 1000
    chunk_rows: int = 4000
    adjustment: str = "none"             # linear | logit: regression adjustment of the final sample (adjust.py)

    @property
    def generations(self) -> int:
        return len(self.tolerances if self.tolerances is not None else self.quantiles)


@dataclass(frozen=True)
class Calibration:
    name: str
    description: str
    path: Path | None
    text: str
    base: Scenario
    seed: int
    priors: tuple[Prior, ...]
    runs: tuple[Run, ...]
    targets: tuple[Target, ...]
    settings: Settings

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.priors]

    @property
    def fitted(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if not t.held_out)

    def digest(self) -> str:
        """Hash of the file's text and the resolved scenarios (what determines the results)."""
        h = hashlib.sha256(self.text.encode())
        for r in self.runs:
            h.update(repr(sorted((k, str(v)) for k, v in r.scenario.params.flat().items())).encode())
        h.update(repr(sorted((k, str(v)) for k, v in self.base.params.flat().items())).encode())
        return h.hexdigest()


def _fractions(value, where: str, key: str, *, unit: bool) -> tuple[float, ...]:
    ok = isinstance(value, list) and value and all(is_number(v) and v > 0 and (not unit or v <= 1) for v in value)
    if not ok:
        what = "numbers in (0, 1]" if unit else "positive numbers"
        raise InputError(where, key, f"{value!r} is not allowed; expected a non-empty list of {what}")
    return tuple(float(v) for v in value)


def _settings(table: dict, where: str) -> Settings:
    known_keys(table, ABC_KEYS, where, "abc.")
    w = f"{where}: abc"
    method = table.get("method", "smc")
    if method not in METHODS:
        raise InputError(where, "abc.method", f"{method!r} is not allowed{nearest(str(method), METHODS)}; expected "
                         f"one of {', '.join(METHODS)}")
    if "quantiles" in table and "tolerances" in table:
        raise InputError(where, "abc", "give either quantiles (adaptive tolerances) or tolerances (a fixed "
                         "schedule), not both")
    quantiles = tolerances = None
    if "tolerances" in table:
        tolerances = _fractions(table["tolerances"], where, "abc.tolerances", unit=False)
        if any(b > a for a, b in itertools.pairwise(tolerances)):
            raise InputError(where, "abc.tolerances", f"{list(tolerances)} must not increase from one generation "
                             "to the next")
    else:
        quantiles = _fractions(table.get("quantiles", [0.2, 0.5, 0.5]), where, "abc.quantiles", unit=True)
    gens = len(tolerances or quantiles)
    if method == "rejection" and gens != 1:
        raise InputError(where, "abc", f"rejection has one generation; give one quantile or tolerance (got {gens})")
    adjustment = table.get("adjustment", "none")
    if adjustment not in ADJUSTMENTS:
        raise InputError(where, "abc.adjustment", f"{adjustment!r} is not allowed"
                         f"{nearest(str(adjustment), ADJUSTMENTS)}; expected one of {', '.join(ADJUSTMENTS)}")
    s = Settings(method=method, population=whole(table, "population", w, 500, 2, 10_000_000),
                 batch=whole(table, "batch", w, 2000, 1, 10_000_000), quantiles=quantiles, tolerances=tolerances,
                 max_candidates=whole(table, "max_candidates", w, 200_000, 1, 10**10),
                 pilot=whole(table, "pilot", w, 1000, 0, 10_000_000),
                 chunk_rows=whole(table, "chunk_rows", w, 4000, 1, 1_000_000), adjustment=adjustment)
    if quantiles is not None and s.population / quantiles[0] > s.max_candidates:
        raise InputError(where, "abc.max_candidates", f"{s.max_candidates:,} is fewer than the first generation "
                         f"needs ({s.population:,} / {quantiles[0]:g})")
    return s


def read_calibration(path: Path | str) -> Calibration:
    """Read and check a calibration file."""
    path = Path(path)
    where = str(path)
    data = read_toml(path, where, "calibration file")
    known_keys(data, TOP_LEVEL, where, "")
    description = file_description(data, where, "every calibration")
    base_ref = data.get("base", "baseline")
    if not isinstance(base_ref, str):
        raise InputError(where, "base", "must be the name of the scenario the calibrated values extend")
    base = load_scenario(referenced(base_ref, path, where, "base"))
    seed = whole(data, "seed", where, 1, 0, 2**32 - 1)
    params = subtable(data, "parameters", where)
    if not params:
        raise InputError(where, "parameters", "names no parameter to calibrate")
    priors = tuple(read_prior(n, v, where) for n, v in params.items())
    runs_t = subtable(data, "runs", where)
    if not runs_t:
        raise InputError(where, "runs", "names no run; add [runs.NAME] with scenario, days and replicates")
    runs = {n: read_run(n, v, path, where) for n, v in runs_t.items()}
    targets_t = subtable(data, "targets", where)
    targets = tuple(read_target(n, v, runs, where) for n, v in targets_t.items())
    if not any(not t.held_out for t in targets):
        raise InputError(where, "targets", "no target is fitted (every one is held_out or none is given)")
    used = {t.run for t in targets}
    for n in runs:
        if n not in used:
            raise InputError(where, f"runs.{n}", "no target uses this run; remove it")
    settings = _settings(subtable(data, "abc", where), where)
    if settings.pilot == 0:     # refused here, before a results folder is claimed (it would be left half-made)
        for t in targets:
            if t.scale is None:
                raise InputError(where, f"targets.{t.name}.scale", "missing, and abc.pilot = 0: state a scale, or "
                                 "let a pilot from the prior measure the spread (abc.pilot = 1000)")
    return Calibration(path.stem, description, path.resolve(), path.read_text(encoding="utf-8"), base,
                       seed, priors, tuple(runs.values()), targets, settings)
