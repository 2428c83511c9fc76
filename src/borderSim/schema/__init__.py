"""The parameter schema: the single source of truth for every model parameter, one module per actor.

Every field carries its type, default, allowed range, unit, a one-line description, its source and its role
(:mod:`.fields`, the machinery every group uses). Scenario files, CLI ``--set`` flags, experiment axes, viz
sliders and the ODD parameter table are all generated from it. The groups: :mod:`.simulation` (run controls),
:mod:`.border` (the dyad), :mod:`.communities`, the two governments (:mod:`.tajikistan`, :mod:`.kyrgyzstan`,
sharing the utility terms of the brief in :mod:`.government`), :mod:`.domestic` (dated shocks),
:mod:`.calendar` (dated changes outside the model), :mod:`.russia`, :mod:`.china`, and the Western mediators
(:mod:`.osce`, :mod:`.eu`, :mod:`.us`, sharing their fields and the way mediation works in :mod:`.western`);
:mod:`.parameters` holds them all (:class:`Parameters`) and the schema's table. A new outside actor is a module
here whose group declares its key, title and place (:class:`DeclaredGroup`): :class:`Parameters` finds it
(:data:`DECLARED`); a subclass of :class:`Parameters` adds a group for a registry's duration instead.
"""

from borderSim.schema.border import BorderParams
from borderSim.schema.calendar import MAX_CHANGES, CalendarParams, Change, check_change, record_changes
from borderSim.schema.china import ChinaParams
from borderSim.schema.communities import CommunityParams
from borderSim.schema.domestic import MAX_SHOCKS, DomesticParams, Shock, record_shocks
from borderSim.schema.eu import EuParams
from borderSim.schema.fields import ROLES, DeclaredGroup, Group, Shared, param, shared
from borderSim.schema.government import GOVERNMENT_FIELDS, gov
from borderSim.schema.kyrgyzstan import KyrgyzstanParams
from borderSim.schema.osce import OsceParams
from borderSim.schema.parameters import DECLARED, GROUPS, TABLE, Parameters, group, spec, specs, suggest, titles
from borderSim.schema.russia import RussiaParams
from borderSim.schema.simulation import SimulationParams
from borderSim.schema.tajikistan import TajikistanParams
from borderSim.schema.us import UsParams
from borderSim.schema.western import WESTERN_FIELDS, MediationParams, WesternGroup, west

__all__ = ["DECLARED", "GOVERNMENT_FIELDS", "GROUPS", "MAX_CHANGES", "MAX_SHOCKS", "ROLES", "TABLE", "WESTERN_FIELDS",
           "BorderParams", "CalendarParams", "Change", "ChinaParams", "CommunityParams", "DeclaredGroup",
           "DomesticParams", "EuParams", "Group", "KyrgyzstanParams", "MediationParams", "OsceParams", "Parameters",
           "RussiaParams", "Shared", "Shock", "SimulationParams", "TajikistanParams", "UsParams", "WesternGroup",
           "check_change", "gov", "group", "param", "record_changes", "record_shocks", "shared", "spec", "specs",
           "suggest", "titles", "west"]
