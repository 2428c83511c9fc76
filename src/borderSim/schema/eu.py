"""The European Union (mediator)."""

from __future__ import annotations

from typing import Literal

from borderSim.schema.western import NO_WESTERN_OFFER, WesternGroup, west


class EuParams(WesternGroup):
    """EU: border-management money (BOMCA), statements within days, facilitative and technical."""

    key = "eu"
    title = "European Union (mediator)"
    place = 20

    willingness: float = west("willingness", 0.0, NO_WESTERN_OFFER)
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
