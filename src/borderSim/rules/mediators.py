"""The mediators as an axis: one registry entry per outside actor that offers mediation.

An entry (:class:`Mediator`) names the actor (key of its output columns, parameter group, display
names), its random streams and its rules: the daily chance of an offer during an episode, its bias,
the pressure it puts on each side while mediating, its effect on the ceasefire hazard, what it adds
to a ceasefire it helped agree (monitors, guarantees, or the fragility of a pressed deal) and its
standing support for demarcation talks. Its state is one column of the ``(B, M)`` mediator arrays
(engaged, timing, action). Relations between mediators are entries too (:class:`Joint`).
:data:`MEDIATORS` is read when called (never copied at import), so the state, the summary and daily
columns, the Mesa agents and the event log all follow the registry. Adding a mediator is a schema
group, an entry here and a scenario.

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

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numba import njit

from borderSim.rules.draws import logistic
from borderSim.rules.ladder import STANDOFF
from borderSim.rules.params import ParamArrays, sides
from borderSim.rules.streams import Stream, uniform

if TYPE_CHECKING:
    from borderSim.schema import Parameters

SIDE_SIGN = np.array([[-1.0, 1.0]])  # bias > 0 favours Tajikistan: it counts against Kyrgyzstan
SIDE_SIGN.flags.writeable = False
SIDES2 = np.array([0, 1])            # stream slots of the two governments' answers
SIDES2.flags.writeable = False


class MediatorAction(IntEnum):
    """What a mediator did on a day."""

    NONE = 0
    STATEMENT = 1
    DECLINED_BY_TJ = 2
    DECLINED_BY_KG = 3
    DECLINED_BY_BOTH = 4
    ACCEPTED = 5
    MEDIATING = 6
    FACILITATING_TALKS = 7


class Style(IntEnum):
    """A mediator's style (Beardsley et al. 2006), as coded in the parameter arrays (the position of
    the choice in the schema)."""

    FACILITATIVE = 0
    MANIPULATIVE = 1


# plain ints for array arithmetic (numpy takes IntEnum members through its slow object path)
MANIPULATIVE = Style.MANIPULATIVE.value
NONE, STATEMENT, ACCEPTED, MEDIATING = (MediatorAction.NONE.value, MediatorAction.STATEMENT.value,
                                        MediatorAction.ACCEPTED.value, MediatorAction.MEDIATING.value)

Rule = Callable[[ParamArrays], np.ndarray]


@dataclass(frozen=True)
class Situation:
    """What a mediator sees on the rows in an episode when it decides whether to offer."""

    days_in: np.ndarray     # (n, 1) days since the episode began
    level: np.ndarray       # (n, 1) yesterday's rung
    engaged: np.ndarray     # (n, M) mediating at the start of the day
    _offers: dict[int, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    def offer_probability(self, P: ParamArrays, m: int) -> np.ndarray:
        """(n, 1) mediator ``m``'s daily chance of offering on these rows (``P`` their parameters), computed once
        (Russia's depends on the Western mediators' chances)."""
        if m not in self._offers:
            self._offers[m] = MEDIATORS[m].offer_probability(P, self)
        return self._offers[m]


@dataclass(frozen=True, eq=False)
class Mediator:
    """One mediator: who it is and how it behaves. Rules take the rows' parameters ``P`` and return
    ``(n, 1)`` arrays (``pressure``: ``(n, 2)``, one column per side)."""

    key: str                  # prefix of its output columns: russia_offers, russia_action
    group: str                # its parameter group in the schema
    name: str                 # in the event log: "Russia offers mediation"
    label: str                # the Mesa agent's name and the status panel's label
    offer_stream: int         # stream of its daily offer draw (slot 0)
    accept_stream: int        # stream of the governments' answers (slot = side)
    offer_probability: Callable[[ParamArrays, Situation], np.ndarray]
    bias: Rule                # + toward Tajikistan, - toward Kyrgyzstan
    pressure: Rule            # against escalation on each side while it mediates
    ceasefire_effect: Rule    # rise of the ceasefire hazard while it mediates, before timing and context
    speaks: Callable[[ParamArrays], Any] = lambda P: True  # makes statements in an episode when not mediating
    idle: Rule | None = None        # its action outside an episode (NONE when omitted)
    monitors: Rule | None = None    # ceasefire strength its monitors add (Fortna 2003)
    guarantee: Rule | None = None   # ceasefire strength it adds as a guarantor (Walter 2002)
    fragility: Rule | None = None   # extra breakdown hazard of a deal it pressed (Beardsley 2008)
    talks: Rule | None = None       # standing support for demarcation rounds (preventive diplomacy)
    assistance: Rule | None = None  # security assistance to each side (capability/year; Kuperman 2008)
    outsider: bool = False          # an actor Russia wants kept out of the region's disputes (article)
    describe: Callable[[Parameters], str] = lambda p: "mediation"  # its offers, in the event log


@dataclass(frozen=True, eq=False)
class Joint:
    """Joint mediation of ``lead`` with ``partner`` where ``active``: the lead's offers carry the
    average of the two biases, and an accepted offer engages the partner too (Kydd 2003)."""

    lead: str
    partner: str
    active: Rule


# -- the registry ------------------------------------------------------------------------------------
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
    for m, spec in enumerate(MEDIATORS):
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
    offer_stream=Stream.RUSSIA_OFFER, accept_stream=Stream.RUSSIA_ACCEPT,
    offer_probability=_russia_offer,
    bias=lambda P: P.russia.bias,
    pressure=_russia_pressure,
    ceasefire_effect=lambda P: P.russia.ceasefire_effect * P.russia.attention * (1.0 - P.russia.client_alternatives),
    guarantee=lambda P: P.russia.guarantor_strength * P.russia.attention,
)


def western(key: str, group: str, name: str, label: str, offer_stream: int, accept_stream: int) -> Mediator:
    """A Western-style mediator whose own parameters are a group shaped like ``osce``, ``eu`` and ``us``
    (:data:`borderSim.schema.WESTERN_FIELDS`: willingness, delay, style, resources, standing, monitors,
    preventive support of talks, security assistance); how mediation works is the shared ``mediation`` group."""

    def g(P: ParamArrays):
        return getattr(P, group)

    def boost(P: ParamArrays) -> np.ndarray:
        return np.where(g(P).style == MANIPULATIVE, P.mediation.manipulative_boost, 1.0)

    return Mediator(
        key=key, group=group, name=name, label=label, offer_stream=offer_stream, accept_stream=accept_stream,
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


OSCE = western("osce", "osce", "the OSCE", "OSCE", Stream.OSCE_OFFER, Stream.OSCE_ACCEPT)
EU = western("eu", "eu", "the EU", "EU", Stream.EU_OFFER, Stream.EU_ACCEPT)
US = western("us", "us", "the US", "US", Stream.US_OFFER, Stream.US_ACCEPT)
WESTERN = (OSCE, EU, US)

#: The mediators, in the order of their state columns and outputs.
MEDIATORS: tuple[Mediator, ...] = (RUSSIA, *WESTERN)
#: Relations between mediators: each Western mediator may mediate jointly with Russia (multiparty).
JOINTS: tuple[Joint, ...] = tuple(Joint(m.key, "russia", lambda P, group=m.group: getattr(P, group).joint_with_russia)
                                  for m in WESTERN)

_STREAM_SLOTS = 64   # a stream number has 6 bits in the counter (borderSim.rules.streams)


def index(key: str) -> int:
    """Column of the mediator ``key`` in the mediator arrays."""
    return next(i for i, m in enumerate(MEDIATORS) if m.key == key)


def check(mediators: tuple[Mediator, ...], joints: tuple[Joint, ...]) -> None:
    """Keys are unique, relations name known mediators, and each mediator has streams of its own."""
    keys = [m.key for m in mediators]
    if len(set(keys)) != len(keys):
        raise ValueError(f"mediator keys must be unique: {keys}")
    unknown = {k for j in joints for k in (j.lead, j.partner)} - set(keys)
    if unknown:
        raise ValueError(f"joint mediation names unknown mediators: {sorted(unknown)}")
    own = [int(s) for m in mediators for s in (m.offer_stream, m.accept_stream)]
    others = {s.value for s in Stream if not s.name.endswith(("_OFFER", "_ACCEPT"))}
    if len(set(own)) != len(own) or others & set(own) or not all(0 <= s < _STREAM_SLOTS for s in own):
        raise ValueError(f"mediator streams must be distinct, not used for other draws, and below "
                         f"{_STREAM_SLOTS}: {own}")


@contextmanager
def registered(*extra: Mediator, joints: tuple[Joint, ...] = ()) -> Iterator[None]:
    """Mediators (and relations) added to the registry for the duration of a ``with`` block."""
    global MEDIATORS, JOINTS
    saved = MEDIATORS, JOINTS
    check(MEDIATORS + extra, JOINTS + joints)
    MEDIATORS, JOINTS = MEDIATORS + extra, JOINTS + joints
    try:
        yield
    finally:
        MEDIATORS, JOINTS = saved


check(MEDIATORS, JOINTS)


# -- what the registry adds up to -------------------------------------------------------------------
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
    def of(cls, P: ParamArrays) -> Terms:
        ms = MEDIATORS
        idle = np.full((P.batch, len(ms)), NONE, dtype=np.int64, order="F")
        for m, spec in enumerate(ms):
            if spec.idle is not None:
                idle[:, m:m + 1] = spec.idle(P)
        facilitation, assistance = 1.0, 0.0
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
                   assistance=np.broadcast_to(assistance, (P.batch, 1)), relations=relations(P))


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


@njit(cache=True)
def _pressure(engaged, timing, pressure, present):
    out = np.empty((2, engaged.shape[0])).T          # column-major, like the side arrays
    for i in range(engaged.shape[0]):
        for sd in range(2):
            total = 0.0
            for m in present:
                total = total + ((1.0 if engaged[i, m] else 0.0) * timing[i, m]) * pressure[m, i, sd]
            out[i, sd] = total
    return out


@njit(cache=True)
def _mediation_factor(engaged, timing, effect, regime, bonus, water_origin):
    out = np.empty((engaged.shape[0], 1))
    for i in range(engaged.shape[0]):
        total = (1.0 if engaged[i, 0] else 0.0) * (effect[i, 0] * timing[i, 0])
        for m in range(1, engaged.shape[1]):
            total = total + (1.0 if engaged[i, m] else 0.0) * (effect[i, m] * timing[i, m])
        context = regime[i, 0] * (1.0 + bonus[i, 0] * (1.0 if water_origin[i, 0] else 0.0))
        out[i, 0] = 1.0 + context * total
    return out


@njit(cache=True)
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


# -- a mediator's day ---------------------------------------------------------------------------------
def timing_factor(P: ParamArrays, days_in: np.ndarray) -> np.ndarray:
    """Mediation effect by days since the episode began: full early and late, dipping mid-span."""
    x = np.clip(days_in / P.border.timing_span_days, 0.0, 1.0)
    return 1.0 - P.border.timing_dip * 4.0 * x * (1.0 - x)


def offers(P: ParamArrays, keys: np.ndarray, day: int, sit: Situation, m: int) -> np.ndarray:
    """(n, 1) whether mediator ``m`` offers mediation on rows in an episode where it is not mediating."""
    spec = MEDIATORS[m]
    p = sit.offer_probability(P, m)
    if not np.any(p > 0.0):   # unwilling on every row: no draw needed (draws are keyed, not sequential)
        return np.zeros((P.batch, 1), dtype=bool)
    u = uniform(keys, day, spec.offer_stream, 0)[:, None]
    return ~sit.engaged[:, m:m + 1] & (u < p)


def offer_bias(P: ParamArrays, m: int) -> np.ndarray:
    """Bias of mediator ``m``'s offers: its own, averaged with the partners it mediates jointly with."""
    spec = MEDIATORS[m]
    bias = spec.bias(P)
    joint = [j for j in JOINTS if j.lead == spec.key]
    if not joint:
        return bias
    total, count = bias, 1.0
    for j in joint:
        active = j.active(P)
        total = total + active * MEDIATORS[index(j.partner)].bias(P)
        count = count + active
    return total / count


#: Unrest at which a government's acceptance is its ``accept_intercept`` (and the rest of its terms).
ACCEPT_REFERENCE_UNREST = 0.5


def discouraged(P: ParamArrays, m: int, sign: np.ndarray) -> np.ndarray:
    """(n, k) logit by which Russia's client (the side its bias favours) is discouraged from accepting an
    offer from a mediator Russia wants kept out, unless the offer is joint with Russia (article)."""
    spec = MEDIATORS[m]
    if not spec.outsider:
        return np.zeros((P.batch, 1))
    r = P.russia
    alone = np.ones((P.batch, 1), dtype=bool)
    for j in JOINTS:
        if j.lead == spec.key and j.partner == RUSSIA.key:
            alone = alone & ~j.active(P)
    return alone * r.keep_out_pressure * r.attention * np.maximum(0.0, -r.bias * sign)


def acceptance(g, bias: np.ndarray, hurt: np.ndarray, ripeness: np.ndarray, sign: np.ndarray, unrest: np.ndarray,
               bias_protest: np.ndarray, patron: np.ndarray) -> np.ndarray:
    """Chance a government accepts an offer from a mediator with ``bias`` (+ toward Tajikistan): less the more
    the mediator leans against it (Kydd 2003), and more so under protest (``bias_protest``: the Kyrgyz
    protest term); more the more it hurts (Zartman 2000) and the higher its unrest (political cover for
    concessions: Beardsley 2011); less where its patron discourages it (``patron``, :func:`discouraged`)."""
    against = np.maximum(0.0, bias * sign)
    return logistic(g.accept_intercept - (g.bias_aversion + bias_protest) * against + ripeness * hurt
                    + g.accept_unrest * (unrest - ACCEPT_REFERENCE_UNREST) - patron)


def answers(P: ParamArrays, g, keys: np.ndarray, day: int, hurt: np.ndarray, m: int, cols: slice,
            unrest: np.ndarray, bias_protest: np.ndarray) -> np.ndarray:
    """(n, k) whether the governments in columns ``cols`` (``g`` their parameters; ``hurt``, ``unrest`` and
    ``bias_protest`` theirs) accept mediator ``m``'s offers on the rows of ``P``."""
    sign = SIDE_SIGN[:, cols]
    p = acceptance(g, offer_bias(P, m), hurt, P.border.ripeness_weight, sign, unrest, bias_protest,
                   discouraged(P, m, sign))
    return uniform(keys, day, MEDIATORS[m].accept_stream, SIDES2[cols]) < p


def offer_outcome(accepted: np.ndarray) -> np.ndarray:
    """Action code of an offer given (n, 2) acceptances."""
    tj, kg = accepted[:, :1], accepted[:, 1:]
    return np.where(tj & kg, MediatorAction.ACCEPTED,
                    np.where(tj, MediatorAction.DECLINED_BY_KG,
                             np.where(kg, MediatorAction.DECLINED_BY_TJ, MediatorAction.DECLINED_BY_BOTH)))


def settle(P: ParamArrays, engaged: np.ndarray, offered: np.ndarray, accepted: np.ndarray, timing: np.ndarray,
           today: np.ndarray, terms: tuple[np.ndarray, np.ndarray] | None = None
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The mediators' day on rows in an episode, once the governments have answered.

    ``engaged``, ``offered``, ``timing`` are (n, M); ``accepted`` (n, M, 2); ``today`` the (n, 1) timing
    factor of an entry today. An offer both sides accept starts a mediation (and a joint partner's);
    otherwise a mediator keeps mediating, or reports the answers to its offer (:func:`offer_outcome`), or
    makes statements. Returns the new (engaged, action, timing) and the (n, M) offers agreed. The registry's
    terms (who speaks, which joint mediations are active: :func:`relations`) are evaluated here, or given as
    ``terms`` (the run's :attr:`Terms.relations` on these rows); :func:`_settle` applies them row by row,
    mediator by mediator, then relation by relation.
    """
    speaks, active = relations(P) if terms is None else terms
    lead = np.array([index(j.lead) for j in JOINTS], dtype=np.int64)
    partner = np.array([index(j.partner) for j in JOINTS], dtype=np.int64)
    return _settle(engaged, offered, accepted, timing, today, speaks, lead, partner, active)


def relations(P: ParamArrays) -> tuple[np.ndarray, np.ndarray]:
    """(n, M) which mediators make statements in an episode when not mediating (``speaks``) and (n, J) which
    joint mediations are active, on the rows of ``P`` (parameter-only: :class:`Terms` holds them for a run)."""
    speaks = np.empty((P.batch, len(MEDIATORS)), dtype=np.bool_)
    for m, spec in enumerate(MEDIATORS):
        speaks[:, m:m + 1] = spec.speaks(P)
    active = np.empty((P.batch, len(JOINTS)), dtype=np.bool_)
    for k, j in enumerate(JOINTS):
        active[:, k:k + 1] = j.active(P)
    return speaks, active


_OUTCOMES = np.array([MediatorAction.DECLINED_BY_BOTH, MediatorAction.DECLINED_BY_TJ, MediatorAction.DECLINED_BY_KG,
                      MediatorAction.ACCEPTED], dtype=np.int64)   # by 2 x Tajikistan's answer + Kyrgyzstan's


@njit(cache=True)
def _settle(engaged, offered, accepted, timing, today, speaks, lead, partner, active):
    n, n_med = engaged.shape
    engaged, timing = engaged.copy(), timing.copy()
    action = np.empty((n, n_med), dtype=np.int64)
    agreed = np.empty((n, n_med), dtype=np.bool_)
    for i in range(n):
        for m in range(n_med):
            tj, kg = accepted[i, m, 0], accepted[i, m, 1]
            agreed[i, m] = offered[i, m] and tj and kg
            if offered[i, m]:            # offers come only from mediators not yet mediating
                action[i, m] = _OUTCOMES[2 * tj + kg]
            elif engaged[i, m]:
                action[i, m] = MEDIATING
            else:
                action[i, m] = STATEMENT if speaks[i, m] else NONE
            if agreed[i, m]:
                engaged[i, m] = True
                timing[i, m] = today[i, 0]
        for k in range(lead.size):
            p = partner[k]
            if agreed[i, lead[k]] and active[i, k] and not engaged[i, p]:
                engaged[i, p] = True
                action[i, p] = ACCEPTED
                timing[i, p] = today[i, 0]
    return engaged, action, timing, agreed
