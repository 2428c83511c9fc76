"""China, and what the outside powers add up to for each government: backing and pressure.

China (SCO) never mediates; when fighting threatens its assets it may apply quiet economic pressure
through debt (article): a bout raises both governments' cost of escalating and the ceasefire hazard.
Russia's remittance and arms leverage restrains escalation into fighting whether or not it mediates.
It keeps its own phase rather than a mediator entry (:mod:`borderSim.rules.mediator_entries`): it makes no
offers, needs no answers and engages no mediation, so the mediators' machinery would only be switched
off for it. Patron backing: Russia shields its favoured client (Benson 2012) and Western security
assistance reads as backing (Kuperman 2008).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from borderSim.rules import mediation_terms
from borderSim.rules.groups import RussiaArrays
from borderSim.rules.ladder import STANDOFF
from borderSim.rules.mediation_terms import Terms
from borderSim.rules.mediator import SIDE_SIGN
from borderSim.rules.params import ParamArrays


class ChinaAction(IntEnum):
    """What China did on a day."""

    NONE = 0
    STATEMENT = 1
    ECONOMIC_PRESSURE = 2


def backing(P: ParamArrays, assistance: np.ndarray) -> np.ndarray:
    """(B, 2) backing each government expects: Russian shielding of its favourite, and the Western security
    assistance it receives (``assistance``, capability/year; column-major, like the side state)."""
    r = P.russia
    shield = r.patronage * np.maximum(0.0, r.bias * -SIDE_SIGN)
    return np.asfortranarray(shield + P.mediation.assistance_moral_hazard * assistance)


def china_step(P: ParamArrays, level_prev, until, day: int, u):
    """China's day: start a bout of economic pressure when fighting threatens its assets."""
    c = P.china
    threatened = level_prev >= c.pressure_threshold
    start = threatened & (until < day) & (u < c.pressure_propensity)
    until = np.where(start, day + c.pressure_duration.astype(np.int64) - 1, until)
    action = np.where(until >= day, ChinaAction.ECONOMIC_PRESSURE,
                      np.where(level_prev >= STANDOFF, ChinaAction.STATEMENT, ChinaAction.NONE))
    return until, action.astype(np.int64), start


def pressure(P: ParamArrays, terms: Terms, engaged: np.ndarray, timing: np.ndarray, china_on: np.ndarray
             ) -> np.ndarray | float:
    """(B, 2) pressure against escalation on each side from the engaged mediators (weighted by the timing of
    their entry) and China's leverage; 0.0 where no mediator is engaged and China is not pressing on any row."""
    total = mediation_terms.pressure(terms, engaged, timing)
    if china_on.any():
        total = total + china_on * P.china.pressure_strength * P.gov.china_debt_share
    return total


def russian_leverage(r: RussiaArrays, leverage: np.ndarray, flank: np.ndarray) -> np.ndarray:
    """Restraint Russia's leverage puts on governments against escalating into fighting, whether or not Russia
    mediates: ``leverage`` is their remittance share and share of arms from Russia, weighted
    (:class:`borderSim.rules.governments.Fixed`); ``flank`` Russia's concern with the next rung (none up to
    a standoff, a third toward a clash, all toward war: :data:`borderSim.rules.governments.FLANK`), at
    Russia's attention (article: no instability on its southern flank)."""
    return r.attention * flank * leverage


def economic_leverage(P: ParamArrays, china_on) -> np.ndarray:
    """(B, 1) factor on the ceasefire hazard while China presses both debtors to stop fighting (article)."""
    debt = 0.5 * (P.gov.china_debt_share[:, :1] + P.gov.china_debt_share[:, 1:])
    return 1.0 + china_on * P.china.pressure_strength * debt
