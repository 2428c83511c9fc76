"""China / SCO: no mediation; quiet economic pressure when fighting threatens its assets."""

from __future__ import annotations

from borderSim.schema.fields import Group, param


class ChinaParams(Group):
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
