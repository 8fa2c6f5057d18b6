"""The simulator's settings (a plain program, not a Runtime service: no Kafka, no platform database)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict

from palapa.kit.db import async_url
from palapa.kit.settings import FromFiles  # each setting also from NAME_FILE (compose's secrets)


class SimPbbSettings(FromFiles):
    """SIM_PBB_* settings."""

    model_config = SettingsConfigDict(env_prefix="SIM_PBB_", extra="ignore", populate_by_name=True)

    legacy_database_url: str
    drop_folder: Path
    bills: int = Field(2000, ge=1, le=5_000_000)
    payments_per_minute: float = Field(6.0, ge=0)
    export_every_seconds: float = Field(300.0, gt=0)  # "nightly", sped up
    changed_fraction: float = Field(0.01, ge=0, le=1)  # bills moved between two exports
    broken_payment_ratio: float = Field(0.05, ge=0, le=1)
    seed: int | None = None
    log_level: str = Field("INFO", validation_alias=AliasChoices("SIM_PBB_LOG_LEVEL", "LOG_LEVEL"))

    @field_validator("legacy_database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_url(value)
