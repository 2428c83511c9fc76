"""Scenario files: TOML that states only what differs from its base.

A scenario file has a one-line ``description``, an optional ``extends`` (the name of a shipped
scenario, or a path relative to the file; without it the base is the schema's defaults, which are
the baseline) and tables named after the parameter groups::

    description = "Russia mediates, with little attention to spare"
    extends = "baseline"

    [russia]
    mediation_propensity = 0.5

Every problem is raised as :class:`~borderSim.errors.InputError` naming the file and key.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from borderSim.errors import InputError
from borderSim.schema import GROUPS, TABLE, Parameters

TOP_LEVEL = ("description", "extends")


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: its parameters and where they came from."""

    name: str
    description: str
    params: Parameters
    path: Path | None = None
    chain: tuple[str, ...] = field(default_factory=tuple)   # base scenarios, outermost last
    overrides: dict[str, Any] = field(default_factory=dict)  # what the file itself sets


def shipped_dir() -> Path:
    """Folder of the shipped scenario files (repository checkout or installed package)."""
    packaged = resources.files("borderSim").joinpath("scenarios")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "scenarios"


def shipped_names() -> list[str]:
    return sorted(p.stem for p in shipped_dir().glob("*.toml"))


def resolve_path(ref: str, relative_to: Path | None = None) -> Path | None:
    """A scenario reference as a file: a path (absolute, relative to a file or cwd) or a shipped name."""
    candidates = []
    p = Path(ref)
    if relative_to is not None and not p.is_absolute():
        candidates.append(relative_to.parent / p)
        candidates.append(relative_to.parent / f"{ref}.toml")
    candidates += [p, shipped_dir() / f"{ref}.toml", shipped_dir() / ref]
    return next((c for c in candidates if c.is_file()), None)


def _nearest(word: str, options: list[str] | tuple[str, ...]) -> str:
    hit = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {hit[0]}?)" if hit else ""


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise InputError(str(path), None, f"invalid TOML: {err}") from None
    except OSError as err:
        raise InputError(str(path), None, f"cannot read file: {err.strerror}") from None


def updates_from_table(data: dict, where: str) -> dict[str, Any]:
    """Flatten ``{group: {key: value}}`` into dotted updates (names are checked by the update itself)."""
    out: dict[str, Any] = {}
    for group, table in data.items():
        if group in TOP_LEVEL:
            continue
        if group not in GROUPS:
            hint = _nearest(group, GROUPS + TOP_LEVEL)
            raise InputError(where, group, f"unknown group or key{hint}; groups are {', '.join(GROUPS)}")
        if not isinstance(table, dict):
            raise InputError(where, group, f"must be a table of parameters, like [{group}]")
        for key, value in table.items():
            out[f"{group}.{key}"] = value
    return out


def load_scenario(ref: str | Path, *, _seen: tuple[Path, ...] = ()) -> Scenario:
    """Load a scenario file (or shipped name), following ``extends``."""
    path = resolve_path(str(ref))
    if path is None:
        raise InputError(str(ref), None,
                         f"no such file or shipped scenario (shipped: {', '.join(shipped_names())})")
    path = path.resolve()
    where = _display(path)
    if path in _seen:
        raise InputError(where, "extends", "scenarios extend each other in a cycle")
    data = _read_toml(path)
    for key in data:
        if key not in GROUPS and key not in TOP_LEVEL and not isinstance(data[key], dict):
            raise InputError(where, key, f"unknown key{_nearest(key, TOP_LEVEL + GROUPS)}")
    description = data.get("description")
    if not isinstance(description, str) or not description.strip():
        raise InputError(where, "description", "missing: every scenario needs a one-line description")
    chain: tuple[str, ...] = ()
    base = Parameters()
    if "extends" in data:
        parent_ref = data["extends"]
        if not isinstance(parent_ref, str):
            raise InputError(where, "extends", "must be the name of a scenario, as a string")
        parent_path = resolve_path(parent_ref, relative_to=path)
        if parent_path is None:
            hint = _nearest(parent_ref, shipped_names())
            raise InputError(where, "extends", f"{parent_ref!r}: no such scenario{hint}; shipped: "
                             f"{', '.join(shipped_names())}")
        parent = load_scenario(parent_path, _seen=(*_seen, path))
        base, chain = parent.params, (parent.name, *parent.chain)
    updates = updates_from_table(data, where)
    params = base.with_updates(updates, where)
    return Scenario(name=path.stem, description=description.strip(), params=params, path=path,
                    chain=chain, overrides=updates)


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
        hint = TABLE.suggest(key)
        raise InputError(where, key, "expected group.key" + (f" (did you mean {hint}?)" if hint else ""))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def with_overrides(scenario: Scenario, assignments: list[str], where: str = "--set") -> Scenario:
    """The scenario with command-line ``key=value`` overrides applied and validated."""
    if not assignments:
        return scenario
    updates = dict(parse_assignment(a, where) for a in assignments)
    params = scenario.params.with_updates(updates, where)
    return Scenario(scenario.name, scenario.description, params, scenario.path, scenario.chain,
                    {**scenario.overrides, **updates})
