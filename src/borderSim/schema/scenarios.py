"""Scenario files: TOML that states only what differs from its base.

A scenario file is UTF-8 text with a one-line ``description`` (at most 200 characters), an optional
``extends`` (a scenario file beside this one, or in a folder below it, or the name of a shipped
scenario; without it the base is the schema's defaults, which are the baseline) and tables named
after the parameter groups::

    description = "Russia mediates, with little attention to spare"
    extends = "baseline"

    [russia]
    mediation_propensity = 0.5

Every problem is raised as :class:`~borderSim.common.errors.InputError` naming the file, the key, the value and
what is allowed. ``extends`` never opens a file outside the scenario's folder (no absolute paths, no
``..``), so a scenario cannot make borderSim read, or reveal the keys of, other files.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePath
from typing import Any

from borderSim.common.errors import InputError
from borderSim.common.tomlcheck import did_you_mean, nearest, read_toml
from borderSim.schema import GROUPS, TABLE, Parameters
from borderSim.schema.paramspec import shown

TOP_LEVEL = ("description", "extends")
MAX_DESCRIPTION = 200          # characters of the one-line description


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: its parameters and where they came from."""

    name: str
    description: str
    params: Parameters
    path: Path | None = None
    chain: tuple[str, ...] = field(default_factory=tuple)   # base scenarios, outermost last
    overrides: dict[str, Any] = field(default_factory=dict)  # what the file itself sets
    #: what each file of the chain sets, by the file's resolved path ("--set" for the command line's)
    sets: tuple[tuple[str, frozenset[str]], ...] = ()

    def declared(self, beyond: Scenario | None = None) -> frozenset[str]:
        """The parameters this scenario sets on purpose (its levers, in EMA Workbench's terms): the keys its
        file, the files it extends and ``--set`` name; with ``beyond``, only those of files ``beyond`` does
        not itself consist of (a scenario extending a calibration's base declares what it adds)."""
        skip = {f for f, _ in beyond.sets} if beyond is not None else set()
        return frozenset().union(*(keys for f, keys in self.sets if f not in skip))


def shipped_dir() -> Path:
    """Folder of the shipped scenario files (repository checkout or installed package)."""
    packaged = resources.files("borderSim").joinpath("scenarios")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "scenarios"


#: the scenarios borderSim ships; other files in the same folder (a user's, e.g. scenarios/my_russia.toml
#: in a checkout) are read by name too but are not listed as shipped
SHIPPED = ("april_2021", "baseline", "china_pressure", "china_restrains", "csto_mediation", "demarcation_treaty",
           "hindcast_2021", "multiparty", "osce_facilitative", "september_2022", "us_eu_manipulative")


def shipped_names() -> list[str]:
    return sorted(n for n in SHIPPED if (shipped_dir() / f"{n}.toml").is_file())


def other_names() -> list[str]:
    """Scenario files beside the shipped ones that borderSim does not ship (the user's own)."""
    return sorted(p.stem for p in shipped_dir().glob("*.toml") if p.stem not in SHIPPED)


def resolve_path(ref: str | Path) -> Path:
    """A scenario named on the command line: a file path, or the name of a shipped scenario."""
    p = Path(ref)
    for candidate in (p, shipped_dir() / f"{ref}.toml"):
        if candidate.is_file():
            return candidate
    if p.is_dir():
        raise InputError(str(ref), None, "is a folder; expected a scenario file (.toml) or a shipped scenario "
                         f"name ({', '.join(shipped_names())})")
    hint = nearest(str(ref), shipped_names()) or nearest(p.stem, shipped_names())
    raise InputError(str(ref), None, f"no such file or shipped scenario{hint}; shipped: "
                     f"{', '.join(shipped_names())}")


def referenced(ref: str, beside: Path, where: str, key: str = "extends") -> Path:
    """The scenario file that a file's ``key`` names (``extends``, or an experiment's ``scenarios``): a file
    beside ``beside`` (or in a folder below it), else a shipped scenario; nothing else."""
    pure = PurePath(ref.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or ref != ref.strip():
        raise InputError(where, key, f"{shown(ref)} is not allowed; expected the name of a scenario "
                         "file beside this one (or in a folder below it) or of a shipped scenario, without "
                         "absolute paths or '..'")
    folder = beside.parent.resolve()
    name = pure if pure.suffix == ".toml" else pure.with_name(pure.name + ".toml")
    local = folder / name
    if local.is_file() and local.resolve().is_relative_to(folder):
        return local
    if len(pure.parts) == 1 and (shipped_dir() / name).is_file():
        return shipped_dir() / name
    hint = nearest(pure.stem, shipped_names())
    raise InputError(where, key, f"{shown(ref)}: no such scenario beside this file or shipped{hint}; "
                     f"shipped: {', '.join(shipped_names())}")


def _check_top_level(data: dict, where: str) -> None:
    for key, value in data.items():
        if key in TOP_LEVEL or (key in GROUPS and isinstance(value, dict)):
            continue
        if key in GROUPS:
            raise InputError(where, key, f"must be a table of parameters, like [{key}]")
        owners = TABLE.groups_of_key(key)
        if owners:
            tables = " or ".join(f"[{g}]" for g in owners)
            raise InputError(where, key, f"is a parameter of {tables}: put it under that table (the top level "
                             f"holds only {', '.join(TOP_LEVEL)})")
        raise InputError(where, key, f"unknown top-level key{nearest(key, TOP_LEVEL + GROUPS)}; allowed: "
                         f"{', '.join(TOP_LEVEL)} and the tables [{'], ['.join(GROUPS)}]")


def _description(data: dict, where: str) -> str:
    if "description" not in data:
        raise InputError(where, "description", 'missing: every scenario needs a one-line description, like '
                         'description = "Russia mediates in earnest"')
    d = data["description"]
    if not isinstance(d, str):
        raise InputError(where, "description", f"{shown(d)} is not allowed; expected one line of text in quotes")
    if not d.strip():
        raise InputError(where, "description", "is empty; expected one line of text saying what the scenario is")
    if "\n" in d.strip() or "\r" in d.strip():
        raise InputError(where, "description", "has several lines; expected one line of text")
    if len(d) > MAX_DESCRIPTION:
        raise InputError(where, "description", f"is {len(d):,} characters long; expected one line of at most "
                         f"{MAX_DESCRIPTION}")
    return d.strip()


def updates_from_table(data: dict, where: str) -> dict[str, Any]:
    """Flatten ``{group: {key: value}}`` into dotted updates (names are checked by the update itself)."""
    out: dict[str, Any] = {}
    for group, table in data.items():
        if group in TOP_LEVEL:
            continue
        if group not in GROUPS:
            hint = nearest(group, GROUPS + TOP_LEVEL)
            raise InputError(where, group, f"unknown group or key{hint}; groups are {', '.join(GROUPS)}")
        if not isinstance(table, dict):
            raise InputError(where, group, f"must be a table of parameters, like [{group}]")
        for key, value in table.items():
            out[f"{group}.{key}"] = value
    return out


def load_scenario(ref: str | Path, *, _seen: tuple[Path, ...] = ()) -> Scenario:
    """Load a scenario file (or shipped name), following ``extends``."""
    path = (ref if _seen else resolve_path(ref)).resolve()
    where = _display(path)
    if path in _seen:
        raise InputError(where, "extends", "scenarios extend each other in a cycle")
    data = read_toml(path, where)
    _check_top_level(data, where)
    description = _description(data, where)
    chain: tuple[str, ...] = ()
    sets: tuple[tuple[str, frozenset[str]], ...] = ()
    base = Parameters()
    if "extends" in data:
        parent_ref = data["extends"]
        if not isinstance(parent_ref, str):
            raise InputError(where, "extends", f"{shown(parent_ref)} is not allowed; expected the name of a "
                             "scenario in quotes, like extends = \"baseline\"")
        parent = load_scenario(referenced(parent_ref, path, where), _seen=(*_seen, path))
        base, chain, sets = parent.params, (parent.name, *parent.chain), parent.sets
    updates = updates_from_table(data, where)
    params = base.with_updates(updates, where)
    if "simulation.warm_start" in updates and params.simulation.warm_start != "none":
        replay = referenced(params.simulation.warm_start, path, where, "warm_start")
        params = params.with_updates({"simulation.warm_start": str(replay.resolve())}, where)
    if params.simulation.warm_start != "none" and not _seen:   # checked once, for the scenario being run
        warm_start_params(params.simulation.warm_start, params.simulation.start_date, where)
    return Scenario(name=path.stem, description=description, params=params, path=path,
                    chain=chain, overrides=updates, sets=((str(path), frozenset(updates)), *sets))


@functools.cache
def _replay(ref: str) -> Parameters:
    return load_scenario(ref).params


def warm_start_params(ref: str, start: dt.date | None, where: str = "simulation.warm_start"
                      ) -> tuple[Parameters, int]:
    """The replay a warm start names (a shipped scenario or a scenario file's path) and its days before
    ``start``; one-line errors when it is no scenario, warm-starts itself or does not begin before ``start``."""
    replay = _replay(ref)
    name = Path(ref).stem
    if replay.simulation.warm_start != "none":
        raise InputError(where, "warm_start", f"{name} starts warm itself; a replay must start from its own "
                         "day-0 values (set warm_start = \"none\" in it)")
    if start is None:
        raise InputError(where, "warm_start", "rows that start warm must share one start date")
    days = (start - replay.simulation.start_date).days
    if days < 1:
        raise InputError(where, "warm_start", f"{name} begins on {replay.simulation.start_date}, not before this "
                         f"run's start date {start}; a warm start replays the days before it")
    return replay, days


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parse_assignment(text: str, where: str = "--set") -> tuple[str, Any]:
    """``key=value`` from the command line; the value is read as a TOML value, else as a string."""
    if "=" not in text:
        raise InputError(where, text, "expected key=value, like russia.bias=0.8")
    key, raw = (t.strip() for t in text.split("=", 1))
    if "." not in key:
        hint = TABLE.suggest(key) or next((f"{g}.{key}" for g in TABLE.groups_of_key(key)), None)
        raise InputError(where, key, "expected group.key" + did_you_mean(hint))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        value = raw
    return key, value


def assignments(texts: list[str], where: str = "--set") -> dict[str, Any]:
    """``--set`` values as dotted updates; a parameter set twice is an error (which one would win?)."""
    pairs: dict[str, Any] = {}
    for text in texts:
        key, value = parse_assignment(text, where)
        if key in pairs:
            raise InputError(where, key, f"set twice ({shown(pairs[key])} and {shown(value)}); give it once")
        pairs[key] = value
    return pairs


def with_overrides(scenario: Scenario, texts: list[str] | dict[str, Any], where: str = "--set") -> Scenario:
    """The scenario with command-line overrides (``key=value`` texts, or dotted updates) applied and validated."""
    updates = texts if isinstance(texts, dict) else assignments(texts, where)
    if not updates:
        return scenario
    params = scenario.params.with_updates(updates, where)
    return Scenario(scenario.name, scenario.description, params, scenario.path, scenario.chain,
                    {**scenario.overrides, **updates}, (*scenario.sets, (where, frozenset(updates))))
