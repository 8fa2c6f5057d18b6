"""The simulator's settings (a plain program with an HTTP API; no Kafka, no platform database)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class LegacyAppSettings(BaseSettings):
    """SIM_PSC119_* settings: rates, quirks, where to push webhooks and with which secret."""

    model_config = SettingsConfigDict(env_prefix="SIM_PSC119_", extra="ignore", populate_by_name=True)

    http_host: str = "127.0.0.1"
    http_port: int = Field(8115, ge=1, le=65535)
    incidents_per_minute: float = Field(4.0, ge=0)
    moves_per_minute: float = Field(12.0, ge=0)
    seed: int | None = None
    # where the app pushes a webhook on each change (None: no webhooks, the bridge polls)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # the legacy quirks, as ratios of changes
    broken_ratio: float = Field(0.03, ge=0, le=1)
    duplicate_ratio: float = Field(0.1, ge=0, le=1)
    out_of_order_ratio: float = Field(0.1, ge=0, le=1)
    lost_ratio: float = Field(0.05, ge=0, le=1)
    # the legacy server's clock runs this far ahead of real time (its timestamps and its signing time)
    clock_offset_seconds: float = Field(150.0, ge=-3600, le=3600)
    log_level: str = Field("INFO", validation_alias=AliasChoices("SIM_PSC119_LOG_LEVEL", "LOG_LEVEL"))
