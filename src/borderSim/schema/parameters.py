"""All parameters, one group per actor (:class:`Parameters`), their titles, and the schema's table of metadata
with its one validation path (:data:`TABLE`, :func:`spec`, :func:`specs`, :func:`suggest`)."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import Field, model_validator

from borderSim.schema.border import BorderParams, segment_choices
from borderSim.schema.calendar import CalendarParams, check_change
from borderSim.schema.china import ChinaParams
from borderSim.schema.communities import CommunityParams
from borderSim.schema.domestic import DomesticParams
from borderSim.schema.eu import EuParams
from borderSim.schema.fields import Group
from borderSim.schema.kyrgyzstan import KyrgyzstanParams
from borderSim.schema.osce import OsceParams
from borderSim.schema.paramspec import ParamTable
from borderSim.schema.russia import RussiaParams
from borderSim.schema.simulation import SimulationParams
from borderSim.schema.tajikistan import TajikistanParams
from borderSim.schema.us import UsParams
from borderSim.schema.western import MediationParams


def group(params: type[Group], title: str) -> Any:
    """A group of :class:`Parameters` (its default: the group's defaults) and its title in the parameter tables."""
    return Field(params(), title=title)


class Parameters(Group):
    """All model parameters, one group per actor (the groups and their order: :data:`GROUPS`; their titles:
    :func:`titles`). Immutable; use :meth:`with_updates` for changed copies. A subclass with more groups is the
    schema of a registry with more mediators (:class:`borderSim.rules.mediator.Registry`)."""

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
    osce: OsceParams = group(OsceParams, "OSCE (mediator)")
    eu: EuParams = group(EuParams, "European Union (mediator)")
    us: UsParams = group(UsParams, "United States (mediator)")

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
