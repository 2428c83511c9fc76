"""The OSCE (mediator)."""

from __future__ import annotations

from typing import Literal

from borderSim.schema.western import NO_WESTERN_OFFER, WesternGroup, west


class OsceParams(WesternGroup):
    """OSCE: programme offices in Bishkek and Dushanbe, facilitative, little leverage, more welcome in Bishkek."""

    key = "osce"
    title = "OSCE (mediator)"
    place = 10

    willingness: float = west("willingness", 0.0, NO_WESTERN_OFFER)
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
