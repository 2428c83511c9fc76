"""Military losses on the front (brief: rung 4 'tens of casualties', rung 5 artillery and armour).

Each side loses soldiers in proportion to the harm intensity, the number of segments on the front and
its exposure to the other's fire (twice the opponent's capability share: Cederman 1997), with the
record's ratio of wounded to dead.
"""

from __future__ import annotations

import numpy as np

from borderSim.rules.draws import poisson
from borderSim.rules.params import ParamArrays


def losses(P: ParamArrays, intens, n_front, expo, u_deaths, u_wounded) -> tuple[np.ndarray, np.ndarray]:
    """(B, 2) military deaths and wounded of the day."""
    mean = P.border.military_death_rate * intens * n_front * expo
    return poisson(u_deaths, mean), poisson(u_wounded, P.border.wounded_per_death * mean)
