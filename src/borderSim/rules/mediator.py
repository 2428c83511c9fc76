"""What a mediator is: a registry entry (:class:`Mediator`), a relation between two (:class:`Joint`), what it sees
when it decides to offer (:class:`Situation`), what it did on a day (:class:`MediatorAction`) and the registry of a
run (:class:`Registry`: its entries, their relations and the schema their parameter groups belong to).

An entry names the actor (key of its output columns, parameter group, display names), the first of its random
streams (it draws its offers from that stream and the governments' answers from the next one) and its rules.
The registry checks that keys are unique, relations name known mediators, each entry's group is a group of the
schema, and each entry's streams are its own (:mod:`borderSim.rules.streams` numbers the other draws).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np

from borderSim.rules.params import ParamArrays
from borderSim.rules.streams import STREAM_NUMBERS, Stream
from borderSim.schema import Parameters

SIDE_SIGN = np.array([[-1.0, 1.0]])  # bias > 0 favours Tajikistan: it counts against Kyrgyzstan
SIDE_SIGN.flags.writeable = False
SIDES2 = np.array([0, 1])            # stream slots of the two governments' answers
SIDES2.flags.writeable = False


class MediatorAction(IntEnum):
    """What a mediator did on a day."""

    NONE = 0
    STATEMENT = 1
    DECLINED_BY_TJ = 2
    DECLINED_BY_KG = 3
    DECLINED_BY_BOTH = 4
    ACCEPTED = 5
    MEDIATING = 6
    FACILITATING_TALKS = 7


class Style(IntEnum):
    """A mediator's style (Beardsley et al. 2006), as coded in the parameter arrays (the position of
    the choice in the schema)."""

    FACILITATIVE = 0
    MANIPULATIVE = 1


# plain ints for array arithmetic (numpy takes IntEnum members through its slow object path)
MANIPULATIVE = Style.MANIPULATIVE.value
NONE, STATEMENT, ACCEPTED, MEDIATING = (MediatorAction.NONE.value, MediatorAction.STATEMENT.value,
                                        MediatorAction.ACCEPTED.value, MediatorAction.MEDIATING.value)

Rule = Callable[[ParamArrays], np.ndarray]


@dataclass(frozen=True)
class Situation:
    """What the mediators (``mediators``, the run's entries) see on the rows in an episode when they decide
    whether to offer."""

    mediators: tuple[Mediator, ...]
    days_in: np.ndarray     # (n, 1) days since the episode began
    level: np.ndarray       # (n, 1) yesterday's rung
    engaged: np.ndarray     # (n, M) mediating at the start of the day
    _offers: dict[int, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    def offer_probability(self, P: ParamArrays, m: int) -> np.ndarray:
        """(n, 1) mediator ``m``'s daily chance of offering on these rows (``P`` their parameters), computed once
        (Russia's depends on the Western mediators' chances)."""
        if m not in self._offers:
            self._offers[m] = self.mediators[m].offer_probability(P, self)
        return self._offers[m]

    def fill(self, P: ParamArrays, out: np.ndarray, cols) -> None:
        """Columns ``cols`` of ``out`` (n, M): those mediators' chances from their rules (:meth:`offer_probability`)."""
        for m in cols:
            out[:, m:m + 1] = self.offer_probability(P, m)


@dataclass(frozen=True, eq=False)
class Mediator:
    """One mediator: who it is and how it behaves. Rules take the rows' parameters ``P`` and return
    ``(n, 1)`` arrays (``pressure``: ``(n, 2)``, one column per side)."""

    key: str                  # prefix of its output columns: russia_offers, russia_action
    group: str                # its parameter group in the schema
    name: str                 # in the event log: "Russia offers mediation"
    label: str                # the Mesa agent's name and the status panel's label
    streams: int              # its first stream: its daily offer draw (slot 0); the next: the answers (slot = side)
    offer_probability: Callable[[ParamArrays, Situation], np.ndarray]
    bias: Rule                # + toward Tajikistan, - toward Kyrgyzstan
    pressure: Rule            # against escalation on each side while it mediates
    ceasefire_effect: Rule    # rise of the ceasefire hazard while it mediates, before timing and context
    speaks: Callable[[ParamArrays], Any] = lambda P: True  # makes statements in an episode when not mediating
    idle: Rule | None = None        # its action outside an episode (NONE when omitted)
    monitors: Rule | None = None    # ceasefire strength its monitors add (Fortna 2003)
    guarantee: Rule | None = None   # ceasefire strength it adds as a guarantor (Walter 2002)
    fragility: Rule | None = None   # extra breakdown hazard of a deal it pressed (Beardsley 2008)
    talks: Rule | None = None       # standing support for demarcation rounds (preventive diplomacy)
    assistance: Rule | None = None  # security assistance to each side (capability/year; Kuperman 2008)
    outsider: bool = False          # an actor Russia wants kept out of the region's disputes (article)
    describe: Callable[[Parameters], str] = lambda p: "mediation"  # its offers, in the event log

    #: The streams an entry draws from, counted from :attr:`streams`: its offers, then the governments' answers.
    STREAMS_PER_ENTRY = 2

    @property
    def offer_stream(self) -> int:
        return self.streams

    @property
    def accept_stream(self) -> int:
        return self.streams + 1

    def stream_numbers(self) -> tuple[int, ...]:
        return tuple(range(self.streams, self.streams + self.STREAMS_PER_ENTRY))


@dataclass(frozen=True, eq=False)
class Joint:
    """Joint mediation of ``lead`` with ``partner`` where ``active``: the lead's offers carry the
    average of the two biases, and an accepted offer engages the partner too (Kydd 2003)."""

    lead: str
    partner: str
    active: Rule


@dataclass(frozen=True, eq=False)
class Registry:
    """The mediators of a run, in the order of their state columns and outputs, the relations between them, and
    the schema whose groups hold their parameters. Checked when made (:meth:`check`)."""

    mediators: tuple[Mediator, ...]
    joints: tuple[Joint, ...] = ()
    schema: type[Parameters] = Parameters
    #: Every entry's :attr:`Mediator.offer_probability` at once, compiled: ``offer_chances(P, situation, out)`` fills
    #: ``out`` (n, M) with the same numbers as the entries' rules (a twin, tested against them). None: the rules, entry
    #: by entry. :meth:`with_entries` leaves it out, as it knows only the entries it was written for.
    offer_chances: Callable[[ParamArrays, Situation, np.ndarray], None] | None = None

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Keys are unique, relations name known mediators, groups are the schema's, streams are each entry's own."""
        keys = [m.key for m in self.mediators]
        if len(set(keys)) != len(keys):
            raise ValueError(f"mediator keys must be unique: {keys}")
        unknown = {k for j in self.joints for k in (j.lead, j.partner)} - set(keys)
        if unknown:
            raise ValueError(f"joint mediation names unknown mediators: {sorted(unknown)}")
        groups = [m.group for m in self.mediators if m.group not in self.schema.model_fields]
        if groups:
            raise ValueError(f"mediator groups must be groups of the schema {self.schema.__name__}: {groups}")
        own = [s for m in self.mediators for s in m.stream_numbers()]
        others = {s.value for s in Stream}
        if len(set(own)) != len(own) or others & set(own) or not all(0 <= s < STREAM_NUMBERS for s in own):
            raise ValueError(f"mediator streams must be distinct, not used for other draws, and below "
                             f"{STREAM_NUMBERS}: {own}")

    def index(self, key: str) -> int:
        """Column of the mediator ``key`` in the mediator arrays."""
        return next(i for i, m in enumerate(self.mediators) if m.key == key)

    def parameters(self, params: Parameters) -> Parameters:
        """``params`` in this registry's schema: the same values, any group the schema adds at its defaults."""
        if type(params) is self.schema:
            return params
        return self.schema(**{g: getattr(params, g) for g in type(params).model_fields})

    def with_entries(self, *extra: Mediator, joints: tuple[Joint, ...] = (),
                     schema: type[Parameters] | None = None) -> Registry:
        """This registry with more entries and relations (and a schema extended with their groups); their offers
        are drawn from the entries' rules (:attr:`offer_chances` is left out)."""
        return Registry(self.mediators + extra, self.joints + joints, schema or self.schema)
