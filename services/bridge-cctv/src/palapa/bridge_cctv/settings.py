"""bridge-cctv's settings: BRIDGE_CCTV_* plus the platform-wide names."""

from __future__ import annotations

from datetime import tzinfo

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from palapa.bridgekit.settings import BridgeSettings
from palapa.kit.clock import zone


class BridgeCctvSettings(BridgeSettings):
    """BRIDGE_CCTV_* settings (polling, heartbeat, app: the kit's BridgeSettings)."""

    model_config = SettingsConfigDict(env_prefix="BRIDGE_CCTV_", extra="ignore", populate_by_name=True)

    legacy_url: str = Field("http://127.0.0.1:8118", pattern=r"^https?://")
    request_timeout_seconds: float = Field(5.0, gt=0, le=120)
    max_response_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    # two snapshot requests per poll: once a second is plenty for a camera's condition and light on Dishub's app
    poll_interval_seconds: float = Field(1.0, gt=0)
    legacy_timezone: str = "Asia/Jakarta"
    app_id: str = Field("cctv", min_length=1)
    opd: str = Field("DISHUB", min_length=1)
    http_port: int = Field(8108, ge=1, le=65535)

    @field_validator("legacy_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)
        return value

    @property
    def tz(self) -> tzinfo:
        return zone(self.legacy_timezone)
