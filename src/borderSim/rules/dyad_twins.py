"""The scalar twins of the dyad-level rules: each the arithmetic of one numpy rule for one row or side, with numpy's
elementwise semantics (NaN propagates; on a tie the second argument), compiled inline into the kernels of
:mod:`borderSim.rules.dyad` and tested bit for bit against its rule over the parameters' whole ranges
(``tests/test_dyad_kernels.py``). No fast-math; ``exp`` and ``pow`` are the C library's, as in
:mod:`borderSim.rules.fmath`. A change here compiles the kernels that inline the twins again: their cache is keyed
on every module a kernel can reach (:mod:`borderSim.common.jit`), not only on the kernel's own file.
"""

from __future__ import annotations

import math

import numpy as np

from borderSim.common.jit import kernel

# borderSim.rules.ladder's rungs (ladder imports the kernels, not the reverse)
_INCIDENT, _STANDOFF, _WAR = 1, 3, 6
_ACCEPT_REFERENCE_UNREST = 0.5   # borderSim.rules.mediation.ACCEPT_REFERENCE_UNREST


# -- numpy's elementwise semantics for one number (NaN propagates; on a tie the second argument, as numpy) ----
@kernel(inline=True)
def maximum(a, b):
    """``np.maximum(a, b)``."""
    return a if (a > b or a != a) else b


@kernel(inline=True)
def minimum(a, b):
    """``np.minimum(a, b)``."""
    return a if (a < b or a != a) else b


@kernel(inline=True)
def clip01(x):
    """``np.clip(x, 0.0, 1.0)``."""
    m = x if (x >= 0.0 or x != x) else 0.0
    return m if (m <= 1.0 or m != m) else 1.0


@kernel(inline=True)
def row(t, i):
    """Row ``i``'s parameters in the table ``t``."""
    return t[0] if t.shape[0] == 1 else t[i]


# -- the rules' arithmetic for one row or side: each the twin of a numpy rule, tested against it -----------
@kernel(inline=True)
def unrest(legitimacy, rally, standing, shocks):
    """:func:`borderSim.rules.governments.unrest` of one government."""
    return clip01(1.0 - legitimacy - rally + standing + shocks)


@kernel(inline=True)
def acceptance(intercept, aversion, bias, sign, ripeness, hurt, accept_unrest, unrest_, patron):
    """:func:`borderSim.rules.mediation.acceptance` of one government and offer (``aversion``: its bias aversion
    plus the protest term)."""
    against = maximum(0.0, bias * sign)
    x = (intercept - aversion * against + ripeness * hurt + accept_unrest * (unrest_ - _ACCEPT_REFERENCE_UNREST)
         - patron)
    return 1.0 / (1.0 + math.exp(-x))


@kernel(inline=True)
def diversion(weight, peak, unrest_):
    """:func:`borderSim.rules.governments.diversion` of one government."""
    x = unrest_ / peak
    return weight * x * math.exp(1.0 - x)


@kernel(inline=True)
def casualty_cost(anticipated_deaths, scale, profile, capability, opp_capability, sensitivity):
    """:func:`borderSim.rules.governments.casualty_cost` of one government."""
    exposure = 2.0 * opp_capability / (capability + opp_capability)
    deaths = anticipated_deaths * profile * exposure
    return scale * deaths * sensitivity


@kernel(inline=True)
def local_share(capability, opp_capability, fortification, opp_fortification, presence, opp_presence):
    """:func:`borderSim.rules.governments.local_share` of one government (``presence``: its people's share of the
    contested segment's residents, ``opp_presence`` the opponent's)."""
    own = capability * (1.0 + fortification * presence)
    other = opp_capability * (1.0 + opp_fortification * opp_presence)
    return own / (own + other)


@kernel(inline=True)
def utilities(diversion_weight, diversion_peak, reaction_weight, retaliation_weight, superiority_weight,
              mediator_weight, escalation_intercept, deescalation_intercept, patron_weight, audience_weight,
              level_eff, level_base, unrest_, provoked, share, threshold, backing, pressure, pull, ceasefire,
              cf_strength, violation_cost, audience, weariness, next_cost, base_cost, rally_ahead, casualties, unready):
    """:func:`borderSim.rules.governments.utilities` of one government: (escalate, step down), from the pieces
    :func:`borderSim.rules.dyad.decide` calls itself (it computes the shared terms once for the bound and the
    utility)."""
    reaction, restraint, breach = shared_terms(reaction_weight, retaliation_weight, mediator_weight, level_eff,
                                               provoked, pressure, ceasefire, violation_cost, cf_strength)
    u_up = up_sum(escalation_intercept, diversion(diversion_weight, diversion_peak, unrest_), reaction,
                  superiority(superiority_weight, share, threshold), patron_weight * backing, pull, rally_ahead,
                  weariness * next_cost, casualties, restraint, breach, unready, level_eff)
    return u_up, down_utility(deescalation_intercept, base_cost, reaction_weight, audience_weight, level_eff,
                              level_base, audience, restraint)


@kernel(inline=True)
def shared_terms(reaction_weight, retaliation_weight, mediator_weight, level_eff, provoked, pressure, ceasefire,
                 violation_cost, cf_strength):
    """The terms of :func:`utilities` that its bound (:func:`up_bound`) has too: (reaction, restraint, breach)."""
    reaction = reaction_weight * level_eff / 6.0 + retaliation_weight * (provoked and level_eff <= 3)
    return reaction, mediator_weight * pressure, ceasefire * violation_cost * cf_strength


@kernel(inline=True)
def superiority(weight, share, threshold):
    """The pull of local superiority in :func:`utilities` (0 at threshold 1: no share exceeds it, not 0 / 0)."""
    room = 1.0 - threshold
    return weight * maximum(0.0, share - threshold) / (room if room > 0.0 else 1.0)


@kernel(inline=True)
def up_sum(intercept, diverted, reaction, superiority, backed, pull, rally_ahead, next_cost, casualties, restraint,
           breach, unready, level_eff):
    """The escalation utility of :func:`utilities` from its terms, summed in the rule's order (``-inf`` at rung 6)."""
    if level_eff >= 6:
        return -np.inf
    return (intercept + diverted + reaction + superiority + backed + pull + rally_ahead - next_cost - casualties
            - restraint - breach - unready)


@kernel(inline=True)
def down_utility(intercept, base_cost, reaction_weight, audience_weight, level_eff, level_base, audience, restraint):
    """The step-down utility of :func:`utilities` (``-inf`` at base rung 0)."""
    if level_base <= 0:
        return -np.inf
    return intercept + base_cost - reaction_weight * level_eff / 6.0 - audience_weight * audience + restraint


#: Above 1 by far more than the few roundings by which a computed diversion or superiority can exceed its weight
#: (each is its weight times a factor that is at most 1 before rounding).
ABOVE = 1.0 + 1e-9


@kernel(inline=True)
def up_bound(diversion_weight, superiority_weight, intercept, backed, pull, rally_ahead, next_cost, reaction,
             restraint, breach, unready, level_eff):
    """An upper bound of :func:`utilities`' escalation utility (:func:`up_sum` of the same terms) that needs neither
    the diversion's ``exp`` nor a division by the forces: the diversion (``weight x u/peak x exp(1 - u/peak)``, at
    most its weight) and the superiority (at most its weight) at their greatest, the casualty cost (never below 0)
    at 0. Rounded sums and products are monotone, so the bound is at least the utility, bit for bit (the weights
    are never negative: the schema's ranges)."""
    return up_sum(intercept, diversion_weight * ABOVE, reaction, superiority_weight * ABOVE, backed, pull,
                  rally_ahead, next_cost, 0.0, restraint, breach, unready, level_eff)


@kernel(inline=True)
def exp_neg_below(x):
    """A lower bound of ``exp(-x)`` for ``x <= 0`` without ``exp`` (so ``1 / exp_neg_below(x)`` is an upper bound of
    ``exp(x)``): the Taylor polynomial of degree 4 of ``e**y`` at ``y = -x``, below ``e**y`` for ``y >= 0`` (inf at
    ``x = -inf``)."""
    y = -x
    return 1.0 + y * (1.0 + y * (0.5 + y * (1.0 / 6.0 + y / 24.0)))


SURE = 1.001   # margin over the bound: covers every rounding (the C library's exp, the sums, the products)
CAP = 2.0**500  # exp_neg_below capped here: u x a x b and a + b of two capped bounds never overflow


@kernel(inline=True)
def holds(u, u_up, u_down):
    """Whether the draw ``u`` surely holds (0) under :func:`choose` without its exponentials: both utilities are at
    most 0 and the draw is above a bound of the rule's chance to move. Then ``total >= 1``, so the rule's ``p_down +
    p_up`` is at most its ``e_down + e_up`` (correctly rounded sums and quotients are monotone), each ``exp`` is
    within an ulp of the true value and below ``1 / a`` and ``1 / b`` (``a``, ``b``: :func:`exp_neg_below` of each
    utility, at least 1, capped at :data:`CAP`, which only raises ``1 / a``); so the draw holds where
    ``u >= (1 / a + 1 / b) x SURE``, compared without a division as ``u x a x b >= (a + b) x SURE`` (:data:`SURE`
    covers the roundings of both sides). A barred move (utility ``-inf``, ``a`` at the cap) adds almost nothing to
    the bound: at base rung 0, where no one can step down, the draw holds above about ``1 / a``, not ``2 / a``. The
    bound only grows with either utility, so it may be given upper bounds of them (:func:`up_bound`)."""
    if not (u_up <= 0.0 and u_down <= 0.0):
        return False
    a, b = min(exp_neg_below(u_up), CAP), min(exp_neg_below(u_down), CAP)
    return u * a * b >= (a + b) * SURE


@kernel(inline=True)
def choose(u, u_up, u_down):
    """:func:`borderSim.rules.governments.choose` of one government: -1, 0 or +1 (the overflow branch as the
    rule's). Where the draw surely holds (:func:`holds`: most rows on most days) the exponentials are not needed;
    where they are, they are the rule's."""
    if holds(u, u_up, u_down):
        return 0
    e_up, e_down = math.exp(u_up), math.exp(u_down)
    total = 1.0 + e_up + e_down
    p_down, p_up = e_down / total, e_up / total
    if not math.isfinite(total):
        top = maximum(maximum(u_up, u_down), 0.0)
        s_up, s_down = math.exp(u_up - top), math.exp(u_down - top)
        rest = math.exp(-top) + s_up + s_down
        p_up, p_down = s_up / rest, s_down / rest
    if u < p_down:
        return -1
    if u < p_down + p_up:
        return 1
    return 0


@kernel(inline=True)
def break_probability(rate, strength, fragility, local_max, age, settling_days):
    """:func:`borderSim.rules.ladder.break_probability` of one ceasefire."""
    hazard = rate * (1.0 - strength) * (1.0 + fragility)
    return minimum(1.0, hazard * (1.0 + local_max) / (1.0 + age / settling_days))


@kernel(inline=True)
def ceasefire_probability(rate, ripeness_weight, unrest_lock, hurt_tj, hurt_kg, audience_tj, audience_kg,
                          weight_tj, weight_kg, unrest_tj, unrest_kg, mediation):
    """:func:`borderSim.rules.ladder.ceasefire_probability` of one row."""
    mutual = minimum(hurt_tj, hurt_kg)
    locked_in = weight_tj * audience_tj + weight_kg * audience_kg
    locked_in = locked_in + unrest_lock * (maximum(unrest_tj - 0.5, 0.0) + maximum(unrest_kg - 0.5, 0.0))
    hazard = rate * (1.0 + ripeness_weight * mutual) * mediation / (1.0 + locked_in)
    return 1.0 - math.exp(-hazard)


@kernel(inline=True)
def reentry(cf_from, age, memory_days):
    """:func:`borderSim.rules.ladder.reentry` of one broken ceasefire."""
    above = (cf_from - _INCIDENT) * math.pow(0.5, age / memory_days)
    return _INCIDENT + np.int64(math.floor(above + 0.5))


@kernel(inline=True)
def mass_forces(readiness, level, mobilisation_days, demobilisation_days):
    """:func:`borderSim.rules.ladder.mass_forces` of one row."""
    if level >= _STANDOFF:
        return readiness + (1.0 - readiness) / mobilisation_days
    return readiness * (1.0 - 1.0 / demobilisation_days)


@kernel(inline=True)
def success_probability(success, talks_ripeness, threshold, hurt_tj, hurt_kg, facilitation, protest):
    """:func:`borderSim.rules.negotiation.success_probability` of one row."""
    mutual = maximum(minimum(hurt_tj, hurt_kg) - threshold, 0.0)
    return clip01(success * (1.0 + talks_ripeness * mutual) * facilitation * (1.0 - protest))


# -- the day's incident factor and the governments' domestic update ----------------------------------------
@kernel(inline=True)
def daily_factor(agreement_incident_effect, tension_incidents, agreement, level_base, season):
    """:func:`borderSim.rules.communities.daily_factor` of one row."""
    calm = 1.0 - agreement_incident_effect * agreement
    return calm * (1.0 + tension_incidents * level_base / _WAR) * season


@kernel(inline=True)
def rally_after(rally, decay, jump, up_in_public):
    """:func:`borderSim.rules.governments.rally` of one government (``decay``: the daily factor of its half-life)."""
    return rally * decay + jump * up_in_public


@kernel(inline=True)
def audience_after(stock, public, accrual, decay):
    """:func:`borderSim.rules.governments.audience` of one government."""
    return stock + accrual * (1.0 - stock) if public else stock * (1.0 - decay)


@kernel(inline=True)
def hurt_after(hurt, decay, deaths, scale):
    """:func:`borderSim.rules.governments.hurt` of one government (``decay``: the daily factor of its half-life)."""
    return hurt * decay + deaths / scale


@kernel(inline=True)
def protest_cost(pressure, threshold, cost):
    """:func:`borderSim.rules.governments.protest_cost` of one row (Kyrgyzstan's)."""
    return (pressure >= threshold) * cost


@kernel(inline=True)
def legitimacy_after(legit, recovery, anchor, death_cost, deaths, protest_cost_):
    """:func:`borderSim.rules.governments.legitimacy` of one government."""
    return clip01(legit + recovery * (anchor - legit) - death_cost * deaths - protest_cost_)


@kernel(inline=True)
def capability_after(cap, gain):
    """:func:`borderSim.rules.governments.capability` of one government (``gain``: arms inflow plus assistance)."""
    return cap + gain / 365.0


@kernel(inline=True)
def protest_after(pressure, decay, civil_society, per_death, deaths_kg, per_displaced, fled_kg, kg_population):
    """:func:`borderSim.rules.governments.protest` of one row (``fled_kg / kg_population`` the newly displaced
    share)."""
    push = civil_society * (per_death * deaths_kg + per_displaced * (fled_kg / kg_population))
    return clip01(pressure * (1.0 - decay) + push)


@kernel(inline=True)
def succession_after(consolidation, rate, rally_tj):
    """:func:`borderSim.rules.governments.succession` of one row."""
    return minimum(1.0, consolidation + rate * rally_tj)
