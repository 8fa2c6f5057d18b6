"""taxbill-svc settings (env prefix TAXBILL_; shared names such as DATABASE_URL come from the base)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from palapa.kit.settings import ServiceSettings


class TaxBillSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TAXBILL_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8107, ge=1, le=65535)
    # how often the reminder pass looks for unpaid bills due within `reminder_days` (reminders.py); it is
    # idempotent, so a restart or a second replica repeats nothing
    reminder_check_seconds: float = Field(3600.0, gt=0, le=24 * 3600)
    reminder_days: int = Field(7, ge=1, le=60)
