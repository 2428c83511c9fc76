"""What stays fixed while a batch runs: its parameters, geography, stream keys, mediators and derived terms."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from borderSim.inputs.geography import Geography
from borderSim.rules import communities, governments, mediation_terms, mediators, rowtable, thirdparties
from borderSim.rules.mediator import Registry
from borderSim.rules.params import ParamArrays

#: Days of the season's table computed at once (:meth:`Context.season`).
SEASON_DAYS = 512


@dataclass(frozen=True)
class Context:
    """What stays fixed while a batch runs."""

    P: ParamArrays
    geo: Geography
    keys: np.ndarray          # (B,) uint64 stream keys
    backing: np.ndarray       # (B, 2) expected patron backing
    registry: Registry        # the run's mediators and their relations
    terms: mediation_terms.Terms   # the mediators' parameter-only terms
    village_slots: np.ndarray
    presence: np.ndarray      # (S + 1, 2) each side's share of a segment's residents (row -1: no segment)
    fixed: governments.Fixed  # the governments' parameter-only factors
    tables: rowtable.Tables   # the dyad kernels' parameters, each kernel's fields (rowtable.KERNELS), one record
                              # per row (or one shared)

    @classmethod
    def build(cls, P: ParamArrays, geo: Geography, keys: np.ndarray, registry: Registry | None = None) -> Context:
        """The context of a batch; its mediators are ``registry``, or the registry in force
        (:func:`borderSim.rules.mediators.registry`)."""
        registry = registry or mediators.registry()
        missing = [m.group for m in registry.mediators if m.group not in P._names]
        if missing:
            raise ValueError(f"the parameters have no group for the mediators' {missing}: make them with "
                             f"{registry.schema.__name__}")
        slots = np.arange(geo.n_villages)
        slots.flags.writeable = False
        terms = mediation_terms.Terms.of(P, registry)
        presence = governments.presence(geo)
        presence.flags.writeable = False
        backing, fixed = thirdparties.backing(P, terms.assistance), governments.Fixed.of(P)
        return cls(P=P, geo=geo, keys=keys, backing=backing, registry=registry, terms=terms, village_slots=slots,
                   presence=presence, fixed=fixed, tables=rowtable.tables(P, fixed, terms, backing))

    @property
    def table(self) -> np.ndarray:
        """The dyad kernels' parameters in one table (every field; one record per row, or one shared), which each
        kernel's table (:attr:`tables`) holds a part of."""
        return rowtable.build(self.P, self.fixed, self.terms, self.backing)

    def season(self, day: int) -> np.ndarray:
        """(B, 1) :func:`~borderSim.rules.communities.season` of ``day``. Where every row shares the season's
        parameters it is read from a table of the run's days computed :data:`SEASON_DAYS` at a time
        (:func:`~borderSim.rules.communities.shared_seasons`): a call a day of a few microseconds alone costs tens
        inside a run, whose kernels push the interpreter's data out of the caches (docs/performance.md)."""
        block, at = divmod(day, SEASON_DAYS)
        if block not in self._seasons:
            self._seasons[block] = communities.shared_seasons(self.P, block * SEASON_DAYS, SEASON_DAYS)
        table = self._seasons[block]
        if table is None:
            return communities.season(self.P, day)
        return np.broadcast_to(table[:, at:at + 1], (self.P.batch, 1))

    @functools.cached_property
    def _seasons(self) -> dict[int, np.ndarray | None]:
        """The season's tables by block of days (None where rows differ in the season's parameters)."""
        return {}

    def with_params(self, P: ParamArrays) -> Context:
        """The context of the same batch under other parameters (a dated change, a warm start's switch)."""
        return Context.build(P, self.geo, self.keys, self.registry)
