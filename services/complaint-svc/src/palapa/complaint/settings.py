"""complaint-svc settings (env prefix COMPLAINT_; shared names such as DATABASE_URL come from the base)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from palapa.kit.settings import ServiceSettings


class ComplaintSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLAINT_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8101, ge=1, le=65535)
    # Days an OPD has to close a complaint (COMPLAINT_DUE_DAYS).
    due_days: int = Field(5, ge=1, le=365)
