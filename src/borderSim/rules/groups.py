"""Typed containers of the parameter arrays (:class:`borderSim.rules.params.ParamArrays`), one per fixed
group of the schema and one for every Western mediator's group.

Generated from the schema by ``tools/param_groups.py`` (``tests/test_schema.py`` checks it is current): a rule
that reads ``P.border.ceasefire_rate`` reads a field a type checker, an IDE and ``farm-studio walk`` can follow.
Each field of a group is its parameter as a ``(B, 1)`` array (a choice as its position among the choices, a date
as its day of year; names and lists are not arrays); ``P.gov`` holds the governments' shared fields as ``(B, 2)``
arrays in side order and ``P.domestic`` the dated shocks as ``(B, K)`` arrays. The unit follows each field. A
mediator's group is read through its registry entry (:mod:`borderSim.rules.mediator_entries`), not typed here:
a Western mediator's is a :class:`WesternArrays` (:data:`FAMILIES`), any other untyped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from borderSim.schema.western import WesternGroup


@dataclass(frozen=True)
class GovernmentArrays:
    """The fields both governments share (:data:`borderSim.schema.GOVERNMENT_FIELDS`): ``(B, 2)``
    arrays in side order (Tajikistan, Kyrgyzstan) under ``P.gov``, ``(B, 1)`` in each government's group."""

    legitimacy: np.ndarray               # index 0-1
    legitimacy_recovery: np.ndarray      # /day
    unrest_shock: np.ndarray             # index 0-1
    escalation_intercept: np.ndarray     # utility
    deescalation_intercept: np.ndarray   # utility
    diversion_weight: np.ndarray         # utility
    diversion_peak: np.ndarray           # unrest index 0-1
    audience_weight: np.ndarray          # utility per unit stock
    reaction_weight: np.ndarray          # utility at rung 6
    retaliation_weight: np.ndarray       # utility
    superiority_weight: np.ndarray       # utility
    capability: np.ndarray               # index
    fortification: np.ndarray            # factor
    arms_inflow: np.ndarray              # index/year
    patron_weight: np.ndarray            # utility
    cost_weight: np.ndarray              # utility
    mediator_weight: np.ndarray          # utility per unit pressure
    remittance_share: np.ndarray         # share of GDP
    russian_arms_share: np.ndarray       # share of arms
    china_debt_share: np.ndarray         # share of external debt
    rally_jump: np.ndarray               # legitimacy
    rally_anticipation: np.ndarray       # utility per legitimacy at unrest 1
    death_cost: np.ndarray               # legitimacy/death
    casualty_aversion: np.ndarray        # utility per legitimacy
    anticipated_deaths: np.ndarray       # deaths
    civil_society: np.ndarray            # index 0-1
    accept_intercept: np.ndarray         # logit
    bias_aversion: np.ndarray            # logit per unit bias
    accept_unrest: np.ndarray            # logit per unit unrest
    shock_scale: np.ndarray              # factor


@dataclass(frozen=True)
class WesternArrays:
    """The fields every Western mediator has (:data:`borderSim.schema.WESTERN_FIELDS`), as
    ``(B, 1)`` arrays: the group of each mediator declared a :class:`~borderSim.schema.WesternGroup`."""

    willingness: np.ndarray           # probability/day
    delay_days: np.ndarray            # day
    style: np.ndarray                 # category
    preventive: np.ndarray            # flag
    resources: np.ndarray             # index 0-1
    security_assistance: np.ndarray   # capability/year
    perceived_bias: np.ndarray        # index -1..1
    joint_with_russia: np.ndarray     # flag
    monitoring: np.ndarray            # index 0-1
    negotiation_support: np.ndarray   # factor


@dataclass(frozen=True)
class SimulationArrays:
    """``P.simulation``: :class:`borderSim.schema.SimulationParams` as ``(B, 1)`` arrays."""

    days: np.ndarray         # day
    replicates: np.ndarray   # runs
    seed: np.ndarray         # -
    start_date: np.ndarray   # date


@dataclass(frozen=True)
class BorderArrays:
    """``P.border``: :class:`borderSim.schema.BorderParams` as ``(B, 1)`` arrays."""

    demarcated_share: np.ndarray               # share of length
    agreement_initial: np.ndarray              # index 0-1
    initial_level: np.ndarray                  # rung
    trigger_segment: np.ndarray                # segment id
    demarcation_effect: np.ndarray             # share
    exclave_multiplier: np.ndarray             # factor
    season_amplitude: np.ndarray               # share
    season_peak_day: np.ndarray                # day of year
    tension_incidents: np.ndarray              # factor per 6 rungs
    involuntary_escalation: np.ndarray         # probability/day
    origin_incident_weight: np.ndarray         # expected incidents per rung
    front_spread_rate: np.ndarray              # probability/day
    second_front_rate: np.ndarray              # probability/day
    front_decay: np.ndarray                    # share per segment
    clash_intensity: np.ndarray                # share of rung 5
    war_intensity: np.ndarray                  # multiple of rung 5
    military_death_rate: np.ndarray            # deaths/side/segment-day
    incursion_exponent: np.ndarray             # -
    wounded_per_death: np.ndarray              # wounded/death
    cost_exponent: np.ndarray                  # -
    audience_accrual: np.ndarray               # /day
    audience_decay: np.ndarray                 # /day
    rally_half_life: np.ndarray                # day
    superiority_threshold: np.ndarray          # capability share
    ceasefire_rate: np.ndarray                 # probability/day
    ceasefire_unrest_lock: np.ndarray          # factor per unit unrest
    mobilisation_days: np.ndarray              # day
    demobilisation_days: np.ndarray            # day
    unprepared_cost: np.ndarray                # utility
    ripeness_threshold: np.ndarray             # hurt
    firepower_elasticity: np.ndarray           # -
    ceasefire_cost_durability: np.ndarray      # strength per unit hurt
    ripeness_weight: np.ndarray                # factor per unit hurt
    war_weariness: np.ndarray                  # utility per unit hurt
    hurt_scale: np.ndarray                     # deaths
    hurt_half_life: np.ndarray                 # day
    ceasefire_break_rate: np.ndarray           # probability/day
    ceasefire_settling_days: np.ndarray        # day
    ceasefire_memory_days: np.ndarray          # day
    ceasefire_strength_bilateral: np.ndarray   # index 0-1
    ceasefire_durable_days: np.ndarray         # day
    violation_cost: np.ndarray                 # utility per strength
    negotiation_rate: np.ndarray               # probability/day
    negotiation_success: np.ndarray            # probability
    talks_ripeness: np.ndarray                 # factor per unit hurt
    agreement_step: np.ndarray                 # index
    agreement_erosion: np.ndarray              # /day
    agreement_incident_effect: np.ndarray      # share
    durable_threshold: np.ndarray              # index 0-1
    episode_gap_days: np.ndarray               # day
    mediation_regime_factor: np.ndarray        # factor
    resource_issue_bonus: np.ndarray           # factor
    timing_span_days: np.ndarray               # day
    timing_dip: np.ndarray                     # share


@dataclass(frozen=True)
class CommunityArrays:
    """``P.communities``: :class:`borderSim.schema.CommunityParams` as ``(B, 1)`` arrays."""

    incident_rate: np.ndarray          # probability/day
    grievance_base: np.ndarray         # index 0-1
    grievance_water: np.ndarray        # index 0-1
    grievance_exclave: np.ndarray      # index 0-1
    grievance_loss: np.ndarray         # per death
    grievance_homes: np.ndarray        # per home
    grievance_recovery: np.ndarray     # /day
    gunfire_probability: np.ndarray    # probability
    gunfire_lethality: np.ndarray      # deaths/incident
    militarisation: np.ndarray         # factor per 6 rungs
    shelling_probability: np.ndarray   # probability/day
    civilian_death_rate: np.ndarray    # deaths per 1,000 residents per shelled day
    homes_per_shelling: np.ndarray     # homes per 1,000 residents per shelled day
    flight_rate: np.ndarray            # /day
    return_rate: np.ndarray            # share/day
    return_delay_days: np.ndarray      # day


@dataclass(frozen=True)
class TajikistanArrays(GovernmentArrays):
    """``P.tajikistan``: :class:`borderSim.schema.TajikistanParams` as ``(B, 1)`` arrays (shared and own fields)."""

    succession_effect: np.ndarray    # utility
    succession_initial: np.ndarray   # index 0-1
    succession_rate: np.ndarray      # /day per unit rally


@dataclass(frozen=True)
class KyrgyzstanArrays(GovernmentArrays):
    """``P.kyrgyzstan``: :class:`borderSim.schema.KyrgyzstanParams` as ``(B, 1)`` arrays (shared and own fields)."""

    protest_per_death: np.ndarray         # per death
    protest_displaced: np.ndarray         # per displaced share
    protest_concession: np.ndarray        # per segment
    protest_decay: np.ndarray             # /day
    protest_threshold: np.ndarray         # index 0-1
    protest_legitimacy_cost: np.ndarray   # legitimacy/day
    protest_casualty: np.ndarray          # factor per unit pressure
    protest_bias_aversion: np.ndarray     # logit per unit pressure and bias
    protest_unrest: np.ndarray            # unrest per unit pressure
    protest_hawkishness: np.ndarray       # utility


@dataclass(frozen=True)
class CalendarArrays:
    """``P.calendar``: :class:`borderSim.schema.CalendarParams`: none of its parameters is an array."""


@dataclass(frozen=True)
class RussiaArrays:
    """``P.russia``: :class:`borderSim.schema.RussiaParams` as ``(B, 1)`` arrays."""

    attention: np.ndarray              # index 0-1
    bias: np.ndarray                   # index -1..1
    patronage: np.ndarray              # index 0-1
    mediation_propensity: np.ndarray   # probability/day
    flank_aversion: np.ndarray         # factor per rung
    keep_out: np.ndarray               # factor
    keep_out_pressure: np.ndarray      # logit at full attention and bias
    restraint: np.ndarray              # utility
    client_alternatives: np.ndarray    # share
    remittance_leverage: np.ndarray    # utility per GDP share
    arms_leverage: np.ndarray          # utility per arms share
    ceasefire_effect: np.ndarray       # factor at full attention
    guarantor_strength: np.ndarray     # index 0-1


@dataclass(frozen=True)
class ChinaArrays:
    """``P.china``: :class:`borderSim.schema.ChinaParams` as ``(B, 1)`` arrays."""

    pressure_propensity: np.ndarray   # probability/day
    pressure_threshold: np.ndarray    # rung
    pressure_strength: np.ndarray     # utility per debt share
    pressure_duration: np.ndarray     # day


@dataclass(frozen=True)
class MediationArrays:
    """``P.mediation``: :class:`borderSim.schema.MediationParams` as ``(B, 1)`` arrays."""

    ceasefire_effect: np.ndarray          # factor at full resources
    manipulative_boost: np.ndarray        # factor
    pressure: np.ndarray                  # utility at full resources
    manipulative_fragility: np.ndarray    # factor
    assistance_moral_hazard: np.ndarray   # backing per capability


@dataclass(frozen=True)
class ShockArrays:
    """``P.domestic``: the dated shocks (``domestic.shocks``) as ``(B, K)`` arrays."""

    shock_day: np.ndarray      # day relative to day 0
    shock_signed: np.ndarray   # size (unrest +, legitimacy -)
    shock_factor: np.ndarray   # daily decay factor
    shock_side: np.ndarray     # side (0 Tajikistan, 1 Kyrgyzstan)


class Groups:
    """The fixed groups of :class:`~borderSim.rules.params.ParamArrays`, typed (a mediator's group is read
    through its registry entry: :data:`FAMILIES`)."""

    simulation: SimulationArrays
    border: BorderArrays
    communities: CommunityArrays
    tajikistan: TajikistanArrays
    kyrgyzstan: KyrgyzstanArrays
    domestic: ShockArrays
    calendar: CalendarArrays
    russia: RussiaArrays
    china: ChinaArrays
    mediation: MediationArrays
    gov: GovernmentArrays


#: Each group's container, by the group's name.
CONTAINERS: dict[str, type] = {
    "simulation": SimulationArrays,
    "border": BorderArrays,
    "communities": CommunityArrays,
    "tajikistan": TajikistanArrays,
    "kyrgyzstan": KyrgyzstanArrays,
    "domestic": ShockArrays,
    "calendar": CalendarArrays,
    "russia": RussiaArrays,
    "china": ChinaArrays,
    "mediation": MediationArrays,
    "gov": GovernmentArrays,
}

#: The container of every declared group of a family (:class:`borderSim.schema.DeclaredGroup`), by the
#: family's base in the schema; a declared group of no family is untyped.
FAMILIES: dict[type, type] = {WesternGroup: WesternArrays}
