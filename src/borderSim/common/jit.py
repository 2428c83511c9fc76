"""The one way a kernel is compiled: numba's ``njit`` with the options every kernel of the rules and the recorder
shares, so that none can differ from another by accident.

* ``cache=True``: compiled once per machine, kept beside the module. numba keys a cached kernel on its own file
  only (its documented limitation): a kernel that inlines a helper from another module (``to_uniform`` from
  :mod:`borderSim.rules.streams`, the twins of :mod:`borderSim.rules.dyad_twins`) or reads another module's
  constant would keep its old machine code after that module changed, and give the old numbers. So a kernel of
  this package is keyed on every module a kernel can reach (:data:`KERNEL_PACKAGES`, :func:`source_stamp`): any
  change there compiles every kernel anew. The key is given by a cache locator (numba's own classes, with the
  stamp replaced), placed ahead of numba's for this package's files only.
* ``error_model="numpy"``: a float division by zero gives ``inf`` or ``nan`` as numpy's does (the numpy rules,
  which the kernels repeat, are the reference) instead of raising ``ZeroDivisionError``; numba then need not test
  every divisor before it divides, which costs the core some 5 % of its time at 10,000 rows. No result changes: a
  division by zero raised before, so no finished run divided by zero.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from numba import njit
from numba.core import caching

OPTIONS = {"cache": True, "error_model": "numpy"}

#: The subpackages of ``borderSim`` whose modules hold kernels or what kernels inline or read as constants.
KERNEL_PACKAGES = ("common", "inputs", "outputs", "rules", "schema")
_PACKAGE = Path(__file__).resolve().parents[1]


def kernel(fn=None, *, inline: bool = False):
    """``@kernel`` or ``@kernel(inline=True)``: ``fn`` compiled with :data:`OPTIONS` (inlined into its callers
    when ``inline``)."""
    options = dict(OPTIONS, inline="always") if inline else OPTIONS
    if fn is None:
        return njit(**options)
    return njit(**options)(fn)


def kernel_sources(package: Path = _PACKAGE) -> list[Path]:
    """The Python files of :data:`KERNEL_PACKAGES` under ``package``, sorted."""
    return sorted(p for sub in KERNEL_PACKAGES for p in (package / sub).rglob("*.py"))


def source_stamp(files: list[Path]) -> str:
    """A digest of the files' names and contents: it changes when any of them does."""
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


@functools.cache
def _stamp() -> str:
    return source_stamp(kernel_sources())


def _stamped(locator: type) -> type:
    """numba's ``locator`` class keyed on :func:`source_stamp` of the kernel modules, for this package's files."""

    class Stamped(locator):
        def get_source_stamp(self):
            return _stamp()

        @classmethod
        def from_function(cls, py_func, py_file):
            inside = Path(py_file).resolve().is_relative_to(_PACKAGE)
            return super().from_function(py_func, py_file) if inside else None

    Stamped.__name__ = Stamped.__qualname__ = f"BorderSim{locator.__name__.lstrip('_')}"
    return Stamped


def _install() -> None:
    """Put the stamped locators ahead of numba's (once; a numba without these classes keeps its own keys)."""
    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)
    names = ("UserProvidedCacheLocator", "InTreeCacheLocator", "UserWideCacheLocator")
    found = [getattr(caching, n, None) or getattr(caching, "_" + n, None) for n in names]
    if impl is None or None in found or any(c.__name__.startswith("BorderSim") for c in impl._locator_classes):
        return
    impl._locator_classes[:0] = [_stamped(c) for c in found]


_install()
