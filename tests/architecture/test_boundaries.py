"""Import boundaries: pure modules import no framework; services never import each other; libs never import services."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICE_PKGS = {p.name: p for p in ROOT.glob("services/*/src/palapa/*") if p.is_dir()}
PURE = ("domain.py", "translate.py")
STDLIB = set(sys.stdlib_module_names)


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def _pure_modules():
    return [p for pkg in SERVICE_PKGS.values() for p in pkg.rglob("*.py") if p.name in PURE]


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_modules_import_only_the_stdlib_and_contracts(path):
    outside = {m for m in imports(path) if m.split(".")[0] not in STDLIB and not m.startswith("palapa.contracts")}
    assert outside == set(), f"{path.name} must stay pure (no I/O, no framework)"


@pytest.mark.parametrize("name", sorted(SERVICE_PKGS))
def test_a_service_never_imports_another_service(name):
    others = {f"palapa.{n}" for n in SERVICE_PKGS if n != name}
    for path in SERVICE_PKGS[name].rglob("*.py"):
        bad = {m for m in imports(path) if any(m == o or m.startswith(o + ".") for o in others)}
        assert bad == set(), f"{path.relative_to(ROOT)} imports {bad}"


def test_libraries_never_import_services_or_the_launcher():
    forbidden = {f"palapa.{n}" for n in SERVICE_PKGS} | {"palapa.devstack"}
    for path in [*ROOT.glob("libs/*/src/**/*.py"), *ROOT.glob("contracts/src/**/*.py")]:
        bad = {m for m in imports(path) if any(m == f or m.startswith(f + ".") for f in forbidden)}
        assert bad == set(), f"{path.relative_to(ROOT)} imports {bad}"


def test_contracts_depend_on_nothing_but_pydantic():
    for path in ROOT.glob("contracts/src/**/*.py"):
        outside = {m for m in imports(path) if m.split(".")[0] not in STDLIB | {"pydantic", "palapa"}}
        assert outside == set(), f"{path.name} imports {outside}"
