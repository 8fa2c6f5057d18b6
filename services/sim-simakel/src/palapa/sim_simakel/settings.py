"""The simulator's settings (a plain program, not a Runtime service: no Kafka, no platform database)."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SimSimakelSettings(BaseSettings):
    """SIM_SIMAKEL_* settings."""

    model_config = SettingsConfigDict(env_prefix="SIM_SIMAKEL_", extra="ignore", populate_by_name=True)

    http_host: str = "127.0.0.1"
    http_port: int = Field(8119, ge=1, le=65535)
    submissions_per_minute: float = Field(4.0, ge=0)
    moves_per_minute: float = Field(8.0, ge=0)
    quirk_ratio: float = Field(0.2, ge=0, le=1)  # share of requests the API mangles (encodings, entities, blanks, …)
    clock_skew_minutes: float = Field(-2.0, ge=-120, le=120)  # the Si Makel server's clock, off by minutes
    seed: int | None = None
    log_level: str = Field("INFO", validation_alias=AliasChoices("SIM_SIMAKEL_LOG_LEVEL", "LOG_LEVEL"))
