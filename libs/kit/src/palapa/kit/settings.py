"""Settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

S = TypeVar("S", bound=BaseSettings)

PLACEHOLDER_SECRETS = {"changeme", "secret", "password", "postgres"}


def shared(name: str, default, **kw):
    """A setting read from one unprefixed, platform-wide environment name (e.g. DATABASE_URL)."""
    return Field(default, validation_alias=AliasChoices(name), **kw)


class ServiceSettings(BaseSettings):
    """Platform-wide settings; read from the unprefixed names in the issue (KAFKA_BOOTSTRAP_SERVERS, ...)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    environment: Literal["development", "production"] = shared("PALAPA_ENV", "development")
    kafka_bootstrap_servers: str = shared("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    # Broker tuning profile: Tansu answers a waiting fetch only at fetch_max_wait_ms (see kafka.py).
    kafka_profile: Literal["tansu", "kafka"] = shared("KAFKA_PROFILE", "kafka")
    database_url: str = shared("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/palapa")
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
    def _no_placeholder_secrets_in_production(self):
        if self.environment == "production":
            from sqlalchemy.engine import make_url

            password = make_url(self.database_url).password
            if not password or password in PLACEHOLDER_SECRETS:
                raise ValueError("DATABASE_URL must carry a real password when PALAPA_ENV=production")
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
    """Every environment name a settings class reads (used to check deploy files against code)."""
    prefix = (settings_cls.model_config.get("env_prefix") or "").upper()
    names = set()
    for name, field in settings_cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(c).upper() for c in alias.choices)
        elif isinstance(alias, str):
            names.add(alias.upper())
        else:
            names.add(prefix + name.upper())
    return names


def load(settings_cls: type[S], program: str) -> S:
    """Settings from the environment; a missing or bad value ends the program with the reason, not a traceback."""
    try:
        return settings_cls()
    except ValidationError as exc:
        names = ", ".join(sorted(env_names(settings_cls)))
        sys.exit(f"{program}: bad configuration (it reads {names}):\n{exc}")
