"""The parameter schema: the single source of truth for every model parameter.

Every field carries its type, default, allowed range, unit, a one-line description and its source
(keys of :mod:`borderSim.references`; ``record`` = the shared facts, ``article`` = the seed article,
``calibrated`` = set against the record as documented in ``docs/validation.md``). Scenario files, CLI
``--set`` flags, experiment axes, viz sliders and the ODD parameter table are all generated from it.

Parameters are grouped by actor. The two governments share one set of field names (the utility
terms of the brief) with their own defaults and sources; each adds its own domestic mechanism
(Tajik dynastic succession, Kyrgyz protest pressure).
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from borderSim.paramspec import ParamTable
from borderSim.tomlcheck import did_you_mean

#: What a parameter is to an experiment (EMA Workbench's split of levers and uncertainties):
#: ``control`` runs the simulation (horizon, replicates, seed, calendar start); ``initial`` is a value of the
#: state at day 0; ``lever`` is an outside posture or a structural policy a scenario chooses; ``exogenous``
#: is a fact of the world the record dates or measures (outside events, economic ties, standing crises);
#: ``model`` is a behavioural or mechanism parameter, uncertain and calibrated. A warm start
#: (``simulation.warm_start``) replays the record with the row's model parameters and the replay's
#: initial values, levers and exogenous inputs.
ROLES = ("control", "initial", "lever", "exogenous", "model")


def param(default: Any, *, unit: str, description: str, source: str, ge: float | None = None,
          le: float | None = None, batch: bool = True, role: str = "model") -> Any:
    """A schema field with its metadata. ``batch=False`` marks run controls that cannot vary per row;
    ``role`` is one of :data:`ROLES`."""
    assert role in ROLES, role
    return Field(default, ge=ge, le=le, description=description,
                 json_schema_extra={"unit": unit, "source": source, "batch": batch, "role": role})


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=True)


# --------------------------------------------------------------------------------------------------
class SimulationParams(_Group):
    """Run controls: horizon, replicates, seed, calendar."""

    days: int = param(730, ge=1, le=36_500, unit="day", batch=False, role="control",
                      description="Number of simulated days (one step is one day).",
                      source="brief (typical horizon 730 days)")
    replicates: int = param(100, ge=1, le=10_000_000, unit="runs", batch=False, role="control",
                            description="Number of stochastic replicates.", source="brief")
    seed: int = param(20220914, ge=0, le=2**63 - 1, unit="-", batch=False, role="control",
                      description="Root seed; replicate r draws from streams keyed by (seed, r).",
                      source="design (common random numbers)")
    start_date: dt.date = param(dt.date(2022, 1, 1), unit="date", role="control",
                                description="Calendar date of day 0; places the farming and grazing season.",
                                source="brief (baseline is the 2022 status quo)")
    warm_start: str = param(
        "none", unit="scenario", batch=False, role="control",
        description="Scenario whose replay gives the state at day 0 ('none': the day-0 values of this one). The "
                    "replay runs from its own start date to this one's with this run's model parameters and the "
                    "replay's day-0 values, postures and outside events; this run's own then apply from day 0.",
        source="design (a baseline that does not hinge on hand-set initial values; docs/validation.md)")

    @field_validator("warm_start")
    @classmethod
    def _scenario_name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("a scenario name, or 'none'")
        return v


class BorderParams(_Group):
    """The dyad: border status, escalation ladder, fighting, ceasefires and negotiation."""

    demarcated_share: float = param(
        0.52, ge=0, le=1, unit="share of length",
        description="Share of the border's length demarcated at day 0 (filled segment by segment); after a warm "
                    "start, a larger share is agreed at day 0 (a treaty), never a smaller one.",
        source="record (about 504 km agreed of ~975 km in 2020, 519 km in Sept 2022); article ('only half is "
               "demarcated')", role="initial")
    agreement_initial: float = param(
        0.0, ge=0, le=1, unit="index 0-1",
        description="Strength of the bilateral border agreement at day 0 (after a warm start: at least this).",
        source="record (no comprehensive agreement before the March 2025 treaty)", role="initial")
    initial_level: int = param(
        0, ge=0, le=6, unit="rung",
        description="Ladder rung at day 0 (0 routine friction ... 6 sustained war).", source="brief", role="initial")
    trigger_segment: str = param(
        "none", unit="segment id",
        description="Segment where a standoff at day 0 is located ('none' when the border is calm).",
        source="record (Golovnoi 2021, Bulak-Bashy 2022)", role="initial")
    demarcation_effect: float = param(
        0.85, ge=0, le=1, unit="share",
        description="Share of a segment's incident hazard removed once it is demarcated.",
        source="brief ('removes most of its incident hazard')")
    exclave_multiplier: float = param(
        2.0, ge=1, le=10, unit="factor",
        description="Incident hazard multiplier for villages in or next to an exclave.",
        source="Lim et al. 2007 (violence where groups are poorly separated); article (exclaves)")
    season_amplitude: float = param(
        0.526203, ge=0, le=1, unit="share",
        description="Amplitude of the farming and grazing season's rhythm in every village's incident hazard.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "record (disputes over irrigation, pasture and fields; both major episodes (April, September) and "
               "three of five smaller clashes of 2021-22 (Jun 2021, Jun 2022 twice; not Jan, Mar 2022) fell in "
               "April-September: Anadolu, Kloop, Reuters, RFE/RL)")
    season_peak_day: int = param(
        219, ge=1, le=366, unit="day of year",
        description="Day of year at which the season's incident hazard peaks.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "record (spring-summer irrigation and grazing; clashes of 2021-22 centre on mid-May to "
               "early July); calibrated")
    tension_incidents: float = param(
        1.0, ge=0, le=10, unit="factor per 6 rungs",
        description="Rise of the village incident hazard with the dyad rung (troops on the line).",
        source="brief (border guards turn incidents into gunfire); calibrated")
    involuntary_escalation: float = param(
        0.150405, ge=0, le=0.5, unit="probability/day",
        description="Chance per day at rungs 3-4 that the ladder rises one rung unchosen; from a clash (rung 4) "
                    "to a major clash only as far as forces are massed (times the readiness of "
                    "border.mobilisation_days): without them fighting stays limited.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "Schelling 1966 (competition in risk-taking); article (the Kyrgyz MFA called the Sept 2022 "
               "aggression premeditated and prepared); calibrated (episode frequencies)")
    origin_incident_weight: float = param(
        1.0, ge=0, le=100, unit="expected incidents per rung",
        description="Weight of today's worst incident on a segment (per rung: 1 incident, 2 gunfire) against "
                    "its expected incidents per day, in drawing where an episode starts.",
        source="record (April 2021 grew from stone-throwing, then gunfire, at the Golovnoi intake: 24.kg 4 May "
               "2021, Anadolu 5 Jun 2021)")
    front_spread_rate: float = param(
        0.274246, ge=0, le=1, unit="probability/day",
        description="Daily chance at rung 5 that fighting on a segment spreads to a neighbouring segment "
                    "(times the rung's harm intensity at rungs 4 and 6).",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "record (29 Apr 2021: from the Golovnoi intake to the Ak-Tatyr road and lower Leilek within a "
               "day, UTRK; 14-16 Sep 2022: from Bulak-Bashy along the whole Batken-region line, TASS); calibrated")
    second_front_rate: float = param(
        0.1, ge=0, le=1, unit="probability/day",
        description="Daily chance at rung 5 that fighting breaks out on a segment away from the front (a second "
                    "front; times the rung's intensity at rung 6), drawn in proportion to its expected incidents.",
        source="record (16-17 Sept 2022: fighting along the whole Batken line at once and at Jekendi on the Alai "
               "line, 300 km east; none in the three days of April 2021: TASS, Crisis24, economist.kg)")
    front_decay: float = param(
        0.95, ge=0, le=1, unit="share per segment",
        description="Share of the rung's fire a front segment takes per step along the line from the origin "
                    "segment (1: the whole front burns alike).",
        source="record (fighting heaviest where each episode began: Kok-Tash 2021, Bulak-Bashy and Ak-Sai 2022; "
               "Bellingcat's damage map); calibrated")
    clash_intensity: float = param(
        0.25, ge=0, le=1, unit="share of rung 5",
        description="Intensity of harm at rung 4 (limited clash) relative to rung 5.",
        source="brief (rung 4 'tens of casualties'); calibrated")
    war_intensity: float = param(
        2.0, ge=1, le=5, unit="multiple of rung 5",
        description="Intensity of harm at rung 6 (sustained war) relative to rung 5.", source="brief")
    military_death_rate: float = param(
        0.578879, ge=0, le=50, unit="deaths/side/segment-day",
        description="Mean military deaths per side per front segment per day at rung 5.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "record (Tajik military dead 6 in 2021; deaths by side in both episodes); calibrated")
    incursion_exponent: float = param(
        5.0, ge=0, le=10, unit="-",
        description="Exponent on the capability advantage in how hard fire and incursions hit villages.",
        source="record (KG 613 homes lost vs few Tajik, Sept 2022); article (incursions into Kyrgyz villages)")
    wounded_per_death: float = param(
        3.3, ge=0, le=20, unit="wounded/death",
        description="Mean wounded per death.",
        source="record (both episodes pooled: about 523 wounded for 158 dead)")
    cost_exponent: float = param(
        3.97, ge=1, le=6, unit="-",
        description="Convexity of the cost of standing at a rung: cost ~ (rung / 6) ** exponent.",
        source="brief (cost of the next rung rises steeply toward war); calibrated")
    audience_accrual: float = param(
        0.1, ge=0, le=1, unit="/day",
        description="Daily growth of the audience-cost stock toward 1 while a standoff is public (rung 3+).",
        source="Fearon 1994")
    audience_decay: float = param(
        0.05, ge=0, le=1, unit="/day", description="Daily decay of the audience-cost stock once below rung 3.",
        source="Fearon 1994; calibrated")
    rally_half_life: float = param(
        21.0, ge=1, le=365, unit="day", description="Half-life of a rally-round-the-flag effect.",
        source="Lian & Oneal 1993 (rallies are small and short-lived)")
    superiority_threshold: float = param(
        0.55, ge=0.5, le=1, unit="capability share",
        description="Share of dyad capability above which local superiority tempts escalation.",
        source="Cederman 1997 (GeoSim superiority threshold)")
    ceasefire_rate: float = param(
        0.302513, ge=0, le=1, unit="probability/day",
        description="Daily chance of a bilateral ceasefire at rung 3+ before ripeness and mediation.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "record (April 2021 ceasefire within days, agreed bilaterally); calibrated (clash durations)")
    ceasefire_unrest_lock: float = param(
        17.5712, ge=0, le=50, unit="factor per unit unrest",
        description="Division of the ceasefire hazard per unit of each government's unrest above the midpoint "
                    "0.5: a leader in trouble at home holds out against a ceasefire that ends the rally (0: off).",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "article (escalation driven by legitimacy at home); Tir 2010 (territorial diversion); record (Sept "
               "2022, after the Gorno-Badakhshan crackdown: a first ceasefire broke within a day, 7 days of "
               "fighting, against 4 in April 2021); calibrated")
    mobilisation_days: float = param(
        10.9484, ge=1, le=730, unit="day",
        description="Time constant over which forces are massed on the line while the dyad stands at rung 3+ "
                    "(reinforcements): readiness for a major offensive rises by (1 - readiness) / this a day.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "brief (rung 3: reinforcements, closures); article (the Kyrgyz MFA called the Sept 2022 "
               "aggression premeditated and prepared; both sides fortified their borders); Slantchev 2005 "
               "(mobilisation in crises); record (both major episodes grew out of months of standoffs and "
               "smaller clashes: the Vorukh row of Mar-Apr 2021; Jan, Mar and Jun 2022); calibrated")
    demobilisation_days: float = param(
        62.2098, ge=1, le=3_650, unit="day",
        description="Time constant over which massed forces are stood down below rung 3: readiness falls by "
                    "readiness / this a day.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "article (fortifications with military and civilian personnel stay); calibrated")
    unprepared_cost: float = param(
        3.22186, ge=0, le=20, unit="utility",
        description="Cost of escalating to a major clash (rung 5+) without forces massed on the line (readiness "
                    "0; none at readiness 1): without preparation fighting stays a limited clash.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "article (premeditated and prepared); record (four deadly clashes in the year before Sept 2022 "
               "stayed limited, then a prepared offensive); calibrated")
    ripeness_threshold: float = param(
        1.63016, ge=0, le=5, unit="hurt",
        description="Mutual hurt (the lesser side's) a war must leave before it ripens the demarcation talks: "
                    "only the part above it raises a round's chance of success (border.talks_ripeness).",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "Zartman 2000 (a mutually hurting stalemate, optimally a recent catastrophe); record (after April "
               "2021, 36 Kyrgyz and 19 Tajik dead, the agreed line grew from 504 to 519 km in 17 months; after "
               "September 2022, about 60 and 41 dead, it was all agreed within 27 months); calibrated")
    firepower_elasticity: float = param(
        2.05498, ge=0, le=5, unit="-",
        description="Elasticity of the harm a rung does (fire on the front, military and civilian losses) with "
                    "the two sides' combined capability (relative to two forces of index 1).",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "record (Bayraktar TB2 in Kyrgyz service from Dec 2021, an Ababil-2 drone plant in Dushanbe from "
               "May 2022: the 2022 war killed about twice and displaced three times as many as April 2021); "
               "brief (drones and armour); calibrated")
    ceasefire_cost_durability: float = param(
        1.98116, ge=0, le=5, unit="strength per unit hurt",
        description="Strength a ceasefire gains per unit of the mutual hurt (the lesser side's) when it is "
                    "agreed: ceasefires after costlier fighting hold better.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "Fortna 2003 (cease-fires after costlier wars last longer); record (the Sept 2022 protocol "
               "held; two of three ceasefires held 30 days); calibrated")
    ripeness_weight: float = param(
        2.0, ge=0, le=50, unit="factor per unit hurt",
        description="Rise of ceasefire chances, of acceptance of mediation and of escalation costs, per unit of "
                    "hurt (talks: border.talks_ripeness).",
        source="Zartman 2000")
    war_weariness: float = param(
        2.59996, ge=0, le=20, unit="utility per unit hurt",
        description="Fall in a government's utility of escalating per unit of its own hurt (recent losses): "
                    "after a major war the next one is less likely for a while.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "record (no deadly clash after 20 Sept 2022 through the March 2025 treaty); Zartman 2000")
    hurt_scale: float = param(
        50.0, ge=1, le=10_000, unit="deaths",
        description="Own deaths (recent, decaying) at which a side's hurt reaches 1.",
        source="record (scale of the 2021-22 death tolls); Zartman 2000")
    hurt_half_life: float = param(
        180.0, ge=1, le=3_650, unit="day", description="Half-life of the memory of hurt.",
        source="record (demarcation accelerated for two years after Sept 2022)")
    ceasefire_break_rate: float = param(
        0.0319158, ge=0, le=1, unit="probability/day",
        description="Breakdown hazard on a ceasefire's first day with no enforcement (strength 0).",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "Fortna 2003; record (the first Sept 2022 ceasefire broke within a day)")
    ceasefire_settling_days: float = param(
        7.0, ge=0.1, le=365, unit="day",
        description="Age at which a ceasefire's breakdown hazard has halved (risk is front-loaded).",
        source="Fortna 2003 (ceasefires fail early); record (Sept 2022: first broke within a day)")
    ceasefire_memory_days: float = param(
        7.0, ge=0.1, le=3_650, unit="day",
        description="Age at which a broken ceasefire returns the dyad only half as far above a local incident "
                    "as the rung it stopped (a late violation is an incident, not a return to artillery).",
        source="Fortna 2003 (ceasefires fail early); record (the first Sept 2022 ceasefire broke within a day "
               "and fighting resumed; no deadly clash after 20 Sept 2022); calibrated")
    ceasefire_strength_bilateral: float = param(
        0.3, ge=0, le=1, unit="index 0-1",
        description="Strength of a bilateral ceasefire without monitors or guarantor.",
        source="Fortna 2003; Walter 2002")
    ceasefire_durable_days: int = param(
        30, ge=1, le=365, unit="day",
        description="Days a ceasefire must hold to count as having survived.", source="Fortna 2003")
    violation_cost: float = param(
        4.0, ge=0, le=20, unit="utility per strength",
        description="Utility cost of breaking a ceasefire, per unit of its strength.",
        source="Fortna 2003; calibrated (ceasefire survival)")
    negotiation_rate: float = param(
        0.05, ge=0, le=1, unit="probability/day",
        description="Daily chance of a bilateral demarcation round while the border is calm.",
        source="record (frequent intergovernmental commission rounds 2022-24); calibrated")
    negotiation_success: float = param(
        0.01, ge=0, le=1, unit="probability",
        description="Chance that a round agrees one more disputed segment when neither side hurts "
                    "(the status quo's pace).",
        source="record (504 km agreed March 2021, 519 km Sept 2022: about a fifth of a segment a year)")
    talks_ripeness: float = param(
        44.6249, ge=0, le=500, unit="factor per unit hurt",
        description="Rise of a round's chance of success per unit of the lesser side's hurt (a mutually "
                    "hurting stalemate).",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "Zartman 2000; record (664 km agreed by Aug 2023, over 90 % by Dec 2023, all by Dec 2024 "
               "after the Sept 2022 war); calibrated")
    agreement_step: float = param(
        0.15, ge=0, le=1, unit="index",
        description="Gain in agreement strength per successful round (toward 1).", source="Fortna 2003")
    agreement_erosion: float = param(
        0.01, ge=0, le=1, unit="/day",
        description="Daily erosion of agreement strength while fighting (rung 3+).", source="Fortna 2003")
    agreement_incident_effect: float = param(
        0.5, ge=0, le=1, unit="share",
        description="Share of incident hazard removed at full agreement strength.",
        source="record (crossings reopened and incidents stopped after the 2025 treaty)")
    durable_threshold: float = param(
        0.8, ge=0, le=1, unit="index 0-1",
        description="Agreement strength at which the agreement counts as durable.", source="Fortna 2003")
    episode_gap_days: int = param(
        14, ge=1, le=365, unit="day",
        description="Days below rung 3 that end an episode (shorter lulls join one episode).",
        source="record (Sept 2022: brief ceasefire, then fighting resumed: one episode)")
    mediation_regime_factor: float = param(
        0.27, ge=0, le=1, unit="factor",
        description="Mediation effect between two autocratic or hybrid regimes, relative to the mean.",
        source="Bercovitch et al. 1991 (about 6 % success between one-party states vs 22 % overall)")
    resource_issue_bonus: float = param(
        0.5, ge=0, le=5, unit="factor",
        description="Extra mediation effect when the episode began over water rather than territory.",
        source="Bercovitch et al. 1991 (more success over resources than sovereignty)")
    timing_span_days: float = param(
        30.0, ge=1, le=365, unit="day",
        description="Span over which mediation timing matters (U-shaped effect within it).",
        source="Regan & Stam 2000")
    timing_dip: float = param(
        0.5, ge=0, le=1, unit="share",
        description="Loss of mediation effect for entry mid-span rather than early or late.",
        source="Regan & Stam 2000 (curvilinear timing effect)")

    @field_validator("trigger_segment")
    @classmethod
    def _segment_known(cls, v: str) -> str:
        if v not in _segment_choices():
            raise ValueError(f"must be one of {', '.join(_segment_choices())}")
        return v


class CommunityParams(_Group):
    """Border villages: grievance, incidents, shelling, flight and return."""

    incident_rate: float = param(
        0.004, ge=0, le=1, unit="probability/day",
        description="Incident chance per village-day on a disputed segment at grievance 0.5.",
        source="record (incidents recur; four deadly clashes in the year before Sept 2022); calibrated")
    grievance_base: float = param(
        0.4, ge=0, le=1, unit="index 0-1", description="Baseline grievance of a border village.",
        source="brief (water, pasture, roads)")
    grievance_water: float = param(
        0.2, ge=0, le=1, unit="index 0-1", description="Extra grievance at a contested water point.",
        source="record (disputes centre on irrigation intakes and canals)")
    grievance_exclave: float = param(
        0.2, ge=0, le=1, unit="index 0-1", description="Extra grievance in and around exclaves.",
        source="record (Vorukh and Lolazor access roads); Lim et al. 2007")
    grievance_loss: float = param(
        0.02, ge=0, le=1, unit="per death",
        description="Rise in a village's grievance per resident killed.", source="brief (past losses); calibrated")
    grievance_homes: float = param(
        0.002, ge=0, le=1, unit="per home", description="Rise in grievance per home destroyed.",
        source="brief (past losses); calibrated")
    grievance_recovery: float = param(
        0.01, ge=0, le=1, unit="/day", description="Daily relaxation of grievance toward its baseline.",
        source="calibrated")
    gunfire_probability: float = param(
        0.12, ge=0, le=1, unit="probability",
        description="Chance that border guards turn an incident into gunfire at rung 0.",
        source="record (four deadly clashes in the year before Sept 2022)")
    gunfire_lethality: float = param(
        0.273037, ge=0, le=5, unit="deaths/incident",
        description="Mean deaths in a border-guard shoot-out (an incident turned to gunfire): soldiers of the "
                    "village's side, killed without either capital choosing to escalate.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "record (four clashes with deaths in the year before Sept 2022, most of them shoot-outs between "
               "border guards with one or two dead: Jan, Mar and Jun 2022); calibrated")
    militarisation: float = param(
        2.0, ge=0, le=20, unit="factor per 6 rungs",
        description="Rise of the gunfire chance with the dyad rung (reinforced border posts).",
        source="article (both sides fortified the border); calibrated")
    shelling_probability: float = param(
        0.6, ge=0, le=1, unit="probability/day",
        description="Chance that a village at the origin of a rung-5 front is shelled on a day (times its "
                    "side's exposure and its share of the fire).",
        source="record (incursions into villages, Sept 2022)")
    civilian_death_rate: float = param(
        0.077361, ge=0, le=100, unit="deaths per 1,000 residents per shelled day",
        description="Mean civilians killed per shelled village-day at full rung-5 fire, per 1,000 residents at home.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "record (civilians killed 37-51 in Sept 2022, HRW; most of the 36 Kyrgyz dead in April 2021); "
               "calibrated (both episodes)")
    homes_per_shelling: float = param(
        0.729029, ge=0, le=1_000, unit="homes per 1,000 residents per shelled day",
        description="Mean homes destroyed per shelled village-day at full rung-5 fire, per 1,000 of the "
                    "village's census population.",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "record (KG ~120 homes 2021, 613 homes 2022)")
    flight_rate: float = param(
        1.14692, ge=0, le=10, unit="/day",
        description="Daily hazard that a household of a front village flees, at shelling chance 1 and civil "
                    "society 1 (times both).",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "record (KG 40,649 evacuated in 4 days of April 2021, about 40 % of the front; 136,770 in the "
               "week of Sept 2022, about 85 %: MChS via 24.kg and Kabar); calibrated")
    return_rate: float = param(
        0.2, ge=0, le=1, unit="share/day",
        description="Share of a village's displaced who return per day once fighting stops.",
        source="record (evacuees of April 2021 returned within days)")
    return_delay_days: int = param(
        3, ge=0, le=365, unit="day",
        description="Days below rung 4 before the displaced begin to return.", source="record")


# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Shared:
    type: Any
    ge: float | None
    le: float | None
    unit: str
    description: str
    role: str = "model"


GOVERNMENT_FIELDS: dict[str, _Shared] = {
    "legitimacy": _Shared(float, 0, 1, "index 0-1",
                          "Domestic legitimacy at day 0 and the level it relaxes back to."),
    "legitimacy_recovery": _Shared(float, 0, 1, "/day", "Daily relaxation of legitimacy to its anchor."),
    "unrest_shock": _Shared(float, 0, 1, "index 0-1", "Standing domestic unrest from other crises.", "exogenous"),
    "escalation_intercept": _Shared(float, -20, 5, "utility",
                                    "Utility of escalating before any incentive (restraint norm)."),
    "deescalation_intercept": _Shared(float, -20, 5, "utility",
                                      "Utility of stepping down before any incentive."),
    "diversion_weight": _Shared(float, 0, 20, "utility",
                                "Peak diversionary gain, reached at unrest diversion_peak (hump-shaped)."),
    "diversion_peak": _Shared(float, 0.05, 1, "unrest index 0-1",
                              "Unrest at which diversionary gain peaks; below it more unrest means more diversion."),
    "audience_weight": _Shared(float, 0, 20, "utility per unit stock",
                               "Cost of backing down per unit of the audience-cost stock."),
    "reaction_weight": _Shared(float, 0, 50, "utility at rung 6",
                               "Pull to escalate rising with the rung the opponent holds (at rung 6)."),
    "retaliation_weight": _Shared(float, 0, 20, "utility",
                                  "Pull to answer the opponent's escalation or gunfire, up to a standoff (rung 3)."),
    "superiority_weight": _Shared(float, 0, 20, "utility",
                                  "Pull of local military superiority above the threshold."),
    "capability": _Shared(float, 0.01, 10, "index", "Military capability at day 0 (relative index).", "initial"),
    "fortification": _Shared(float, 0, 5, "factor",
                             "Extra force a side deploys where its own people live on the border (share of the "
                             "segment's residents on its side): local capability = capability x (1 + this x share)."),
    "arms_inflow": _Shared(float, 0, 5, "index/year", "Growth of military capability from arms purchases.", "lever"),
    "patron_weight": _Shared(float, 0, 20, "utility", "Pull of expected patron backing (moral hazard)."),
    "cost_weight": _Shared(float, 0, 20, "utility",
                           "Expected cost of the next rung, scaled so rung 6 costs 4x this."),
    "mediator_weight": _Shared(float, 0, 20, "utility per unit pressure",
                               "Response to mediator pressure and economic leverage."),
    "remittance_share": _Shared(float, 0, 1, "share of GDP",
                                "Remittances (mostly from Russia) as a share of GDP.", "exogenous"),
    "russian_arms_share": _Shared(float, 0, 1, "share of arms",
                                  "Share of the side's arms and training that comes from Russia.", "exogenous"),
    "china_debt_share": _Shared(float, 0, 1, "share of external debt",
                                "Debt to China's Exim Bank as a share of external debt.", "exogenous"),
    "rally_jump": _Shared(float, 0, 1, "legitimacy", "Rally gained when the government escalates to 3+."),
    "rally_anticipation": _Shared(float, 0, 100, "utility per legitimacy at unrest 1",
                                  "Value of the rally expected from escalating to a public standoff (3+), "
                                  "times unrest."),
    "death_cost": _Shared(float, 0, 0.1, "legitimacy/death",
                          "Legitimacy lost per own death, realised and (weighed by casualty_aversion) expected."),
    "casualty_aversion": _Shared(float, 0, 100, "utility per legitimacy",
                                 "Weight of the legitimacy the next rung's expected own deaths would cost."),
    "anticipated_deaths": _Shared(float, 0, 1_000, "deaths",
                                  "Own deaths a government expects from a major clash (rung 5) at equal capability."),
    "civil_society": _Shared(float, 0, 1, "index 0-1",
                             "Strength of civil society and media: shelter for the displaced, mobilisation."),
    "accept_intercept": _Shared(float, -20, 20, "logit",
                                "Log-odds of accepting a mediation offer from an unbiased mediator."),
    "bias_aversion": _Shared(float, 0, 20, "logit per unit bias",
                             "Fall in acceptance per unit of a mediator's bias against this side."),
    "accept_unrest": _Shared(float, 0, 20, "logit per unit unrest",
                             "Rise in acceptance of mediation per unit of unrest above 0.5 (political cover)."),
    "shock_scale": _Shared(float, 0, 5, "factor",
                           "Weight of this side's dated domestic shocks (domestic.shocks) in its unrest."),
}

_GOV_ORDER = tuple(GOVERNMENT_FIELDS)


def gov(name: str, default: Any, source: str) -> Any:
    """A government field: shared range, unit and description; per-side default and source."""
    s = GOVERNMENT_FIELDS[name]
    return param(default, ge=s.ge, le=s.le, unit=s.unit, description=s.description, source=source, role=s.role)


class TajikistanParams(_Group):
    """Tajikistan: long-ruling autocrat, dynastic succession, weak civil society, close to Moscow."""

    legitimacy: float = gov("legitimacy", 0.6, "article (rule since 1992, opposition removed); calibrated")
    legitimacy_recovery: float = gov("legitimacy_recovery", 0.01, "calibrated")
    unrest_shock: float = gov("unrest_shock", 0.10, "article (opposition removed; Gorno-Badakhshan the last place "
                              "of civic resistance); the dated crackdowns of Nov 2021 and May 2022 are shocks")
    escalation_intercept: float = gov("escalation_intercept", -6.0978,
                                      "ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
                                      "calibrated (episode frequencies in the record)")
    deescalation_intercept: float = gov("deescalation_intercept", 0.50,
                                        "calibrated (episode frequencies in the record)")
    diversion_weight: float = gov("diversion_weight", 2.0, "Tir 2010; Zhang 2024; article (expansionist "
                                  "rhetoric, diversion from Gorno-Badakhshan)")
    diversion_peak: float = gov("diversion_peak", 0.8, "Tir 2010 (diversion likeliest at high unrest short of "
                                "collapse); to be fitted to episode timing after dated shocks (issue 11)")
    audience_weight: float = gov("audience_weight", 0.6, "Weeks 2008 (elite audience only)")
    reaction_weight: float = gov("reaction_weight", 3.90, "Richardson 1960; calibrated (episode frequencies)")
    retaliation_weight: float = gov("retaliation_weight", 3.39, "Richardson 1960; calibrated (episode frequencies)")
    superiority_weight: float = gov("superiority_weight", 1.5, "Cederman 1997")
    capability: float = gov("capability", 1.2, "record/article (arms and training from Russia, China, "
                            "Iran; the Ababil-2 plant of May 2022 is in the calendar)")
    arms_inflow: float = gov("arms_inflow", 0.05, "article (continued acquisitions)")
    fortification: float = gov("fortification", 1.0, "article (Tajikistan fortified its border with military "
                               "and civilian personnel, especially around densely populated disputed areas); "
                               "estimate")
    patron_weight: float = gov("patron_weight", 1.5, "Benson 2012; Kuperman 2008")
    cost_weight: float = gov("cost_weight", 1.10, "calibrated (episode frequencies)")
    mediator_weight: float = gov("mediator_weight", 1.0, "Beardsley et al. 2006")
    remittance_share: float = gov("remittance_share", 0.51, "record (World Bank, 2022)")
    russian_arms_share: float = gov("russian_arms_share", 0.6, "article (arms and training from Russia, China "
                                    "and Iran; Russia the first); estimate")
    china_debt_share: float = gov("china_debt_share", 0.5, "record (up to ~60 % of external debt)")
    rally_jump: float = gov("rally_jump", 0.06, "Lian & Oneal 1993")
    rally_anticipation: float = gov("rally_anticipation", 10.0, "Lian & Oneal 1993; Baker & Oneal 2001; article "
                                    "(nationalist sentiment consolidates the regime)")
    death_cost: float = gov("death_cost", 0.0005, "article (weak civil society, controlled media)")
    casualty_aversion: float = gov("casualty_aversion", 10.0, "Gartner & Segura 1998; Weeks 2008 (an elite "
                                   "audience); the side's exposure is in its death_cost")
    anticipated_deaths: float = gov("anticipated_deaths", 40.0, "record (deaths per side per major episode: "
                                    "TJ 19 and 41, KG 36 and 59-63)")
    civil_society: float = gov("civil_society", 0.1, "article (weak civil society; opposition removed)")
    accept_intercept: float = gov("accept_intercept", 0.0, "Kydd 2003")
    bias_aversion: float = gov("bias_aversion", 3.0, "Kydd 2003")
    accept_unrest: float = gov("accept_unrest", 2.0, "Beardsley 2011 (mediation as political cover for "
                               "concessions a weak government cannot make alone)")
    shock_scale: float = gov("shock_scale", 1.0, "record (dated events: data/domestic_events.toml); calibrated "
                             "later (issue 11)")
    succession_effect: float = param(
        0.5, ge=-5, le=5, unit="utility",
        description="Effect of unfinished dynastic succession on risk-taking (sign contested).",
        source="article (escalation consolidates control ahead of the succession); brief (sign contested)")
    succession_initial: float = param(
        0.5, ge=0, le=1, unit="index 0-1", description="Consolidation of the succession at day 0.",
        source="record (Rustam Emomali prepared as successor)", role="initial")
    succession_rate: float = param(
        0.02, ge=0, le=1, unit="/day per unit rally",
        description="Consolidation gained per day per unit of rally.",
        source="article (nationalist sentiment consolidates the security apparatus)")


class KyrgyzstanParams(_Group):
    """Kyrgyzstan: new populist government, strong civil society and media, weaker ties to Moscow."""

    legitimacy: float = gov("legitimacy", 0.6, "record (Japarov elected Jan 2021 with 79 %); calibrated")
    legitimacy_recovery: float = gov("legitimacy_recovery", 0.01, "calibrated")
    unrest_shock: float = gov("unrest_shock", 0.05, "article (corruption, repression of opponents)")
    escalation_intercept: float = gov("escalation_intercept", -5.37042,
                                      "ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
                                      "calibrated (episode frequencies in the record)")
    deescalation_intercept: float = gov("deescalation_intercept", 0.50,
                                        "calibrated (episode frequencies in the record)")
    diversion_weight: float = gov("diversion_weight", 1.5, "Tir 2010; Zhang 2024; article (promise to "
                                  "settle the border)")
    diversion_peak: float = gov("diversion_peak", 0.8, "Tir 2010 (diversion likeliest at high unrest short of "
                                "collapse); to be fitted to episode timing after dated shocks (issue 11)")
    audience_weight: float = gov("audience_weight", 1.5, "Fearon 1994 (public audience, free media)")
    reaction_weight: float = gov("reaction_weight", 3.90, "Richardson 1960; calibrated (episode frequencies)")
    retaliation_weight: float = gov("retaliation_weight", 3.39, "Richardson 1960; calibrated (episode frequencies)")
    superiority_weight: float = gov("superiority_weight", 1.5, "Cederman 1997")
    capability: float = gov("capability", 0.7, "article (otherwise dilapidated armed forces); record (before the "
                            "Bayraktar TB2s of Dec 2021, which the calendar adds: 0.8 after)")
    arms_inflow: float = gov("arms_inflow", 0.1, "record/article (Bayraktar TB2 from Dec 2021, Russian APCs)")
    fortification: float = gov("fortification", 0.4, "article (Kyrgyzstan fortified its border less than "
                               "Tajikistan); estimate")
    patron_weight: float = gov("patron_weight", 1.5, "Benson 2012; Kuperman 2008")
    cost_weight: float = gov("cost_weight", 1.43,
                             "article (casualties exposed to a free press: 1.3 x Tajik); calibrated")
    mediator_weight: float = gov("mediator_weight", 1.0, "Beardsley et al. 2006")
    remittance_share: float = gov("remittance_share", 0.31, "record (World Bank, 2022)")
    russian_arms_share: float = gov("russian_arms_share", 0.4, "article (Russian APCs, Turkish Bayraktar "
                                    "drones); estimate")
    china_debt_share: float = gov("china_debt_share", 0.35, "record (30-40 % of external debt)")
    rally_jump: float = gov("rally_jump", 0.06, "Lian & Oneal 1993")
    rally_anticipation: float = gov("rally_anticipation", 10.0, "Lian & Oneal 1993; Baker & Oneal 2001; article "
                                    "(border security high on the populist agenda)")
    death_cost: float = gov("death_cost", 0.002, "article (government exposed as unable to defend)")
    casualty_aversion: float = gov("casualty_aversion", 10.0, "Gartner & Segura 1998; the side's exposure (free "
                                   "press, civil society) is in its death_cost")
    anticipated_deaths: float = gov("anticipated_deaths", 40.0, "record (deaths per side per major episode: "
                                    "TJ 19 and 41, KG 36 and 59-63)")
    civil_society: float = gov("civil_society", 0.8, "article (grassroots shelter campaigns, independent media)")
    accept_intercept: float = gov("accept_intercept", 0.5, "Kydd 2003; article (open to Western partners)")
    bias_aversion: float = gov("bias_aversion", 3.0, "Kydd 2003")
    accept_unrest: float = gov("accept_unrest", 2.0, "Beardsley 2011 (mediation as political cover for "
                               "concessions a weak government cannot make alone)")
    shock_scale: float = gov("shock_scale", 1.0, "record (dated events: data/domestic_events.toml); calibrated "
                             "later (issue 11)")
    protest_per_death: float = param(
        0.005, ge=0, le=1, unit="per death", description="Protest pressure per Kyrgyz death.",
        source="article (government seen to fail in defence); calibrated (no protest wave after Sept 2022)")
    protest_displaced: float = param(
        0.5, ge=0, le=20, unit="per displaced share",
        description="Protest pressure per unit share of the Kyrgyz border population displaced.",
        source="article (mobilisation for the displaced can turn to protest); calibrated (as above)")
    protest_concession: float = param(
        0.15, ge=0, le=1, unit="per segment",
        description="Protest pressure per segment conceded in demarcation (land swaps).",
        source="record (Kempir-Abad deal protests, 2022: 26 arrests)")
    protest_decay: float = param(
        0.03, ge=0, le=1, unit="/day", description="Daily decay of protest pressure.", source="calibrated")
    protest_threshold: float = param(
        0.6, ge=0, le=1, unit="index 0-1",
        description="Protest pressure above which a protest wave is under way.", source="calibrated")
    protest_legitimacy_cost: float = param(
        0.005, ge=0, le=0.1, unit="legitimacy/day",
        description="Legitimacy lost per day of a protest wave.", source="record (2020 uprising)")
    protest_casualty: float = param(
        10.0, ge=0, le=50, unit="factor per unit pressure",
        description="Rise of the weight of expected own deaths per unit protest pressure (protest over losses).",
        source="article (government seen to allow high casualties; civil society mobilises with every crisis)")
    protest_bias_aversion: float = param(
        3.0, ge=0, le=20, unit="logit per unit pressure and bias",
        description="Fall in Kyrgyz acceptance of a mediator biased against Kyrgyzstan, per unit protest pressure.",
        source="article (neutral on Ukraine, protesters call for leaving the CSTO); record (CSTO exercise "
               "cancelled Oct 2022)")
    protest_unrest: float = param(
        0.382913, ge=0, le=1, unit="unrest per unit pressure",
        description="Unrest that protest pressure adds to the Kyrgyz government's: a government facing protest "
                    "is in trouble at home (it diverts and holds out like any other).",
        source="ABC posterior median (experiments/calibration.toml; data/posterior.parquet); "
               "article (with every security or social crisis civil society mobilises and can fuel protest "
               "against the unpopular government; the clashes may destabilise Kyrgyz politics); record (2020 "
               "uprising; Kempir-Abad protests, Oct 2022)")
    protest_hawkishness: float = param(
        0.5, ge=0, le=20, unit="utility",
        description="Pull to escalate per unit protest pressure (to be seen defending); less than the restraint.",
        source="article (protests punish governments that fail to defend or concede land); set below the "
               "casualty restraint of protest (protest_casualty) so that protest restrains on balance")


class Shock(BaseModel):
    """One dated domestic shock: on ``date`` the ``side``'s unrest (or legitimacy) jumps by ``size`` on the
    0-1 index, then halves every ``half_life_days``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    side: Literal["tajikistan", "kyrgyzstan"]
    kind: Literal["unrest", "legitimacy"]
    size: float = Field(ge=0, le=1)
    half_life_days: float = Field(ge=1, le=3_650)
    event: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=300)


MAX_SHOCKS = 24   # a handful per side; they are batched as (B, K) arrays


@functools.cache
def record_shocks() -> tuple[Shock, ...]:
    """The record's calendar of domestic shocks (``data/domestic_events.toml``): the default of
    ``domestic.shocks``."""
    text = resources.files("borderSim.data").joinpath("domestic_events.toml").read_text(encoding="utf-8")
    return tuple(Shock(**row) for row in tomllib.loads(text)["shocks"])


class DomesticParams(_Group):
    """Dated domestic events that move a government's unrest or legitimacy (the record's calendar)."""

    shocks: tuple[Shock, ...] = param(
        record_shocks(), unit="list of shocks",
        description="Dated shocks to unrest (kind unrest) or legitimacy (kind legitimacy), each {date, side, kind, "
                    "size 0-1, half_life_days, event, source}; a shock before day 0 still weighs by its decay.",
        source="record (data/domestic_events.toml: KG upheaval Oct 2020, votes Jan and Apr 2021, Vorukh-swap "
               "row Mar 2021, disputed election Nov 2021, Kempir-Abad arrests Oct 2022; TJ Khorog Nov 2021, "
               "Gorno-Badakhshan crackdown May 2022); article", role="exogenous")

    @field_validator("shocks", mode="before")
    @classmethod
    def _as_tuple(cls, v: Any) -> Any:
        return tuple(v) if isinstance(v, list) else v

    @field_validator("shocks")
    @classmethod
    def _few(cls, v: tuple[Shock, ...]) -> tuple[Shock, ...]:
        if len(v) > MAX_SHOCKS:
            raise ValueError(f"at most {MAX_SHOCKS} shocks")
        return v


class Change(BaseModel):
    """One dated change in the world outside the model: from ``date`` (until the day before ``until``, if
    given) ``parameter`` takes ``value`` instead of the scenario's own value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    parameter: str = Field(min_length=3, max_length=80)
    value: float
    until: dt.date | None = None
    event: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=300)

    @model_validator(mode="after")
    def _ordered(self) -> Change:
        if self.until is not None and self.until <= self.date:
            raise ValueError(f"until {self.until} is not after date {self.date}")
        return self


def check_change(c: Change) -> None:
    """``ValueError`` unless ``c`` changes a numeric parameter that may change on a date (not a run control
    or a day-0 value) to a value inside its range (checked when parameters are validated: the schema's
    table is built after the groups)."""
    try:
        s = spec(c.parameter)
    except KeyError:
        hint = suggest(c.parameter)
        raise ValueError(f"{c.parameter!r} is no parameter" + did_you_mean(hint)) from None
    if s.role in ("control", "initial") or s.is_list or s.type not in (float, int) or not s.batch:
        raise ValueError(f"{c.parameter} cannot change on a date (only numeric parameters that are not run "
                         "controls or day-0 values)")
    if (s.ge is not None and c.value < s.ge) or (s.le is not None and c.value > s.le):
        raise ValueError(f"value {c.value:g} of {c.parameter} is outside {s.allowed()}")
    if s.type is int and c.value != int(c.value):
        raise ValueError(f"{c.parameter} takes whole numbers")


MAX_CHANGES = 24   # a handful of dated changes; batched per parameter


@functools.cache
def record_changes() -> tuple[Change, ...]:
    """The record's calendar of dated changes outside the model (``data/record_calendar.toml``): the
    default of ``calendar.changes``."""
    text = resources.files("borderSim.data").joinpath("record_calendar.toml").read_text(encoding="utf-8")
    return tuple(Change(**row) for row in tomllib.loads(text)["changes"])


class CalendarParams(_Group):
    """The record's dated changes outside the model (beside the domestic shocks): Russia's attention, arms
    deliveries, summits."""

    changes: tuple[Change, ...] = param(
        record_changes(), unit="list of changes",
        description="Dated changes, each {date, parameter, value, until (optional), event, source}: from its date a "
                    "parameter takes the value (until the day before `until`); a change before day 0 is already in "
                    "effect at day 0.",
        source="record (data/record_calendar.toml: Russia's attention after 24 Feb 2022, the SCO summit of "
               "15-16 Sep 2022; Bayraktar TB2s in Kyrgyz service Dec 2021, the Ababil-2 plant May 2022); article",
        role="exogenous")

    @field_validator("changes", mode="before")
    @classmethod
    def _as_tuple(cls, v: Any) -> Any:
        return tuple(v) if isinstance(v, list) else v

    @field_validator("changes")
    @classmethod
    def _few(cls, v: tuple[Change, ...]) -> tuple[Change, ...]:
        if len(v) > MAX_CHANGES:
            raise ValueError(f"at most {MAX_CHANGES} dated changes")
        return v


class RussiaParams(_Group):
    """Russia / CSTO: biased patron, no military intervention between members."""

    attention: float = param(
        0.6, ge=0, le=1, unit="index 0-1",
        description="Attention Moscow spares for the region before any dated change (calendar.changes: the war "
                    "in Ukraine lowers it from 24 Feb 2022).",
        source="article (war in Ukraine; Putin at the SCO summit in Samarkand, 15-16 Sep 2022)", role="exogenous")
    bias: float = param(
        0.6, ge=-1, le=1, unit="index -1..1",
        description="Russian bias toward Tajikistan (+1) or Kyrgyzstan (-1).",
        source="article (Rahmon loyal to Putin; Kyrgyz neutrality on Ukraine)", role="lever")
    patronage: float = param(
        0.5, ge=0, le=1, unit="index 0-1",
        description="Diplomatic shielding the favoured client expects from Moscow.",
        source="article ('enjoys close relations with the Kremlin'); Benson 2012", role="lever")
    mediation_propensity: float = param(
        0.01, ge=0, le=1, unit="probability/day",
        description="Daily chance, at full attention, that Russia offers mediation in an episode at a standoff "
                    "with no Western mediator about (its objectives multiply it).",
        source="record (CSTO made calls only in 2022); RFE/RL (Putin's trilateral in Astana, 13 Oct 2022, "
               "after the war)", role="lever")
    flank_aversion: float = param(
        1.0, ge=0, le=10, unit="factor per rung",
        description="Rise of Russia's offers per rung of fighting above a standoff (instability on its flank).",
        source="article (no wish to see the region become a source of instability on its southern border); "
               "record (Putin's calls on day 4-5 of the 2022 war)")
    keep_out: float = param(
        2.0, ge=0, le=10, unit="factor",
        description="Rise of Russia's offers while a Western mediator mediates or is offering (keeping others out).",
        source="article (Russia not interested in a Central Asia united without its patronage; Russia will "
               "oppose an expanded Western presence)")
    keep_out_pressure: float = param(
        2.0, ge=0, le=20, unit="logit at full attention and bias",
        description="Fall in its client's acceptance of a Western offer made without Russia (declines to back it).",
        source="article (as keep_out); RFE/RL (the Astana trilateral of 13 Oct 2022: the file kept in a "
               "Russia-led format)")
    restraint: float = param(
        1.0, ge=0, le=10, unit="utility",
        description="Pressure Russia puts on its own client when it mediates.", source="Kydd 2003", role="lever")
    client_alternatives: float = param(
        0.4, ge=0, le=1, unit="share",
        description="Share of Russia's restraint lost because its client has other partners.",
        source="Crawford 2003; record (Chinese base, Iranian drone plant in Tajikistan)")
    remittance_leverage: float = param(
        2.0, ge=0, le=10, unit="utility per GDP share",
        description="Restraint Russia's remittance leverage puts on escalating into fighting (full at war), at "
                    "full attention, whether or not it mediates.",
        source="record (remittances 31-51 % of GDP, mostly from Russia; 627,000 Tajik and 411,000 Kyrgyz "
               "migrants in Russia); article (strong economic influence)")
    arms_leverage: float = param(
        1.0, ge=0, le=10, unit="utility per arms share",
        description="Restraint Russia's arms supplies put on escalating into fighting (full at war), at full "
                    "attention.",
        source="article (Russian arms and training for Tajikistan, Russian APCs for Kyrgyzstan)")
    ceasefire_effect: float = param(
        1.5, ge=0, le=20, unit="factor at full attention",
        description="Rise of the daily ceasefire chance while Russia mediates (before client alternatives).",
        source="Kydd 2003 (a biased mediator is effective when it can deliver its client)")
    guarantor_strength: float = param(
        0.2, ge=0, le=1, unit="index 0-1",
        description="Ceasefire strength Russia adds as a guarantor, at full attention.", source="Walter 2002",
        role="lever")


class ChinaParams(_Group):
    """China / SCO: no mediation; quiet economic pressure when fighting threatens its assets, its effect on the
    parties' choices bounded as the article argues (the variant scenario china_restrains lifts the bound)."""

    pressure_propensity: float = param(
        0.0, ge=0, le=1, unit="probability/day",
        description="Daily chance of quiet economic pressure once fighting threatens Chinese assets.",
        source="article (SCO does not mediate; China wants stable regimes and safe Belt-and-Road assets); record "
               "(statements only in Sep 2022: MFA and SCO Secretary-General on 21 Sep)", role="lever")
    pressure_threshold: int = param(
        5, ge=1, le=6, unit="rung",
        description="Rung at which fighting threatens Chinese assets (a major clash).",
        source="article (China acts for its assets and strong regimes, not for the border); record (China "
               "spoke a week into the Sep 2022 war)", role="lever")
    pressure_strength: float = param(
        0.5, ge=0, le=20, unit="utility per debt share",
        description="Escalation cost, and rise of the ceasefire chance, per unit debt share under pressure; the "
                    "prior is bounded (at most 1): China neither can nor will restrain the parties.",
        source="article (neither Russia nor China can deliver security guarantees; the SCO leaves territorial "
               "disputes to other venues); record (Exim Bank debt: KG 30-40 %, TJ up to ~60 % of external "
               "debt; no pressure seen in 2021-22)", role="lever")
    pressure_duration: int = param(
        30, ge=1, le=365, unit="day", description="Days a bout of economic pressure lasts.",
        source="calibrated", role="lever")


class MediationParams(_Group):
    """How Western-style mediation works, whoever mediates (OSCE, EU, US): the literature's constants."""

    ceasefire_effect: float = param(
        4.0, ge=0, le=20, unit="factor at full resources",
        description="Rise of the daily ceasefire chance under facilitative mediation (before the regime factor).",
        source="Beardsley et al. 2006 (mediation makes agreement substantially more likely)")
    manipulative_boost: float = param(
        2.0, ge=1, le=10, unit="factor",
        description="Further multiple of the ceasefire effect and pressure when manipulative.",
        source="Beardsley et al. 2006 (manipulation most effective at abating crises)")
    pressure: float = param(
        1.0, ge=0, le=20, unit="utility at full resources",
        description="Pressure against escalation on both sides while mediating (facilitative).",
        source="Beardsley et al. 2006")
    manipulative_fragility: float = param(
        1.5, ge=0, le=3, unit="factor",
        description="Extra ceasefire breakdown hazard of a deal made under manipulation; the range spans the "
                    "literature, the default is its middle.",
        source="Beardsley 2008 (pressured deals less durable: upper end) vs Beardsley et al. 2006 (manipulation "
               "abates crises: lower end); the net sign of manipulative mediation turns within this range")
    assistance_moral_hazard: float = param(
        0.5, ge=0, le=5, unit="backing per capability",
        description="Expected backing a recipient reads into security assistance (double-edged lever).",
        source="Kuperman 2008; brief")


@dataclass(frozen=True)
class _WestShared:
    type: Any
    ge: float | None
    le: float | None
    unit: str
    description: str


#: The fields every Western mediator (OSCE, EU, US) has: shared range, unit and description.
WESTERN_FIELDS: dict[str, _WestShared] = {
    "willingness": _WestShared(float, 0, 1, "probability/day",
                               "Daily chance of offering mediation during an episode, once the delay has passed."),
    "delay_days": _WestShared(int, 0, 3_650, "day", "Days after an episode begins before it will offer mediation."),
    "style": _WestShared(Literal["facilitative", "manipulative"], None, None, "category",
                         "Facilitative (communication, monitors) or manipulative (carrots and sticks)."),
    "preventive": _WestShared(bool, None, None, "flag",
                              "Standing facilitation of demarcation talks while the border is calm."),
    "resources": _WestShared(float, 0, 1, "index 0-1",
                             "Resources behind its mediation (money, staff, monitors, leverage)."),
    "security_assistance": _WestShared(float, 0, 2, "capability/year",
                                       "Training and equipment it adds to each side's capability per year."),
    "perceived_bias": _WestShared(float, -1, 1, "index -1..1",
                                  "Its bias as the parties see it (its standing): toward Tajikistan (+1) or "
                                  "Kyrgyzstan (-1)."),
    "joint_with_russia": _WestShared(bool, None, None, "flag",
                                     "Mediate jointly with Russia (multiparty): offers carry the two biases "
                                     "averaged."),
    "monitoring": _WestShared(float, 0, 1, "index 0-1",
                              "Ceasefire strength its monitors add at full resources (facilitative style)."),
    "negotiation_support": _WestShared(float, 0, 20, "factor",
                                       "Rise of demarcation-round success at full resources when it facilitates "
                                       "talks (preventive)."),
}


def west(name: str, default: Any, source: str) -> Any:
    """A Western mediator's field: shared range, unit and description; its own default and source."""
    s = WESTERN_FIELDS[name]
    return param(default, ge=s.ge, le=s.le, unit=s.unit, description=s.description, source=source, role="lever")


_NO_OFFER = "record (no Western mediation offer taken up in 2021-22; statements only)"


class OsceParams(_Group):
    """OSCE: programme offices in Bishkek and Dushanbe, facilitative, little leverage, more welcome in Bishkek."""

    willingness: float = west("willingness", 0.0, _NO_OFFER)
    delay_days: int = west("delay_days", 3, "record (the OSCE's expertise was invoked after the 16 Sep 2022 "
                           "ceasefire: EU statement at the OSCE Permanent Council)")
    style: Literal["facilitative", "manipulative"] = west("style", "facilitative",
                                                          "OSCE Bishkek 2024 (programme work in co-operation with the "
                                                          "host governments); Beardsley et al. 2006")
    preventive: bool = west("preventive", False, "record (no standing OSCE role in the demarcation talks)")
    resources: float = west("resources", 0.3, "OSCE Bishkek 2024 (EUR 6.8 m budget, 124 staff; border security "
                            "one mandate among several); estimate")
    security_assistance: float = west("security_assistance", 0.0, "OSCE Bishkek 2024 (the Border Management Staff "
                                      "College trains, it does not equip)")
    perceived_bias: float = west("perceived_bias", -0.2, "US Mission to the OSCE 2017 (both hosts narrowed the "
                                 "mandates; more welcome in Bishkek than Dushanbe); estimate")
    joint_with_russia: bool = west("joint_with_russia", False, "brief (multiparty mediation as a scenario)")
    monitoring: float = west("monitoring", 0.5, "Fortna 2003 (monitors); OSCE Bishkek 2024")
    negotiation_support: float = west("negotiation_support", 1.5, "record (EU urged use of OSCE expertise on "
                                      "delimitation, Sep 2022); Bercovitch et al. 1991")


class EuParams(_Group):
    """EU: border-management money (BOMCA), statements within days, facilitative and technical."""

    willingness: float = west("willingness", 0.0, _NO_OFFER)
    delay_days: int = west("delay_days", 1, "record (EU statements within 1-2 days of the 2021 and 2022 "
                           "ceasefires; EEAS 16 Sep 2022)")
    style: Literal["facilitative", "manipulative"] = west("style", "facilitative",
                                                          "record (statements, offer of assistance, EUSR contacts; "
                                                          "no leverage used); Beardsley et al. 2006")
    preventive: bool = west("preventive", False, "record (BOMCA 10 has a cross-border component, not a role in "
                            "the talks)")
    resources: float = west("resources", 0.4, "BOMCA 2021 (EUR 21.65 m over 54 months, five countries); EU "
                            "Special Representative; estimate")
    security_assistance: float = west("security_assistance", 0.0, "BOMCA 2021 (border management, not arms)")
    perceived_bias: float = west("perceived_bias", -0.1, "record (Kyrgyzstan the more active interlocutor: "
                                 "Borrell Sep 2021, Sep 2022); estimate")
    joint_with_russia: bool = west("joint_with_russia", False, "brief (multiparty mediation as a scenario)")
    monitoring: float = west("monitoring", 0.3, "Fortna 2003 (monitors); BOMCA 2021")
    negotiation_support: float = west("negotiation_support", 1.0, "BOMCA 2021 (a component on cross-border "
                                      "cooperation); Bercovitch et al. 1991")


class UsParams(_Group):
    """US: the one outsider with a large security lever, tied to the Tajik border guards (double-edged)."""

    willingness: float = west("willingness", 0.0, _NO_OFFER)
    delay_days: int = west("delay_days", 7, "record (statements and foreign-minister meetings days to weeks "
                           "after: 17 and 22 Sep 2022)")
    style: Literal["facilitative", "manipulative"] = west("style", "manipulative",
                                                          "record (security aid as leverage); brief (US/EU "
                                                          "manipulative mediation); Beardsley et al. 2006")
    preventive: bool = west("preventive", False, "record (no US role in the demarcation talks)")
    resources: float = west("resources", 0.8, "US Embassy Dushanbe 2021 (> $330 m since 1992, $11.4 m a "
                            "year, > $60 m committed for two years); estimate")
    security_assistance: float = west("security_assistance", 0.0, "record (aid to the Tajik border guards "
                                      "counted in the capability at day 0; more is a scenario lever)")
    perceived_bias: float = west("perceived_bias", 0.1, "record (security ties with Dushanbe; Blinken's call "
                                 "backing Tajik territorial integrity, Jun 2021); article (democracy programmes "
                                 "in Kyrgyzstan); estimate")
    joint_with_russia: bool = west("joint_with_russia", False, "brief (multiparty mediation as a scenario)")
    monitoring: float = west("monitoring", 0.1, "Fortna 2003; record (no US monitoring presence)")
    negotiation_support: float = west("negotiation_support", 0.5, "Bercovitch et al. 1991; estimate")


def group(params: type[_Group], title: str) -> Any:
    """A group of :class:`Parameters` (its default: the group's defaults) and its title in the parameter tables."""
    return Field(params(), title=title)


class Parameters(_Group):
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
            check_change(c)
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

        Raises :class:`~borderSim.errors.InputError` (a ``ValueError``) naming ``where``, the parameter,
        the value and what is allowed, for an unknown name, a wrong type or a value out of range.
        """
        return type(self).table().update(self, updates, where)

    @classmethod
    def table(cls) -> ParamTable:
        """The metadata of this schema's parameters and its one validation path (a subclass's has its groups)."""
        return _table(cls)


# --------------------------------------------------------------------------------------------------
def _segment_choices() -> tuple[str, ...]:
    from borderSim.geography import segment_ids

    return ("none", *segment_ids())


@functools.cache
def _table(schema: type[Parameters]) -> ParamTable:
    return ParamTable(schema, schema.model_fields, choices={"border.trigger_segment": _segment_choices})


def titles(schema: type[Parameters] = Parameters) -> dict[str, str]:
    """Each group of ``schema`` and its title in the parameter tables, in schema order."""
    return {g: f.title for g, f in schema.model_fields.items()}


#: The groups, in schema order (the fields of :class:`Parameters`).
GROUPS = tuple(Parameters.model_fields)
#: The parameters' metadata and the one validation path (:mod:`borderSim.paramspec`).
TABLE = Parameters.table()
specs, spec, suggest = TABLE.specs, TABLE.spec, TABLE.suggest
