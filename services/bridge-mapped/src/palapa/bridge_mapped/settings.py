"""bridge-mapped's settings: BRIDGE_MAPPED_* plus the platform-wide names; each app's own come from its YAML."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from palapa.bridgekit.settings import BridgeSettings


class BridgeMappedSettings(BridgeSettings):
    """BRIDGE_MAPPED_* settings; polling and app ids are per mapping file, the heartbeat and replay token shared."""

    model_config = SettingsConfigDict(env_prefix="BRIDGE_MAPPED_", extra="ignore", populate_by_name=True)

    mappings_dir: Path = Path("deploy/bridges")  # every *.yaml there is one app bridged
    app_id: str = Field("bridge-mapped", min_length=1)  # unused: each mapping names its app
    opd: str = Field("-", min_length=1)
    http_port: int = Field(8111, ge=1, le=65535)
    future_hours: float = Field(24.0, ge=1, le=24 * 365)  # a source clock may run ahead; beyond: quarantined
