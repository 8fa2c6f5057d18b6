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
    # the staff workspace /petugas: complaint-svc's case API, and the OAuth client staff sign in with at the
    # identity provider (OIDC_ISSUER, a platform-wide setting); the provider must know `staff_public_url` +
    # /petugas/callback as a redirect URI
    complaint_url: str = "http://127.0.0.1:8101"
    staff_client_id: str = Field("palapa", min_length=1, max_length=200)
    staff_client_secret: str = Field("palapa-local-only", min_length=1, max_length=500)
    # the gate's public address (e.g. https://palapa.mojokertokota.go.id); unset: the request's own
    staff_public_url: str | None = None
    session_idle_s: float = Field(30 * 60, gt=0, le=24 * 3600)
    session_max_s: float = Field(8 * 3600, gt=0, le=7 * 24 * 3600)
    # the operations console /ops: ops-svc's dead letters, and every service's outbox (`name=url` pairs, from the
    # one list's links); catalog_url above gives the bridges' liveness
    ops_url: str = "http://127.0.0.1:8113"
    outbox_urls: str = Field("", max_length=10_000)
