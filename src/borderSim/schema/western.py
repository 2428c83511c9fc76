"""What the Western mediators share: how Western-style mediation works, whoever mediates (the literature's
constants, :class:`MediationParams`), the fields every Western mediator has (:data:`WESTERN_FIELDS`), each
with its own defaults and sources (:mod:`.osce`, :mod:`.eu`, :mod:`.us`) through :func:`west`, and the base of
their groups (:class:`WesternGroup`), each declared in its own module."""

from __future__ import annotations

from typing import Literal

from borderSim.schema.fields import DeclaredGroup, Group, Shared, param, shared


class MediationParams(Group):
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


#: The fields every Western mediator (OSCE, EU, US) has: shared range, unit and description; each a lever.
WESTERN_FIELDS: dict[str, Shared] = {
    "willingness": Shared(float, 0, 1, "probability/day",
                          "Daily chance of offering mediation during an episode, once the delay has passed.", "lever"),
    "delay_days": Shared(int, 0, 3_650, "day", "Days after an episode begins before it will offer mediation.", "lever"),
    "style": Shared(Literal["facilitative", "manipulative"], None, None, "category",
                    "Facilitative (communication, monitors) or manipulative (carrots and sticks).", "lever"),
    "preventive": Shared(bool, None, None, "flag",
                         "Standing facilitation of demarcation talks while the border is calm.", "lever"),
    "resources": Shared(float, 0, 1, "index 0-1",
                        "Resources behind its mediation (money, staff, monitors, leverage).", "lever"),
    "security_assistance": Shared(float, 0, 2, "capability/year",
                                  "Training and equipment it adds to each side's capability per year.", "lever"),
    "perceived_bias": Shared(float, -1, 1, "index -1..1",
                             "Its bias as the parties see it (its standing): toward Tajikistan (+1) or "
                             "Kyrgyzstan (-1).", "lever"),
    "joint_with_russia": Shared(bool, None, None, "flag",
                                "Mediate jointly with Russia (multiparty): offers carry the two biases "
                                "averaged.", "lever"),
    "monitoring": Shared(float, 0, 1, "index 0-1",
                         "Ceasefire strength its monitors add at full resources (facilitative style).", "lever"),
    "negotiation_support": Shared(float, 0, 20, "factor",
                                  "Rise of demarcation-round success at full resources when it facilitates "
                                  "talks (preventive).", "lever"),
}

#: A Western mediator's field: shared range, unit and description; its own default and source.
west = shared(WESTERN_FIELDS)


class WesternGroup(DeclaredGroup):
    """A Western mediator's group: the fields of :data:`WESTERN_FIELDS` (each through :func:`west`), its ``key``,
    ``title`` and ``place`` declared in its own module (:class:`~borderSim.schema.fields.DeclaredGroup`). The
    rules read every such group as one typed container (``rules/groups.py``, ``WesternArrays``)."""

NO_WESTERN_OFFER = "record (no Western mediation offer taken up in 2021-22; statements only)"
