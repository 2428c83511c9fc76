"""Military losses on the front (brief: rung 4 'tens of casualties', rung 5 artillery and armour).

Each side loses soldiers in proportion to the harm intensity, the extent of the front (its segments,
each weighted by the share of the fire it takes: :func:`borderSim.rules.ladder.fire`) and its exposure
to the other's fire (twice the opponent's capability share: Cederman 1997), with the record's ratio of
wounded to dead.
"""

from __future__ import annotations

import numpy as np

from borderSim.rules.draws import poisson
from borderSim.rules.params import ParamArrays


def losses(P: ParamArrays, intens, extent, expo, u_deaths, u_wounded) -> tuple[np.ndarray, np.ndarray]:
    """(B, 2) military deaths and wounded of the day; ``extent`` (B, 1) is the front's fire-weighted
    number of segments. (The engines run it through :func:`borderSim.rules.frontline.military_losses`,
    tested against this.)"""
    mean = mean_deaths(P, intens, extent, expo)
    return poisson(u_deaths, mean), poisson(u_wounded, P.border.wounded_per_death * mean)


def mean_deaths(P: ParamArrays, intens, extent, expo) -> np.ndarray:
    """(B, 2) expected military deaths of the day (:func:`losses`)."""
    return P.border.military_death_rate * intens * extent * expo
