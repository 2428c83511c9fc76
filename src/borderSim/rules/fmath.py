"""Elementary functions whose last bits do not depend on the CPU.

numpy evaluates float64 ``exp``, ``expm1``, ``power`` and ``cos`` with vectorised kernels chosen by
the CPU at run time (AVX-512 kernels where the CPU has them, the C library elsewhere); their results
differ in the last bit for a few per cent of inputs, so the same command gave different daily series
on two machines (measured: 4-5 % of random arguments differ between numpy's AVX-512 ``exp``/``power``
and the C library). These ufuncs call the C library's functions (``math.exp`` ..., through numba,
without fast-math) element by element on every machine: the same bits wherever the same C library
and package versions run, at about twice the cost of numpy's vector kernels, on the small arrays the
rules apply them to. Arithmetic (+, -, *, /, sqrt) is exact in IEEE 754 and needs no such care.
They are numpy ufuncs: they broadcast, take ``out=`` and cast integer input to float64.

Inside compiled kernels (:mod:`borderSim.rules.kernels`) ``math.exp`` and the like are the same C library
calls; :data:`ndtri` is scipy's inverse normal CDF (``scipy.special.ndtri``, the function the numpy rules
call), made callable from a kernel: the very same compiled function, so the same bits.
"""

from __future__ import annotations

import math

import llvmlite.binding
from numba import types, vectorize
from numba.extending import get_cython_function_address

__all__ = ["cos", "exp", "expm1", "ndtri", "power"]  # noqa: F822 -- the ufuncs are made on first use (__getattr__)


def _exp(x):
    return math.exp(x)


def _expm1(x):
    return math.expm1(x)


def _power(x, y):
    return math.pow(x, y)


def _cos(x):
    return math.cos(x)


#: The ufuncs, made on first use (:func:`__getattr__`): building them loads numba's compiler, some 0.3 s that a
#: command which runs no rule (``compare``, ``params``) would otherwise pay at import. Each is the plain numpy
#: ufunc behind numba's wrapper (its DUFunc adds several microseconds of Python to each call, more than the C
#: library's work on the arrays of a Mesa agent or a small batch): ``exp`` is ``e ** x`` (C library ``exp``),
#: ``expm1`` is ``e ** x - 1``, ``power`` is ``x ** y`` (``pow``), ``cos`` is ``cos(x)``.
_UFUNCS = {"exp": (_exp, "float64(float64)"), "expm1": (_expm1, "float64(float64)"),
           "power": (_power, "float64(float64, float64)"), "cos": (_cos, "float64(float64)")}


def __getattr__(name: str):
    if name not in _UFUNCS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    fn, signature = _UFUNCS[name]
    ufunc = vectorize([signature], cache=True)(fn).ufunc
    globals()[name] = ufunc
    return ufunc


# scipy's own ndtri (scipy.special.cython_special), registered under a fixed symbol name so that kernels calling it
# can be cached: the cached code names the symbol, which is resolved to this process's address when loaded.
llvmlite.binding.add_symbol("borderSim_ndtri", get_cython_function_address("scipy.special.cython_special", "ndtri"))
#: ``scipy.special.ndtri`` for one float64, callable inside compiled kernels (``common.jit.kernel``) (not from Python).
ndtri = types.ExternalFunction("borderSim_ndtri", types.float64(types.float64))
