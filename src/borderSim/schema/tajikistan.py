"""Tajikistan: long-ruling autocrat, dynastic succession, weak civil society, close to Moscow."""

from __future__ import annotations

from borderSim.schema.fields import Group, param
from borderSim.schema.government import gov


class TajikistanParams(Group):
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
                                "collapse); to be fitted to episode timing after dated shocks")
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
    shock_scale: float = gov("shock_scale", 1.0, "record (dated events: data/domestic_events.toml); not "
                             "calibrated yet")
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
