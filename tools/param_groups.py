"""Write src/borderSim/rules/groups.py, the typed containers of the parameter arrays, from the schema.

Each fixed group of the schema (:class:`borderSim.schema.parameters.FixedGroups`) becomes a frozen dataclass of
``(B, 1)`` arrays with the group's array fields, in schema order; the governments' shared fields stacked by side
(``P.gov``, ``(B, 2)``) and the dated shocks (``P.domestic``, ``(B, K)``) get theirs. A declared group (an
outside actor's, :class:`borderSim.schema.DeclaredGroup`) gets none: every Western mediator's is a
``WesternArrays`` (``FAMILIES``), any other untyped (:func:`borderSim.rules.params.container`), so the file does
not depend on which mediators there are. ``tests/test_schema.py`` checks the file is current; after a change of
the fixed groups' or the shared fields run

    PYTHONPATH=src python tools/param_groups.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from borderSim.schema import GOVERNMENT_FIELDS, WESTERN_FIELDS, Parameters
from borderSim.schema.parameters import FixedGroups

TARGET = Path(__file__).resolve().parents[1] / "src" / "borderSim" / "rules" / "groups.py"
SHOCK_FIELDS = {"shock_day": "day relative to day 0", "shock_signed": "size (unrest +, legitimacy -)",
                "shock_factor": "daily decay factor", "shock_side": "side (0 Tajikistan, 1 Kyrgyzstan)"}
HEAD = '''"""Typed containers of the parameter arrays (:class:`borderSim.rules.params.ParamArrays`), one per fixed
group of the schema and one for every Western mediator's group.

Generated from the schema by ``tools/param_groups.py`` (``tests/test_schema.py`` checks it is current): a rule
that reads ``P.border.ceasefire_rate`` reads a field a type checker, an IDE and ``farm-studio walk`` can follow.
Each field of a group is its parameter as a ``(B, 1)`` array (a choice as its position among the choices, a date
as its day of year; names and lists are not arrays); ``P.gov`` holds the governments' shared fields as ``(B, 2)``
arrays in side order and ``P.domestic`` the dated shocks as ``(B, K)`` arrays. The unit follows each field. A
mediator's group is read through its registry entry (:mod:`borderSim.rules.mediator_entries`), not typed here:
a Western mediator's is a :class:`WesternArrays` (:data:`FAMILIES`), any other untyped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from borderSim.schema.western import WesternGroup'''


def arrays_name(model: type) -> str:
    return model.__name__.removesuffix("Params") + "Arrays"


def _fields(lines: list[str], fields: dict[str, str]) -> None:
    width = max(len(key) for key in fields)
    for key, unit in fields.items():
        lines.append(f"    {key}: np.ndarray{' ' * (width - len(key))}   # {unit}")


def source() -> str:
    """The text of ``rules/groups.py`` for the schema as it stands."""
    table = Parameters.table()
    lines = [HEAD]
    # the fields a family of groups shares: a base class each (both governments' also types P.gov; a Western
    # mediator's group is a WesternArrays)
    families = {"GovernmentArrays": (GOVERNMENT_FIELDS,
                                     "The fields both governments share (:data:`borderSim.schema.GOVERNMENT_FIELDS`): "
                                     "``(B, 2)``\n    arrays in side order (Tajikistan, Kyrgyzstan) under ``P.gov``, "
                                     "``(B, 1)`` in each government's group."),
                "WesternArrays": (WESTERN_FIELDS,
                                  "The fields every Western mediator has (:data:`borderSim.schema.WESTERN_FIELDS`), "
                                  "as\n    ``(B, 1)`` arrays: the group of each mediator declared a "
                                  ":class:`~borderSim.schema.WesternGroup`.")}
    for name, (shared, doc) in families.items():
        lines += ["", "", "@dataclass(frozen=True)", f"class {name}:", f'    """{doc}"""', ""]
        _fields(lines, {key: field.unit for key, field in shared.items()})
    names: dict[str, str] = {}
    for group, field in FixedGroups.model_fields.items():
        if group == "domestic":   # its one parameter, a list, becomes the shock arrays (below)
            continue
        model = field.annotation
        names[group] = arrays_name(model)
        arrays = {s.key: s.unit for s in table.specs() if s.group == group
                  and not (s.is_list or (not s.batch and s.type is str))}
        base = next((n for n, (shared, _) in families.items() if set(shared) <= set(arrays)), None)
        own = {k: u for k, u in arrays.items() if base is None or k not in families[base][0]}
        doc = (f'    """``P.{group}``: :class:`borderSim.schema.{model.__name__}`'
               + (' as ``(B, 1)`` arrays' if arrays else ': none of its parameters is an array')
               + (" (shared and own fields)" if base and own else " (the shared fields)" if base else "")
               + '."""')
        lines += ["", "", "@dataclass(frozen=True)", f"class {names[group]}{f'({base})' if base else ''}:", doc]
        if own:
            lines.append("")
            _fields(lines, own)
    lines += ["", "", "@dataclass(frozen=True)", "class ShockArrays:",
              '    """``P.domestic``: the dated shocks (``domestic.shocks``) as ``(B, K)`` arrays."""', ""]
    _fields(lines, SHOCK_FIELDS)
    names |= {"domestic": "ShockArrays", "gov": "GovernmentArrays"}
    names = {group: names[group] for group in (*FixedGroups.model_fields, "gov")}   # in schema order
    lines += ["", "", "class Groups:",
              '    """The fixed groups of :class:`~borderSim.rules.params.ParamArrays`, typed (a mediator\'s group is '
              'read\n    through its registry entry: :data:`FAMILIES`)."""', ""]
    lines += [f"    {group}: {name}" for group, name in names.items()]
    lines += ["", "", "#: Each group's container, by the group's name.",
              "CONTAINERS: dict[str, type] = {"]
    lines += [f'    "{group}": {name},' for group, name in names.items()]
    lines.append("}")
    lines += ["", "#: The container of every declared group of a family (:class:`borderSim.schema.DeclaredGroup`), by "
              "the\n#: family's base in the schema; a declared group of no family is untyped.",
              "FAMILIES: dict[type, type] = {WesternGroup: WesternArrays}"]
    return "\n".join(lines) + "\n"

if __name__ == "__main__":
    text = source()
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET
    tmp = target.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    print(f"wrote {target} ({text.count(chr(10))} lines)")
