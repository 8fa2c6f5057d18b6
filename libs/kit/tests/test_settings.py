"""Settings: one place per service, shared names unprefixed, placeholder secrets refused in production."""

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from palapa.kit.db import async_url
from palapa.kit.kafka import CONSUMER_TUNING, CRITICAL_CONSUMER_TUNING, consumer_options
from palapa.kit.settings import ServiceSettings, env_names, load


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_", extra="ignore", populate_by_name=True)
    legacy_database_url: str


def test_shared_names_are_unprefixed_and_service_names_carry_the_prefix():
    names = env_names(DemoSettings)
    assert {"KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "OTEL_EXPORTER_OTLP_ENDPOINT", "KAFKA_PROFILE"} <= names
    assert {"DEMO_HTTP_PORT", "DEMO_LEGACY_DATABASE_URL"} <= names
    assert "HTTP_PORT" not in names


def test_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_LEGACY_DATABASE_URL", "mysql+aiomysql://u:p@h/db")
    monkeypatch.setenv("DEMO_HTTP_PORT", "9000")
    monkeypatch.setenv("KAFKA_PROFILE", "tansu")
    s = DemoSettings()
    assert (s.http_port, s.kafka_profile, s.legacy_database_url) == (9000, "tansu", "mysql+aiomysql://u:p@h/db")


def test_a_missing_required_setting_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("DEMO_LEGACY_DATABASE_URL", raising=False)
    with pytest.raises(ValidationError, match="legacy_database_url"):
        DemoSettings()


def test_a_program_with_bad_settings_exits_with_the_reason_and_the_names_it_reads(monkeypatch):
    monkeypatch.delenv("DEMO_LEGACY_DATABASE_URL", raising=False)
    with pytest.raises(SystemExit) as ended:
        load(DemoSettings, "demo-svc")
    message = str(ended.value.code)
    assert message.startswith("demo-svc: bad configuration")
    assert "DEMO_LEGACY_DATABASE_URL" in message and "legacy_database_url" in message


@pytest.mark.parametrize("url", ["postgresql://palapa@db/palapa", "postgresql://palapa:postgres@db/palapa"])
def test_production_refuses_a_database_url_without_a_real_password(url):
    with pytest.raises(ValidationError, match="real password"):
        ServiceSettings(PALAPA_ENV="production", DATABASE_URL=url)


def test_an_unknown_broker_profile_is_refused():
    with pytest.raises(ValidationError, match="KAFKA_PROFILE"):
        ServiceSettings(KAFKA_PROFILE="rabbit")


def test_tansu_consumers_use_a_short_fetch_wait_because_tansu_answers_only_when_it_runs_out():
    opts = consumer_options(ServiceSettings(KAFKA_PROFILE="tansu", KAFKA_FETCH_MAX_WAIT_MS=None), "g")
    assert opts["fetch_max_wait_ms"] == CONSUMER_TUNING["tansu"]["fetch_max_wait_ms"] <= 20
    assert opts["group_id"] == "g" and opts["auto_offset_reset"] == "earliest"


def test_a_set_fetch_wait_replaces_the_profiles_for_every_consumer_critical_ones_too():
    settings = ServiceSettings(KAFKA_PROFILE="tansu", KAFKA_FETCH_MAX_WAIT_MS="100")
    assert consumer_options(settings, "g")["fetch_max_wait_ms"] == 100
    assert consumer_options(settings, "g", critical=True)["fetch_max_wait_ms"] == 100
    with pytest.raises(ValidationError, match="KAFKA_FETCH_MAX_WAIT_MS"):
        ServiceSettings(KAFKA_FETCH_MAX_WAIT_MS="0")


def test_a_set_session_timeout_replaces_the_profiles_with_heartbeats_at_a_third_of_it():
    options = consumer_options(ServiceSettings(KAFKA_PROFILE="tansu", KAFKA_SESSION_TIMEOUT_MS="3000"), "g")
    assert (options["session_timeout_ms"], options["heartbeat_interval_ms"]) == (3000, 1000)
    assert consumer_options(ServiceSettings(KAFKA_PROFILE="tansu", KAFKA_SESSION_TIMEOUT_MS=None), "g")[
        "session_timeout_ms"] == CONSUMER_TUNING["tansu"]["session_timeout_ms"]
    with pytest.raises(ValidationError, match="KAFKA_SESSION_TIMEOUT_MS"):
        ServiceSettings(KAFKA_SESSION_TIMEOUT_MS="500")


def test_a_critical_consumer_fetches_more_often_on_tansu_and_as_usual_on_kafka():
    tansu = consumer_options(ServiceSettings(KAFKA_PROFILE="tansu", KAFKA_FETCH_MAX_WAIT_MS=None), "g", critical=True)
    assert tansu["fetch_max_wait_ms"] == CRITICAL_CONSUMER_TUNING["tansu"]["fetch_max_wait_ms"] < (
        CONSUMER_TUNING["tansu"]["fetch_max_wait_ms"])
    kafka = consumer_options(ServiceSettings(KAFKA_PROFILE="kafka"), "g", critical=True)
    assert kafka == consumer_options(ServiceSettings(KAFKA_PROFILE="kafka"), "g")
    with pytest.raises(ValidationError, match="CONSUMER_CRITICAL_BATCH_WAIT_MS"):
        ServiceSettings(CONSUMER_CRITICAL_BATCH_WAIT_MS="0")  # a zero wait would spin


def test_every_postgres_url_spelling_drives_asyncpg():
    assert async_url("postgres://u:p@h:5/d") == "postgresql+asyncpg://u:p@h:5/d"
    assert async_url("postgresql+asyncpg://u@h/d") == "postgresql+asyncpg://u@h/d"


def test_legacy_mysql_urls_drive_aiomysql_and_other_databases_are_refused():
    assert async_url("mysql://root@127.0.0.1:3306/curhat") == "mysql+aiomysql://root@127.0.0.1:3306/curhat"
    assert async_url("mariadb://u:p@h/c") == "mysql+aiomysql://u:p@h/c"
    with pytest.raises(ValueError, match="unsupported database 'sqlite'"):
        async_url("sqlite:///x.db")
    with pytest.raises(ValueError, match="not a database URL"):
        async_url("kafka:9092")


PROD_DB = "postgresql+asyncpg://palapa:s3cr3t-Long-one@db:5432/palapa"


#: what production needs to sign and verify events
SIGNING = {"signing_key_file": "/run/secrets/signing.jwk", "SIGNING_KEYS_URL": "https://catalog.kota.example/signing-keys"}


@pytest.mark.parametrize("missing", ["signing_key_file", "SIGNING_KEYS_URL"])
def test_a_production_process_refuses_to_start_without_its_key_or_a_key_set(missing):
    from palapa.kit.signing import SigningKeyError, signer_from, verifier_from

    given = {k: v for k, v in SIGNING.items() if k != missing}
    settings = ServiceSettings(PALAPA_ENV="production", DATABASE_URL=PROD_DB, OIDC_ISSUER="https://sso.kota.example/r",
                               SIGNING_TRUST_FILE=None, **given)
    with pytest.raises(SigningKeyError, match="SIGNING"):
        signer_from(settings, "demo") if missing == "signing_key_file" else verifier_from(settings)


def test_production_refuses_to_turn_verification_off():
    with pytest.raises(ValidationError, match="verify"):
        ServiceSettings(PALAPA_ENV="production", DATABASE_URL=PROD_DB, OIDC_ISSUER="https://sso.kota.example/r",
                        SIGNING_VERIFY=False, **SIGNING)


@pytest.mark.parametrize("issuer", [None, "", "http://sso.kota.example/realms/kota"])
def test_production_refuses_a_missing_or_plain_http_identity_provider(issuer):
    given = {} if issuer is None else {"OIDC_ISSUER": issuer}
    with pytest.raises(ValidationError, match="OIDC_ISSUER"):
        ServiceSettings(PALAPA_ENV="production", DATABASE_URL=PROD_DB, **given)


def test_production_starts_with_an_https_issuer_and_development_without_one():
    prod = ServiceSettings(PALAPA_ENV="production", DATABASE_URL=PROD_DB,
                           OIDC_ISSUER="https://sso.kota.example/realms/kota", **SIGNING)
    assert (prod.oidc_issuer, prod.oidc_audience, prod.oidc_leeway_s) == (
        "https://sso.kota.example/realms/kota", "palapa", 30)
    assert ServiceSettings().oidc_issuer is None
