"""The simulator's settings (a plain program: no Kafka, no platform database)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict

from palapa.kit.db import async_url
from palapa.kit.settings import FromFiles  # each setting also from NAME_FILE (compose's secrets)


class SimPuskesmasSettings(FromFiles):
    """SIM_PUSKESMAS_* settings; the database is the one the mapping reads (PUSKESMAS_DATABASE_URL)."""

    model_config = SettingsConfigDict(env_prefix="SIM_PUSKESMAS_", extra="ignore", populate_by_name=True)

    database_url: str = Field(validation_alias=AliasChoices("SIM_PUSKESMAS_DATABASE_URL", "PUSKESMAS_DATABASE_URL"))
    patients_per_minute: float = Field(12.0, ge=0)
    seed: int | None = None
    broken_row_ratio: float = Field(0.03, ge=0, le=1)
    log_level: str = Field("INFO", validation_alias=AliasChoices("SIM_PUSKESMAS_LOG_LEVEL", "LOG_LEVEL"))

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_url(value)
