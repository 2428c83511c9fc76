"""All parameters, one group per actor (:class:`Parameters`), their titles, and the schema's table of metadata
with its one validation path (:data:`TABLE`, :func:`spec`, :func:`specs`, :func:`suggest`).

:class:`Parameters` holds the model's fixed groups (:class:`FixedGroups`, simulation ... mediation) and after them
the groups the schema's modules declare (:data:`DECLARED`: every :class:`~borderSim.schema.fields.DeclaredGroup`
with a ``key``, found by importing each module of :mod:`borderSim.schema`, in the order of their ``place``). An
outside actor's group is therefore its own module and nothing here.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import Any

from pydantic import Field, create_model, model_validator

from borderSim.schema.border import BorderParams, segment_choices
from borderSim.schema.calendar import CalendarParams, check_change
from borderSim.schema.china import ChinaParams
from borderSim.schema.communities import CommunityParams
from borderSim.schema.domestic import DomesticParams
from borderSim.schema.fields import DeclaredGroup, Group
from borderSim.schema.kyrgyzstan import KyrgyzstanParams
from borderSim.schema.paramspec import ParamTable
from borderSim.schema.russia import RussiaParams
from borderSim.schema.simulation import SimulationParams
from borderSim.schema.tajikistan import TajikistanParams
from borderSim.schema.western import MediationParams


def group(params: type[Group], title: str) -> Any:
    """A group of :class:`Parameters` (its default: the group's defaults) and its title in the parameter tables."""
    return Field(params(), title=title)


#: The schema's modules built on :class:`Parameters` (they import it and declare no group): not searched.
BUILT_ON_PARAMETERS = frozenset({"parameters", "scenarios", "tables"})


def declared_groups() -> tuple[type[DeclaredGroup], ...]:
    """The groups the modules of :mod:`borderSim.schema` declare (each subclass of
    :class:`~borderSim.schema.fields.DeclaredGroup` defined in a module that sets its own ``key``), in the order of
    their ``place``; two with one key or one place are refused."""
    package = importlib.import_module(__package__)
    found: list[type[DeclaredGroup]] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in BUILT_ON_PARAMETERS:
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        found += [c for c in vars(module).values() if isinstance(c, type) and issubclass(c, DeclaredGroup)
                  and c.__module__ == module.__name__ and "key" in vars(c)]
    found.sort(key=lambda c: c.place)
    for attr in ("key", "place"):
        values = [getattr(c, attr) for c in found]
        if len(set(values)) != len(values):
            raise TypeError(f"declared groups must have distinct {attr}s: "
                            f"{[(c.__name__, getattr(c, attr)) for c in found]}")
    return tuple(found)


class FixedGroups(Group):
    """The model's fixed groups, in schema order, and what :class:`Parameters` does (its base; the declared groups
    follow in :class:`Parameters` itself)."""

    simulation: SimulationParams = group(SimulationParams, "Simulation (run controls)")
    border: BorderParams = group(BorderParams, "Border: ladder, fighting, ceasefires, negotiation")
    communities: CommunityParams = group(CommunityParams, "Border communities (villages)")
    tajikistan: TajikistanParams = group(TajikistanParams, "Tajikistan (government)")
    kyrgyzstan: KyrgyzstanParams = group(KyrgyzstanParams, "Kyrgyzstan (government)")
    domestic: DomesticParams = group(DomesticParams, "Domestic shocks (dated events)")
    calendar: CalendarParams = group(CalendarParams, "Dated changes outside the model (the record's calendar)")
    russia: RussiaParams = group(RussiaParams, "Russia / CSTO")
    china: ChinaParams = group(ChinaParams, "China / SCO")
    mediation: MediationParams = group(MediationParams,
                                       "Western-style mediation (shared by the OSCE, the EU and the US)")

    @model_validator(mode="after")
    def _dated_changes(self) -> Parameters:
        for c in self.calendar.changes:
            check_change(c, type(self).table())
        return self

    # -- flat access ------------------------------------------------------------------------------
    def get(self, name: str) -> Any:
        group, key = name.split(".", 1)
        return getattr(getattr(self, group), key)

    def flat(self) -> dict[str, Any]:
        """``{"group.key": value}`` for every parameter, in schema order."""
        return {f"{g}.{k}": v for g in type(self).model_fields for k, v in getattr(self, g)}

    def with_updates(self, updates: dict[str, Any], where: str = "parameters") -> Parameters:
        """A validated copy with dotted-name updates applied: the one path for changing parameters.

        Raises :class:`~borderSim.common.errors.InputError` (a ``ValueError``) naming ``where``, the parameter,
        the value and what is allowed, for an unknown name, a wrong type or a value out of range.
        """
        return type(self).table().update(self, updates, where)

    @classmethod
    def table(cls) -> ParamTable:
        """The metadata of this schema's parameters and its one validation path (a subclass's has its groups)."""
        return _table(cls)


def with_declared(declared: tuple[type[DeclaredGroup], ...]) -> type[FixedGroups]:
    """The schema of the fixed groups followed by ``declared`` (each under its ``key``, titled by its ``title``)."""
    clash = sorted({g.key for g in declared} & set(FixedGroups.model_fields))
    if clash:
        raise TypeError(f"declared groups clash with the fixed groups: {clash}")
    return create_model(
        "Parameters", __base__=FixedGroups, __module__=__name__,
        __doc__="""All model parameters, one group per actor (the groups and their order: :data:`GROUPS`; their titles:
    :func:`titles`). Immutable; use :meth:`with_updates` for changed copies. A subclass with more groups is the
    schema of a registry with more mediators (:class:`borderSim.rules.mediator.Registry`).""",
        **{g.key: (g, group(g, g.title)) for g in declared})


#: The declared groups (:func:`declared_groups`): each outside actor's, from its own module, in place order.
DECLARED = declared_groups()
Parameters = with_declared(DECLARED)


@functools.cache
def _table(schema: type[Parameters]) -> ParamTable:
    return ParamTable(schema, schema.model_fields, choices={"border.trigger_segment": segment_choices})


def titles(schema: type[Parameters] = Parameters) -> dict[str, str]:
    """Each group of ``schema`` and its title in the parameter tables, in schema order."""
    return {g: f.title for g, f in schema.model_fields.items()}


#: The groups, in schema order (the fields of :class:`Parameters`).
GROUPS = tuple(Parameters.model_fields)
#: The parameters' metadata and the one validation path (:mod:`borderSim.schema.paramspec`).
TABLE = Parameters.table()
specs, spec, suggest = TABLE.specs, TABLE.spec, TABLE.suggest
