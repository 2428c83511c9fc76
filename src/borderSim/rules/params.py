"""Parameters as arrays with a leading batch axis.

Every parameter becomes a ``(B, 1)`` float64 (or bool/int) array so that it broadcasts against dyad
state ``(B, 1)``, side state ``(B, 2)``, segment state ``(B, S)`` and village state ``(B, V)``.
The government fields shared by both sides are also stacked as ``(B, 2)`` arrays in side order
(Tajikistan, Kyrgyzstan) under ``P.gov``, column-major like the side state
(:mod:`borderSim.rules.state`). Categorical fields become their position among the schema's choices
(``osce.style``, ``eu.style``, ``us.style``: 0 facilitative, 1 manipulative;
:class:`borderSim.rules.mediators.Style`); the start date becomes its day of year. The dated domestic
shocks (``domestic.shocks``) become ``(B, K)`` arrays under ``P.domestic``: each shock's day relative
to the row's start date, its signed size (unrest +, legitimacy -), daily decay factor and side; where
every row shares them (the usual case) they are one row broadcast along the batch
(:func:`borderSim.rules.governments.shock_levels` then computes a day's levels once). Any parameter
may differ between rows.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, fields, make_dataclass, replace
from typing import Any

import numpy as np

from borderSim.inputs.geography import Geography
from borderSim.rules.groups import CONTAINERS, FAMILIES, GovernmentArrays, Groups
from borderSim.schema import GOVERNMENT_FIELDS, Parameters


def sides(tajik: np.ndarray, kyrgyz: np.ndarray) -> np.ndarray:
    """Two ``(B, 1)`` columns as one ``(B, 2)`` side array, column-major like ``P.gov`` and the side state."""
    return np.concatenate([np.transpose(tajik), np.transpose(kyrgyz)]).T


class _View:
    """A parameter group indexed by ``index`` (rows, or columns of the side arrays); each field is
    indexed on first access. Rows of a field every row shares (one row broadcast along the batch, stride 0)
    are its first ``n`` rows: the same values, without a copy."""

    def __init__(self, group, index):
        object.__setattr__(self, "_group", group)
        object.__setattr__(self, "_index", index)

    def __getattr__(self, key: str) -> np.ndarray:
        field, index = getattr(object.__getattribute__(self, "_group"), key), object.__getattribute__(self, "_index")
        if type(index) is np.ndarray and type(field) is np.ndarray and field.ndim and field.strides[0] == 0 \
                and len(index) <= len(field):
            value = field[:len(index)]
        else:
            value = field[index]
        object.__setattr__(self, key, value)
        return value


@dataclass(frozen=True)
class Dated:
    """One dated change of a parameter over a batch: from day ``start`` up to the day before ``end`` (days
    since each row's day 0; ``NEVER`` where a row does not have it) the parameter ``name`` is ``value``."""

    name: str
    value: float
    start: np.ndarray    # (B,) int64
    end: np.ndarray      # (B,) int64


NEVER = np.iinfo(np.int64).max // 4   # a day no run reaches


@functools.cache
def _container(group: str, model: type | None, keys: tuple[str, ...]) -> type:
    """The typed container of a group's arrays (:mod:`borderSim.rules.groups`): a fixed group's by its name, a
    declared group's (``model``, its schema class) by its family (a Western mediator's: ``WesternArrays``); for
    any other group (a registered mediator's, a declared group of no family), a frozen dataclass of its keys."""
    known = CONTAINERS.get(group) or next(
        (typed for base, typed in FAMILIES.items() if isinstance(model, type) and issubclass(model, base)), None)
    if known is not None and {f.name for f in fields(known)} == set(keys):
        return known
    return make_dataclass(f"{group.title()}Arrays", keys, frozen=True)


def container(group: str, arrays: dict[str, np.ndarray], model: type | None = None) -> Any:
    """A group's arrays (``key`` -> array) in its typed container (``model``: the group's class in the schema)."""
    return _container(group, model, tuple(arrays))(**arrays)


class ParamArrays(Groups):
    """Parameters of a batch of rows; ``P.<group>.<key>`` is a ``(B, 1)`` array, ``P.gov.<key>`` ``(B, 2)``; each
    group a typed, frozen container (:mod:`borderSim.rules.groups`).

    ``dated`` holds the calendar's dated changes (:mod:`borderSim.rules.calendar` applies them) and
    ``warm_start`` the scenario whose replay gives day 0 (``"none"``)."""

    def __init__(self, groups: dict[str, Any], batch: int, dated: tuple[Dated, ...] = (),
                 warm_start: str = "none", start: dt.date | None = None):
        self.batch = batch
        self._groups = groups
        self._names = tuple(groups)
        self.dated = dated
        self.warm_start = warm_start
        self.start = start          # the rows' common start date (None where they differ)
        for name, ns in groups.items():
            setattr(self, name, ns)

    def with_columns(self, columns: dict[str, np.ndarray], *, dated: tuple[Dated, ...] | None = None
                     ) -> ParamArrays:
        """A copy whose parameters ``columns`` (``"group.key"`` -> ``(B, 1)`` arrays, encoded; ``domestic``
        arrays by their own keys) are replaced; the government side arrays follow their sides' columns."""
        changed: dict[str, dict[str, np.ndarray]] = {}
        for name, arr in columns.items():
            group, key = name.split(".", 1)
            changed.setdefault(group, {})[key] = arr
        groups = {g: replace(ns, **changed[g]) if g in changed else ns for g, ns in self._groups.items()}
        sides_changed = [key for g in ("tajikistan", "kyrgyzstan") for key in changed.get(g, ())
                         if key in GOVERNMENT_FIELDS]
        if sides_changed:
            tj, kg = groups["tajikistan"], groups["kyrgyzstan"]
            groups["gov"] = replace(groups["gov"], **{
                key: sides(np.broadcast_to(getattr(tj, key), (self.batch, 1)),
                           np.broadcast_to(getattr(kg, key), (self.batch, 1))) for key in dict.fromkeys(sides_changed)})
        return ParamArrays(groups, self.batch, self.dated if dated is None else dated, self.warm_start, self.start)

    def column(self, name: str) -> np.ndarray:
        """The ``(B, 1)`` array of ``"group.key"``."""
        group, key = name.split(".", 1)
        return getattr(self._groups[group], key)

    def take(self, rows: np.ndarray) -> ParamArrays:
        """The parameters of a subset of rows (indexed lazily, group by group and field by field)."""
        return _Taken(self, rows)

    def side(self, k: int):
        """One government's parameters as ``(B, 1)`` columns."""
        return columns(self.gov, slice(k, k + 1))


class _Taken(ParamArrays):
    def __init__(self, parent: ParamArrays, rows: np.ndarray):   # no super(): groups are made on first access
        self.batch = len(rows)
        self._names = parent._names
        self.dated = ()   # dated changes are applied to the whole batch, never to a subset of rows
        self.warm_start = parent.warm_start
        self.start = parent.start
        self._parent = parent
        self._rows = rows

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in self._names:
            raise AttributeError(name)
        view = _View(getattr(self._parent, name), self._rows)
        setattr(self, name, view)
        return view


def columns(gov: GovernmentArrays, cols: slice) -> GovernmentArrays:
    """The government parameters ``gov`` (``(B, 2)`` arrays) restricted to the side columns ``cols``."""
    return _View(gov, (slice(None), cols))   # type: ignore[return-value]   # a view reads like its group


@functools.cache
def _choices(schema: type[Parameters]) -> dict[str, tuple]:
    """The choices of each categorical parameter of a schema (not the flags)."""
    return {s.name: s.choices for s in schema.table().specs() if s.choices is not None and s.type is not bool}


def _encode(name: str, value, geo: Geography, schema: type[Parameters]):
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        return float(value.timetuple().tm_yday)
    if name == "border.trigger_segment":
        return -1 if value == "none" else geo.segment_index(value)
    choices = _choices(schema)
    if name in choices:
        return choices[name].index(value)
    return value


def compile_params(points: Parameters | Sequence[Parameters], geo: Geography, batch: int | None = None
                   ) -> ParamArrays:
    """Arrays for a list of parameter points (one per row), or one point broadcast to ``batch`` rows: a group of
    arrays for each group of their schema (the points' class: :class:`Parameters`, or a subclass with more groups)."""
    if isinstance(points, Parameters):
        points = [points]
        rows = batch or 1
    else:
        rows = len(points)
        if batch is not None and batch != rows:
            raise ValueError(f"batch={batch} but {rows} parameter points given")
    flats = [p.flat() for p in points]
    schema = type(points[0])
    table = schema.table()
    groups: dict[str, dict[str, np.ndarray]] = {g: {} for g in table.groups}
    for s in table.specs():
        if s.is_list or (not s.batch and s.type is str):   # lists and names (warm_start) are not arrays
            continue
        values = [_encode(s.name, f[s.name], geo, schema) for f in flats]
        if isinstance(values[0], bool):
            arr = np.array(values, dtype=bool)
        elif s.name in ("border.trigger_segment",):
            arr = np.array(values, dtype=np.int64)
        else:
            arr = np.array(values, dtype=np.float64)
        arr = arr.reshape(-1, 1)
        if arr.shape[0] != rows:
            arr = np.broadcast_to(arr, (rows, 1))
        groups[s.group][s.key] = arr
    gov = {k: sides(np.broadcast_to(groups["tajikistan"][k], (rows, 1)),
                    np.broadcast_to(groups["kyrgyzstan"][k], (rows, 1))) for k in GOVERNMENT_FIELDS}
    groups["domestic"] = shock_arrays([f["domestic.shocks"] for f in flats],
                                      [f["simulation.start_date"] for f in flats], rows)
    namespaces = {g: container(g, d, schema.model_fields[g].annotation) for g, d in groups.items()}
    namespaces["gov"] = GovernmentArrays(**gov)
    warm = {f["simulation.warm_start"] for f in flats}
    if len(warm) > 1:
        raise ValueError(f"simulation.warm_start must be the same for every row of a batch: {sorted(warm)}")
    starts = {f["simulation.start_date"] for f in flats}
    return ParamArrays(namespaces, rows, dated_arrays([f["calendar.changes"] for f in flats],
                                                      [f["simulation.start_date"] for f in flats], rows),
                       warm.pop(), starts.pop() if len(starts) == 1 else None)


def dated_arrays(changes: Sequence[tuple], starts: Sequence[dt.date], rows: int) -> tuple[Dated, ...]:
    """The dated changes of each row (``changes[i]`` with start date ``starts[i]``, or one list for every row)
    as :class:`Dated` batches: one per distinct change, with each row's first and end day (``NEVER`` where the
    row does not have the change or it has no end)."""
    points = list(zip(changes, starts, strict=True))
    if len({(tuple(c), s) for c, s in points}) == 1:
        points = points[:1]
    distinct: dict[tuple, None] = {}
    for cs, _ in points:
        for c in cs:
            distinct.setdefault((c.parameter, c.value, c.date, c.until), None)
    out = []
    for name, value, date, until in distinct:
        start = np.full(len(points), NEVER, dtype=np.int64)
        end = np.full(len(points), NEVER, dtype=np.int64)
        for i, (cs, s0) in enumerate(points):
            if any((c.parameter, c.value, c.date, c.until) == (name, value, date, until) for c in cs):
                start[i] = (date - s0).days
                end[i] = NEVER if until is None else (until - s0).days
        if len(points) == 1:
            start, end = np.broadcast_to(start, (rows,)), np.broadcast_to(end, (rows,))
        out.append(Dated(name, float(value), start, end))
    return tuple(out)


SIDE_OF = {"tajikistan": 0, "kyrgyzstan": 1}


def shock_arrays(shocks: Sequence[tuple], starts: Sequence[dt.date], rows: int) -> dict[str, np.ndarray]:
    """``(rows, K)`` arrays of the dated shocks of each row (``shocks[i]`` with start date ``starts[i]``, or
    one list for every row): ``shock_day`` (day relative to day 0), ``shock_signed`` (size, negative for
    legitimacy), ``shock_factor`` (daily decay) and ``shock_side``. Rows without a K-th shock hold size 0."""
    distinct = {(tuple(sh), start) for sh, start in zip(shocks, starts, strict=True)}
    points = list(zip(shocks, starts, strict=True)) if len(distinct) > 1 else [(shocks[0], starts[0])]
    k = max(len(sh) for sh, _ in points)
    day = np.zeros((len(points), k))
    signed, factor, side = np.zeros_like(day), np.ones_like(day), np.zeros((len(points), k), dtype=np.int64)
    for i, (sh, start) in enumerate(points):
        for j, shock in enumerate(sh):
            day[i, j] = (shock.date - start).days
            signed[i, j] = shock.size if shock.kind == "unrest" else -shock.size
            factor[i, j] = 0.5 ** (1.0 / shock.half_life_days)
            side[i, j] = SIDE_OF[shock.side]
    arrays = {"shock_day": day, "shock_signed": signed, "shock_factor": factor, "shock_side": side}
    if len(points) == 1:
        return {key: np.broadcast_to(a, (rows, k)) for key, a in arrays.items()}
    return arrays


def _encode_column(name: str, values, geo: Geography, like: np.ndarray, schema: type[Parameters]) -> np.ndarray:
    """One parameter's per-row values as a ``(B, 1)`` array of the dtype :func:`compile_params` gives it."""
    arr = np.asarray(values)
    if arr.dtype == object or arr.dtype.kind in "USM":
        arr = np.array([_encode(name, v, geo, schema) for v in arr.tolist()])
    return arr.astype(like.dtype, copy=False).reshape(-1, 1)


def compile_rows(base: Parameters, values: dict[str, Sequence | np.ndarray], geo: Geography, batch: int
                 ) -> ParamArrays:
    """Arrays for ``batch`` rows that share ``base`` except the parameters in ``values`` (``"group.key"``
    -> one value per row, raw like the schema's or already encoded). Compiles one point, not ``batch``
    pydantic objects, so a design of many distinct points costs one array per varying parameter.
    Values are not validated here: validate them against the schema first (e.g. a design's bounds)."""
    P = compile_params(base, geo, batch=batch)
    if "domestic.shocks" in values or "calendar.changes" in values:
        raise ValueError("domestic.shocks and calendar.changes cannot differ between the rows of a design; scale "
                         "the shocks with tajikistan.shock_scale / kyrgyzstan.shock_scale")
    columns: dict[str, np.ndarray] = {}
    dated, start = None, P.start
    if "simulation.start_date" in values:   # the shocks' days count from each row's start date
        starts = list(values["simulation.start_date"])
        if not all(isinstance(d, dt.date) for d in starts):
            raise ValueError("simulation.start_date must be given as dates when it varies (the shocks' days)")
        columns |= {f"domestic.{key}": a for key, a in shock_arrays([base.domestic.shocks] * batch, starts,
                                                                     batch).items()}
        dated = dated_arrays([base.calendar.changes] * batch, starts, batch)
        start = starts[0] if len(set(starts)) == 1 else None
    for name, column in values.items():
        arr = _encode_column(name, column, geo, P.column(name), type(base))
        if arr.shape[0] != batch:
            raise ValueError(f"{name}: {arr.shape[0]} values for {batch} rows")
        columns[name] = arr
    out = P.with_columns(columns, dated=dated)
    out.start = start
    return out
