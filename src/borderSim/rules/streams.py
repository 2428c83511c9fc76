"""Counter-based random streams: every draw is a pure function of (seed, replicate, day, stream, slot).

A replicate's key is derived from ``(seed, replicate index)``; a draw hashes the key with a counter
built from the day, the stream (what the number is for, :class:`Stream`) and the slot (which village
or side). Nothing is sequential, so a replicate's trajectory is the same whether it runs alone, in a
batch of 10,000, in any chunk or worker, and under either engine; and the same replicate index under
two scenarios draws the same numbers for the same purposes (common random numbers).

The hash is the SplitMix64 finaliser (Steele, Lea & Flood 2014) applied to the key XOR a mixed
counter. numpy's bit generators are sequential objects (one per replicate would make a batch of
10,000 slow), so the hash is written out here, compiled with numba; the fused kernels in
:mod:`borderSim.rules.kernels` use the same functions.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from borderSim.common.jit import kernel

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S6, _S11, _S16 = np.uint64(6), np.uint64(11), np.uint64(16)
_S27, _S30, _S31 = np.uint64(27), np.uint64(30), np.uint64(31)
_SEED_SALT = np.uint64(0x5851F42D4C957F2D)
TO_UNIT = 2.0**-53
_S26, _LOW26, _TWO26 = np.uint64(26), np.uint64(2**26 - 1), 2.0**26


#: Stream numbers have 6 bits in the counter (:func:`counter`): 0 to 63.
STREAM_NUMBERS = 64


class Stream(IntEnum):
    """What a draw is for. Fixed numbers: changing them changes every trajectory. The mediators' draws are
    numbered by their registry entries (:attr:`borderSim.rules.mediator.Mediator.streams`: Russia 4 and 5, the
    OSCE 7 and 8, the EU 50 and 51, the US 52 and 53), which the registry keeps clear of these."""

    INCIDENT = 0
    GUNFIRE = 1
    CHOICE = 2
    INVOLUNTARY = 3
    CHINA = 6
    CEASEFIRE = 9
    CEASEFIRE_BREAK = 10
    SHELLING = 11
    CIVILIAN_DEATHS = 12
    CIVILIAN_WOUNDED = 13
    HOMES = 14
    FLIGHT = 15
    RETURN = 16
    MILITARY_DEATHS = 17
    MILITARY_WOUNDED = 18
    NEGOTIATION = 19
    NEGOTIATION_SUCCESS = 20
    ORIGIN = 21
    FRONT_SPREAD = 22
    SECOND_FRONT = 23
    SHOOTOUT_DEATHS = 24


@kernel(inline=True)
def premix(x):
    """The finaliser's first step, ``x ^ (x >> 30)``. It distributes over XOR (``(k ^ c) >> 30`` is
    ``(k >> 30) ^ (c >> 30)``), so ``premix(key ^ c) == premix(key) ^ premix(c)``: a loop that draws for many
    (key, counter) pairs takes each key's and each counter's once (:func:`uniform_premixed`)."""
    return x ^ (x >> _S30)


@kernel(inline=True)
def finish(x):
    """The rest of the SplitMix64 finaliser, after :func:`premix`."""
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


@kernel(inline=True)
def mix(x):
    """SplitMix64 finaliser of one uint64."""
    return finish(premix(x))


@kernel(inline=True)
def counter(day, stream, slot):
    """The mixed counter of (day, stream, slot): 6 bits of stream, 16 bits of slot."""
    base = ((np.uint64(day) << _S6) | np.uint64(stream)) << _S16
    return mix((base + np.uint64(slot)) * _GOLDEN)


@kernel(inline=True)
def unit(bits):
    """The uniform in [0, 1) of a 64-bit hash: its top 53 bits over ``2**53``.

    The 53 bits are converted as two halves of 27 and 26 bits, each exact in a 32-bit integer, and added: the same
    double as converting the 53 bits at once (every step is exact below ``2**53``), but a loop over villages then
    converts four at a time, where a 64-bit integer is converted one at a time on a CPU without AVX-512 (kernels'
    observe alone 0.93 -> 0.84 ms a call at 10,000 rows on AMD EPYC)."""
    top = bits >> _S11
    high, low = np.int32(top >> _S26), np.int32(top & _LOW26)
    return (np.float64(high) * _TWO26 + np.float64(low)) * TO_UNIT


@kernel(inline=True)
def to_uniform(key, mixed_counter):
    """A uniform in [0, 1) from a replicate key and a mixed counter (53 random bits, :func:`unit`)."""
    return unit(mix(key ^ mixed_counter))


@kernel(inline=True)
def uniform_premixed(premixed_key, premixed_counter):
    """:func:`to_uniform` of a key and a mixed counter from their :func:`premix`: the same number, bit for bit
    (the villages' draws of :func:`borderSim.rules.kernels.observe` and ``apply_returns``: ``observe`` on states
    captured from the calibration benchmark's candidates 1.070 -> 1.030 ms a call)."""
    return unit(finish(premixed_key ^ premixed_counter))


@kernel
def _keys(seed, replicates):
    root = mix(np.uint64(seed) ^ _SEED_SALT)
    out = np.empty(replicates.size, dtype=np.uint64)
    for i in range(replicates.size):
        out[i] = mix(root + np.uint64(replicates[i]) * _GOLDEN)
    return out


@kernel
def _grid(keys, day, stream, slots):
    out = np.empty((slots.size, keys.size))   # slot-major; returned transposed (column-major)
    for j in range(slots.size):
        c = counter(day, stream, slots[j])
        for i in range(keys.size):
            out[j, i] = to_uniform(keys[i], c)
    return out


@kernel
def _column(keys, day, stream, slot):
    out = np.empty(keys.size)
    c = counter(day, stream, slot)
    for i in range(keys.size):
        out[i] = to_uniform(keys[i], c)
    return out


@kernel
def _pairs(keys, day, stream, slots):
    out = np.empty(keys.size)
    for i in range(keys.size):
        out[i] = to_uniform(keys[i], counter(day, stream, slots[i]))
    return out


def replicate_keys(seed: int, replicates: np.ndarray) -> np.ndarray:
    """64-bit stream keys for replicate indices under a root seed."""
    return _keys(np.uint64(seed), np.asarray(replicates, dtype=np.int64))


def uniform(keys: np.ndarray, day: int, stream: int, slots: np.ndarray | int) -> np.ndarray:
    """Uniform [0, 1) draws of shape ``(len(keys), len(slots))`` (or ``(len(keys),)`` for an int slot)."""
    if isinstance(slots, int | np.integer):
        return _column(keys, int(day), int(stream), int(slots))
    slots = np.asarray(slots, dtype=np.int64)
    if slots.ndim == 0:
        return _column(keys, int(day), int(stream), int(slots))
    return _grid(keys, int(day), int(stream), slots).T


def uniform_at(keys: np.ndarray, day: int, stream: int, slots: np.ndarray) -> np.ndarray:
    """Uniform draws for paired ``(keys[i], slots[i])``: one draw per element (sparse evaluation)."""
    return _pairs(keys, int(day), int(stream), np.asarray(slots, dtype=np.int64))
