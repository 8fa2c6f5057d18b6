"""gate-svc settings (env prefix GATE_): where the services behind its pages answer, and the gate's limits."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from palapa.kit.settings import ServiceSettings


class GateSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATE_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8112, ge=1, le=65535)
    # the services the pages read, over HTTP (inside the platform, not through the gate)
    catalog_url: str = "http://127.0.0.1:8102"
    taxbill_url: str = "http://127.0.0.1:8107"
    tracking_url: str = "http://127.0.0.1:8110"  # a citizen's letters (requested here, filed in Si Makel)
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
    # citizens (docs/gate.md "Citizens sign in"): the account is HMAC(account_secret, +62 number); one-time codes go
    # through notify-svc's API with the gate's API key; citizen tokens are signed with citizen_key (an Ed25519 JWK)
    account_secret: SecretStr = Field(SecretStr("palapa-dev-gate-accounts"), repr=False)
    citizen_key: SecretStr | None = Field(None, repr=False)
    notify_url: str = "http://127.0.0.1:8103"
    notify_api_key: SecretStr = Field(SecretStr("palapa-dev-gate-notify"), repr=False)
    code_ttl_s: float = Field(300, gt=0, le=3600)
    code_max_tries: int = Field(5, ge=1, le=20)
    code_lock_s: float = Field(900, gt=0, le=24 * 3600)
    codes_per_number: int = Field(3, ge=1, le=100)  # codes sent to one number within codes_window_s
    codes_window_s: float = Field(900, gt=0, le=24 * 3600)
    # INApas (the national SSO, level 3): its issuer (unset: OIDC_ISSUER, whose local provider plays it) and the
    # gate's client there; INApas must accept <staff_public_url>/masuk/inapas/kembali as a redirect URI
    inapas_issuer: str | None = None
    inapas_client_id: str = Field("palapa-warga", min_length=1, max_length=200)
    inapas_client_secret: SecretStr | None = Field(None, repr=False)
    citizen_idle_s: float = Field(30 * 60, gt=0, le=24 * 3600)
    citizen_max_s: float = Field(12 * 3600, gt=0, le=30 * 24 * 3600)
    # the operations console /ops: ops-svc's dead letters, and every service's outbox (`name=url` pairs, from the
    # one list's links); catalog_url above gives the bridges' liveness
    ops_url: str = "http://127.0.0.1:8113"
    outbox_urls: str = Field("", max_length=10_000)

    @model_validator(mode="after")
    def _citizen_key_in_production(self):
        if self.environment == "production" and self.citizen_key is None:
            raise ValueError("GATE_CITIZEN_KEY (an Ed25519 private JWK) is required when PALAPA_ENV=production")
        return self
