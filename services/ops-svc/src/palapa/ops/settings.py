"""ops-svc settings (env prefix OPS_; shared names such as DATABASE_URL come from the base)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from palapa.kit.settings import ServiceSettings


class OpsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OPS_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8113, ge=1, le=65535)
