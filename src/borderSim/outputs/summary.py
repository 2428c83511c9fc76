"""The per-replicate summary: what each column means, and the :class:`Recorder` that accumulates it.

Both engines' drivers (:func:`borderSim.core.run.run_rows`, :class:`borderSim.model.BorderModel`)
feed a recorder the state and the :class:`~borderSim.rules.day.DayRecord` after each day; the model
never reads it. A new column is its accumulator in :meth:`Recorder.record` and its line in
:func:`columns` and :func:`summarise`, all here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from borderSim.geography import KG, TJ, Geography
from borderSim.outputs import variables
from borderSim.rules import mediators
from borderSim.rules.day import DayRecord
from borderSim.rules.dyad import maximum
from borderSim.rules.ladder import CLASH, GUNFIRE, MAJOR_CLASH, STANDOFF, UP, WAR
from borderSim.rules.params import ParamArrays
from borderSim.rules.state import State

_BEFORE: dict[str, str] = {
    "replicate": "replicate index (streams keyed by seed and this index)",
    "reached_rung5": "a major clash (rung 5+) happened",
    "first_day_rung5": "first day at rung 5+ [day; NaN if never]",
    "reached_rung6": "sustained war (rung 6) happened",
    "max_level": "highest rung reached",
    "episodes": "episodes: runs of rung 3+ joined across lulls shorter than border.episode_gap_days",
    "episodes_rung4plus": "episodes that reached a clash (rung 4+)",
    "major_episodes": "episodes that reached a major clash (rung 5+)",
    "episodes_rung6": "episodes that reached sustained war (rung 6)",
    "days_rung2plus": "days at rung 2 or above",
    "days_rung3plus": "days at rung 3 or above (standoff or fighting)",
    "days_rung5plus": "days at rung 5 or above",
    "major_clash_days_mean": "days at rung 5+ per major episode [NaN if none]",
    "deadly_clashes": "clashes with deaths: episodes (rung 3+) in which someone was killed, and days outside an "
                      "episode on which someone was (a border-guard shoot-out)",
    "incidents_total": "village incidents",
    "deaths_total": "deaths, both sides, civilian and military",
    "deaths_TJ": "Tajik deaths", "deaths_KG": "Kyrgyz deaths",
    "deaths_civilian": "civilian deaths, both sides", "deaths_military": "military deaths, both sides",
    "peak_daily_deaths": "most deaths on one day",
    "wounded_total": "wounded, both sides",
    "homes_destroyed_TJ": "Tajik homes destroyed", "homes_destroyed_KG": "Kyrgyz homes destroyed",
    "displaced_peak_TJ": "most Tajik residents displaced at once",
    "displaced_peak_KG": "most Kyrgyz residents displaced at once",
    "displaced_total": "flights from home, both sides (a person fleeing twice counts twice)",
    "front_segments_peak": "most segments on the front at once",
    "days_to_first_ceasefire": "day of the first ceasefire [NaN if none]",
    "ceasefires_agreed": "ceasefires agreed", "ceasefires_broken": "ceasefires broken",
    "ceasefires_survived": "ceasefires that held to the durable mark",
    "ceasefire_survival": "share of ended ceasefires that held to the durable mark [NaN if none ended]",
    "days_to_durable_agreement": "day agreement strength reached the durable threshold [NaN if never]",
    "legitimacy_change_90_TJ": "Tajik legitimacy at day 90 minus day 0 [NaN if the horizon is shorter]",
    "legitimacy_change_90_KG": "Kyrgyz legitimacy at day 90 minus day 0",
    "legitimacy_change_365_TJ": "Tajik legitimacy at day 365 minus day 0",
    "legitimacy_change_365_KG": "Kyrgyz legitimacy at day 365 minus day 0",
    "protest_wave": "Kyrgyz protest pressure crossed the protest threshold",
    "protest_peak": "highest Kyrgyz protest pressure",
    "escalations_TJ": "days Tajikistan chose to escalate", "escalations_KG": "days Kyrgyzstan chose to escalate",
    "public_escalations_TJ": "days Tajikistan escalated and the day ended at a standoff or in fighting (rung 3+)",
    "public_escalations_KG": "days Kyrgyzstan escalated and the day ended at a standoff or in fighting (rung 3+)",
    "clash_escalations_TJ": "days Tajikistan escalated and the day ended in fighting (rung 4+)",
    "clash_escalations_KG": "days Kyrgyzstan escalated and the day ended in fighting (rung 4+)",
}
_AFTER: dict[str, str] = {
    "china_pressure_bouts": "bouts of Chinese economic pressure",
    "demarcated_share_final": "share of the border demarcated at the end",
    "agreement_final": "agreement strength at the end",
}


def columns() -> dict[str, str]:
    """Column -> one-line meaning (units in brackets), in the order of the summary table; each
    registered mediator has ``<key>_offers``, ``<key>_acceptances`` and ``<key>_days_engaged``."""
    per_mediator = {}
    for m in mediators.MEDIATORS:
        per_mediator[f"{m.key}_offers"] = f"mediation offers by {m.name}"
        per_mediator[f"{m.key}_acceptances"] = f"offers by {m.name} accepted by both sides"
        per_mediator[f"{m.key}_days_engaged"] = f"days {m.name} mediated (engaged at the end of the day) [day]"
    return {**_BEFORE, **per_mediator, **_AFTER}


def __getattr__(name: str):
    if name == "COLUMNS":   # follows the mediator registry
        return columns()
    raise AttributeError(name)


_GUNFIRE, _STANDOFF, _CLASH, _MAJOR_CLASH, _WAR, _UP = GUNFIRE, STANDOFF, CLASH, MAJOR_CLASH, WAR, UP

#: State totals that count since the state's first day; a recorder counts them from its own day 0.
TALLIES = ("deaths_civilian", "deaths_military", "wounded_civilian", "wounded_military", "homes_destroyed")


class Recorder:
    """Running totals, peaks and first days of a batch, updated from each day's state and record.

    It counts from the state it is made with (its day 0): a warm start's replay and the days before a period
    are not counted."""

    def __init__(self, s: State, P: ParamArrays, geo: Geography):
        self.P, self.geo = P, geo
        b, m = s.batch, s.mediator_engaged.shape[1]
        self.tallies0 = {name: getattr(s, name).copy() for name in TALLIES}
        self.legitimacy0 = s.legitimacy.copy()

        def zeros(width: int = 1, dtype=np.int64, fill=0, order="C") -> np.ndarray:
            return np.full((b, width), fill, dtype=dtype, order=order)

        def sides(dtype=np.int64, fill=0) -> np.ndarray:   # column-major like the side state
            return zeros(2, dtype, fill, "F")

        self.max_level = s.level.copy()
        self.days_ge2, self.days_ge3, self.days_ge5 = zeros(), zeros(), zeros()
        self.first_day5, self.reached6 = zeros(fill=-1), zeros(dtype=bool)
        self.episode_peak = zeros()   # highest rung of the current (or last) episode
        self._episodes = zeros(len(EPISODE_RUNGS))
        self.episodes = {rung: self._episodes[:, k:k + 1] for k, rung in enumerate(EPISODE_RUNGS)}   # reaching it
        self.incidents_total, self.peak_daily_deaths = zeros(), zeros()
        self.first_cf_day, self.cf_agreed, self.cf_broken, self.cf_survived = zeros(fill=-1), zeros(), zeros(), zeros()
        self.durable_day = zeros(fill=-1)
        self.protest_peak, self.protest_wave_days = zeros(dtype=np.float64), zeros()
        self.offers, self.acceptances, self.china_bouts = zeros(m), zeros(m), zeros()
        self.engaged_days = zeros(m)
        self.escalations, self.displaced_peak, self.displaced_total = sides(), sides(), sides()
        self.public_escalations, self.clash_escalations = sides(), sides()
        self.front_peak = zeros()
        self.deadly_clashes, self.episode_deadly = zeros(), zeros(dtype=bool)
        self.legitimacy_90, self.legitimacy_365 = sides(np.float64, np.nan), sides(np.float64, np.nan)

    def record(self, s: State, day: int, rec: DayRecord) -> None:
        """Add ``day`` (the state at its end, and what happened): what :meth:`record_numpy` states, in one compiled
        pass over the rows (:func:`_record`, tested number for number against it)."""
        P = self.P
        _record(day, s.level, s.level_base, s.episode, s.incidents, s.deaths_today, s.agreement,
                P.border.durable_threshold, s.protest, P.kyrgyzstan.protest_threshold, s.mediator_engaged, s.move,
                s.displaced_now, s.fled_today, s.front, rec.episode_started, rec.episode_ended, rec.ceasefire_agreed,
                rec.ceasefire_broken, rec.ceasefire_survived, rec.offered, rec.agreed, rec.china_pressure_started,
                self.episode_peak, self._episodes, self.max_level, self.days_ge2, self.days_ge3, self.days_ge5,
                self.first_day5, self.reached6, self.incidents_total, self.peak_daily_deaths, self.first_cf_day,
                self.cf_agreed, self.cf_broken, self.cf_survived, self.durable_day, self.protest_peak,
                self.protest_wave_days, self.offers, self.acceptances, self.engaged_days, self.china_bouts,
                self.escalations, self.public_escalations, self.clash_escalations, self.displaced_peak,
                self.displaced_total, self.episode_deadly, self.deadly_clashes, self.front_peak)
        self._snapshots(s, day)

    def _snapshots(self, s: State, day: int) -> None:
        if day == 90:
            self.legitimacy_90 = s.legitimacy.copy()
        if day == 365:
            self.legitimacy_365 = s.legitimacy.copy()

    def record_numpy(self, s: State, day: int, rec: DayRecord) -> None:
        """Add ``day`` (the state at its end, and what happened), as full-batch numpy operations: the reference
        :meth:`record` computes."""
        P, lvl = self.P, s.level
        np.copyto(self.episode_peak, 0, where=rec.episode_started)
        rising = np.flatnonzero((s.episode & (lvl > self.episode_peak))[:, 0])   # an episode reaches a new peak
        if rising.size:
            old, new = self.episode_peak[rising], lvl[rising]
            for rung, count in self.episodes.items():
                count[rising] += (old < rung) & (new >= rung)
            self.episode_peak[rising] = new
        np.maximum(self.max_level, lvl, out=self.max_level)
        self.days_ge2 += lvl >= GUNFIRE
        self.days_ge3 += lvl >= STANDOFF
        self.days_ge5 += lvl >= MAJOR_CLASH
        np.copyto(self.first_day5, day, where=(self.first_day5 < 0) & (lvl >= MAJOR_CLASH))
        self.reached6 |= lvl >= WAR
        self.incidents_total += s.incidents
        np.maximum(self.peak_daily_deaths, s.deaths_today.sum(axis=1, keepdims=True), out=self.peak_daily_deaths)
        np.copyto(self.first_cf_day, day, where=(self.first_cf_day < 0) & rec.ceasefire_agreed)
        self.cf_agreed += rec.ceasefire_agreed
        self.cf_broken += rec.ceasefire_broken
        self.cf_survived += rec.ceasefire_survived
        np.copyto(self.durable_day, day, where=(self.durable_day < 0) & (s.agreement >= P.border.durable_threshold))
        np.maximum(self.protest_peak, s.protest, out=self.protest_peak)
        self.protest_wave_days += s.protest >= P.kyrgyzstan.protest_threshold
        self.offers += rec.offered
        self.acceptances += rec.agreed
        self.engaged_days += s.mediator_engaged
        self.china_bouts += rec.china_pressure_started
        up = s.move == UP
        self.escalations += up
        public = np.flatnonzero(s.level_base[:, 0] >= STANDOFF)   # few rows: add only theirs
        if public.size:
            up_public = up[public]
            self.public_escalations[public] += up_public
            self.clash_escalations[public] += up_public & (s.level_base[public] >= CLASH)
        np.maximum(self.displaced_peak, s.displaced_now, out=self.displaced_peak)
        self.displaced_total += s.fled_today
        np.copyto(self.episode_deadly, False, where=rec.episode_started)
        died = np.flatnonzero(s.deaths_today[:, 0] + s.deaths_today[:, 1] > 0)   # few rows
        if died.size:
            in_episode = s.episode[died, 0] | rec.episode_ended[died, 0]
            new = ~in_episode | ~self.episode_deadly[died, 0]
            self.deadly_clashes[died, 0] += new
            self.episode_deadly[died, 0] |= in_episode
        fighting = np.flatnonzero(lvl[:, 0] >= CLASH)   # the front grows only on these rows
        if fighting.size:
            self.front_peak[fighting, 0] = np.maximum(self.front_peak[fighting, 0], s.front[fighting].sum(axis=1))
        self._snapshots(s, day)

    def summary(self, s: State, replicates: np.ndarray) -> pd.DataFrame:
        """One row per replicate (``s``: the final state)."""
        return summarise(self, s, replicates)


#: The rungs whose episodes are counted (:attr:`Recorder.episodes`).
EPISODE_RUNGS = (STANDOFF, CLASH, MAJOR_CLASH, WAR)


@njit(cache=True)
def _record(day, level, level_base, episode, incidents, deaths_today, agreement, durable_threshold, protest,
            protest_threshold, engaged, move, displaced_now, fled_today, front, started, ended, cf_agreed, cf_broken,
            cf_survived, offered, agreed, china_started, episode_peak, episodes, max_level, days_ge2, days_ge3,
            days_ge5, first_day5, reached6, incidents_total, peak_daily_deaths, first_cf_day, n_agreed, n_broken,
            n_survived, durable_day, protest_peak, protest_wave_days, offers, acceptances, engaged_days, china_bouts,
            escalations, public_escalations, clash_escalations, displaced_peak, displaced_total, episode_deadly,
            deadly_clashes, front_peak):
    """:meth:`Recorder.record_numpy` for every row in one pass, in place (the recorder's arrays from
    ``episode_peak`` on); ``durable_threshold`` and ``protest_threshold`` are the (B, 1) parameters."""
    for i in range(level.shape[0]):
        lvl = level[i, 0]
        if started[i, 0]:
            episode_peak[i, 0] = 0
            episode_deadly[i, 0] = False
        if episode[i, 0] and lvl > episode_peak[i, 0]:
            old = episode_peak[i, 0]
            for k in range(episodes.shape[1]):
                rung = k + _STANDOFF
                episodes[i, k] += old < rung and lvl >= rung
            episode_peak[i, 0] = lvl
        if lvl > max_level[i, 0]:
            max_level[i, 0] = lvl
        days_ge2[i, 0] += lvl >= _GUNFIRE
        days_ge3[i, 0] += lvl >= _STANDOFF
        days_ge5[i, 0] += lvl >= _MAJOR_CLASH
        if first_day5[i, 0] < 0 and lvl >= _MAJOR_CLASH:
            first_day5[i, 0] = day
        reached6[i, 0] = reached6[i, 0] or lvl >= _WAR
        incidents_total[i, 0] += incidents[i, 0]
        died = deaths_today[i, 0] + deaths_today[i, 1]
        if died > peak_daily_deaths[i, 0]:
            peak_daily_deaths[i, 0] = died
        if first_cf_day[i, 0] < 0 and cf_agreed[i, 0]:
            first_cf_day[i, 0] = day
        n_agreed[i, 0] += cf_agreed[i, 0]
        n_broken[i, 0] += cf_broken[i, 0]
        n_survived[i, 0] += cf_survived[i, 0]
        if durable_day[i, 0] < 0 and agreement[i, 0] >= durable_threshold[i, 0]:
            durable_day[i, 0] = day
        protest_peak[i, 0] = maximum(protest_peak[i, 0], protest[i, 0])
        protest_wave_days[i, 0] += protest[i, 0] >= protest_threshold[i, 0]
        for m in range(offered.shape[1]):
            offers[i, m] += offered[i, m]
            acceptances[i, m] += agreed[i, m]
            engaged_days[i, m] += engaged[i, m]
        china_bouts[i, 0] += china_started[i, 0]
        public = level_base[i, 0] >= _STANDOFF
        clash = level_base[i, 0] >= _CLASH
        for sd in range(2):
            up = move[i, sd] == _UP
            escalations[i, sd] += up
            public_escalations[i, sd] += up and public
            clash_escalations[i, sd] += up and clash
            if displaced_now[i, sd] > displaced_peak[i, sd]:
                displaced_peak[i, sd] = displaced_now[i, sd]
            displaced_total[i, sd] += fled_today[i, sd]
        if died > 0:
            in_episode = episode[i, 0] or ended[i, 0]
            deadly_clashes[i, 0] += not in_episode or not episode_deadly[i, 0]
            episode_deadly[i, 0] = episode_deadly[i, 0] or in_episode
        if lvl >= _CLASH:
            n_front = 0
            for j in range(front.shape[1]):
                n_front += front[i, j]
            if n_front > front_peak[i, 0]:
                front_peak[i, 0] = n_front


def _nan_if(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    return np.where(missing, np.nan, values.astype(np.float64))


def summarise(r: Recorder, s: State, replicates: np.ndarray) -> pd.DataFrame:
    """One row per replicate from a recorder and the final state."""
    c = lambda a: a[:, 0]  # noqa: E731
    since = {name: getattr(s, name) - r.tallies0[name] for name in TALLIES}
    deaths_civilian, deaths_military = since["deaths_civilian"], since["deaths_military"]
    deaths_side = deaths_civilian + deaths_military
    ended = c(r.cf_survived) + c(r.cf_broken)
    out = {
        "replicate": np.asarray(replicates, dtype=np.int64),
        "reached_rung5": c(r.max_level) >= MAJOR_CLASH,
        "first_day_rung5": _nan_if(c(r.first_day5), c(r.first_day5) < 0),
        "reached_rung6": c(r.reached6),
        "max_level": c(r.max_level),
        "episodes": c(r.episodes[STANDOFF]),
        "episodes_rung4plus": c(r.episodes[CLASH]),
        "major_episodes": c(r.episodes[MAJOR_CLASH]),
        "episodes_rung6": c(r.episodes[WAR]),
        "days_rung2plus": c(r.days_ge2),
        "days_rung3plus": c(r.days_ge3),
        "days_rung5plus": c(r.days_ge5),
        "major_clash_days_mean": _nan_if(c(r.days_ge5) / np.maximum(c(r.episodes[MAJOR_CLASH]), 1),
                                         c(r.episodes[MAJOR_CLASH]) == 0),
        "deadly_clashes": c(r.deadly_clashes),
        "incidents_total": c(r.incidents_total),
        "deaths_total": deaths_side.sum(axis=1),
        "deaths_TJ": deaths_side[:, TJ], "deaths_KG": deaths_side[:, KG],
        "deaths_civilian": deaths_civilian.sum(axis=1), "deaths_military": deaths_military.sum(axis=1),
        "peak_daily_deaths": c(r.peak_daily_deaths),
        "wounded_total": (since["wounded_civilian"] + since["wounded_military"]).sum(axis=1),
        "homes_destroyed_TJ": since["homes_destroyed"][:, TJ], "homes_destroyed_KG": since["homes_destroyed"][:, KG],
        "displaced_peak_TJ": r.displaced_peak[:, TJ], "displaced_peak_KG": r.displaced_peak[:, KG],
        "displaced_total": r.displaced_total.sum(axis=1),
        "front_segments_peak": c(r.front_peak),
        "days_to_first_ceasefire": _nan_if(c(r.first_cf_day), c(r.first_cf_day) < 0),
        "ceasefires_agreed": c(r.cf_agreed), "ceasefires_broken": c(r.cf_broken),
        "ceasefires_survived": c(r.cf_survived),
        "ceasefire_survival": _nan_if(c(r.cf_survived) / np.maximum(ended, 1), ended == 0),
        "days_to_durable_agreement": _nan_if(c(r.durable_day), c(r.durable_day) < 0),
        "legitimacy_change_90_TJ": r.legitimacy_90[:, TJ] - r.legitimacy0[:, TJ],
        "legitimacy_change_90_KG": r.legitimacy_90[:, KG] - r.legitimacy0[:, KG],
        "legitimacy_change_365_TJ": r.legitimacy_365[:, TJ] - r.legitimacy0[:, TJ],
        "legitimacy_change_365_KG": r.legitimacy_365[:, KG] - r.legitimacy0[:, KG],
        "protest_wave": c(r.protest_wave_days) > 0,
        "protest_peak": c(r.protest_peak),
        "escalations_TJ": r.escalations[:, TJ], "escalations_KG": r.escalations[:, KG],
        "public_escalations_TJ": r.public_escalations[:, TJ], "public_escalations_KG": r.public_escalations[:, KG],
        "clash_escalations_TJ": r.clash_escalations[:, TJ], "clash_escalations_KG": r.clash_escalations[:, KG],
    }
    for m, spec in enumerate(mediators.MEDIATORS):
        out[f"{spec.key}_offers"] = r.offers[:, m]
        out[f"{spec.key}_acceptances"] = r.acceptances[:, m]
        out[f"{spec.key}_days_engaged"] = r.engaged_days[:, m]
    out |= {
        "china_pressure_bouts": c(r.china_bouts),
        "demarcated_share_final": variables.BY_NAME["demarcated_share"].read(s, r.geo)[:, 0],
        "agreement_final": c(s.agreement),
    }
    assert list(out) == list(columns())
    return pd.DataFrame(out)


class Periods:
    """Summaries of parts of a run: ``{name: (first, last)}`` (days of the run, inclusive), each counted from
    the state at the end of the day before ``first`` by a recorder of its own and summarised at ``last``
    (the whole summary's columns, a ``period`` column first)."""

    def __init__(self, periods: dict[str, tuple[int, int]], P: ParamArrays, geo: Geography,
                 replicates: np.ndarray):
        for name, (first, last) in periods.items():
            if not 1 <= first <= last:
                raise ValueError(f"period {name}: days {first}..{last} are not a range from day 1")
        self.periods, self.P, self.geo, self.replicates = dict(periods), P, geo, replicates
        self._recorders: dict[str, Recorder] = {}
        self._done: dict[str, pd.DataFrame] = {}

    def begin(self, s: State, day: int) -> None:
        """Start the periods whose first day follows ``day`` (call it at day 0 and after each day)."""
        for name, (first, _) in self.periods.items():
            if first == day + 1:
                self._recorders[name] = Recorder(s, self.P, self.geo)

    def record(self, s: State, day: int, rec: DayRecord) -> None:
        """Add ``day`` to the periods it falls in; summarise those it ends."""
        for name, (first, last) in self.periods.items():
            r = self._recorders.get(name)
            if r is not None and first <= day <= last:
                r.record(s, day - first + 1, rec)
                if day == last:
                    self._done[name] = r.summary(s, self.replicates)
                    del self._recorders[name]

    def summary(self) -> pd.DataFrame | None:
        """One row per (period, replicate) for the periods that ended; None if none did."""
        if not self._done:
            return None
        return pd.concat([df.assign(period=name)[["period", *df.columns]] for name, df in self._done.items()],
                         ignore_index=True)
