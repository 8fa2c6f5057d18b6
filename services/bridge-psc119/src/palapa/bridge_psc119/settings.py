"""bridge-psc119's settings: BRIDGE_PSC119_* plus the platform-wide names."""

from __future__ import annotations

from datetime import tzinfo

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from palapa.bridgekit.settings import BridgeSettings
from palapa.kit.clock import zone
from palapa.kit.settings import PLACEHOLDER_SECRETS


class BridgePsc119Settings(BridgeSettings):
    """BRIDGE_PSC119_*: the legacy API, the webhook's secret (none: polling only) and the legacy clock."""

    model_config = SettingsConfigDict(env_prefix="BRIDGE_PSC119_", extra="ignore", populate_by_name=True)

    legacy_api_url: str = "http://127.0.0.1:8115"
    api_page_size: int = Field(100, ge=1, le=1000)
    api_timeout_seconds: float = Field(5.0, gt=0, le=60)
    max_pages_per_poll: int = Field(20, ge=1, le=1000)
    # without webhooks the poll is the only way in (poll_interval_seconds, the kit's 0.2 s); with them it is the
    # safety net for lost ones and need not be fast
    fallback_poll_interval_seconds: float = Field(2.0, gt=0)
    webhook_secret: SecretStr | None = None
    webhook_signature_header: str = "X-PSC119-Signature"
    webhook_timestamp_header: str = "X-PSC119-Timestamp"
    # the legacy server's clock runs a few minutes off: its signing time is accepted within this window
    webhook_tolerance_seconds: float = Field(300.0, ge=10, le=3600)
    webhook_max_bytes: int = Field(256 * 1024, ge=1024, le=16 * 1024 * 1024)
    legacy_timezone: str = "Asia/Jakarta"
    # legacy times later than now + this are typos (the legacy clock may run ahead by minutes)
    future_minutes: float = Field(60.0, ge=5, le=24 * 60)
    # the sweep compares only versions older than this on the bridge's clock (newer ones are still the poll's; the
    # legacy clock may run minutes off): past the fallback poll and the webhook's retries
    sweep_settle_seconds: float = Field(300.0, ge=10, le=24 * 3600)
    app_id: str = Field("psc-119", min_length=1)
    opd: str = Field("DINKES", min_length=1)
    http_port: int = Field(8105, ge=1, le=65535)
    # the key of the caller's phone hash on IncidentReported: the gate's account secret (GATE_ACCOUNT_SECRET, the same
    # file), so the hash is the phone account's own (docs/gate.md "Kasus saya"); production refuses the default
    account_secret: SecretStr = Field(SecretStr("palapa-dev-gate-accounts"), repr=False)

    @field_validator("legacy_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < 16:
            raise ValueError("BRIDGE_PSC119_WEBHOOK_SECRET needs at least 16 bytes")
        return value

    @model_validator(mode="after")
    def _real_secret_in_production(self):
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else None
        if self.environment == "production" and secret is not None and (
                secret.lower() in PLACEHOLDER_SECRETS or secret.startswith("dev-")):
            raise ValueError("BRIDGE_PSC119_WEBHOOK_SECRET must be a real secret when PALAPA_ENV=production")
        return self

    @property
    def poll_every(self) -> float:
        return self.poll_interval_seconds if self.webhook_secret is None else self.fallback_poll_interval_seconds

    @property
    def tz(self) -> tzinfo:
        return zone(self.legacy_timezone)
