"""What every bridge's settings hold; a bridge subclasses them with its env prefix and its source's settings."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator

from palapa.kit.settings import PLACEHOLDER_SECRETS, ServiceSettings

DEV_QUARANTINE_KEY = "palapa-dev-quarantine-key"


class BridgeSettings(ServiceSettings):
    """Polling, heartbeat and the app the bridge speaks for."""

    poll_interval_seconds: float = Field(0.2, gt=0)
    batch_size: int = Field(1000, ge=1, le=50_000)
    heartbeat_seconds: float = Field(10.0, gt=0)
    # the digest sweep (sweep.py) of a sqlpoll source: deletes and changes the poll cannot see; 0 = off.
    # On 500,000 PBB rows: the first pass after a start ~24 s of the bridge's CPU, an unchanged table's (PostgreSQL
    # digests its ranges) ~0.1 s and a scan of the source (docs/bridging.md has the figures).
    sweep_seconds: float = Field(900.0, ge=0)
    app_id: str = Field(min_length=1)
    opd: str = Field(min_length=1)
    # the old shared replay token, read only to refuse it: a replay needs an SRE's own token now (docs/access.md)
    admin_token: SecretStr | None = None
    # keys the hash (HMAC) by which a quarantined row is found again; the development default is refused in production
    quarantine_key: SecretStr = SecretStr(DEV_QUARANTINE_KEY)

    @model_validator(mode="after")
    def _no_shared_admin_token(self):
        if self.admin_token is not None:
            raise ValueError("the bridge's ADMIN_TOKEN is gone: a replay is asked with an SRE's token from the "
                             "identity provider (OIDC_ISSUER); see docs/access.md")
        return self

    @model_validator(mode="after")
    def _real_quarantine_key_in_production(self):
        key = self.quarantine_key.get_secret_value()
        if self.environment == "production" and (len(key) < 32 or key in PLACEHOLDER_SECRETS
                                                 or key == DEV_QUARANTINE_KEY or key.startswith("palapa-dev")):
            raise ValueError("the quarantine key must be at least 32 characters and no placeholder "
                             "when PALAPA_ENV=production")
        return self
