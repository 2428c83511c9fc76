"""Counter-based random streams: every draw is a pure function of (seed, replicate, day, stream, slot).

A replicate's key is derived from ``(seed, replicate index)``; a draw hashes the key with a counter
built from the day, the stream (what the number is for, :class:`Stream`) and the slot (which village
or side). Nothing is sequential, so a replicate's trajectory is the same whether it runs alone, in a
batch of 10,000, in any chunk or worker, and under either engine; and the same replicate index under
two scenarios draws the same numbers for the same purposes (common random numbers).

The hash is the SplitMix64 finaliser (Steele, Lea & Flood 2014) applied to the key XOR a mixed
counter. numpy's bit generators are sequential objects (one per replicate would make a batch of
10,000 slow), so the vectorised hash is written out here.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_SEED_SALT = np.uint64(0x5851F42D4C957F2D)
_TO_UNIT = 2.0**-53
_SLOT_BITS = 16
_STREAM_BITS = 6


class Stream(IntEnum):
    """What a draw is for. Fixed numbers: changing them changes every trajectory."""

    INCIDENT = 0
    GUNFIRE = 1
    CHOICE = 2
    INVOLUNTARY = 3
    RUSSIA_OFFER = 4
    RUSSIA_ACCEPT = 5
    CHINA = 6
    WEST_OFFER = 7
    WEST_ACCEPT = 8
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


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser, in place on a uint64 array."""
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def replicate_keys(seed: int, replicates: np.ndarray) -> np.ndarray:
    """64-bit stream keys for replicate indices under a root seed."""
    reps = np.asarray(replicates, dtype=np.uint64)
    with np.errstate(over="ignore"):
        root = _mix(np.array([np.uint64(seed) ^ _SEED_SALT], dtype=np.uint64))
        return _mix(root + reps * _GOLDEN)


def _counters(day: int, stream: int, slots: np.ndarray) -> np.ndarray:
    base = ((int(day) << _STREAM_BITS) | int(stream)) << _SLOT_BITS
    with np.errstate(over="ignore"):
        return _mix((np.uint64(base) + slots.astype(np.uint64)) * _GOLDEN)


def uniform(keys: np.ndarray, day: int, stream: int, slots: np.ndarray | int) -> np.ndarray:
    """Uniform [0, 1) draws of shape ``(len(keys), len(slots))`` (or ``(len(keys),)`` for an int slot)."""
    scalar = np.ndim(slots) == 0
    slots = np.atleast_1d(np.asarray(slots))
    x = keys[:, None] ^ _counters(day, stream, slots)[None, :]
    with np.errstate(over="ignore"):
        _mix(x)
    x >>= _S11
    u = x.astype(np.float64)
    u *= _TO_UNIT
    return u[:, 0] if scalar else u


def uniform_at(keys: np.ndarray, day: int, stream: int, slots: np.ndarray) -> np.ndarray:
    """Uniform draws for paired ``(keys[i], slots[i])``: one draw per element (sparse evaluation)."""
    base = ((int(day) << _STREAM_BITS) | int(stream)) << _SLOT_BITS
    with np.errstate(over="ignore"):
        c = _mix((np.uint64(base) + np.asarray(slots, dtype=np.uint64)) * _GOLDEN)
        x = _mix(keys ^ c)
    x >>= _S11
    return x.astype(np.float64) * _TO_UNIT
