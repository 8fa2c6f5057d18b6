"""Every producing process signs with its own key and every consumer verifies, in compose and in both Kubernetes
overlays: the keys are files (Docker secrets, Kubernetes Secrets) made by deploy/secrets/create.py, the public set
reaches catalog-svc's registry and every consumer, and nothing turns verification off."""

from __future__ import annotations

import json
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from joserfc import jws

from palapa.devstack.keys import apps_of
from palapa.devstack.services import SERVICES as DECLARED
from palapa.kit.signing import load_private, parse_key_set

from .test_k8s import OVERLAYS, ROOT, of_kind, render
from .test_secrets import SERVICES, _create

PRODUCERS = [s for s in DECLARED if s.kind != "simulator" and s.writes]
ON_THE_BROKER = [s for s in DECLARED if s.kind != "simulator" and (s.reads or s.writes)]
REGISTRY = "http://catalog-svc:8102/signing-keys"


def test_the_producers_are_the_processes_that_write_and_create_py_agrees():
    assert [s.name for s in PRODUCERS] == _create().producers()
    for spec in PRODUCERS:
        assert _create().apps_of(spec.name) == list(apps_of(spec)), spec.name


# --- compose ------------------------------------------------------------------------------------------------------

def test_nothing_in_compose_turns_verification_off():
    assert not [n for n, svc in SERVICES.items() if "SIGNING_VERIFY" in svc.get("environment", {})]


@pytest.mark.parametrize("spec", PRODUCERS, ids=lambda s: s.name)
def test_each_producer_in_compose_signs_with_its_own_key_from_a_secret_file(spec):
    svc = SERVICES[spec.name]
    assert svc["environment"][f"{spec.env_prefix}SIGNING_KEY_FILE"] == f"/run/secrets/signing-{spec.name}"
    assert f"signing-{spec.name}" in svc["secrets"]
    others = [f"signing-{p.name}" for p in PRODUCERS if p is not spec]
    assert not set(others) & set(svc["secrets"]), f"{spec.name} is given another process's key"


@pytest.mark.parametrize("spec", ON_THE_BROKER, ids=lambda s: s.name)
def test_each_consumer_in_compose_trusts_the_registry_and_the_public_set(spec):
    svc = SERVICES[spec.name]
    assert svc["environment"]["SIGNING_KEYS_URL"] == REGISTRY
    assert svc["environment"]["SIGNING_TRUST_FILE"] == "/run/secrets/signing-public-keys"
    assert "signing-public-keys" in svc["secrets"]


def test_catalog_svc_registers_the_public_set_as_it_starts_in_compose():
    assert SERVICES["catalog-svc"]["environment"]["CATALOG_SIGNING_KEYS_SEED"] == "/run/secrets/signing-public-keys"


# --- create.py ------------------------------------------------------------------------------------------------------

def test_its_public_keys_are_those_of_rfc_8032():
    create = _create()
    for _ in range(20):
        seed = os.urandom(32)
        want = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        assert create.ed25519_public(seed) == want


def test_create_makes_a_key_per_producer_that_signs_and_a_public_set_the_registry_accepts(tmp_path):
    create = _create()
    create.create(tmp_path)
    keys = {s.name: load_private((tmp_path / f"signing-{s.name}").read_text()) for s in PRODUCERS}
    assert len({k.kid for k in keys.values()}) == len(PRODUCERS)
    trusted = parse_key_set(json.loads((tmp_path / "signing-public-keys").read_text()))  # no key for any app
    assert {(t.app_id, t.kid) for t in trusted} == {(app, keys[s.name].kid) for s in PRODUCERS for app in apps_of(s)}
    by_kid = {t.kid: t.key for t in trusted}
    for key in keys.values():  # what a producer signs, its consumers verify with the public half
        token = jws.serialize_compact({"alg": "Ed25519", "kid": key.kid}, b"payload", key, algorithms=["Ed25519"])
        assert jws.deserialize_compact(token, by_kid[key.kid], algorithms=["Ed25519"]).payload == b"payload"


def test_a_rotated_key_is_new_and_the_old_one_stays_trusted_until_the_registry_retires_it(tmp_path):
    create = _create()
    create.create(tmp_path)
    old = load_private((tmp_path / "signing-bridge-curhat").read_text()).kid
    new = create.rotate_signing_key("bridge-curhat", tmp_path)
    assert new != old and load_private((tmp_path / "signing-bridge-curhat").read_text()).kid == new
    trusted = {(t.app_id, t.kid) for t in parse_key_set(json.loads((tmp_path / "signing-public-keys").read_text()))}
    assert {("curhat-ning-ita", old), ("curhat-ning-ita", new), ("bridge-curhat", new)} <= trusted
    assert create.create(tmp_path) == []  # a rerun keeps every key
    with pytest.raises(SystemExit, match="not a producing process"):
        create.rotate_signing_key("sim-curhat", tmp_path)


def test_kubectl_commands_make_each_secret_the_manifests_mount(tmp_path):
    commands = "\n".join(_create().kubectl("palapa", tmp_path))
    for spec in PRODUCERS:
        assert f"create secret generic {spec.name}-signing-key --from-file=jwk=" in commands
    assert "create configmap palapa-signing-keys --from-file=keys.json=" in commands


# --- Kubernetes ---------------------------------------------------------------------------------------------------

def _pod(overlay: str, name: str) -> tuple[dict, dict[str, str], dict[str, dict]]:
    pod = of_kind(overlay, "Deployment")[name]["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in c.get("volumeMounts", [])}
    return c, env, mounts


def _mounted(mounts: dict[str, dict], path: str) -> dict:
    (source,) = [v for where, v in mounts.items() if path.startswith(where.rstrip("/") + "/")]
    return source


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_producer_on_kubernetes_mounts_its_own_signing_key_secret(overlay):
    for spec in PRODUCERS:
        _, env, mounts = _pod(overlay, spec.name)
        source = _mounted(mounts, env[f"{spec.env_prefix}SIGNING_KEY_FILE"])
        assert source["secret"]["secretName"] == f"{spec.name}-signing-key", spec.name
        assert env[f"{spec.env_prefix}SIGNING_KEY_FILE"].endswith("/jwk")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_consumer_on_kubernetes_verifies_with_the_registry_and_the_public_set(overlay):
    config = of_kind(overlay, "ConfigMap")
    palapa_env = next(cm["data"] for name, cm in config.items() if name.startswith("palapa-env"))
    assert palapa_env["SIGNING_KEYS_URL"] == REGISTRY
    for spec in ON_THE_BROKER:
        _, env, mounts = _pod(overlay, spec.name)
        source = _mounted(mounts, env["SIGNING_TRUST_FILE"])
        assert source["configMap"]["name"] == "palapa-signing-keys" and env["SIGNING_TRUST_FILE"].endswith(
            "/keys.json"), spec.name
    _, env, mounts = _pod(overlay, "catalog-svc")
    assert env["CATALOG_SIGNING_KEYS_SEED"] == env["SIGNING_TRUST_FILE"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_nothing_on_kubernetes_turns_verification_off_and_production_is_production(overlay):
    text = json.dumps(render(overlay))
    assert "SIGNING_VERIFY" not in text
    env = next(cm["data"] for name, cm in of_kind(overlay, "ConfigMap").items() if name.startswith("palapa-env"))
    assert env["PALAPA_ENV"] == ("production" if overlay == "production" else "development")


def test_the_operators_steps_name_the_signing_secrets():
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    secrets = (ROOT / "docs" / "secrets.md").read_text()
    assert "`<process>-signing-key`" in deploy and "`palapa-signing-keys`" in deploy
    assert "--rotate-signing-key" in secrets and "--kubectl" in secrets


@pytest.mark.parametrize("spec", PRODUCERS, ids=lambda s: s.name)
def test_each_producer_of_the_production_overlay_starts_with_its_key_and_verifies(spec, tmp_path, monkeypatch):
    """The production overlay's signing settings, with create.py's files where its volumes would be: the process
    passes production's checks, signs as itself and verifies with the registry and the public set."""
    import base64

    from palapa.kit.signing import signer_from, verifier_from

    from .test_secrets import STRONG, _production_settings

    _create().create(tmp_path)
    _, env, _ = _pod("production", spec.name)
    palapa_env = next(cm["data"] for n, cm in of_kind("production", "ConfigMap").items() if n.startswith("palapa-env"))
    where = {f"{spec.env_prefix}SIGNING_KEY_FILE": tmp_path / f"signing-{spec.name}",
             "SIGNING_TRUST_FILE": tmp_path / "signing-public-keys"}
    given = {name: str(where[name]) for name in where}
    given["SIGNING_KEYS_URL"] = palapa_env["SIGNING_KEYS_URL"]
    given["PALAPA_ENV"] = palapa_env["PALAPA_ENV"]
    if spec.name == "catalog-svc":
        given["CATALOG_SIGNING_KEYS_SEED"] = given["SIGNING_TRUST_FILE"]
    strong = {"DATABASE_URL": f"postgresql+asyncpg://palapa:{STRONG}@postgres:5432/palapa",
              "KAFKA_SASL_PASSWORD": STRONG, f"{spec.env_prefix}QUARANTINE_KEY": STRONG * 2,
              f"{spec.env_prefix}ACCOUNT_SECRET": STRONG * 2,  # like the quarantine key: not in the overlay yet
              "NOTIFY_MESSAGES_KEY": base64.b64encode(bytes(range(32))).decode()}
    settings = _production_settings(spec, monkeypatch, **strong, **given)
    assert settings.environment == "production" and settings.signing_verify
    signer = signer_from(settings, spec.name)
    assert signer is not None and signer.kid.startswith(f"{spec.name}-")
    assert verifier_from(settings) is not None
