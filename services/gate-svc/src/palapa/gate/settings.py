"""gate-svc settings (env prefix GATE_): where the services behind its pages answer, and the gate's limits."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from palapa.kit.settings import ServiceSettings


class GateSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATE_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8112, ge=1, le=65535)
    # the services the pages read, over HTTP (inside the platform, not through the gate)
    catalog_url: str = "http://127.0.0.1:8102"
    taxbill_url: str = "http://127.0.0.1:8107"
    upstream_timeout_s: float = Field(5.0, gt=0, le=60)
    # how long a directory page (a search, a service) is answered again without asking catalog-svc (0: never)
    page_cache_s: float = Field(30.0, ge=0, le=3600)
    # per client IP: at most `burst` at once, then `per_minute` (sign-in; public forms; look-ups by number)
    signin_burst: int = Field(5, ge=1, le=10_000)
    signin_per_minute: float = Field(5, gt=0, le=100_000)
    form_burst: int = Field(10, ge=1, le=10_000)
    form_per_minute: float = Field(10, gt=0, le=100_000)
    lookup_burst: int = Field(30, ge=1, le=10_000)
    lookup_per_minute: float = Field(30, gt=0, le=100_000)
