"""The simulator's settings (a plain program, not a Runtime service: no Kafka, no platform database)."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SimCctvSettings(BaseSettings):
    """SIM_CCTV_* settings."""

    model_config = SettingsConfigDict(env_prefix="SIM_CCTV_", extra="ignore", populate_by_name=True)

    http_host: str = "127.0.0.1"
    http_port: int = Field(8118, ge=1, le=65535)
    cameras: int = Field(24, ge=0, le=10_000)
    changes_per_minute: float = Field(6.0, ge=0)  # cameras dropping off or coming back
    registrations_per_minute: float = Field(0.5, ge=0)  # new cameras and edited registry entries
    quirk_ratio: float = Field(0.25, ge=0, le=1)  # share of registry entries typed the legacy way
    clock_skew_minutes: float = Field(-4.0, ge=-120, le=120)  # the Dishub server's clock, off by minutes
    seed: int | None = None
    log_level: str = Field("INFO", validation_alias=AliasChoices("SIM_CCTV_LOG_LEVEL", "LOG_LEVEL"))
