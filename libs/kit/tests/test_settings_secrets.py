"""Secrets: read from files (NAME_FILE, as Docker and Kubernetes mount them), refused in production when they are a
default, short or example; the broker user (SASL/SCRAM) reaches every client; production topics keep 3 copies."""

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

from palapa.kit.kafka import broker_security, client_security, make_producer
from palapa.kit.settings import ServiceSettings, env_names, load, weak_secret
from palapa.kit.topics import TopicsSettings, creation_options

PROD = {"PALAPA_ENV": "production", "DATABASE_URL": "postgresql+asyncpg://palapa:9f2c6d1e8b7a4f30@db/palapa",
        "OIDC_ISSUER": "https://sso.kota.example/realms/kota"}
SASL = {"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": "complaint-svc"}


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_", extra="ignore", populate_by_name=True)
    signing_key: SecretStr = SecretStr("palapa-dev-signing-key")


@pytest.mark.parametrize("value", ["", "palapa-dev", "dev-0123456789abcdef", "changeme-now-please", "example-secret-1",
                                   "password", "short-one"])
def test_a_default_short_or_example_secret_is_weak(value):
    assert weak_secret(value)


def test_a_generated_secret_is_not_weak():
    assert weak_secret("3f9a0c5e7b1d42a8") is None


def test_compose_old_database_password_is_refused_in_production():
    with pytest.raises(ValidationError, match="DATABASE_URL must carry a real password"):
        ServiceSettings(**{**PROD, "DATABASE_URL": "postgresql+asyncpg://palapa:palapa-dev@postgres:5432/palapa"})


def test_a_declared_secret_left_at_its_default_is_refused_in_production_by_its_name():
    with pytest.raises(ValidationError, match=r"signing key \(DEMO_SIGNING_KEY\).*development default"):
        DemoSettings(**PROD)
    assert DemoSettings(**PROD, signing_key="b" * 32).signing_key.get_secret_value() == "b" * 32
    assert DemoSettings().signing_key.get_secret_value() == "palapa-dev-signing-key"  # development keeps it


def test_a_weak_broker_password_is_refused_in_production():
    with pytest.raises(ValidationError, match="KAFKA_SASL_PASSWORD"):
        ServiceSettings(**PROD, **SASL, KAFKA_SASL_PASSWORD="kafka-pass")


def test_a_setting_is_read_from_the_file_its_FILE_name_points_to(monkeypatch, tmp_path):
    (tmp_path / "pw").write_text("9f2c6d1e8b7a4f30\n")
    (tmp_path / "key").write_text("k" * 32)
    monkeypatch.setenv("DATABASE_PASSWORD_FILE", str(tmp_path / "pw"))
    monkeypatch.setenv("DEMO_SIGNING_KEY_FILE", str(tmp_path / "key"))
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://palapa@postgres:5432/palapa")
    s = DemoSettings()
    assert s.database_url == "postgresql+asyncpg://palapa:9f2c6d1e8b7a4f30@postgres:5432/palapa"
    assert s.signing_key.get_secret_value() == "k" * 32
    assert {"DATABASE_PASSWORD_FILE", "DEMO_SIGNING_KEY_FILE", "KAFKA_SASL_PASSWORD_FILE"} <= env_names(DemoSettings)


def test_a_setting_given_twice_or_from_a_missing_file_ends_the_program_with_the_name(monkeypatch, tmp_path):
    monkeypatch.setenv("KAFKA_SASL_PASSWORD_FILE", str(tmp_path / "absent"))
    with pytest.raises(SystemExit) as ended:
        load(DemoSettings, "demo-svc")
    assert "KAFKA_SASL_PASSWORD_FILE: cannot read" in str(ended.value.code)
    (tmp_path / "absent").write_text("x" * 20)
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "y" * 20)
    with pytest.raises(SystemExit) as ended:
        load(DemoSettings, "demo-svc")
    assert "KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set" in str(ended.value.code)


def test_sasl_without_a_user_is_refused():
    with pytest.raises(ValidationError, match="KAFKA_SASL_USERNAME"):
        ServiceSettings(KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT")


async def test_the_broker_user_reaches_faststream_and_the_plain_clients():  # aiokafka builds in a running loop
    s = ServiceSettings(**SASL, KAFKA_SASL_PASSWORD="p" * 32)
    assert broker_security(s).username == "complaint-svc"
    assert client_security(s) | {"ssl_context": None} == {
        "security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512", "ssl_context": None,
        "sasl_plain_username": "complaint-svc", "sasl_plain_password": "p" * 32}
    producer = make_producer(s, "relay")
    assert (producer.client._sasl_mechanism, producer.client._security_protocol) == ("SCRAM-SHA-512", "SASL_PLAINTEXT")
    assert client_security(ServiceSettings()) == {} and broker_security(ServiceSettings()) is None  # Tansu


def test_topics_keep_three_copies_two_in_sync_in_production_and_one_in_development():
    assert creation_options(TopicsSettings(PALAPA_ENV="production"))["replication"] == (3, 2)
    assert creation_options(TopicsSettings())["replication"] == (1, 1)
    assert TopicsSettings(KAFKA_REPLICATION_FACTOR=5, KAFKA_MIN_INSYNC_REPLICAS=3).topic_replication == (5, 3)
    with pytest.raises(ValidationError, match="cannot exceed"):
        TopicsSettings(KAFKA_REPLICATION_FACTOR=1, KAFKA_MIN_INSYNC_REPLICAS=2)


@pytest.mark.integration
async def test_the_topics_step_creates_topics_with_the_replication_its_settings_give():
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    from palapa.contracts.topics import ALL_TOPICS
    from palapa.kit.topics import ensure_topics
    from palapa.localstack import LocalTansu

    with LocalTansu() as tansu:  # a broker of its own: the topics must be new
        options = creation_options(TopicsSettings(PALAPA_ENV="production"))  # 3 copies, 2 in sync (Tansu keeps 1)
        assert await ensure_topics(tansu.bootstrap, ALL_TOPICS[:1], **options) == [ALL_TOPICS[0].name]
        admin = AIOKafkaAdminClient(bootstrap_servers=tansu.bootstrap)
        await admin.start()
        try:
            (described,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, ALL_TOPICS[0].name)])
        finally:
            await admin.close()
        configs = {name: value for name, value, *_ in described.resources[0][4]}
        assert configs["min.insync.replicas"] == "2" and configs["retention.ms"] == ALL_TOPICS[0].config["retention.ms"]
