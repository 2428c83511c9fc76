"""Daily bookkeeping for the per-replicate summary, kept in the state so runs need not store series."""

from __future__ import annotations

import numpy as np

from borderSim.rules.day import DayRecord
from borderSim.rules.ladder import GUNFIRE, MAJOR_CLASH, STANDOFF, UP, WAR
from borderSim.rules.params import ParamArrays
from borderSim.rules.state import State


def track(s: State, P: ParamArrays, day: int, rec: DayRecord) -> dict[str, np.ndarray]:
    """Updated accumulators after the day's events (returned, not written)."""
    lvl = s.level
    new_episode = rec.episode_started
    major_before = s.episode_major & ~new_episode
    becomes_major = s.episode & (lvl >= MAJOR_CLASH) & ~major_before
    deaths_today = s.deaths_today.sum(axis=1, keepdims=True)
    out = {
        "max_level": np.maximum(s.max_level, lvl),
        "days_ge2": s.days_ge2 + (lvl >= GUNFIRE),
        "days_ge3": s.days_ge3 + (lvl >= STANDOFF),
        "days_ge5": s.days_ge5 + (lvl >= MAJOR_CLASH),
        "first_day5": np.where((s.first_day5 < 0) & (lvl >= MAJOR_CLASH), day, s.first_day5),
        "reached6": s.reached6 | (lvl >= WAR),
        "episode_major": major_before | becomes_major,
        "major_episodes": s.major_episodes + becomes_major,
        "incidents_total": s.incidents_total + s.incidents,
        "peak_daily_deaths": np.maximum(s.peak_daily_deaths, deaths_today),
        "first_cf_day": np.where((s.first_cf_day < 0) & rec.ceasefire_agreed, day, s.first_cf_day),
        "cf_agreed": s.cf_agreed + rec.ceasefire_agreed,
        "cf_broken": s.cf_broken + rec.ceasefire_broken,
        "cf_survived": s.cf_survived + rec.ceasefire_survived,
        "durable_day": np.where((s.durable_day < 0) & (s.agreement >= P.border.durable_threshold), day,
                                s.durable_day),
        "protest_peak": np.maximum(s.protest_peak, s.protest),
        "protest_wave_days": s.protest_wave_days + (s.protest >= P.kyrgyzstan.protest_threshold),
        "mediator_offers": s.mediator_offers + rec.offered,
        "mediator_accepts": s.mediator_accepts + rec.agreed,
        "china_bouts": s.china_bouts + rec.china_pressure_started,
        "escalations": s.escalations + (s.move == UP),
        "displaced_peak": np.maximum(s.displaced_peak, s.displaced_now),
        "displaced_total": s.displaced_total + s.fled_today,
    }
    if day == 90:
        out["legitimacy_90"] = s.legitimacy.copy()
    if day == 365:
        out["legitimacy_365"] = s.legitimacy.copy()
    return out
