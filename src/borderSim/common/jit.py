"""The one way a kernel is compiled: numba's ``njit`` with the options every kernel of the rules and the recorder
shares, so that none can differ from another by accident.

* ``cache=True``: compiled once per machine, kept beside the module (numba keys the cache on the file).
* ``error_model="numpy"``: a float division by zero gives ``inf`` or ``nan`` as numpy's does (the numpy rules,
  which the kernels repeat, are the reference) instead of raising ``ZeroDivisionError``; numba then need not test
  every divisor before it divides, which costs the core some 5 % of its time at 10,000 rows. No result changes: a
  division by zero raised before, so no finished run divided by zero.
"""

from __future__ import annotations

from numba import njit

OPTIONS = {"cache": True, "error_model": "numpy"}


def kernel(fn=None, *, inline: bool = False):
    """``@kernel`` or ``@kernel(inline=True)``: ``fn`` compiled with :data:`OPTIONS` (inlined into its callers
    when ``inline``)."""
    options = dict(OPTIONS, inline="always") if inline else OPTIONS
    if fn is None:
        return njit(**options)
    return njit(**options)(fn)
