"""bridge-simakel's settings: BRIDGE_SIMAKEL_* plus the platform-wide names."""

from __future__ import annotations

from datetime import tzinfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from palapa.bridgekit.settings import BridgeSettings
from palapa.kit.clock import zone


class BridgeSimakelSettings(BridgeSettings):
    """BRIDGE_SIMAKEL_* settings (polling, heartbeat, app: the kit's BridgeSettings)."""

    model_config = SettingsConfigDict(env_prefix="BRIDGE_SIMAKEL_", extra="ignore", populate_by_name=True)

    legacy_url: str = Field("http://127.0.0.1:8119", pattern=r"^https?://")
    request_timeout_seconds: float = Field(5.0, gt=0, le=120)
    max_page_bytes: int = Field(8 * 1024 * 1024, ge=1024)
    page_size: int = Field(100, ge=1, le=500)
    max_pages: int = Field(20, ge=1, le=1000)
    # kelurahan PCs' clocks are minutes off: each poll re-reads this far behind its high water
    lookback_seconds: int = Field(600, ge=0, le=24 * 3600)
    poll_interval_seconds: float = Field(0.5, gt=0)
    legacy_timezone: str = "Asia/Jakarta"
    app_id: str = Field("si-makel", min_length=1)
    opd: str = Field("BAGPEM", min_length=1)
    http_port: int = Field(8109, ge=1, le=65535)
    # opens the applicant's data in RequestLetter (sealed by tracking-svc with the same secret, TRACKING_APPLICANT_KEY)
    applicant_key: SecretStr = Field(SecretStr("palapa-dev-simakel-applicants"), repr=False)

    @field_validator("legacy_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)
        return value

    @property
    def tz(self) -> tzinfo:
        return zone(self.legacy_timezone)
