"""The engine's imports go strictly one way (no cycles) and never reach Django."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1]

# Bottom (0) to top; a module may import only modules of a lower rank.
LAYERS = {
    "errors": 0,
    "numbers": 1,
    "types": 2,
    "bounds": 3,
    "credit": 3,
    "key": 3,
    "rounding": 3,
    "timebase": 3,
    "fallback": 3,
    "core": 4,
    "fairness": 4,
    "io": 5,
    "sensitivity": 5,
}


def engine_imports(module: str) -> set[str]:
    """Engine modules imported anywhere in ``module`` (also under TYPE_CHECKING)."""
    tree = ast.parse((ENGINE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name.startswith("allocation.engine."):
                part = name.split(".")[2]
                if part in LAYERS:
                    found.add(part)
            elif name.split(".")[0] == "django":
                found.add("django")
    return found


def test_every_engine_module_has_a_layer() -> None:
    modules = {p.stem for p in ENGINE.glob("*.py")} - {"__init__"}
    assert modules == set(LAYERS)


@pytest.mark.parametrize("module", sorted(LAYERS))
def test_module_imports_only_lower_layers(module) -> None:
    imported = engine_imports(module)
    assert "django" not in imported
    upward = sorted(name for name in imported if LAYERS[name] >= LAYERS[module])
    assert upward == [], f"{module} imports {upward} from its own layer or above"


def test_errors_import_nothing_from_the_engine() -> None:
    assert engine_imports("errors") == set()


def test_the_public_names_stay_where_they_were() -> None:
    from allocation.engine.errors import EngineError, Infeasible, InvalidInput, TieRefused
    from allocation.engine.io import parse_scenario, result_to_dict
    from allocation.engine.types import StatutoryParams, Tie

    assert all(issubclass(e, EngineError) for e in (Infeasible, InvalidInput, TieRefused))
    assert StatutoryParams.__module__ == Tie.__module__ == "allocation.engine.types"
    assert parse_scenario.__module__ == result_to_dict.__module__ == "allocation.engine.io"
