"""What the launcher reads from the environment (and nothing else does)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _env(name: str, default):
    return Field(default, validation_alias=AliasChoices(name))


class DevstackSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    # When set, that broker / server is used instead of the embedded one.
    kafka_bootstrap_servers: str | None = _env("KAFKA_BOOTSTRAP_SERVERS", None)
    kafka_profile: str | None = _env("KAFKA_PROFILE", None)  # broker tuning; default by broker kind
    database_url: str | None = _env("DATABASE_URL", None)
    legacy_database_url: str | None = _env("CURHAT_LEGACY_DATABASE_URL", None)
    otel_exporter_otlp_endpoint: str | None = _env("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    data_dir: Path = _env("PALAPA_DATA_DIR", Path(".data"))
    log_level: str = _env("LOG_LEVEL", "INFO")
    # Services forked from one process that imported their libraries once (forked.py); 0: an interpreter each.
    fork_server: bool = _env("PALAPA_FORK", True)
    # when `./palapa up` was typed (epoch seconds, set by the script): the start-up time it prints counts from then
    invoked_at: float | None = _env("PALAPA_INVOKED_AT", None)
