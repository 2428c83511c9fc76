"""The layers hold: the rules import no engine and no output, the engines' day code imports no output,
the outputs import no engine, and the rules import each other without a circle (read from the source)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import borderSim

PACKAGE = Path(borderSim.__file__).parent


def imports(path: Path) -> set[str]:
    """``borderSim`` modules a file imports, anywhere in it (also inside functions or TYPE_CHECKING)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in out if m.startswith("borderSim.")}


def module(path: Path) -> str:
    return ".".join(("borderSim", *path.relative_to(PACKAGE).with_suffix("").parts))


RULES = sorted((PACKAGE / "rules").glob("*.py"))
ALLOWED_BELOW_RULES = ("borderSim.rules", "borderSim.geography", "borderSim.schema")


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.name)
def test_rules_import_only_rules_geography_and_the_schema(path):
    bad = {m for m in imports(path) if not m.startswith(ALLOWED_BELOW_RULES)}
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("name", ["core/engine.py", "model/agents.py"])
def test_the_engines_day_code_imports_no_output(name):
    bad = {m for m in imports(PACKAGE / name) if m.startswith(("borderSim.outputs", "borderSim.viz"))}
    assert not bad, f"{name} imports {sorted(bad)}"


ABOVE_OUTPUTS = ("borderSim.core", "borderSim.model", "borderSim.runner", "borderSim.viz", "borderSim.cli")


def test_outputs_sit_below_the_engines():
    for path in sorted((PACKAGE / "outputs").glob("*.py")):
        bad = {m for m in imports(path) if m.startswith(ABOVE_OUTPUTS)}
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_the_rules_import_each_other_without_a_circle():
    names = {module(p) for p in RULES}
    graph = {module(p): {m for m in imports(p) if m in names} - {module(p)} for p in RULES}
    done: set[str] = set()

    def visit(node: str, trail: tuple[str, ...]) -> None:
        assert node not in trail, "circle: " + " -> ".join((*trail[trail.index(node):], node))
        if node not in done:
            for nxt in graph[node]:
                visit(nxt, (*trail, node))
            done.add(node)

    for node in graph:
        visit(node, ())


def test_calibration_sits_above_the_experiment_layer():
    """Calibration builds on the experiments (evaluation, executors, posterior draws), never the reverse;
    neither imports the command line (nor calibration the browser page)."""
    for path in sorted((PACKAGE / "experiments").glob("*.py")):
        bad = {m for m in imports(path) if m.startswith(("borderSim.calibration", "borderSim.cli"))}
        assert not bad, f"experiments/{path.name} imports {sorted(bad)}"
    for path in sorted((PACKAGE / "calibration").glob("*.py")):
        bad = {m for m in imports(path) if m.startswith(("borderSim.cli", "borderSim.viz"))}
        assert not bad, f"calibration/{path.name} imports {sorted(bad)}"
