"""The simulator's settings (a plain program, not a Runtime service: no Kafka, no platform database)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict

from palapa.kit.db import async_url
from palapa.kit.settings import FromFiles  # each setting also from NAME_FILE (compose's secrets)


class SimSettings(FromFiles):
    """SIM_CURHAT_* settings."""

    model_config = SettingsConfigDict(env_prefix="SIM_CURHAT_", extra="ignore", populate_by_name=True)

    legacy_database_url: str
    complaints_per_minute: float = Field(6.0, ge=0)
    updates_per_minute: float = Field(12.0, ge=0)
    seed: int | None = None
    broken_row_ratio: float = Field(0.02, ge=0, le=1)
    # of the status moves, how many are what real staff also do: back (2→1), reopened (3→2), the same stage again,
    # codes with odd spacing or case (issue 17)
    odd_move_ratio: float = Field(0.1, ge=0, le=1)
    log_level: str = Field("INFO", validation_alias=AliasChoices("SIM_CURHAT_LOG_LEVEL", "LOG_LEVEL"))

    @field_validator("legacy_database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_url(value)
