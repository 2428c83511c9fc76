"""The mediator registry in force: the one a run's context takes when it is built (:func:`registry`), the model's
own (:data:`borderSim.rules.mediator_entries.REGISTRY`) unless a ``with registered(...)`` block adds entries for
its duration (in its thread or task: a context variable, never a module global changed in place).

A run reads its registry from its context (:attr:`borderSim.rules.context.Context.registry`). What reports on runs
without holding a context (the summary's and daily columns, the parameter tables of ``borderSim params``) reads
the registry in force: :func:`registry`, or ``MEDIATORS`` and ``JOINTS`` (its entries and relations, read when
called, never copied at import).

An outside actor is one entry (:class:`~borderSim.rules.mediator.Mediator`, in
:mod:`borderSim.rules.mediator_entries`) plus its parameter group in the schema (declared in its own module,
:class:`borderSim.schema.DeclaredGroup`, or for a ``registered`` block's duration in a subclass of
:class:`~borderSim.schema.Parameters`); its state column, summary columns, daily series, Mesa agent and event-log
phrases follow from the entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from borderSim.rules.mediator import Joint, Mediator, Registry
from borderSim.rules.mediator_entries import REGISTRY
from borderSim.schema import Parameters

__all__ = ["Mediator", "index", "registered", "registry"]

_IN_FORCE: ContextVar[Registry] = ContextVar("mediator_registry", default=REGISTRY)


def registry() -> Registry:
    """The registry in force: the one a run's context takes when it is built."""
    return _IN_FORCE.get()


@contextmanager
def registered(*extra: Mediator, joints: tuple[Joint, ...] = (),
               schema: type[Parameters] | None = None) -> Iterator[Registry]:
    """The registry in force with more entries and relations (and a schema extended with their groups) for the
    duration of a ``with`` block; a refused registry (:meth:`Registry.check`) leaves the one in force as it was."""
    token = _IN_FORCE.set(registry().with_entries(*extra, joints=joints, schema=schema))
    try:
        yield registry()
    finally:
        _IN_FORCE.reset(token)


def index(key: str) -> int:
    """Column of the mediator ``key`` in the mediator arrays of the registry in force."""
    return registry().index(key)


def __getattr__(name: str):
    if name == "MEDIATORS":   # the registry in force's entries, in the order of the state columns and outputs
        return registry().mediators
    if name == "JOINTS":
        return registry().joints
    raise AttributeError(name)
