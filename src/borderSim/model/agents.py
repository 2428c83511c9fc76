"""The agents: two governments, the border villages, Russia, China and the Western mediators.

Each agent's state lives in the model's batch-1 :class:`~borderSim.rules.state.State` (one source of
truth, recorded by the DataCollector); agents read it through properties and change it by calling the
rule functions on their own slice, exactly as the vectorised core does for all rows at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from borderSim.geography import KG, SIDE_NAMES, SIDES, TJ
from borderSim.rules import communities, governments, kernels, thirdparties
from borderSim.rules.ladder import GUNFIRE, STANDOFF, UP
from borderSim.rules.streams import Stream, uniform
from borderSim.rules.thirdparties import SIDE_SIGN, ChinaAction, MediatorAction

if TYPE_CHECKING:
    from borderSim.model.model import BorderModel


def _one(a: np.ndarray):
    """A (1, 1) array as a Python scalar."""
    return a.item()


# --------------------------------------------------------------------------------------------------
class Government(mesa.Agent):
    """A government choosing each day to step down, hold or escalate (multinomial logit)."""

    side: int

    def __init__(self, model: BorderModel):
        super().__init__(model)
        self.code = SIDES[self.side]
        self.name = SIDE_NAMES[self.side]
        self._col = slice(self.side, self.side + 1)
        self._opp = slice(1 - self.side, 2 - self.side)
        self.params = model.P.side(self.side)

    # -- inspection ------------------------------------------------------------------------------
    legitimacy = property(lambda self: _one(self.model.state.legitimacy[:, self._col]))
    rally = property(lambda self: _one(self.model.state.rally[:, self._col]))
    audience_cost = property(lambda self: _one(self.model.state.audience[:, self._col]))
    capability = property(lambda self: _one(self.model.state.capability[:, self._col]))
    move = property(lambda self: _one(self.model.state.move[:, self._col]))

    def pull(self) -> np.ndarray:
        """The side-specific pull toward escalation (succession or protest)."""
        raise NotImplementedError

    # -- behaviour -------------------------------------------------------------------------------
    def accepts(self, day: int, stream: Stream, bias: np.ndarray) -> np.ndarray:
        """Answer a mediation offer from a mediator with ``bias`` (+ toward Tajikistan)."""
        s, P = self.model.state, self.model.P
        p = thirdparties.acceptance(self.params, bias, s.hurt[:, self._col], P.border.ripeness_weight,
                                    SIDE_SIGN[:, self._col])
        return uniform(self.model.keys, day, stream, [self.side]) < p

    def decide(self, day: int) -> None:
        """Choose today's move from the utilities of escalating and stepping down."""
        m = self.model
        s, P, col, opp = m.state, m.P, self._col, self._opp
        pressure = thirdparties.pressure(P, s.russia_engaged, s.west_engaged, s.china_until >= day)
        u_up, u_down = governments.utilities(
            self.params, level_eff=np.maximum(s.level_base, s.local_max), level_base=s.level_base,
            unrest_=governments.unrest(s.legitimacy[:, col], s.rally[:, col], self.params.unrest_shock),
            provoked=(s.move_prev[:, opp] == UP) | (s.local_max >= GUNFIRE), capability=s.capability[:, col],
            opp_capability=s.capability[:, opp], threshold=P.border.superiority_threshold,
            backing=m.ctx.backing[:, col], pressure=pressure[:, col], pull=self.pull(),
            ceasefire=s.ceasefire, cf_strength=s.cf_strength, violation_cost=P.border.violation_cost,
            audience=s.audience[:, col], cost_exponent=P.border.cost_exponent,
            weariness=1.0 + P.border.ripeness_weight * s.hurt[:, col])
        s.move[:, col] = governments.choose(uniform(m.keys, day, Stream.CHOICE, [self.side]), u_up, u_down)

    def update_domestic(self) -> None:
        """Rally, audience costs, hurt, legitimacy and capability after the day's events."""
        m = self.model
        s, P, col = m.state, m.P, self._col
        public = s.level >= STANDOFF
        s.rally[:, col] = governments.rally(self.params, s.rally[:, col], P.border.rally_half_life,
                                            (s.move[:, col] == UP) & public)
        s.audience[:, col] = governments.audience(s.audience[:, col], P.border.audience_accrual,
                                                  P.border.audience_decay, public)
        s.hurt[:, col] = governments.hurt(s.hurt[:, col], P.border.hurt_half_life, s.deaths_today[:, col],
                                          P.border.hurt_scale)
        s.legitimacy[:, col] = governments.legitimacy(self.params, s.legitimacy[:, col],
                                                      s.legitimacy0[:, col], s.deaths_today[:, col],
                                                      self.protest_cost())
        s.capability[:, col] = governments.capability(s.capability[:, col], self.params.arms_inflow,
                                                      P.western.security_assistance)

    def protest_cost(self) -> np.ndarray:
        return np.zeros((1, 1))


class Tajikistan(Government):
    """Long-ruling autocrat preparing a dynastic succession; elite audience only; close to Moscow."""

    side = TJ
    succession = property(lambda self: _one(self.model.state.succession))

    def pull(self) -> np.ndarray:
        return governments.succession_pull(self.model.P.tajikistan.succession_effect, self.model.state.succession)

    def update_domestic(self) -> None:
        super().update_domestic()
        s = self.model.state
        s.succession = governments.succession(self.model.P.tajikistan, s.succession, s.rally[:, self._col])


class Kyrgyzstan(Government):
    """New populist government; strong civil society and media that can turn to protest."""

    side = KG
    protest_pressure = property(lambda self: _one(self.model.state.protest))

    def pull(self) -> np.ndarray:
        return governments.protest_pull(self.model.P.kyrgyzstan.protest_hawkishness, self.model.state.protest)

    def protest_cost(self) -> np.ndarray:
        k = self.model.P.kyrgyzstan
        return (self.model.state.protest >= k.protest_threshold) * k.protest_legitimacy_cost

    def update_domestic(self) -> None:
        super().update_domestic()
        m = self.model
        s = m.state
        s.protest = governments.protest(m.P.kyrgyzstan, s.protest, s.deaths_today[:, self._col],
                                        s.fled_today[:, self._col] / m.geo.side_population[KG])


# --------------------------------------------------------------------------------------------------
class Village(mesa.Agent):
    """A border settlement: grievance, incidents, shelling, flight and return."""

    def __init__(self, model: BorderModel, index: int):
        super().__init__(model)
        geo = model.geo
        self.index = index
        self._col = slice(index, index + 1)
        self.name = geo.village_names[index]
        self.side = int(geo.side[index])
        self.side_code = SIDES[self.side]
        self.segment = int(geo.segment[index])
        self.segment_id = geo.segment_ids[self.segment]
        self.lat, self.lon = float(geo.lat[index]), float(geo.lon[index])
        self.population = int(geo.population[index])
        self.water_point = bool(geo.water_point[index])
        self.shelled_today = False   # for display; not part of the shared state
        self._water = np.array([self.water_point])
        self._slot = np.array([index])

    def _get(self, name: str):
        return _one(getattr(self.model.state, name)[:, self._col])

    residents = property(lambda self: self._get("residents"))
    displaced = property(lambda self: self._get("displaced"))
    dead = property(lambda self: self._get("dead"))
    wounded = property(lambda self: self._get("wounded"))
    homes_destroyed = property(lambda self: self._get("homes"))
    grievance = property(lambda self: self._get("grievance"))
    incident_today = property(lambda self: bool(self._get("incident")))
    gunfire_today = property(lambda self: bool(self._get("gunfire_v")))

    def observe(self, day: int) -> None:
        """Today's incident chance from grievance and the season; border guards may open fire."""
        m = self.model
        s, P, col = m.state, m.P, self._col
        self.shelled_today = False
        rows, _ = kernels.incidents(m.keys, day, self._slot, s.hazard_base[:, col], s.grievance[:, col],
                                    m.today["daily"], m.today["season"], self._water)
        incident = np.array([[rows.size > 0]])
        gun = np.zeros_like(incident)
        if rows.size:
            gun = uniform(m.keys, day, Stream.GUNFIRE, [self.index]) < communities.gunfire_probability(
                P, s.level_base)
        s.incident[:, col] = incident
        s.gunfire_v[:, col] = gun

    def endure(self, day: int, intens: np.ndarray, expo: np.ndarray) -> None:
        """On the front: maybe shelled (deaths, wounded, homes), and residents flee."""
        m = self.model
        s, P, col, i = m.state, m.P, self._col, [self.index]
        sc = slice(self.side, self.side + 1)
        residents = s.residents[:, col].copy()
        deaths = np.zeros_like(residents)
        shelled = uniform(m.keys, day, Stream.SHELLING, i) < communities.shelling_probability(P, intens, expo)
        self.shelled_today = bool(shelled.any())
        if self.shelled_today:
            deaths, wounded, homes = communities.civilian_harm(
                P, residents, m.geo.population[i][:, None], intens, uniform(m.keys, day, Stream.CIVILIAN_DEATHS, i),
                uniform(m.keys, day, Stream.CIVILIAN_WOUNDED, i), uniform(m.keys, day, Stream.HOMES, i))
            s.dead[:, col] += deaths
            s.wounded[:, col] += wounded
            s.homes[:, col] += homes
            s.deaths_civilian[:, sc] += deaths
            s.wounded_civilian[:, sc] += wounded
            s.homes_destroyed[:, sc] += homes
            s.deaths_today[:, sc] += deaths
            s.grievance[:, col] = communities.grievance_after_losses(P, s.grievance[:, col], deaths, homes)
        left = residents - deaths
        fled = communities.flight(P, left, intens, expo, P.gov.civil_society[:, sc],
                                  uniform(m.keys, day, Stream.FLIGHT, i))
        s.residents[:, col] = left - fled
        s.displaced[:, col] += fled
        s.fled_today[:, sc] += fled
        s.displaced_now[:, sc] += fled

    def recover(self, day: int) -> None:
        """Once fighting has stopped the displaced come home; grievance relaxes toward its baseline."""
        m = self.model
        s, P, col = m.state, m.P, self._col
        ready = s.days_since_fight >= P.communities.return_delay_days
        if ready.all() and self.displaced > 0:
            kernels.apply_returns(m.keys, day, np.array([0]), self._slot, s.displaced, s.residents,
                                  s.displaced_now, m.geo.side, P.communities.return_rate)
        if communities.relaxes_today(day):
            s.grievance[:, col] = communities.grievance_relax(P, s.grievance[:, col], s.grievance0[:, col])


# --------------------------------------------------------------------------------------------------
class Russia(mesa.Agent):
    """CSTO patron: no military intervention; calls, biased mediation offers, restraint of its client."""

    name = "Russia"
    action = property(lambda self: MediatorAction(_one(self.model.state.russia_action)))
    engaged = property(lambda self: bool(_one(self.model.state.russia_engaged)))

    def act(self, day: int) -> dict:
        m = self.model
        s, P = m.state, m.P
        p_offer = thirdparties.russia_offer_probability(P)
        u_offer = uniform(m.keys, day, Stream.RUSSIA_OFFER, 0)[:, None]
        accepted = np.zeros((1, 2), dtype=bool)
        if (s.episode & ~s.russia_engaged & (u_offer < p_offer)).any():
            accepted = np.concatenate([g.accepts(day, Stream.RUSSIA_ACCEPT, P.russia.bias)
                                       for g in m.governments], axis=1)
        s.russia_engaged, s.russia_action, offered, agreed = thirdparties.mediator_step(
            s.episode, s.russia_engaged, p_offer, u_offer, accepted, True)
        s.russia_timing = np.where(agreed, thirdparties.timing_factor(P, day - s.episode_onset),
                                   s.russia_timing)
        return {"russia_offered": offered, "russia_agreed": agreed}


class China(mesa.Agent):
    """SCO: never mediates; quiet economic pressure through debt when fighting threatens its assets."""

    name = "China"
    action = property(lambda self: ChinaAction(_one(self.model.state.china_action)))

    def act(self, day: int, level_prev: np.ndarray) -> dict:
        m = self.model
        s = m.state
        s.china_until, s.china_action, started = thirdparties.china_step(
            m.P, level_prev, s.china_until, day, uniform(m.keys, day, Stream.CHINA, 0)[:, None])
        return {"china_started": started}


class WesternMediators(mesa.Agent):
    """OSCE, EU and US: offers after a delay, in a facilitative or manipulative style."""

    name = "Western mediators"
    action = property(lambda self: MediatorAction(_one(self.model.state.west_action)))
    engaged = property(lambda self: bool(_one(self.model.state.west_engaged)))

    def act(self, day: int) -> dict:
        m = self.model
        s, P = m.state, m.P
        days_in = day - s.episode_onset
        p_offer = thirdparties.west_offer_probability(P, days_in)
        u_offer = uniform(m.keys, day, Stream.WEST_OFFER, 0)[:, None]
        accepted = np.zeros((1, 2), dtype=bool)
        if (s.episode & ~s.west_engaged & (u_offer < p_offer)).any():
            bias = thirdparties.west_bias(P)
            accepted = np.concatenate([g.accepts(day, Stream.WEST_ACCEPT, bias) for g in m.governments], axis=1)
        s.west_engaged, action, offered, agreed = thirdparties.mediator_step(
            s.episode, s.west_engaged, p_offer, u_offer, accepted, P.western.willingness > 0)
        s.west_action = np.where(~s.episode & P.western.preventive, MediatorAction.FACILITATING_TALKS, action)
        timing = thirdparties.timing_factor(P, days_in)
        s.west_timing = np.where(agreed, timing, s.west_timing)
        joint = agreed & P.western.joint_with_russia & ~s.russia_engaged
        s.russia_engaged = s.russia_engaged | joint
        s.russia_timing = np.where(joint, timing, s.russia_timing)
        s.russia_action = np.where(joint, MediatorAction.ACCEPTED, s.russia_action)
        return {"west_offered": offered, "west_agreed": agreed}
