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

from palapa.devstack.services import SERVICES as DECLARED
from palapa.kit.settings import env_names

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
OURS = {name: svc for name, svc in SERVICES.items() if "command" in svc and "palapa." in " ".join(svc["command"])}
URL_SETTINGS = re.compile(r"(DATABASE_URL|BOOTSTRAP_SERVERS|ENDPOINT)$")


def _module(svc: dict) -> str:
    return svc["command"][svc["command"].index("-m") + 1]


def settings_class(module: str) -> type[BaseSettings]:
    """The one settings class a service's settings module defines (a one-shot step's: its module's own)."""
    package = module if importlib.util.find_spec(module).submodule_search_locations else module.rpartition(".")[0]
    if package != module:
        mod = importlib.import_module(module)
        own = [c for _, c in inspect.getmembers(mod, inspect.isclass)
               if issubclass(c, BaseSettings) and c.__module__ == mod.__name__]
        if len(own) == 1:
            return own[0]
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
    if name == "bridge-mapped":
        read |= {f"{n}_FILE" for n in read}  # ${NAME} in a mapping is also read from NAME_FILE
    if name == "migrate":  # a data migration that seals rows reads its service's key (complaint_0008)
        read |= {"COMPLAINT_CONTACTS_KEY_FILE"}
    given = set(svc.get("environment", {}))
    assert given - read == set(), f"{name} sets names its settings never read"
    given |= {n.removesuffix("_FILE") for n in given}  # a setting given as a file is given
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
        elif dep in BEST_EFFORT:
            assert cond == "service_started", f"{name} -> {dep}: nothing should wait on {dep}'s health"
        else:
            assert cond == "service_completed_successfully", f"{name} -> {dep}: {cond}"
    hosts = set()
    for key, value in svc.get("environment", {}).items():
        if URL_SETTINGS.search(key):
            for part in str(value).split(","):
                host = urlsplit(part if "://" in part else f"//{part}").hostname
                hosts.add(host)
    assert hosts - set(deps) == set(), f"{name} talks to {hosts - set(deps)} without depends_on"


#: telemetry is best effort: a service starts without waiting for it (its exporter retries, then drops spans)
BEST_EFFORT = {"otel-collector", "prometheus"}
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


# --- compose runs the one list (deploy/services.toml) -----------------------------------------------------------

JOBS = {"topics", "migrate"}  # one-shot steps, not processes of the list (kafka-access runs Kafka's own tools)


def test_compose_runs_every_process_of_the_one_list_and_nothing_else():
    assert set(OURS) - JOBS == {s.name for s in DECLARED}


@pytest.mark.parametrize("spec", DECLARED, ids=lambda s: s.name)
def test_each_process_runs_its_module_on_its_port(spec):
    svc = SERVICES[spec.name]
    assert _module(svc) == spec.module
    env = svc.get("environment", {})
    if spec.port:
        assert env[f"{spec.env_prefix}HTTP_PORT"] == str(spec.port)
        assert env[f"{spec.env_prefix}HTTP_HOST"] == "0.0.0.0"  # reachable by the other containers
        assert f":{spec.port}/readyz" in " ".join(svc["healthcheck"]["test"])


@pytest.mark.parametrize("spec", DECLARED, ids=lambda s: s.name)
def test_each_process_gets_what_the_list_says_it_needs(spec):
    svc = SERVICES[spec.name]
    env, deps = svc.get("environment", {}), svc.get("depends_on", {})
    if spec.schema:
        assert deps["migrate"]["condition"] == "service_completed_successfully"
    if spec.reads or spec.writes:
        assert deps["topics"]["condition"] == "service_completed_successfully"
        assert "KAFKA_BOOTSTRAP_SERVERS" in env
    given = {n.removesuffix("_FILE") for n in env}
    if spec.legacy or spec.pbb:
        assert f"{spec.env_prefix}LEGACY_DATABASE_URL" in given
    for name in spec.databases:
        assert {f"{name.upper()}_DATABASE_URL", f"{spec.env_prefix}DATABASE_URL"} & given
    if spec.pbb:  # the export folder is one volume the simulator writes and the bridge reads
        folder = env[f"{spec.env_prefix}DROP_FOLDER"]
        assert any(v.endswith(":" + folder) and not v.startswith((".", "/")) for v in svc.get("volumes", []))
    ports = {s.name: s.port for s in DECLARED}
    for name, template in spec.links:
        if template == "{secret}":
            continue  # a shared secret: the secrets test checks where it comes from
        hosts = {n: n for n in ports}  # in compose a process is reached by its service name
        assert env[f"{spec.env_prefix}{name}"] == template.format(host=hosts, port=ports), (spec.name, name)


def test_processes_sharing_a_secret_get_the_same_one():
    shared: dict[str, set[str]] = {}
    for spec in DECLARED:
        for name, template in spec.links:
            if template == "{secret}":  # the same secret file
                env = SERVICES[spec.name].get("environment", {})
                shared.setdefault(name, set()).add(str(env.get(f"{spec.env_prefix}{name}_FILE")))
    for name, values in shared.items():
        assert len(values) == 1, f"{name}: {values}"


def test_the_pbb_simulator_and_bridge_share_one_export_volume():
    mounts = {spec.name: {v.partition(":")[0] for v in SERVICES[spec.name].get("volumes", [])}
              for spec in DECLARED if spec.pbb}
    assert len(mounts) == 2 and set.intersection(*mounts.values()), mounts
