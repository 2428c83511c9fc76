"""The parameters the compiled dyad kernels read, packed once per run as one record per row.

The dyad-level phases (:mod:`borderSim.rules.dyad`) read some eighty parameters and parameter-only terms
per row. Passed one ``(B, 1)`` array each, a kernel call would spend more time having its arguments checked
than computing at batch 1,000 (about 0.1 microseconds per array); packed as a numpy record array, a row's
parameters are one argument, read by name (``p.ceasefire_rate``, ``p.cost_weight[side]``). Where every row
shares its parameters (the usual case) the table holds one record, which every row reads; otherwise one per
row. The values are the parameter arrays' own (and the parameter-only terms of
:class:`borderSim.rules.governments.Fixed`, :class:`borderSim.rules.mediation_terms.Terms` and
:func:`borderSim.rules.thirdparties.backing`, computed by their rules): packing changes no number.

Each kernel reads a table of its own fields (:func:`tables`): with one record per row (a design, a calibration's
candidates) a kernel streams some 20-300 bytes a row instead of the whole record of about 1 KB, which cost more
than the kernels' arithmetic; a kernel whose fields every row shares reads one record.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: One value per row: record field -> ``group.key`` of the parameter.
DYAD = {name: f"border.{name}" for name in (
    "superiority_threshold", "war_weariness", "violation_cost", "ripeness_weight", "unprepared_cost",
    "ceasefire_break_rate", "ceasefire_settling_days", "ceasefire_memory_days", "involuntary_escalation",
    "ceasefire_durable_days", "ceasefire_rate", "ceasefire_unrest_lock", "ceasefire_cost_durability",
    "mobilisation_days", "demobilisation_days", "episode_gap_days", "ceasefire_strength_bilateral",
    "mediation_regime_factor", "resource_issue_bonus", "audience_accrual", "audience_decay", "hurt_scale",
    "negotiation_rate", "negotiation_success", "talks_ripeness", "ripeness_threshold", "agreement_step",
    "agreement_erosion", "durable_threshold", "agreement_incident_effect", "tension_incidents")}
DYAD |= {name: f"kyrgyzstan.{name}" for name in (
    "protest_unrest", "protest_hawkishness", "protest_casualty", "protest_threshold", "protest_legitimacy_cost",
    "protest_per_death", "protest_displaced", "protest_decay", "protest_concession", "protest_bias_aversion")}
DYAD |= {"kg_civil_society": "kyrgyzstan.civil_society", "succession_effect": "tajikistan.succession_effect",
         "succession_rate": "tajikistan.succession_rate", "attention": "russia.attention",
         "china_strength": "china.pressure_strength", "china_threshold": "china.pressure_threshold",
         "china_propensity": "china.pressure_propensity", "china_duration": "china.pressure_duration"}

#: One value per side (Tajikistan, Kyrgyzstan): the governments' parameters (``P.gov``) the kernels read.
SIDE = ("shock_scale", "unrest_shock", "diversion_weight", "diversion_peak", "reaction_weight", "retaliation_weight",
        "superiority_weight", "mediator_weight", "escalation_intercept", "deescalation_intercept", "patron_weight",
        "audience_weight", "cost_weight", "anticipated_deaths", "fortification", "china_debt_share", "rally_jump",
        "legitimacy_recovery", "death_cost", "arms_inflow", "accept_intercept", "bias_aversion", "accept_unrest")


def _derived(P, fixed, terms, backing) -> dict[str, tuple[np.ndarray, tuple[int, ...]]]:
    """The parameter-only terms of the run: field -> (array with a leading batch axis, shape of one row's value)."""
    return {"backing": (backing, (2,)), "rally_value": (fixed.rally_value, (2,)),
            "casualty_scale": (fixed.casualty_scale, (2,)), "leverage": (fixed.leverage, (2,)),
            "cost_power": (fixed.cost_power, (8,)), "death_profile": (fixed.death_profile, (8,)),
            "rally_decay": (fixed.rally_decay, ()), "hurt_decay": (fixed.hurt_decay, ()),
            "facilitation": (terms.facilitation, ()), "assistance": (terms.assistance, ())}


def _same_rows(a: np.ndarray) -> bool:
    """Every row of ``a`` holds the bits of its first."""
    if a.shape[0] == 1 or a.strides[0] == 0:
        return True
    bits = np.ascontiguousarray(a).view(np.uint8).reshape(a.shape[0], -1)
    return bool((bits == bits[:1]).all())


def _fields(P, fixed, terms, backing) -> dict[str, tuple[np.ndarray, tuple[int, ...]]]:
    """Every field of the table: field -> (array with a leading batch axis, shape of one row's value)."""
    fields: dict[str, tuple[np.ndarray, tuple[int, ...]]] = {}
    for name, source in DYAD.items():
        fields[name] = (P.column(source), ())
    for key in SIDE:
        fields[key] = (getattr(P.gov, key), (2,))
    return fields | _derived(P, fixed, terms, backing)


def _pack(fields: dict[str, tuple[np.ndarray, tuple[int, ...]]], names, rows: int, batch: int) -> np.ndarray:
    """The read-only record array of the fields ``names``, ``rows`` records (1: the first row's, shared)."""
    table = np.empty(rows, dtype=np.dtype([(name, np.float64, fields[name][1]) for name in names]))
    for name in names:
        a, shape = fields[name]
        a = np.broadcast_to(a, (batch, *(shape or (1,))))[:rows]
        table[name] = a.reshape((rows, *shape)).astype(np.float64, copy=False)
    table.flags.writeable = False
    return table


def build(P, fixed, terms, backing) -> np.ndarray:
    """The record array of the batch ``P`` with every field (one record if every row shares every value, else one
    per row): what the kernels' tables (:func:`tables`) are cut from."""
    fields = _fields(P, fixed, terms, backing)
    rows = 1 if all(_same_rows(a) for a, _ in fields.values()) else P.batch
    return _pack(fields, tuple(fields), rows, P.batch)


#: The fields each dyad kernel reads (``p.<field>`` in :mod:`borderSim.rules.dyad`), in the order it first reads them.
KERNELS: dict[str, tuple[str, ...]] = {
    "begin": ("agreement_incident_effect", "tension_incidents"),
    "china_step": ("china_threshold", "china_propensity", "china_duration"),
    "decide": ("unrest_shock", "succession_effect", "protest_unrest", "protest_casualty", "protest_hawkishness",
               "shock_scale", "china_strength", "china_debt_share", "attention", "leverage", "anticipated_deaths",
               "casualty_scale", "death_profile", "fortification", "diversion_weight", "diversion_peak",
               "reaction_weight", "retaliation_weight", "superiority_weight", "mediator_weight", "escalation_intercept",
               "deescalation_intercept", "patron_weight", "audience_weight", "superiority_threshold", "backing",
               "war_weariness", "violation_cost", "ripeness_weight", "cost_weight", "cost_power", "rally_value",
               "unprepared_cost"),
    "answer": ("unrest_shock", "bias_aversion", "protest_unrest", "protest_bias_aversion", "shock_scale",
               "accept_intercept", "ripeness_weight", "accept_unrest"),
    "resolve": ("ceasefire_break_rate", "ceasefire_settling_days", "ceasefire_memory_days", "involuntary_escalation",
                "mediation_regime_factor", "resource_issue_bonus", "china_debt_share", "china_strength",
                "ceasefire_rate", "ripeness_weight", "ceasefire_unrest_lock", "audience_weight",
                "ceasefire_strength_bilateral", "ceasefire_cost_durability", "ceasefire_durable_days",
                "mobilisation_days", "demobilisation_days", "episode_gap_days"),
    "update_domestic": ("rally_decay", "rally_jump", "audience_accrual", "audience_decay", "hurt_decay", "hurt_scale",
                        "protest_threshold", "protest_legitimacy_cost", "legitimacy_recovery", "death_cost",
                        "arms_inflow", "assistance", "kg_civil_society", "protest_per_death", "protest_displaced",
                        "protest_decay", "succession_rate"),
    "negotiate": ("negotiation_rate", "facilitation", "negotiation_success", "talks_ripeness", "ripeness_threshold",
                  "agreement_step", "agreement_erosion", "protest_concession"),
}


class Tables(NamedTuple):
    """Each dyad kernel's own table (:data:`KERNELS`): the same records, restricted to its fields."""

    begin: np.ndarray
    china_step: np.ndarray
    decide: np.ndarray
    answer: np.ndarray
    resolve: np.ndarray
    update_domestic: np.ndarray
    negotiate: np.ndarray


def tables(P, fixed, terms, backing) -> Tables:
    """Each kernel's table of the batch ``P``: the fields of :func:`build`'s table that it reads, in one record where
    every row holds the same values of those fields (a calibration varying two of the ladder's parameters gives the
    ladder one record per row and every other kernel one record). Packed straight from the parameter arrays, each
    field checked once: no table of every field per row is made (about 10 MB at 10,000 rows, made again at every
    dated change of a calibration's runs)."""
    fields = _fields(P, fixed, terms, backing)
    varies = {name: not _same_rows(a) for name, (a, _) in fields.items()}
    return Tables(**{kernel: _pack(fields, names, P.batch if any(varies[n] for n in names) else 1, P.batch)
                     for kernel, names in KERNELS.items()})
