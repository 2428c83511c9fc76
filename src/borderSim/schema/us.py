"""The United States (mediator)."""

from __future__ import annotations

from typing import Literal

from borderSim.schema.western import NO_WESTERN_OFFER, WesternGroup, west


class UsParams(WesternGroup):
    """US: the one outsider with a large security lever, tied to the Tajik border guards (double-edged)."""

    key = "us"
    title = "United States (mediator)"
    place = 30

    willingness: float = west("willingness", 0.0, NO_WESTERN_OFFER)
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
