"""Settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, SettingsError

S = TypeVar("S", bound=BaseSettings)

PLACEHOLDER_SECRETS = {"changeme", "secret", "password", "postgres"}
#: what a default, development or example secret starts with (compose's and the docs' samples do)
PLACEHOLDER_PREFIXES = ("dev-", "palapa-dev", "changeme", "example", "contoh")
#: the shortest secret production accepts (docs/secrets.md: generate them with `openssl rand -hex 32`)
MIN_SECRET_LENGTH = 12


def weak_secret(value: str, default: str | None = None) -> str | None:
    """Why `value` is no secret for production (empty, short, a placeholder, a development or example value, the
    setting's default), or None when it is acceptable."""
    if not value:
        return "it is empty"
    if value == default:
        return "it is the development default"
    lowered = value.lower()
    if lowered in PLACEHOLDER_SECRETS or lowered.startswith(PLACEHOLDER_PREFIXES):
        return "it is a placeholder, development or example value"
    if len(value) < MIN_SECRET_LENGTH:
        return f"it is shorter than {MIN_SECRET_LENGTH} characters"
    return None


def with_password(url: str | None, password: SecretStr | None) -> str | None:
    """`url` with `password` (DATABASE_PASSWORD, e.g. from a secret file) put in, or as it is without one."""
    if url is None or password is None:
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password.get_secret_value()).render_as_string(hide_password=False)


def _field_env_names(settings_cls: type[BaseSettings], name: str, field: FieldInfo) -> list[str]:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [str(c).upper() for c in alias.choices]
    if isinstance(alias, str):
        return [alias.upper()]
    return [(settings_cls.model_config.get("env_prefix") or "").upper() + name.upper()]


class FileValues(PydanticBaseSettingsSource):
    """`NAME_FILE=/run/secrets/x`: the setting NAME read from that file (Docker and Kubernetes secrets), its trailing
    newline dropped. Setting both NAME and NAME_FILE is refused: which one wins would be a guess."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # the values come from __call__

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            for env in _field_env_names(self.settings_cls, name, field):
                path = os.environ.get(f"{env}_FILE")
                if not path:
                    continue
                if env in os.environ:
                    raise SettingsError(f"{env} and {env}_FILE are both set: keep one")
                try:
                    value = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
                except OSError as exc:
                    raise SettingsError(f"{env}_FILE: cannot read {path} ({exc.strerror})") from None
                found[env if field.validation_alias else name] = value
                break
        return found


def shared(name: str, default, **kw):
    """A setting read from one unprefixed, platform-wide environment name (e.g. DATABASE_URL)."""
    return Field(default, validation_alias=AliasChoices(name), **kw)


class FromFiles(BaseSettings):
    """Settings of which each is also read from a file: NAME_FILE (FileValues). Every Palapa program's settings
    are, the simulators' included, so that compose and Kubernetes give secrets as files only."""

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, FileValues(settings_cls), env_settings, dotenv_settings, file_secret_settings


class PlatformSettings(FromFiles):
    """What every Palapa program reads, a service or a one-shot step: the mode and the broker, each setting also
    from a file (NAME_FILE); in production no secret may be a default, short or example one."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    environment: Literal["development", "production"] = shared("PALAPA_ENV", "development")
    kafka_bootstrap_servers: str = shared("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    # Broker tuning profile: Tansu answers a waiting fetch only at fetch_max_wait_ms (see kafka.py).
    kafka_profile: Literal["tansu", "kafka"] = shared("KAFKA_PROFILE", "kafka")
    # Every consumer's fetch wait instead of the profile's (kafka.py). On Tansu the wait is both the latency and
    # the idle cost: each consumer fetches 1000/wait times a second whether or not anything arrives.
    kafka_fetch_max_wait_ms: int | None = shared("KAFKA_FETCH_MAX_WAIT_MS", None, ge=1, le=5000)
    # Every consumer's session timeout instead of the profile's (heartbeats at a third of it). On Tansu a group
    # join waits half of it: the tests' short-lived services trade failure detection for quicker starts.
    kafka_session_timeout_ms: int | None = shared("KAFKA_SESSION_TIMEOUT_MS", None, ge=1500, le=60000)
    # The broker's authentication (Apache Kafka with SASL/SCRAM; Tansu has none): each process its own user.
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = shared(
        "KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512"] = shared("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    kafka_sasl_username: str | None = shared("KAFKA_SASL_USERNAME", None)
    kafka_sasl_password: SecretStr | None = shared("KAFKA_SASL_PASSWORD", None)
    # Topics the kit creates (kit.topics): their replication, by default 3 copies and 2 in sync in production (a
    # write is acknowledged only when 2 brokers have it), 1 elsewhere.
    kafka_replication_factor: int | None = shared("KAFKA_REPLICATION_FACTOR", None, ge=1, le=16)
    kafka_min_insync_replicas: int | None = shared("KAFKA_MIN_INSYNC_REPLICAS", None, ge=1, le=16)

    @property
    def topic_replication(self) -> tuple[int, int]:
        """(replication factor, min.insync.replicas) of the topics this program creates."""
        production = self.environment == "production"
        return (self.kafka_replication_factor or (3 if production else 1),
                self.kafka_min_insync_replicas or (2 if production else 1))

    @model_validator(mode="after")
    def _sasl_needs_a_user(self):
        if self.kafka_security_protocol != "PLAINTEXT" and not (self.kafka_sasl_username and self.kafka_sasl_password):
            raise ValueError(f"KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs KAFKA_SASL_USERNAME and "
                             "KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE)")
        return self

    @model_validator(mode="after")
    def _in_sync_copies_exist(self):
        factor, in_sync = self.topic_replication
        if in_sync > factor:
            raise ValueError(f"KAFKA_MIN_INSYNC_REPLICAS ({in_sync}) cannot exceed KAFKA_REPLICATION_FACTOR ({factor})")
        return self

    @model_validator(mode="after")
    def _no_weak_secret_in_production(self):
        if self.environment != "production":
            return self
        for name, field in type(self).model_fields.items():  # every secret a program declares, checked here once
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                default = field.default.get_secret_value() if isinstance(field.default, SecretStr) else None
                why = weak_secret(value.get_secret_value(), default)
                if why:
                    env = _field_env_names(type(self), name, field)[0]
                    raise ValueError(f"the {name.replace('_', ' ')} ({env}) is refused when PALAPA_ENV=production: "
                                     f"{why}; set a generated one (docs/secrets.md)")
        return self


class ServiceSettings(PlatformSettings):
    """Platform-wide settings; read from the unprefixed names in the issue (KAFKA_BOOTSTRAP_SERVERS, ...)."""

    database_url: str = shared("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/palapa")
    # the database password apart from the URL (DATABASE_PASSWORD_FILE: a Docker secret), put into it when given
    database_password: SecretStr | None = shared("DATABASE_PASSWORD", None)
    otel_exporter_otlp_endpoint: str | None = shared("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    log_level: str = shared("LOG_LEVEL", "INFO")
    # Consumers apply records in batches: at most this many, waiting at most this long for more.
    consumer_batch_max: int = shared("CONSUMER_BATCH_MAX", 500, ge=1, le=10_000)
    consumer_batch_wait_ms: int = shared("CONSUMER_BATCH_WAIT_MS", 10, ge=0, le=10_000)
    # A critical topic's consumer (Runtime.subscribe(critical=True)) looks again this soon (0 would spin the CPU).
    consumer_critical_batch_wait_ms: int = shared("CONSUMER_CRITICAL_BATCH_WAIT_MS", 2, ge=1, le=1_000)
    # Staff tokens (palapa.kit.auth): the OpenID Connect issuer, the audience its tokens name for Palapa, and
    # the clock leeway allowed on exp/nbf/iat. Production refuses to start without an issuer.
    oidc_issuer: str | None = shared("OIDC_ISSUER", None)
    oidc_audience: str = shared("OIDC_AUDIENCE", "palapa")
    oidc_leeway_s: int = shared("OIDC_LEEWAY_S", 30, ge=0, le=300)
    # Citizens (signed in at the gate): gate-svc mints short-lived tokens as this issuer (its JWKS under
    # <issuer>/.well-known/), for this audience; services read them from X-Citizen-Token (docs/gate.md)
    citizen_issuer: str | None = shared("CITIZEN_ISSUER", None)
    citizen_audience: str = shared("CITIZEN_AUDIENCE", "palapa-citizen")
    # Signed events (palapa.kit.signing, docs/access.md): this process's Ed25519 private JWK, from a file or inline,
    # per service under its prefix (COMPLAINT_SIGNING_KEY_FILE); PALAPA_SIGNING_KEY_FILE serves a process that has
    # none of its own (the test suite's). Consumers trust the keys of SIGNING_KEYS_URL (catalog-svc's
    # /signing-keys) and of SIGNING_TRUST_FILE (a file of the same shape, for tests and bootstrapping).
    signing_key_file: Path | None = None
    signing_key: SecretStr | None = None
    default_signing_key_file: Path | None = shared("PALAPA_SIGNING_KEY_FILE", None)
    signing_keys_url: str | None = shared("SIGNING_KEYS_URL", None)
    signing_trust_file: Path | None = shared("SIGNING_TRUST_FILE", None)
    # Off only to measure what verification costs (bench throughput --unsigned); production refuses it.
    signing_verify: bool = shared("SIGNING_VERIFY", True)
    # Per service, under the service's env prefix (e.g. COMPLAINT_HTTP_PORT).
    http_host: str = "127.0.0.1"
    http_port: int = Field(8000, ge=1, le=65535)

    @model_validator(mode="after")
    def _password_into_the_database_url(self):
        self.database_url = with_password(self.database_url, self.database_password)
        return self

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self):
        if self.environment == "production":
            from sqlalchemy.engine import make_url

            password = make_url(self.database_url).password
            why = weak_secret(password or "")
            if why:
                raise ValueError(f"DATABASE_URL must carry a real password when PALAPA_ENV=production: {why} "
                                 "(DATABASE_PASSWORD or DATABASE_PASSWORD_FILE sets it apart from the URL)")
            if not self.oidc_issuer:
                raise ValueError("OIDC_ISSUER must name the identity provider when PALAPA_ENV=production")
            if not self.oidc_issuer.startswith("https://"):
                raise ValueError("OIDC_ISSUER must be an https:// URL when PALAPA_ENV=production")
            # a process that signs or consumes also needs its key and key set: signing.signer_from/verifier_from
            if not self.signing_verify:
                raise ValueError("SIGNING_VERIFY=false is refused when PALAPA_ENV=production: consumers verify "
                                 "every event's signature")
        return self


def env_names(settings_cls: type[BaseSettings]) -> set[str]:
    """Every environment name a settings class reads (used to check deploy files against code); a service's
    settings read each also as NAME_FILE."""
    names = {env for name, field in settings_cls.model_fields.items()
             for env in _field_env_names(settings_cls, name, field)}
    if issubclass(settings_cls, FromFiles):
        names |= {f"{n}_FILE" for n in names}
    return names


def load(settings_cls: type[S], program: str) -> S:
    """Settings from the environment; a missing or bad value ends the program with the reason, not a traceback."""
    try:
        return settings_cls()
    except (ValidationError, SettingsError) as exc:
        names = ", ".join(sorted(env_names(settings_cls)))
        sys.exit(f"{program}: bad configuration (it reads {names}; each also as NAME_FILE):\n{exc}")
