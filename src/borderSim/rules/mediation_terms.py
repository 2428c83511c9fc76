"""What the registry's mediators add up to on a batch: each entry's parameter-only terms, computed once per run
(:class:`Terms`: among them the bias of its offers, :func:`offer_bias`, and the discouragement of their acceptance,
:func:`discouraged`), and the terms of the day's engaged mediators: pressure against escalation, the multiplier on
the ceasefire hazard, a ceasefire's strength and fragility, each a compiled loop over the mediators in registry order.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from borderSim.common.jit import kernel
from borderSim.rules.mediator import NONE, SIDE_SIGN, Mediator, Registry
from borderSim.rules.mediator_entries import RUSSIA
from borderSim.rules.params import ParamArrays


@dataclass(frozen=True)
class Terms:
    """Each mediator's parameter-only terms for a batch, computed once per run (lists by mediator)."""

    pressure: list[np.ndarray]      # (B, 2) each (a rule may give (B, 1): both sides alike)
    effect: list[np.ndarray]        # (B, 1) each
    monitors: list[tuple[int, np.ndarray]]
    guarantee: list[tuple[int, np.ndarray]]
    fragility: list[tuple[int, np.ndarray]]
    idle: np.ndarray                # (B, M) action outside an episode
    facilitation: np.ndarray        # (B, 1) multiplier on demarcation rounds
    assistance: np.ndarray          # (B, 1) security assistance each side receives (capability/year)
    relations: tuple[np.ndarray, np.ndarray]   # (B, M) who speaks, (B, J) which joint mediations are active
    joints: tuple[np.ndarray, np.ndarray]      # (J,) the columns of each joint mediation's lead and partner
    offer_bias: np.ndarray          # (B, M) the bias of each mediator's offers (:func:`offer_bias`)
    discouraged: np.ndarray         # (B, M, 2) each side's discouragement from accepting them (:func:`discouraged`)
    accept_streams: np.ndarray      # (M,) the stream of the answers to each mediator's offers
    offer_streams: np.ndarray       # (M,) the stream of each mediator's offers

    @functools.cached_property
    def stacked(self) -> Stacked:
        """The same terms as arrays, for the compiled kernels."""
        def columns(terms: list) -> np.ndarray:
            b = self.idle.shape[0]
            return np.stack([np.broadcast_to(t, (b, 1))[:, 0] for t in terms], axis=1) if terms else np.zeros((b, 0))

        strength = self.monitors + self.guarantee
        return Stacked(pressure=np.stack(self.pressure), effect=columns(self.effect),
                       strength=columns([t for _, t in strength]),
                       strength_cols=np.array([m for m, _ in strength], dtype=np.int64),
                       fragility=columns([t for _, t in self.fragility]),
                       fragility_cols=np.array([m for m, _ in self.fragility], dtype=np.int64))

    @classmethod
    def of(cls, P: ParamArrays, registry: Registry) -> Terms:
        """The terms of the mediators of ``registry`` on the rows of ``P``."""
        ms = registry.mediators
        idle = np.full((P.batch, len(ms)), NONE, dtype=np.int64, order="F")
        for m, spec in enumerate(ms):
            if spec.idle is not None:
                idle[:, m:m + 1] = spec.idle(P)
        facilitation, assistance = 1.0, 0.0
        bias, patron = np.empty((P.batch, len(ms))), np.empty((P.batch, len(ms), 2))
        for m in range(len(ms)):
            bias[:, m:m + 1] = offer_bias(P, registry, m)
            patron[:, m] = discouraged(P, registry, m, SIDE_SIGN)
        for spec in ms:
            if spec.talks is not None:
                facilitation = facilitation + spec.talks(P)
            if spec.assistance is not None:
                assistance = assistance + spec.assistance(P)
        return cls(pressure=[np.broadcast_to(spec.pressure(P), (P.batch, 2)) for spec in ms],
                   effect=[spec.ceasefire_effect(P) for spec in ms],
                   monitors=_optional(ms, "monitors", P), guarantee=_optional(ms, "guarantee", P),
                   fragility=_optional(ms, "fragility", P), idle=idle,
                   facilitation=np.broadcast_to(facilitation, (P.batch, 1)),
                   assistance=np.broadcast_to(assistance, (P.batch, 1)), relations=relations(P, registry),
                   joints=joint_columns(registry), offer_bias=bias, discouraged=patron,
                   accept_streams=np.array([spec.accept_stream for spec in ms], dtype=np.int64),
                   offer_streams=np.array([spec.offer_stream for spec in ms], dtype=np.int64))


def offer_bias(P: ParamArrays, registry: Registry, m: int) -> np.ndarray:
    """Bias of the offers of the mediator ``m`` of ``registry``: its own, averaged with the partners it mediates
    jointly with."""
    spec = registry.mediators[m]
    bias = spec.bias(P)
    joint = [j for j in registry.joints if j.lead == spec.key]
    if not joint:
        return bias
    total, count = bias, 1.0
    for j in joint:
        active = j.active(P)
        total = total + active * registry.mediators[registry.index(j.partner)].bias(P)
        count = count + active
    return total / count


def discouraged(P: ParamArrays, registry: Registry, m: int, sign: np.ndarray) -> np.ndarray:
    """(n, k) logit by which Russia's client (the side its bias favours) is discouraged from accepting an
    offer from a mediator of ``registry`` Russia wants kept out, unless the offer is joint with Russia (article)."""
    spec = registry.mediators[m]
    if not spec.outsider:
        return np.zeros((P.batch, 1))
    r = P.russia
    alone = np.ones((P.batch, 1), dtype=bool)
    for j in registry.joints:
        if j.lead == spec.key and j.partner == RUSSIA.key:
            alone = alone & ~j.active(P)
    return alone * r.keep_out_pressure * r.attention * np.maximum(0.0, -r.bias * sign)


def relations(P: ParamArrays, registry: Registry) -> tuple[np.ndarray, np.ndarray]:
    """(n, M) which mediators of ``registry`` make statements in an episode when not mediating (``speaks``) and
    (n, J) which joint mediations are active, on the rows of ``P`` (parameter-only: :class:`Terms` holds them for
    a run)."""
    speaks = np.empty((P.batch, len(registry.mediators)), dtype=np.bool_)
    for m, spec in enumerate(registry.mediators):
        speaks[:, m:m + 1] = spec.speaks(P)
    active = np.empty((P.batch, len(registry.joints)), dtype=np.bool_)
    for k, j in enumerate(registry.joints):
        active[:, k:k + 1] = j.active(P)
    return speaks, active


def joint_columns(registry: Registry) -> tuple[np.ndarray, np.ndarray]:
    """The columns of each joint mediation's lead and partner in ``registry`` (in the order of its joints)."""
    lead = np.array([registry.index(j.lead) for j in registry.joints], dtype=np.int64)
    partner = np.array([registry.index(j.partner) for j in registry.joints], dtype=np.int64)
    return lead, partner


def _optional(ms: tuple[Mediator, ...], rule: str, P: ParamArrays) -> list[tuple[int, np.ndarray]]:
    return [(m, getattr(spec, rule)(P)) for m, spec in enumerate(ms) if getattr(spec, rule) is not None]


class Stacked(NamedTuple):
    """:class:`Terms` as arrays: ``pressure`` (M, B, 2); ``effect`` (B, M); the ceasefire-strength terms
    (monitors, then guarantees) and the fragility terms (B, K), with the mediator of each column."""

    pressure: np.ndarray
    effect: np.ndarray
    strength: np.ndarray
    strength_cols: np.ndarray
    fragility: np.ndarray
    fragility_cols: np.ndarray


def pressure(terms: Terms, engaged: np.ndarray, timing: np.ndarray) -> np.ndarray | float:
    """(B, 2) pressure against escalation on each side from the engaged mediators, each weighted by the
    timing factor of its entry into the episode (Regan & Stam 2000): the sum over mediators of
    ``(engaged x timing) x pressure``, in registry order; 0.0 if no mediator is engaged on any row (a mediator
    engaged nowhere adds exactly 0, so it is skipped)."""
    present = np.flatnonzero(engaged.any(axis=0))
    if not present.size:
        return 0.0
    return _pressure(engaged, timing, terms.stacked.pressure, present)


def mediation_factor(P: ParamArrays, terms: Terms, engaged: np.ndarray, timing: np.ndarray,
                     water_origin: np.ndarray) -> np.ndarray:
    """(B, 1) multiplier on the ceasefire hazard from the engaged mediators, each weighted by the timing
    factor of its entry into the episode (Regan & Stam 2000), in the regime context (Bercovitch et
    al. 1991): ``1 + regime x (1 + resource bonus x water origin) x`` the sum over mediators of
    ``engaged x (effect x timing)``, in registry order."""
    b = P.border
    return _mediation_factor(engaged, timing, terms.stacked.effect, b.mediation_regime_factor,
                             b.resource_issue_bonus, water_origin)


def ceasefire_terms(P: ParamArrays, terms: Terms, engaged: np.ndarray, agreement: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Strength of a ceasefire agreed today (bilateral, agreement, monitors, guarantees; at most 1) and its
    extra breakdown hazard where a manipulative mediator pressed it (the largest, if several did): the
    bilateral strength plus the agreement plus ``engaged x term`` for each monitor, then each guarantor;
    the largest ``engaged x term`` of the fragility terms."""
    t = terms.stacked
    return _ceasefire_terms(engaged, P.border.ceasefire_strength_bilateral, agreement, t.strength, t.strength_cols,
                            t.fragility, t.fragility_cols)


@kernel
def _pressure(engaged, timing, pressure, present):
    out = np.empty((2, engaged.shape[0])).T          # column-major, like the side arrays
    for i in range(engaged.shape[0]):
        for sd in range(2):
            total = 0.0
            for m in present:
                total = total + ((1.0 if engaged[i, m] else 0.0) * timing[i, m]) * pressure[m, i, sd]
            out[i, sd] = total
    return out


@kernel
def _mediation_factor(engaged, timing, effect, regime, bonus, water_origin):
    out = np.empty((engaged.shape[0], 1))
    for i in range(engaged.shape[0]):
        total = (1.0 if engaged[i, 0] else 0.0) * (effect[i, 0] * timing[i, 0])
        for m in range(1, engaged.shape[1]):
            total = total + (1.0 if engaged[i, m] else 0.0) * (effect[i, m] * timing[i, m])
        context = regime[i, 0] * (1.0 + bonus[i, 0] * (1.0 if water_origin[i, 0] else 0.0))
        out[i, 0] = 1.0 + context * total
    return out


@kernel
def _ceasefire_terms(engaged, bilateral, agreement, strength_terms, strength_cols, fragility_terms, fragility_cols):
    strength = np.empty((engaged.shape[0], 1))
    fragility = np.empty((engaged.shape[0], 1))
    for i in range(engaged.shape[0]):
        s = bilateral[i, 0] + agreement[i, 0]
        for k in range(strength_cols.size):
            s = s + (1.0 if engaged[i, strength_cols[k]] else 0.0) * strength_terms[i, k]
        strength[i, 0] = 1.0 if s > 1.0 else s          # np.minimum(1.0, s): a NaN stays NaN
        f = 0.0
        for k in range(fragility_cols.size):
            x = (1.0 if engaged[i, fragility_cols[k]] else 0.0) * fragility_terms[i, k]
            f = f if (f >= x or f != f) else x            # np.maximum(f, x): a NaN wins
        fragility[i, 0] = f
    return strength, fragility
