"""The same command gives the same numbers on CPUs with different vector extensions.

numpy picks its float64 ``exp``/``power``/``cos`` kernels by the CPU (AVX-512 where present); the rules
use :mod:`borderSim.rules.fmath` instead. ``NPY_DISABLE_CPU_FEATURES`` makes numpy take the path of a CPU
without AVX-512 in a second process, so on an AVX-512 machine this compares both paths; elsewhere both
processes take the same path and the test still checks that a run is repeatable across processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from borderSim.rules import fmath

_SCRIPT = """
import hashlib, json, sys
import numpy as np
from borderSim.core.run import run_rows
from borderSim.schema.scenarios import load_scenario
r = run_rows(load_scenario("september_2022").params, np.arange(64), seed=5, days=120, record=True)
h = {c: hashlib.sha256(np.ascontiguousarray(r.series[:, :, j]).tobytes()).hexdigest() for j, c in enumerate(r.columns)}
h["summary"] = hashlib.sha256(r.summary.to_numpy(dtype=float).tobytes()).hexdigest()
print(json.dumps(h))
"""
_AVX512 = "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR X86_V4"


def _hashes(disable: str) -> dict[str, str]:
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": disable,
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[1] / "src"),
                                          os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_daily_series_do_not_depend_on_numpys_vector_kernels():
    full, plain = _hashes(""), _hashes(_AVX512)
    assert [c for c in full if full[c] != plain[c]] == []


def test_fmath_is_the_c_library():
    import math

    x = np.random.default_rng(3).uniform(-30.0, 3.0, 5000)
    y = np.random.default_rng(4).uniform(0.0, 40.0, 5000)
    assert np.array_equal(fmath.exp(x), [math.exp(v) for v in x])
    assert np.array_equal(fmath.expm1(x), [math.expm1(v) for v in x])
    assert np.array_equal(fmath.cos(x), [math.cos(v) for v in x])
    base = np.abs(x) / 30.0
    assert np.array_equal(fmath.power(base, y), [math.pow(a, b) for a, b in zip(base, y, strict=True)])
