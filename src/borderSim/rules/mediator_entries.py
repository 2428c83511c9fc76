"""The model's outside actors that offer mediation, one registry entry each: Russia (CSTO) and three Western
mediators (OSCE, EU, US, built by :func:`western`), their joint mediation with Russia, and the registry they make
(:data:`REGISTRY`). An entry's parameters are its group of the schema (``russia``, ``osce``, ``eu``, ``us``; the
Western style's shared constants are ``mediation``); its streams are numbered here. Their offer rules are also
compiled together (:func:`offer_chances`, the registry's, tested against the rules): numba, because in numpy they
are some thirty passes over the rows in an episode every day.

Literature. Mediation is offered during an episode and lasts until it ends; each government accepts
an offer with a chance that falls with the mediator's bias against it and rises with its hurt (Kydd
2003; Zartman 2000); both must accept. Russia (CSTO) offers biased mediation with a chance scaled by
its attention; it is credible when it restrains its own client (Kydd 2003), less so the more its
client has other partners (Crawford 2003), and it can lean on remittances. Western mediators (OSCE,
EU, US: three entries built by :func:`western`) offer after a delay, in a facilitative or manipulative
style with given resources (Beardsley et al. 2006); pressured deals are less durable (Beardsley
2008); monitors strengthen a ceasefire (Fortna 2003), a guarantor too (Walter 2002); entry timing
matters in a U shape (Regan & Stam 2000);
success is rarer between two autocratic or hybrid regimes and higher over resources (Bercovitch et
al. 1991). A joint (multiparty) offer carries the average of the partners' biases (Kydd 2003).
"""

from __future__ import annotations

import numpy as np

from borderSim.common.jit import kernel
from borderSim.rules.dyad_twins import minimum
from borderSim.rules.ladder import STANDOFF
from borderSim.rules.mediator import MANIPULATIVE, NONE, Joint, Mediator, MediatorAction, Registry, Situation
from borderSim.rules.params import ParamArrays, sides


def _russia_pressure(P: ParamArrays) -> np.ndarray:
    """Russia's pressure on each side while it mediates: restraint of its own client (weakened by the client's
    other partners: Crawford 2003) and of the other side, at its attention. Its remittance and arms leverage
    act whether or not it mediates (:func:`borderSim.rules.thirdparties.russian_leverage`)."""
    r = P.russia
    on_client = r.restraint * (1.0 - r.client_alternatives)
    on_other = r.restraint * (1.0 - np.abs(r.bias))
    client_is_tj = r.bias >= 0
    return r.attention * sides(np.where(client_is_tj, on_client, on_other), np.where(client_is_tj, on_other, on_client))


def outsiders_present(P: ParamArrays, sit: Situation) -> np.ndarray:
    """(n, 1) a mediator Russia wants kept out mediates, or is offering today (willing, past its delay)."""
    present = np.zeros_like(sit.days_in, dtype=bool)
    for m, spec in enumerate(sit.mediators):
        if spec.outsider:
            present = present | sit.engaged[:, m:m + 1] | (sit.offer_probability(P, m) > 0.0)
    return present


def _russia_offer(P: ParamArrays, sit: Situation) -> np.ndarray:
    """Russia's daily chance of offering: its propensity at its attention, raised by fighting on its flank
    and by a Western mediator about (article: no instability on its southern border, no region settling
    things without it)."""
    r = P.russia
    flank = 1.0 + r.flank_aversion * np.maximum(0, sit.level - STANDOFF)
    rival = 1.0 + r.keep_out * outsiders_present(P, sit)
    return np.minimum(1.0, r.mediation_propensity * r.attention * flank * rival)


RUSSIA = Mediator(
    key="russia", group="russia", name="Russia", label="Russia",
    streams=4,
    offer_probability=_russia_offer,
    bias=lambda P: P.russia.bias,
    pressure=_russia_pressure,
    ceasefire_effect=lambda P: P.russia.ceasefire_effect * P.russia.attention * (1.0 - P.russia.client_alternatives),
    guarantee=lambda P: P.russia.guarantor_strength * P.russia.attention,
)


def western(key: str, group: str, name: str, label: str, streams: int) -> Mediator:
    """A Western-style mediator whose own parameters are a group shaped like ``osce``, ``eu`` and ``us``
    (:data:`borderSim.schema.WESTERN_FIELDS`: willingness, delay, style, resources, standing, monitors,
    preventive support of talks, security assistance); how mediation works is the shared ``mediation`` group."""

    def g(P: ParamArrays):
        return getattr(P, group)

    def boost(P: ParamArrays) -> np.ndarray:
        return np.where(g(P).style == MANIPULATIVE, P.mediation.manipulative_boost, 1.0)

    return Mediator(
        key=key, group=group, name=name, label=label, streams=streams,
        offer_probability=lambda P, sit: np.where(sit.days_in >= g(P).delay_days, g(P).willingness, 0.0),
        bias=lambda P: g(P).perceived_bias,
        pressure=lambda P: P.mediation.pressure * g(P).resources * boost(P),
        ceasefire_effect=lambda P: P.mediation.ceasefire_effect * g(P).resources * boost(P),
        speaks=lambda P: g(P).willingness > 0,
        idle=lambda P: np.where(g(P).preventive, MediatorAction.FACILITATING_TALKS, NONE),
        monitors=lambda P: (g(P).style != MANIPULATIVE) * g(P).monitoring * g(P).resources,
        fragility=lambda P: np.where(g(P).style == MANIPULATIVE, P.mediation.manipulative_fragility, 0.0),
        talks=lambda P: g(P).preventive * g(P).negotiation_support * g(P).resources,
        assistance=lambda P: g(P).security_assistance,
        outsider=True,
        describe=lambda p: f"{getattr(p, group).style} mediation",
    )


OSCE = western("osce", "osce", "the OSCE", "OSCE", streams=7)
EU = western("eu", "eu", "the EU", "EU", streams=50)
US = western("us", "us", "the US", "US", streams=52)
WESTERN = (OSCE, EU, US)

#: Relations between mediators: each Western mediator may mediate jointly with Russia (multiparty).
JOINTS: tuple[Joint, ...] = tuple(Joint(m.key, "russia", lambda P, group=m.group: getattr(P, group).joint_with_russia)
                                  for m in WESTERN)


# -- the offer rules above, compiled for the whole day at once ---------------------------------------------------
@kernel(inline=True)
def _western_offer(days_in, delay_days, willingness):
    """A Western mediator's offer chance on one row (its ``offer_probability``)."""
    return willingness if days_in >= delay_days else 0.0


@kernel
def _offer_chances(days_in, level, engaged, propensity, attention, flank_aversion, keep_out, osce_delay, osce_will,
                   eu_delay, eu_will, us_delay, us_will, out):
    """Russia's, the OSCE's, the EU's and the US's offer chances (columns of ``out``) on each row: the numbers of
    :func:`_russia_offer` (with :func:`outsiders_present`) and of the Western entries' rule."""
    for k in range(days_in.shape[0]):
        d = days_in[k, 0]
        osce = _western_offer(d, osce_delay[k, 0], osce_will[k, 0])
        eu = _western_offer(d, eu_delay[k, 0], eu_will[k, 0])
        us = _western_offer(d, us_delay[k, 0], us_will[k, 0])
        present = engaged[k, 1] | (osce > 0.0) | engaged[k, 2] | (eu > 0.0) | engaged[k, 3] | (us > 0.0)
        above = level[k, 0] - STANDOFF
        flank = 1.0 + flank_aversion[k, 0] * (above if above > 0 else 0)
        rival = 1.0 + keep_out[k, 0] * present
        out[k, 0] = minimum(1.0, propensity[k, 0] * attention[k, 0] * flank * rival)
        out[k, 1], out[k, 2], out[k, 3] = osce, eu, us


def offer_chances(P: ParamArrays, sit: Situation, out: np.ndarray) -> None:
    """Every entry's offer chance on the rows of ``sit`` into ``out`` (n, M), in one compiled pass where the entries
    are Russia, the OSCE, the EU and the US in that order (the registry's
    :attr:`~borderSim.rules.mediator.Registry.offer_chances`; the entries' rules in numpy took some 30 operations over
    the rows, about 0.15 ms of a day at 10,000 rows); with other entries (one added to :data:`REGISTRY`), from their
    rules, entry by entry."""
    if sit.mediators != _COMPILED:
        sit.fill(P, out, range(len(sit.mediators)))
        return
    r = P.russia
    columns = (r.mediation_propensity, r.attention, r.flank_aversion, r.keep_out,
               *(getattr(getattr(P, m.group), f) for m in WESTERN for f in ("delay_days", "willingness")))
    # each column copied (contiguous, writable) whether it is shared (a read-only broadcast view) or each row's: one
    # compiled signature, not one for each mix of the two that a design or a calibration makes
    _offer_chances(sit.days_in, sit.level, sit.engaged, *(np.array(c, order="C") for c in columns), out)


_COMPILED = (RUSSIA, *WESTERN)   # the entries :func:`_offer_chances` is written for, in their columns' order

#: The model's mediators, in the order of their state columns and outputs, and their relations.
REGISTRY = Registry((RUSSIA, *WESTERN), JOINTS, offer_chances=offer_chances)
