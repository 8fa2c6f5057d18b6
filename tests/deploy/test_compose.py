"""docker-compose.yml agrees with the code: environment names, pinned images, declared dependencies."""

import importlib
import importlib.util
import inspect
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic_settings import BaseSettings

from palapa.kit.settings import env_names

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
OURS = {name: svc for name, svc in SERVICES.items() if "command" in svc and "palapa." in " ".join(svc["command"])}
URL_SETTINGS = re.compile(r"(DATABASE_URL|BOOTSTRAP_SERVERS|ENDPOINT)$")


def _module(svc: dict) -> str:
    return svc["command"][svc["command"].index("-m") + 1]


def settings_class(module: str) -> type[BaseSettings]:
    """The one settings class a service's settings module defines."""
    package = module if importlib.util.find_spec(module).submodule_search_locations else module.rpartition(".")[0]
    mod = importlib.import_module(f"{package}.settings")
    found = [c for _, c in inspect.getmembers(mod, inspect.isclass)
             if issubclass(c, BaseSettings) and c.__module__ == mod.__name__]
    assert len(found) == 1, f"{module}.settings should define exactly one settings class, found {found}"
    return found[0]


def _required_env(cls: type[BaseSettings]) -> set[str]:
    prefix = (cls.model_config.get("env_prefix") or "").upper()
    return {prefix + n.upper() for n, f in cls.model_fields.items() if f.is_required()}


def test_our_services_are_all_in_compose():
    assert set(OURS) >= {
        "complaint-svc", "catalog-svc", "notify-svc", "bridge-curhat", "sim-curhat", "topics", "migrate"
    }


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_environment_name_is_one_the_service_settings_read(name):
    svc = OURS[name]
    module = _module(svc)
    read = env_names(settings_class(module))
    if name == "bridge-mapped":  # and the ${NAMES} its mapping files read (secrets stay out of the YAML)
        read |= {m for f in (ROOT / "deploy" / "bridges").glob("*.yaml")
                 for m in re.findall(r"\$\{([A-Z_0-9]+)\}", f.read_text())}
    given = set(svc.get("environment", {}))
    assert given - read == set(), f"{name} sets names its settings never read"
    assert _required_env(settings_class(module)) - given == set(), f"{name} lacks required settings"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_image_is_pinned_to_a_version(name):
    image = SERVICES[name]["image"]
    repo, _, tag = image.rpartition(":")
    assert repo and tag and tag != "latest" and re.search(r"\d", tag), f"{name}: {image} is not pinned"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_dependency_is_declared_and_waited_for(name):
    svc = SERVICES[name]
    deps = svc.get("depends_on", {})
    for dep, rule in deps.items():
        assert dep in SERVICES, f"{name} depends on unknown {dep}"
        cond = rule["condition"]
        if cond == "service_healthy":
            assert "healthcheck" in SERVICES[dep], f"{dep} has no healthcheck to be waited on"
        else:
            assert cond == "service_completed_successfully", f"{name} -> {dep}: {cond}"
    hosts = set()
    for key, value in svc.get("environment", {}).items():
        if URL_SETTINGS.search(key):
            for part in str(value).split(","):
                host = urlsplit(part if "://" in part else f"//{part}").hostname
                hosts.add(host)
    assert hosts - set(deps) == set(), f"{name} talks to {hosts - set(deps)} without depends_on"


ONE_SHOT = {"topics", "migrate"}  # jobs that run to completion before the services start


@pytest.mark.parametrize("name", sorted(n for n in OURS if n not in ONE_SHOT))
def test_every_long_running_service_has_a_healthcheck_or_is_a_worker(name):
    svc = OURS[name]
    assert "healthcheck" in svc or name.startswith("sim-")


def test_the_topics_job_creates_every_registered_topic_before_services_start():
    for name in ("complaint-svc", "catalog-svc", "notify-svc", "bridge-curhat"):
        assert SERVICES[name]["depends_on"]["topics"]["condition"] == "service_completed_successfully"


def test_the_migrate_job_brings_every_schema_to_its_newest_revision_before_its_service_starts():
    from palapa.kit.migrate import schemas

    assert _module(SERVICES["migrate"]) == "palapa.kit.migrate"
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    owners = set(schemas())
    assert owners >= {
        "complaint-svc", "catalog-svc", "notify-svc", "tracking-svc", "bridge-curhat", "bridge-mapped", "bridge-psc119"
    }
    for name in owners & set(SERVICES):  # a schema owner not in compose yet is the compose test's to report
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert SERVICES[name]["environment"]["DATABASE_URL"] == SERVICES["migrate"]["environment"]["DATABASE_URL"]
