"""TOML files, read and checked in one place: scenario, experiment, calibration and optimisation files.

Every check raises :class:`~borderSim.common.errors.InputError`: one line naming the file, the key, the value and what
is allowed (the command line prints it and exits with status 2). :func:`nearest` is the one "did you mean"
hint of the project.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from pathlib import Path

from borderSim.common.errors import InputError

MAX_FILE_BYTES = 1_000_000     # input files are a few hundred bytes to a few kB; refuse anything absurd


def closest(word: str, options) -> str | None:
    """The option closest to ``word``, if one is close enough to be what was meant."""
    hit = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return hit[0] if hit else None


def did_you_mean(hit: str | None) -> str:
    """`` (did you mean X?)``, or nothing without a ``hit``."""
    return f" (did you mean {hit}?)" if hit else ""


def nearest(word: str, options) -> str:
    """`` (did you mean X?)`` for the option closest to ``word``, or nothing when none is close."""
    return did_you_mean(closest(word, options))


def read_toml(path: Path, where: str, kind: str = "scenario file") -> dict:
    """The TOML table of a scenario (or other ``kind`` of) file, with one-line errors for unreadable,
    oversized, non-UTF-8 or invalid files."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise InputError(where, None, f"is a folder; expected a {kind} (.toml)") from None
    except OSError as err:
        raise InputError(where, None, f"cannot read file ({err.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(where, None, f"is larger than {MAX_FILE_BYTES:,} bytes; a {kind} is a short text file")
    text = _decode(raw, where)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(where, None, f"invalid TOML: {err}") from None
    except RecursionError:
        raise InputError(where, None, "invalid TOML: arrays or tables nested too deeply") from None


def _decode(raw: bytes, where: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InputError(where, None, "starts with a UTF-8 byte-order mark (BOM); expected UTF-8 text "
                         "without BOM (save it as plain UTF-8)")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(where, None, "is UTF-16 text; expected UTF-8 text (save it as UTF-8)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        byte = raw[err.start]
        raise InputError(where, None, f"is not UTF-8 text (byte 0x{byte:02x} at offset {err.start}); expected "
                         "a TOML text file saved as UTF-8") from None
    if "\x00" in text:
        raise InputError(where, None, "is not a text file (it contains NUL bytes); expected a TOML text file")
    return text


def known_keys(table: dict, allowed, where: str, prefix: str = "") -> None:
    """One line for the first key of ``table`` that is not ``allowed`` (with the nearest allowed one)."""
    for key in table:
        if key not in allowed:
            raise InputError(where, f"{prefix}{key}", f"unknown key{nearest(key, allowed)}; "
                             f"allowed: {', '.join(allowed)}")


def file_description(data: dict, where: str, what: str) -> str:
    """The file's one-line ``description`` (stripped); one line if it is missing or empty (``what``: "every
    experiment", ...)."""
    d = data.get("description")
    if not isinstance(d, str) or not d.strip():
        raise InputError(where, "description", f"missing: {what} needs a one-line description")
    return d.strip()


def subtable(data: dict, key: str, where: str, example: str | None = None) -> dict:
    """The sub-table ``key`` of ``data`` (empty if absent); ``example`` shows what one looks like (``[key]``)."""
    t = data.get(key, {})
    if not isinstance(t, dict):
        raise InputError(where, key, f"must be a table, like {example or f'[{key}]'}")
    return t


def is_number(v) -> bool:
    """A finite int or float (not a bool)."""
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def whole(data: dict, key: str, where: str, default: int, lo: int, hi: int, prefix: str = "") -> int:
    """``data[key]`` (or ``default``): a whole number from ``lo`` to ``hi``."""
    v = data.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise InputError(where, f"{prefix}{key}", f"{v!r} is not allowed; expected a whole number from {lo:,} to "
                         f"{hi:,}")
    return v


def number(data: dict, key: str, where: str, prefix: str = "", lo: float = -math.inf, hi: float = math.inf,
           default: float | None = None) -> float | None:
    """``data[key]`` (or ``default``, which may be None): a finite number from ``lo`` to ``hi``."""
    v = data.get(key, default)
    if v is None:
        return None
    if not is_number(v) or not lo <= v <= hi:
        rng = f" from {lo:g} to {hi:g}" if math.isfinite(lo) and math.isfinite(hi) else ""
        raise InputError(where, f"{prefix}{key}", f"{v!r} is not allowed; expected a number{rng}")
    return float(v)
