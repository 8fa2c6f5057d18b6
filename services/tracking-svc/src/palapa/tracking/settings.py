"""tracking-svc settings (env prefix TRACKING_; shared names such as DATABASE_URL come from the base)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from palapa.kit.settings import ServiceSettings


class TrackingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRACKING_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8110, ge=1, le=65535)
    # Si Makel's app id (its tickets' source_app), and the secret the applicant's data is sealed under for
    # bridge-simakel (the same value as its BRIDGE_SIMAKEL_APPLICANT_KEY; the development default is refused in
    # production)
    simakel_app_id: str = Field("si-makel", min_length=1)
    applicant_key: SecretStr = Field(SecretStr("palapa-dev-simakel-applicants"), repr=False)
