"""Demarcation rounds and the strength of the border agreement.

While the border is calm (no episode, rung 2 or below) the governments hold demarcation rounds.
Without shared losses they agree little (record: 504 km agreed in March 2021, 519 km in September
2022); a round succeeds far more often while both still hurt from a war that hurt both beyond a threshold
(ripeness: Zartman 2000; the April 2021 war moved the line little, the September 2022 war did;
record: 664 km by August 2023, over 90 % by December 2023, all by December 2024), with mediators' standing
facilitation (``facilitation``, from :class:`borderSim.rules.mediators.Terms`; Bercovitch et al.
1991) and less often under Kyrgyz protest pressure against concessions (record: Kempir-Abad). A
success strengthens the agreement and agrees the next disputed segment in the historical order
(``demarcation_rank``), which costs the Kyrgyz government protest pressure (land swaps). Fighting
erodes the agreement (Fortna 2003).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from borderSim.inputs.geography import Geography
from borderSim.rules.ladder import GUNFIRE, STANDOFF
from borderSim.rules.params import ParamArrays


def round_probability(P: ParamArrays, facilitation: np.ndarray) -> np.ndarray:
    return np.minimum(1.0, P.border.negotiation_rate * facilitation)


def success_probability(P: ParamArrays, hurt, protest, facilitation: np.ndarray) -> np.ndarray:
    """A round's chance of success: ripened by the mutual hurt above ``ripeness_threshold`` (a war both sides
    felt: Zartman's hurting stalemate), helped by mediators' support, blocked by Kyrgyz protest."""
    b = P.border
    mutual = np.maximum(np.minimum(hurt[:, :1], hurt[:, 1:]) - b.ripeness_threshold, 0.0)
    p = b.negotiation_success * (1.0 + b.talks_ripeness * mutual) * facilitation * (1.0 - protest)
    return np.clip(p, 0.0, 1.0)


def next_segment(demarcated: np.ndarray, geo: Geography) -> np.ndarray:
    """(B, 1) index of the next segment to agree (lowest rank not yet demarcated)."""
    rank = np.where(demarcated, np.iinfo(np.int64).max, geo.demarcation_rank[None, :])
    return np.argmin(rank, axis=1)[:, None]


class Talks(NamedTuple):
    """The outcome of a day of talks."""

    agreement: np.ndarray    # (B, 1) updated agreement strength
    demarcated: np.ndarray   # (B, S) updated demarcation
    conceded: np.ndarray     # (B, 1) a segment was agreed (land conceded) today
    held: np.ndarray         # (B, 1) a round was held


def negotiate(P: ParamArrays, geo: Geography, *, level, episode, agreement, demarcated, hurt, protest,
              facilitation, u_round, u_success) -> Talks:
    """One day of talks: updated agreement and demarcation and whether land was conceded."""
    b = P.border
    calm = (level <= GUNFIRE) & ~episode
    held = calm & (u_round < round_probability(P, facilitation))
    success = held & (u_success < success_probability(P, hurt, protest, facilitation))
    conceded = success.copy()               # a success concedes land while any segment is still disputed
    tried = np.flatnonzero(success[:, 0])
    conceded[tried] = ~demarcated[tried].all(axis=1, keepdims=True)
    rows = np.flatnonzero(conceded[:, 0])
    if rows.size:
        demarcated = demarcated.copy()
        demarcated[rows, next_segment(demarcated[rows], geo)[:, 0]] = True
    agreement = np.where(success, agreement + b.agreement_step * (1.0 - agreement), agreement)
    agreement = np.where(level >= STANDOFF, agreement * (1.0 - b.agreement_erosion), agreement)
    return Talks(agreement=agreement, demarcated=demarcated, conceded=conceded, held=held)
