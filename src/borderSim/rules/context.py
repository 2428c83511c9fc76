"""What stays fixed while a batch runs: its parameters, geography, stream keys and derived terms."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from borderSim.geography import Geography
from borderSim.rules import governments, mediators, rowtable, thirdparties
from borderSim.rules.params import ParamArrays


@dataclass(frozen=True)
class Context:
    """What stays fixed while a batch runs."""

    P: ParamArrays
    geo: Geography
    keys: np.ndarray          # (B,) uint64 stream keys
    backing: np.ndarray       # (B, 2) expected patron backing
    terms: mediators.Terms    # the mediators' parameter-only terms
    village_slots: np.ndarray
    presence: np.ndarray      # (S + 1, 2) each side's share of a segment's residents (row -1: no segment)
    fixed: governments.Fixed  # the governments' parameter-only factors
    table: np.ndarray         # the dyad kernels' parameters, one record per row (or one shared)

    @classmethod
    def build(cls, P: ParamArrays, geo: Geography, keys: np.ndarray) -> Context:
        slots = np.arange(geo.n_villages)
        slots.flags.writeable = False
        terms = mediators.Terms.of(P)
        presence = governments.presence(geo)
        presence.flags.writeable = False
        backing, fixed = thirdparties.backing(P, terms.assistance), governments.Fixed.of(P)
        return cls(P=P, geo=geo, keys=keys, backing=backing, terms=terms, village_slots=slots, presence=presence,
                   fixed=fixed, table=rowtable.build(P, fixed, terms, backing))

    def with_params(self, P: ParamArrays) -> Context:
        """The context of the same batch under other parameters (a dated change, a warm start's switch)."""
        return Context.build(P, self.geo, self.keys)
