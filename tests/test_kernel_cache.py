"""The compiled kernels' cache is keyed on every module a kernel can reach, not only on the kernel's own file
(numba's documented limitation), so an edit to an inlined helper never leaves old machine code in use."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from borderSim.common import jit
from borderSim.rules import kernels

PACKAGE = Path(jit.__file__).resolve().parents[1]


def test_the_stamp_changes_with_any_file_it_covers(tmp_path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("X = 1\n")
    b.write_text("def f():\n    return 1\n")
    before = jit.source_stamp([a, b])
    assert jit.source_stamp([a, b]) == before
    b.write_text("def f():\n    return 2\n")          # the helper's module, not the kernel's, changes
    assert jit.source_stamp([a, b]) != before
    b.write_text("def f():\n    return 1\n")
    assert jit.source_stamp([a, b]) == before
    b.rename(tmp_path / "c.py")                      # a renamed module is another module
    assert jit.source_stamp([a, tmp_path / "c.py"]) != before


def test_every_module_with_a_kernel_is_covered():
    covered = set(jit.kernel_sources())
    with_kernels = {p for p in PACKAGE.rglob("*.py") if re.search(r"@kernel|\bnjit\(", p.read_text())}
    assert with_kernels and with_kernels <= covered
    # what the kernels import from the package is covered too
    for p in with_kernels:
        for mod in re.findall(r"^from borderSim\.([\w.]+) import", p.read_text(), re.M):
            assert (PACKAGE / mod.replace(".", "/")).with_suffix(".py") in covered or \
                (PACKAGE / mod.replace(".", "/") / "__init__.py") in covered, (p.name, mod)


def test_the_package_kernels_are_keyed_on_the_stamp_and_others_are_not(tmp_path):
    locator = kernels.observe._cache._impl._locator
    assert type(locator).__name__.startswith("BorderSim")
    assert locator.get_source_stamp() == jit.source_stamp(jit.kernel_sources())

    outside = tmp_path / "elsewhere.py"
    outside.write_text("from numba import njit\n\n@njit(cache=True)\ndef f(x):\n    return x + 1\n")
    spec = importlib.util.spec_from_file_location("elsewhere", outside)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert not type(mod.f._cache._impl._locator).__name__.startswith("BorderSim")
