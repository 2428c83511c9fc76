"""The per-replicate outcomes, each declared once (cf. EMA Workbench's ``ScalarOutcome``).

An :class:`Outcome` is a column of the summary: its name, its one-line meaning (units in brackets), the unit,
label and side the experiments show, the running quantities (:class:`Tally`) it accumulates day by day and
how it reduces them, with the final state, to one value per replicate. The recorder's arrays and its numpy
statement, the summary's columns and their order, the labels and ``compare``'s metric check all follow from
:func:`declared`, read when called: each registered mediator adds its ``<key>_offers``, ``<key>_acceptances``
and ``<key>_days_engaged``. A new outcome is one entry of :data:`BEFORE` or :data:`AFTER`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from borderSim.inputs.geography import KG, TJ
from borderSim.outputs import variables
from borderSim.rules import mediators
from borderSim.rules.ladder import CLASH, GUNFIRE, MAJOR_CLASH, STANDOFF, UP, WAR

Kind = Literal["sum", "peak", "first", "any", "at", "start", "custom", "aux"]
_WIDTHS = {"row": 1, "side": 2}


@dataclass(frozen=True)
class Tally:
    """A running quantity of the recorder, an array (rows, width), and how a day adds to it.

    ``value(s, rec, P)`` is the day's value (a condition for ``first`` and ``any``): ``sum`` adds it, ``peak``
    keeps the largest, ``first`` the first day it holds (``fill`` -1 until then), ``any`` whether it ever held,
    ``at`` its value on ``day``, ``start`` its value at the recorder's day 0 (never updated); ``custom`` runs
    ``update(r, s, rec, P, day)``, which also updates the ``aux`` tallies it ``needs``. ``init(s)`` replaces
    ``fill`` as the day-0 value. ``width`` is ``row``, ``side`` (column-major like the side state),
    ``mediator`` or a number."""

    name: str
    kind: Kind
    value: Callable[..., np.ndarray] | None = None
    width: str | int = "row"
    dtype: Any = np.int64
    fill: float = 0
    init: Callable[[Any], np.ndarray] | None = None
    day: int = 0
    update: Callable[..., None] | None = None
    needs: tuple[Tally, ...] = ()

    def new(self, s) -> np.ndarray:
        """The tally's day-0 array for the state ``s``."""
        if self.init is not None:
            return self.init(s).copy()
        width = s.mediator_engaged.shape[1] if self.width == "mediator" else _WIDTHS.get(self.width, self.width)
        return np.full((s.batch, width), self.fill, dtype=self.dtype, order="F" if self.width == "side" else "C")

    def add(self, r, s, rec, P, day: int) -> None:
        """Add ``day`` to the recorder ``r``'s array, as full-batch numpy operations."""
        acc = getattr(r, self.name)
        if self.kind == "custom":
            self.update(r, s, rec, P, day)
        elif self.kind == "sum":
            acc += self.value(s, rec, P)
        elif self.kind == "peak":
            np.maximum(acc, self.value(s, rec, P), out=acc)
        elif self.kind == "first":
            np.copyto(acc, day, where=(acc < 0) & self.value(s, rec, P))
        elif self.kind == "any":
            acc |= self.value(s, rec, P)
        elif self.kind == "at" and day == self.day:
            np.copyto(acc, self.value(s, rec, P))


@dataclass(frozen=True)
class Outcome:
    """A column of the per-replicate summary: ``reduce(r, s)`` is its value per replicate from the recorder ``r``
    (its tallies by name, ``r.geo``) and the final state ``s``; ``label`` (figures, tables) defaults to the
    text before its brackets; ``side`` is the country it belongs to, if one."""

    name: str
    text: str
    reduce: Callable[[Any, Any], np.ndarray]
    tallies: tuple[Tally, ...] = ()
    unit: str = ""
    side: str | None = None
    label: str | None = None

    @property
    def caption(self) -> str:
        text = self.label or self.text.split(" [")[0]
        return text[:1].upper() + text[1:]


def tallies(outcomes: tuple[Outcome, ...]) -> tuple[Tally, ...]:
    """The tallies the outcomes accumulate, each once (those a tally needs before it), in declaration order."""
    out: dict[str, Tally] = {}

    def add(t: Tally) -> None:
        for n in t.needs:
            add(n)
        if out.setdefault(t.name, t) is not t:
            raise ValueError(f"two different tallies are named {t.name}")

    for o in outcomes:
        for t in o.tallies:
            add(t)
    return tuple(out.values())


# -- the reductions -----------------------------------------------------------------------------------------
def _nan_if(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    return np.where(missing, np.nan, values.astype(np.float64))


def _col(t: Tally, k: int = 0) -> Callable:
    return lambda r, s: getattr(r, t.name)[:, k]


def _total(t: Tally) -> Callable:
    return lambda r, s: getattr(r, t.name).sum(axis=1)


def _first_day(t: Tally) -> Callable:
    return lambda r, s: _nan_if(getattr(r, t.name)[:, 0], getattr(r, t.name)[:, 0] < 0)


def _since(r, s, *names: str) -> np.ndarray:
    """The state's totals ``names`` (summed) counted from the recorder's day 0."""
    out = getattr(s, names[0]) - getattr(r, names[0] + "0")
    for n in names[1:]:
        out = out + (getattr(s, n) - getattr(r, n + "0"))
    return out


# -- the tallies --------------------------------------------------------------------------------------------
def _count_episodes(r, s, rec, P, day: int) -> None:
    np.copyto(r.episode_peak, 0, where=rec.episode_started)
    rising = np.flatnonzero((s.episode & (s.level > r.episode_peak))[:, 0])   # an episode reaches a new peak
    if rising.size:
        old, new = r.episode_peak[rising], s.level[rising]
        for k, rung in enumerate(EPISODE_RUNGS):
            r.episodes_by_rung[rising, k:k + 1] += (old < rung) & (new >= rung)
        r.episode_peak[rising] = new


def _count_deadly(r, s, rec, P, day: int) -> None:
    np.copyto(r.episode_deadly, False, where=rec.episode_started)
    died = np.flatnonzero(s.deaths_today[:, 0] + s.deaths_today[:, 1] > 0)   # few rows
    if died.size:
        in_episode = s.episode[died, 0] | rec.episode_ended[died, 0]
        new = ~in_episode | ~r.episode_deadly[died, 0]
        r.deadly_clashes[died, 0] += new
        r.episode_deadly[died, 0] |= in_episode


def _up(s, rec, P) -> np.ndarray:
    return s.move == UP


def _sides(name: str, kind: Kind, value: Callable) -> Tally:
    return Tally(name, kind, value, "side")


def _start(name: str) -> Tally:
    return Tally(name + "0", "start", init=lambda s: getattr(s, name))


def _at(day: int) -> Tally:
    return Tally(f"legitimacy_{day}", "at", lambda s, rec, P: s.legitimacy, "side", np.float64, np.nan, day=day)


#: The rungs whose episodes are counted (the columns of the ``episodes_by_rung`` tally).
EPISODE_RUNGS = (STANDOFF, CLASH, MAJOR_CLASH, WAR)

MAX_LEVEL = Tally("max_level", "peak", lambda s, rec, P: s.level, init=lambda s: s.level)
DAYS_GE2 = Tally("days_ge2", "sum", lambda s, rec, P: s.level >= GUNFIRE)
DAYS_GE3 = Tally("days_ge3", "sum", lambda s, rec, P: s.level >= STANDOFF)
DAYS_GE5 = Tally("days_ge5", "sum", lambda s, rec, P: s.level >= MAJOR_CLASH)
FIRST_DAY5 = Tally("first_day5", "first", lambda s, rec, P: s.level >= MAJOR_CLASH, fill=-1)
REACHED6 = Tally("reached6", "any", lambda s, rec, P: s.level >= WAR, dtype=bool)
EPISODES = Tally("episodes_by_rung", "custom", width=len(EPISODE_RUNGS), update=_count_episodes,
                 needs=(Tally("episode_peak", "aux"),))   # the highest rung of the current (or last) episode
DEADLY = Tally("deadly_clashes", "custom", update=_count_deadly, needs=(Tally("episode_deadly", "aux", dtype=bool),))
INCIDENTS = Tally("incidents_total", "sum", lambda s, rec, P: s.incidents)
PEAK_DEATHS = Tally("peak_daily_deaths", "peak", lambda s, rec, P: s.deaths_today.sum(axis=1, keepdims=True))
FRONT_PEAK = Tally("front_peak", "peak", lambda s, rec, P: np.where(s.level >= CLASH,
                                                                    s.front.sum(axis=1, keepdims=True), 0))
FIRST_CF = Tally("first_cf_day", "first", lambda s, rec, P: rec.ceasefire_agreed, fill=-1)
CF_AGREED = Tally("cf_agreed", "sum", lambda s, rec, P: rec.ceasefire_agreed)
CF_BROKEN = Tally("cf_broken", "sum", lambda s, rec, P: rec.ceasefire_broken)
CF_SURVIVED = Tally("cf_survived", "sum", lambda s, rec, P: rec.ceasefire_survived)
DURABLE = Tally("durable_day", "first", lambda s, rec, P: s.agreement >= P.border.durable_threshold, fill=-1)
PROTEST_PEAK = Tally("protest_peak", "peak", lambda s, rec, P: s.protest, dtype=np.float64)
PROTEST_DAYS = Tally("protest_wave_days", "sum", lambda s, rec, P: s.protest >= P.kyrgyzstan.protest_threshold)
CHINA = Tally("china_bouts", "sum", lambda s, rec, P: rec.china_pressure_started)
ESCALATIONS = _sides("escalations", "sum", _up)
PUBLIC = _sides("public_escalations", "sum", lambda s, rec, P: _up(s, rec, P) & (s.level_base >= STANDOFF))
CLASH_UP = _sides("clash_escalations", "sum", lambda s, rec, P: _up(s, rec, P) & (s.level_base >= CLASH))
DISPLACED_PEAK = _sides("displaced_peak", "peak", lambda s, rec, P: s.displaced_now)
DISPLACED = _sides("displaced_total", "sum", lambda s, rec, P: s.fled_today)
LEGITIMACY0 = Tally("legitimacy0", "start", init=lambda s: s.legitimacy)
DEATHS = (_start("deaths_civilian"), _start("deaths_military"))
WOUNDED = (_start("wounded_civilian"), _start("wounded_military"))
HOMES0 = _start("homes_destroyed")
OFFERS = Tally("offers", "sum", lambda s, rec, P: rec.offered, "mediator")
ACCEPTANCES = Tally("acceptances", "sum", lambda s, rec, P: rec.agreed, "mediator")
ENGAGED = Tally("engaged_days", "sum", lambda s, rec, P: s.mediator_engaged, "mediator")


# -- the outcomes -------------------------------------------------------------------------------------------
def _per_side(name: str, texts: tuple[str, str], reduce: Callable[[int], Callable], tallies: tuple[Tally, ...],
              unit: str = "", labels: tuple[str | None, str | None] = (None, None)) -> tuple[Outcome, Outcome]:
    """``<name>_TJ`` and ``<name>_KG`` (``texts`` and ``labels``: theirs, in that order)."""
    return (Outcome(f"{name}_TJ", texts[0], reduce(TJ), tallies, unit, "TJ", labels[0]),
            Outcome(f"{name}_KG", texts[1], reduce(KG), tallies, unit, "KG", labels[1]))


def _deaths(r, s) -> np.ndarray:
    return _since(r, s, "deaths_civilian", "deaths_military")


def _legitimacy_change(day: int) -> Callable[[int], Callable]:
    return lambda k: lambda r, s: getattr(r, f"legitimacy_{day}")[:, k] - r.legitimacy0[:, k]


def _survival(r, s) -> np.ndarray:
    ended = r.cf_survived[:, 0] + r.cf_broken[:, 0]
    return _nan_if(r.cf_survived[:, 0] / np.maximum(ended, 1), ended == 0)


def _days_per_major(r, s) -> np.ndarray:
    major = r.episodes_by_rung[:, 2]
    return _nan_if(r.days_ge5[:, 0] / np.maximum(major, 1), major == 0)


def _escalated(ended: str) -> tuple[str, str]:
    return tuple(f"days {c} escalated and the day ended {ended}" for c in ("Tajikistan", "Kyrgyzstan"))


#: The summary's outcomes before the mediators' (in the summary's order).
BEFORE: tuple[Outcome, ...] = (
    Outcome("reached_rung5", "a major clash (rung 5+) happened", lambda r, s: r.max_level[:, 0] >= MAJOR_CLASH,
            (MAX_LEVEL,), "share of replicates", label="P(major clash, rung 5+)"),
    Outcome("first_day_rung5", "first day at rung 5+ [day; NaN if never]", _first_day(FIRST_DAY5), (FIRST_DAY5,),
            "day"),
    Outcome("reached_rung6", "sustained war (rung 6) happened", _col(REACHED6), (REACHED6,)),
    Outcome("max_level", "highest rung reached", _col(MAX_LEVEL), (MAX_LEVEL,)),
    Outcome("episodes", "episodes: runs of rung 3+ joined across lulls shorter than border.episode_gap_days",
            _col(EPISODES, 0), (EPISODES,)),
    Outcome("episodes_rung4plus", "episodes that reached a clash (rung 4+)", _col(EPISODES, 1), (EPISODES,)),
    Outcome("major_episodes", "episodes that reached a major clash (rung 5+)", _col(EPISODES, 2), (EPISODES,)),
    Outcome("episodes_rung6", "episodes that reached sustained war (rung 6)", _col(EPISODES, 3), (EPISODES,)),
    Outcome("days_rung2plus", "days at rung 2 or above", _col(DAYS_GE2), (DAYS_GE2,), "days"),
    Outcome("days_rung3plus", "days at rung 3 or above (standoff or fighting)", _col(DAYS_GE3), (DAYS_GE3,), "days"),
    Outcome("days_rung5plus", "days at rung 5 or above", _col(DAYS_GE5), (DAYS_GE5,), "days", label="Days at rung 5+"),
    Outcome("major_clash_days_mean", "days at rung 5+ per major episode [NaN if none]", _days_per_major,
            (DAYS_GE5, EPISODES), "days"),
    Outcome("deadly_clashes", "clashes with deaths: episodes (rung 3+) in which someone was killed, and days "
            "outside an episode on which someone was (a border-guard shoot-out)", _col(DEADLY), (DEADLY,)),
    Outcome("incidents_total", "village incidents", _col(INCIDENTS), (INCIDENTS,), "incidents"),
    Outcome("deaths_total", "deaths, both sides, civilian and military", lambda r, s: _deaths(r, s).sum(axis=1),
            DEATHS, "persons"),
    *_per_side("deaths", ("Tajik deaths", "Kyrgyz deaths"), lambda k: lambda r, s: _deaths(r, s)[:, k], DEATHS,
               "persons"),
    Outcome("deaths_civilian", "civilian deaths, both sides",
            lambda r, s: _since(r, s, "deaths_civilian").sum(axis=1), DEATHS[:1], "persons"),
    Outcome("deaths_military", "military deaths, both sides",
            lambda r, s: _since(r, s, "deaths_military").sum(axis=1), DEATHS[1:], "persons"),
    Outcome("peak_daily_deaths", "most deaths on one day", _col(PEAK_DEATHS), (PEAK_DEATHS,), "persons"),
    Outcome("wounded_total", "wounded, both sides",
            lambda r, s: _since(r, s, "wounded_civilian", "wounded_military").sum(axis=1), WOUNDED, "persons"),
    *_per_side("homes_destroyed", ("Tajik homes destroyed", "Kyrgyz homes destroyed"),
               lambda k: lambda r, s: _since(r, s, "homes_destroyed")[:, k], (HOMES0,)),
    *_per_side("displaced_peak", ("most Tajik residents displaced at once", "most Kyrgyz residents displaced at once"),
               lambda k: _col(DISPLACED_PEAK, k), (DISPLACED_PEAK,), "persons",
               ("Tajik displaced at peak", "Kyrgyz displaced at peak")),
    Outcome("displaced_total", "flights from home, both sides (a person fleeing twice counts twice)",
            _total(DISPLACED), (DISPLACED,), "flights from home"),
    Outcome("front_segments_peak", "most segments on the front at once", _col(FRONT_PEAK), (FRONT_PEAK,)),
    Outcome("days_to_first_ceasefire", "day of the first ceasefire [NaN if none]", _first_day(FIRST_CF), (FIRST_CF,),
            "day"),
    Outcome("ceasefires_agreed", "ceasefires agreed", _col(CF_AGREED), (CF_AGREED,), "ceasefires"),
    Outcome("ceasefires_broken", "ceasefires broken", _col(CF_BROKEN), (CF_BROKEN,), "ceasefires"),
    Outcome("ceasefires_survived", "ceasefires that held to the durable mark", _col(CF_SURVIVED), (CF_SURVIVED,)),
    Outcome("ceasefire_survival", "share of ended ceasefires that held to the durable mark [NaN if none ended]",
            _survival, (CF_SURVIVED, CF_BROKEN), "share of ended ceasefires",
            label="Ceasefires that held to the durable mark"),
    Outcome("days_to_durable_agreement", "day agreement strength reached the durable threshold [NaN if never]",
            _first_day(DURABLE), (DURABLE,)),
    *_per_side("legitimacy_change_90", ("Tajik legitimacy at day 90 minus day 0 [NaN if the horizon is shorter]",
                                        "Kyrgyz legitimacy at day 90 minus day 0"),
               _legitimacy_change(90), (_at(90), LEGITIMACY0)),
    *_per_side("legitimacy_change_365", ("Tajik legitimacy at day 365 minus day 0",
                                         "Kyrgyz legitimacy at day 365 minus day 0"),
               _legitimacy_change(365), (_at(365), LEGITIMACY0), "index points (0-1 scale)",
               ("Tajik legitimacy change, day 365", "Kyrgyz legitimacy change, day 365")),
    Outcome("protest_wave", "Kyrgyz protest pressure crossed the protest threshold",
            lambda r, s: r.protest_wave_days[:, 0] > 0, (PROTEST_DAYS,), "share of replicates", "KG",
            "P(Kyrgyz protest wave)"),
    Outcome("protest_peak", "highest Kyrgyz protest pressure", _col(PROTEST_PEAK), (PROTEST_PEAK,)),
    *_per_side("escalations", ("days Tajikistan chose to escalate", "days Kyrgyzstan chose to escalate"),
               lambda k: _col(ESCALATIONS, k), (ESCALATIONS,)),
    *_per_side("public_escalations", _escalated("at a standoff or in fighting (rung 3+)"),
               lambda k: _col(PUBLIC, k), (PUBLIC,)),
    *_per_side("clash_escalations", _escalated("in fighting (rung 4+)"), lambda k: _col(CLASH_UP, k), (CLASH_UP,)),
)

#: The summary's outcomes after the mediators'.
AFTER: tuple[Outcome, ...] = (
    Outcome("china_pressure_bouts", "bouts of Chinese economic pressure", _col(CHINA), (CHINA,)),
    Outcome("demarcated_share_final", "share of the border demarcated at the end",
            lambda r, s: variables.BY_NAME["demarcated_share"].read(s, r.geo)[:, 0], (), "share of length",
            label="Border demarcated at the end"),
    Outcome("agreement_final", "agreement strength at the end", lambda r, s: s.agreement[:, 0]),
)


def mediator_outcomes(m: int, spec: mediators.Mediator) -> tuple[Outcome, ...]:
    """The outcomes of the ``m``-th registered mediator."""
    return (Outcome(f"{spec.key}_offers", f"mediation offers by {spec.name}", _col(OFFERS, m), (OFFERS,)),
            Outcome(f"{spec.key}_acceptances", f"offers by {spec.name} accepted by both sides", _col(ACCEPTANCES, m),
                    (ACCEPTANCES,)),
            Outcome(f"{spec.key}_days_engaged", f"days {spec.name} mediated (engaged at the end of the day) [day]",
                    _col(ENGAGED, m), (ENGAGED,)))


def declared() -> tuple[Outcome, ...]:
    """Every outcome, in the summary's order: :data:`BEFORE`, each registered mediator's
    (:data:`borderSim.rules.mediators.MEDIATORS`, read now), :data:`AFTER`."""
    per_mediator = (o for m, spec in enumerate(mediators.MEDIATORS) for o in mediator_outcomes(m, spec))
    return (*BEFORE, *per_mediator, *AFTER)


def by_name() -> dict[str, Outcome]:
    """:func:`declared`, by name."""
    return {o.name: o for o in declared()}
