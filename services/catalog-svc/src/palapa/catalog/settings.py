"""catalog-svc settings (env prefix CATALOG_; shared names such as DATABASE_URL come from the base)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from palapa.kit.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8102, ge=1, le=65535)
    # Heartbeat interval assumed for a bridge the catalog does not describe (CATALOG_DEFAULT_HEARTBEAT_SECONDS).
    default_heartbeat_seconds: float = Field(10.0, gt=0, le=3600)
    # The citizen page (notify-svc): where a bridged app's services are served, and the search page's link back.
    citizen_page_url: str = Field("http://127.0.0.1:8103/", pattern=r"^https?://\S+$")
