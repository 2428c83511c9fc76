"""Border communities: grievance, local incidents, harm under fire, flight and return.

Incidents arise from grievance, more often on disputed segments and around exclaves (Lim et al.
2007), with a farming-season rhythm (record: clashes cluster in April-September); border guards may turn an
incident into gunfire, more readily when troops are on the line. On the front at rungs 4-6 villages
are shelled (civilian deaths, wounded, homes destroyed) and residents flee; the displaced return
once fighting stops. Losses raise grievance, which relaxes back to its baseline.

Village arrays may be ``(B, V)``, a ``(1, 1)`` slice for one Mesa agent, or ``(n, 1)`` for sparse
pairs; parameters are passed with matching rows. Everything is elementwise.
"""

from __future__ import annotations

import numpy as np

from borderSim.inputs.geography import Geography
from borderSim.rules import fmath
from borderSim.rules.draws import poisson, stochastic_round
from borderSim.rules.ladder import WAR
from borderSim.rules.params import ParamArrays

_REFERENCE_GRIEVANCE = 0.5


def near_exclave(geo: Geography) -> np.ndarray:
    """(V,) bool: the village lies in an exclave or on an exclave's perimeter segment."""
    return geo.exclave | geo.segment_exclave[geo.segment]


def baseline_grievance(P: ParamArrays, geo: Geography) -> np.ndarray:
    """(B, V) grievance each village relaxes back to."""
    c = P.communities
    g = c.grievance_base + c.grievance_water * geo.water_point + c.grievance_exclave * near_exclave(geo)
    return np.minimum(g, 1.0)


def hazard_base(P: ParamArrays, geo: Geography, demarcated: np.ndarray) -> np.ndarray:
    """(B, V) incident hazard per unit grievance, before daily factors.

    Demarcation removes ``demarcation_effect`` of a segment's hazard; exclaves multiply it. (The talks rewrite
    the rows that conceded a segment through :func:`borderSim.rules.kernels.hazard_rows`, tested against this.)
    """
    seg_factor = np.where(demarcated[:, geo.segment], 1.0 - P.border.demarcation_effect, 1.0)
    exclave = np.where(near_exclave(geo), P.border.exclave_multiplier, 1.0)
    return P.communities.incident_rate / _REFERENCE_GRIEVANCE * seg_factor * exclave


def season(P: ParamArrays, day: int) -> np.ndarray:
    """(B, 1) multiplier of every village's incident hazard on ``day``: the farming and grazing season
    (irrigation, pastures, field work) brings neighbours into contact in spring and summer. Where every row
    shares the season's parameters (one row broadcast along the batch) it is computed once."""
    shared = _shared_season_terms(P)
    if shared is not None:
        return np.broadcast_to(_season(*shared, day), (P.batch, 1))
    return _season(P.simulation.start_date, P.border.season_peak_day, P.border.season_amplitude, day)


def shared_seasons(P: ParamArrays, first: int, count: int) -> np.ndarray | None:
    """(1, count) :func:`season` of the days ``first`` .. ``first + count - 1`` in one call, where every row shares
    the season's parameters (the same operations on each day, so the same numbers); None where rows differ."""
    shared = _shared_season_terms(P)
    return None if shared is None else _season(*shared, np.arange(first, first + count)[None, :])


def _shared_season_terms(P: ParamArrays) -> tuple[np.ndarray, ...] | None:
    """The season's parameters (start date, peak day, amplitude) as their first row where every row shares them
    (one row broadcast along the batch); None where rows differ."""
    terms = (P.simulation.start_date, P.border.season_peak_day, P.border.season_amplitude)
    if all(t.shape[0] > 1 and t.strides[0] == 0 for t in terms):
        return tuple(t[:1] for t in terms)
    return None


def _season(start: np.ndarray, peak: np.ndarray, amplitude: np.ndarray, day: int | np.ndarray) -> np.ndarray:
    phase = 2.0 * np.pi * (start + day - peak) / 365.25
    return 1.0 + amplitude * fmath.cos(phase)


def daily_factor(P: ParamArrays, level_base: np.ndarray, agreement: np.ndarray,
                 season_factor: np.ndarray) -> np.ndarray:
    """(B, 1) factor common to all villages: agreement strength, troops on the line and the season."""
    calm = 1.0 - P.border.agreement_incident_effect * agreement
    return calm * (1.0 + P.border.tension_incidents * level_base / WAR) * season_factor


def incident_hazard(hazard: np.ndarray, grievance: np.ndarray) -> np.ndarray:
    """A village's incident hazard at its grievance (``hazard x grievance``): the first product of
    :func:`incident_probability`, which the state keeps beside the two (its ``incident_hazard``) for the kernels."""
    return hazard * grievance


def incident_probability(hazard: np.ndarray, grievance: np.ndarray, daily: np.ndarray) -> np.ndarray:
    """Daily incident probability.

    The engines draw incidents with :func:`borderSim.rules.kernels.observe`, which computes this
    probability in the same way, fused with the draw; this function states the rule and is the
    reference the kernel is tested against (as are the rules below that the kernels of
    :mod:`borderSim.rules.kernels` and :mod:`borderSim.rules.frontline` run: gunfire, shelling, harm, flight).
    """
    p = incident_hazard(hazard, grievance)
    p *= daily
    np.minimum(p, 1.0, out=p)
    return p


def segment_hazard(hazard: np.ndarray, grievance: np.ndarray, daily: np.ndarray, geo: Geography) -> np.ndarray:
    """(n, S) expected incidents today on each segment (its villages' incident chances, uncapped)."""
    return geo.by_segment(hazard * grievance * daily)


def gunfire_probability(P: ParamArrays, level_base: np.ndarray) -> np.ndarray:
    """(B, 1) chance that an incident turns into border-guard gunfire."""
    c = P.communities
    return np.minimum(1.0, c.gunfire_probability * (1.0 + c.militarisation * level_base / WAR))


# -- harm on the front ------------------------------------------------------------------------------
def exposure(capability: np.ndarray) -> np.ndarray:
    """(B, 2) exposure of each side's soldiers to the other's fire: twice the opponent's capability share."""
    return 2.0 * capability[:, ::-1] / (capability[:, :1] + capability[:, 1:])


def village_exposure(P: ParamArrays, capability: np.ndarray) -> np.ndarray:
    """(B, 2) exposure of each side's villages: the soldiers' exposure raised to the incursion exponent."""
    return fmath.power(exposure(capability), P.border.incursion_exponent)


def shelling_probability(P: ParamArrays, intens: np.ndarray, expo: np.ndarray) -> np.ndarray:
    return np.minimum(1.0, P.communities.shelling_probability * intens * expo)


#: Persons per home, to turn a village's population into its housing stock. The Tajikistan 2010
#: Population and Housing Census counted 1,197,187 households with 7,523,010 members: 6.3 persons per
#: household (Agency on Statistics under the President of Tajikistan, census results presented 2012).
#: No Kyrgyz figure is in the project's sources, so the same figure is used on both sides; Kyrgyz
#: households are smaller, so the Kyrgyz stock is, if anything, underestimated.
PERSONS_PER_HOME = 6.3


def housing_stock(population: np.ndarray) -> np.ndarray:
    """Homes in a village of ``population`` residents (census population / persons per home, rounded up)."""
    return np.ceil(np.asarray(population) / PERSONS_PER_HOME).astype(np.int64)


def civilian_harm(P: ParamArrays, residents: np.ndarray, population: np.ndarray, intens: np.ndarray,
                  u_deaths: np.ndarray, u_wounded: np.ndarray, u_homes: np.ndarray,
                  homes_standing: np.ndarray) -> tuple[np.ndarray, ...]:
    """Deaths, wounded and homes destroyed in a shelled village (deaths never exceed residents, homes
    destroyed never exceed the homes still standing, ``homes_standing``).

    Harm scales with what is exposed: deaths with the residents still at home, homes with the
    village's housing (its census population), per 1,000 (brief: civilian harm grows with the
    population under fire); ``intens`` is the fire the village takes (rung and distance from the origin).
    """
    mean_deaths, mean_wounded, mean_homes = harm_means(P, residents, population, intens)
    deaths = np.minimum(poisson(u_deaths, mean_deaths), residents)
    wounded = poisson(u_wounded, mean_wounded)
    homes = np.minimum(poisson(u_homes, mean_homes), homes_standing)
    return deaths, wounded, homes


def harm_means(P: ParamArrays, residents: np.ndarray, population: np.ndarray, intens: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The expected deaths, wounded and homes destroyed of :func:`civilian_harm`."""
    c = P.communities
    mean_deaths = c.civilian_death_rate * intens * residents / 1000.0
    return mean_deaths, P.border.wounded_per_death * mean_deaths, c.homes_per_shelling * intens * population / 1000.0


def flight(P: ParamArrays, residents: np.ndarray, danger: np.ndarray, civil_society: np.ndarray,
           u: np.ndarray) -> np.ndarray:
    """Residents of a front village who flee today. Each household leaves with a daily hazard
    ``flight_rate`` x civil society x ``danger`` (the village's chance of being shelled that day: the
    fire near it): flight accumulates over the days of fighting and does not empty a village in a day;
    more leave where civil society and the state organise evacuation and shelter (article: Kyrgyz
    grassroots shelter; Tajikistan's weak civil society)."""
    return np.minimum(stochastic_round(residents * flight_share(P, civil_society, danger), u), residents)


def flight_share(P: ParamArrays, civil_society: np.ndarray, danger: np.ndarray) -> np.ndarray:
    """The share of a front village's households that flee today (:func:`flight`)."""
    return -fmath.expm1(-P.communities.flight_rate * civil_society * danger)


def may_return(P: ParamArrays, days_since_fight: np.ndarray, displaced_now: np.ndarray) -> np.ndarray:
    """(B,) rows where the displaced may come home: fighting stopped ``return_delay_days`` or more days ago and
    someone is displaced (the rule; the engines select the rows with :func:`borderSim.rules.kernels.returning_rows`,
    tested against this)."""
    return (days_since_fight[:, 0] >= P.communities.return_delay_days[:, 0]) & (displaced_now.sum(axis=1) > 0)


def returns(P: ParamArrays, displaced: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Displaced residents who come home today (the rule; the engines run it through
    :func:`borderSim.rules.kernels.apply_returns`, tested against this)."""
    return np.minimum(stochastic_round(displaced * P.communities.return_rate, u), displaced)


# -- grievance -----------------------------------------------------------------------------------
def grievance_after_losses(P: ParamArrays, grievance: np.ndarray, deaths: np.ndarray,
                           homes: np.ndarray) -> np.ndarray:
    c = P.communities
    return np.minimum(1.0, grievance + c.grievance_loss * deaths + c.grievance_homes * homes)


RELAX_EVERY = 7  # days between grievance updates


def relaxes_today(day: int) -> bool:
    """Grievance relaxes once a week (by a week's worth of daily recovery)."""
    return day % RELAX_EVERY == 0


RELAX_SNAP = 1e-4  # grievance this close to its baseline is back at it (the village is calm again)


def relax_factor(P: ParamArrays) -> np.ndarray:
    """What is left of a grievance's excess over its baseline after a week of daily recovery."""
    return fmath.power(1.0 - P.communities.grievance_recovery, RELAX_EVERY)


def grievance_relax(P: ParamArrays, grievance: np.ndarray, baseline: np.ndarray) -> np.ndarray:
    """A week of relaxation toward the baseline, snapped to it within ``RELAX_SNAP`` (the rule; the core
    runs it in place through :func:`borderSim.rules.kernels.relax_grievance`, tested against this)."""
    g = baseline + (grievance - baseline) * relax_factor(P)
    return np.where(np.abs(g - baseline) < RELAX_SNAP, baseline, g)
