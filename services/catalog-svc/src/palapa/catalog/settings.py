"""catalog-svc settings (env prefix CATALOG_; shared names such as DATABASE_URL come from the base)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from palapa.kit.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8102, ge=1, le=65535)
    # Heartbeat interval assumed for a bridge the catalog does not describe (CATALOG_DEFAULT_HEARTBEAT_SECONDS).
    default_heartbeat_seconds: float = Field(10.0, gt=0, le=3600)
    # An active bridged app with no heartbeat and no domain event for this long becomes a dormant candidate
    # (CATALOG_DORMANT_AFTER_DAYS); the check runs every CATALOG_DORMANT_CHECK_SECONDS.
    dormant_after_days: float = Field(30.0, gt=0, le=3650)
    dormant_check_seconds: float = Field(3600.0, ge=0.05, le=86400)
    # Follow the domain topics (complaints, emergencies, tax bills, cameras, service requests, health queues) to
    # see each app's traffic (CATALOG_FOLLOW_TRAFFIC); off only for tests that do not need it (six group joins).
    follow_traffic: bool = True
    # The citizen page (notify-svc): where a bridged app's services are served, and the search page's link back.
    citizen_page_url: str = Field("http://127.0.0.1:8103/", pattern=r"^https?://\S+$")
    # A key-set file whose public keys are registered at start (CATALOG_SIGNING_KEYS_SEED: the launcher's, written as
    # it makes each process's signing key); a key retired since is not registered again.
    signing_keys_seed: Path | None = None
