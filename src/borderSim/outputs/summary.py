"""The per-replicate summary: its columns and the :class:`Recorder` that accumulates them.

Both engines' drivers (:func:`borderSim.core.run.run_rows`, :class:`borderSim.model.BorderModel`)
feed a recorder the state and the :class:`~borderSim.rules.day.DayRecord` after each day; the model
never reads it. The columns, the recorder's arrays and how they accumulate and reduce are declared once, in
:mod:`borderSim.outputs.outcomes`; :func:`_record` is the compiled pass over the tallies it names
(:data:`COMPILED`), the others are added by their declaration's numpy statement.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from borderSim.common.jit import kernel
from borderSim.inputs.geography import Geography
from borderSim.outputs import outcomes
from borderSim.outputs.outcomes import EPISODE_RUNGS
from borderSim.rules.day import DayRecord
from borderSim.rules.dyad import maximum
from borderSim.rules.ladder import CLASH, GUNFIRE, MAJOR_CLASH, STANDOFF, UP, WAR
from borderSim.rules.params import ParamArrays
from borderSim.rules.state import State

REPLICATE = "replicate index (streams keyed by seed and this index)"


def columns() -> dict[str, str]:
    """Column -> one-line meaning (units in brackets), in the order of the summary table: ``replicate`` and the
    declared outcomes (:func:`borderSim.outputs.outcomes.declared`, each registered mediator's among them)."""
    return {"replicate": REPLICATE, **{o.name: o.text for o in outcomes.declared()}}


def __getattr__(name: str):
    if name == "COLUMNS":   # follows the declarations and the mediator registry
        return columns()
    raise AttributeError(name)


_GUNFIRE, _STANDOFF, _CLASH, _MAJOR_CLASH, _WAR, _UP = GUNFIRE, STANDOFF, CLASH, MAJOR_CLASH, WAR, UP

#: The tallies :func:`_record` holds, in the order of its arguments from ``episode_peak`` on.
COMPILED = ("episode_peak", "episodes_by_rung", "max_level", "days_ge2", "days_ge3", "days_ge5", "first_day5",
            "reached6", "incidents_total", "peak_daily_deaths", "first_cf_day", "cf_agreed", "cf_broken",
            "cf_survived", "durable_day", "protest_peak", "protest_wave_days", "offers", "acceptances",
            "engaged_days", "china_bouts", "escalations", "public_escalations", "clash_escalations",
            "displaced_peak", "displaced_total", "episode_deadly", "deadly_clashes", "front_peak")


class Recorder:
    """Running totals, peaks and first days of a batch, updated from each day's state and record: an array per
    tally of the declared outcomes (an attribute of its name), which :meth:`summary` reduces to the columns.

    It counts from the state it is made with (its day 0): a warm start's replay and the days before a period
    are not counted.

    ``columns`` (outcome names) keeps only those outcomes and the tallies they read (a calibration's targets, an
    optimisation's objectives). Without every tally of the compiled pass (:data:`COMPILED`), a day is added by the
    kept tallies' numpy statements (:meth:`record_numpy`): the same numbers, and for a few tallies cheaper than the
    compiled pass over all of them (the two columns of the calibration benchmark's targets, on its 10,000 candidates:
    the recorder 0.356 -> 0.129 ms a day, a whole day 6.33 -> 5.96 ms, medians of six rounds taking turns)."""

    def __init__(self, s: State, P: ParamArrays, geo: Geography, columns: Sequence[str] | None = None):
        self.P, self.geo = P, geo
        self.outcomes = outcomes.declared()
        if columns is not None:
            wanted = set(columns)
            unknown = wanted - {o.name for o in self.outcomes}
            if unknown:
                raise ValueError(f"the summary has no column {', '.join(sorted(unknown))}")
            self.outcomes = tuple(o for o in self.outcomes if o.name in wanted)
        self.tallies = outcomes.tallies(self.outcomes)
        for t in self.tallies:
            setattr(self, t.name, t.new(s))
        self.compiled = set(COMPILED) <= {t.name for t in self.tallies}
        if not self.compiled:
            return
        self._flat = _flat_mediators(self)
        rest = [t for t in self.tallies if t.kind not in ("start", "aux") and t.name not in COMPILED]
        self._numpy = tuple(t for t in rest if t.kind != "at")   # daily, what the compiled pass does not hold
        self._at: dict[int, list] = {}   # the snapshots, by day
        for t in rest:
            if t.kind == "at":
                self._at.setdefault(t.day, []).append(t)

    @property
    def episodes(self) -> dict[int, np.ndarray]:
        """Episodes that reached each rung of :data:`EPISODE_RUNGS`, (B, 1) views."""
        return {rung: self.episodes_by_rung[:, k:k + 1] for k, rung in enumerate(EPISODE_RUNGS)}

    def record(self, s: State, day: int, rec: DayRecord) -> None:
        """Add ``day`` (the state at its end, and what happened): what :meth:`record_numpy` states, in compiled
        passes over the rows for the tallies it holds (:func:`_record`, tested number for number against it); a
        recorder of some columns only, by :meth:`record_numpy`."""
        if not self.compiled:
            self.record_numpy(s, day, rec)
            return
        P = self.P
        _record(day, s.level, s.level_base, s.episode, s.incidents, s.deaths_today, s.agreement,
                P.border.durable_threshold, s.protest, P.kyrgyzstan.protest_threshold,
                np.reshape(s.mediator_engaged.T, -1), s.move, s.displaced_now, s.fled_today, s.front,
                rec.episode_started, rec.episode_ended, rec.ceasefire_agreed, rec.ceasefire_broken,
                rec.ceasefire_survived, np.reshape(rec.offered, -1), np.reshape(rec.agreed, -1),
                rec.china_pressure_started, self.episode_peak, self.episodes_by_rung, self.max_level, self.days_ge2,
                self.days_ge3, self.days_ge5, self.first_day5, self.reached6, self.incidents_total,
                self.peak_daily_deaths, self.first_cf_day, self.cf_agreed, self.cf_broken, self.cf_survived,
                self.durable_day, self.protest_peak, self.protest_wave_days, self._flat["offers"],
                self._flat["acceptances"], self._flat["engaged_days"], self.china_bouts, self.escalations,
                self.public_escalations, self.clash_escalations, self.displaced_peak, self.displaced_total,
                self.episode_deadly, self.deadly_clashes, self.front_peak)
        for t in self._numpy:
            t.add(self, s, rec, P, day)
        if day in self._at:
            for t in self._at[day]:
                t.add(self, s, rec, P, day)

    def record_numpy(self, s: State, day: int, rec: DayRecord) -> None:
        """Add ``day`` (the state at its end, and what happened): each declared tally's numpy statement
        (:meth:`borderSim.outputs.outcomes.Tally.add`), the reference :meth:`record` computes."""
        for t in self.tallies:
            if t.kind not in ("start", "aux"):
                t.add(self, s, rec, self.P, day)

    def summary(self, s: State, replicates: np.ndarray) -> pd.DataFrame:
        """One row per replicate (``s``: the final state)."""
        return summarise(self, s, replicates)


@kernel
def _record(day, level, level_base, episode, incidents, deaths_today, agreement, durable_threshold, protest,
            protest_threshold, engaged, move, displaced_now, fled_today, front, started, ended, cf_agreed, cf_broken,
            cf_survived, offered, agreed, china_started, episode_peak, episodes, max_level, days_ge2, days_ge3,
            days_ge5, first_day5, reached6, incidents_total, peak_daily_deaths, first_cf_day, n_agreed, n_broken,
            n_survived, durable_day, protest_peak, protest_wave_days, offers, acceptances, engaged_days, china_bouts,
            escalations, public_escalations, clash_escalations, displaced_peak, displaced_total, episode_deadly,
            deadly_clashes, front_peak):
    """:meth:`Recorder.record_numpy` for every row, in place (the recorder's arrays from ``episode_peak`` on);
    ``durable_threshold`` and ``protest_threshold`` are the (B, 1) parameters; ``engaged``, ``offered``, ``agreed``
    and their tallies ``engaged_days``, ``offers``, ``acceptances`` come flat (:meth:`Recorder.record`).

    Passes, not one loop over the rows: that loop wrote some thirty arrays (too many for LLVM's checks that they
    overlap none it reads) under data-dependent branches, the tallies strided columns of one block, so it ran
    scalar, 44 ns a row. Here the tallies any row may change (the levels' counts and peak, incidents, protest,
    the displaced's peak, the first durable day) are passes that write one array of its own, a column contiguous,
    without branches (``&``, ``|`` and selects: an ``and`` loads its right side only when the left holds, a
    branch), and a threshold shared by the rows read once: LLVM vectorises them. The other tallies move only on
    the rows where something rarer happened (some 5-25 % of rows), which :func:`_eventful` marks in such passes
    and :func:`_eventful_rows` updates one by one, touching only the tallies that change; the mediators' tallies
    are counted by :func:`_add_events`. In the baseline at 10,000 rows 0.51-0.57 -> 0.29-0.31 ms a day
    (alternating runs)."""
    n = level.shape[0]
    eventful = np.empty(n, dtype=np.bool_)
    _eventful(level, episode, deaths_today, move, fled_today, started, cf_agreed, cf_broken, cf_survived,
              china_started, episode_peak, eventful)
    for i in range(n):
        lvl, top = level[i, 0], max_level[i, 0]
        max_level[i, 0] = lvl if lvl > top else top
    for i in range(n):
        days_ge2[i, 0] += level[i, 0] >= _GUNFIRE
    for i in range(n):
        days_ge3[i, 0] += level[i, 0] >= _STANDOFF
    for i in range(n):
        incidents_total[i, 0] += incidents[i, 0]
    if n > 0 and durable_threshold.strides[0] == 0:   # one value for every row
        t = durable_threshold[0, 0]
        for i in range(n):
            d = durable_day[i, 0]
            durable_day[i, 0] = day if (d < 0) & (agreement[i, 0] >= t) else d
    else:
        for i in range(n):
            d = durable_day[i, 0]
            durable_day[i, 0] = day if (d < 0) & (agreement[i, 0] >= durable_threshold[i, 0]) else d
    for i in range(n):
        protest_peak[i, 0] = maximum(protest_peak[i, 0], protest[i, 0])
    if n > 0 and protest_threshold.strides[0] == 0:
        t = protest_threshold[0, 0]
        for i in range(n):
            protest_wave_days[i, 0] += protest[i, 0] >= t
    else:
        for i in range(n):
            protest_wave_days[i, 0] += protest[i, 0] >= protest_threshold[i, 0]
    for sd in range(2):
        for i in range(n):
            now, top = displaced_now[i, sd], displaced_peak[i, sd]
            displaced_peak[i, sd] = now if now > top else top
    _add_events(offers, offered)
    _add_events(acceptances, agreed)
    _add_events(engaged_days, engaged)
    _eventful_rows(day, level, level_base, episode, deaths_today, move, fled_today, front, started, ended, cf_agreed,
                   cf_broken, cf_survived, china_started, episode_peak, episodes, days_ge5, first_day5, reached6,
                   peak_daily_deaths, first_cf_day, n_agreed, n_broken, n_survived, china_bouts, escalations,
                   public_escalations, clash_escalations, displaced_total, episode_deadly, deadly_clashes, front_peak,
                   eventful)


@kernel
def _eventful(level, episode, deaths_today, move, fled_today, started, cf_agreed, cf_broken, cf_survived,
              china_started, episode_peak, eventful):
    """``eventful[i]``: whether row ``i`` has a tally of :func:`_eventful_rows` to change today, in three passes
    that each read a few arrays (more, and LLVM's checks that ``eventful`` overlaps none of them are too many)."""
    for i in range(level.shape[0]):
        lvl = level[i, 0]
        eventful[i] = (started[i, 0] | (episode[i, 0] & (lvl > episode_peak[i, 0])) | (lvl >= _CLASH)
                       | (deaths_today[i, 0] + deaths_today[i, 1] > 0))
    for i in range(level.shape[0]):
        eventful[i] = eventful[i] | cf_agreed[i, 0] | cf_broken[i, 0] | cf_survived[i, 0] | china_started[i, 0]
    for i in range(level.shape[0]):
        eventful[i] = (eventful[i] | (move[i, 0] == _UP) | (move[i, 1] == _UP) | (fled_today[i, 0] != 0)
                       | (fled_today[i, 1] != 0))


@kernel
def _eventful_rows(day, level, level_base, episode, deaths_today, move, fled_today, front, started, ended,
                   cf_agreed, cf_broken, cf_survived, china_started, episode_peak, episodes, days_ge5, first_day5,
                   reached6, peak_daily_deaths, first_cf_day, n_agreed, n_broken, n_survived, china_bouts,
                   escalations, public_escalations, clash_escalations, displaced_total, episode_deadly,
                   deadly_clashes, front_peak, eventful):
    """The tallies that move only on the rows ``eventful`` marks, row by row (a row not marked would add 0 and
    keep each peak and first day: nothing started or rose, no deaths, below rung 4 (so below 5 and 6), no
    ceasefire event, no China, no escalation, nobody fled)."""
    for i in range(level.shape[0]):
        if not eventful[i]:
            continue
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
        if lvl >= _CLASH:
            days_ge5[i, 0] += lvl >= _MAJOR_CLASH
            if first_day5[i, 0] < 0 and lvl >= _MAJOR_CLASH:
                first_day5[i, 0] = day
            reached6[i, 0] = reached6[i, 0] or lvl >= _WAR
            n_front = 0
            for j in range(front.shape[1]):
                n_front += front[i, j]
            if n_front > front_peak[i, 0]:
                front_peak[i, 0] = n_front
        died = deaths_today[i, 0] + deaths_today[i, 1]
        if died > 0:   # the peak is never below 0
            if died > peak_daily_deaths[i, 0]:
                peak_daily_deaths[i, 0] = died
            in_episode = episode[i, 0] or ended[i, 0]
            deadly_clashes[i, 0] += not in_episode or not episode_deadly[i, 0]
            episode_deadly[i, 0] = episode_deadly[i, 0] or in_episode
        if cf_agreed[i, 0] or cf_broken[i, 0] or cf_survived[i, 0]:
            if first_cf_day[i, 0] < 0 and cf_agreed[i, 0]:
                first_cf_day[i, 0] = day
            n_agreed[i, 0] += cf_agreed[i, 0]
            n_broken[i, 0] += cf_broken[i, 0]
            n_survived[i, 0] += cf_survived[i, 0]
        if china_started[i, 0]:
            china_bouts[i, 0] += 1
        for sd in range(2):
            if move[i, sd] == _UP:
                escalations[i, sd] += 1
                public_escalations[i, sd] += level_base[i, 0] >= _STANDOFF
                clash_escalations[i, sd] += level_base[i, 0] >= _CLASH
            if fled_today[i, sd] != 0:
                displaced_total[i, sd] += fled_today[i, sd]


@kernel
def _add_events(counts, events):
    """``counts += events`` (flat, of one length), skipping each stretch of 64 with no event (mediators' offers,
    answers and engagements are on a few rows a day: their tallies are then barely touched)."""
    whole = events.size - events.size % 64
    for c in range(0, whole, 64):
        some = False
        for j in range(c, c + 64):
            some |= events[j]
        if some:
            for j in range(c, c + 64):
                counts[j] += events[j]
    for j in range(whole, events.size):
        counts[j] += events[j]


def _flat_mediators(r: Recorder) -> dict[str, np.ndarray]:
    """The mediators' tallies of ``r`` made views of flat arrays, which are returned: ``offers`` and
    ``acceptances`` row by row like the day's ``offered`` and ``agreed``, ``engaged_days`` mediator by mediator
    like ``mediator_engaged`` (column-major); :func:`_record` counts in these, where a pass over one array runs
    vectorised and a strided one would not."""
    flats = {}
    for name in ("offers", "acceptances", "engaged_days"):
        a = getattr(r, name)
        by_mediator = name == "engaged_days"
        flat = np.ascontiguousarray(a.T if by_mediator else a).reshape(-1)
        setattr(r, name, flat.reshape(a.shape[::-1]).T if by_mediator else flat.reshape(a.shape))
        flats[name] = flat
    return flats


def summarise(r: Recorder, s: State, replicates: np.ndarray) -> pd.DataFrame:
    """One row per replicate from a recorder and the final state: each declared outcome reduced."""
    out = {"replicate": np.asarray(replicates, dtype=np.int64)}
    for o in r.outcomes:
        out[o.name] = o.reduce(r, s)
    return pd.DataFrame(out)


class Periods:
    """Summaries of parts of a run: ``{name: (first, last)}`` (days of the run, inclusive), each counted from
    the state at the end of the day before ``first`` by a recorder of its own and summarised at ``last``
    (the whole summary's columns, a ``period`` column first)."""

    def __init__(self, periods: dict[str, tuple[int, int]], P: ParamArrays, geo: Geography,
                 replicates: np.ndarray, columns: Sequence[str] | None = None):
        for name, (first, last) in periods.items():
            if not 1 <= first <= last:
                raise ValueError(f"period {name}: days {first}..{last} are not a range from day 1")
        self.periods, self.P, self.geo, self.replicates = dict(periods), P, geo, replicates
        self.columns = columns      # the summary's columns (:class:`Recorder`; None: every one)
        self._recorders: dict[str, Recorder] = {}
        self._done: dict[str, pd.DataFrame] = {}

    def begin(self, s: State, day: int) -> None:
        """Start the periods whose first day follows ``day`` (call it at day 0 and after each day)."""
        for name, (first, _) in self.periods.items():
            if first == day + 1:
                self._recorders[name] = Recorder(s, self.P, self.geo, self.columns)

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
