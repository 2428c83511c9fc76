"""What both governments share: the utility terms of the brief, one set of field names with one range,
unit and description each (:data:`GOVERNMENT_FIELDS`); each government gives its own defaults and sources
(:mod:`.tajikistan`, :mod:`.kyrgyzstan`) through :func:`gov`."""

from __future__ import annotations

from borderSim.schema.fields import Shared, shared

#: The fields both governments have: shared type, range, unit, description and role.
GOVERNMENT_FIELDS: dict[str, Shared] = {
    "legitimacy": Shared(float, 0, 1, "index 0-1",
                         "Domestic legitimacy at day 0 and the level it relaxes back to."),
    "legitimacy_recovery": Shared(float, 0, 1, "/day", "Daily relaxation of legitimacy to its anchor."),
    "unrest_shock": Shared(float, 0, 1, "index 0-1", "Standing domestic unrest from other crises.", "exogenous"),
    "escalation_intercept": Shared(float, -20, 5, "utility",
                                   "Utility of escalating before any incentive (restraint norm)."),
    "deescalation_intercept": Shared(float, -20, 5, "utility",
                                     "Utility of stepping down before any incentive."),
    "diversion_weight": Shared(float, 0, 20, "utility",
                               "Peak diversionary gain, reached at unrest diversion_peak (hump-shaped)."),
    "diversion_peak": Shared(float, 0.05, 1, "unrest index 0-1",
                             "Unrest at which diversionary gain peaks; below it more unrest means more diversion."),
    "audience_weight": Shared(float, 0, 20, "utility per unit stock",
                              "Cost of backing down per unit of the audience-cost stock."),
    "reaction_weight": Shared(float, 0, 50, "utility at rung 6",
                              "Pull to escalate rising with the rung the opponent holds (at rung 6)."),
    "retaliation_weight": Shared(float, 0, 20, "utility",
                                 "Pull to answer the opponent's escalation or gunfire, up to a standoff (rung 3)."),
    "superiority_weight": Shared(float, 0, 20, "utility",
                                 "Pull of local military superiority above the threshold."),
    "capability": Shared(float, 0.01, 10, "index", "Military capability at day 0 (relative index).", "initial"),
    "fortification": Shared(float, 0, 5, "factor",
                            "Extra force a side deploys where its own people live on the border (share of the "
                            "segment's residents on its side): local capability = capability x (1 + this x share)."),
    "arms_inflow": Shared(float, 0, 5, "index/year", "Growth of military capability from arms purchases.", "lever"),
    "patron_weight": Shared(float, 0, 20, "utility", "Pull of expected patron backing (moral hazard)."),
    "cost_weight": Shared(float, 0, 20, "utility",
                          "Expected cost of the next rung, scaled so rung 6 costs 4x this."),
    "mediator_weight": Shared(float, 0, 20, "utility per unit pressure",
                              "Response to mediator pressure and economic leverage."),
    "remittance_share": Shared(float, 0, 1, "share of GDP",
                               "Remittances (mostly from Russia) as a share of GDP.", "exogenous"),
    "russian_arms_share": Shared(float, 0, 1, "share of arms",
                                 "Share of the side's arms and training that comes from Russia.", "exogenous"),
    "china_debt_share": Shared(float, 0, 1, "share of external debt",
                               "Debt to China's Exim Bank as a share of external debt.", "exogenous"),
    "rally_jump": Shared(float, 0, 1, "legitimacy", "Rally gained when the government escalates to 3+."),
    "rally_anticipation": Shared(float, 0, 100, "utility per legitimacy at unrest 1",
                                 "Value of the rally expected from escalating to a public standoff (3+), "
                                 "times unrest."),
    "death_cost": Shared(float, 0, 0.1, "legitimacy/death",
                         "Legitimacy lost per own death, realised and (weighed by casualty_aversion) expected."),
    "casualty_aversion": Shared(float, 0, 100, "utility per legitimacy",
                                "Weight of the legitimacy the next rung's expected own deaths would cost."),
    "anticipated_deaths": Shared(float, 0, 1_000, "deaths",
                                 "Own deaths a government expects from a major clash (rung 5) at equal capability."),
    "civil_society": Shared(float, 0, 1, "index 0-1",
                            "Strength of civil society and media: shelter for the displaced, mobilisation."),
    "accept_intercept": Shared(float, -20, 20, "logit",
                               "Log-odds of accepting a mediation offer from an unbiased mediator."),
    "bias_aversion": Shared(float, 0, 20, "logit per unit bias",
                            "Fall in acceptance per unit of a mediator's bias against this side."),
    "accept_unrest": Shared(float, 0, 20, "logit per unit unrest",
                            "Rise in acceptance of mediation per unit of unrest above 0.5 (political cover)."),
    "shock_scale": Shared(float, 0, 5, "factor",
                          "Weight of this side's dated domestic shocks (domestic.shocks) in its unrest."),
}

#: A government's field: shared range, unit and description; per-side default and source.
gov = shared(GOVERNMENT_FIELDS)
