"""Kyrgyzstan: new populist government, strong civil society and media, weaker ties to Moscow; protest."""

from __future__ import annotations

from borderSim.schema.fields import Group, param
from borderSim.schema.government import gov


class KyrgyzstanParams(Group):
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
                                "collapse); to be fitted to episode timing after dated shocks")
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
    shock_scale: float = gov("shock_scale", 1.0, "record (dated events: data/domestic_events.toml); not "
                             "calibrated yet")
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
