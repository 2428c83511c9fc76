"""Parameter metadata read from the pydantic schema, and the one path that validates parameter updates.

:class:`ParamSpec` is one parameter's metadata (type, default, range, unit, description, source);
:class:`ParamTable` reads them from a model of groups and is the single place where dotted-name
updates are checked and applied (scikit-learn's ``set_params`` / ``_validate_params`` idea): an unknown
name, a wrong type or a value out of range is one :class:`~borderSim.common.errors.InputError` naming where
it came from, the parameter, the value and what is allowed. Scenario files, ``--set``, the viz inputs
and ``Parameters.with_updates`` all go through :meth:`ParamTable.update`.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from borderSim.common.errors import InputError
from borderSim.common.tomlcheck import closest, did_you_mean


@dataclass(frozen=True)
class ParamSpec:
    """Metadata of one parameter, read from the schema."""

    name: str            # "group.key"
    group: str
    key: str
    type: Any
    default: Any
    ge: float | None
    le: float | None
    unit: str
    description: str
    source: str
    batch: bool
    role: str = "model"   # control | initial | lever | exogenous | model (borderSim.schema.ROLES)
    dynamic_choices: Callable[[], tuple[Any, ...]] | None = field(default=None, compare=False, repr=False)

    @property
    def choices(self) -> tuple[Any, ...] | None:
        if self.dynamic_choices is not None:
            return self.dynamic_choices()
        if typing.get_origin(self.type) is Literal:
            return typing.get_args(self.type)
        if self.type is bool:
            return (False, True)
        return None

    @property
    def is_list(self) -> bool:
        """A list of tables (``domestic.shocks``), not one value: no range, no axis, no slider."""
        return typing.get_origin(self.type) is tuple

    @property
    def item_fields(self) -> tuple[str, ...]:
        """The keys of each table of a list parameter."""
        return tuple(typing.get_args(self.type)[0].model_fields) if self.is_list else ()

    @property
    def type_name(self) -> str:
        if typing.get_origin(self.type) is Literal:
            return "choice"
        if self.is_list:
            return "list"
        return getattr(self.type, "__name__", str(self.type))

    def allowed(self) -> str:
        """Human-readable allowed values."""
        if self.is_list:
            return f"a list of tables with keys {', '.join(self.item_fields)}"
        if self.choices is not None:
            return "one of " + ", ".join(shown(c).strip('"') for c in self.choices)
        if self.type is dt.date:
            return "a date without quotes, like 2022-09-14"
        if self.ge is not None and self.le is not None:
            return f"{self.type_name} from {_fmt(self.ge)} to {_fmt(self.le)}"
        return self.type_name


def plain(value: Any) -> Any:
    """A parameter value as JSON can hold it: dates as ISO text, a list of tables as a list of dicts."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def _fmt(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def shown(value: Any) -> str:
    """A value as it would be written in a scenario file (TOML), for messages."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return '"' + text.replace("\n", "\\n") + '"'
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


class ParamTable:
    """The parameters of a model whose fields are groups of parameters (``Parameters``).

    ``choices`` gives, for parameters whose allowed values are known only at run time (the
    geography's segment ids), a function returning them.
    """

    def __init__(self, model: type[BaseModel], groups: Iterable[str],
                 choices: Mapping[str, Callable[[], tuple[Any, ...]]] | None = None):
        self.model, self.groups, self._choices = model, tuple(groups), dict(choices or {})
        self._specs: tuple[ParamSpec, ...] | None = None
        self._by_name: dict[str, ParamSpec] = {}

    def specs(self) -> tuple[ParamSpec, ...]:
        """Every parameter's metadata, in schema order."""
        if self._specs is None:
            out = []
            for group in self.groups:
                cls = self.model.model_fields[group].annotation
                for key, f in cls.model_fields.items():
                    ge = le = None
                    for m in f.metadata:
                        ge = getattr(m, "ge", ge)
                        le = getattr(m, "le", le)
                    extra = f.json_schema_extra or {}
                    name = f"{group}.{key}"
                    out.append(ParamSpec(
                        name=name, group=group, key=key, type=f.annotation, default=f.default, ge=ge, le=le,
                        unit=extra["unit"], description=f.description or "", source=extra["source"],
                        batch=extra.get("batch", True), role=extra.get("role", "model"),
                        dynamic_choices=self._choices.get(name)))
            self._specs = tuple(out)
            self._by_name = {s.name: s for s in out}
        return self._specs

    def spec(self, name: str) -> ParamSpec:
        """Metadata of ``group.key``; ``KeyError`` if there is no such parameter."""
        self.specs()
        return self._by_name[name]

    def suggest(self, name: str) -> str | None:
        """The nearest valid parameter name, for error messages."""
        names = [s.name for s in self.specs()]
        hit = closest(name, names)
        if hit is None and "." in name:  # right key in the wrong group, or a typo in the key alone
            key = closest(name.split(".", 1)[1], [n.split(".", 1)[1] for n in names])
            hit = next((n for n in names if n.split(".", 1)[1] == key), None) if key else None
        return hit

    def groups_of_key(self, key: str) -> list[str]:
        """The groups that have a parameter called ``key`` (for "put it under [group]" hints)."""
        return [s.group for s in self.specs() if s.key == key]

    def check_names(self, names: Iterable[str], where: str) -> None:
        """Raise :class:`InputError` for the first name that is no parameter, with the nearest one."""
        self.specs()
        for name in names:
            if name not in self._by_name:
                hint = self.suggest(name)
                raise InputError(where, name, "unknown parameter" + (did_you_mean(hint) if hint else
                                                                       "; see `borderSim params`"))

    def update(self, base: BaseModel, updates: Mapping[str, Any], where: str) -> BaseModel:
        """``base`` with dotted-name ``updates`` applied and validated (strictly: no silent conversions).

        The one path for every change of parameters; raises :class:`InputError` naming ``where``, the
        parameter, the value given and what is allowed.
        """
        self.check_names(updates, where)
        data = base.model_dump()
        for name, value in updates.items():
            group, key = name.split(".", 1)
            data[group][key] = value
        try:
            return self.model.model_validate(data, strict=True)
        except ValidationError as err:
            e = err.errors()[0]
            loc = [str(x) for x in e["loc"]]
            name = ".".join(loc[:2])
            if name not in self._by_name:   # a check across fields (the calendar's dated changes)
                raise InputError(where, name or None, e["msg"].removeprefix("Value error, ")) from None
            spec = self.spec(name)
            if spec.is_list and len(loc) > 2:   # one entry of a list of tables
                entry = f"entry {int(loc[2]) + 1}" if loc[2].isdigit() else loc[2]
                key = ".".join(loc[3:])
                if e["type"] == "missing":
                    raise InputError(where, name, f"{entry}: {key} is missing; expected {spec.allowed()}") from None
                raise InputError(where, name, f"{entry}{' ' + key if key else ''}: {shown(e.get('input'))} is not "
                                 f"allowed ({e['msg'][0].lower() + e['msg'][1:]}); expected {spec.allowed()}") from None
            got = updates.get(name, e.get("input"))
            raise InputError(where, name, f"{shown(got)} is not allowed; expected {self.spec(name).allowed()}"
                             + _hint(self.spec(name), got)) from None


def _hint(s: ParamSpec, got: Any) -> str:
    if s.type is dt.date and isinstance(got, str):
        try:
            dt.date.fromisoformat(got.strip())
        except ValueError:
            return ""
        return " (remove the quotes)"
    if s.type is dt.date and isinstance(got, dt.datetime):
        return " (a date has no time of day)"
    return ""
