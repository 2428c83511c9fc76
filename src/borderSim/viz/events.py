"""The event log: what the actors did each day, in words.

:func:`describe` reads what happened on the day just stepped (the model's
:class:`~borderSim.rules.day.DayRecord`: offers and their answers, ceasefires, episodes, China's
bouts) and compares a few scalars of the state before and after it (:class:`Snapshot`: the rung,
actions, the displaced, demarcation), returning phrases such as ``"Russia offers mediation;
Kyrgyzstan declines"``. Mediators' phrases come from their registry entries. Only reads the model,
so it cannot change the trajectory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from borderSim.inputs.geography import SIDE_NAMES, SIDES
from borderSim.rules.ladder import STANDOFF, UP, Move, Rung
from borderSim.rules.mediator import Mediator, MediatorAction, Registry
from borderSim.rules.thirdparties import ChinaAction

if TYPE_CHECKING:
    from borderSim.model.model import BorderModel

OFFER_OUTCOME = {
    MediatorAction.ACCEPTED: "both sides accept",
    MediatorAction.DECLINED_BY_TJ: "Tajikistan declines",
    MediatorAction.DECLINED_BY_KG: "Kyrgyzstan declines",
    MediatorAction.DECLINED_BY_BOTH: "both sides decline",
}

#: Short names of the actions, for the status panel.
MEDIATOR_STATUS = {
    MediatorAction.NONE: "inactive",
    MediatorAction.STATEMENT: "statements",
    MediatorAction.DECLINED_BY_TJ: "offer declined by TJ",
    MediatorAction.DECLINED_BY_KG: "offer declined by KG",
    MediatorAction.DECLINED_BY_BOTH: "offer declined by both",
    MediatorAction.ACCEPTED: "offer accepted",
    MediatorAction.MEDIATING: "mediating",
    MediatorAction.FACILITATING_TALKS: "facilitating talks",
}
CHINA_STATUS = {ChinaAction.NONE: "inactive", ChinaAction.STATEMENT: "statements",
                ChinaAction.ECONOMIC_PRESSURE: "economic pressure"}

MAX_NAMED = 3  # villages named in one phrase before it turns into a count


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def rung(level: int) -> str:
    """``"rung 5 (major clash)"``."""
    return f"rung {level} ({Rung(level).label})"


def status(model: BorderModel) -> str:
    """``"Russia: statements · Western mediators: inactive · China: inactive"``."""
    s = model.state
    parts = [f"{a.name}: {MEDIATOR_STATUS[a.action]}" for a in model.mediators]
    return " · ".join([*parts, f"China: {CHINA_STATUS[ChinaAction(int(s.china_action[0, 0]))]}"])


@dataclass(frozen=True)
class Snapshot:
    """The scalars of one day's state that the log compares."""

    level: int
    level_base: int
    actions: tuple[int, ...]     # each mediator's
    china_action: int
    protest_wave: bool
    durable: bool
    demarcated: tuple[bool, ...]
    displaced: int
    returning: bool

    @classmethod
    def take(cls, model: BorderModel, previous: Snapshot | None = None) -> Snapshot:
        """The model's current day; ``previous`` (the day before) tells whether people are returning."""
        s = model.state
        displaced = int(s.displaced_now[0].sum())
        return cls(
            level=int(s.level[0, 0]), level_base=int(s.level_base[0, 0]),
            actions=tuple(int(a) for a in s.mediator_action[0]), china_action=int(s.china_action[0, 0]),
            protest_wave=bool(s.protest[0, 0] >= model.params.kyrgyzstan.protest_threshold),
            durable=_durable(model),
            demarcated=tuple(bool(x) for x in s.demarcated[0]),
            displaced=displaced,
            returning=previous is not None and displaced < previous.displaced)


def _durable(model: BorderModel) -> bool:
    return bool(model.recorder.durable_day[0, 0] >= 0)


def _mediator(registry: Registry, spec: Mediator, kind: str, offered: bool, before: int, after: int) -> list[str]:
    """A mediator's offer and its answers, or a change of posture (``registry``: the run's)."""
    a, b = MediatorAction(after), MediatorAction(before)
    if offered:
        return [f"{spec.name} offers {kind}; {OFFER_OUTCOME.get(a, 'no answer')}"]
    if a == b:
        return []
    if a == MediatorAction.ACCEPTED:   # engaged without an offer of its own: a joint partner's was accepted
        leads = [registry.mediators[registry.index(j.lead)].name for j in registry.joints if j.partner == spec.key]
        return [f"{spec.name} joins the mediation of {' and '.join(leads)}"]
    if a == MediatorAction.STATEMENT and b == MediatorAction.NONE:
        return [f"{spec.name} calls for restraint"]
    if a == MediatorAction.FACILITATING_TALKS:
        return [f"{spec.name} facilitates demarcation talks"]
    if b == MediatorAction.MEDIATING and a != MediatorAction.MEDIATING:
        return [f"{spec.name}: mediation ends"]
    return []


def _third_parties(b: Snapshot, a: Snapshot, model: BorderModel) -> list[str]:
    out = []
    registry = model.ctx.registry
    for m, spec in enumerate(registry.mediators):
        out += _mediator(registry, spec, spec.describe(model.params), bool(model.today.offered[0, m]), b.actions[m],
                         a.actions[m])
    if model.today.china_pressure_started[0, 0]:
        out.append(f"China applies quiet economic pressure (debt) for "
                   f"{model.params.china.pressure_duration} days")
    elif a.china_action != b.china_action:
        if a.china_action == ChinaAction.STATEMENT and b.china_action == ChinaAction.NONE:
            out.append("China calls for restraint")
        elif b.china_action == ChinaAction.ECONOMIC_PRESSURE:
            out.append("Chinese economic pressure ends")
    return out


def _governments(b: Snapshot, a: Snapshot, model: BorderModel) -> list[str]:
    """Escalations; steps down only where they can count (rungs 1-3, nobody escalating)."""
    moves = model.state.move[0]
    up = [SIDE_NAMES[i] for i in range(2) if moves[i] == Move.UP]
    can_step_down = not up and Rung.INCIDENT <= b.level_base <= Rung.STANDOFF
    down = [SIDE_NAMES[i] for i in range(2) if moves[i] == Move.DOWN] if can_step_down else []
    out = []
    if up:
        out.append(" and ".join(up) + (" escalate" if len(up) == 2 else " escalates"))
    if down:
        out.append(" and ".join(down) + (" step down" if len(down) == 2 else " steps down"))
    return out


def _ladder(b: Snapshot, a: Snapshot, model: BorderModel) -> list[str]:
    rec, out = model.today, []
    broken = bool(rec.ceasefire_broken[0, 0])
    if broken:
        out.append("ceasefire breaks down")
    if a.level != b.level and max(a.level, b.level) >= STANDOFF:
        verb = "rises" if a.level > b.level else "falls"
        unchosen = (a.level_base > b.level_base and not broken
                    and not (model.state.move[0] == UP).any())
        out.append(f"ladder {verb} to {rung(a.level)}"
                   + (" though neither government escalated (the local fighting spirals)" if unchosen else ""))
    if rec.episode_started[0, 0]:
        out.append("an episode of fighting begins")
    if rec.episode_ended[0, 0]:
        out.append("the episode ends")
    return out


def _ceasefire(b: Snapshot, a: Snapshot, model: BorderModel) -> list[str]:
    s, rec, out = model.state, model.today, []
    if rec.ceasefire_agreed[0, 0]:
        via = [spec.name for m, spec in enumerate(model.ctx.registry.mediators) if s.mediator_engaged[0, m]]
        how = f"mediated by {' and '.join(via)}" if via else "bilateral"
        out.append(f"ceasefire agreed ({how}, strength {float(s.cf_strength[0, 0]):.2f})")
    if rec.ceasefire_survived[0, 0]:
        out.append(f"ceasefire has held {model.params.border.ceasefire_durable_days} days")
    return out


def _villages(model: BorderModel) -> list[str]:
    """Incidents, gunfire and shelling in the villages today."""
    out = []
    hit = [v for v in model.villages if v.incident_today]
    if hit:
        shots = sum(v.gunfire_today for v in hit)
        names = ", ".join(f"{v.name} ({v.side_code})" + (" with gunfire" if v.gunfire_today else "")
                          for v in hit[:MAX_NAMED])
        more = f" and {len(hit) - MAX_NAMED} more" if len(hit) > MAX_NAMED else ""
        noun = "incident" if len(hit) == 1 else f"{len(hit)} incidents" + (f" ({shots} with gunfire)"
                                                                            if shots else "")
        out.append(f"{noun} at {names}{more}")
    shelled = [v for v in model.villages if v.shelled_today]
    if shelled:
        by_side = ", ".join(f"{code} {sum(v.side_code == code for v in shelled)}" for code in SIDES)
        out.append(f"shelling hits {_count(len(shelled), 'village')} ({by_side})")
    deaths = model.state.deaths_today[0]
    if deaths.sum():
        out.append("killed today: " + ", ".join(f"{code} {int(deaths[i])}" for i, code in enumerate(SIDES)))
    fled = int(model.state.fled_today[0].sum())
    if fled:
        out.append(f"{fled:,} residents flee")
    return out


def _home_front(b: Snapshot, a: Snapshot, model: BorderModel) -> list[str]:
    out = []
    if a.returning and not b.returning:
        out.append("the displaced begin to return home")
    if a.displaced == 0 < b.displaced:
        out.append("all the displaced have returned")
    for i, (was, now) in enumerate(zip(b.demarcated, a.demarcated, strict=True)):
        if now and not was:
            out.append(f"segment {model.geo.segment_names[i]} demarcated")
    if a.durable and not b.durable:
        out.append("the border agreement becomes durable")
    if a.protest_wave and not b.protest_wave:
        out.append("a Kyrgyz protest wave begins")
    if b.protest_wave and not a.protest_wave:
        out.append("the Kyrgyz protest wave subsides")
    return out


def describe(before: Snapshot, after: Snapshot, model: BorderModel) -> list[str]:
    """Phrases for the day just stepped (``model.today``), between two snapshots of the state."""
    return (_third_parties(before, after, model) + _governments(before, after, model)
            + _ceasefire(before, after, model) + _ladder(before, after, model) + _villages(model)
            + _home_front(before, after, model))


def line(day: int, phrases: list[str]) -> str:
    """``"day 12: Russia offers mediation; Kyrgyzstan declines"``."""
    return f"day {day}: " + "; ".join(phrases)


def log_lines(entries: list[tuple[int, list[str]]], limit: int | None = None) -> list[str]:
    """The log's lines, newest first."""
    return [line(day, phrases) for day, phrases in list(reversed(entries))[:limit]]
