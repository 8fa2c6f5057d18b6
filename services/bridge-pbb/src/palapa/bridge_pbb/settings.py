"""bridge-pbb's settings: BRIDGE_PBB_* plus the platform-wide names."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from palapa.bridgekit.settings import BridgeSettings
from palapa.bridgekit.sqlpoll import DEFAULT_LOOKBACK_SECONDS
from palapa.kit.clock import zone
from palapa.kit.db import async_url


class BridgePbbSettings(BridgeSettings):
    """BRIDGE_PBB_* settings (payments polling, heartbeat, app: the kit's BridgeSettings; the export drop folder)."""

    model_config = SettingsConfigDict(env_prefix="BRIDGE_PBB_", extra="ignore", populate_by_name=True)

    legacy_database_url: str  # BPKPD's database, with the payments table pembayaran_sppt
    drop_folder: Path  # where BPKPD leaves its nightly full export
    drop_pattern: str = "*.csv"
    drop_settle_seconds: float = Field(2.0, ge=0, le=3600)  # a file without a .done marker: unchanged this long
    drop_poll_seconds: float = Field(1.0, gt=0, le=3600)
    chunk_lines: int = Field(50_000, ge=100, le=500_000)  # lines per transaction (memory holds one chunk)
    # the source's longest transaction plus the worst skew among the clocks that stamp its rows: every poll
    # re-reads the rows changed that long before the position (or the source's own now, if earlier)
    lookback_seconds: int = Field(DEFAULT_LOOKBACK_SECONDS, ge=0, le=3600)
    legacy_timezone: str = "Asia/Jakarta"
    app_id: str = Field("cek-pbb", min_length=1)
    opd: str = Field("BAPENDA", min_length=1)
    http_port: int = Field(8106, ge=1, le=65535)

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
