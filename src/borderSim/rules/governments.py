"""The two governments: daily choice to step down, hold or escalate, and their domestic position.

Each day a government compares three options by a multinomial logit (``hold`` is the reference with
utility 0). Escalation utility rises with diversionary gain, hump-shaped in domestic unrest (Tir
2010; Zhang 2024), the rung the opponent holds and, up to a standoff, its provocations (escalation yesterday or
border-guard gunfire today): above rung 3 answering in kind is holding the rung (Richardson 1960), local military
superiority above a threshold (Cederman 1997), expected patron backing (Benson 2012; Kuperman
2008) and a side-specific pull (Tajik dynastic succession, Kyrgyz protest pressure); it falls with
the expected cost of the next rung, mediator pressure and economic leverage (Beardsley et al. 2006),
and the cost of breaking a ceasefire (Fortna 2003); recent own losses make the next rung costlier
(war-weariness, the hurting side of ripeness: Zartman 2000). Stepping down gains relief from the current
rung's cost and is penalised by the rung the opponent holds and by the audience-cost stock
(Fearon 1994; Weeks 2008).

Arrays are ``(B, 2)`` for both governments (core) or ``(B, 1)`` for one (a Mesa agent passes its
own column); opponents' columns are passed explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from borderSim.rules import fmath
from borderSim.rules.draws import choose3
from borderSim.rules.groups import GovernmentArrays, ShockArrays
from borderSim.rules.ladder import STANDOFF

#: Rungs a table by rung covers: 0 .. 6 and the "next rung" 7 of a government at war (it cannot escalate).
RUNGS = np.arange(8)
RUNGS.flags.writeable = False


def by_rung(table: np.ndarray, rung: np.ndarray) -> np.ndarray:
    """(B, 1) the entries of a (B, 8) table, or of a (1, 8) table every row shares, at each row's ``rung``
    ((B, 1) ints 0-7)."""
    if table.shape[0] == 1:
        return table[0][rung]
    return np.take_along_axis(table, rung, axis=1)


def rung_power(exponent: np.ndarray, scale: float) -> np.ndarray:
    """(B, 8) table of (k / ``scale``) ** ``exponent`` for rungs k = 0 .. 7, or (1, 8) where every row shares
    the exponent: the convex profile of a rung's cost (scale 6) and of its expected deaths (scale 5),
    computed once per run."""
    if exponent.shape[0] > 1 and exponent.strides[0] == 0:   # one value broadcast along the batch
        exponent = exponent[:1]
    return fmath.power(RUNGS / scale, exponent)


def rung_cost(cost_weight: np.ndarray, power: np.ndarray) -> np.ndarray:
    """Expected cost of standing at a rung, ``power`` = (rung / 6) ** ``border.cost_exponent``
    (:func:`rung_power`): convex, rung 6 costs 4 x ``cost_weight``."""
    return cost_weight * 4.0 * power


#: Flank table: Russia's concern with fighting at a rung, 0 up to a standoff, 1/3 at a clash, all at war.
FLANK = np.clip((RUNGS - STANDOFF) / 3.0, 0.0, 1.0)
FLANK.flags.writeable = False
#: Major table: escalating to this rung is a major offensive (rung 5+), which needs forces massed.
MAJOR = RUNGS >= 5
MAJOR.flags.writeable = False
#: Public table: escalating to this rung makes a standoff public (rung 3+), which brings the rally.
PUBLIC = RUNGS >= STANDOFF
PUBLIC.flags.writeable = False


def shock_levels(d: ShockArrays, day: int) -> np.ndarray:
    """(b, 2) net unrest the dated domestic shocks add on ``day``, by side (Tajikistan, Kyrgyzstan): each
    shock's signed size (legitimacy shocks lower unrest) halved every half-life since its day, zero before
    it. ``d`` holds the ``(B, K)`` shock arrays (:func:`borderSim.rules.params.shock_arrays`); where they
    are one row broadcast along the batch (every row shares them) the levels are computed once (b = 1)."""
    when, signed, factor, side = d.shock_day, d.shock_signed, d.shock_factor, d.shock_side
    if when.shape[0] > 1 and when.strides[0] == 0:
        when, signed, factor, side = when[:1], signed[:1], factor[:1], side[:1]
    age = day - when
    value = np.where(age >= 0, signed * fmath.power(factor, np.maximum(age, 0.0)), 0.0)
    tj = np.zeros((when.shape[0], 1))
    kg = np.zeros((when.shape[0], 1))
    for k in range(when.shape[1]):   # in a fixed order, so that any batch adds up the same way
        on_tj = side[:, k:k + 1] == 0
        tj = tj + np.where(on_tj, value[:, k:k + 1], 0.0)
        kg = kg + np.where(on_tj, 0.0, value[:, k:k + 1])
    return np.concatenate([tj, kg], axis=1)


def unrest(legitimacy: np.ndarray, rally: np.ndarray, standing: np.ndarray, shocks: np.ndarray) -> np.ndarray:
    """Domestic unrest in [0, 1]: legitimacy and rally lower it, standing crises and dated shocks raise it."""
    return np.clip(1.0 - legitimacy - rally + standing + shocks, 0.0, 1.0)


def diversion(weight: np.ndarray, peak: np.ndarray, unrest_: np.ndarray) -> np.ndarray:
    """Diversionary gain, hump-shaped in unrest (Tir 2010): ``weight`` · (u/p) · exp(1 − u/p), rising to its
    maximum ``weight`` at the unrest ``peak`` p and falling beyond it (a regime near collapse cannot divert)."""
    x = unrest_ / peak
    return weight * x * fmath.exp(1.0 - x)



def casualty_cost(g: GovernmentArrays, scale: np.ndarray, profile: np.ndarray, capability: np.ndarray,
                  opp_capability: np.ndarray, sensitivity: np.ndarray) -> np.ndarray:
    """Utility cost of the legitimacy that the next rung's expected own deaths would cost (Gartner & Segura
    1998; Weeks 2008): ``anticipated_deaths`` at a major clash (rung 5), scaled to rung k by ``profile`` =
    (k/5) ** the cost convexity (a standoff carries the risk of a clash, a war about twice a major clash's
    toll) and by the side's exposure (twice the opponent's capability share), at ``death_cost`` each,
    weighted by ``casualty_aversion`` (``scale`` = casualty_aversion · death_cost, :class:`Fixed`) and the
    side's ``sensitivity`` (Kyrgyz protest over losses)."""
    exposure = 2.0 * opp_capability / (capability + opp_capability)
    deaths = g.anticipated_deaths * profile * exposure
    return scale * deaths * sensitivity


@dataclass(frozen=True)
class Fixed:
    """The parameter-only factors of both governments' utilities, computed once per run: ``(B, 2)`` in side
    order (a Mesa agent takes its column) and ``(B, 8)`` tables by rung."""

    rally_value: np.ndarray      # rally_anticipation · rally_jump
    casualty_scale: np.ndarray   # casualty_aversion · death_cost
    leverage: np.ndarray         # Russia's leverage on each side at full flank concern and attention 1
    cost_power: np.ndarray       # (B, 8): (k/6) ** border.cost_exponent
    death_profile: np.ndarray    # (B, 8): (k/5) ** border.cost_exponent
    rally_decay: np.ndarray      # (B, 1): daily decay factor of the rally (:func:`decay_factor`)
    hurt_decay: np.ndarray       # (B, 1): daily decay factor of the hurt

    @classmethod
    def of(cls, P) -> Fixed:
        g, r, b, e = P.gov, P.russia, P.border, P.border.cost_exponent
        return cls(rally_value=g.rally_anticipation * g.rally_jump, casualty_scale=g.casualty_aversion * g.death_cost,
                   leverage=np.asfortranarray(r.remittance_leverage * g.remittance_share
                                              + r.arms_leverage * g.russian_arms_share),
                   cost_power=rung_power(e, 6.0), death_profile=rung_power(e, 5.0),
                   rally_decay=decay_factor(b.rally_half_life), hurt_decay=decay_factor(b.hurt_half_life))


def presence(geo) -> np.ndarray:
    """(S + 1, 2) each side's share of a segment's residents at day 0 (Tajikistan, Kyrgyzstan); the last
    row, zeros, stands for no segment (index -1)."""
    pop = np.zeros((geo.n_segments + 1, 2))
    np.add.at(pop, (geo.segment, geo.side), geo.population)
    total = pop.sum(axis=1, keepdims=True)
    return np.divide(pop, total, out=np.zeros_like(pop), where=total > 0)


def contested_segment(episode: np.ndarray, origin: np.ndarray, segment_local: np.ndarray,
                      local_max: np.ndarray) -> np.ndarray:
    """(B,) segment where the force balance is read: an episode's origin; outside an episode the segment with
    today's worst incident; -1 (the whole dyad) on a quiet day."""
    seg = np.where(episode[:, 0], origin[:, 0], -1)
    rows = np.flatnonzero(~episode[:, 0] & (local_max[:, 0] > 0))
    if rows.size:
        seg[rows] = np.argmax(segment_local[rows], axis=1)
    return seg


def local_capability(capability: np.ndarray, fortification: np.ndarray, presence_: np.ndarray) -> np.ndarray:
    """A side's force where the fighting is: its capability, raised where its own people live and it has
    fortified (article: Tajikistan, and less so Kyrgyzstan, fortified densely populated disputed areas)."""
    return capability * (1.0 + fortification * presence_)


def local_share(capability: np.ndarray, opp_capability: np.ndarray, fortification: np.ndarray,
                opp_fortification: np.ndarray, presence_: np.ndarray, seg: np.ndarray, cols: slice,
                opp_cols: slice) -> np.ndarray:
    """(B, k) each government's share of the force at the contested segment ``seg`` ((B,), -1 for none:
    the national balance, since the last row of ``presence_`` is zeros); ``presence_`` is the (S + 1, 2)
    table of :func:`presence`, ``cols`` and ``opp_cols`` the governments' and their opponents' columns."""
    here = np.empty((seg.size, 2), order="F")   # column-major like the side state (presence_[seg] is ~10x slower)
    np.take(presence_[:, 0], seg, out=here[:, 0])
    np.take(presence_[:, 1], seg, out=here[:, 1])
    own = local_capability(capability, fortification, here[:, cols])
    other = local_capability(opp_capability, opp_fortification, here[:, opp_cols])
    return own / (own + other)


def utilities(g: GovernmentArrays, *, level_eff, level_base, unrest_, provoked, share, threshold, backing, pressure,
              pull, ceasefire, cf_strength, violation_cost, audience, weariness, next_cost, base_cost, rally_ahead,
              casualties, unready=0.0):
    """Utilities of escalating and of stepping down (hold = 0). ``g`` holds the side's parameters.

    ``share`` is the side's share of the force at the contested segment (:func:`local_share`).
    ``next_cost`` and ``base_cost`` are the costs of standing at the next rung and at the base rung
    (:func:`rung_cost`); ``weariness`` (1 + ripeness weight x hurt) scales the first: recent losses make
    further escalation costlier (Zartman 2000). ``rally_ahead`` is the value of the rally escalating to a
    public standoff brings, ``casualties`` the legitimacy cost of the next rung's expected own deaths
    (:func:`casualty_cost`); ``unready`` the cost of a major offensive without forces massed. Escalating is
    impossible at rung 6 and stepping down at base rung 0.
    """
    diverted = diversion(g.diversion_weight, g.diversion_peak, unrest_)
    reaction = g.reaction_weight * level_eff / 6.0 + g.retaliation_weight * (provoked & (level_eff <= 3))
    room = 1.0 - threshold   # 0 at threshold 1: no share exceeds it, so the pull is 0 (not 0 / 0)
    superiority = g.superiority_weight * np.maximum(0.0, share - threshold) / np.where(room > 0.0, room, 1.0)
    restraint = g.mediator_weight * pressure
    breach = ceasefire * violation_cost * cf_strength
    u_up = (g.escalation_intercept + diverted + reaction + superiority + g.patron_weight * backing + pull
            + rally_ahead - weariness * next_cost - casualties - restraint - breach - unready)
    u_down = (g.deescalation_intercept + base_cost - g.reaction_weight * level_eff / 6.0
              - g.audience_weight * audience + restraint)
    u_up = np.where(level_eff >= 6, -np.inf, u_up)
    u_down = np.where(level_base <= 0, -np.inf, u_down)
    return u_up, u_down


def choose(u: np.ndarray, u_up: np.ndarray, u_down: np.ndarray) -> np.ndarray:
    """Draw -1 / 0 / +1 from the logit probabilities (hold has utility 0).

    Where an exponential overflows (a utility above about 709, e.g. under overwhelming mediator
    pressure) the same probabilities are computed relative to the largest utility; everywhere else
    the plain form is kept, so those numbers are unchanged bit for bit.
    """
    u_up, u_down = np.broadcast_arrays(u_up, u_down)
    with np.errstate(over="ignore", invalid="ignore"):
        e_up, e_down = fmath.exp(u_up), fmath.exp(u_down)
        total = 1.0 + e_up + e_down
        p_down, p_up = e_down / total, e_up / total
    over = ~np.isfinite(total)
    if over.any():
        top = np.maximum(np.maximum(u_up[over], u_down[over]), 0.0)
        s_up, s_down = fmath.exp(u_up[over] - top), fmath.exp(u_down[over] - top)
        rest = fmath.exp(-top) + s_up + s_down
        p_up[over], p_down[over] = s_up / rest, s_down / rest
    return choose3(u, p_down, p_up)


def succession_pull(effect: np.ndarray, consolidation: np.ndarray) -> np.ndarray:
    """Tajikistan: risk-taking while the dynastic succession is unconsolidated (sign is a parameter)."""
    return effect * (1.0 - consolidation)


def protest_pull(hawkishness: np.ndarray, protest: np.ndarray) -> np.ndarray:
    """Kyrgyzstan: pull to be seen defending, rising with protest pressure."""
    return hawkishness * protest


def protest_sensitivity(weight: np.ndarray, protest: np.ndarray) -> np.ndarray:
    """Kyrgyzstan: protest over losses and the displaced multiplies the weight of expected own deaths."""
    return 1.0 + weight * protest


# -- domestic update -------------------------------------------------------------------------------
def decay_factor(half_life: np.ndarray) -> np.ndarray:
    """Daily factor of a quantity halved every ``half_life`` days (parameter-only: the compiled update reads it
    from :class:`Fixed`, computed once per run)."""
    return fmath.power(0.5, 1.0 / half_life)


def rally(g: GovernmentArrays, rally_: np.ndarray, half_life: np.ndarray, escalated_public: np.ndarray) -> np.ndarray:
    """Rally decays with its half-life and jumps when the government escalates to rung 3+."""
    return rally_ * decay_factor(half_life) + g.rally_jump * escalated_public


def audience(stock: np.ndarray, accrual: np.ndarray, decay: np.ndarray, public: np.ndarray) -> np.ndarray:
    """Audience-cost stock in [0, 1]: grows toward 1 while a standoff is public (rung 3+), decays after."""
    return np.where(public, stock + accrual * (1.0 - stock), stock * (1.0 - decay))


def hurt(hurt_: np.ndarray, half_life: np.ndarray, deaths: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Decaying memory of own losses; 1 = ``hurt_scale`` recent deaths (Zartman 2000)."""
    return hurt_ * decay_factor(half_life) + deaths / scale


def legitimacy(g: GovernmentArrays, legit: np.ndarray, anchor: np.ndarray, deaths: np.ndarray, protest_cost: np.ndarray
               ) -> np.ndarray:
    """Relaxes to its anchor; falls with own deaths and (Kyrgyzstan) days of protest."""
    new = legit + g.legitimacy_recovery * (anchor - legit) - g.death_cost * deaths - protest_cost
    return np.clip(new, 0.0, 1.0)


def protest_cost(k, pressure: np.ndarray) -> np.ndarray:
    """Kyrgyzstan: legitimacy lost on a day its protest pressure is at or above the threshold (the ``protest_cost``
    of :func:`legitimacy`; Tajikistan's is 0)."""
    return (pressure >= k.protest_threshold) * k.protest_legitimacy_cost


def capability(cap: np.ndarray, inflow: np.ndarray, assistance: np.ndarray) -> np.ndarray:
    """Capability grows with arms purchases and Western security assistance (per year)."""
    return cap + (inflow + assistance) / 365.0


def protest(k, pressure: np.ndarray, deaths_kg: np.ndarray, newly_displaced_share: np.ndarray
            ) -> np.ndarray:
    """Kyrgyz protest pressure: civil society mobilises over losses and the displaced, then decays."""
    push = k.civil_society * (k.protest_per_death * deaths_kg + k.protest_displaced * newly_displaced_share)
    return np.clip(pressure * (1.0 - k.protest_decay) + push, 0.0, 1.0)


def succession(t, consolidation: np.ndarray, rally_tj: np.ndarray) -> np.ndarray:
    """Tajik succession consolidates with the rally escalation brings (article)."""
    return np.minimum(1.0, consolidation + t.succession_rate * rally_tj)
