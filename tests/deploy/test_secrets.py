"""Secrets reach compose's processes as files only (Docker secrets, read through NAME_FILE), none is written in
compose or baked into the image, and deploy/secrets/create.py makes every one compose names."""

from __future__ import annotations

import base64
import importlib.util
import re
from pathlib import Path

import pytest
import yaml
from pydantic import SecretStr

from palapa.devstack.services import SERVICES as DECLARED

from .test_compose import OURS, _module, settings_class

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|_KEY|TOKEN)$")
NO_SECRET = {"MARIADB_RANDOM_ROOT_PASSWORD"}  # a switch ("yes": a random root password), not a secret


def _create():
    spec = importlib.util.spec_from_file_location("palapa_create_secrets", ROOT / "deploy" / "secrets" / "create.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_secret_compose_names_is_a_file_create_py_makes():
    declared = COMPOSE["secrets"]
    assert set(declared) == set(_create().names())
    for name, source in declared.items():
        assert source == {"file": f"./deploy/secrets/{name}"}, name


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_no_secret_is_written_in_compose_and_each_file_is_mounted_where_it_is_read(name):
    svc = SERVICES[name]
    env = svc.get("environment", {})
    for key, value in env.items():
        assert key in NO_SECRET or not SECRET_NAME.search(key), f"{name}: {key} is given in the clear: give {key}_FILE"
        assert ":-" not in str(value), f"{name}: {key} falls back to a default written here"
        if key.endswith("_FILE"):
            secret = str(value).removeprefix("/run/secrets/")
            assert str(value).startswith("/run/secrets/") and secret in svc.get("secrets", []), (name, key)


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_secret_a_process_declares_with_a_default_is_given_from_a_file(name):
    cls = settings_class(_module(SERVICES[name]))
    env = SERVICES[name].get("environment", {})
    prefix = (cls.model_config.get("env_prefix") or "").upper()
    for field_name, field in cls.model_fields.items():
        if isinstance(field.default, SecretStr):  # a development default production refuses
            assert f"{prefix}{field_name.upper()}_FILE" in env, f"{name}: {field_name} keeps its development default"


def test_the_image_holds_no_secret_and_the_build_context_leaves_them_out():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "deploy/secrets" not in dockerfile and not re.search(r"^(ENV|ARG)\b.*(PASSWORD|SECRET|KEY|TOKEN)",
                                                                dockerfile, re.M)
    assert not re.search(r"^COPY \. ", dockerfile, re.M)  # each folder by name: nothing stray
    assert "deploy/secrets/" in (ROOT / ".dockerignore").read_text().split()
    assert "deploy/secrets/*" in (ROOT / ".gitignore").read_text().split()


def test_create_makes_each_missing_secret_once_in_a_private_folder(tmp_path):
    create = _create()
    folder = tmp_path / "secrets"
    assert set(create.create(folder)) == set(create.names())
    first = (folder / "kafka-complaint-svc").read_text()
    assert re.fullmatch(r"[0-9a-f]{64}\n", first)
    password = (folder / "legacy-db-password").read_text().strip()
    assert (folder / "legacy-database-url").read_text().strip() == (
        f"mysql+aiomysql://curhat:{password}@legacy-db:3306/curhat")
    assert folder.stat().st_mode & 0o777 == 0o700
    assert create.create(folder) == [] and (folder / "kafka-complaint-svc").read_text() == first  # kept


# --- every process of the list refuses weak secrets in production ------------------------------------------------

PRODUCTION = {"PALAPA_ENV": "production", "OIDC_ISSUER": "https://sso.mojokertokota.go.id/realms/palapa",
              "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": "someone"}
STRONG = "3f9a0c5e7b1d42a86c0e9d1b"


def _production_settings(spec, monkeypatch, **given):
    from .declared import settings_env

    for key, value in {**settings_env(spec), **PRODUCTION, **given}.items():
        monkeypatch.setenv(key, value)
    return settings_class(spec.module)()


KAFKA_USERS = [s for s in DECLARED if s.kind != "simulator" and (s.reads or s.writes)]


@pytest.mark.parametrize("spec", KAFKA_USERS, ids=lambda s: s.name)
def test_in_production_every_process_refuses_compose_old_secrets_naming_the_setting(spec, monkeypatch):
    from pydantic import ValidationError

    strong = {"DATABASE_URL": f"postgresql+asyncpg://palapa:{STRONG}@postgres:5432/palapa",
              "KAFKA_SASL_PASSWORD": STRONG, f"{spec.env_prefix}QUARANTINE_KEY": STRONG * 2,
              f"{spec.env_prefix}ACCOUNT_SECRET": STRONG * 2,  # gate-svc's and bridge-curhat's (the phone hash)
              "NOTIFY_MESSAGES_KEY": base64.b64encode(bytes.fromhex(STRONG * 2)[:32].ljust(32, b"k")).decode()}
    with pytest.raises(ValidationError, match="DATABASE_URL"):
        _production_settings(spec, monkeypatch, **{**strong,
                             "DATABASE_URL": "postgresql+asyncpg://palapa:palapa-dev@postgres:5432/palapa"})
    with pytest.raises(ValidationError, match="KAFKA_SASL_PASSWORD"):
        _production_settings(spec, monkeypatch, **{**strong, "KAFKA_SASL_PASSWORD": "palapa-dev"})
    if spec.kind == "bridge":
        monkeypatch.delenv(f"{spec.env_prefix}QUARANTINE_KEY")
        with pytest.raises(ValidationError, match=f"{spec.env_prefix}QUARANTINE_KEY|quarantine key"):
            _production_settings(spec, monkeypatch, **{k: v for k, v in strong.items() if "QUARANTINE" not in k})
    assert _production_settings(spec, monkeypatch, **strong).environment == "production"
