"""The dyad: border status, escalation ladder, fighting, ceasefires and negotiation."""

from __future__ import annotations

from pydantic import field_validator

from borderSim.schema.fields import Group, param


def segment_choices() -> tuple[str, ...]:
    """The values ``border.trigger_segment`` takes: ``"none"`` and the geography's segment ids."""
    from borderSim.inputs.geography import segment_ids

    return ("none", *segment_ids())


class BorderParams(Group):
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
        if v not in segment_choices():
            raise ValueError(f"must be one of {', '.join(segment_choices())}")
        return v
