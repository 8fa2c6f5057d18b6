"""bridge-curhat's settings: BRIDGE_CURHAT_* plus the platform-wide names."""

from __future__ import annotations

from datetime import date, tzinfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from palapa.bridgekit.settings import BridgeSettings
from palapa.bridgekit.sqlpoll import DEFAULT_LOOKBACK_SECONDS
from palapa.kit.clock import zone
from palapa.kit.db import async_url


class BridgeCurhatSettings(BridgeSettings):
    """BRIDGE_CURHAT_* settings (polling, heartbeat, app: the kit's BridgeSettings)."""

    model_config = SettingsConfigDict(env_prefix="BRIDGE_CURHAT_", extra="ignore", populate_by_name=True)

    legacy_database_url: str
    # the source's longest transaction plus the worst skew among the clocks that stamp its rows: every poll
    # re-reads the rows changed that long before the position (or the source's own now, if earlier)
    lookback_seconds: int = Field(DEFAULT_LOOKBACK_SECONDS, ge=0, le=3600)
    legacy_timezone: str = "Asia/Jakarta"
    app_id: str = Field("curhat-ning-ita", min_length=1)
    opd: str = Field("DISKOMINFO", min_length=1)
    http_port: int = Field(8104, ge=1, le=65535)
    # legacy dates outside [earliest_date, now + future_hours] are typos or placeholders ('9999-12-31'),
    # quarantined before a deadline computed from them overflows downstream
    earliest_date: date = Field(date(2000, 1, 1), ge=date(1900, 1, 1), le=date(2100, 1, 1))
    future_hours: float = Field(24.0, ge=1, le=24 * 365)  # at least 1 h: the legacy clock may run ahead
    # the key of the reporter's phone hash on ComplaintSubmitted: the gate's account secret (GATE_ACCOUNT_SECRET, the
    # same file), so the hash is the phone account's own (docs/gate.md "Kasus saya"); production refuses the default
    account_secret: SecretStr = Field(SecretStr("palapa-dev-gate-accounts"), repr=False)
    # seals the reporter on ComplaintSubmitted v2 and opens it on RecordComplaint v2: the secret complaint-svc and
    # notify-svc hold as COMPLAINT_REPORTER_KEY / NOTIFY_REPORTER_KEY (services.toml REPORTER_KEY)
    reporter_key: SecretStr = Field(SecretStr("palapa-dev-reporters"), repr=False)

    @field_validator("legacy_database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_url(value)

    @field_validator("legacy_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)
        return value

    @property
    def tz(self) -> tzinfo:
        return zone(self.legacy_timezone)
