"""What every bridge's settings hold; a bridge subclasses them with its env prefix and its source's settings."""

from __future__ import annotations

from pydantic import Field

from palapa.kit.settings import ServiceSettings


class BridgeSettings(ServiceSettings):
    """Polling, heartbeat and the app the bridge speaks for."""

    poll_interval_seconds: float = Field(0.2, gt=0)
    batch_size: int = Field(1000, ge=1, le=50_000)
    heartbeat_seconds: float = Field(10.0, gt=0)
    app_id: str = Field(min_length=1)
    opd: str = Field(min_length=1)
