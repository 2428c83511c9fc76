"""The machinery every parameter group uses: a field with its metadata (:func:`param`), a group's base
(:class:`Group`), a group that declares its own place in :class:`~borderSim.schema.Parameters`
(:class:`DeclaredGroup`: an outside actor's) and fields shared by a family of groups (:class:`Shared`,
:func:`shared`: both governments, every Western mediator).

Every field carries its type, default, allowed range, unit, a one-line description and its source
(keys of :mod:`borderSim.inputs.references`; ``record`` = the shared facts, ``article`` = the seed article,
``calibrated`` = set against the record as documented in ``docs/validation.md``) and its role (:data:`ROLES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

#: What a parameter is to an experiment (EMA Workbench's split of levers and uncertainties):
#: ``control`` runs the simulation (horizon, replicates, seed, calendar start); ``initial`` is a value of the
#: state at day 0; ``lever`` is an outside posture or a structural policy a scenario chooses; ``exogenous``
#: is a fact of the world the record dates or measures (outside events, economic ties, standing crises);
#: ``model`` is a behavioural or mechanism parameter, uncertain and calibrated. A warm start
#: (``simulation.warm_start``) replays the record with the row's model parameters and the replay's
#: initial values, levers and exogenous inputs.
ROLES = ("control", "initial", "lever", "exogenous", "model")


def param(default: Any, *, unit: str, description: str, source: str, ge: float | None = None,
          le: float | None = None, batch: bool = True, role: str = "model") -> Any:
    """A schema field with its metadata. ``batch=False`` marks run controls that cannot vary per row;
    ``role`` is one of :data:`ROLES`."""
    assert role in ROLES, role
    return Field(default, ge=ge, le=le, description=description,
                 json_schema_extra={"unit": unit, "source": source, "batch": batch, "role": role})


class Group(BaseModel):
    """A group of parameters (one actor's): immutable, validated on assignment, no unknown keys."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=True)


class DeclaredGroup(Group):
    """A group that declares itself (an outside actor's: a mediator's): a subclass in a module of
    :mod:`borderSim.schema` that sets ``key`` (its name in :class:`~borderSim.schema.Parameters` and in dotted
    parameter names), ``title`` (its heading in the parameter tables) and ``place`` (its order among the declared
    groups, which follow the model's fixed ones; numbered with gaps, so a new group can go between two) is a group
    of :class:`~borderSim.schema.Parameters`, found there (:data:`borderSim.schema.parameters.DECLARED`)."""

    key: ClassVar[str]
    title: ClassVar[str]
    place: ClassVar[int]


@dataclass(frozen=True)
class Shared:
    """A field a family of groups shares: its type, range, unit, description and role; each group of the
    family gives its own default and source."""

    type: Any
    ge: float | None
    le: float | None
    unit: str
    description: str
    role: str = "model"

    def field(self, default: Any, source: str) -> Any:
        """This field of one group: its default and source."""
        return param(default, ge=self.ge, le=self.le, unit=self.unit, description=self.description, source=source,
                     role=self.role)


def shared(fields: dict[str, Shared]) -> Callable[[str, Any, str], Any]:
    """The field maker of a family of groups: ``maker(name, default, source)`` is the shared field ``name`` of
    ``fields`` with one group's default and source."""

    def maker(name: str, default: Any, source: str) -> Any:
        return fields[name].field(default, source)

    return maker
