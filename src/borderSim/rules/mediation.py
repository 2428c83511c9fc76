"""A mediator's day on the rows in an episode: whether it offers (:func:`offers`), whether each government
accepts (:func:`answers`: the offer's bias, joint with a partner's, the government's hurt and unrest, Russia's
discouragement of mediators it wants kept out) and what follows (:func:`settle`: mediations begin, a joint
partner's too, or the mediator reports the answers or makes statements); and the timing factor of an entry into
the episode (Regan & Stam 2000). Every function reads the run's registry (:class:`~borderSim.rules.mediator.Registry`,
held by the run's context), never a module-level one.
"""

from __future__ import annotations

import numpy as np

from borderSim.common.jit import kernel
from borderSim.rules.draws import logistic
from borderSim.rules.groups import GovernmentArrays
from borderSim.rules.mediation_terms import discouraged, joint_columns, offer_bias, relations
from borderSim.rules.mediator import (
    ACCEPTED,
    MEDIATING,
    NONE,
    SIDE_SIGN,
    SIDES2,
    STATEMENT,
    MediatorAction,
    Registry,
    Situation,
)
from borderSim.rules.params import ParamArrays
from borderSim.rules.streams import counter, to_uniform, uniform


def timing_factor(P: ParamArrays, days_in: np.ndarray) -> np.ndarray:
    """Mediation effect by days since the episode began: full early and late, dipping mid-span."""
    x = np.clip(days_in / P.border.timing_span_days, 0.0, 1.0)
    return 1.0 - P.border.timing_dip * 4.0 * x * (1.0 - x)


def offers(P: ParamArrays, keys: np.ndarray, day: int, sit: Situation, m: int) -> np.ndarray:
    """(n, 1) whether mediator ``m`` offers mediation on rows in an episode where it is not mediating."""
    spec = sit.mediators[m]
    p = sit.offer_probability(P, m)
    if not np.any(p > 0.0):   # unwilling on every row: no draw needed (draws are keyed, not sequential)
        return np.zeros((P.batch, 1), dtype=bool)
    u = uniform(keys, day, spec.offer_stream, 0)[:, None]
    return ~sit.engaged[:, m:m + 1] & (u < p)


@kernel
def episode_rows(episode, onset, keys, engaged, day):
    """The rows in an episode (``episode`` (B, 1)), their keys, their days since the episode began (``day - onset``,
    (n, 1)) and their engaged mediators ((n, M) of ``engaged``): ``np.flatnonzero(episode[:, 0])`` and the gathers
    of :func:`borderSim.rules.schedule._offers_today`, in one pass."""
    n = 0
    for i in range(episode.shape[0]):
        n += 1 if episode[i, 0] else 0
    rows, row_keys = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.uint64)
    days_in, row_engaged = np.empty((n, 1), dtype=onset.dtype), np.empty((n, engaged.shape[1]), dtype=np.bool_)
    k = 0
    for i in range(episode.shape[0]):
        if episode[i, 0]:
            rows[k], row_keys[k], days_in[k, 0] = i, keys[i], day - onset[i, 0]
            for m in range(engaged.shape[1]):
                row_engaged[k, m] = engaged[i, m]
            k += 1
    return rows, row_keys, days_in, row_engaged


@kernel
def draw_offers(keys, day, streams, cols, engaged, chance, offered):
    """:func:`offers` of the mediators ``cols`` (``streams``: each mediator's offer stream), in place
    (``offered`` (n, M)): where not ``engaged`` and the draw falls below ``chance`` (n, M), drawn only where the
    chance is positive (a draw is in [0, 1): it falls below no other chance)."""
    for m in cols:
        c = counter(day, streams[m], 0)
        for k in range(keys.size):
            p = chance[k, m]
            offered[k, m] = not engaged[k, m] and p > 0.0 and to_uniform(keys[k], c) < p


#: Unrest at which a government's acceptance is its ``accept_intercept`` (and the rest of its terms).
ACCEPT_REFERENCE_UNREST = 0.5


def acceptance(g: GovernmentArrays, bias: np.ndarray, hurt: np.ndarray, ripeness: np.ndarray, sign: np.ndarray,
               unrest: np.ndarray, bias_protest: np.ndarray, patron: np.ndarray) -> np.ndarray:
    """Chance a government accepts an offer from a mediator with ``bias`` (+ toward Tajikistan): less the more
    the mediator leans against it (Kydd 2003), and more so under protest (``bias_protest``: the Kyrgyz
    protest term); more the more it hurts (Zartman 2000) and the higher its unrest (political cover for
    concessions: Beardsley 2011); less where its patron discourages it (``patron``, :func:`discouraged`)."""
    against = np.maximum(0.0, bias * sign)
    return logistic(g.accept_intercept - (g.bias_aversion + bias_protest) * against + ripeness * hurt
                    + g.accept_unrest * (unrest - ACCEPT_REFERENCE_UNREST) - patron)


def answers(P: ParamArrays, registry: Registry, g: GovernmentArrays, keys: np.ndarray, day: int, hurt: np.ndarray,
            m: int, cols: slice, unrest: np.ndarray, bias_protest: np.ndarray) -> np.ndarray:
    """(n, k) whether the governments in columns ``cols`` (``g`` their parameters; ``hurt``, ``unrest`` and
    ``bias_protest`` theirs) accept the offers of the mediator ``m`` of ``registry`` on the rows of ``P``."""
    sign = SIDE_SIGN[:, cols]
    p = acceptance(g, offer_bias(P, registry, m), hurt, P.border.ripeness_weight, sign, unrest, bias_protest,
                   discouraged(P, registry, m, sign))
    return uniform(keys, day, registry.mediators[m].accept_stream, SIDES2[cols]) < p


def offer_outcome(accepted: np.ndarray) -> np.ndarray:
    """Action code of an offer given (n, 2) acceptances."""
    tj, kg = accepted[:, :1], accepted[:, 1:]
    return np.where(tj & kg, MediatorAction.ACCEPTED,
                    np.where(tj, MediatorAction.DECLINED_BY_KG,
                             np.where(kg, MediatorAction.DECLINED_BY_TJ, MediatorAction.DECLINED_BY_BOTH)))


def settle(P: ParamArrays, registry: Registry, engaged: np.ndarray, offered: np.ndarray, accepted: np.ndarray,
           timing: np.ndarray, today: np.ndarray, terms: tuple[np.ndarray, np.ndarray] | None = None
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
    speaks, active = relations(P, registry) if terms is None else terms
    lead, partner = joint_columns(registry)
    return _settle(engaged, offered, accepted, timing, today, speaks, lead, partner, active)


_OUTCOMES = np.array([MediatorAction.DECLINED_BY_BOTH, MediatorAction.DECLINED_BY_TJ, MediatorAction.DECLINED_BY_KG,
                      MediatorAction.ACCEPTED], dtype=np.int64)   # by 2 x Tajikistan's answer + Kyrgyzstan's


@kernel(inline=True)
def _settle_row(engaged, offered, accepted, timing, today, speaks, lead, partner, active, action, agreed):
    """One row of :func:`settle`, in place: ``engaged`` and ``timing`` (M,) updated, ``action`` and ``agreed`` (M,)
    written; ``today`` the row's timing factor, ``speaks`` (M,) and ``active`` (J,) its relations."""
    for m in range(engaged.size):
        tj, kg = accepted[m, 0], accepted[m, 1]
        agreed[m] = offered[m] and tj and kg
        if offered[m]:            # offers come only from mediators not yet mediating
            action[m] = _OUTCOMES[2 * tj + kg]
        elif engaged[m]:
            action[m] = MEDIATING
        else:
            action[m] = STATEMENT if speaks[m] else NONE
        if agreed[m]:
            engaged[m] = True
            timing[m] = today
    for k in range(lead.size):
        p = partner[k]
        if agreed[lead[k]] and active[k] and not engaged[p]:
            engaged[p] = True
            action[p] = ACCEPTED
            timing[p] = today


@kernel
def _settle(engaged, offered, accepted, timing, today, speaks, lead, partner, active):
    n, n_med = engaged.shape
    engaged, timing = engaged.copy(), timing.copy()
    action = np.empty((n, n_med), dtype=np.int64)
    agreed = np.empty((n, n_med), dtype=np.bool_)
    for i in range(n):
        _settle_row(engaged[i], offered[i], accepted[i], timing[i], today[i, 0], speaks[i], lead, partner, active[i],
                    action[i], agreed[i])
    return engaged, action, timing, agreed


@kernel(inline=True)
def timing_of(days_in, span, dip):
    """:func:`timing_factor` of one row (``np.clip`` as numpy's: a NaN stays NaN)."""
    x = days_in / span
    x = x if (x >= 0.0 or x != x) else 0.0
    x = x if (x <= 1.0 or x != x) else 1.0
    return 1.0 - dip * 4.0 * x * (1.0 - x)


@kernel
def settle_rows(rows, days_in, span, dip, engaged, offered, accepted, speaks, active, lead, partner,
                state_engaged, state_action, state_timing, offered_out, agreed_out):
    """:func:`settle` of the rows in an episode ``rows``, written into the (B, M) state arrays ``state_*`` and the
    day's record (``offered_out``, ``agreed_out``) in place, with the timing factor of an entry today
    (:func:`timing_factor` of ``days_in`` and the (B, 1) parameters ``span``, ``dip``) and the relations ``speaks``
    (B, M) and ``active`` (B, J): what :func:`borderSim.rules.schedule.settle_mediation` states. ``engaged``,
    ``offered`` (n, M) and ``accepted`` (n, M, 2) are the offers' rows'."""
    n_med = engaged.shape[1]
    row_engaged, row_timing = np.empty(n_med, dtype=np.bool_), np.empty(n_med)
    action, agreed = np.empty(n_med, dtype=np.int64), np.empty(n_med, dtype=np.bool_)
    for k in range(rows.size):
        i = rows[k]
        for m in range(n_med):
            row_engaged[m], row_timing[m] = engaged[k, m], state_timing[i, m]
        today = timing_of(days_in[k, 0], span[i, 0], dip[i, 0])
        _settle_row(row_engaged, offered[k], accepted[k], row_timing, today, speaks[i], lead, partner, active[i],
                    action, agreed)
        for m in range(n_med):
            state_engaged[i, m], state_action[i, m], state_timing[i, m] = row_engaged[m], action[m], row_timing[m]
            offered_out[i, m], agreed_out[i, m] = offered[k, m], agreed[m]

