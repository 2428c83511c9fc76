"""Border villages: grievance, incidents, shelling, flight and return."""

from __future__ import annotations

from borderSim.schema.fields import Group, param


class CommunityParams(Group):
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
