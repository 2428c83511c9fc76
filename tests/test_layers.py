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
ALLOWED_BELOW_RULES = ("borderSim.rules", "borderSim.inputs.geography", "borderSim.schema", "borderSim.common")


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.name)
def test_rules_import_only_rules_geography_the_schema_and_common(path):
    bad = {m for m in imports(path) if not m.startswith(ALLOWED_BELOW_RULES)}
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("name", ["core/engine.py", "model/agents.py"])
def test_the_engines_day_code_imports_no_output(name):
    bad = {m for m in imports(PACKAGE / name) if m.startswith(("borderSim.outputs", "borderSim.viz"))}
    assert not bad, f"{name} imports {sorted(bad)}"


ABOVE_OUTPUTS = ("borderSim.core", "borderSim.model", "borderSim.run", "borderSim.viz", "borderSim.cli")


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
    for path in sorted((PACKAGE / "experiments").rglob("*.py")):
        bad = {m for m in imports(path) if m.startswith(("borderSim.calibration", "borderSim.cli"))}
        assert not bad, f"{module(path)} imports {sorted(bad)}"
    for path in sorted((PACKAGE / "calibration").glob("*.py")):
        bad = {m for m in imports(path) if m.startswith(("borderSim.cli", "borderSim.viz"))}
        assert not bad, f"calibration/{path.name} imports {sorted(bad)}"


STAGES = ("design", "evaluate", "analyse")


def test_the_experiments_stages_import_only_the_stages_before_them():
    """design -> evaluate -> analyse: a stage of borderSim.experiments imports only itself and those before it."""
    for i, stage in enumerate(STAGES):
        for path in sorted((PACKAGE / "experiments" / stage).glob("*.py")):
            later = tuple(f"borderSim.experiments.{s}" for s in STAGES[i + 1:])
            bad = {m for m in imports(path) if m.startswith(later)}
            assert not bad, f"{module(path)} imports {sorted(bad)}"
    assert {p.stem for p in (PACKAGE / "experiments").glob("*.py")} == {"__init__"}, "a module outside the stages"


def _architecture_rows() -> list[list[str]]:
    """The modules of each row of the layer table in docs/architecture.md, bottom layer first."""
    text = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = [line.split("|")[2] for line in text.splitlines() if line.startswith("| ") and "`" in line.split("|")[2]]
    return [[name.strip("/").removesuffix(".py") for name in cell.split("`")[1::2] if name != "data/"]
            for cell in rows]


def test_docs_architecture_names_every_module_and_its_layer_holds():
    """Every top-level module and sub-package of borderSim is in the layer table of docs/architecture.md, and
    imports only from its own row and the rows below it (a package of a row never from another of that row)."""
    rows = _architecture_rows()
    layer = {f"borderSim.{name}": i for i, row in enumerate(rows) for name in row}
    found = {f"borderSim.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    found |= {f"borderSim.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py") if p.parent.name != "data"}
    assert found == set(layer), f"missing from the table: {sorted(found - set(layer))}; " \
                                f"not in the package: {sorted(set(layer) - found)}"
    packages = {name for name in layer if (PACKAGE / name.removeprefix("borderSim.")).is_dir()}
    for path in set(PACKAGE.rglob("*.py")) - {PACKAGE / "__init__.py"}:   # the package's face imports from below
        own = ".".join(module(path).split(".")[:2])
        for target in imports(path):
            other = ".".join(target.split(".")[:2])
            if other in layer and other != own:
                assert layer[other] < layer[own] or (layer[other] == layer[own] and {own, other} - packages), \
                    f"{module(path)} imports {target}: {other} is not below {own}"
