"""Russia, China and the Western mediators: offers, acceptance, pressure, backing and guarantees.

Russia (CSTO) never intervenes militarily between members; during an episode it makes calls and,
with a chance scaled by its attention, offers biased mediation. As a mediator it is credible when it
restrains its own client (Kydd 2003), less so the more its client has other partners (Crawford
2003); it can lean on remittances. China (SCO) never mediates; when fighting threatens its assets it
may apply quiet economic pressure through debt (article). Western mediators offer mediation after a
delay, in a facilitative or manipulative style with given resources (Beardsley et al. 2006); pressured
deals are less durable (Beardsley 2008); timing matters in a U shape (Regan & Stam 2000); success is
rarer between two autocratic or hybrid regimes and higher over resources (Bercovitch et al. 1991).
Acceptance of an offer falls with the mediator's bias against the side and rises with its hurt.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from borderSim.rules.draws import logistic
from borderSim.rules.ladder import STANDOFF
from borderSim.rules.params import ParamArrays, sides

SIDE_SIGN = np.array([[-1.0, 1.0]])  # bias > 0 favours Tajikistan: it counts against Kyrgyzstan
SIDE_SIGN.flags.writeable = False


class MediatorAction(IntEnum):
    """What Russia or the West did on a day."""

    NONE = 0
    STATEMENT = 1
    DECLINED_BY_TJ = 2
    DECLINED_BY_KG = 3
    DECLINED_BY_BOTH = 4
    ACCEPTED = 5
    MEDIATING = 6
    FACILITATING_TALKS = 7


class Style(IntEnum):
    """A mediator's style (Beardsley et al. 2006): its code in the parameter arrays."""

    FACILITATIVE = 0
    MANIPULATIVE = 1


MANIPULATIVE = Style.MANIPULATIVE.value   # a plain int for array comparisons (see borderSim.rules.ladder)


class ChinaAction(IntEnum):
    """What China did on a day."""

    NONE = 0
    STATEMENT = 1
    ECONOMIC_PRESSURE = 2


def backing(P: ParamArrays) -> np.ndarray:
    """(B, 2) backing each government expects: Russian shielding of its favourite, and security aid
    (column-major, like the side state)."""
    r, w = P.russia, P.western
    shield = r.patronage * np.maximum(0.0, r.bias * -SIDE_SIGN)
    return np.asfortranarray(shield + w.assistance_moral_hazard * w.security_assistance)


def acceptance(g, bias: np.ndarray, hurt: np.ndarray, ripeness: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Chance a government accepts an offer from a mediator with ``bias`` (+ toward Tajikistan)."""
    against = np.maximum(0.0, bias * sign)
    return logistic(g.accept_intercept - g.bias_aversion * against + ripeness * hurt)


def offer_outcome(accepted: np.ndarray) -> np.ndarray:
    """Action code of an offer given (B, 2) acceptances."""
    tj, kg = accepted[:, :1], accepted[:, 1:]
    return np.where(tj & kg, MediatorAction.ACCEPTED,
                    np.where(tj, MediatorAction.DECLINED_BY_KG,
                             np.where(kg, MediatorAction.DECLINED_BY_TJ, MediatorAction.DECLINED_BY_BOTH)))


def timing_factor(P: ParamArrays, days_in: np.ndarray) -> np.ndarray:
    """Mediation effect by days since the episode began: full early and late, dipping mid-span."""
    x = np.clip(days_in / P.border.timing_span_days, 0.0, 1.0)
    return 1.0 - P.border.timing_dip * 4.0 * x * (1.0 - x)


def russia_offer_probability(P: ParamArrays) -> np.ndarray:
    return P.russia.mediation_propensity * P.russia.attention


def west_offer_probability(P: ParamArrays, days_in: np.ndarray) -> np.ndarray:
    return np.where(days_in >= P.western.delay_days, P.western.willingness, 0.0)


def west_bias(P: ParamArrays) -> np.ndarray:
    """Bias of a Western offer; a joint offer with Russia carries the two biases averaged (Kydd 2003)."""
    w = P.western
    return np.where(w.joint_with_russia, 0.5 * (w.perceived_bias + P.russia.bias), w.perceived_bias)


def mediator_step(episode, engaged, p_offer, u_offer, accepted, involved):
    """One mediator's day: keep mediating, offer, or make statements. Returns (engaged, action, offered)."""
    engaged = engaged & episode
    offered = episode & ~engaged & (u_offer < p_offer)
    agreed = offered & accepted[:, :1] & accepted[:, 1:]
    action = np.where(engaged, MediatorAction.MEDIATING,
                      np.where(offered, offer_outcome(accepted),
                               np.where(episode & involved, MediatorAction.STATEMENT, MediatorAction.NONE)))
    return engaged | agreed, action.astype(np.int64), offered, agreed


def china_step(P: ParamArrays, level_prev, until, day: int, u):
    """China's day: start a bout of economic pressure when fighting threatens its assets."""
    c = P.china
    threatened = level_prev >= c.pressure_threshold
    start = threatened & (until < day) & (u < c.pressure_propensity)
    until = np.where(start, day + c.pressure_duration.astype(np.int64) - 1, until)
    action = np.where(until >= day, ChinaAction.ECONOMIC_PRESSURE,
                      np.where(level_prev >= STANDOFF, ChinaAction.STATEMENT, ChinaAction.NONE))
    return until, action.astype(np.int64), start


def pressure(P: ParamArrays, russia_engaged, west_engaged, china_on) -> np.ndarray:
    """(B, 2) pressure against escalation on each side from engaged mediators and economic leverage."""
    r, w, c, g = P.russia, P.western, P.china, P.gov
    on_client = r.restraint * (1.0 - r.client_alternatives)
    on_other = r.restraint * (1.0 - np.abs(r.bias))
    client_is_tj = r.bias >= 0
    restraint = sides(np.where(client_is_tj, on_client, on_other), np.where(client_is_tj, on_other, on_client))
    russian = russia_engaged * r.attention * (restraint + r.remittance_leverage * g.remittance_share)
    manip = w.style == MANIPULATIVE
    western = west_engaged * w.pressure * w.resources * np.where(manip, w.manipulative_boost, 1.0)
    chinese = china_on * c.pressure_strength * g.china_debt_share
    return russian + western + chinese


def mediation_factor(P: ParamArrays, russia_engaged, west_engaged, water_origin, russia_timing, west_timing
                     ) -> np.ndarray:
    """(B, 1) multiplier on the ceasefire hazard from engaged mediators, each weighted by the timing
    factor of its entry into the episode (Regan & Stam 2000)."""
    r, w, b = P.russia, P.western, P.border
    context = b.mediation_regime_factor * (1.0 + b.resource_issue_bonus * water_origin)
    manip = w.style == MANIPULATIVE
    west = w.ceasefire_effect * w.resources * np.where(manip, w.manipulative_boost, 1.0) * west_timing
    russia = r.ceasefire_effect * r.attention * (1.0 - r.client_alternatives) * russia_timing
    return 1.0 + context * (west_engaged * west + russia_engaged * russia)


def economic_leverage(P: ParamArrays, china_on) -> np.ndarray:
    """(B, 1) factor on the ceasefire hazard while China presses both debtors to stop fighting (article)."""
    debt = 0.5 * (P.gov.china_debt_share[:, :1] + P.gov.china_debt_share[:, 1:])
    return 1.0 + china_on * P.china.pressure_strength * debt


def ceasefire_terms(P: ParamArrays, russia_engaged, west_engaged, agreement):
    """Strength of a ceasefire agreed today, and whether it was pressed by manipulation."""
    r, w, b = P.russia, P.western, P.border
    manip = w.style == MANIPULATIVE
    monitors = west_engaged * ~manip * w.monitoring * w.resources
    guarantor = russia_engaged * r.guarantor_strength * r.attention
    strength = np.minimum(1.0, b.ceasefire_strength_bilateral + agreement + monitors + guarantor)
    return strength, west_engaged & manip
